"""Move a library in and out with `myphoto upload/download` vs curl one file at a time.

500 photos of about 3 MB, SeaweedFS and `myphoto serve` on loopback (the job
worker off, so that only transfers are timed). Prints files/s, MB/s and the CPU
milliseconds per file that the client, the app server and SeaweedFS spent.

    .venv/bin/python bench/cli_transfer.py [--count 500] [--jobs 4] [--rounds 3]
    taskset -c 0 .venv/bin/python bench/cli_transfer.py   # everything on one core
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _harness import CpuMeter, Environment, MiB, print_table, user_and_token  # noqa: E402


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


@dataclass
class Measured:
    label: str
    seconds: float
    cpu: CpuMeter


def measure(label: str, action: Callable[[], object], cpu: CpuMeter) -> Measured:
    """Run `action` and return its wall time and the CPU each process spent meanwhile."""
    # Each run starts without the previous one's files still waiting to be written.
    os.sync()
    with cpu:
        started = time.perf_counter()
        action()
        seconds = time.perf_counter() - started
    return Measured(label, seconds, cpu)


def command(args: list[str], env: dict[str, str] | None = None) -> Callable[[], object]:
    return lambda: subprocess.run(args, env=env, check=True, stdout=subprocess.DEVNULL)


def one_by_one(commands: list[list[str]]) -> Callable[[], object]:
    return lambda: [command(args)() for args in commands]


def table(title: str, versus: str, rows: list[Measured], files: int, total: int) -> None:
    base = total / MiB / rows[0].seconds
    print_table(
        title,
        ["way", "time", "files/s", "throughput", versus, *CPU_COLUMNS],
        [
            [
                measured.label,
                f"{measured.seconds:.1f} s",
                f"{files / measured.seconds:.1f}",
                f"{total / MiB / measured.seconds:.0f} MiB/s",
                f"{total / MiB / measured.seconds / base:.2f}×",
                *(
                    f"{used / files * 1000:.1f}"
                    for used in (
                        measured.cpu.client,
                        measured.cpu.app_server,
                        measured.cpu.storage_server,
                    )
                ),
            ]
            for measured in rows
        ],
    )


# CPU milliseconds per file of each process: the transfers are CPU-bound, so
# these show where a faster run has to find its time.
CPU_COLUMNS = ["client CPU ms/file", "app", "SeaweedFS"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=500)
    parser.add_argument("--size-mb", type=float, default=3.0)
    parser.add_argument("--jobs", type=int, default=4)
    parser.add_argument(
        "--rounds", type=int, default=3, help="download rounds; medians are reported"
    )
    args = parser.parse_args()
    with Environment() as env:
        run(env, args, env.work)


def run(env: Environment, args: argparse.Namespace, work: Path) -> None:
    photos = work / "photos"
    photos.mkdir()
    total = make_photos(photos, args.count, int(args.size_mb * 1_000_000))
    count = args.count
    print(
        f"{count} photos, {total / MiB:.0f} MiB in all; {args.jobs} CLI jobs; "
        f"downloads: median of {args.rounds} rounds"
    )
    url, app = env.serve(MYPHOTO_WORKER_IN_SERVE="0")
    redirect_url, redirect_app = env.serve(
        MYPHOTO_WORKER_IN_SERVE="0", MYPHOTO_DOWNLOAD_MODE="redirect"
    )
    seaweed = env.seaweed.process.pid
    api = f"{url}/api/v1"
    _, curl_token = user_and_token("curl")
    _, cli_token = user_and_token("cli")
    cli_env = {**env.env, "MYPHOTO_URL": url, "MYPHOTO_TOKEN": cli_token}
    myphoto = [sys.executable, "-m", "myphoto"]
    auth = ["-H", f"Authorization: Bearer {curl_token}"]
    files = sorted(photos.iterdir())
    jobs = ["--jobs", str(args.jobs)]

    uploads = [
        measure(
            "curl, one file at a time",
            one_by_one(
                [["curl", "-sSf", *auth, "-F", f"file=@{path}", f"{api}/photos"] for path in files]
            ),
            CpuMeter(app.pid, seaweed),
        ),
        measure(
            f"myphoto upload --jobs {args.jobs}",
            command([*myphoto, "upload", str(photos), *jobs], cli_env),
            CpuMeter(app.pid, seaweed),
        ),
        measure(
            "myphoto upload again (all there)",
            command([*myphoto, "upload", str(photos), *jobs], cli_env),
            CpuMeter(app.pid, seaweed),
        ),
    ]

    from myphoto.photos.models import Photo
    from myphoto.photos.storage import get_storage

    curl_ids = list(Photo.objects.filter(owner__username="curl").values_list("pk", flat=True))
    keys = list(Photo.objects.filter(owner__username="cli").values_list("storage_key", flat=True))
    assert len(curl_ids) == len(keys) == count, (len(curl_ids), len(keys))

    def read_directly() -> None:
        for key in keys:
            for _chunk in get_storage().stream(key):
                pass

    def check_and_remove(folder: Path) -> None:
        # Removed before the next run, so that every run writes into the same machine.
        assert sum(1 for _ in folder.rglob("*.jpg")) == count, folder
        shutil.rmtree(folder)

    down = work / "curl"
    down.mkdir()
    by_curl = [
        ["curl", "-sSf", *auth, "-o", str(down / f"{pk}.jpg"), f"{api}/photos/{pk}/download"]
        for pk in curl_ids
    ]
    curl_run = measure("curl, one file at a time", one_by_one(by_curl), CpuMeter(app.pid, seaweed))
    check_and_remove(down)

    redirect_env = {**cli_env, "MYPHOTO_URL": redirect_url}
    mirror = work / "mirror"
    # The rest in interleaved rounds, so that a slow moment of the machine does
    # not land on one way only; each way's median run is reported.
    ways: dict[str, tuple[Callable[[], object], int]] = {
        "direct boto3 GETs, one at a time": (read_directly, app.pid),
        f"myphoto download --jobs {args.jobs}": (
            command([*myphoto, "download", str(mirror), *jobs], cli_env),
            app.pid,
        ),
        f"myphoto download --jobs {args.jobs}, redirect mode": (
            command([*myphoto, "download", str(mirror), *jobs], redirect_env),
            redirect_app.pid,
        ),
    }
    runs: dict[str, list[Measured]] = {label: [] for label in ways}
    for _round in range(args.rounds):
        for label, (action, app_pid) in ways.items():
            runs[label].append(measure(label, action, CpuMeter(app_pid, seaweed)))
            if mirror.exists():
                check_and_remove(mirror)
    medians = [sorted(done, key=lambda run: run.seconds)[len(done) // 2] for done in runs.values()]
    downloads = [medians[0], curl_run, *medians[1:]]

    table("Upload", "vs curl", uploads, count, total)
    table("Download", "vs direct S3", downloads, count, total)


if __name__ == "__main__":
    main()
