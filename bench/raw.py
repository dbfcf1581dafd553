"""Thumbnails and uploads of camera RAWs (issue 33).

24-megapixel DNGs (6000 × 4000, 12-bit values in 16-bit samples, RGGB) are written by
the tests' pidng writer (`tests/dngs.py`) from sensor-like data: a colour filter array
sampled from a photo-like scene with grain. Two of them: one with a 2048 px JPEG preview
in IFD0 (as cameras and Adobe's converter write), one whose preview is damaged (its
thumbnails come from the sensor data).

1. Thumbnails (md 1600 px + sm 400 px, WebP), each way in a process of its own:
   MyPhoto's (`media.make_derivatives`) against the anchor, rawpy's own
   `postprocess(half_size=True)` + Pillow resize and WebP save of both sizes, on the same
   file in the same run. Median time, ratio to the anchor, peak RSS growth per decode.
2. Upload CPU per RAW: the check and description of a RAW at upload
   (`media.analyze`: its structure and metadata, no decode), CPU ms per file, beside the
   SHA-256 + CRC-32 that every upload of those bytes costs anyway.

    .venv/bin/python bench/raw.py [--rounds 5]

ExifTool's real RAWs in tests/data/raw keep their metadata but not their image data, so
they time nothing here.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import zlib
from hashlib import sha256
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "tests"))

from _harness import peak_rss_kib, print_table  # noqa: E402

SIZES = {"md": 1600, "sm": 400}
QUALITY = 80
METHODS = ["myphoto", "anchor"]
# Seconds the anchor spent encoding WebP: both ways encode the same two sizes.
ENCODING: list[float] = []
LABELS = {
    "myphoto": "MyPhoto (preview, else LibRaw half size)",
    "anchor": "rawpy postprocess(half_size=True) + Pillow",
}


def make_samples(folder: Path) -> dict[str, Path]:
    import dngs
    import numpy as np
    from PIL import Image

    rng = np.random.default_rng(24)
    shapes = Image.fromarray(rng.integers(0, 256, size=(12, 18, 3), dtype=np.uint8))
    smooth = np.asarray(shapes.resize((6000, 4000), Image.Resampling.BICUBIC)).astype(np.int16)
    grain = rng.integers(-12, 12, size=smooth.shape, dtype=np.int16)
    scene = Image.fromarray(np.clip(smooth + grain, 0, 255).astype(np.uint8))
    made = dngs.dng(6000, 4000, picture=scene, preview=2048, orientation=6)
    full = dngs.dng(6000, 4000, picture=scene, preview=6000, orientation=6)
    samples = {
        "full-size preview": folder / "24mp-full-preview.dng",
        "2048 px preview": folder / "24mp-preview.dng",
        "damaged preview: sensor data": folder / "24mp-damaged-preview.dng",
    }
    samples["full-size preview"].write_bytes(full.data)
    samples["2048 px preview"].write_bytes(made.data)
    samples["damaged preview: sensor data"].write_bytes(dngs.damaged_preview(made))
    return samples


def run_myphoto(path: Path) -> list[tuple[int, int]]:
    from myphoto.photos import media

    with path.open("rb") as original:
        return [(d.width, d.height) for d in media.make_derivatives(original, video=False)]


def run_anchor(path: Path) -> list[tuple[int, int]]:
    import rawpy
    from PIL import Image

    with rawpy.imread(str(path)) as raw:
        image = Image.fromarray(raw.postprocess(half_size=True, use_camera_wb=True, output_bps=8))
    sizes = []
    for edge in SIZES.values():
        image.thumbnail((edge, edge), Image.Resampling.LANCZOS)
        started = time.perf_counter()
        image.save(io.BytesIO(), "WEBP", quality=QUALITY)
        ENCODING.append(time.perf_counter() - started)
        sizes.append(image.size)
    return sizes


def worker(method: str, path: str, rounds: int) -> None:
    """Child process: one run to warm up, then `rounds` timed; JSON on stdout."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "myphoto.settings")
    os.environ.setdefault("MYPHOTO_DATA_DIR", tempfile.mkdtemp(prefix="myphoto-bench-"))
    import django

    django.setup()
    run = {"myphoto": run_myphoto, "anchor": run_anchor}[method]
    baseline = peak_rss_kib()
    sizes = run(Path(path))
    times = []
    ENCODING.clear()
    for _ in range(rounds):
        started = time.perf_counter()
        run(Path(path))
        times.append(time.perf_counter() - started)
    encoding = sum(ENCODING) / rounds
    peak = peak_rss_kib() - baseline
    print(json.dumps({"times": times, "peak_kib": peak, "sizes": sizes, "encoding": encoding}))


