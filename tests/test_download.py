"""Downloading one photo: the original bytes under the original name, ranges, conditional
requests, bounded memory, and redirect mode's presigned URLs."""

from __future__ import annotations

import hashlib
import os
import tracemalloc
import urllib.request
from datetime import UTC, datetime

import pytest
from django.test import Client
from playback import body_of

from myphoto.photos.models import Photo
from myphoto.photos.storage import get_storage

MiB = 1024 * 1024

pytestmark = pytest.mark.django_db


def test_download_is_the_original_under_its_name(client, make_photo, photo_storage):
    photo, data = make_photo("사진 2023.jpg")

    response = client.get(f"/api/v1/photos/{photo.pk}/download")

    assert response.status_code == 200
    assert response.streaming
    assert body_of(response) == data
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
    assert body_of(response) == data[start : end + 1]
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
    assert body_of(full) == data
    last_modified = full["Last-Modified"]
    assert client.get(url, headers={"If-Modified-Since": last_modified}).status_code == 304
    assert client.get(url, headers={"If-Match": '"another"'}).status_code == 412
    assert client.get(url, headers={"If-Match": etag}).status_code == 200


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
        assert response.status_code == 200 and body_of(response) == data
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

    # Through a share link, a minute at most: revoking the link stops its URLs soon.
    from myphoto.photos.services.albums import album_create
    from myphoto.photos.services.shares import share_create

    share = share_create(album=album_create(owner=photo.owner, title="A", photo_ids=[photo.pk]))
    shared = Client().get(f"/api/v1/shared/{share.key}/photos/{photo.pk}/download")
    assert shared.status_code == 302 and "X-Amz-Expires=60" in shared["Location"]


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
