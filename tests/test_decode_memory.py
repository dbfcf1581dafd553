"""Decoding within bounded memory: a pixel budget shared by concurrent decodes, taken in
turns, and big PNGs shrunk a band at a time."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import images
import pytest
from PIL import Image

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
    shown = images.decoded(md.webp)
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
