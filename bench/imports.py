"""Bring a Google Takeout over with `myphoto import-google` vs `myphoto upload` of the same
files unpacked (the anchor; the unpacking a person would do first counted as zero).

The script writes a Takeout of `--parts` zips: `--files` photos (distinct JPEGs of about
`--photo-kb`) and a share of videos (`--video-mb` each), each with its sidecar; a tenth
also in album folders, a fiftieth with an edited copy. SeaweedFS and `myphoto serve` on
loopback, the job worker off. Prints files/s, MB/s, the ratio to the anchor, the
client's peak RSS, and the most disk the import used beside the parts (its copies of big
files), then the time of a second run (which sends nothing).

    .venv/bin/python bench/imports.py [--files 2000] [--parts 5] [--photo-kb 400]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _harness import Environment, MiB, RssSampler, print_table, user_and_token  # noqa: E402

ROOT = "Takeout/Google Photos/"


def jpeg_body(size: int) -> bytes:
    from io import BytesIO

    from PIL import Image

    side = int((size / 0.75) ** 0.5)
    noise = Image.frombytes("RGB", (side, side), random.Random(1).randbytes(side * side * 3))
    out = BytesIO()
    noise.save(out, "JPEG", quality=85)
    return out.getvalue()


def unique(body: bytes, n: int) -> bytes:
    """The JPEG with a comment that makes its bytes (and SHA-256) its own."""
    comment = f"myphoto bench takeout photo {n}".encode()
    return body[:2] + b"\xff\xfe" + (len(comment) + 2).to_bytes(2, "big") + comment + body[2:]


def sidecar(title: str, n: int, *, facts: bool = True) -> bytes:
    taken = 1_262_304_000 + n * 3600
    if not facts:  # what a photo already has: nothing for the import to apply
        return json.dumps({"title": title, "imageViews": "1"}).encode()
    return json.dumps(
        {
            "title": title,
            "description": "",
            "imageViews": "1",
            "creationTime": {"timestamp": str(taken + 60), "formatted": ""},
            "photoTakenTime": {"timestamp": str(taken), "formatted": ""},
            "geoData": {"latitude": 37.5 + n % 100 / 1000, "longitude": 127.0},
            "geoDataExif": {"latitude": 0.0, "longitude": 0.0},
            **({"favorited": True} if n % 7 == 0 else {}),
        }
    ).encode()


def make_takeout(work: Path, args: argparse.Namespace) -> tuple[list[Path], Path, int, int]:
    """The zips, the same media unpacked (for the anchor), the media count and bytes."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
    import videos

    body = jpeg_body(args.photo_kb * 1024)
    video_every = max(1, int(1 / args.video_share)) if args.video_share else 0
    video = videos.padded_video(args.video_mb * MiB, seed=1) if video_every else b""
    unpacked = work / "unpacked"
    unpacked.mkdir()
    zips = [
        zipfile.ZipFile(work / f"takeout-20261206T000000Z-{p + 1:03d}.zip", "w", zipfile.ZIP_STORED)
        for p in range(args.parts)
    ]
    count = total = 0
    for n in range(args.files):
        is_video = video_every and n % video_every == video_every - 1
        name, data = (
            (f"VID_{n:05d}.mp4", video[:-16] + n.to_bytes(16, "big"))
            if is_video
            else (f"IMG_{n:05d}.jpg", unique(body, n))
        )
        year = f"{ROOT}Photos from {2010 + n % 12}/"
        part = zips[n % args.parts]
        part.writestr(year + name, data)
        # A photo's sidecar often sits in another part than the photo.
        zips[(n + 1) % args.parts].writestr(
            f"{year}{name}.supplemental-metadata.json", sidecar(name, n, facts=args.facts)
        )
        (unpacked / name).write_bytes(data)
        count, total = count + 1, total + len(data)
        if n % 10 == 0:
            album = f"{ROOT}Album {n % 50:02d}/"
            part.writestr(album + name, data)
            part.writestr(
                f"{album}{name}.supplemental-metadata.json", sidecar(name, n, facts=args.facts)
            )
        if n % 50 == 0 and not is_video:
            edited = unique(body, 10_000_000 + n)
            part.writestr(f"{year}IMG_{n:05d}-edited.jpg", edited)
            (unpacked / f"IMG_{n:05d}-edited.jpg").write_bytes(edited)
            count, total = count + 1, total + len(edited)
    for n in range(50):
        zips[n % args.parts].writestr(
            f"{ROOT}Album {n:02d}/metadata.json", json.dumps({"title": f"Album {n:02d}"}).encode()
        )
    for part in zips:
        part.close()
    return [Path(z.filename or "") for z in zips], unpacked, count, total


