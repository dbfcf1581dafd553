"""Download throughput and memory: MyPhoto under gunicorn against direct S3 reads.

Run: make bench-downloads, or .venv/bin/python bench/downloads.py --help for the knobs.

Everything runs on this machine: SeaweedFS on loopback, `myphoto serve`
(gunicorn gthread) in proxy mode and in redirect mode. Prints markdown tables.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import tempfile
import time
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

from _harness import Environment, MiB, RssSampler, median, print_table, rss_bytes, user_and_token


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def http_read(url: str, *, headers=None, data=None) -> int:
    request = urllib.request.Request(url, headers=headers or {}, data=data)
    received = 0
    with urllib.request.urlopen(request) as response:
        while block := response.read(MiB):
            received += len(block)
    return received


def timed(fn) -> tuple[float, int]:
    start = time.perf_counter()
    size = fn()
    return time.perf_counter() - start, size


def make_photo_rows(env: Environment, user, sizes: list[int], *, name: str):
    """Put objects straight into the bucket and register rows for them."""
    from myphoto.photos.models import Photo

    block = os.urandom(max(sizes))
    photos = []
    for index, size in enumerate(sizes):
        body = index.to_bytes(8, "big") + block[: size - 8]
        photo_id = uuid.uuid4()
        key = f"originals/{user.pk}/{photo_id}.jpg"
        env.s3.put_object(Bucket=env.bucket, Key=key, Body=body)
        photos.append(
            Photo(
                id=photo_id,
                owner=user,
                original_name=f"{name}-{index}.jpg",
                storage_key=key,
                content_type="image/jpeg",
                size=size,
                sha256=hashlib.sha256(body).hexdigest(),
                crc32=0,
                width=1,
                height=1,
                taken_at=datetime.now(UTC),
                taken_at_source="upload",
            )
        )
    return Photo.objects.bulk_create(photos)


def make_big_photo(env: Environment, user, size: int):
    """A big original, uploaded with boto3's multipart transfer from a temporary file."""
    from myphoto.photos.models import Photo

    digest = hashlib.sha256()
    block = os.urandom(MiB)
    with tempfile.TemporaryFile() as handle:
        for index in range(size // MiB):
            chunk = index.to_bytes(8, "big") + block[8:]
            handle.write(chunk)
            digest.update(chunk)
        handle.seek(0)
        photo_id = uuid.uuid4()
        key = f"originals/{user.pk}/{photo_id}.jpg"
        env.s3.upload_fileobj(handle, env.bucket, key)
    return Photo.objects.create(
        id=photo_id,
        owner=user,
        original_name="big.jpg",
        storage_key=key,
        content_type="image/jpeg",
        size=size,
        sha256=digest.hexdigest(),
        crc32=0,
        width=1,
        height=1,
        taken_at=datetime.now(UTC),
        taken_at_source="upload",
    )


def direct_get(env: Environment, key: str) -> int:
    body = env.s3.get_object(Bucket=env.bucket, Key=key)["Body"]
    return sum(len(chunk) for chunk in body.iter_chunks(MiB))


def redirect_get(base: str, photo_id, auth: dict) -> int:
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        opener.open(
            urllib.request.Request(f"{base}/api/v1/photos/{photo_id}/download", headers=auth)
        )
    except urllib.error.HTTPError as answer:
        if answer.code != 302:
            raise
        return http_read(answer.headers["Location"])
    raise RuntimeError("expected a redirect")


def old_way_growth(env: Environment, key: str) -> int:
    """The anchor the project grew from: read the whole object into an HttpResponse."""
    from django.http import HttpResponse

    before = rss_bytes(os.getpid())
    response = HttpResponse(env.s3.get_object(Bucket=env.bucket, Key=key)["Body"].read())
    growth = rss_bytes(os.getpid()) - before
    del response
    return growth


def mbps(size: int, seconds: float) -> str:
    return f"{size / MiB / seconds:,.0f} MiB/s"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--big-mib", type=int, default=512)
    parser.add_argument("--zip-count", type=int, default=500)
    parser.add_argument("--zip-mib", type=int, default=3)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--concurrency", type=int, default=16)
    args = parser.parse_args()

    with Environment() as env:
        run(env, args)


def run(env: Environment, args) -> None:
    user, token = user_and_token()
    auth = {"Authorization": f"Bearer {token}"}
    big = make_big_photo(env, user, args.big_mib * MiB)
    proxy_url, proxy = env.serve()
    redirect_url, _ = env.serve(MYPHOTO_DOWNLOAD_MODE="redirect")
    download = f"{proxy_url}/api/v1/photos/{big.pk}/download"

    direct_s, proxy_s, redirect_s, proxy_rss = [], [], [], []
    # One untimed round warms caches and connection pools; the rounds then interleave
    # the three paths so that a noisy moment on this small machine hits all of them.
    direct_get(env, big.storage_key)
    http_read(download, headers=auth)
    redirect_get(redirect_url, big.pk, auth)
    for _ in range(args.repeat):
        direct_s.append(timed(lambda: direct_get(env, big.storage_key))[0])
        with RssSampler.of_workers(proxy.pid) as sampler:
            seconds, size = timed(lambda: http_read(download, headers=auth))
        assert size == big.size
        proxy_s.append(seconds)
        proxy_rss.append(sampler.growth)
        redirect_s.append(timed(lambda: redirect_get(redirect_url, big.pk, auth))[0])
    old_growth = old_way_growth(env, big.storage_key)

    direct, proxy_t, redirect = median(direct_s), median(proxy_s), median(redirect_s)
    print_table(
        f"Single download of a {args.big_mib} MiB object (median of {args.repeat})",
        ["path", "throughput", "vs direct", "peak RSS growth of the serving process"],
        [
            ["direct boto3 GET, 1 MiB chunks", mbps(big.size, direct), "1.00×", "—"],
            [
                "MyPhoto proxy mode (gunicorn)",
                mbps(big.size, proxy_t),
                f"{direct / proxy_t:.2f}×",
                f"{max(proxy_rss) / MiB:.1f} MiB",
            ],
            [
                "MyPhoto redirect mode (302 + presigned GET)",
                mbps(big.size, redirect),
                f"{direct / redirect:.2f}×",
                "0 (bytes bypass the app)",
            ],
            ["old way: Body.read() into HttpResponse", "—", "—", f"{old_growth / MiB:.1f} MiB"],
        ],
    )

    photos = make_photo_rows(env, user, [args.zip_mib * MiB] * args.zip_count, name="zip")
    total = sum(p.size for p in photos)
    direct_zip_s = timed(lambda: sum(direct_get(env, p.storage_key) for p in photos))[0]
    body = json.dumps({"ids": [str(p.pk) for p in photos]}).encode()
    with RssSampler.of_workers(proxy.pid) as sampler:
        zip_s, zip_size = timed(
            lambda: http_read(
                f"{proxy_url}/api/v1/photos/download",
                headers={**auth, "Content-Type": "application/json"},
                data=body,
            )
        )
    print_table(
        f"Zip of {args.zip_count} photos of {args.zip_mib} MiB ({total / MiB:,.0f} MiB)",
        ["path", "throughput", "vs direct", "peak RSS growth"],
        [
            ["direct boto3 GETs, one after another", mbps(total, direct_zip_s), "1.00×", "—"],
            [
                "MyPhoto zip (stored, streamed)",
                mbps(zip_size, zip_s),
                f"{direct_zip_s / zip_s:.2f}×",
                f"{sampler.growth / MiB:.1f} MiB",
            ],
        ],
    )

    def through_app(photo) -> int:
        return http_read(f"{proxy_url}/api/v1/photos/{photo.pk}/download", headers=auth)

    def direct_one(photo) -> int:
        return direct_get(env, photo.storage_key)

    rows = []
    for label, fn in (("direct boto3", direct_one), ("MyPhoto proxy", through_app)):
        with ThreadPoolExecutor(args.concurrency) as pool:
            seconds, size = timed(lambda fn=fn: sum(pool.map(fn, photos)))
        rows.append([label, mbps(size, seconds), f"{len(photos) / seconds:,.0f} files/s"])
    print_table(
        f"{args.concurrency} concurrent single downloads of {args.zip_mib} MiB photos",
        ["path", "aggregate throughput", "rate"],
        rows,
    )


if __name__ == "__main__":
    main()
