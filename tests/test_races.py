"""Races that must end consistent, on SQLite and PostgreSQL: each side in a thread of its
own with its own connection, started together, and fsck clean after every round."""

from __future__ import annotations

from collections.abc import Callable

import images
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from together import at_once

from myphoto.photos import integrity
from myphoto.photos.models import Album, AlbumPhoto, Photo
from myphoto.photos.services.albums import album_add_photos, album_create
from myphoto.photos.services.trash import photos_restore, photos_trash, trash_purge
from myphoto.photos.services.upload import photo_upload

pytestmark = pytest.mark.django_db(transaction=True)


def assert_fsck_clean() -> None:
    from datetime import timedelta

    record = integrity.check(verify=True, grace=timedelta(0))
    assert record.exit_code == 0, record.report


def test_twenty_uploads_of_the_same_bytes_make_one_photo(user, photo_storage):
    data = images.jpeg(seed=42)

    def upload(n: int) -> Callable[[], object]:
        return lambda: photo_upload(owner=user, file=SimpleUploadedFile(f"copy {n}.jpg", data))

    results = at_once(*(upload(n) for n in range(20)))

    errors = [result for result in results if isinstance(result, BaseException)]
    assert errors == []
    [photo] = Photo.objects.all()
    assert {result.photo.pk for result in results} == {photo.pk}
    assert sorted(result.duplicate for result in results) == [False] + [True] * 19
    # The 19 objects written beside the winner's were removed.
    stored = photo_storage.keys()
    assert {key for key in stored if key.startswith("originals/")} == {photo.storage_key}
    assert photo_storage.read(photo.storage_key) == data
    assert_fsck_clean()


def test_a_restore_racing_a_purge_keeps_the_photo_whole_or_removes_it_whole(user, photo_storage):
    outcomes = set()
    for n in range(6):
        photo = photo_upload(
            owner=user, file=SimpleUploadedFile(f"{n}.jpg", images.jpeg(seed=n))
        ).photo
        photos_trash(owner=user, photo_ids=[photo.pk])

        results = at_once(
            lambda photo=photo: photos_restore(owner=user, photo_ids=[photo.pk]),
            lambda: trash_purge(owner=user),
        )

        assert not any(isinstance(result, BaseException) for result in results), results
        kept = Photo.objects.filter(pk=photo.pk).first()
        if kept is None:
            outcomes.add("purged")
            stored = photo_storage.keys()
            assert not {key for key in stored if str(photo.pk) in key}
        else:
            outcomes.add("restored")
            assert kept.deleted_at is None
            assert photo_storage.read(kept.storage_key)[:2] == b"\xff\xd8"
        assert_fsck_clean()
    assert outcomes  # which one wins is the scheduler's choice; both must end whole


def test_an_album_add_racing_a_purge_leaves_no_dangling_entry(user, photo_storage):
    album = album_create(owner=user, title="Summer")
    for n in range(6):
        photo = photo_upload(
            owner=user, file=SimpleUploadedFile(f"{n}.jpg", images.jpeg(seed=100 + n))
        ).photo

        def trash_and_purge(photo: Photo = photo) -> int:
            photos_trash(owner=user, photo_ids=[photo.pk])
            return trash_purge(owner=user)

        results = at_once(
            lambda photo=photo: album_add_photos(album=album, user=user, photo_ids=[photo.pk]),
            trash_and_purge,
        )

        added, purged = results
        # The add either came first, or found the photo gone from the timeline (a 404).
        assert isinstance(added, int | Http404), added
        # The purge skips a photo another transaction holds (it waits for the next one).
        assert purged in {0, 1}
        assert_fsck_clean()
        trash_purge(owner=user)
        assert not Photo.objects.filter(pk=photo.pk).exists()
        assert not AlbumPhoto.objects.filter(photo_id=photo.pk).exists()
        assert Album.objects.get(pk=album.pk).cover_id is None
        assert_fsck_clean()
