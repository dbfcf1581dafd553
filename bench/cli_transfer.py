"""Move a library in and out with `myphoto upload/download` vs curl one file at a time.

500 photos of about 3 MB, SeaweedFS and `myphoto serve` on loopback (the job
worker off, so that only transfers are timed). Prints files/s and MB/s.

    .venv/bin/python bench/cli_transfer.py [--count 500] [--jobs 4]
"""

from __future__ import annotations

import argparse
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _harness import Environment, MiB, print_table, user_and_token  # noqa: E402


def make_photos(folder: Path, count: int, size: int) -> int:
    """`count` distinct JPEGs of about `size` bytes: one noisy image, a comment each."""
    from io import BytesIO

    from PIL import Image

    side = int((size / 0.75) ** 0.5)  # noise at quality 85 takes about 0.75 bytes a pixel
    noise = Image.frombytes("RGB", (side, side), random.Random(1).randbytes(side * side * 3))
    out = BytesIO()
    noise.save(out, "JPEG", quality=85)
    body = out.getvalue()
    total = 0
    for n in range(count):
        comment = f"myphoto bench photo {n}".encode()
        # SOI, then a COM segment that makes the bytes (and the SHA-256) unique.
        data = body[:2] + b"\xff\xfe" + (len(comment) + 2).to_bytes(2, "big") + comment + body[2:]
        (folder / f"IMG_{n:04d}.jpg").write_bytes(data)
        total += len(data)
    return total


def timed(command: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def curl_each(commands: list[list[str]]) -> float:
    started = time.perf_counter()
    for command in commands:
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def row(label: str, seconds: float, files: int, total: int, base: float | None) -> list[str]:
    rate = total / MiB / seconds
    return [
        label,
        f"{seconds:.1f} s",
        f"{files / seconds:.1f}",
        f"{rate:.0f} MiB/s",
        f"{rate / base:.2f}×" if base else "1.00×",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=500)
    parser.add_argument("--size-mb", type=float, default=3.0)
    parser.add_argument("--jobs", type=int, default=4)
    args = parser.parse_args()
    env = Environment()
    work = Path(tempfile.mkdtemp(prefix="myphoto-bench-"))
    try:
        run(env, args, work)
    finally:
        env.close()
        shutil.rmtree(work, ignore_errors=True)


def run(env: Environment, args: argparse.Namespace, work: Path) -> None:
    photos = work / "photos"
    photos.mkdir()
    total = make_photos(photos, args.count, int(args.size_mb * 1_000_000))
    count = args.count
    print(f"{count} photos, {total / MiB:.0f} MiB in all; {args.jobs} CLI jobs")
    url, _ = env.serve(MYPHOTO_WORKER_IN_SERVE="0")
    redirect_url, _ = env.serve(MYPHOTO_WORKER_IN_SERVE="0", MYPHOTO_DOWNLOAD_MODE="redirect")
    api = f"{url}/api/v1"
    _, curl_token = user_and_token("curl")
    _, cli_token = user_and_token("cli")
    cli_env = {**env.env, "MYPHOTO_URL": url, "MYPHOTO_TOKEN": cli_token}
    myphoto = [sys.executable, "-m", "myphoto"]
    auth = ["-H", f"Authorization: Bearer {curl_token}"]
    files = sorted(photos.iterdir())

    curl_up = curl_each(
        [["curl", "-sSf", *auth, "-F", f"file=@{path}", f"{api}/photos"] for path in files]
    )
    cli_up = timed([*myphoto, "upload", str(photos), "--jobs", str(args.jobs)], cli_env)
    cli_again = timed([*myphoto, "upload", str(photos), "--jobs", str(args.jobs)], cli_env)

    from myphoto.photos import storage
    from myphoto.photos.models import Photo

    curl_ids = list(Photo.objects.filter(owner__username="curl").values_list("pk", flat=True))
    keys = list(Photo.objects.filter(owner__username="cli").values_list("storage_key", flat=True))
    assert len(curl_ids) == len(keys) == count, (len(curl_ids), len(keys))

    started = time.perf_counter()
    for key in keys:
        for _chunk in storage.open_stream(key):
            pass
    direct = time.perf_counter() - started

    down = work / "curl"
    down.mkdir()
    curl_down = curl_each(
        [
            ["curl", "-sSf", *auth, "-o", str(down / f"{pk}.jpg"), f"{api}/photos/{pk}/download"]
            for pk in curl_ids
        ]
    )
    cli_down = timed(
        [*myphoto, "download", str(work / "mirror"), "--jobs", str(args.jobs)], cli_env
    )
    mirrored = [path for path in (work / "mirror").rglob("*.jpg")]
    assert len(mirrored) == count, len(mirrored)
    redirect_env = {**cli_env, "MYPHOTO_URL": redirect_url}
    cli_redirect = timed(
        [*myphoto, "download", str(work / "mirror2"), "--jobs", str(args.jobs)], redirect_env
    )
    assert len(list((work / "mirror2").rglob("*.jpg"))) == count

    print_table(
        "Upload",
        ["way", "time", "files/s", "throughput", "vs curl"],
        [
            row("curl, one file at a time", curl_up, count, total, None),
            row(f"myphoto upload --jobs {args.jobs}", cli_up, count, total, total / MiB / curl_up),
            row("myphoto upload again (all there)", cli_again, count, total, total / MiB / curl_up),
        ],
    )
    print_table(
        "Download",
        ["way", "time", "files/s", "throughput", "vs direct S3"],
        [
            row("direct boto3 GETs, one at a time", direct, count, total, None),
            row("curl, one file at a time", curl_down, count, total, total / MiB / direct),
            row(
                f"myphoto download --jobs {args.jobs}", cli_down, count, total, total / MiB / direct
            ),
            row(
                f"myphoto download --jobs {args.jobs}, redirect mode",
                cli_redirect,
                count,
                total,
                total / MiB / direct,
            ),
        ],
    )


if __name__ == "__main__":
    main()
