"""Many photos as one zip: streamed while it is built, names made unique and portable, by
date, ZIP64 past 65,535 entries; and the pages' download button."""

from __future__ import annotations

import io
import subprocess
import zipfile
from datetime import UTC, datetime

import pytest
from bulk import retake
from playback import body_of

from myphoto.photos.models import Photo
from myphoto.photos.responses import build_zip
from myphoto.photos.storage import ObjectMissing, get_storage

pytestmark = pytest.mark.django_db


def zip_of(response) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(body_of(response)))


def test_zip_has_every_photo_with_unique_safe_names(client, make_photo, photo_storage, tmp_path):
    photos = [
        make_photo("a.jpg"),
        make_photo("a.jpg"),
        make_photo("A.JPG"),
        make_photo("사진 2023.jpg"),
        make_photo("../../etc/passwd.jpg"),
        make_photo("/abs/path.jpg"),
    ]

    response = client.post(
        "/api/v1/photos/download",
        {"ids": [str(p.pk) for p, _ in photos]},
        content_type="application/json",
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Accept-Ranges"] == "none"
    assert response["Content-Disposition"].startswith('attachment; filename="myphoto-')
    raw = body_of(response)
    assert len(raw) == int(response["Content-Length"])
    archive = zipfile.ZipFile(io.BytesIO(raw))
    assert archive.namelist() == [
        "a.jpg",
        "a (2).jpg",
        "A (3).JPG",
        "사진 2023.jpg",
        "passwd.jpg",
        "path.jpg",
    ]
    for info, (_photo, data) in zip(archive.infolist(), photos, strict=True):
        assert info.compress_type == zipfile.ZIP_STORED
        assert archive.read(info) == data
    assert archive.getinfo("사진 2023.jpg").flag_bits & 0x800  # UTF-8 name flag
    path = tmp_path / "photos.zip"
    path.write_bytes(raw)
    assert subprocess.run(["unzip", "-t", str(path)], capture_output=True).returncode == 0


def test_zip_by_date_puts_photos_in_day_folders(client, make_photo, photo_storage, settings):
    first, _ = make_photo("x.jpg")
    second, _ = make_photo("x.jpg")
    retake(Photo.objects.filter(pk=first.pk), datetime(2023, 10, 11, 12, tzinfo=UTC))
    retake(Photo.objects.filter(pk=second.pk), datetime(2024, 1, 2, 12, tzinfo=UTC))

    response = client.post(
        "/api/v1/photos/download?layout=by-date",
        {"ids": [str(first.pk), str(second.pk)]},
        content_type="application/json",
    )

    assert zip_of(response).namelist() == ["2023/2023-10-11/x.jpg", "2024/2024-01-02/x.jpg"]


def test_zip_with_a_foreign_or_unknown_id_is_404(client, make_photo, other_user, photo_storage):
    mine, _ = make_photo("mine.jpg")
    theirs, _ = make_photo("theirs.jpg", owner=other_user)

    for ids in ([mine.pk, theirs.pk], [mine.pk, "00000000-0000-0000-0000-000000000000"]):
        response = client.post(
            "/api/v1/photos/download",
            {"ids": [str(i) for i in ids]},
            content_type="application/json",
        )
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"


def test_object_vanishing_mid_zip_breaks_the_stream(client, make_photo, photo_storage, caplog):
    first, _ = make_photo("first.jpg")
    second, _ = make_photo("second.jpg")
    response = client.post(
        "/api/v1/photos/download",
        {"ids": [str(first.pk), str(second.pk)]},
        content_type="application/json",
    )
    photo_storage.remove(second.storage_key)

    received = bytearray()
    with pytest.raises(ObjectMissing):
        for chunk in response.streaming_content:
            received += chunk

    assert len(received) < int(response["Content-Length"])
    with pytest.raises(zipfile.BadZipFile):
        zipfile.ZipFile(io.BytesIO(bytes(received)))
    assert "aborted mid-stream" in caplog.text


def test_web_download_button_one_file_or_a_zip(client, make_photo, photo_storage):
    one, data = make_photo("one.jpg")
    two, _ = make_photo("two.jpg")

    single = client.post("/photos/download", {"ids": [str(one.pk)]})
    assert single.status_code == 200
    assert single["Content-Disposition"] == 'attachment; filename="one.jpg"'
    assert body_of(single) == data

    several = client.post("/photos/download", {"ids": [str(one.pk), str(two.pk)]})
    assert several["Content-Type"] == "application/zip"
    assert zip_of(several).namelist() == ["one.jpg", "two.jpg"]


def test_a_zip_is_refused_past_the_configured_number_of_photos(client, make_photo, settings):
    settings.MYPHOTO_ZIP_MAX_PHOTOS = 2
    ids = [str(make_photo(f"{n}.jpg")[0].pk) for n in range(3)]

    answer = client.post("/api/v1/photos/download", {"ids": ids}, content_type="application/json")
    page = client.post("/photos/download", {"ids": ids}, follow=True)

    assert answer.status_code == 400
    assert answer.json()["code"] == "too_many_photos"
    assert "(2)" in answer.json()["detail"]
    assert page.status_code == 200
    assert "download them in parts" in page.content.decode()
    two = client.post("/api/v1/photos/download", {"ids": ids[:2]}, content_type="application/json")
    assert zip_of(two).namelist() == ["0.jpg", "1.jpg"]


def test_web_download_with_nothing_selected_explains(client, photo_storage):
    response = client.post("/photos/download", {}, follow=True)

    assert response.status_code == 200
    assert "Select at least one photo first." in response.content.decode()


def test_zip_switches_to_zip64_past_65535_entries(user, settings, tmp_path):
    """Entry count forces ZIP64; every entry points at one small object to keep it quick."""
    get_storage().put(f"originals/{user.pk}/tiny.jpg", io.BytesIO(b"0123456789"), size=10)
    now = datetime.now(UTC)
    photos = [
        Photo(
            owner=user,
            original_name=f"{n}.jpg",
            storage_key=f"originals/{user.pk}/tiny.jpg",
            size=10,
            taken_at=now,
        )
        for n in range(65_536)
    ]

    archive = build_zip(photos)
    expected_size = len(archive)
    path = tmp_path / "many.zip"
    with path.open("wb") as handle:
        for chunk in archive:
            handle.write(chunk)

    assert path.stat().st_size == expected_size
    with zipfile.ZipFile(path) as opened:
        names = opened.namelist()
        assert len(names) == 65_536 and names[-1] == "65535.jpg"
        assert opened.read("65535.jpg") == b"0123456789"
    raw = path.read_bytes()
    assert b"PK\x06\x06" in raw[-200:]  # the ZIP64 end of central directory record


def test_downloads_are_named_by_what_they_are_and_zips_extract_on_windows(api, photo_storage):
    import images
    from django.core.files.uploadedfile import SimpleUploadedFile

    uploads = {
        "evil.html": images.png(seed=1),
        "CON.jpg": images.jpeg(seed=2),
        'a<b>:c"d|e?.jpg': images.jpeg(seed=3),
        "a_b__c_d_e_.jpg": images.jpeg(seed=4),  # what the one above becomes: numbered
        "trailing. ": images.jpeg(seed=5),
    }
    ids = {}
    for name, data in uploads.items():
        answer = api.post("/api/v1/photos", {"file": SimpleUploadedFile(name, data)})
        ids[name] = answer.json()["items"][0]["id"]

    single = api.get(f"/api/v1/photos/{ids['evil.html']}/download")
    assert single["Content-Disposition"] == 'attachment; filename="evil.png"'
    assert api.get(f"/api/v1/photos/{ids['evil.html']}").json()["filename"] == "evil.html"

    zipped = api.post(
        "/api/v1/photos/download", {"ids": list(ids.values())}, content_type="application/json"
    )
    names = zipfile.ZipFile(io.BytesIO(body_of(zipped))).namelist()
    assert sorted(names) == sorted(
        ["evil.png", "_CON.jpg", "a_b__c_d_e_.jpg", "a_b__c_d_e_ (2).jpg", "trailing.jpg"]
    )
