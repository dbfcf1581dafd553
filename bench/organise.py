"""Organising at scale: prints figures, asserts nothing.

    .venv/bin/python bench/organise.py                 # both parts, PostgreSQL
    .venv/bin/python bench/organise.py --only shift --size 1000000
    .venv/bin/python bench/organise.py --only duplicates --library 100000

1. Shift (`--only shift`): a library of `--size` photos on PostgreSQL (seeded in bulk as
   the timeline benchmark seeds it, an album of 10,000 among them), `myphoto serve` with
   its defaults, and `POST /photos/edit {"ids", "shift_seconds"}` over HTTP for 10,000
   photos at a time (an hour later, an hour earlier, a day later, a day earlier, around
   month ends), each timed; then the kept month counts are compared with a count of the
   rows, and the undo of the last one timed.
2. Duplicates (`--only duplicates`): `--library` photos whose hashes come from pictures
   (broad shapes of colour and grain, hashed as the derivatives job hashes), 2,000 of
   them with a look-alike beside them (re-encoded at quality 70, resized to half, or cut
   by 2 %, in turn, hashed through the same sm thumbnail); the Duplicates page's query
   (`selectors.duplicate_groups`: read the hashes, the banded lookup, the groups, the
   page's photos) and the banded lookup alone, against comparing every pair of the same
   hashes in the same run: the recall of the lookup's pairs among the every-pair ones,
   and the time ratio.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))

from _harness import print_table, serve  # noqa: E402
from _library import django_in, library_environment, seed  # noqa: E402

SHIFTED = 10_000
PLANTED = 2_000


def setup(size: int) -> dict[str, str]:
    env = library_environment("postgres", size, "organise")
    django_in(env)
    return env


def counts_agree(owner) -> tuple[bool, int]:
    """Whether the kept month counts are the rows' (visible, not archived, items), and how
    many months there are."""
    from django.db.models import Count, DateField
    from django.db.models.functions import TruncMonth

    from myphoto.photos.models import MonthCount, Photo

    counted = {
        row["month"]: row["n"]
        for row in Photo.objects.visible()
        .filter(owner=owner, part_of__isnull=True, archived=False)
        .annotate(month=TruncMonth("taken_at", output_field=DateField()))
        .values("month")
        .order_by()
        .annotate(n=Count("id"))
    }
    kept = dict(MonthCount.objects.filter(owner=owner, count__gt=0).values_list("month", "count"))
    return counted == kept, len(kept)


def bench_shift(size: int) -> None:
    import httpx

    env = setup(size)
    print(f"== seeding {size:,} photos on PostgreSQL", flush=True)
    started = time.perf_counter()
    token, username = seed(size)
    print(f"   seeded in {time.perf_counter() - started:.0f} s", flush=True)
    from myphoto.photos.models import Photo, User

    owner = User.objects.get(username=username)
    visible = Photo.objects.visible().filter(owner=owner).order_by("-taken_at", "-id")
    # Photos of a few weeks in the middle of the library (one trip's), and others spread
    # over all twenty years, so that dates cross month ends both ways.
    middle = size // 2
    runs = {
        "10,000 in a row": list(visible.values_list("pk", flat=True)[middle : middle + SHIFTED]),
        "10,000 spread": list(visible.values_list("pk", flat=True)[:: max(1, size // SHIFTED)])[
            :SHIFTED
        ],
    }
    base, server = serve(env)
    rows = []
    try:
        with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}) as http:
            for label, ids in runs.items():
                ids = [str(pk) for pk in ids]
                for shift in (3600, -3600, 86400, -86400, 31 * 86400, -31 * 86400):
                    began = time.perf_counter()
                    answer = http.post(
                        "/api/v1/photos/edit",
                        json={"ids": ids, "shift_seconds": shift},
                        timeout=120,
                    )
                    took = time.perf_counter() - began
                    assert answer.status_code == 200, answer.text
                    agree, months = counts_agree(owner)
                    rows.append(
                        [label, f"{shift:+,} s", f"{took:.2f} s", "exact" if agree else "WRONG"]
                    )
                    print(" | ".join(rows[-1]), flush=True)
                began = time.perf_counter()
                undone = http.post(
                    "/api/v1/photos/edit/undo", json={"undo": answer.json()["undo"]}, timeout=120
                )
                took = time.perf_counter() - began
                agree, months = counts_agree(owner)
                rows.append(
                    [label, "undo of the last", f"{took:.2f} s", "exact" if agree else "WRONG"]
                )
                assert undone.status_code == 200, undone.text
    finally:
        server.terminate()
        server.wait(timeout=30)
    shifts = [float(row[2][:-2]) for row in rows if row[1] != "undo of the last"]
    print_table(
        f"POST /photos/edit shift_seconds, {SHIFTED:,} photos of {size:,} (PostgreSQL, "
        f"over HTTP); month counts after each (of {months} months)",
        ["photos", "shift", "time", "month counts"],
        rows,
    )
    print(f"median {statistics.median(shifts):.2f} s, worst {max(shifts):.2f} s")


def scene_hash(seed_value: int, size: tuple[int, int]) -> int:
    from PIL import Image

    from myphoto.common.media.looks import perceptual_hash

    rng = np.random.default_rng(seed_value)
    shapes = Image.fromarray(rng.integers(0, 256, size=(6, 8, 3), dtype=np.uint8))
    smooth = np.asarray(shapes.resize(size, Image.Resampling.BICUBIC)).astype(np.int16)
    grain = rng.integers(-20, 20, size=smooth.shape, dtype=np.int16)
    return perceptual_hash(Image.fromarray(np.clip(smooth + grain, 0, 255).astype(np.uint8)))


def planted_pair(seed_value: int, way: int) -> tuple[int, int]:
    """An original and its look-alike, each hashed through its sm thumbnail."""
    import io

    from PIL import Image

    from myphoto.common.media.images import derivatives_of
    from myphoto.common.media.looks import perceptual_hash_of

    rng = np.random.default_rng(seed_value)
    shapes = Image.fromarray(rng.integers(0, 256, size=(6, 8, 3), dtype=np.uint8))
    smooth = np.asarray(shapes.resize((1200, 900), Image.Resampling.BICUBIC)).astype(np.int16)
    grain = rng.integers(-20, 20, size=smooth.shape, dtype=np.int16)
    original = Image.fromarray(np.clip(smooth + grain, 0, 255).astype(np.uint8))

    def saved(image: Image.Image, quality: int) -> Image.Image:
        out = io.BytesIO()
        image.save(out, "JPEG", quality=quality)
        return Image.open(io.BytesIO(out.getvalue())).convert("RGB")

    width, height = original.size
    other = [
        lambda: saved(original, 70),
        lambda: saved(original.resize((width // 2, height // 2)), 92),
        lambda: saved(original.crop((12, 9, width - 12, height - 9)), 92),  # 2 % of each side
    ][way % 3]()

    def hashed(image: Image.Image) -> int:
        (sm,) = derivatives_of(image, sizes={"sm": 400})
        return perceptual_hash_of(sm.webp)

    return hashed(saved(original, 92)), hashed(other)


def bench_duplicates(library: int) -> None:
    setup(library)
    from django.db import connection

    from myphoto.common.media import looks
    from myphoto.photos.models import Photo, User
    from myphoto.photos.selectors.duplicates import duplicate_groups

    print(f"== seeding {library:,} photos on PostgreSQL", flush=True)
    seed(library)
    owner = User.objects.get(username="bench")
    ids = list(Photo.objects.filter(owner=owner).order_by("pk").values_list("pk", flat=True))
    started = time.perf_counter()
    hashes = {pk: scene_hash(n, (64, 48)) for n, pk in enumerate(ids)}
    print(f"   hashed {len(ids):,} pictures in {time.perf_counter() - started:.0f} s", flush=True)
    rng = np.random.default_rng(2026)
    planted = rng.choice(len(ids), size=PLANTED, replace=False)
    twins = []
    for n, index in enumerate(planted):
        original, other = planted_pair(10_000_000 + n, n)
        hashes[ids[index]] = original
        twins.append(other)
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMP TABLE bench_hashes (id uuid, h bigint)")
        cursor.executemany("INSERT INTO bench_hashes VALUES (%s, %s)", list(hashes.items()))
        cursor.execute(
            "UPDATE photos_photo p SET perceptual_hash = b.h FROM bench_hashes b WHERE p.id = b.id"
        )
    # The look-alikes: photos of their own beside the planted ones, taken at the same time.
    Photo.objects.bulk_create(
        [
            Photo(
                owner=owner,
                original_name=f"twin {n}.jpg",
                storage_key=f"twins/{n}.jpg",
                content_type="image/jpeg",
                size=1_000_000,
                sha256=f"{n:064x}",
                crc32=0,
                width=1200,
                height=900,
                taken_at=Photo.objects.get(pk=ids[index]).taken_at,
                taken_at_source="exif",
                derivatives_ready=True,
                perceptual_hash=twin,
            )
            for n, (index, twin) in enumerate(zip(planted, twins, strict=True))
        ],
        batch_size=1000,
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE photos_photo")

    times = []
    for _ in range(3):
        began = time.perf_counter()
        page = duplicate_groups(user=owner, limit=20)
        times.append(time.perf_counter() - began)
    everything = np.array(
        Photo.objects.visible()
        .filter(owner=owner, part_of__isnull=True)
        .values_list("perceptual_hash", flat=True),
        dtype=np.int64,
    )
    banded_times = []
    for _ in range(3):
        began = time.perf_counter()
        banded = looks.similar_pairs(everything)
        banded_times.append(time.perf_counter() - began)
    began = time.perf_counter()
    every = looks.all_pairs(everything)
    every_time = time.perf_counter() - began
    found = {tuple(pair) for pair in banded.tolist()}
    truth = {tuple(pair) for pair in every.tolist()}
    recall = len(found & truth) / len(truth) if truth else 1.0
    print_table(
        f"Look-alikes among {len(everything):,} photos ({PLANTED:,} planted), PostgreSQL",
        ["what", "time", "pairs", "vs every pair"],
        [
            [
                "Duplicates page: read hashes, banded lookup, groups, 20 groups' photos",
                f"{min(times):.2f} s",
                f"{len(page.groups)} groups shown",
                f"{min(times) / every_time:.3f} of its time",
            ],
            [
                "banded lookup alone (4 × 16-bit bands in 3 bit orders, equal)",
                f"{min(banded_times):.3f} s",
                f"{len(found):,}",
                f"recall {recall:.3f}, {min(banded_times) / every_time:.3f} of its time",
            ],
            [
                "every pair compared (numpy, row by row)",
                f"{every_time:.2f} s",
                f"{len(truth):,}",
                "1",
            ],
        ],
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", choices=["shift", "duplicates"])
    parser.add_argument("--size", type=int, default=1_000_000, help="photos for the shift")
    parser.add_argument("--library", type=int, default=100_000, help="photos for duplicates")
    args = parser.parse_args()
    # Django is set up once a process: each part runs in a process of its own.
    if args.only is None:
        import subprocess

        for part in ("shift", "duplicates"):
            more = ["--size", str(args.size), "--library", str(args.library)]
            subprocess.run([sys.executable, __file__, "--only", part, *more], check=True)
        return
    if args.only == "shift":
        bench_shift(args.size)
    else:
        bench_duplicates(args.library)


if __name__ == "__main__":
    main()
