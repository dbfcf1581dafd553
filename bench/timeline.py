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
import io
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from seaweedfs import free_port  # noqa: E402

PG_ADMIN_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/postgres")
SAMPLES = 200
YEARS = 20


@dataclass
class Result:
    label: str
    latency: dict[str, tuple[float, float]] = field(default_factory=dict)  # name -> (p50, p95) ms
    queries: dict[str, int] = field(default_factory=dict)
    pages_per_second: float = 0.0
    load_tool: str = ""


def database_url(kind: str, size: int, data_dir: str) -> str:
    if kind == "sqlite":
        return f"sqlite:///{data_dir}/myphoto.sqlite3"
    name = f"myphoto_bench_{size}"
    admin = PG_ADMIN_URL
    subprocess.run(["psql", admin, "-qc", f"DROP DATABASE IF EXISTS {name}"], check=True)
    subprocess.run(["psql", admin, "-qc", f"CREATE DATABASE {name}"], check=True)
    return admin.rsplit("/", 1)[0] + f"/{name}"


# Where the photos were taken, a few days' run of photos at a time: a home town for over
# half, no GPS for a tenth, and trips to 200 other places, the first ones most often.
HOME = ("Seoul", "Seoul", "South Korea", "KR")
TRIPS = [
    ("Arezzo", "Tuscany", "Italy", "IT"),
    ("São Paulo", "São Paulo", "Brazil", "BR"),
    ("Paris", "Île-de-France", "France", "FR"),
    ("Tokyo", "Tokyo", "Japan", "JP"),
    ("New York City", "New York", "United States", "US"),
] + [(f"Town {n}", f"Region {n % 40}", f"Country {n % 25}", "XX") for n in range(195)]
RUN = 500  # photos of one place in a row: three or four days of them
# (share, make, model) of the cameras, in twentieths of the photos.
CAMERAS = [
    (10, "Apple", "iPhone 15 Pro"),
    (4, "Canon", "Canon EOS R5"),
    (3, "Google", "Pixel 8"),
    (2, "SONY", "ILCE-7M4"),
    (1, "DJI", "FC3582"),
]


def seed_lookups() -> None:
    """Tables the seed joins to: each run's place and each photo's camera, with their
    search terms made as uploads make them."""
    from django.db import connection

    from myphoto.photos.models import camera_name
    from myphoto.photos.placenames import PlaceName
    from myphoto.photos.search import MONTHS, place_terms, words
    from myphoto.photos.services.places import place_get_or_create

    places = []  # (bucket of 10,000, place id or NULL, place terms)
    home = place_get_or_create(PlaceName(*HOME))
    places += [(n, home.pk, place_terms(home.name)) for n in range(5500)]
    places += [(n, None, "") for n in range(5500, 6500)]
    for n in range(6500, 10_000):
        trip = TRIPS[int(((n - 6500) / 3500) ** 2 * len(TRIPS))]
        place = place_get_or_create(PlaceName(*trip))
        places.append((n, place.pk, place_terms(place.name)))
    cameras = []
    for share, make, model in CAMERAS:
        terms = " ".join(words(camera_name(make, model) or ""))
        cameras += [(len(cameras) + n, make, model, terms) for n in range(share)]
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE bench_places (n integer, place_id bigint, terms text)")
        cursor.executemany("INSERT INTO bench_places VALUES (%s, %s, %s)", places)
        cursor.execute("CREATE TABLE bench_cameras (n integer, make text, model text, terms text)")
        cursor.executemany("INSERT INTO bench_cameras VALUES (%s, %s, %s, %s)", cameras)
        cursor.execute("CREATE TABLE bench_months (m integer, name text)")
        cursor.executemany(
            "INSERT INTO bench_months VALUES (%s, %s)", list(enumerate(MONTHS, start=1))
        )


