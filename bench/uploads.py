"""What an upload costs the server: CPU per camera JPEG, memory under big PNGs.

Run: make bench-uploads, or .venv/bin/python bench/uploads.py --help for the knobs.

Everything runs on this machine: SeaweedFS on loopback, `myphoto serve` (gunicorn,
2 gthread workers, and the job worker beside it) on SQLite. Prints markdown tables.

1. CPU: one client uploads distinct 3 MB camera JPEGs (12 megapixels, EXIF) one
   after another. The CPU seconds of the web processes (gunicorn's master and
   workers) and of the job worker (which makes the thumbnails afterwards), each
   divided by the number of uploads. The anchors, measured in this process on the
   same file: Pillow's whole decode and its 1/8-scale decode (what the upload check
   used to be).
2. Memory: 8 clients upload the 14,000 × 14,000 PNG (588 MB of pixels in 572 KB)
   at once: the same bytes eight times, then eight different files. The RSS of
   every server process is sampled every 5 ms from the first byte until the job
   worker has made the last thumbnail: the peak of their sum ("in all") and each
   process's own peak.
3. Bombs (`--only bombs`): small files of many pixels, as a probe sent them (WebP
   lossless, PNG of one row, 16-bit PNG, TIFF, GIF, AVIF, HEIC; bench/_bombs.py), each
   8 times at once with a token and 8 times through a share link that takes uploads:
   the answers, and the peak of the sum of all the server's processes' RSS until the
   job worker is done with what was stored.
"""

from __future__ import annotations

import argparse
import io
import resource
import struct
import subprocess
import sys
import time
import zlib
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
from _bombs import KINDS, bomb, copies
from _harness import (
    Environment,
    MiB,
    RssSampler,
    children,
    cpu_seconds,
    median,
    print_table,
    rss_bytes,
    user_and_token,
)
from PIL import Image


def camera_jpeg(seed: int, size: tuple[int, int] = (4032, 3024)) -> bytes:
    """A 12 MP JPEG of about 3 MB: a gradient, blotches and grain, at quality 90."""
    import images  # tests/images.py (on the path once _harness is imported): a phone's EXIF

    blotches = Image.effect_noise((size[0] // 8, size[1] // 8), 60).convert("RGB")
    picture = Image.blend(
        Image.linear_gradient("L").resize(size).convert("RGB"),
        blotches.resize(size, Image.Resampling.BICUBIC),
        0.5,
    )
    picture = Image.blend(picture, Image.effect_noise(size, 25).convert("RGB"), 0.15)
    out = io.BytesIO()
    picture.save(out, "JPEG", quality=90, exif=images.camera_exif(1).tobytes())
    return with_comment(out.getvalue(), seed)


def with_comment(jpeg: bytes, seed: int) -> bytes:
    """The same picture as different bytes: a comment segment right after SOI."""
    text = f"copy {seed}".encode()
    return jpeg[:2] + b"\xff\xfe" + struct.pack(">H", len(text) + 2) + text + jpeg[2:]


def black_png(width: int, height: int, *, seed: int = 0) -> bytes:
    """An RGB PNG, black but for one pixel that `seed` colours, built row by row."""
    compressor = zlib.compressobj(9)
    blank = b"\x00" + bytes(width * 3)
    first = b"\x00" + seed.to_bytes(3, "big") + bytes(width * 3 - 3)
    data = compressor.compress(first) + b"".join(
        compressor.compress(blank) for _ in range(height - 1)
    )
    data += compressor.flush()

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body)
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")
    )


def cpu_ms(fn, rounds: int) -> float:
    fn()
    start = time.process_time()
    for _ in range(rounds):
        fn()
    return (time.process_time() - start) / rounds * 1000


def full_decode(data: bytes) -> None:
    with Image.open(io.BytesIO(data)) as image:
        image.load()


