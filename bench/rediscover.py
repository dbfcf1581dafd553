"""Rediscovering at a million photos (issue 32): "on this day" and the map's clusters.

    .venv/bin/python bench/rediscover.py [--size 1000000]

A fresh PostgreSQL database seeded in bulk (bench/_library.py: one user's photos over 20
years, 137 a day, from a home town and 200 others), each photo given a perceptual hash
(runs of look-alikes, as bursts are), then `myphoto serve` with its defaults (2 gunicorn
workers, 8 threads) on loopback: one client's p50/p95 of `GET /api/v1/memories?date=`
over 200 requests spread over the days of a year (each a different day: 20 earlier
years, up to 6 photos each), the HTML timeline's first page and the cards it asks for
once shown, beside the same page further down in the same run.

The map: the seeded GPS (90 % of the photos) is spread first, home around Seoul and each
trip's town somewhere of its own on the globe (one UPDATE: the database's triggers move
the map's cells), then p50/p95 of `GET /api/v1/map/clusters` for the whole world (zoom 2),
a country (Korea, zoom 7) and a street in Seoul (zoom 17), with the clusters per answer.

People (finding faces, grouping them) are measured by bench/faces.py.
"""

# ruff: noqa: S608 - SQL made of this script's own constants

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from _harness import print_table, serve  # noqa: E402
from _library import django_in, library_environment, seed, write_thumbnails  # noqa: E402

SAMPLES = 200


