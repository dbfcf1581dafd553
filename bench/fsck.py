"""`myphoto fsck`: --verify against plain boto3 reads, and the check of a million rows.

    .venv/bin/python bench/fsck.py                        # both parts
    .venv/bin/python bench/fsck.py --rows 0               # --verify only
    .venv/bin/python bench/fsck.py --verify-photos 0 --rows 100000,1000000

--verify: 2,000 originals of 3 MB (random bytes) in a SeaweedFS bucket, rows on
SQLite. Each round reads them all once with boto3 (`get_object().read()`, as many
reads at once as fsck makes, the bytes dropped: the anchor) and once with
`myphoto fsck --verify` (a process of its own: its time from start to exit, and
its peak RSS), in alternating order. Printed: MiB/s both ways, the ratio, peak RSS.

Rows: a fresh PostgreSQL database seeded like bench/timeline.py's (one user, 20 years,
1% in the trash, an album of 10,000), each photo with its original (a sparse file of
its 3,000,000 bytes) and two thumbnails on local disk; then `myphoto fsck` (no
--verify): seconds and peak RSS, at each size (flat memory: the same RSS at 100,000
and 1,000,000).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import shutil
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _harness import (  # noqa: E402
    Environment,
    MiB,
    cpu_seconds,
    median,
    print_table,
    process_tree,
    rss_bytes,
)

PHOTO_BYTES = 3_000_000
READERS = 4  # as myphoto.photos.integrity.verify.READERS


def run_measured(argv: list[str], env: dict[str, str]) -> tuple[float, int, str]:
    """Run a command; return its wall seconds, its peak RSS (sampled every 10 ms), stdout."""
    started = time.perf_counter()
    process = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    peak = 0
    output: list[bytes] = []
    reader = threading.Thread(target=lambda: output.append(process.stdout.read()))
    reader.start()
    while process.poll() is None:
        peak = max(peak, rss_bytes(process.pid))
        time.sleep(0.01)
    reader.join()
    seconds = time.perf_counter() - started
    if process.returncode not in (0, 1):
        raise RuntimeError(process.stderr.read().decode())
    return seconds, peak, output[0].decode()


# --verify against boto3


def seed_originals(environment: Environment, count: int) -> int:
    from myphoto.photos.models import Photo, User

    owner = User.objects.create_user(username="bench", password="bench password 1")  # noqa: S106
    rows = []

    def put(n: int) -> Photo:
        data = random.Random(n).randbytes(PHOTO_BYTES)
        key = f"originals/{owner.pk}/{n:08d}.jpg"
        environment.s3.put_object(Bucket=environment.bucket, Key=key, Body=data)
        return Photo(
            owner=owner,
            original_name=f"IMG_{n:05d}.jpg",
            storage_key=key,
            content_type="image/jpeg",
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            crc32=0,
            width=2000,
            height=1500,
            taken_at="2024-05-01T12:00:00Z",
            taken_at_source="exif",
            derivatives_ready=True,
        )

    with ThreadPoolExecutor(8) as pool:
        rows = list(pool.map(put, range(count)))
    Photo.objects.bulk_create(rows, batch_size=1000)
    from myphoto.photos.services.counts import month_counts_rebuild

    month_counts_rebuild(owner=owner)
    return count * PHOTO_BYTES


def boto3_read_all(environment: Environment, *, hashed: bool = False) -> float:
    keys = [
        entry["Key"]
        for page in environment.s3.get_paginator("list_objects_v2").paginate(
            Bucket=environment.bucket, Prefix="originals/"
        )
        for entry in page.get("Contents", ())
    ]

    def read(key: str) -> int:
        data = environment.s3.get_object(Bucket=environment.bucket, Key=key)["Body"].read()
        if hashed:
            hashlib.sha256(data).hexdigest()
        return len(data)

    started = time.perf_counter()
    with ThreadPoolExecutor(READERS) as pool:
        total = sum(pool.map(read, keys))
    assert total == len(keys) * PHOTO_BYTES
    return time.perf_counter() - started


def bench_verify(count: int, rounds: int) -> None:
    print(f"== --verify: seeding {count:,} originals of {PHOTO_BYTES / 1e6:.0f} MB", flush=True)
    with Environment() as environment:
        total = seed_originals(environment, count)
        argv = [sys.executable, "-m", "myphoto", "fsck", "--verify", "--json"]
        rows = []
        for n in range(rounds):
            order = ["boto3", "boto3+sha256", "fsck"]
            order = order if n % 2 == 0 else order[::-1]
            figures: dict[str, float] = {}
            storage_pids = process_tree(environment.seaweed.process.pid)
            for way in order:
                storage_cpu, own = cpu_seconds(storage_pids), os.times()
                if way.startswith("boto3"):
                    figures[way] = boto3_read_all(environment, hashed=way == "boto3+sha256")
                else:
                    seconds, peak, out = run_measured(argv, environment.env)
                after = os.times()
                figures[f"{way} cpu"] = (
                    after.user + after.system + after.children_user + after.children_system
                ) - (own.user + own.system + own.children_user + own.children_system)
                figures[f"{way} storage cpu"] = cpu_seconds(storage_pids) - storage_cpu
                if way == "fsck":
                    report = json.loads(out)
                    assert report["problems"] == 0, report
                    assert report["verify"]["bytes"] == total
                    figures["fsck"], figures["verify"] = seconds, report["verify"]["seconds"]
                    figures["rss"] = peak
            rows.append(figures)
            print(
                f"   round {n + 1}: boto3 {figures['boto3']:.1f} s, boto3+sha256 "
                f"{figures['boto3+sha256']:.1f} s, fsck {figures['fsck']:.1f} s "
                f"(verifying {figures['verify']:.1f} s), peak RSS {figures['rss'] / MiB:.0f} MiB; "
                "CPU s (reader + SeaweedFS): "
                + ", ".join(
                    f"{way} {figures[f'{way} cpu']:.1f} + {figures[f'{way} storage cpu']:.1f}"
                    for way in order
                ),
                flush=True,
            )
        mib = total / MiB
        boto3_s = median([r["boto3"] for r in rows])
        hashed_s = median([r["boto3+sha256"] for r in rows])
        fsck_s = median([r["fsck"] for r in rows])
        verify_s = median([r["verify"] for r in rows])
        print_table(
            f"--verify, {count:,} originals of 3 MB on SeaweedFS ({mib:,.0f} MiB), "
            f"median of {rounds} rounds",
            ["way", "seconds", "MiB/s", "vs boto3", "peak RSS"],
            [
                [
                    "boto3 get_object, 4 at once",
                    f"{boto3_s:.1f}",
                    f"{mib / boto3_s:.0f}",
                    "1.00x",
                    "",
                ],
                [
                    "boto3 get_object + hashlib.sha256, 4 at once",
                    f"{hashed_s:.1f}",
                    f"{mib / hashed_s:.0f}",
                    f"{boto3_s / hashed_s:.2f}x",
                    "",
                ],
                [
                    "myphoto fsck --verify (whole command)",
                    f"{fsck_s:.1f}",
                    f"{mib / fsck_s:.0f}",
                    f"{boto3_s / fsck_s:.2f}x",
                    f"{max(r['rss'] for r in rows) / MiB:.0f} MiB",
                ],
                [
                    "  of which reading and hashing",
                    f"{verify_s:.1f}",
                    f"{mib / verify_s:.0f}",
                    f"{boto3_s / verify_s:.2f}x",
                    "",
                ],
            ],
        )


# A million rows


def seed_rows(size: int, data_dir: str, *, thumbnails: bool) -> None:
    """Run inside a process set up for the PostgreSQL database (see `--seed`)."""
    import django

    django.setup()
    from _library import seed
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    seed(size)
    with connection.cursor() as cursor:
        if thumbnails:
            cursor.execute(
                "UPDATE photos_photo SET "
                "thumbnail_key = 'derivatives/' || owner_id || '/' || id || '/sm-b.webp', "
                "preview_key = 'derivatives/' || owner_id || '/' || id || '/md-b.webp'"
            )
        else:
            # timeline.py's seed as it is: every row's thumbnails are two shared files
            # outside derivatives/ (not compared), so only originals are listed.
            cursor.execute("UPDATE photos_photo SET thumbnail_key = '', preview_key = ''")
        cursor.execute("SELECT storage_key, thumbnail_key, preview_key, size FROM photos_photo")
        media = Path(data_dir) / "media"
        folders: set[Path] = set()
        for original, thumbnail, preview, length in cursor.fetchall():
            for key, bytes_ in ((original, length), (thumbnail, 0), (preview, 0)):
                if not key:
                    continue
                path = media / key
                if path.parent not in folders:
                    path.parent.mkdir(parents=True, exist_ok=True)
                    folders.add(path.parent)
                with open(path, "wb") as out:
                    out.truncate(bytes_)  # sparse: the size, not the disk space


def bench_rows(sizes: list[int], *, thumbnails: bool) -> None:
    from _library import library_environment

    table = []
    for size in sizes:
        print(f"== {size:,} rows on PostgreSQL: seeding rows and files", flush=True)
        env = library_environment("postgres", size, "fsck")
        data_dir = env["MYPHOTO_DATA_DIR"]
        try:
            started = time.perf_counter()
            seeding = [sys.executable, __file__, "--seed", str(size)]
            seeding += [] if thumbnails else ["--no-thumbnails"]
            subprocess.run(seeding, env=env, check=True)
            print(f"   seeded in {time.perf_counter() - started:.0f} s", flush=True)
            runs = []
            for _ in range(2):  # the first as seeding left the caches, the second warm
                seconds, peak, out = run_measured(
                    [sys.executable, "-m", "myphoto", "fsck", "--json"], env
                )
                report = json.loads(out)
                assert report["problems"] == 0, report
                runs.append((seconds, peak))
                print(f"   fsck: {seconds:.1f} s, peak RSS {peak / MiB:.0f} MiB", flush=True)
            table.append(
                [
                    f"{size:,}",
                    f"{report['checked']['objects listed']:,}",
                    f"{runs[0][0]:.1f}",
                    f"{runs[1][0]:.1f}",
                    f"{max(peak for _, peak in runs) / MiB:.0f} MiB",
                ]
            )
        finally:
            shutil.rmtree(data_dir, ignore_errors=True)
    print_table(
        "myphoto fsck (no --verify), PostgreSQL + local disk, "
        + ("originals and two thumbnails each" if thumbnails else "originals alone"),
        ["rows", "objects listed", "seconds, first run", "seconds, second run", "peak RSS"],
        table,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--verify-photos", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--rows", default="100000,1000000", help="sizes, comma-separated; 0: none")
    parser.add_argument(
        "--no-thumbnails",
        action="store_true",
        help="rows without thumbnails of their own (timeline.py's seed): originals alone",
    )
    parser.add_argument("--seed", type=int, help=argparse.SUPPRESS)  # run by this script itself
    args = parser.parse_args()
    if args.seed:
        seed_rows(args.seed, os.environ["MYPHOTO_DATA_DIR"], thumbnails=not args.no_thumbnails)
        return
    if args.verify_photos:
        bench_verify(args.verify_photos, args.rounds)
    sizes = [int(n) for n in args.rows.split(",") if int(n)]
    if sizes:
        bench_rows(sizes, thumbnails=not args.no_thumbnails)


if __name__ == "__main__":
    main()
