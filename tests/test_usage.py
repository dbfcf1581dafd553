"""What each person keeps (`Usage`), kept by the database: it follows every change of the
photos' rows and equals a sum over them."""

from __future__ import annotations

import pytest
import videos
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from together import at_once

from myphoto.photos.models import Kind, Library, Photo, User
from myphoto.photos.selectors import usage_of
from myphoto.photos.services.trash import photos_restore, photos_trash, trash_purge
from myphoto.photos.services.upload import photo_upload

pytestmark = pytest.mark.django_db(transaction=True)


def summed(user: User) -> tuple[int, int, int]:
    """Photos, videos and bytes counted from the rows, in Python: what Usage must say."""
    photos = videos_ = stored = 0
    for photo in Photo.objects.filter(owner=user, library__isnull=True):
        item = photo.deleted_at is None and photo.part_of_id is None
        photos += item and photo.kind == Kind.PHOTO
        videos_ += item and photo.kind == Kind.VIDEO
        copy = photo.playback_size or 0 if photo.playback_key != photo.storage_key else 0
        stored += photo.size + photo.images_size + copy
    return photos, videos_, stored


def kept(user: User) -> tuple[int, int, int]:
    usage = usage_of(user=user)
    return usage.photos, usage.videos, usage.bytes


def test_usage_follows_uploads_thumbnails_the_trash_and_the_purge(user, make_photo, client):
    first, data = make_photo("first.jpg")
    make_photo("second.jpg")
    clip, _ = make_photo("clip.mov", data=videos.hevc_mov())
    first.refresh_from_db()
    clip.refresh_from_db()
    assert first.images_size > 0, "the thumbnail and preview's bytes are recorded"
    assert clip.playback_key not in ("", clip.storage_key), "a playback copy of its own"
    assert kept(user) == summed(user) == (2, 1, kept(user)[2])
    assert kept(user)[2] >= len(data) + first.images_size + clip.size + clip.playback_size

    me = client.get("/api/v1/me").json()
    assert (me["photo_count"], me["bytes_used"], me["quota_bytes"]) == (3, kept(user)[2], None)

    # The trash holds its bytes until it is emptied.
    before = kept(user)[2]
    photos_trash(owner=user, photo_ids=[first.pk])
    assert kept(user) == summed(user) == (1, 1, before)
    photos_restore(owner=user, photo_ids=[first.pk])
    assert kept(user) == (2, 1, before)
    photos_trash(owner=user, photo_ids=[first.pk, clip.pk])
    trash_purge(owner=user)
    assert kept(user) == summed(user) == (1, 0, kept(user)[2])
    assert kept(user)[2] < before - first.size - clip.size


def test_adopted_photos_are_not_counted_and_nobody_elses_are(user, other_user, make_photo):
    mine, _ = make_photo("mine.jpg")
    make_photo("theirs.jpg", owner=other_user)
    library = Library.objects.create(name="NAS", owner=user, source="/srv/photos")
    Photo.objects.filter(pk=mine.pk).update(library=library)  # read in place from it
    assert kept(user) == summed(user) == (0, 0, 0)
    assert kept(other_user) == summed(other_user) != (0, 0, 0)
    Photo.objects.filter(pk=mine.pk).update(library=None)
    assert kept(user) == summed(user) != (0, 0, 0)


def test_recount_measures_thumbnails_made_before_their_sizes_were_kept(user, make_photo):
    photo, _ = make_photo()
    photo.refresh_from_db()
    made = photo.images_size
    Photo.objects.filter(pk=photo.pk).update(images_size=0)  # as an older library's rows
    assert kept(user)[2] == photo.size
    call_command("recount")
    assert Photo.objects.get(pk=photo.pk).images_size == made
    assert kept(user) == summed(user) == (1, 0, photo.size + made)


def test_usage_stays_exact_under_concurrent_uploads_and_deletes(user):
    """Eight people's worth of uploads and deletes at once, each in its own connection."""
    import images

    if connection.vendor == "sqlite":
        pytest.skip("SQLite writes one at a time: nothing runs concurrently there")

    def uploader(n: int) -> None:
        made = [
            photo_upload(
                owner=user,
                file=SimpleUploadedFile(f"u{n}-{i}.jpg", images.jpeg(seed=100 * n + i)),
            ).photo
            for i in range(4)
        ]
        Photo.objects.filter(pk=made[0].pk).update(deleted_at=timezone.now())
        Photo.objects.filter(pk=made[1].pk).delete()

    results = at_once(*(lambda n=n: uploader(n) for n in range(8)))
    assert [result for result in results if result is not None] == []
    assert kept(user) == summed(user)
    assert kept(user)[0] == 8 * 2


def test_settings_says_what_a_person_keeps_in_their_language(user, make_photo, client):
    from django.template.defaultfilters import filesizeformat
    from django.urls import reverse

    make_photo()
    size = filesizeformat(kept(user)[2])
    page = client.get(reverse("account"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f"You keep 1 photo and 0 videos: {size} in storage" in page
    korean = client.get(reverse("account"), HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert "사진 1장과 동영상 0개를 보관하고 있습니다" in korean