def give_looks() -> None:
    """Perceptual hashes: a photo looks like the 20 taken around it (a burst, a scene)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE photos_photo SET perceptual_hash ="
            " ('x' || substr(md5((row_number / 20)::text), 1, 16))::bit(64)::bigint"
            " FROM (SELECT id, row_number() OVER (ORDER BY taken_at) FROM photos_photo) AS n"
            " WHERE photos_photo.id = n.id"
        )
        cursor.execute("ANALYZE photos_photo")


def spread_gps() -> float:
    """Home photos within 15 km of Seoul's centre, each trip's town at a point of its own,
    its photos within 5 km of it; the seconds the UPDATE (and its triggers) took."""
    from django.db import connection

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT place_id FROM photos_photo WHERE place_id IS NOT NULL"
            " GROUP BY place_id ORDER BY COUNT(*) DESC LIMIT 1"
        )
        (home,) = cursor.fetchone()
        jitter = "(('x' || substr(md5(id::text), {0}, 6))::bit(24)::int / 16777216.0 - 0.5)"
        cursor.execute(
            "UPDATE photos_photo SET"
            f" gps_lat = CASE WHEN place_id = %s THEN 37.55 + 0.27 * {jitter.format(1)}"
            f" ELSE -50 + (place_id * 37 %% 110) + 0.09 * {jitter.format(1)} END,"
            f" gps_lon = CASE WHEN place_id = %s THEN 126.99 + 0.34 * {jitter.format(7)}"
            f" ELSE -170 + (place_id * 71 %% 340) + 0.11 * {jitter.format(7)} END"
            " WHERE gps_lat IS NOT NULL",
            [home, home],
        )
        cursor.execute("ANALYZE")
    return time.perf_counter() - started


MAP_VIEWS = {
    "the whole world, zoom 2": ("-180,-85,180,85", 2),
    "a country (Korea), zoom 7": ("124,33,132,39", 7),
    "a street in Seoul, zoom 17": ("126.985,37.545,126.995,37.551", 17),
}


def map_latency(http, token: str) -> dict[str, tuple[float, float, int]]:
    headers = {"Authorization": f"Bearer {token}"}
    found = {}
    for name, (bbox, zoom) in MAP_VIEWS.items():
        path = f"/api/v1/map/clusters?bbox={bbox}&zoom={zoom}"
        answer = http.get(path, headers=headers)
        answer.raise_for_status()
        clusters = answer.json()["clusters"]
        p50, p95 = timed(http, path, headers, 100)
        found[name] = (p50, p95, len(clusters), sum(c["count"] for c in clusters))
    return found


def session_for(user_name: str) -> str:
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client()
    client.force_login(get_user_model().objects.get(username=user_name))
    return client.cookies["sessionid"].value


def timed(http, path: str, headers: dict[str, str], count: int = SAMPLES) -> tuple[float, float]:
    for _ in range(10):  # warm both workers
        http.get(path, headers=headers).raise_for_status()
    samples = []
    for _ in range(count):
        started = time.perf_counter()
        http.get(path, headers=headers).raise_for_status()
        samples.append((time.perf_counter() - started) * 1000)
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[int(len(ordered) * 0.95) - 1]


def memories_latency(http, token: str) -> tuple[tuple[float, float], float]:
    """p50/p95 of /memories over days spread across a year, and its photos per answer."""
    headers = {"Authorization": f"Bearer {token}"}
    days = [date(2026, 1, 1) + timedelta(days=(n * 7) % 365) for n in range(SAMPLES)]
    for day in days[:10]:
        http.get(f"/api/v1/memories?date={day}", headers=headers).raise_for_status()
    samples, photos = [], []
    for day in days:
        started = time.perf_counter()
        answer = http.get(f"/api/v1/memories?date={day}", headers=headers)
        samples.append((time.perf_counter() - started) * 1000)
        answer.raise_for_status()
        photos.append(sum(len(item["photos"]) for item in answer.json()["items"]))
    ordered = sorted(samples)
    return (statistics.median(ordered), ordered[int(len(ordered) * 0.95) - 1]), statistics.mean(
        photos
    )


def main() -> None:
    import httpx

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", type=int, default=1_000_000)
    args = parser.parse_args()
    env = library_environment("postgres", args.size, "rediscover")
    data_dir = env["MYPHOTO_DATA_DIR"]
    django_in(env)
    started = time.perf_counter()
    token, user_name = seed(args.size)
    give_looks()
    print(f"seeded {args.size:,} photos in {time.perf_counter() - started:.0f} s", flush=True)
    spread = spread_gps()
    print(f"GPS spread over the globe in {spread:.0f} s (the map's cells moved with it)")
    write_thumbnails(Path(data_dir) / "media")
    session = {"Cookie": f"sessionid={session_for(user_name)}"}
    base, server = serve(env)
    try:
        with httpx.Client(base_url=base, timeout=30) as http:
            (p50, p95), shown = memories_latency(http, token)
            top = timed(http, "/", session, 50)
            cards = timed(http, "/memories/", session, 50)
            month = timed(http, "/?month=2015-06", session, 50)
            maps = map_latency(http, token)
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(data_dir, ignore_errors=True)
    print_table(
        f"On this day at {args.size:,} photos (PostgreSQL, one client, ms)",
        ["request", "p50", "p95", "target"],
        [
            [f"GET /api/v1/memories?date= ({shown:.0f} photos an answer)", f"{p50:.1f}",
             f"{p95:.1f}", "p95 ≤ 20"],
            ["HTML timeline, its top", f"{top[0]:.1f}", f"{top[1]:.1f}", "p95 ≤ 40"],
            ["its cards, asked for after it (today)", f"{cards[0]:.1f}", f"{cards[1]:.1f}", ""],
            ["HTML timeline, a month down (no cards)", f"{month[0]:.1f}", f"{month[1]:.1f}", ""],
        ],
    )  # fmt: skip
    print_table(
        f"The map's clusters at {args.size:,} photos (PostgreSQL, one client, 100 requests, ms)",
        ["view", "p50", "p95", "clusters", "photos in them", "target"],
        [
            [name, f"{p50:.1f}", f"{p95:.1f}", str(count), f"{photos:,}", "p95 ≤ 50, ≤ 200"]
            for name, (p50, p95, count, photos) in maps.items()
        ],
    )


if __name__ == "__main__":
    main()
