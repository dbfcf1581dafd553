"""Downloads: the original bytes under the original name, ranges, and zips."""

from __future__ import annotations

import hashlib
import io
import os
import subprocess
import tracemalloc
import urllib.request
import zipfile
from datetime import UTC, datetime

import pytest
from conftest import retake

from myphoto.photos.models import Photo
from myphoto.photos.responses import build_zip
from myphoto.photos.storage import ObjectMissing, get_storage

pytestmark = pytest.mark.django_db
MiB = 1024 * 1024


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_download_is_the_original_under_its_name(client, make_photo, photo_storage):
    photo, data = make_photo("사진 2023.jpg")

    response = client.get(f"/api/v1/photos/{photo.pk}/download")

    assert response.status_code == 200
    assert response.streaming
    assert body(response) == data
    assert response["Content-Type"] == "image/jpeg"
    assert response["Content-Length"] == str(len(data))
    assert response["Content-Disposition"] == (
        "attachment; filename=\"2023.jpg\"; filename*=UTF-8''%EC%82%AC%EC%A7%84%202023.jpg"
    )
    assert response["ETag"] == f'"{hashlib.sha256(data).hexdigest()}"'
    assert response["Accept-Ranges"] == "bytes"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "Last-Modified" in response


def test_emoji_and_plain_names(client, make_photo, photo_storage):
    emoji, _ = make_photo("🌅 sunset.jpg")
    plain, _ = make_photo("IMG_0001.JPG")

    assert client.get(f"/api/v1/photos/{emoji.pk}/download")["Content-Disposition"] == (
        "attachment; filename=\"sunset.jpg\"; filename*=UTF-8''%F0%9F%8C%85%20sunset.jpg"
    )
    assert client.get(f"/api/v1/photos/{plain.pk}/download")["Content-Disposition"] == (
        'attachment; filename="IMG_0001.JPG"'
    )


@pytest.mark.parametrize(
    ("header", "start", "end"),
    [
        ("bytes=0-0", 0, 0),
        ("bytes=100-1099", 100, 1099),
        ("bytes=-500", None, None),
        ("bytes=200-", 200, None),
    ],
)
def test_range_requests(client, make_photo, photo_storage, header, start, end):
    photo, data = make_photo("r.jpg")
    if start is None:
        start, end = len(data) - 500, len(data) - 1
    end = len(data) - 1 if end is None else end

    response = client.get(f"/api/v1/photos/{photo.pk}/download", headers={"Range": header})

    assert response.status_code == 206
    assert body(response) == data[start : end + 1]
    assert response["Content-Range"] == f"bytes {start}-{end}/{len(data)}"
    assert response["Content-Length"] == str(end - start + 1)


def test_range_past_the_end_is_416(client, make_photo, photo_storage):
    photo, data = make_photo("r.jpg")

    response = client.get(
        f"/api/v1/photos/{photo.pk}/download", headers={"Range": f"bytes={len(data)}-"}
    )

    assert response.status_code == 416
    assert response["Content-Range"] == f"bytes */{len(data)}"
    assert response.json()["code"] == "range_not_satisfiable"


def test_if_none_match_is_304_and_stale_if_range_sends_everything(
    client, make_photo, photo_storage
):
    photo, data = make_photo("c.jpg")
    url = f"/api/v1/photos/{photo.pk}/download"
    etag = client.get(url)["ETag"]

    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
    full = client.get(url, headers={"Range": "bytes=0-9", "If-Range": '"stale"'})
    assert full.status_code == 200
    assert body(full) == data
    last_modified = full["Last-Modified"]
    assert client.get(url, headers={"If-Modified-Since": last_modified}).status_code == 304
    assert client.get(url, headers={"If-Match": '"another"'}).status_code == 412
    assert client.get(url, headers={"If-Match": etag}).status_code == 200


def zip_of(response) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(body(response)))


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
    raw = body(response)
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
    assert body(single) == data

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


