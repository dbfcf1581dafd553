"""A 2 GiB video up with `myphoto upload` (in parts, straight to the bucket) vs boto3.

Run: make bench-big-uploads, or .venv/bin/python bench/big_uploads.py --help.

SeaweedFS and `myphoto serve` (SQLite, the job worker off: only the upload is
timed) on loopback. The file is a real MP4 followed by random bytes (a `free`
box), so the server probes it as a video and every byte counts.

- The anchor: boto3's `upload_file` of the same file straight to SeaweedFS, with
  the same part size and the same number of parts at once.
- `myphoto upload FILE --jobs N`: hashes the file, begins the upload, sends the
  parts to presigned URLs, N at once, and completes it; completing reads the
  whole object back for its SHA-256 and CRC-32 and probes the video.
- Each round runs both ways side by side (which goes first alternates); the ratio
  is the median of the rounds' own ratios, the times are medians. Each `myphoto`
  round uploads as a new user (the same bytes twice would be a duplicate), who is
  deleted after it, so the bucket does not grow.
- Also printed: the app's peak RSS growth (every gunicorn process, sampled every
  5 ms) and the app's CPU seconds per GiB during the upload (on S3 the parts never
  touch the app: that is the check at complete); with `--disk`, the same upload to
  a server keeping files on local disk (parts through the app).
"""

from __future__ import annotations

import argparse
import hashlib
import os
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