def eighth_decode(data: bytes) -> None:
    with Image.open(io.BytesIO(data)) as image:
        image.draft("RGB", (image.width // 8, image.height // 8))
        image.load()


class Server:
    """`myphoto serve` and its processes: web (master and workers) and the job worker."""

    def __init__(self, env: Environment, *, job_worker: bool = True) -> None:
        self.url, self.process = env.serve(MYPHOTO_WORKER_IN_SERVE="1" if job_worker else "0")
        self.master = self.process.pid
        processes = [self.master, *children(self.master)]
        self.job_worker = next((pid for pid in processes if _is_job_worker(pid)), None)
        self.web = [pid for pid in processes if pid != self.job_worker]

    def all(self) -> list[int]:
        return [*self.web, *([self.job_worker] if self.job_worker else [])]

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


def _is_job_worker(pid: int) -> bool:
    return b"worker" in Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")


def upload(url: str, token: str, name: str, data: bytes) -> int:
    response = httpx.post(
        f"{url}/api/v1/photos",
        headers={"Authorization": f"Bearer {token}"},
        files={"file": (name, data)},
        timeout=600,
    )
    if response.status_code not in (200, 201):
        raise RuntimeError(f"upload of {name}: {response.status_code} {response.text[:200]}")
    return response.status_code


def wait_for_thumbnails(owner, count: int, timeout: float = 900) -> None:
    from myphoto.photos.models import Photo

    deadline = time.monotonic() + timeout
    while Photo.objects.filter(owner=owner, derivatives_ready=True).count() < count:
        failed = Photo.objects.filter(owner=owner).exclude(derivatives_error="")
        if failed.exists():
            raise RuntimeError(f"thumbnails failed: {failed.first().derivatives_error}")
        if time.monotonic() > deadline:
            raise RuntimeError("the job worker did not make the thumbnails in time")
        time.sleep(0.05)


def bench_cpu(env: Environment, uploads: int) -> None:
    jpegs = [camera_jpeg(seed) for seed in range(uploads)]
    anchor = jpegs[0]
    full = cpu_ms(lambda: full_decode(anchor), 10)
    eighth = cpu_ms(lambda: eighth_decode(anchor), 10)

    # No job worker beside the server: the uploads' CPU time is their own, and the
    # thumbnails are made afterwards by `myphoto worker --batch`, measured alone.
    server = Server(env, job_worker=False)
    owner, token = user_and_token("cpu")
    warm_ups = 6  # each web worker's first requests build its S3 client and warm its caches
    for n in range(warm_ups):
        upload(server.url, token, f"warm-up-{n}.jpg", camera_jpeg(10_000 + n))
    web_before = cpu_seconds(server.web)
    latencies = []
    for n, data in enumerate(jpegs):
        start = time.perf_counter()
        upload(server.url, token, f"IMG_{n:04d}.JPG", data)
        latencies.append((time.perf_counter() - start) * 1000)
    web = (cpu_seconds(server.web) - web_before) * 1000 / uploads
    server.stop()

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    worker = [sys.executable, "-m", "myphoto", "worker", "--batch"]
    subprocess.run(worker, env=env.env, check=True, capture_output=True)  # noqa: S603
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    job_seconds = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    job = job_seconds * 1000 / (uploads + warm_ups)
    wait_for_thumbnails(owner, warm_ups + uploads, timeout=1)

    size = median([len(data) for data in jpegs]) / MiB
    print_table(
        f"CPU per upload: {uploads} camera JPEGs of {size:.1f} MiB, 4032 × 3024, one client",
        ["what", "CPU ms per photo", "÷ whole decode"],
        [
            ["web processes (the upload request)", f"{web:.1f}", f"{web / full:.2f}"],
            ["job worker (two thumbnails, later)", f"{job:.1f}", f"{job / full:.2f}"],
            ["anchor: Pillow's whole decode", f"{full:.1f}", "1.00"],
            ["anchor: Pillow's 1/8-scale decode", f"{eighth:.1f}", f"{eighth / full:.2f}"],
        ],
    )
    print(f"upload latency p50 {median(latencies):.0f} ms (request and response, loopback)")


def bench_memory(server: Server, clients: int, side: int) -> None:
    from myphoto.photos.models import Photo

    rows = []
    for label, seeds in (
        ("the same PNG", [0] * clients),
        ("different PNGs", list(range(1, clients + 1))),
    ):
        owner, token = user_and_token(f"memory-{seeds[-1]}")
        files = [black_png(side, side, seed=seed) for seed in seeds]
        distinct = len(set(seeds))
        idle = {pid: rss_bytes(pid) for pid in server.all()}
        with RssSampler(server.all()) as memory, ThreadPoolExecutor(clients) as pool:
            names = [f"big-{n}.png" for n in range(clients)]
            list(pool.map(upload, [server.url] * clients, [token] * clients, names, files))
            wait_for_thumbnails(owner, distinct)
        stored = Photo.objects.filter(owner=owner).count()
        job_peak = memory.peak[server.job_worker]
        web_peaks = sorted((memory.peak[pid] for pid in server.web), reverse=True)
        rows.append(
            [
                f"{label} × {clients} ({stored} stored)",
                f"{sum(idle.values()) / MiB:.0f}",
                f"{memory.peak_sum / MiB:.0f}",
                " / ".join(f"{peak / MiB:.0f}" for peak in web_peaks),
                f"{job_peak / MiB:.0f}",
            ]
        )
    size = len(black_png(side, side)) / 1024
    print_table(
        f"Peak RSS, MiB: {clients} clients upload a {side:,} × {side:,} PNG "
        f"({size:.0f} KiB, {side * side * 3 / MiB:.0f} MiB of pixels) at once, "
        "until its thumbnails are made",
        ["uploads", "idle, in all", "peak, in all", "web processes, each", "job worker"],
        rows,
    )


def post(url: str, headers: dict[str, str], name: str, data: bytes) -> int:
    answer = httpx.post(url, headers=headers, files={"file": (name, data)}, timeout=900)
    return answer.status_code


def wait_for_jobs(owner, timeout: float = 900) -> bool:
    """Until every photo of the owner has its thumbnails, or the reason it has none; False
    if the job worker is not done after `timeout` seconds."""
    from myphoto.photos.models import Photo

    deadline = time.monotonic() + timeout
    waiting = Photo.objects.filter(owner=owner, derivatives_ready=False, derivatives_error="")
    while waiting.exists():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


def bench_bombs(server: Server, clients: int, kinds: list[str]) -> None:
    """Each bomb `clients` times at once with a token, then as many through a share link
    that takes uploads: the peak of the sum of every server process's RSS, from the first
    byte until the job worker is done with what was stored."""
    from myphoto.photos.services.albums import album_create
    from myphoto.photos.services.shares import share_create

    rows = []
    for number, kind in enumerate(kinds):
        extension, data = bomb(kind)
        files = copies(extension, data, 2 * clients)
        for way, batch in (("token", files[:clients]), ("share link", files[clients:])):
            owner, token = user_and_token(f"bombs-{number}-{way.split()[0]}")
            url, headers = f"{server.url}/api/v1/photos", {"Authorization": f"Bearer {token}"}
            if way == "share link":
                share = share_create(album=album_create(owner=owner, title=kind), allow_upload=True)
                url, headers = f"{server.url}/api/v1/shared/{share.key}/photos", {}
            idle = sum(rss_bytes(pid) for pid in server.all())
            started = time.perf_counter()
            with RssSampler(server.all()) as memory, ThreadPoolExecutor(clients) as pool:
                names = [f"bomb-{n}.{extension}" for n in range(clients)]
                statuses = list(pool.map(post, [url] * clients, [headers] * clients, names, batch))
                done = wait_for_jobs(owner, timeout=300)
            answered = ", ".join(f"{n} × {s}" for s, n in sorted(Counter(statuses).items()))
            rows.append(
                [
                    kind,
                    f"{len(data) / 1024:,.0f} KiB",
                    way,
                    answered,
                    f"{idle / MiB:.0f}",
                    f"{memory.peak_sum / MiB:.0f}",
                    f"{time.perf_counter() - started:.0f} s"
                    + ("" if done else ", jobs unfinished"),
                ]
            )
            print(" | ".join(rows[-1]), flush=True)
    print_table(
        f"Peak RSS of all server processes, MiB: {clients} uploads of a bomb at once, "
        "until the job worker is done (target: 1,229 MiB, 1.2 GB)",
        ["bomb", "file", "sent with", "answers", "idle, in all", "peak, in all", "took"],
        rows,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--uploads", type=int, default=60, help="camera JPEGs for the CPU part")
    parser.add_argument("--clients", type=int, default=8, help="concurrent big-PNG uploads")
    parser.add_argument("--side", type=int, default=14_000, help="the big PNG's side, pixels")
    parser.add_argument(
        "--only", choices=["cpu", "memory", "bombs"], help="one part alone (all by default)"
    )
    parser.add_argument("--bomb", action="append", choices=list(KINDS), help="some bombs alone")
    args = parser.parse_args()

    with Environment() as env:
        if args.only in (None, "cpu"):
            bench_cpu(env, args.uploads)
        if args.only in (None, "memory"):
            bench_memory(Server(env), args.clients, args.side)
        if args.only in (None, "bombs"):
            bench_bombs(Server(env), args.clients, args.bomb or list(KINDS))


if __name__ == "__main__":
    main()
