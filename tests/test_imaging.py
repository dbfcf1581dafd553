"""The image pipeline: formats, metadata, derivatives by jobs, hostile files."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import tracemalloc
from datetime import datetime
from pathlib import Path

import images
import pytest
import seaweedfs
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from PIL import Image

from myphoto.photos.models import Photo
from myphoto.photos.services.upload import photo_upload

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


def open_image(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image.convert("RGB")


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
    md_image, sm_image = open_image(md.content), open_image(sm.content)
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

    md = open_image(photo_storage.read(photo.preview_key))
    sm = open_image(photo_storage.read(photo.thumbnail_key))

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


_DECODE_AT_ONCE = """
import io, sys, threading
import django
django.setup()
from myphoto.photos import media

def high_water_mark() -> int:
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) * 1024 for line in status if line.startswith("VmHWM"))

data = open(sys.argv[1], "rb").read()
before = high_water_mark()
jobs = [
    threading.Thread(target=lambda: media.make_derivatives(io.BytesIO(data), video=False))
    for _ in range(int(sys.argv[2]))
]
for job in jobs:
    job.start()
for job in jobs:
    job.join()
print(high_water_mark() - before)
"""


def peak_growth(image: Path, *, jobs: int, budget_megapixels: int = 100) -> int:
    """How far RSS rose while `jobs` threads made the image's derivatives at once."""
    env = {**os.environ, "MYPHOTO_DECODE_MEGAPIXELS": str(budget_megapixels)}
    run = [sys.executable, "-c", _DECODE_AT_ONCE, str(image), str(jobs)]
    done = subprocess.run(run, env=env, capture_output=True, text=True, check=True)  # noqa: S603
    return int(done.stdout.split()[-1])


def test_concurrent_decodes_share_a_pixel_budget_so_the_peak_does_not_multiply(tmp_path):
    big = tmp_path / "big.png"
    # 16 megapixels, 64 MB decoded: the most a PNG is decoded whole (not in bands).
    big.write_bytes(images.png_bomb(4000, 4000, rgb=True))

    alone = peak_growth(big, jobs=1, budget_megapixels=16)
    four_in_budget = peak_growth(big, jobs=4, budget_megapixels=16)
    four_unbounded = peak_growth(big, jobs=4, budget_megapixels=1000)

    print(  # noqa: T201  the figures are reported with pytest -s
        f"\npeak growth: one decode {alone / 2**20:.0f} MiB, four within a 16 MP budget "
        f"{four_in_budget / 2**20:.0f} MiB, four unbounded {four_unbounded / 2**20:.0f} MiB"
    )
    assert alone > 55 * 2**20  # it measured the decode
    assert four_in_budget < 1.5 * alone
    assert four_unbounded > 2.5 * alone  # what the budget prevents


def test_a_big_png_is_shrunk_in_bands_without_holding_its_pixels(tmp_path):
    big = tmp_path / "big.png"
    big.write_bytes(images.png_bomb(8000, 8000, rgb=True))  # 256 MB decoded whole

    growth = peak_growth(big, jobs=1)

    print(f"\npeak growth making derivatives of an 8,000 px PNG: {growth / 2**20:.0f} MiB")  # noqa: T201
    assert growth < 100 * 2**20


@pytest.mark.parametrize(
    "kind",
    ["RGB", "RGBA", "L", "LA", "P", "P with a transparent index", "RGB with a transparent colour"],
)
def test_shrinking_in_bands_gives_the_pixels_of_shrinking_whole(kind):
    from myphoto.common.media import pngbands

    picture = images.marked_image(301, 233, seed=5)
    params: dict = {}
    if kind.startswith("P"):
        picture = picture.convert("P", palette=Image.Palette.ADAPTIVE)
        params = {"transparency": 3} if "transparent" in kind else {}
    elif kind.startswith("RGB with"):
        params = {"transparency": (255, 0, 0)}
    else:
        picture = picture.convert(kind)
    data = images.encode(picture, "PNG", **params)

    for factor in [(2, 2), (3, 2), (4, 4), (1, 3)]:
        whole = Image.open(io.BytesIO(data))
        whole.load()
        expected = pngbands._colours(whole).reduce(factor)
        # Bands of 7 rows: 33 of them, the last one short.
        banded, _ = pngbands.shrink(io.BytesIO(data), factor, band_pixels=301 * 7)

        assert (banded.mode, banded.size) == (expected.mode, expected.size)
        assert banded.tobytes() == expected.tobytes(), factor


