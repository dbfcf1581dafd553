"""The timeline: newest taken first, keyset pages, clear errors for bad paging input."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from bulk import retake
from django.db import connection
from django.test.utils import CaptureQueriesContext

from myphoto.photos.models import Photo

pytestmark = pytest.mark.django_db


def test_pages_walk_the_whole_timeline_newest_first(client, make_photo):
    photos = [make_photo(f"{n}.jpg")[0] for n in range(7)]
    base = datetime(2024, 5, 1, tzinfo=UTC)
    for n, photo in enumerate(photos):
        # Two photos share a time: the id breaks the tie, and none is skipped.
        retake(Photo.objects.filter(pk=photo.pk), base + timedelta(hours=n // 2 * 2))

    seen, cursor, pages = [], None, 0
    while True:
        query = "?limit=3" + (f"&cursor={cursor}" if cursor else "")
        page = client.get(f"/api/v1/photos{query}").json()
        seen += page["items"]
        pages += 1
        cursor = page["next_cursor"]
        if cursor is None:
            break

    assert pages == 3
    assert len(seen) == 7 and len({item["id"] for item in seen}) == 7
    keys = [(item["taken_at"], item["id"]) for item in seen]
    assert keys == sorted(keys, reverse=True)


def test_limit_out_of_range_and_bad_cursor_are_400(client):
    for query in ("limit=0", "limit=501", "limit=abc", "cursor=not-a-cursor"):
        response = client.get(f"/api/v1/photos?{query}")
        assert response.status_code == 400, query
        assert response.json()["code"] in {"invalid", "invalid_cursor"}
        assert response.json()["detail"]


def test_timeline_page_lists_names_with_one_query_for_photos(client, make_photo):
    for n in range(25):
        make_photo(f"사진 {n}.jpg")

    with CaptureQueriesContext(connection) as queries:
        page = client.get("/")

    html = page.content.decode()
    assert page.status_code == 200
    assert "사진 24.jpg" in html and "25 photos" in html
    photo_queries = [q["sql"] for q in queries if 'FROM "photos_photo"' in q["sql"]]
    # The page, and its Live Photos' motions in one more (whatever the page's size); the
    # count comes from the kept month counts.
    assert len(photo_queries) == 2
    assert '"live_of_id" IN' in photo_queries[1]
    assert all("OFFSET" not in sql for sql in photo_queries)


def test_empty_timeline_says_how_to_upload(client):
    html = client.get("/").content.decode()

    assert "No photos yet." in html and 'href="/upload/"' in html


def test_by_hash_finds_own_photo(client, make_photo):
    photo, _ = make_photo()

    assert client.get(f"/api/v1/photos/by-hash/{photo.sha256}").json()["id"] == str(photo.pk)
    assert client.get(f"/api/v1/photos/by-hash/{'0' * 64}").status_code == 404


def test_taken_after_and_before_narrow_the_timeline(client, make_photo):
    for day in (1, 2, 3):
        photo, _ = make_photo(f"may {day}.jpg")
        retake(Photo.objects.filter(pk=photo.pk), datetime(2024, 5, day, 12, tzinfo=UTC))

    page = client.get("/api/v1/photos?taken_after=2024-05-02&taken_before=2024-05-03T00:00:00Z")

    assert [item["filename"] for item in page.json()["items"]] == ["may 2.jpg"]
    assert client.get("/api/v1/photos?taken_after=yesterday").status_code == 400
