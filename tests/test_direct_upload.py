"""Big files from the browser straight to S3 by a presigned POST, then checked and registered."""

from __future__ import annotations

from datetime import timedelta

import httpx
import images
import pytest
from django.core.management import call_command
from django.utils import timezone

from myphoto.photos.models import Photo
from myphoto.photos.services.unfinished import unfinished_uploads_purge

pytestmark = pytest.mark.django_db


@pytest.fixture
def s3(photo_storage):
    if photo_storage.kind != "s3":
        pytest.skip("direct uploads are an S3 feature")
    return photo_storage


def send_to_bucket(ticket: dict, name: str, data: bytes) -> httpx.Response:
    """What the browser does with the ticket: a multipart POST to the bucket."""
    return httpx.post(ticket["url"], data=ticket["fields"], files={"file": (name, data)})


def test_a_file_goes_to_the_bucket_then_becomes_a_photo(api, user, s3, after_commit):
    data = images.camera_photo("JPEG", seed=21)
    ticket = api.post(
        "/api/v1/uploads",
        {"filename": "사진.jpg", "size": len(data)},
        content_type="application/json",
    )
    assert ticket.status_code == 201
    ticket = ticket.json()
    assert ticket["key"].startswith(f"incoming/{user.pk}/")
    assert send_to_bucket(ticket, "사진.jpg", data).status_code == 204
    assert s3.keys() == {ticket["key"]}

    with after_commit():
        done = api.post(
            "/api/v1/uploads/complete",
            {"key": ticket["key"], "filename": "사진.jpg"},
            content_type="application/json",
        )

    assert done.status_code == 201, done.content
    [item] = done.json()["items"]
    assert item["filename"] == "사진.jpg" and item["camera"] == "Apple iPhone 15 Pro"
    photo = Photo.objects.get(pk=item["id"])
    assert photo.storage_key == f"originals/{user.pk}/{photo.pk}.jpg"
    assert s3.read(photo.storage_key) == data
    assert s3.keys() == set(photo.storage_keys)  # the incoming object is gone
    download = api.get(item["download_url"])
    assert b"".join(download.streaming_content) == data


def test_the_bucket_refuses_a_file_larger_than_the_limit(api, settings, s3):
    settings.MYPHOTO_MAX_UPLOAD_MB = 1
    ticket = api.post(
        "/api/v1/uploads", {"filename": "a.png", "size": 1000}, content_type="application/json"
    ).json()

    refused = send_to_bucket(ticket, "a.png", images.noise_png(800, 600))

    assert refused.status_code == 400  # the policy's content-length-range
    assert s3.keys() == set()
    too_big = api.post(
        "/api/v1/uploads", {"filename": "b.png", "size": 5_000_000}, content_type="application/json"
    )
    assert too_big.status_code == 413 and too_big.json()["code"] == "too_large"


def test_not_an_image_is_415_and_nothing_stays(api, s3):
    ticket = api.post(
        "/api/v1/uploads", {"filename": "notes.jpg", "size": 11}, content_type="application/json"
    ).json()
    send_to_bucket(ticket, "notes.jpg", b"not a photo")

    done = api.post(
        "/api/v1/uploads/complete",
        {"key": ticket["key"], "filename": "notes.jpg"},
        content_type="application/json",
    )

    assert done.status_code == 415 and "notes.jpg" in done.json()["detail"]
    assert s3.keys() == set()
    assert Photo.objects.count() == 0


def test_someone_elses_key_or_a_missing_file_is_404(api, other_user, s3):
    for key in (f"incoming/{other_user.pk}/00000000-0000-0000-0000-000000000000", "originals/x"):
        answer = api.post(
            "/api/v1/uploads/complete",
            {"key": key, "filename": "a.jpg"},
            content_type="application/json",
        )
        assert answer.status_code == 404 and answer.json()["detail"] == "No such upload."
    ticket = api.post(
        "/api/v1/uploads", {"filename": "a.jpg", "size": 10}, content_type="application/json"
    ).json()
    never_sent = api.post(
        "/api/v1/uploads/complete",
        {"key": ticket["key"], "filename": "a.jpg"},
        content_type="application/json",
    )
    assert never_sent.status_code == 404 and "never arrived" in never_sent.json()["detail"]


def test_on_local_disk_it_says_to_post_the_file(api, photo_storage):
    if photo_storage.kind != "disk":
        pytest.skip("the disk case")
    answer = api.post(
        "/api/v1/uploads", {"filename": "a.jpg", "size": 10}, content_type="application/json"
    )
    assert answer.status_code == 409 and answer.json()["code"] == "direct_upload_unavailable"


def test_forgotten_incoming_files_are_removed_a_day_later(api, s3, capsys):
    ticket = api.post(
        "/api/v1/uploads", {"filename": "a.jpg", "size": 100}, content_type="application/json"
    ).json()
    send_to_bucket(ticket, "a.jpg", images.jpeg())

    call_command("purge_trash")
    assert s3.keys() == {ticket["key"]}  # still within its day

    assert unfinished_uploads_purge(now=timezone.now() + timedelta(days=2)) == {"direct": 1}
    assert s3.keys() == set()


def test_a_video_goes_to_the_bucket_then_plays(api, user, s3, after_commit):
    import videos

    data = videos.hevc_mov()
    ticket = api.post(
        "/api/v1/uploads",
        {"filename": "IMG_0001.MOV", "size": len(data)},
        content_type="application/json",
    ).json()
    assert send_to_bucket(ticket, "IMG_0001.MOV", data).status_code == 204

    with after_commit():
        done = api.post(
            "/api/v1/uploads/complete",
            {"key": ticket["key"], "filename": "IMG_0001.MOV"},
            content_type="application/json",
        )

    [item] = done.json()["items"]
    assert (item["kind"], item["content_type"]) == ("video", "video/quicktime")
    photo = Photo.objects.get(pk=item["id"])
    assert photo.storage_key == f"originals/{user.pk}/{photo.pk}.mov"
    assert s3.read(photo.storage_key) == data
    assert s3.keys() == set(photo.storage_keys)
    assert api.get(item["playback_url"]).status_code == 200


def test_a_broken_video_sent_to_the_bucket_is_refused_and_removed(api, s3):
    import videos

    data = videos.phone_video()[:15000]
    ticket = api.post(
        "/api/v1/uploads",
        {"filename": "cut.mp4", "size": len(data)},
        content_type="application/json",
    ).json()
    send_to_bucket(ticket, "cut.mp4", data)

    done = api.post(
        "/api/v1/uploads/complete",
        {"key": ticket["key"], "filename": "cut.mp4"},
        content_type="application/json",
    )

    assert done.status_code == 415 and done.json()["code"] == "unsupported_video"
    assert s3.keys() == set() and Photo.objects.count() == 0
