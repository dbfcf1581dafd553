"""Decoding within bounded memory: one budget for every process of the server, taken in
turns, a cost known before each decode (an image that cannot fit is refused before any
pixel is decoded), and big PNGs shrunk a band at a time."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import images
import passes
import pytest
from PIL import Image

pytestmark = pytest.mark.django_db
MiB = 1024 * 1024
BOMBS = Path(__file__).parent / "data" / "bombs"

_MEASURED = """
import io, sys, threading
import django
django.setup()
from myphoto.common.media.facts import UnsupportedImage
from myphoto.photos import media

def high_water_mark() -> int:
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) * 1024 for line in status if line.startswith("VmHWM"))

data = open(sys.argv[1], "rb").read()
what, jobs = sys.argv[2], int(sys.argv[3])
refused = []

def work() -> None:
    try:
        if what == "check":
            media.analyze(io.BytesIO(data))
        else:
            media.make_derivatives(io.BytesIO(data), video=False)
    except UnsupportedImage as err:
        refused.append(str(err))

before = high_water_mark()
threads = [threading.Thread(target=work) for _ in range(jobs)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
print(high_water_mark() - before, len(refused))
print(refused[0] if refused else "")
"""


def measured(
    image: Path, tmp_path: Path, *, what: str = "derive", jobs: int = 1, budget_mb: int = 448
) -> tuple[int, int, str]:
    """How far RSS rose in a process of its own while `jobs` threads checked the image or
    made its derivatives at once; how many were refused, and why."""
    env = {
        **os.environ,
        "MYPHOTO_DECODE_BUDGET_MB": str(budget_mb),
        "MYPHOTO_DATA_DIR": str(tmp_path / "data"),  # a budget of its own
    }
    env.pop("DATABASE_URL", None)
    run = [sys.executable, "-c", _MEASURED, str(image), what, str(jobs)]
    done = subprocess.run(run, env=env, capture_output=True, text=True, check=True)  # noqa: S603
    counts, why = done.stdout.split("\n")[-3:-1]
    growth, refused = counts.split()
    return int(growth), int(refused), why


@passes.once
def test_concurrent_decodes_share_a_budget_so_the_peak_does_not_multiply(tmp_path):
    big = tmp_path / "big.png"
    # 16 megapixels, 64 MB decoded: the most a PNG is decoded whole (not in bands).
    big.write_bytes(images.png_bomb(4000, 4000, rgb=True))

    alone, *_ = measured(big, tmp_path, jobs=1, budget_mb=128)
    four_in_budget, *_ = measured(big, tmp_path, jobs=4, budget_mb=128)
    four_unbounded, *_ = measured(big, tmp_path, jobs=4, budget_mb=2048)

    print(  # noqa: T201  the figures are reported with pytest -s
        f"\npeak growth: one decode {alone / MiB:.0f} MiB, four within a 128 MB budget "
        f"{four_in_budget / MiB:.0f} MiB, four unbounded {four_unbounded / MiB:.0f} MiB"
    )
    assert alone > 55 * MiB  # it measured the decode
    assert four_in_budget < 1.5 * alone
    assert four_unbounded > 2.5 * alone  # what the budget prevents


def bombs(tmp_path: Path) -> dict[str, Path]:
    """Small files of many pixels, as an outside probe sent them: each needs more memory
    to read than the whole default budget (448 MB)."""
    made = {
        "PNG of one row of 30,000,000": images.png_bomb(30_000_000, 1, rgb=True),
        "16-bit PNG of 10,000 × 8,000": images.png_bomb(10_000, 8_000, depth=16),
    }
    for name, data in made.items():
        (tmp_path / f"{len(name)}.png").write_bytes(data)
    return {
        **{name: tmp_path / f"{len(name)}.png" for name in made},
        "lossless WebP of 16,383 × 12,000 (34 bytes)": BOMBS / "webp-lossless-16383x12000.webp",
        "AVIF of 8,192²": BOMBS / "avif-8192x8192.avif",
        "HEIC of 8,192²": BOMBS / "heic-8192x8192.heic",
        "GIF of 14,000²": BOMBS / "gif-14000x14000.gif",
        "TIFF of 10,000 × 8,000": BOMBS / "tiff-10000x8000.tif",
    }


@passes.once
@pytest.mark.parametrize("what", ["check", "derive"])
def test_what_cannot_fit_the_budget_is_refused_before_a_pixel_is_decoded(tmp_path, what):
    grew = {}
    for name, path in bombs(tmp_path).items():
        growth, refused, why = measured(path, tmp_path, what=what, jobs=4)
        assert refused == 4 and "more than this server reads images with (448 MB)" in why, name
        grew[name] = growth
    print(f"\n{what}: peak growth, MiB: {[f'{g / MiB:.0f}' for g in grew.values()]}")  # noqa: T201
    assert max(grew.values()) < 40 * MiB, grew


@passes.once
def test_a_big_png_is_shrunk_in_bands_without_holding_its_pixels(tmp_path):
    big = tmp_path / "big.png"
    big.write_bytes(images.png_bomb(8000, 8000, rgb=True))  # 256 MB decoded whole

    growth, refused, _ = measured(big, tmp_path)

    print(f"\npeak growth making derivatives of an 8,000 px PNG: {growth / MiB:.0f} MiB")  # noqa: T201
    assert refused == 0 and growth < 100 * MiB


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


def test_decodes_take_turns_in_order_so_small_ones_cannot_starve_a_big_one(tmp_path):
    import threading
    import time

    from myphoto.common.media.budget import DecodeBudget

    budget = DecodeBudget(tmp_path, 10 * MiB)
    order: list[str] = []
    first_holds = threading.Event()
    release_first = threading.Event()

    def decode(name: str, megabytes: int, hold: threading.Event | None = None) -> None:
        with budget.reserve(megabytes * MiB):
            order.append(name)
            if hold is not None:
                first_holds.set()
                hold.wait(5)

    first = threading.Thread(target=decode, args=("small, first", 6, release_first))
    first.start()
    first_holds.wait(5)
    big = threading.Thread(target=decode, args=("big", 8))
    big.start()
    time.sleep(0.1)  # the big one is waiting: 6 + 8 > 10
    small = threading.Thread(target=decode, args=("small, after the big one", 2))
    small.start()
    time.sleep(0.1)  # 6 + 2 would fit, but the big one came first

    assert order == ["small, first"]
    release_first.set()
    for thread in (first, big, small):
        thread.join(5)
    assert order == ["small, first", "big", "small, after the big one"]


_HOLD = """
import sys, time
from pathlib import Path
from myphoto.common.media.budget import DecodeBudget

with DecodeBudget(Path(sys.argv[1]), 10 * 1024 * 1024).reserve(8 * 1024 * 1024):
    print("holding", flush=True)
    sys.stdin.readline()
"""


def test_the_budget_is_one_for_all_the_servers_processes(tmp_path):
    """Another process holds most of it: this one waits until that one lets it go (a web
    worker, the job worker and a command all decode in processes of their own)."""
    import threading

    from myphoto.common.media.budget import DecodeBudget

    other = subprocess.Popen(  # noqa: S603
        [sys.executable, "-c", _HOLD, str(tmp_path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert other.stdout.readline().strip() == "holding"
        reserved = threading.Event()

        def reserve() -> None:
            with DecodeBudget(tmp_path, 10 * MiB).reserve(4 * MiB):
                reserved.set()

        waiting = threading.Thread(target=reserve)
        waiting.start()
        assert not reserved.wait(0.5)  # 8 + 4 > 10: it waits for the other process
        other.stdin.write("done\n")
        other.stdin.flush()
        assert reserved.wait(10)
        waiting.join(5)
    finally:
        other.kill()
        other.wait()
