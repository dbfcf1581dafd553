"""Adopting a bucket in place: prints figures, asserts nothing.

    .venv/bin/python bench/adopt.py                       # 100,000 photos, 1,000 videos
    .venv/bin/python bench/adopt.py --photos 10000 --videos 100 --thumbnails 500

On SeaweedFS, a prefix of `--photos` camera JPEGs made here (800×600 with a sensor's
grain, about 150 KB; EXIF with a capture time, camera, GPS and a 16 KB maker note as
cameras write, so that the head a scan reads is a camera's, not a toy's), each with its
own capture time, and `--videos` 10-second MP4s (10 MB) whose `moov` is at the end.
MyPhoto on PostgreSQL adopts the prefix (`library_add` + `library_scan`, as `myphoto
library add` runs it), read with a key that may only list and read. Figures:

1. the first scan: objects per second, bytes read per object, peak RSS growth of the
   scanning process (sampled, and at a tenth of the listing against the end: flat means
   the same); against the anchor in the same run: the same listing plus a whole-object
   GET of every file with boto3 (as many threads as the scan's readers);
2. a rescan of the unchanged prefix: seconds;
3. thumbnails: the derivatives job (which reads each adopted file whole once: SHA-256,
   the full check, thumbnails) for `--thumbnails` adopted photos, against the same files
   uploaded through the upload service and their derivatives job, in the same run.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).parent.parent / "tests"))

import seaweedfs  # noqa: E402  (the tests' throwaway SeaweedFS)
from _harness import MiB, RssSampler, print_table, rss_bytes  # noqa: E402
from _library import django_in, library_environment  # noqa: E402

PREFIX = "camera-roll/"
DATE_PLACEHOLDER = b"2000:01:01 00:00:00"


def camera_jpeg(seed: int) -> bytes:
    """A camera's JPEG: EXIF with a placeholder date (each copy gets its own), make, model,
    GPS, and a maker note as big as a real camera's."""
    import numpy as np
    from PIL import ExifTags, Image

    rng = np.random.default_rng(seed)
    shapes = Image.fromarray(rng.integers(0, 255, (6, 8, 3), dtype=np.uint8))
    grain = rng.normal(0, 12, (600, 800, 3))
    pixels = np.asarray(shapes.resize((800, 600), Image.Resampling.BICUBIC), dtype=np.float64)
    image = Image.fromarray(np.clip(pixels + grain, 0, 255).astype(np.uint8))
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Canon"
    exif[ExifTags.Base.Model] = "Canon EOS R5"
    exif[ExifTags.Base.Orientation] = 1
    ifd = exif.get_ifd(ExifTags.IFD.Exif)
    ifd[ExifTags.Base.DateTimeOriginal] = DATE_PLACEHOLDER.decode()
    ifd[ExifTags.Base.OffsetTimeOriginal] = "+09:00"
    ifd[ExifTags.Base.MakerNote] = bytes(rng.integers(0, 255, 16 * 1024, dtype=np.uint8))
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (33.0, 29.0, float(seed % 60))
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (126.0, 31.0, 52.0)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85, exif=exif.tobytes())
    data = out.getvalue()
    assert data.count(DATE_PLACEHOLDER) == 1
    return data


def dated(base: bytes, number: int) -> bytes:
    moment = datetime(2010, 1, 1, tzinfo=UTC) + timedelta(minutes=7 * number)
    return base.replace(DATE_PLACEHOLDER, moment.strftime("%Y:%m:%d %H:%M:%S").encode())