def test_a_big_pngs_derivatives_are_upright_and_a_damaged_one_is_refused():
    from myphoto.common.media.facts import UnsupportedImage
    from myphoto.photos import media

    picture = Image.new("RGB", (6000, 3000), "white")  # 18 megapixels: shrunk in bands
    picture.paste(images.MARKER, (0, 0, 600, 600))  # top left
    exif = Image.Exif()
    exif[0x0112] = 6  # shown turned a quarter clockwise: the marker lands top right
    data = images.encode(picture, "PNG", exif=exif.tobytes(), compress_level=1)

    md, sm = media.make_derivatives(io.BytesIO(data), video=False)

    assert (md.width, md.height) == (800, 1600)
    assert (sm.width, sm.height) == (200, 400)
    shown = open_image(md.webp)
    assert shown.getpixel((790, 10))[0] > 200 and shown.getpixel((790, 10))[1] < 60
    assert shown.getpixel((10, 10)) > (200, 200, 200)
    with pytest.raises(UnsupportedImage):
        media.make_derivatives(io.BytesIO(data[: len(data) // 2]), video=False)


def test_decodes_take_turns_in_order_so_small_ones_cannot_starve_a_big_one():
    import threading
    import time

    from myphoto.common.media.budget import PixelBudget

    budget = PixelBudget()
    order: list[str] = []
    first_holds = threading.Event()
    release_first = threading.Event()

    def decode(name: str, megapixels: int, hold: threading.Event | None = None) -> None:
        with budget.reserve(megapixels * 1_000_000, limit=10_000_000):
            order.append(name)
            if hold is not None:
                first_holds.set()
                hold.wait(5)

    first = threading.Thread(target=decode, args=("small, first", 6, release_first))
    first.start()
    first_holds.wait(5)
    big = threading.Thread(target=decode, args=("big", 8))
    big.start()
    time.sleep(0.05)  # the big one is waiting: 6 + 8 > 10
    small = threading.Thread(target=decode, args=("small, after the big one", 2))
    small.start()
    time.sleep(0.05)  # 6 + 2 would fit, but the big one came first

    assert order == ["small, first"]
    release_first.set()
    for thread in (first, big, small):
        thread.join(5)
    assert order == ["small, first", "big", "small, after the big one"]


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


def test_redis_is_a_drop_in_queue(tmp_path):
    """MYPHOTO_REDIS_URL moves jobs to RQ on the machine's Redis; the worker runs them."""
    import os
    import subprocess
    import sys
    import uuid

    # A database of Redis for each pass of .ci/run, which run side by side: a worker must
    # not take the other pass's jobs.
    redis_db = 14 if os.environ.get("DATABASE_URL") else 15
    env = {
        **os.environ,
        "MYPHOTO_DATA_DIR": str(tmp_path / "data"),
        "MYPHOTO_REDIS_URL": f"redis://127.0.0.1:6379/{redis_db}",
        "MYPHOTO_WORKER_IN_SERVE": "0",
    }
    env.pop("DATABASE_URL", None)
    owner = f"rq{uuid.uuid4().hex[:8]}"
    upload = f"""
from django.core.files.uploadedfile import SimpleUploadedFile
from myphoto.photos.models import User
from myphoto.photos.services.upload import photo_upload
owner = User.objects.create_user({owner!r})
data = open({str(tmp_path / "in.jpg")!r}, "rb").read()
print(photo_upload(owner=owner, file=SimpleUploadedFile("rq.jpg", data)).photo.pk)
"""
    (tmp_path / "in.jpg").write_bytes(images.jpeg(seed=14))

    def myphoto(*args: str) -> str:
        done = subprocess.run(
            [sys.executable, "-m", "myphoto", *args], env=env, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr
        return done.stdout.strip()

    myphoto("migrate", "--verbosity", "0")
    photo_id = myphoto("shell", "-c", upload).splitlines()[-1]
    check = (
        "from myphoto.photos.models import Photo; "
        f"print(Photo.objects.get(pk={photo_id!r}).derivatives_ready)"
    )
    assert myphoto("shell", "-c", check).endswith("False")

    myphoto("worker", "--batch")

    assert myphoto("shell", "-c", check).endswith("True")
