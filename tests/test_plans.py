"""Every timeline-shaped read seeks in an index and reads rows in its order: it never scans.

The queries are the ones the requests really run, captured as they go to the
database, then explained. PostgreSQL must not plan a sequential scan of the
photo table nor a sort, and (run with ANALYZE) must not read and throw away
more than a page's worth of rows: an index walked from the newest photo to a
deep cursor is a scan too. SQLite must not build a temporary B-tree to order
rows, and must search the index by taken_at when the query bounds it.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from bulk import bulk_photos
from django.db import connection
from django.test import Client

from myphoto.photos.models import Album, AlbumPhoto, Photo
from myphoto.photos.selectors import encode_cursor
from myphoto.photos.services.shares import share_create

pytestmark = pytest.mark.django_db
LIBRARY = 20_000
TRASHED = 2_000
PHOTO_TABLE = Photo._meta.db_table
ALBUM_PHOTO_TABLE = AlbumPhoto._meta.db_table


@pytest.fixture
def big_library(user, other_user):
    start, every = datetime(2012, 1, 1, tzinfo=UTC), timedelta(minutes=37)
    bulk_photos(user, LIBRARY, start=start, every=every, trashed=TRASHED)
    bulk_photos(other_user, 3_000, start=start, every=every)
    # A fifth of a phone's library is videos.
    ids = list(Photo.objects.filter(owner=user).values_list("pk", flat=True))
    for at in range(0, len(ids), 5 * 2000):
        Photo.objects.filter(pk__in=ids[at : at + 5 * 2000 : 5]).update(kind="video")
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {PHOTO_TABLE}")
    return user


@pytest.fixture
def big_album(big_library, other_user):
    """Every other photo of the big library (trash included) in one album; a small album of
    another user's beside it."""
    album = Album.objects.create(owner=big_library, title="Half of it")
    photos = Photo.objects.filter(owner=big_library).order_by("taken_at")[::2]
    AlbumPhoto.objects.bulk_create(
        [
            AlbumPhoto(
                album=album,
                photo=photo,
                taken_at=photo.taken_at,
                photo_in_trash=photo.deleted_at is not None,
            )
            for photo in photos
        ],
        batch_size=2000,
    )
    theirs = Album.objects.create(owner=other_user, title="Theirs")
    some = Photo.objects.filter(owner=other_user)[:100]
    AlbumPhoto.objects.bulk_create(
        [AlbumPhoto(album=theirs, photo=photo, taken_at=photo.taken_at) for photo in some]
    )
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {ALBUM_PHOTO_TABLE}")
    return album


class Captured:
    """The statements a request sends to the database, with their parameters."""

    def __init__(self) -> None:
        self.statements: list[tuple[str, Any]] = []

    def __call__(self, execute, sql, params, many, context):  # noqa: ANN001  Django's wrapper API
        self.statements.append((sql, params))
        return execute(sql, params, many, context)


def photo_queries(client: Client, url: str, **headers: str) -> list[tuple[str, Any]]:
    captured = Captured()
    with connection.execute_wrapper(captured):
        response = client.get(url, headers=headers)
    assert response.status_code == 200, (url, response.content[:300])
    return [(sql, params) for sql, params in captured.statements if PHOTO_TABLE in sql]


# A page is at most 500 rows: reading and discarding more means the index did not seek.
MAX_DISCARDED = 500


def postgres_problems(sql: str, params: Any) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}", params)
        (plan,) = cursor.fetchone()
    plan = plan if isinstance(plan, list) else json.loads(plan)
    problems = []

    def walk(node: dict) -> None:
        kind = node["Node Type"]
        if kind == "Seq Scan" and node.get("Relation Name") in (PHOTO_TABLE, ALBUM_PHOTO_TABLE):
            problems.append(f"Seq Scan on {node['Relation Name']}")
        if "Sort" in kind:  # Sort, Incremental Sort
            problems.append(f"{kind} on {node.get('Sort Key')}")
        if node.get("Relation Name") in (PHOTO_TABLE, ALBUM_PHOTO_TABLE):
            discarded = node.get("Rows Removed by Filter", 0) * node.get("Actual Loops", 1)
            if discarded > MAX_DISCARDED:
                problems.append(f"{kind} read and discarded {discarded} rows")
        for child in node.get("Plans", ()):
            walk(child)

    walk(plan[0]["Plan"])
    return problems


def sqlite_problems(sql: str, params: Any) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        steps = [row[-1] for row in cursor.fetchall()]
    tables = (PHOTO_TABLE, ALBUM_PHOTO_TABLE)
    problems = [
        step
        for step in steps
        if "TEMP B-TREE" in step
        or (step.startswith("SCAN") and any(table in step for table in tables))
    ]
    bounded = '"taken_at" <' in sql or '"taken_at" >' in sql
    searches = [
        step
        for step in steps
        if step.startswith("SEARCH") and any(table in step for table in tables)
    ]
    if bounded and "ORDER BY" in sql and not any("taken_at" in step for step in searches):
        problems.append(f"the bound on taken_at is not an index search: {searches}")
    return problems


def plan_problems(sql: str, params: Any) -> list[str]:
    if connection.vendor == "postgresql":
        return postgres_problems(sql, params)
    return sqlite_problems(sql, params)


