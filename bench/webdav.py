"""WebDAV for backup apps, on SeaweedFS behind `myphoto serve` (the job worker off):

1. Debian's `rclone copy --transfers 4` of 500 photos of about 3 MB to /dav/, against
   `myphoto upload --jobs 4` of the same folder (target: rclone at least 0.85x).
2. A 2 GiB video by rclone: the peak RSS growth of the server's workers (target: 64 MiB
   at most; it streams to the bucket in parts).
3. `PROPFIND Depth: 1` of a folder of 10,000 uploads: p50 and p95 of 20 (target: p95 at
   most 300 ms).

    .venv/bin/python bench/webdav.py [--count 500] [--video-gb 2] [--entries 10000]
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _harness import (  # noqa: E402
    CpuMeter,
    Environment,
    MiB,
    RssSampler,
    median,
    print_table,
    user_and_token,
)
from big_uploads import make_video  # noqa: E402
from cli_transfer import make_photos  # noqa: E402

# tests/videos.py (make_video's), not this folder's videos.py, which importing
# big_uploads put first again.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))


def rclone_env(url: str, username: str, password: str) -> dict[str, str]:
    obscured = subprocess.run(
        ["rclone", "obscure", password], capture_output=True, text=True, check=True
    ).stdout.strip()
    return {
        **os.environ,
        "RCLONE_CONFIG": "/dev/null",
        "RCLONE_CONFIG_BENCH_TYPE": "webdav",
        "RCLONE_CONFIG_BENCH_URL": f"{url}/dav/",
        "RCLONE_CONFIG_BENCH_VENDOR": "owncloud",
        "RCLONE_CONFIG_BENCH_USER": username,
        "RCLONE_CONFIG_BENCH_PASS": obscured,
    }


def timed(args: list[str], env: dict[str, str], meter: CpuMeter) -> float:
    os.sync()
    with meter:
        started = time.perf_counter()
        subprocess.run(args, env=env, check=True, stdout=subprocess.DEVNULL)
        return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=500)
    parser.add_argument("--size-mb", type=float, default=3.0)
    parser.add_argument("--video-gb", type=float, default=2.0)
    parser.add_argument("--entries", type=int, default=10_000)
    args = parser.parse_args()
    with Environment() as env:
        run(env, args)


def run(env: Environment, args: argparse.Namespace) -> None:
    photos = env.work / "Camera"
    photos.mkdir()
    total = make_photos(photos, args.count, int(args.size_mb * 1_000_000))
    url, app = env.serve(MYPHOTO_WORKER_IN_SERVE="0")
    seaweed = env.seaweed.process.pid
    _, cli_token = user_and_token("cli")
    dav_user, dav_token = user_and_token("phone")
    cli_env = {**env.env, "MYPHOTO_URL": url, "MYPHOTO_TOKEN": cli_token}
    dav_env = rclone_env(url, "phone", dav_token)
    print(f"{args.count} photos, {total / MiB:.0f} MiB in all; 4 at a time either way")

    rows = []
    for label, command, environment in [
        (
            "myphoto upload --jobs 4",
            [sys.executable, "-m", "myphoto", "upload", str(photos), "--jobs", "4"],
            cli_env,
        ),
        (
            "rclone copy --transfers 4 (WebDAV)",
            ["rclone", "copy", str(photos), "bench:Camera", "--transfers", "4"],
            dav_env,
        ),
    ]:
        meter = CpuMeter(app.pid, seaweed)
        seconds = timed(command, environment, meter)
        rows.append((label, seconds, meter))
    anchor = rows[0][1]
    print_table(
        "Uploading a camera roll",
        ["way", "time", "files/s", "MiB/s", "vs myphoto upload", "app CPU ms/file"],
        [
            [
                label,
                f"{seconds:.1f} s",
                f"{args.count / seconds:.1f}",
                f"{total / MiB / seconds:.0f}",
                f"{anchor / seconds:.2f}x",
                f"{meter.app_server / args.count * 1000:.1f}",
            ]
            for label, seconds, meter in rows
        ],
    )
    again = timed(
        ["rclone", "copy", str(photos), "bench:Camera", "--transfers", "4"],
        dav_env,
        CpuMeter(app.pid, seaweed),
    )
    print(f"rclone copy again (nothing to send): {again:.1f} s")

    # A first video in each worker loads FFmpeg's libraries (tens of MiB, once): sent
    # before the measure, as a phone's backup sends many.
    warm = env.work / "Warm"
    warm.mkdir()
    for n in range(4):
        make_video(warm / f"VID_{n}.MOV", 20 * MiB + n)
    timed(
        ["rclone", "copy", str(warm), "bench:Warm", "--transfers", "4"],
        dav_env,
        CpuMeter(app.pid, seaweed),
    )
    video = env.work / "Movies" / "VID_2GB.MOV"
    video.parent.mkdir()
    make_video(video, int(args.video_gb * 1024 * MiB))
    with RssSampler.of_workers(app.pid) as rss:
        seconds = timed(
            ["rclone", "copy", str(video.parent), "bench:Movies", "--transfers", "1"],
            dav_env,
            CpuMeter(app.pid, seaweed),
        )
    print_table(
        f"A {args.video_gb:g} GiB video by rclone",
        ["time", "MiB/s", "peak RSS growth of a worker", "target"],
        [
            [
                f"{seconds:.1f} s",
                f"{video.stat().st_size / MiB / seconds:.0f}",
                f"{rss.growth / MiB:.1f} MiB",
                "<= 64 MiB",
            ]
        ],
    )
    listing(url, dav_user, dav_token, args.entries)


def listing(url: str, user, token: str, entries: int) -> None:
    import httpx
    from django.utils import timezone

    from myphoto.photos.models import DavEntry, Photo

    photo = Photo.objects.filter(owner=user).first()
    now = timezone.now()
    DavEntry.objects.create(owner=user, parent="", name="Many", modified_at=now)
    DavEntry.objects.bulk_create(
        [
            DavEntry(
                owner=user,
                parent="Many",
                name=f"IMG_{n:05d}.JPG",
                photo=photo,
                size=photo.size,
                modified_at=now,
            )
            for n in range(entries)
        ],
        batch_size=2000,
    )
    times = []
    with httpx.Client(auth=("phone", token), timeout=60) as client:
        for _ in range(21):
            started = time.perf_counter()
            answer = client.request("PROPFIND", f"{url}/dav/Many/", headers={"Depth": "1"})
            times.append(time.perf_counter() - started)
            listed = len(re.findall(r"<(?:\w+:)?response[ >]", answer.text))
            assert answer.status_code == 207 and listed == entries + 1, (answer.status_code, listed)
    times = sorted(times[1:])  # the first warms the worker
    print_table(
        f"PROPFIND Depth: 1 of a folder of {entries:,} uploads",
        ["p50", "p95", "answer", "target"],
        [
            [
                f"{median(times) * 1000:.0f} ms",
                f"{times[int(len(times) * 0.95) - 1] * 1000:.0f} ms",
                f"{len(answer.content) / MiB:.1f} MiB",
                "p95 <= 300 ms",
            ]
        ],
    )


if __name__ == "__main__":
    main()