@pytest.mark.slow
def test_300_mb_download_streams_in_bounded_memory(client, user, photo_storage, tmp_path):
    size = 300 * MiB
    block = os.urandom(MiB)
    source = tmp_path / "big.bin"
    digest = hashlib.sha256()
    with source.open("wb") as handle:
        for index in range(size // MiB):
            chunk = block[index % 7 :] + block[: index % 7]
            handle.write(chunk)
            digest.update(chunk)
    key = f"originals/{user.pk}/big.jpg"
    with source.open("rb") as handle:
        get_storage().put(key, handle)
    source.unlink()
    photo = Photo.objects.create(
        owner=user,
        original_name="big.jpg",
        storage_key=key,
        content_type="image/jpeg",
        size=size,
        sha256=digest.hexdigest(),
        crc32=0,
        width=1,
        height=1,
        taken_at=datetime.now(UTC),
        taken_at_source="upload",
    )

    response = client.get(f"/api/v1/photos/{photo.pk}/download")
    received, largest, streamed = 0, 0, hashlib.sha256()
    tracemalloc.start()
    baseline = tracemalloc.get_traced_memory()[0]
    for chunk in response.streaming_content:
        received += len(chunk)
        largest = max(largest, len(chunk))
        streamed.update(chunk)
        del chunk
    peak = tracemalloc.get_traced_memory()[1] - baseline
    tracemalloc.stop()

    print(  # noqa: T201  the figure is reported with pytest -s
        f"\n300 MB download ({photo_storage.kind}): peak Python memory growth {peak / MiB:.1f} MiB"
    )
    assert received == size
    assert streamed.hexdigest() == photo.sha256
    assert largest <= MiB
    assert peak < 64 * MiB


def test_redirect_mode_hands_out_a_presigned_url(client, make_photo, photo_storage, settings):
    settings.MYPHOTO_DOWNLOAD_MODE = "redirect"
    photo, data = make_photo("사진 2023.jpg")

    response = client.get(f"/api/v1/photos/{photo.pk}/download")

    if photo_storage.kind == "disk":
        # Nothing to presign on local disk: the app serves the bytes itself.
        assert response.status_code == 200 and body(response) == data
        return
    assert response.status_code == 302
    assert response["Cache-Control"] == "private, no-store"
    with urllib.request.urlopen(response["Location"]) as direct:
        assert direct.read() == data
        assert direct.headers["Content-Disposition"] == (
            "attachment; filename=\"2023.jpg\"; filename*=UTF-8''%EC%82%AC%EC%A7%84%202023.jpg"
        )
        assert direct.headers["Content-Type"] == "image/jpeg"
    assert "X-Amz-Expires=300" in response["Location"]


def test_redirect_mode_signs_for_the_public_endpoint(client, make_photo, photo_storage, settings):
    if photo_storage.kind == "disk":
        pytest.skip("presigned URLs exist only on S3")
    internal = photo_storage.server.endpoint_url
    public = internal.replace("127.0.0.1", "localhost")
    settings.MYPHOTO_DOWNLOAD_MODE = "redirect"
    settings.MYPHOTO_S3_PUBLIC_ENDPOINT_URL = public
    photo, data = make_photo("p.jpg")

    location = client.get(f"/api/v1/photos/{photo.pk}/download")["Location"]

    assert location.startswith(public + "/")
    with urllib.request.urlopen(location) as direct:
        assert direct.read() == data


@pytest.mark.parametrize("mode", ["proxy", "redirect"])
def test_download_urls_for_many_photos_in_one_request(
    api, make_photo, photo_storage, settings, mode
):
    settings.MYPHOTO_DOWNLOAD_MODE = mode
    first, first_data = make_photo("a.jpg")
    second, second_data = make_photo("b.jpg")

    response = api.post(
        "/api/v1/photos/download-urls",
        {"ids": [str(second.pk), str(first.pk)]},
        content_type="application/json",
    )

    assert response.status_code == 200
    answer = response.json()
    assert [item["id"] for item in answer["items"]] == [str(second.pk), str(first.pk)]
    assert answer["expires_in"] == settings.MYPHOTO_PRESIGN_SECONDS
    urls = [item["url"] for item in answer["items"]]
    if mode == "proxy" or photo_storage.kind == "disk":
        # Nothing to presign: the bytes come through the API, as the Photo's download_url.
        assert urls == [
            f"/api/v1/photos/{second.pk}/download",
            f"/api/v1/photos/{first.pk}/download",
        ]
        return
    # Straight from storage, without the token: the URL carries its own signature.
    for url, data in zip(urls, [second_data, first_data], strict=True):
        with urllib.request.urlopen(url) as direct:
            assert direct.read() == data
    ranged = urllib.request.Request(urls[1], headers={"Range": "bytes=10-19"})
    with urllib.request.urlopen(ranged) as direct:
        assert direct.status == 206 and direct.read() == first_data[10:20]


def test_download_urls_refuse_a_foreign_photo_whole(api, make_photo, other_user, settings):
    settings.MYPHOTO_DOWNLOAD_MODE = "redirect"
    mine, _ = make_photo("mine.jpg")
    theirs, _ = make_photo("theirs.jpg", owner=other_user)

    response = api.post(
        "/api/v1/photos/download-urls",
        {"ids": [str(mine.pk), str(theirs.pk)]},
        content_type="application/json",
    )

    assert response.status_code == 404
    assert str(theirs.pk) not in response.content.decode()


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
    names = zipfile.ZipFile(io.BytesIO(body(zipped))).namelist()
    assert sorted(names) == sorted(
        ["evil.png", "_CON.jpg", "a_b__c_d_e_.jpg", "a_b__c_d_e_ (2).jpg", "trailing.jpg"]
    )