def folder_bytes(folder: Path) -> int:
    total = 0
    for path in folder.rglob("*"):
        with contextlib.suppress(FileNotFoundError):  # removed while counted
            total += path.stat().st_size if path.is_file() else 0
    return total


def timed(args: list[str], env: dict[str, str], spool: Path) -> tuple[float, int, int, float]:
    """Seconds, the client's peak RSS, the peak bytes of its copies aside, its CPU seconds."""
    peak_disk = 0
    stop = threading.Event()

    def watch() -> None:
        nonlocal peak_disk
        while not stop.is_set():
            peak_disk = max(peak_disk, folder_bytes(spool) if spool.exists() else 0)
            time.sleep(0.05)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    started = time.perf_counter()
    before = os.times()
    cpu_before = before.children_user + before.children_system
    process = subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    with RssSampler([process.pid]) as rss:
        output, _ = process.communicate()
    seconds = time.perf_counter() - started
    used = os.times()
    cpu = used.children_user + used.children_system - cpu_before
    stop.set()
    watcher.join()
    if process.returncode:
        raise SystemExit(f"{args[3]} failed ({process.returncode}):\n{output.decode()}")
    return seconds, rss.peak[process.pid], peak_disk, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--files", type=int, default=2000)
    parser.add_argument("--parts", type=int, default=5)
    parser.add_argument("--photo-kb", type=int, default=400)
    parser.add_argument("--video-share", type=float, default=0.02)
    parser.add_argument("--video-mb", type=int, default=40)
    parser.add_argument("--jobs", type=int, default=4)
    parser.add_argument(
        "--no-facts",
        dest="facts",
        action="store_false",
        help="sidecars with nothing to apply (what the PATCH of each photo costs)",
    )
    args = parser.parse_args()
    with Environment() as env:
        parts, unpacked, count, total = make_takeout(env.work, args)
        url, _ = env.serve(MYPHOTO_WORKER_IN_SERVE="0")
        myphoto = [sys.executable, "-m", "myphoto"]
        jobs = ["--jobs", str(args.jobs)]
        spool = Path(tempfile.gettempdir()) / f"myphoto-import-{os.getuid()}"
        rows = []
        anchor = 0.0
        upload = [*myphoto, "upload", str(unpacked), *jobs]
        takeout = [*myphoto, "import-google", *map(str, parts), *jobs]
        for label, username, command in (
            ("myphoto upload (unpacked)", "anchor", upload),
            ("myphoto import-google (zips)", "takeout", takeout),
            ("import-google again", "takeout", takeout),
        ):
            _, token = user_and_token(username)
            client_env = {**env.env, "MYPHOTO_URL": url, "MYPHOTO_TOKEN": token,
                          "MYPHOTO_CONFIG_DIR": str(env.work / f"config-{username}")}  # fmt: skip
            os.sync()
            seconds, rss, disk, cpu = timed(command, client_env, spool)
            anchor = anchor or seconds
            speed = f"{total / MiB / seconds:.0f} MB/s"
            rows.append(
                [label, f"{seconds:.1f} s", f"{count / seconds:.0f}", speed,
                 f"{anchor / seconds:.2f}×", f"{cpu * 1000 / count:.0f} ms",
                 f"{rss / MiB:.0f} MiB", f"{disk / MiB:.0f} MiB"]
            )  # fmt: skip
        print_table(
            f"{count} photos and videos, {total / 1e9:.2f} GB in {len(parts)} zips "
            f"(+ album copies and sidecars), --jobs {args.jobs}",
            [
                "way",
                "time",
                "files/s",
                "throughput",
                "vs upload",
                "client CPU/file",
                "client peak RSS",
                "disk aside",
            ],
            rows,
        )


if __name__ == "__main__":
    main()
