"""Timeline and search latency at 100,000 and 1,000,000 photos: prints figures, asserts
nothing.

    .venv/bin/python bench/timeline.py                      # PostgreSQL 100k and 1M, SQLite 100k
    .venv/bin/python bench/timeline.py --postgres 100000 --sqlite 0 --duration 10

For each library: a fresh database seeded in bulk with one user's photos (20
years of them, 1% in the trash, over half at home and the rest a few days at a
time in 200 other towns, from five cameras; their thumbnails point at two real
small files), `myphoto serve` with its defaults (2 gunicorn workers, 8 threads), then
one client's p50/p95 of the API's first page, a page from a cursor in the
middle, a month jump, the month buckets, an album of 10,000 of the photos
(its first page, a page from its middle, its buckets, its first page through a
share link, its HTML page), the HTML page, searches (one word and three, common
and rare, their months, the search page, suggestions, the Places page), the
queries each request makes, and the pages per second that 20 concurrent clients get from
`wrk` (Debian's `wrk`; a Python load generator where it is missing, which
competes with the server for the two cores).
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from _harness import serve
from _library import django_in, library_environment, seed, write_thumbnails

SAMPLES = 200


@dataclass
class Result:
    label: str
    latency: dict[str, tuple[float, float]] = field(default_factory=dict)  # name -> (p50, p95) ms
    queries: dict[str, int] = field(default_factory=dict)
    pages_per_second: float = 0.0
    load_tool: str = ""


def targets(user_name: str) -> dict[str, str]:
    """The URLs to time: their paths, with a cursor from the middle and a month jump."""
    from myphoto.photos.models import Album, Photo
    from myphoto.photos.selectors import encode_cursor
    from myphoto.photos.services.shares import share_create

    visible = Photo.objects.visible().filter(owner__username=user_name)
    middle = visible.order_by("-taken_at", "-id")[visible.count() // 2]
    month = middle.taken_at.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    album = Album.objects.get(owner__username=user_name)
    in_album = album.entries.filter(photo_in_trash=False).order_by("-taken_at", "-photo")
    album_middle = in_album[in_album.count() // 2].photo
    key = share_create(album=album).key
    return {
        "API album page 1": f"/api/v1/photos?limit=100&album={album.pk}",
        "API album page from its middle": (
            f"/api/v1/photos?limit=100&album={album.pk}&cursor={encode_cursor(album_middle)}"
        ),
        "API album buckets": f"/api/v1/timeline/buckets?album={album.pk}",
        "Share link: album page 1": f"/api/v1/shared/{key}/photos?limit=100",
        "HTML album page": f"/albums/{album.pk}/",
        "API page 1": "/api/v1/photos?limit=100",
        "API page from a cursor in the middle": (
            f"/api/v1/photos?limit=100&cursor={encode_cursor(middle)}"
        ),
        "API month jump": f"/api/v1/photos?limit=100&taken_before={month:%Y-%m-%dT%H:%M:%SZ}",
        "API buckets": "/api/v1/timeline/buckets",
        "HTML page": "/",
        # Search: words of a home town (over half the photos), of a trip, of a year, and
        # three together; the search's months, its page, suggestions, the Places page.
        "API search: seoul": "/api/v1/photos?limit=100&q=seoul",
        "API search: paris": "/api/v1/photos?limit=100&q=paris",
        "API search: 2015": "/api/v1/photos?limit=100&q=2015",
        "API search: seoul iphone 2023": "/api/v1/photos?limit=100&q=seoul+iphone+2023",
        "API search: paris 2019 canon": "/api/v1/photos?limit=100&q=paris+2019+canon",
        "API search buckets: paris": "/api/v1/timeline/buckets?q=paris",
        "API search buckets: seoul": "/api/v1/timeline/buckets?q=seoul",
        "HTML search page: paris": "/search/?q=paris",
        # A home town's page: its photos at once, its count and scrubber asked for after.
        "HTML search page: seoul": "/search/?q=seoul",
        "HTML search months: seoul (after the page)": "/search/months?q=seoul",
        "HTML search suggestions: par": "/search/suggestions?q=par",
        "HTML places page": "/places/",
        "HTML places of a country": "/places/KR/",
    }


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[int(len(ordered) * 0.95) - 1]


def time_requests(base: str, paths: dict[str, str], token: str, session: str) -> dict:
    import httpx

    timings = {}
    with httpx.Client(base_url=base, timeout=30) as http:
        for name, path in paths.items():
            if name.startswith("HTML"):
                headers = {"Cookie": f"sessionid={session}"}
            else:
                headers = {"Authorization": f"Bearer {token}"}
            for _ in range(20):  # warm both workers
                http.get(path, headers=headers).raise_for_status()
            samples = []
            for _ in range(SAMPLES):
                start = time.perf_counter()
                response = http.get(path, headers=headers)
                samples.append((time.perf_counter() - start) * 1000)
                response.raise_for_status()
            timings[name] = percentiles(samples)
    return timings


def count_queries(paths: dict[str, str], user_name: str) -> dict[str, int]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from myphoto.photos.models import User

    client = Client(SERVER_NAME="localhost")
    client.force_login(User.objects.get(username=user_name))
    counts = {}
    for name, path in paths.items():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path).status_code == 200
        counts[name] = len(queries)
    return counts


def session_for(user_name: str) -> str:
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from myphoto.photos.models import User

    user = User.objects.get(username=user_name)
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return store.session_key or ""


def load(base: str, path: str, token: str, clients: int, seconds: int) -> tuple[float, str]:
    """API pages per second with `clients` connections for `seconds`."""
    wrk = shutil.which("wrk")
    if wrk:
        output = subprocess.run(
            [
                wrk,
                "-t2",
                f"-c{clients}",
                f"-d{seconds}s",
                "-H",
                f"Authorization: Bearer {token}",
                base + path,
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
        if errors:
            raise RuntimeError(f"wrk saw {errors[1]} failed requests:\n{output}")
        return float(re.search(r"Requests/sec:\s+([\d.]+)", output)[1]), "wrk"
    return python_load(base, path, token, clients, seconds), "Python threads (no wrk)"


def python_load(base: str, path: str, token: str, clients: int, seconds: int) -> float:
    import threading

    import httpx

    done = [0] * clients
    stop = time.monotonic() + seconds

    def client(n: int) -> None:
        with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}) as http:
            while time.monotonic() < stop:
                http.get(path).raise_for_status()
                done[n] += 1

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(done) / seconds


def run(kind: str, size: int, args: argparse.Namespace) -> Result:
    label = f"{'PostgreSQL' if kind == 'postgres' else 'SQLite'} {size:,}"
    print(f"\n== {label}: seeding", flush=True)
    env = library_environment(kind, size, "timeline")
    data_dir = env["MYPHOTO_DATA_DIR"]
    django_in(env)
    started = time.perf_counter()
    token, user_name = seed(size)
    print(f"   seeded in {time.perf_counter() - started:.0f} s", flush=True)
    write_thumbnails(Path(data_dir) / "media")
    paths = targets(user_name)
    result = Result(label)
    result.queries = count_queries(paths, user_name)
    base, server = serve(env)
    try:
        result.latency = time_requests(base, paths, token, session_for(user_name))
        result.pages_per_second, result.load_tool = load(
            base, paths["API page 1"], token, args.clients, args.duration
        )
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(data_dir, ignore_errors=True)
    return result


def report(results: list[Result]) -> None:
    for result in results:
        print(f"\n{result.label} photos ({result.load_tool} for the load)")
        print(f"  {'request':40} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8}")
        for name, (p50, p95) in result.latency.items():
            print(f"  {name:40} {p50:8.1f} {p95:8.1f} {result.queries[name]:8}")
        page1, deep = (
            result.latency["API page 1"],
            result.latency["API page from a cursor in the middle"],
        )
        print(f"  deep page / page 1 (p95): {deep[1] / page1[1]:.2f}x")
        print(f"  API pages per second, 20 clients: {result.pages_per_second:.0f}")
        searches = {k: v for k, v in result.latency.items() if k.startswith("API search: ")}
        if searches:
            worst = max(searches.items(), key=lambda item: item[1][1])
            print(f"  slowest search (p95): {worst[0]} {worst[1][1]:.1f} ms (target 50 ms)")
    by_label = {r.label: r for r in results}
    small, big = by_label.get("PostgreSQL 100,000"), by_label.get("PostgreSQL 1,000,000")
    if small and big:
        print("\nPostgreSQL, 1,000,000 against 100,000 (p95):")
        for name in big.latency:
            print(f"  {name:40} {big.latency[name][1] / small.latency[name][1]:.2f}x")
        print(f"  {'API pages per second':40} {big.pages_per_second / small.pages_per_second:.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--postgres", default="100000,1000000", help="library sizes, comma-separated"
    )
    parser.add_argument("--sqlite", default="100000", help="library sizes ('0': none)")
    parser.add_argument("--duration", type=int, default=30, help="seconds of concurrent load")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--one", help=argparse.SUPPRESS)  # kind:size, run by this script itself
    args = parser.parse_args()
    if args.one:
        kind, size = args.one.split(":")
        result = run(kind, int(size), args)
        print("RESULT " + json.dumps(result.__dict__), flush=True)
        return
    runs = [("postgres", int(n)) for n in args.postgres.split(",") if int(n)]
    runs += [("sqlite", int(n)) for n in args.sqlite.split(",") if int(n)]
    results = []
    for kind, size in runs:
        argv = [
            sys.executable,
            __file__,
            "--one",
            f"{kind}:{size}",
            "--duration",
            str(args.duration),
            "--clients",
            str(args.clients),
        ]
        output = subprocess.run(argv, capture_output=True, text=True, check=False)
        sys.stdout.write(
            "".join(
                line + "\n" for line in output.stdout.splitlines() if not line.startswith("RESULT ")
            )
        )
        if output.returncode:
            sys.stderr.write(output.stderr)
            raise SystemExit(f"{kind} {size} failed")
        found = next(line for line in output.stdout.splitlines() if line.startswith("RESULT "))
        data = json.loads(found.removeprefix("RESULT "))
        data["latency"] = {k: tuple(v) for k, v in data["latency"].items()}
        results.append(Result(**data))
    report(results)


if __name__ == "__main__":
    main()
