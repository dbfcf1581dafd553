"""The image pipeline: formats, metadata, derivatives by jobs, broken files."""

from __future__ import annotations

import os
import subprocess
import sys
import tracemalloc
from datetime import datetime

import images
import passes
import pytest
import seaweedfs
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from myphoto.photos.models import Photo
from myphoto.photos.services.upload import photo_upload

# Pillow/pillow-heif format -> (file name, content type recorded, carries EXIF).
FORMATS = {
    "JPEG": ("IMG_0001.jpg", "image/jpeg", True),
    "PNG": ("screen.png", "image/png", True),
    "WEBP": ("shared.webp", "image/webp", True),
    "GIF": ("funny.gif", "image/gif", False),
    "TIFF": ("scan.tif", "image/tiff", True),
    "HEIF": ("IMG_0002.HEIC", "image/heic", True),
    "AVIF": ("photo.avif", "image/avif", True),
}

pytestmark = pytest.mark.django_db


# Pillow/pillow-heif format -> (file name, content type recorded, carries EXIF).
FORMATS = {
    "JPEG": ("IMG_0001.jpg", "image/jpeg", True),
    "PNG": ("screen.png", "image/png", True),
    "WEBP": ("shared.webp", "image/webp", True),
    "GIF": ("funny.gif", "image/gif", False),
    "TIFF": ("scan.tif", "image/tiff", True),
    "HEIF": ("IMG_0002.HEIC", "image/heic", True),
    "AVIF": ("photo.avif", "image/avif", True),
}