def camera_video() -> bytes:
    """Ten seconds of 640×360 H.264 at about 8 Mbit/s (a gradient under a sensor's grain,
    so that it is a camera's size, not a toy's), its `moov` written last as cameras do."""
    from fractions import Fraction

    import av
    import numpy as np

    rng = np.random.default_rng(3)
    ramp = (np.arange(640)[None, :, None] * 255 // 640).repeat(360, 0).repeat(3, 2)
    out = io.BytesIO()
    with av.open(out, "w", format="mp4") as output:
        video = output.add_stream("libx264", rate=30, options={"crf": "20", "preset": "ultrafast"})
        video.width, video.height, video.pix_fmt = 640, 360, "yuv420p"
        for index in range(300):
            grain = rng.integers(-12, 12, (360, 640, 3))
            pixels = np.clip(ramp + grain, 0, 255).astype(np.uint8)
            frame = av.VideoFrame.from_ndarray(pixels, format="rgb24")
            frame.pts, frame.time_base = index, Fraction(1, 30)
            output.mux(video.encode(frame))
        output.mux(video.encode(None))
    data = out.getvalue()
    assert data[4:8] == b"ftyp" and b"moov" not in data[: 64 * 1024]
    return data


def fill(client, bucket: str, photos: int, video_count: int) -> tuple[int, int]:
    """Put the prefix's objects; return (objects, bytes)."""
    bases = [camera_jpeg(seed) for seed in range(64)]
    video = camera_video()
    total = [0]
    lock = threading.Lock()

    def put(number: int) -> None:
        if number < photos:
            key = f"{PREFIX}{2010 + number // 10000}/{number // 500:04d}/IMG_{number:06d}.JPG"
            body = dated(bases[number % len(bases)], number)
        else:
            key = f"{PREFIX}video/MVI_{number:06d}.MP4"
            body = video
        client.put_object(Bucket=bucket, Key=key, Body=body)
        with lock:
            total[0] += len(body)

    started = time.monotonic()
    with ThreadPoolExecutor(32) as pool:
        for done, _ in enumerate(pool.map(put, range(photos + video_count)), 1):
            if done % 20000 == 0:
                print(f"  put {done} objects ({time.monotonic() - started:.0f} s)", flush=True)
    print(
        f"  filled {photos} photos ({len(bases[0]) // 1024} KB each) and {video_count} videos "
        f"({len(video) / MiB:.1f} MB each) in {time.monotonic() - started:.0f} s",
        flush=True,
    )
    return photos + video_count, total[0]


def anchor(client, bucket: str) -> tuple[float, int, int]:
    """The listing plus a whole GET of every object: seconds, objects, bytes."""
    from myphoto.photos.services import scan

    def get(key: str) -> int:
        return len(client.get_object(Bucket=bucket, Key=key)["Body"].read())

    started = time.monotonic()
    count = read = 0
    pages = client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=PREFIX)
    with ThreadPoolExecutor(scan.READERS) as pool:
        for page in pages:
            keys = [item["Key"] for item in page.get("Contents", ())]
            read += sum(pool.map(get, keys))
            count += len(keys)
    return time.monotonic() - started, count, read


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--photos", type=int, default=100_000)
    parser.add_argument("--videos", type=int, default=1_000)
    parser.add_argument("--thumbnails", type=int, default=2_000)
    parser.add_argument("--readers", type=int, default=0, help="range reads in flight (scan's)")
    args = parser.parse_args()

    server = seaweedfs.start()
    try:
        run(server, args)
    finally:
        server.stop()


