"""Quotas: an upload that would take its owner past their quota is refused before any byte
is stored, on every way in (a form, the API, a presigned POST, parts at start and again at
complete, a share link's visitor against the album's owner), and uploads at the same moment
cannot pass it together."""

from __future__ import annotations

import images
import pytest
import videos
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.urls import reverse
from test_direct_upload import send_to_bucket
from test_multipart import complete, open_uploads, send, start
from together import at_once

from myphoto.photos.models import MultipartUpload, Photo, User
from myphoto.photos.quotas import bytes_used
from myphoto.photos.services.albums import album_create
from myphoto.photos.services.shares import share_create
from myphoto.photos.services.upload import UploadRejected, photo_upload

pytestmark = pytest.mark.django_db
MiB = 1024 * 1024


def quota(user: User, size: int | None) -> None:
    User.objects.filter(pk=user.pk).update(quota_bytes=size)
    user.refresh_from_db()


def refused(answer) -> str:
    assert answer.status_code == 413, answer.content
    assert answer.json()["code"] == "quota_exceeded"
    return answer.json()["detail"]


def test_an_upload_past_the_quota_is_413_and_stores_nothing(
    api, user, make_photo, photo_storage, after_commit
):
    _, first = make_photo("first.jpg")
    used = bytes_used(user)
    quota(user, used + 100)
    keys = photo_storage.keys()

    data = images.jpeg(seed=50)
    detail = refused(api.post("/api/v1/photos", {"file": SimpleUploadedFile("new.jpg", data)}))

    assert detail.startswith("new.jpg: You have used")
    assert f"this needs {len(data) / 1024:.1f}\xa0KB more" in detail
    assert photo_storage.keys() == keys and Photo.objects.count() == 1
    assert bytes_used(user) == used
    # Bytes they have already take no room: answered with the photo they have.
    again = api.post("/api/v1/photos", {"file": SimpleUploadedFile("again.jpg", first)})
    assert again.status_code == 201 and again.json()["items"][0]["duplicate"] is True
    # Room made: the same file is taken.
    quota(user, used + len(data))
    with after_commit():
        taken = api.post("/api/v1/photos", {"file": SimpleUploadedFile("new.jpg", data)})
    assert taken.status_code == 201, taken.content
    me = api.get("/api/v1/me").json()
    assert (me["quota_bytes"], me["bytes_used"]) == (used + len(data), bytes_used(user))


def test_a_form_of_files_that_do_not_all_fit_stores_none_and_says_so(client, user):
    files = [images.jpeg(seed=n) for n in range(3)]
    quota(user, len(files[0]) + len(files[1]))

    page = client.post(
        reverse("upload"),
        {"photos": [SimpleUploadedFile(f"{n}.jpg", data) for n, data in enumerate(files)]},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert page.status_code == 400
    text = page.content.decode()
    assert "Nothing was uploaded. 2.jpg: You have used" in text
    assert not Photo.objects.exists()
    # The page says where they stand, in words and a meter.
    assert "You have used 0\xa0bytes of" in text and "<meter" in text
    korean = client.get(reverse("upload"), HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert "사용했습니다" in korean


def test_no_quota_no_meter(client):
    page = client.get(reverse("upload"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "<meter" not in page and "You have used" not in page


def test_parts_are_refused_at_start_and_again_at_complete(
    api, user, make_photo, photo_storage, after_commit, settings
):
    settings.MYPHOTO_UPLOAD_PART_MB = 5
    data = videos.padded_video(6 * MiB, seed=9)
    quota(user, len(data) - 1)
    refused(
        api.post(
            "/api/v1/uploads/multipart",
            {"filename": "clip.mp4", "size": len(data)},
            content_type="application/json",
        )
    )
    assert not MultipartUpload.objects.exists() and open_uploads(photo_storage) == []

    # Begun with room, then another upload takes the room before it completes.
    quota(user, len(data) + 2_000)
    started = start(api, "clip.mp4", data)
    send(api, started, data, [1, 2])
    make_photo("meanwhile.jpg", data=images.jpeg(width=400, height=300, seed=3))

    detail = refused(complete(api, started["id"], after_commit))

    assert "clip.mp4" in detail
    assert photo_storage.keys() == set(Photo.objects.get().storage_keys)
    assert not MultipartUpload.objects.exists() and open_uploads(photo_storage) == []


def test_a_presigned_post_is_refused_at_start_and_at_complete(api, user, photo_storage):
    if photo_storage.kind != "s3":
        pytest.skip("direct uploads are an S3 feature")
    data = images.camera_photo("JPEG", seed=4)
    quota(user, len(data) - 1)
    ask = {"filename": "a.jpg", "size": len(data)}
    refused(api.post("/api/v1/uploads", ask, content_type="application/json"))

    quota(user, len(data))
    ticket = api.post("/api/v1/uploads", ask, content_type="application/json").json()
    assert send_to_bucket(ticket, "a.jpg", data).status_code == 204
    quota(user, len(data) - 1)  # staff lowered it meanwhile

    done = api.post(
        "/api/v1/uploads/complete",
        {"key": ticket["key"], "filename": "a.jpg"},
        content_type="application/json",
    )

    refused(done)
    assert photo_storage.keys() == set() and not Photo.objects.exists()


def test_a_visitors_upload_counts_against_the_albums_owner(user, make_photo, after_commit):
    shown, _ = make_photo("shown.jpg")
    link = share_create(
        album=album_create(owner=user, title="Party", photo_ids=[shown.pk]), allow_upload=True
    )
    before = bytes_used(user)
    quota(user, before + 10)
    data = images.jpeg(seed=77)

    def visit() -> object:
        with after_commit():
            return Client().post(
                f"/api/v1/shared/{link.key}/photos", {"file": SimpleUploadedFile("g.jpg", data)}
            )

    refused(visit())
    assert Photo.objects.count() == 1
    quota(user, before + len(data))
    assert visit().status_code == 201
    assert bytes_used(user) >= before + len(data)  # the owner's, with its thumbnails


def quota_of(user: User) -> int:
    user.refresh_from_db()
    assert user.quota_bytes is not None
    return user.quota_bytes


@pytest.mark.django_db(transaction=True)
def test_uploads_at_the_same_moment_cannot_pass_the_quota_together(user, settings):
    """Eight uploads at once, each in its own connection, with room for three: each one's
    check before storing passes, and the database lets no more than three be counted."""
    if connection.vendor == "sqlite":
        pytest.skip("SQLite writes one at a time: nothing runs concurrently there")
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    files = [images.jpeg(seed=300 + n) for n in range(8)]
    quota(user, sum(sorted(map(len, files))[:3]) + 10)

    def upload(n: int) -> object:
        return photo_upload(owner=user, file=SimpleUploadedFile(f"u{n}.jpg", files[n])).photo

    results = at_once(*(lambda n=n: upload(n) for n in range(8)))
    taken = [result for result in results if isinstance(result, Photo)]
    refusals = [result for result in results if isinstance(result, UploadRejected)]
    errors = [result for result in results if result not in taken + refusals]

    assert not errors, errors
    # Any two fit (the files differ by far less than one file's size); no fourth can.
    assert len(taken) + len(refusals) == 8 and 2 <= len(taken) <= 3
    assert bytes_used(user) == sum(photo.size for photo in taken) <= quota_of(user)
    assert set(Photo.objects.values_list("pk", flat=True)) == {photo.pk for photo in taken}