def is_marker(pixel: tuple[int, int, int]) -> bool:
    red, green, blue = pixel
    return red > 200 and green < 60 and blue < 60


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_each_format_gets_upright_derivatives_and_its_metadata(
    api, photo_storage, after_commit, fmt
):
    name, content_type, has_exif = FORMATS[fmt]
    data = images.camera_photo(fmt)

    with after_commit():
        response = api.post("/api/v1/photos", {"file": SimpleUploadedFile(name, data)})

    assert response.status_code == 201, response.content
    [item] = response.json()["items"]
    assert item["content_type"] == content_type
    photo = api.get(f"/api/v1/photos/{item['id']}").json()
    assert photo["derivatives_ready"] is True
    if has_exif:
        # Stored sideways with orientation 6: shown as a 400×600 portrait.
        assert (photo["width"], photo["height"]) == (400, 600)
        assert datetime.fromisoformat(photo["taken_at"]) == datetime.fromisoformat(images.TAKEN_AT)
        assert photo["taken_at_source"] == "exif"
        assert photo["camera"] == f"{images.CAMERA_MAKE} {images.CAMERA_MODEL}"
        assert photo["gps"] == pytest.approx({"lat": images.GPS[0], "lon": images.GPS[1]})
    else:
        assert (photo["width"], photo["height"]) == (600, 400)
        assert photo["taken_at_source"] == "upload"
        assert photo["gps"] is None

    md = api.get(photo["preview_url"])
    sm = api.get(photo["thumbnail_url"])
    assert md.status_code == sm.status_code == 200
    assert md["Content-Type"] == sm["Content-Type"] == "image/webp"
    assert "max-age" in sm["Cache-Control"]
    md_image, sm_image = images.decoded(md.content), images.decoded(sm.content)
    # md is never enlarged past the original; sm has a long edge of 400.
    assert md_image.size == (photo["width"], photo["height"])
    assert max(sm_image.size) == 400
    assert sm_image.size == ((267, 400) if has_exif else (400, 267))
    # The red block of the stored top-left corner is where the viewer expects it:
    # top-right once turned upright, top-left when there was nothing to turn.
    for image in (md_image, sm_image):
        corner = (image.width - 5, 5) if has_exif else (5, 5)
        assert is_marker(image.getpixel(corner)), (fmt, image.size)
        assert not is_marker(image.getpixel((image.width // 2, image.height - 5)))

    download = api.get(photo["download_url"])
    assert b"".join(download.streaming_content) == data  # the original, untouched


def test_etag_of_a_thumbnail_gives_304(api, make_photo, photo_storage):
    photo, _ = make_photo()
    url = f"/api/v1/photos/{photo.pk}/thumbnail?size=md"
    first = api.get(url)

    again = api.get(url, headers={"If-None-Match": first["ETag"]})

    assert again.status_code == 304
    assert again.content == b""


def test_a_large_jpeg_is_shrunk_to_1600_and_400(api, make_photo, photo_storage):
    photo, _ = make_photo("big.jpg", data=images.jpeg(4000, 3000, seed=9))

    md = images.decoded(photo_storage.read(photo.preview_key))
    sm = images.decoded(photo_storage.read(photo.thumbnail_key))

    assert md.size == (1600, 1200)
    assert sm.size == (400, 300)


def test_a_decompression_bomb_is_refused_quickly_with_little_memory(api, photo_storage):
    bomb = images.png_bomb(30_000, 30_000)  # 900 megapixels in about 100 KB

    tracemalloc.start()
    response = api.post("/api/v1/photos", {"file": SimpleUploadedFile("bomb.png", bomb)})
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    assert response.status_code == 415
    assert response.json()["code"] == "unsupported_image"
    assert "too many pixels" in response.json()["detail"]
    assert peak < 16 * 1024 * 1024
    assert Photo.objects.count() == 0
    assert photo_storage.keys() == set()


def truncated(data: bytes) -> bytes:
    return data[: len(data) // 2]


def zeroed_middle(data: bytes) -> bytes:
    return data[:2000] + bytes(len(data) - 4000) + data[-2000:]


@pytest.mark.parametrize(
    ("fmt", "damage"),
    [
        ("PNG", truncated),
        ("PNG", zeroed_middle),  # PNG's checksums catch it
        ("TIFF", truncated),
        ("WEBP", truncated),
        ("HEIF", truncated),
        ("AVIF", truncated),
    ],
)
def test_a_corrupt_file_is_refused_and_nothing_is_stored(api, photo_storage, fmt, damage):
    data = damage(images.camera_photo(fmt))

    response = api.post("/api/v1/photos", {"file": SimpleUploadedFile("broken.img", data)})

    assert response.status_code == 415
    assert response.json()["code"] == "unsupported_image"
    assert Photo.objects.count() == 0
    assert photo_storage.keys() == set()


def test_a_failed_job_keeps_the_photo_with_a_placeholder_and_a_reason(
    client, user, photo_storage, after_commit
):
    data = images.jpeg(seed=11)
    with after_commit():
        result = photo_upload(owner=user, file=SimpleUploadedFile("lost.jpg", data))
        # The original vanishes before the job runs (say, an operator's mistake).
        photo_storage.remove(result.photo.storage_key)

    photo = Photo.objects.get(pk=result.photo.pk)
    assert not photo.derivatives_ready
    assert photo.derivatives_error == "The original is missing from storage."
    listed = client.get("/api/v1/photos").json()["items"]
    assert [item["derivatives_error"] for item in listed] == [photo.derivatives_error]
    thumbnail = client.get(f"/api/v1/photos/{photo.pk}/thumbnail?size=sm")
    assert thumbnail.status_code == 404
    assert thumbnail.json() == {"detail": photo.derivatives_error, "code": "derivatives_failed"}
    page = client.get("/")
    assert b"lost.jpg" in page.content
    assert b"placeholder" in page.content


def test_derivatives_command_makes_only_what_is_missing(user, photo_storage, capsys):
    # No on_commit hooks run here: the uploads' jobs are never enqueued.
    photos = [
        photo_upload(owner=user, file=SimpleUploadedFile(f"{n}.jpg", images.jpeg(seed=n))).photo
        for n in range(3)
    ]
    assert len(photo_storage.keys()) == 3

    call_command("derivatives", "--missing")

    assert (
        "Made thumbnails (and playback copies) for 3 photos and videos; 0 could not be made."
        in capsys.readouterr().out
    )
    for photo in photos:
        photo.refresh_from_db()
        assert photo.derivatives_ready
    assert len(photo_storage.keys()) == 9
    call_command("derivatives", "--missing")
    assert "Made thumbnails (and playback copies) for 0 photos" in capsys.readouterr().out


@pytest.mark.django_db(transaction=True)
def test_the_database_worker_makes_the_derivatives(settings, user, photo_storage):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    from django_tasks_db.models import DBTaskResult

    # No test transaction around this: on_commit enqueues the job for real.
    result = photo_upload(owner=user, file=SimpleUploadedFile("queued.jpg", images.jpeg(seed=12)))
    [job] = DBTaskResult.objects.all()
    assert job.status == "READY"
    assert not Photo.objects.get(pk=result.photo.pk).derivatives_ready

    call_command("worker", "--batch")

    job.refresh_from_db()
    assert job.status == "SUCCESSFUL"
    photo = Photo.objects.get(pk=result.photo.pk)
    assert photo.derivatives_ready
    assert photo_storage.keys() == set(photo.storage_keys)
    assert len(photo.storage_keys) == 3


@pytest.mark.django_db(transaction=True)
def test_a_job_retries_later_when_the_storage_is_down(settings, user, photo_storage):
    if photo_storage.kind != "s3":
        pytest.skip("an unreachable endpoint is an S3 failure")
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    result = photo_upload(owner=user, file=SimpleUploadedFile("later.jpg", images.jpeg(seed=13)))
    working = settings.STORAGES["default"]
    dead_endpoint = f"http://127.0.0.1:{seaweedfs.free_port()}"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {**working, "OPTIONS": {**working["OPTIONS"], "endpoint_url": dead_endpoint}},
    }

    call_command("worker", "--batch")

    photo = Photo.objects.get(pk=result.photo.pk)
    assert not photo.derivatives_ready
    assert photo.derivatives_error == ""  # not given up on
    retry = DBTaskResult.objects.get(status="READY")
    assert retry.run_after > timezone.now()
    assert retry.args_kwargs["args"] == [str(photo.pk), 2]

    # The storage is back and the retry is due.
    settings.STORAGES = {**settings.STORAGES, "default": working}
    DBTaskResult.objects.filter(pk=retry.pk).update(run_after=timezone.now())
    call_command("worker", "--batch")

    photo.refresh_from_db()
    assert photo.derivatives_ready
    assert photo_storage.keys() == set(photo.storage_keys)


@passes.once
def test_redis_is_a_drop_in_queue(tmp_path):
    """MYPHOTO_REDIS_URL moves jobs to RQ on the machine's Redis; the worker runs them."""
    import uuid

    # A database of Redis of its own: the worker must find no one else's jobs there.
    redis_db = 15
    env = {
        **os.environ,
        "MYPHOTO_DATA_DIR": str(tmp_path / "data"),
        "MYPHOTO_REDIS_URL": f"redis://127.0.0.1:6379/{redis_db}",
        "MYPHOTO_WORKER_IN_SERVE": "0",
    }
    env.pop("DATABASE_URL", None)
    owner = f"rq{uuid.uuid4().hex[:8]}"
    # Migrated, uploaded and looked at in one process: each start of Django costs seconds
    # when CI's two passes share the cores.
    upload = f"""
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from myphoto.photos.models import User
from myphoto.photos.services.upload import photo_upload
call_command("migrate", verbosity=0)
owner = User.objects.create_user({owner!r})
data = open({str(tmp_path / "in.jpg")!r}, "rb").read()
photo = photo_upload(owner=owner, file=SimpleUploadedFile("rq.jpg", data)).photo
print(photo.pk, photo.derivatives_ready)
"""
    (tmp_path / "in.jpg").write_bytes(images.jpeg(seed=14))

    def myphoto(*args: str) -> str:
        done = subprocess.run(
            [sys.executable, "-m", "myphoto", *args], env=env, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr
        return done.stdout.strip()

    photo_id, ready = myphoto("shell", "-c", upload).splitlines()[-1].split()
    assert ready == "False"  # queued in Redis, not made in the request

    myphoto("worker", "--batch")

    check = (
        "from myphoto.photos.models import Photo; "
        f"print(Photo.objects.get(pk={photo_id!r}).derivatives_ready)"
    )
    assert myphoto("shell", "-c", check).endswith("True")