def run(server, args) -> None:
    owner_client = server.client()
    bucket = "adopt-bench"
    owner_client.create_bucket(Bucket=bucket)
    print(f"Filling s3://{bucket}/{PREFIX} on SeaweedFS…", flush=True)
    objects, stored = fill(owner_client, bucket, args.photos, args.videos)

    env = library_environment("postgres", objects, "adopt")
    env["MYPHOTO_LOG_LEVEL"] = "ERROR"
    django_in(env)
    from django.db import connection

    from myphoto.photos.models import Photo, User
    from myphoto.photos.services import scan
    from myphoto.photos.services.libraries import library_add

    if args.readers:
        scan.READERS = args.readers
    READERS, library_scan = scan.READERS, scan.library_scan
    from myphoto.photos.storage.sources import S3Access

    owner = User.objects.create_user(username="bench")
    access = S3Access(
        server.endpoint_url,
        seaweedfs.REGION,
        seaweedfs.READER_ACCESS_KEY,
        seaweedfs.READER_SECRET_KEY,
    )
    library = library_add(
        name="Old app",
        source=f"s3://{bucket}/{PREFIX}",
        owner=owner,
        s3=access,
        queue_scan=False,
    )

    # 1. The first scan, its RSS sampled; and its growth at each tenth of the listing (the
    # videos come last: FFmpeg's libraries are loaded then).
    pid = os.getpid()
    tenths: list[str] = []
    base_rss = rss_bytes(pid)

    def progress(counts) -> None:
        if counts.listed >= (len(tenths) + 1) * objects / 10:
            tenths.append(f"{(rss_bytes(pid) - base_rss) / MiB:.0f}")
            print(f"  scanned {counts.listed}", flush=True)

    print("First scan…", flush=True)
    with RssSampler([pid]) as sampler:
        started = time.monotonic()
        first = library_scan(library_id=library.pk, progress=progress)
        first_seconds = time.monotonic() - started
    assert first is not None
    library.refresh_from_db()
    assert library.status == "idle", library.error

    print("Anchor: listing + whole GET of every object with boto3…", flush=True)
    anchor_seconds, anchor_count, anchor_bytes = anchor(owner_client, bucket)

    print("Rescan of the unchanged prefix…", flush=True)
    started = time.monotonic()
    again = library_scan(library_id=library.pk)
    rescan_seconds = time.monotonic() - started
    assert again is not None and again.added == again.changed == again.removed == 0

    rows = [
        [
            "first scan (MyPhoto)",
            f"{first.listed}",
            f"{first.listed / first_seconds:.0f}",
            f"{first.bytes_read / first.listed / 1024:.1f} KiB",
            f"{first_seconds:.1f} s",
        ],
        [
            "anchor: list + GET whole (boto3)",
            f"{anchor_count}",
            f"{anchor_count / anchor_seconds:.0f}",
            f"{anchor_bytes / anchor_count / 1024:.1f} KiB",
            f"{anchor_seconds:.1f} s",
        ],
        [
            "rescan, unchanged",
            f"{again.listed}",
            f"{again.listed / rescan_seconds:.0f}",
            "0",
            f"{rescan_seconds:.1f} s",
        ],
    ]
    print_table(
        f"Adopting {objects} objects ({stored / MiB / 1024:.1f} GiB) on SeaweedFS, "
        f"PostgreSQL, {READERS} readers, {os.cpu_count()} cores",
        ["pass", "objects", "objects/s", "read per object", "time"],
        rows,
    )
    print(
        f"\nadded {first.added}, refused {first.failed}; photos in the library: "
        f"{Photo.objects.filter(library=library).count()}"
    )
    print(
        f"peak RSS growth of the scanning process: {sampler.growth / MiB:.1f} MiB; "
        f"at each tenth of the listing (MiB): {', '.join(tenths)}"
    )
    print(f"database: {connection.vendor}")

    thumbnails(library, owner, owner_client, bucket, args.thumbnails)


def thumbnails(library, owner, owner_client, bucket: str, count: int) -> None:
    """The derivatives job on adopted photos against the same files uploaded."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from myphoto.photos.models import LibraryFile, User
    from myphoto.photos.services.derivatives import photo_make_derivatives
    from myphoto.photos.services.upload import photo_upload

    files = list(
        LibraryFile.objects.filter(library=library, photo__kind="photo")
        .order_by("pk")
        .values_list("photo_id", "path")[:count]
    )
    if not files:
        return
    print(f"\nThumbnails of {len(files)} photos…", flush=True)
    started = time.monotonic()
    for photo_id, _ in files:
        photo_make_derivatives(photo_id=photo_id)
    adopted_seconds = time.monotonic() - started

    contents = [
        owner_client.get_object(Bucket=bucket, Key=f"{PREFIX}{path}")["Body"].read()
        for _, path in files
    ]
    uploader, _ = User.objects.get_or_create(username="bench-upload")
    started = time.monotonic()
    for (_, path), data in zip(files, contents, strict=True):
        result = photo_upload(
            owner=uploader, file=SimpleUploadedFile(path.rsplit("/", 1)[-1], data)
        )
        photo_make_derivatives(photo_id=result.photo.pk)
    uploaded_seconds = time.monotonic() - started
    print_table(
        f"Until every thumbnail is made: {len(files)} photos, one process",
        ["way in", "seconds", "ms per photo", "ratio"],
        [
            [
                "adopted (scan done; job reads the file from SeaweedFS)",
                f"{adopted_seconds:.1f}",
                f"{1000 * adopted_seconds / len(files):.1f}",
                f"{adopted_seconds / uploaded_seconds:.2f}×",
            ],
            [
                "uploaded (upload service + job, bytes in memory)",
                f"{uploaded_seconds:.1f}",
                f"{1000 * uploaded_seconds / len(files):.1f}",
                "1.00×",
            ],
        ],
    )


if __name__ == "__main__":
    main()
