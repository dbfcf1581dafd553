"""Time the derivative set (md 1600 px + sm 400 px, WebP) of a 24-megapixel JPEG.

Three ways, in one run, each in its own process so that peak memory is its own:
MyPhoto's pipeline, naive Pillow (open, exif_transpose, thumbnail, save per
size) and pyvips' thumbnail (shrink-on-load in libvips) per size.

    .venv/bin/python bench/thumbnails.py [--rounds 7]
"""

from __future__ import annotations

import argparse
import io
import json
import logging
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from _harness import peak_rss_kib, print_table  # noqa: E402

SIZES = {"md": 1600, "sm": 400}
QUALITY = 80
METHODS = ["myphoto", "pyvips", "naive"]
LABELS = {
    "myphoto": "MyPhoto pipeline (draft, reduce+LANCZOS, sm from md)",
    "pyvips": "pyvips thumbnail, per size",
    "naive": "naive Pillow: open → exif_transpose → thumbnail → save, per size",
}


def make_sample(path: Path) -> None:
    """A 6000×4000 camera-like JPEG: detail, smooth areas, noise, orientation 6."""
    from PIL import ExifTags, Image

    detail = Image.effect_mandelbrot((1500, 1000), (-2.2, -1.2, 1.0, 1.2), 64).convert("RGB")
    detail = detail.resize((6000, 4000), Image.Resampling.BICUBIC)
    sky = Image.linear_gradient("L").resize((6000, 4000)).convert("RGB")
    noise = Image.effect_noise((6000, 4000), 24).convert("RGB")
    photo = Image.blend(Image.blend(detail, sky, 0.5), noise, 0.15)
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    photo.save(path, "JPEG", quality=92, exif=exif.tobytes())


def run_myphoto(data: bytes) -> list[tuple[int, int]]:
    from myphoto.photos import media

    return [(d.width, d.height) for d in media.make_derivatives(io.BytesIO(data), video=False)]


def run_naive(data: bytes) -> list[tuple[int, int]]:
    from PIL import Image, ImageOps

    sizes = []
    for edge in SIZES.values():
        image = ImageOps.exif_transpose(Image.open(io.BytesIO(data)))
        image.thumbnail((edge, edge))
        image.save(io.BytesIO(), "WEBP", quality=QUALITY)
        sizes.append(image.size)
    return sizes


def run_pyvips(data: bytes) -> list[tuple[int, int]]:
    import pyvips

    sizes = []
    for edge in SIZES.values():
        image = pyvips.Image.thumbnail_buffer(data, edge)
        image.webpsave_buffer(Q=QUALITY)
        sizes.append((image.width, image.height))
    return sizes


def worker(method: str, path: str, rounds: int) -> None:
    """Child process: warm up, then time `rounds` runs; print JSON."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "myphoto.settings")
    os.environ.setdefault("MYPHOTO_DATA_DIR", tempfile.mkdtemp(prefix="myphoto-bench-"))
    import django

    django.setup()
    if method == "pyvips":
        import pyvips

        pyvips.cache_set_max(0)  # no cached results between rounds
        logging.getLogger("pyvips").setLevel(logging.WARNING)
    run = {"myphoto": run_myphoto, "naive": run_naive, "pyvips": run_pyvips}[method]
    data = Path(path).read_bytes()
    baseline = peak_rss_kib()
    sizes = run(data)
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        run(data)
        times.append(time.perf_counter() - started)
    peak = peak_rss_kib() - baseline
    print(json.dumps({"times": times, "peak_kib": peak, "sizes": sizes}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--worker", nargs=2, metavar=("METHOD", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.worker[0], args.worker[1], args.rounds)
        return

    sample = Path(tempfile.mkdtemp(prefix="myphoto-bench-")) / "24mp.jpg"
    make_sample(sample)
    print(f"sample: 6000×4000 JPEG, orientation 6, {sample.stat().st_size / 1e6:.1f} MB")
    results = {}
    for method in METHODS:
        done = subprocess.run(
            [sys.executable, __file__, "--rounds", str(args.rounds), "--worker", method, sample],
            capture_output=True,
            text=True,
            check=True,
        )
        results[method] = json.loads(done.stdout.strip().splitlines()[-1])
        print(f"{method}: sizes {results[method]['sizes']}", file=sys.stderr)

    vips = statistics.median(results["pyvips"]["times"])
    naive = statistics.median(results["naive"]["times"])
    rows = []
    for method in METHODS:
        median = statistics.median(results[method]["times"])
        rows.append(
            [
                LABELS[method],
                f"{median * 1000:.0f} ms",
                f"{median / vips:.2f}×",
                f"{naive / median:.1f}×",
                f"{results[method]['peak_kib'] / 1024:.0f} MiB",
            ]
        )
    print_table(
        f"Derivatives md 1600 + sm 400 (WebP q{QUALITY}) of a 24 MP JPEG, "
        f"median of {args.rounds} after a warm-up",
        ["pipeline", "time per image", "vs pyvips", "faster than naive", "peak RSS growth"],
        rows,
    )


if __name__ == "__main__":
    main()