def deep_cursor(owner) -> str:
    """The cursor of a page three quarters down the timeline."""
    deep = (
        Photo.objects.visible()
        .filter(owner=owner)
        .order_by("-taken_at", "-id")[(LIBRARY - TRASHED) * 3 // 4]
    )
    return encode_cursor(deep)


def test_every_timeline_shaped_read_seeks(big_library, big_album, client, api):
    cursor = deep_cursor(big_library)
    album = f"/api/v1/photos?album={big_album.pk}"
    album_page = f"/albums/{big_album.pk}/"
    key = share_create(album=big_album).key
    visitor = Client()
    shapes = {
        "HTML album page": (client, album_page, {}),
        "HTML album month jump": (client, f"{album_page}?month=2014-03", {}),
        "HTML album next page": (client, f"{album_page}?cursor={cursor}", {"HX-Request": "true"}),
        "HTML album newer page": (client, f"{album_page}?newer={cursor}", {"HX-Request": "true"}),
        "shared page": (visitor, f"/s/{key}", {}),
        "shared deep page": (visitor, f"/s/{key}?cursor={cursor}", {"HX-Request": "true"}),
        "API shared deep page": (visitor, f"/api/v1/shared/{key}/photos?cursor={cursor}", {}),
        "API album page 1": (api, f"{album}&limit=100", {}),
        "API album deep page": (api, f"{album}&limit=100&cursor={cursor}", {}),
        "API album month jump": (api, f"{album}&taken_before=2014-03-01T00:00:00Z", {}),
        "API page 1": (api, "/api/v1/photos?limit=100", {}),
        "API deep page": (api, f"/api/v1/photos?limit=100&cursor={cursor}", {}),
        "API month jump": (api, "/api/v1/photos?taken_before=2014-03-01T00:00:00Z", {}),
        "API period": (
            api,
            "/api/v1/photos?taken_after=2013-01-01T00:00:00Z&taken_before=2013-02-01T00:00:00Z",
            {},
        ),
        "API videos page 1": (api, "/api/v1/photos?kind=video&limit=100", {}),
        "API videos deep page": (api, f"/api/v1/photos?kind=video&cursor={cursor}", {}),
        "API photos only, deep": (api, f"/api/v1/photos?kind=photo&cursor={cursor}", {}),
        "API trash": (api, "/api/v1/trash?limit=100", {}),
        "API trash deep": (api, f"/api/v1/trash?cursor={cursor}", {}),
        "API buckets": (api, "/api/v1/timeline/buckets", {}),
        "HTML page": (client, "/", {}),
        "HTML next page": (client, f"/?cursor={cursor}", {"HX-Request": "true"}),
        "HTML trash": (client, "/trash/", {}),
        "HTML month jump": (client, "/?month=2014-03", {}),
        "HTML newer page": (client, f"/?newer={cursor}", {"HX-Request": "true"}),
    }
    problems = {}
    for name, (who, url, headers) in shapes.items():
        for sql, params in photo_queries(who, url, **headers):
            found = plan_problems(sql, params)
            if found:
                problems[name] = (found, sql)

    assert problems == {}


def test_the_page_and_the_buckets_never_count_photo_rows(big_library, client, api):
    for url in ("/", "/api/v1/timeline/buckets"):
        queries = photo_queries(client if url == "/" else api, url)
        assert not [sql for sql, _ in queries if "COUNT(" in sql.upper()], url


def search_problems(sql: str, params: Any) -> list[str]:
    """A search's query may read and drop the newest SEARCH_WALK photos (walking them), and
    sort what the search index found (few, else the walk would have filled the page); it
    must never read the photo table whole."""
    from myphoto.photos.selectors import SEARCH_WALK

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}", params)
            (plan,) = cursor.fetchone()
        plan = plan if isinstance(plan, list) else json.loads(plan)
        nodes, problems = [plan[0]["Plan"]], []
        while nodes:
            node = nodes.pop()
            nodes += node.get("Plans", ())
            if node.get("Relation Name") == PHOTO_TABLE:
                if node["Node Type"] == "Seq Scan":
                    problems.append("Seq Scan on the photos")
                discarded = node.get("Rows Removed by Filter", 0) * node.get("Actual Loops", 1)
                if discarded > SEARCH_WALK + 1:
                    problems.append(f"{node['Node Type']} read and discarded {discarded} rows")
        return problems
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        steps = [row[-1] for row in cursor.fetchall()]
    return [step for step in steps if step.startswith("SCAN") and PHOTO_TABLE in step]


def index_of_search(sql: str, params: Any) -> bool:
    """Whether the query finds its rows with the search index."""
    postgres = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {'' if postgres else 'QUERY PLAN '}{sql}", params)
        plan = " ".join(str(row) for row in cursor.fetchall())
    return "photo_search" in plan if postgres else "photos_search VIRTUAL TABLE" in plan


def test_a_search_walks_the_newest_photos_then_asks_the_search_index(big_library, api, client):
    visible = Photo.objects.visible().filter(owner=big_library).order_by("-taken_at")
    trip = visible[10_000:10_150].values_list("pk", flat=True)
    Photo.objects.filter(pk__in=list(trip)).update(place_text="arezzo tuscany italy it")
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {PHOTO_TABLE}")

    common = photo_queries(api, "/api/v1/photos?limit=100&q=img")
    rare = photo_queries(api, "/api/v1/photos?limit=100&q=arezzo")
    rare_and_dated = photo_queries(api, "/api/v1/photos?limit=100&q=italy 2016 img")

    searched = [
        statement for statement in common + rare + rare_and_dated if "LIMIT" in statement[0]
    ]
    assert {name: search_problems(*s) for name, s in enumerate(searched)} == {
        n: [] for n in range(len(searched))
    }
    # A word on every photo: the walk fills the page and the index is not asked.
    assert not any(index_of_search(*statement) for statement in common)
    # A word of a trip long ago: after the walk, the index finds it.
    assert any(index_of_search(*statement) for statement in rare)
    assert len(api.get("/api/v1/photos?limit=500&q=arezzo").json()["items"]) == 150