def without_dng_version(data: bytes) -> bytes:
    """The DNG as a TIFF of sensor data from a maker we do not name (DNGVersion and
    DNGBackwardVersion renamed): LibRaw reads its header for its size, as for NEF or CR2."""
    for version in (b"\x12\xc6", b"\x13\xc6"):
        entry = version + b"\x01\x00\x04\x00\x00\x00"
        data = data.replace(entry, b"\xfe" + entry[1:], 1)
    return data


def upload_cpu(path: Path, rounds: int) -> tuple[float, float, float]:
    """CPU ms per file of the upload's RAW check and description (a DNG; a RAW LibRaw
    sizes, held in memory as a small upload is), and of its digests."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "myphoto.settings")
    os.environ.setdefault("MYPHOTO_DATA_DIR", tempfile.mkdtemp(prefix="myphoto-bench-"))
    import django

    django.setup()
    from myphoto.photos import media

    with path.open("rb") as original:
        facts = media.analyze(original)
        assert facts.format == "DNG", facts
        started = time.process_time()
        for _ in range(rounds):
            media.analyze(original)
        check = (time.process_time() - started) * 1000 / rounds
    data = path.read_bytes()
    other = io.BytesIO(without_dng_version(data))
    assert media.analyze(other).format == "RAW"
    started = time.process_time()
    for _ in range(rounds):
        media.analyze(other)
    libraw = (time.process_time() - started) * 1000 / rounds
    started = time.process_time()
    for _ in range(rounds):
        sha256(data).hexdigest()
        zlib.crc32(data)
    digests = (time.process_time() - started) * 1000 / rounds
    return check, libraw, digests


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--worker", nargs=2, metavar=("METHOD", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.worker[0], args.worker[1], args.rounds)
        return

    samples = make_samples(Path(tempfile.mkdtemp(prefix="myphoto-bench-raw-")))
    size = samples["2048 px preview"].stat().st_size / 1e6
    print(f"samples: 6000×4000 DNG, 16-bit samples, orientation 6, {size:.1f} MB and more")
    rows = []
    for case, path in samples.items():
        results = {}
        for method in METHODS:
            done = subprocess.run(  # noqa: S603  this script, by its own path
                [sys.executable, __file__, "--rounds", str(args.rounds), "--worker", method, path],
                capture_output=True,
                text=True,
                check=True,
            )
            results[method] = json.loads(done.stdout.strip().splitlines()[-1])
        anchor = statistics.median(results["anchor"]["times"])
        encoding = results["anchor"]["encoding"]
        for method in METHODS:
            median = statistics.median(results[method]["times"])
            rows.append(
                [
                    case,
                    LABELS[method],
                    f"{median * 1000:.0f} ms",
                    f"{median / anchor:.2f}×",
                    f"{(median - encoding) / (anchor - encoding):.2f}×",
                    f"{results[method]['peak_kib'] / 1024:.0f} MiB",
                    " + ".join(f"{w}×{h}" for w, h in results[method]["sizes"]),
                ]
            )
    print_table(
        f"Thumbnails (md + sm WebP) of a 24 MP DNG, median of {args.rounds}",
        [
            "RAW",
            "way",
            "time",
            "÷ anchor",
            "÷ anchor, WebP encoding apart",
            "peak RSS growth",
            "sizes",
        ],
        rows,
    )
    print(
        "WebP encoding apart: less the anchor's time encoding md and sm, which both ways do "
        "alike (the same sizes, quality and method)."
    )
    check, libraw, digests = upload_cpu(samples["2048 px preview"], rounds=max(20, args.rounds))
    print_table(
        "Upload CPU per RAW (no decode at upload)",
        ["what", "CPU ms per file"],
        [
            ["the RAW's check and description (media.analyze), a DNG", f"{check:.1f}"],
            ["the same of a RAW LibRaw sizes (not a DNG), from memory", f"{libraw:.1f}"],
            [f"SHA-256 + CRC-32 of its {size:.0f} MB (every upload's)", f"{digests:.1f}"],
        ],
    )


if __name__ == "__main__":
    main()
