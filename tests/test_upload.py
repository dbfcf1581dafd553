"""Upload: what is stored, what is refused, and that nothing is half-stored."""

from __future__ import annotations

import hashlib
import io
import re
from datetime import UTC, datetime

import images
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError
from django.db.models.signals import pre_save
from PIL import ExifTags, Image

from myphoto.photos.models import Photo
from myphoto.photos.services.upload import photo_upload

pytestmark = pytest.mark.django_db


def upload(client, *files: tuple[str, bytes]):
    return client.post(
        "/api/v1/photos",
        {"file": [SimpleUploadedFile(name, data) for name, data in files]},
    )


def test_upload_stores_original_then_a_job_makes_derivatives(
    client, user, photo_storage, after_commit
):
    data = images.jpeg(640, 480, seed=1)
    with after_commit() as callbacks:
        response = upload(client, ("사진 2023.jpg", data))
        photo = Photo.objects.get(pk=response.json()["items"][0]["id"])
        # The row and the original exist before the job runs: nothing waits on it.
        assert photo_storage.keys() == {photo.storage_key}
        assert not photo.derivatives_ready
    assert len(callbacks) == 1

    assert response.status_code == 201
    [item] = response.json()["items"]
    assert item["filename"] == "사진 2023.jpg"
    assert item["content_type"] == "image/jpeg"
    assert (item["width"], item["height"]) == (640, 480)
    assert item["size"] == len(data)
    assert item["sha256"] == hashlib.sha256(data).hexdigest()
    assert item["duplicate"] is False
    assert item["taken_at_source"] == "upload"

    photo.refresh_from_db()
    assert photo.derivatives_ready
    assert photo.storage_key == f"originals/{user.pk}/{photo.pk}.jpg"
    assert photo_storage.keys() == {photo.storage_key, photo.thumbnail_key, photo.preview_key}
    # Each run of the job writes under keys of its own (see services/derivatives.py).
    assert re.fullmatch(
        rf"derivatives/{user.pk}/{photo.pk}/sm-[0-9a-f]{{12}}\.webp", photo.thumbnail_key
    )
    assert re.fullmatch(
        rf"derivatives/{user.pk}/{photo.pk}/md-[0-9a-f]{{12}}\.webp", photo.preview_key
    )
    assert photo_storage.read(photo.storage_key) == data
    thumbnail = Image.open(io.BytesIO(photo_storage.read(photo.thumbnail_key)))
    assert thumbnail.format == "WEBP"
    assert thumbnail.size == (400, 300)
    # md is never larger than the original.
    assert Image.open(io.BytesIO(photo_storage.read(photo.preview_key))).size == (640, 480)


def test_several_files_in_one_request(client, photo_storage, after_commit):
    with after_commit():
        response = upload(client, ("a.jpg", images.jpeg(seed=1)), ("b.png", images.png(seed=2)))

    assert response.status_code == 201
    items = response.json()["items"]
    assert [i["filename"] for i in items] == ["a.jpg", "b.png"]
    assert [i["content_type"] for i in items] == ["image/jpeg", "image/png"]
    assert len(photo_storage.keys()) == 6  # each: original, sm, md


def test_same_bytes_twice_returns_the_first_photo(client, photo_storage, after_commit):
    data = images.jpeg(seed=3)
    with after_commit():
        first = upload(client, ("one.jpg", data)).json()["items"][0]
        second = upload(client, ("copy of one.jpg", data))

    assert second.status_code == 201
    again = second.json()["items"][0]
    assert again["id"] == first["id"]
    assert again["duplicate"] is True
    assert again["filename"] == "one.jpg"
    assert Photo.objects.count() == 1
    assert len(photo_storage.keys()) == 3


def test_same_bytes_as_a_trashed_photo_bring_it_back(client, photo_storage):
    data = images.jpeg(seed=4)
    first = upload(client, ("one.jpg", data)).json()["items"][0]
    client.delete(f"/api/v1/photos/{first['id']}")

    again = upload(client, ("one.jpg", data)).json()["items"][0]

    assert again["id"] == first["id"]
    assert Photo.objects.get(pk=first["id"]).deleted_at is None


