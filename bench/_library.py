"""A library of up to a million photos of one user, seeded in bulk by SQL (PostgreSQL or
SQLite), for the timeline and fsck benchmarks: 20 years of photos, 1% in the trash,
over half at home and the rest a few days at a time in 200 other towns, from five
cameras, their search terms made as uploads make them; an album of 10,000 of them.
"""

from __future__ import annotations

import io
import os
import subprocess
import tempfile
from pathlib import Path

PG_ADMIN_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/postgres")
YEARS = 20


def database_url(kind: str, size: int, data_dir: str) -> str:
    if kind == "sqlite":
        return f"sqlite:///{data_dir}/myphoto.sqlite3"
    name = f"myphoto_bench_{size}"
    admin = PG_ADMIN_URL
    subprocess.run(["psql", admin, "-qc", f"DROP DATABASE IF EXISTS {name}"], check=True)
    subprocess.run(["psql", admin, "-qc", f"CREATE DATABASE {name}"], check=True)
    return admin.rsplit("/", 1)[0] + f"/{name}"


def library_environment(kind: str, size: int, purpose: str) -> dict[str, str]:
    """The environment of a bench's server and seeding: a fresh data folder and database
    (`kind` postgres or sqlite), logs kept quiet, no job worker, photos on local disk."""
    data_dir = tempfile.mkdtemp(prefix=f"myphoto-bench-{purpose}-")
    return {
        **os.environ,
        "MYPHOTO_DATA_DIR": data_dir,
        "DATABASE_URL": database_url(kind, size, data_dir),
        "MYPHOTO_LOG_LEVEL": "WARNING",
        "MYPHOTO_WORKER_IN_SERVE": "0",
        "MYPHOTO_S3_BUCKET": "",
        "DJANGO_SETTINGS_MODULE": "myphoto.settings",
    }


def django_in(env: dict[str, str]) -> None:
    """Set up Django in this process on that environment, its database migrated. Django is
    set up once a process: each library is measured in a process of its own."""
    os.environ.update(env)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


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
        WHERE (n - 1) %% %(every)s = 0
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