def seed(size: int) -> tuple[str, str]:
    """Bulk insert `size` photos of one user; return (token, username)."""
    from django.db import connection

    from myphoto.photos.models import User
    from myphoto.photos.services.counts import month_counts_rebuild
    from myphoto.photos.services.tokens import token_create

    user = User.objects.create_user(username="bench", password="bench password 1")  # noqa: S106
    token = token_create(user=user, name="bench")[1]
    values = {"owner": user.pk, "span": YEARS * 365 * 24 * 3600, "size": size, "run": RUN}
    seed_lookups()
    if connection.vendor == "postgresql":
        sql = """
            WITH numbered AS (
                SELECT i, timestamptz '2006-01-01 00:00:00+00'
                    + (i * %(span)s::bigint / %(size)s) * interval '1 second' AS taken_at
                FROM generate_series(1, %(size)s) AS i
            )
            INSERT INTO photos_photo (id, owner_id, original_name, storage_key, thumbnail_key,
                preview_key, content_type, size, sha256, crc32, width, height, taken_at,
                taken_at_source, camera_make, camera_model, uploaded_at, deleted_at,
                derivatives_ready, derivatives_error, derivatives_claim, gps_lat, gps_lon,
                place_id, search_text, place_text)
            SELECT md5('photo' || i)::uuid, %(owner)s, 'IMG_' || i || '.jpg',
                'originals/' || %(owner)s || '/' || i || '.jpg', 'bench/sm.webp', 'bench/md.webp',
                'image/jpeg', 3000000, md5(i::text) || md5('x' || i), 0, 4000, 3000, taken_at,
                'exif', c.make, c.model, now(), CASE WHEN i %% 100 = 0 THEN now() END,
                true, '', '', CASE WHEN p.terms <> '' THEN 37.5 END,
                CASE WHEN p.terms <> '' THEN 127.0 END, p.place_id,
                'img ' || i || ' jpg ' || c.terms || to_char(taken_at AT TIME ZONE 'UTC',
                    ' YYYY YYYY-MM ') || m.name,
                p.terms
            FROM numbered
            JOIN bench_places p ON p.n = (i / %(run)s) * 2654435761 %% 10000
            JOIN bench_cameras c ON c.n = i::bigint * 7919 %% 20
            JOIN bench_months m ON m.m = extract(month FROM taken_at AT TIME ZONE 'UTC')
        """
    else:
        sql = """
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < %(size)s),
            numbered AS (
                SELECT i, strftime('%%Y-%%m-%%d %%H:%%M:%%S', '2006-01-01',
                    '+' || (i * %(span)s / %(size)s) || ' seconds') AS taken_at
                FROM n
            )
            INSERT INTO photos_photo (id, owner_id, original_name, storage_key, thumbnail_key,
                preview_key, content_type, size, sha256, crc32, width, height, taken_at,
                taken_at_source, camera_make, camera_model, uploaded_at, deleted_at,
                derivatives_ready, derivatives_error, derivatives_claim, gps_lat, gps_lon,
                place_id, search_text, place_text)
            SELECT printf('%%032x', i), %(owner)s, 'IMG_' || i || '.jpg',
                'originals/' || %(owner)s || '/' || i || '.jpg', 'bench/sm.webp', 'bench/md.webp',
                'image/jpeg', 3000000, printf('%%064x', i), 0, 4000, 3000, taken_at,
                'exif', c.make, c.model, datetime('now'),
                CASE WHEN i %% 100 = 0 THEN datetime('now') END, 1, '', '',
                CASE WHEN p.terms <> '' THEN 37.5 END, CASE WHEN p.terms <> '' THEN 127.0 END,
                p.place_id,
                'img ' || i || ' jpg ' || c.terms || strftime(' %%Y %%Y-%%m ', taken_at)
                    || m.name,
                p.terms
            FROM numbered
            JOIN bench_places p ON p.n = (i / %(run)s) * 2654435761 %% 10000
            JOIN bench_cameras c ON c.n = i * 7919 %% 20
            JOIN bench_months m ON m.m = CAST(strftime('%%m', taken_at) AS integer)
        """
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        for table in ("bench_places", "bench_cameras", "bench_months"):
            cursor.execute(f"DROP TABLE {table}")
    seed_album(user, size)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    month_counts_rebuild(owner=user)
    return token, user.username


ALBUM_PHOTOS = 10_000


def seed_album(user, size: int) -> None:
    """An album of 10,000 of the photos, spread over the 20 years (none in the trash)."""
    from django.db import connection

    from myphoto.photos.models import Album

    album = Album.objects.create(owner=user, title="Every so often")
    album_id = str(album.pk) if connection.vendor == "postgresql" else album.pk.hex
    every = max(1, size // ALBUM_PHOTOS)
    sql = """
        INSERT INTO photos_albumphoto (album_id, photo_id, added_at, added_by_id, taken_at,
            photo_in_trash)
        SELECT %(album)s, id, taken_at, owner_id, taken_at, deleted_at IS NOT NULL
        FROM (SELECT id, owner_id, taken_at, deleted_at,
                     ROW_NUMBER() OVER (ORDER BY taken_at) AS n
              FROM photos_photo WHERE owner_id = %(owner)s) AS numbered
        WHERE n %% %(every)s = 1
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, {"album": album_id, "owner": user.pk, "every": every})


def write_thumbnails(media: Path) -> None:
    from PIL import Image

    (media / "bench").mkdir(parents=True, exist_ok=True)
    for name, size in (("sm", (400, 300)), ("md", (1600, 1200))):
        out = io.BytesIO()
        Image.new("RGB", size, (120, 160, 200)).save(out, "WEBP")
        (media / "bench" / f"{name}.webp").write_bytes(out.getvalue())


def serve(env: dict[str, str]) -> tuple[str, subprocess.Popen]:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "myphoto", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(url + "/healthz").close()  # noqa: S310  our own server
            return url, process
        except OSError:
            if time.monotonic() > deadline:
                raise RuntimeError("myphoto serve did not start") from None
            time.sleep(0.2)


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
        "HTML search suggestions: par": "/search/suggestions?q=par",
        "HTML places page": "/places/",
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
    data_dir = tempfile.mkdtemp(prefix="myphoto-bench-timeline-")
    env = {
        **os.environ,
        "MYPHOTO_DATA_DIR": data_dir,
        "DATABASE_URL": database_url(kind, size, data_dir),
        "MYPHOTO_LOG_LEVEL": "WARNING",
        "MYPHOTO_WORKER_IN_SERVE": "0",
        "MYPHOTO_S3_BUCKET": "",
    }
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "myphoto.settings")
    import django

    # Django is set up once a process: each library is measured in a process of its own.
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
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