def make_video(path: Path, size: int) -> None:
    """A playable MP4 grown to `size` bytes by a trailing `free` box of random bytes."""
    import struct

    import videos  # tests/videos.py, on the path through _harness

    head = videos.phone_video(seconds=2.0)
    with path.open("wb") as out:
        out.write(head)
        out.write(struct.pack(">I", size - len(head)) + b"free")
        left = size - len(head) - 8
        while left:
            block = os.urandom(min(left, 16 * MiB))
            out.write(block)
            left -= len(block)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size-mib", type=int, default=2048)
    parser.add_argument("--part-mib", type=int, default=8)
    parser.add_argument("--jobs", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--disk", action="store_true", help="also upload to storage on disk")
    args = parser.parse_args()
    with Environment() as env:
        run(env, args, env.work)


def run(env: Environment, args: argparse.Namespace, work: Path) -> None:
    from boto3.s3.transfer import TransferConfig

    size = args.size_mib * MiB
    video = work / "IMG_2GB.MOV"
    make_video(video, size)
    started = time.perf_counter()
    with video.open("rb") as source:
        hashlib.file_digest(source, "sha256")
    hashing = time.perf_counter() - started
    print(
        f"{size / MiB:,.0f} MiB video; parts of {args.part_mib} MiB, {args.jobs} at once; "
        f"median of {args.rounds} rounds. SHA-256 of the file in this process: "
        f"{hashing:.2f} s ({size / MiB / hashing:.0f} MiB/s)"
    )
    part = args.part_mib * MiB
    url, app = env.serve(
        MYPHOTO_WORKER_IN_SERVE="0",
        MYPHOTO_UPLOAD_PART_MB=str(args.part_mib),
        MYPHOTO_MULTIPART_UPLOAD_MB="16",
    )
    seaweed = env.seaweed.process.pid
    config = TransferConfig(
        multipart_threshold=part, multipart_chunksize=part, max_concurrency=args.jobs
    )
    boto_times, cli_times, rss, app_cpu = [], [], [], []

    def with_boto3(round_: int) -> None:
        os.sync()
        started = time.perf_counter()
        env.s3.upload_file(str(video), env.bucket, f"anchor/{round_}", Config=config)
        boto_times.append(time.perf_counter() - started)
        env.s3.delete_object(Bucket=env.bucket, Key=f"anchor/{round_}")

    def with_myphoto(round_: int) -> None:
        user, token = user_and_token(f"big{round_}")
        cli_env = {**env.env, "MYPHOTO_URL": url, "MYPHOTO_TOKEN": token}
        cli_env["MYPHOTO_CONFIG_DIR"] = str(work / f"config{round_}")
        os.sync()
        with RssSampler.of_workers(app.pid) as sampler, CpuMeter(app.pid, seaweed) as cpu:
            cli_times.append(myphoto_upload(video, args.jobs, cli_env))
        rss.append(sampler.growth)
        app_cpu.append(cpu.app_server)
        check_stored(user, size)

    for round_ in range(args.rounds):
        # Side by side, first one then the other first: the disk of a cloud machine
        # has slow minutes, which then fall on both ways.
        ways = [with_boto3, with_myphoto] if round_ % 2 == 0 else [with_myphoto, with_boto3]
        for way in ways:
            way(round_)
    ratios = [b / c for b, c in zip(boto_times, cli_times, strict=True)]

    boto, cli = median(boto_times), median(cli_times)
    print_table(
        "Upload of one big file to SeaweedFS",
        ["way", "time", "throughput", "vs boto3", "app peak RSS growth", "app CPU s/GiB"],
        [
            [
                "boto3 upload_file",
                f"{boto:.1f} s",
                f"{size / MiB / boto:.0f} MiB/s",
                "1.00×",
                "",
                "",
            ],
            [
                f"myphoto upload --jobs {args.jobs}",
                f"{cli:.1f} s",
                f"{size / MiB / cli:.0f} MiB/s",
                f"{median(ratios):.2f}×",
                f"{max(rss) / MiB:.0f} MiB",
                f"{median(app_cpu) / (size / 1024 / MiB):.2f}",
            ],
        ],
    )
    print("rounds: boto3 s", " ".join(f"{t:.1f}" for t in boto_times), end="; ")
    print("myphoto s", " ".join(f"{t:.1f}" for t in cli_times), end="; ")
    print("ratios", " ".join(f"{r:.2f}" for r in ratios))
    if args.disk:
        disk(env, args, work, video, size)


def disk(env: Environment, args: argparse.Namespace, work: Path, video: Path, size: int) -> None:
    """The same upload to a server keeping files on disk: every part through the app."""
    media = work / "media"
    url, app = env.serve(
        MYPHOTO_WORKER_IN_SERVE="0",
        MYPHOTO_UPLOAD_PART_MB=str(args.part_mib),
        MYPHOTO_S3_BUCKET="",
        MYPHOTO_MEDIA_DIR=str(media),
    )
    _, token = user_and_token("big-disk")
    cli_env = {
        **env.env,
        "MYPHOTO_URL": url,
        "MYPHOTO_TOKEN": token,
        "MYPHOTO_CONFIG_DIR": str(work / "config-disk"),
    }
    os.sync()
    with (
        RssSampler.of_workers(app.pid) as sampler,
        CpuMeter(app.pid, env.seaweed.process.pid) as cpu,
    ):
        seconds = myphoto_upload(video, args.jobs, cli_env)
    stored = sum(path.stat().st_size for path in (media / "originals").rglob("*") if path.is_file())
    assert stored == size, stored
    print_table(
        "The same upload with storage on local disk (parts through the app)",
        ["way", "time", "throughput", "app peak RSS growth", "app CPU s/GiB"],
        [
            [
                f"myphoto upload --jobs {args.jobs}",
                f"{seconds:.1f} s",
                f"{size / MiB / seconds:.0f} MiB/s",
                f"{sampler.growth / MiB:.0f} MiB",
                f"{cpu.app_server / (size / 1024 / MiB):.2f}",
            ]
        ],
    )


def myphoto_upload(video: Path, jobs: int, env: dict[str, str]) -> float:
    """Run `myphoto upload` on the file; return how long it took."""
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "myphoto", "upload", str(video), "--jobs", str(jobs)],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return time.perf_counter() - started


def check_stored(user, size: int) -> None:
    """The upload is a video of the file's size; then it goes, so that the bucket does not
    grow from round to round."""
    from myphoto.photos.models import Photo
    from myphoto.photos.services.accounts import user_delete

    photo = Photo.objects.get(owner=user)
    assert (photo.size, photo.kind) == (size, "video"), (photo.size, photo.kind)
    user_delete(user=user)


if __name__ == "__main__":
    main()