def test_other_users_may_upload_the_same_bytes(client, other_user, photo_storage):
    data = images.jpeg(seed=5)
    upload(client, ("mine.jpg", data))
    photo_upload(owner=other_user, file=SimpleUploadedFile("theirs.jpg", data))

    assert Photo.objects.count() == 2
    assert len({photo.storage_key for photo in Photo.objects.all()}) == 2
    assert len(photo_storage.keys()) == 2


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("notes.txt", b"just some text, not a photo\n", "not a photo or video"),
        ("page.html", b"<!doctype html><html><body>hi</body></html>", "not a photo or video"),
        (
            "drawing.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect/></svg>',
            "not a photo or video",
        ),
        ("half.jpg", images.jpeg(800, 600, seed=6)[:4000], "damaged or incomplete"),
        ("empty.jpg", b"", "empty"),
    ],
)
def test_refused_file_is_415_and_stores_nothing(client, photo_storage, name, data, reason):
    response = upload(client, (name, data))

    assert response.status_code == 415
    body = response.json()
    assert body["code"] == "unsupported_image"
    assert name in body["detail"] and reason in body["detail"]
    assert Photo.objects.count() == 0
    assert photo_storage.keys() == set()


def test_one_bad_file_fails_the_whole_request(client, photo_storage):
    response = upload(client, ("good.jpg", images.jpeg(seed=7)), ("bad.txt", b"hello"))

    assert response.status_code == 415
    assert "bad.txt" in response.json()["detail"]
    assert Photo.objects.count() == 0
    assert photo_storage.keys() == set()


def test_file_over_the_limit_is_413(client, settings, photo_storage):
    settings.MYPHOTO_MAX_UPLOAD_MB = 1
    big = images.noise_png(700, 600, seed=8)
    assert len(big) > 1024 * 1024

    response = upload(client, ("big.png", big))

    assert response.status_code == 413
    assert response.json()["code"] == "too_large"
    assert "limit is 1 MB" in response.json()["detail"]
    assert photo_storage.keys() == set()


def test_decompression_bomb_is_refused(client, photo_storage):
    bomb = images.encode(Image.new("1", (30000, 30000)), "PNG")
    assert len(bomb) < 200_000

    response = upload(client, ("bomb.png", bomb))

    assert response.status_code == 415
    assert "too many pixels" in response.json()["detail"]
    assert photo_storage.keys() == set()


def test_exif_time_camera_gps_and_orientation(client, photo_storage):
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Canon"
    exif[ExifTags.Base.Model] = "Canon EOS R5"
    exif[ExifTags.Base.Orientation] = 6
    exif.get_ifd(ExifTags.IFD.Exif).update(
        {
            ExifTags.Base.DateTimeOriginal: "2023:10:11 14:30:00",
            ExifTags.Base.OffsetTimeOriginal: "+09:00",
        }
    )
    exif.get_ifd(ExifTags.IFD.GPSInfo).update(
        {
            ExifTags.GPS.GPSLatitudeRef: "N",
            ExifTags.GPS.GPSLatitude: (37.0, 33.0, 36.0),
            ExifTags.GPS.GPSLongitudeRef: "E",
            ExifTags.GPS.GPSLongitude: (126.0, 58.0, 48.0),
        }
    )
    response = upload(client, ("seoul.jpg", images.jpeg(600, 400, seed=9, exif=exif)))

    item = response.json()["items"][0]
    assert datetime.fromisoformat(item["taken_at"]) == datetime(2023, 10, 11, 5, 30, tzinfo=UTC)
    assert item["taken_at_source"] == "exif"
    assert item["camera"] == "Canon EOS R5"
    assert item["gps"] == {"lat": pytest.approx(37.56), "lon": pytest.approx(126.98)}
    # Orientation 6 is a portrait shot stored sideways.
    assert (item["width"], item["height"]) == (400, 600)


def test_failed_row_removes_the_stored_objects(user, photo_storage):
    """If the database refuses the row, the objects written before it are removed."""

    def database_goes_away(sender, instance, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    pre_save.connect(database_goes_away, sender=Photo)
    try:
        with pytest.raises(OperationalError):
            photo_upload(owner=user, file=SimpleUploadedFile("ours.jpg", images.jpeg(seed=10)))
    finally:
        pre_save.disconnect(database_goes_away, sender=Photo)

    assert Photo.objects.count() == 0
    assert photo_storage.keys() == set()


def test_upload_needs_credentials(photo_storage, db):
    from django.test import Client

    response = upload(Client(), ("a.jpg", images.jpeg()))

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert photo_storage.keys() == set()
