"""Albums through the API: made from a selection, counted, paged like the timeline, the
photos staying in the library; trash and purge reach every album."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from bulk import retake

from myphoto.photos.models import AlbumPhoto, Photo

pytestmark = pytest.mark.django_db


def post(api, path: str, body: dict):
    return api.post(path, json.dumps(body), content_type="application/json")


def ids(answer) -> list[str]:
    return [item["id"] for item in answer.json()["items"]]


@pytest.fixture
def three(make_photo):
    """Three photos taken a day apart, oldest first."""
    photos = [make_photo(f"{n}.jpg")[0] for n in range(3)]
    start = datetime(2023, 10, 1, 12, tzinfo=UTC)
    for n, photo in enumerate(photos):
        retake(Photo.objects.filter(pk=photo.pk), start + timedelta(days=n))
    return photos


def test_an_album_made_from_a_selection_counts_dates_and_covers_its_photos(api, three):
    oldest, middle, newest = three

    made = post(api, "/api/v1/albums", {"title": "Autumn", "ids": [str(middle.pk), str(oldest.pk)]})

    assert made.status_code == 201
    album = made.json()
    assert (album["title"], album["photo_count"], album["role"]) == ("Autumn", 2, "owner")
    assert album["cover_photo"] == str(middle.pk)  # the first added
    assert album["cover_thumbnail_url"].endswith(f"/photos/{middle.pk}/thumbnail?size=sm")
    assert album["taken_from"].startswith("2023-10-01") and album["taken_until"].startswith(
        "2023-10-02"
    )
    assert ids(api.get("/api/v1/albums")) == [album["id"]]
    assert ids(api.get("/api/v1/photos", {"album": album["id"]})) == [
        str(middle.pk),
        str(oldest.pk),
    ]
    # The library is unchanged: every photo is still in the timeline.
    assert len(ids(api.get("/api/v1/photos"))) == 3


def test_adding_twice_is_harmless_removing_leaves_the_library_and_photos_share_albums(api, three):
    first = post(api, "/api/v1/albums", {"title": "One"}).json()
    second = post(api, "/api/v1/albums", {"title": "Two"}).json()
    every = [str(photo.pk) for photo in three]

    assert post(api, f"/api/v1/albums/{first['id']}/photos", {"ids": every}).json() == {"added": 3}
    assert post(api, f"/api/v1/albums/{first['id']}/photos", {"ids": every}).json() == {"added": 0}
    assert post(api, f"/api/v1/albums/{second['id']}/photos", {"ids": every[:1]}).json() == {
        "added": 1
    }
    removed = api.delete(
        f"/api/v1/albums/{first['id']}/photos",
        json.dumps({"ids": every[:2]}),
        content_type="application/json",
    )

    assert removed.json() == {"removed": 2}
    assert api.get(f"/api/v1/albums/{first['id']}").json()["photo_count"] == 1
    assert api.get(f"/api/v1/albums/{second['id']}").json()["photo_count"] == 1
    assert Photo.objects.count() == 3


def test_rename_describe_and_a_cover_that_must_be_in_the_album(api, three):
    album = post(api, "/api/v1/albums", {"title": "Old", "ids": [str(three[0].pk)]}).json()
    url = f"/api/v1/albums/{album['id']}"

    changed = api.patch(
        url,
        json.dumps({"title": "New", "description": "By the sea"}),
        content_type="application/json",
    )
    outside = api.patch(
        url, json.dumps({"cover_photo": str(three[1].pk)}), content_type="application/json"
    )
    post(api, f"{url}/photos", {"ids": [str(three[1].pk)]})
    chosen = api.patch(
        url, json.dumps({"cover_photo": str(three[1].pk)}), content_type="application/json"
    )

    assert (changed.json()["title"], changed.json()["description"]) == ("New", "By the sea")
    assert outside.status_code == 400 and outside.json()["code"] == "invalid"
    assert chosen.json()["cover_photo"] == str(three[1].pk)
    # Taken out of the album, it is no longer the cover.
    api.delete(
        f"{url}/photos", json.dumps({"ids": [str(three[1].pk)]}), content_type="application/json"
    )
    assert api.get(url).json()["cover_photo"] == str(three[0].pk)


def test_trashed_photos_leave_the_album_until_restored_and_purged_ones_for_good(api, three):
    album = post(api, "/api/v1/albums", {"title": "A", "ids": [str(p.pk) for p in three]}).json()
    url = f"/api/v1/albums/{album['id']}"
    gone = three[0]

    assert api.delete(f"/api/v1/photos/{gone.pk}").status_code == 204
    assert api.get(url).json()["photo_count"] == 2
    assert api.get(url).json()["cover_photo"] == str(three[1].pk)  # the first still shown
    assert str(gone.pk) not in ids(api.get("/api/v1/photos", {"album": album["id"]}))

    api.post(f"/api/v1/photos/{gone.pk}/restore")
    assert api.get(url).json()["photo_count"] == 3
    assert api.get(url).json()["cover_photo"] == str(gone.pk)

    api.delete(f"/api/v1/photos/{gone.pk}")
    assert api.delete("/api/v1/trash").json() == {"purged": 1}
    assert not AlbumPhoto.objects.filter(photo_id=gone.pk).exists()
    assert api.get(url).json()["photo_count"] == 2


def test_the_album_view_pages_like_the_timeline(api, make_photo):
    photos = [make_photo(f"{n}.jpg")[0] for n in range(5)]
    start = datetime(2020, 1, 1, tzinfo=UTC)
    for n, photo in enumerate(photos):
        retake(Photo.objects.filter(pk=photo.pk), start + timedelta(hours=n))
    album = post(api, "/api/v1/albums", {"title": "A", "ids": [str(p.pk) for p in photos]}).json()

    seen, cursor = [], None
    while True:
        query = {"album": album["id"], "limit": 2, **({"cursor": cursor} if cursor else {})}
        page = api.get("/api/v1/photos", query).json()
        seen += [item["id"] for item in page["items"]]
        if not (cursor := page["next_cursor"]):
            break

    assert seen == [str(photo.pk) for photo in reversed(photos)]


def test_deleting_an_album_keeps_its_photos(api, three):
    album = post(api, "/api/v1/albums", {"title": "A", "ids": [str(p.pk) for p in three]}).json()

    assert api.delete(f"/api/v1/albums/{album['id']}").status_code == 204

    assert api.get(f"/api/v1/albums/{album['id']}").status_code == 404
    assert api.get("/api/v1/albums").json() == {"items": []}
    assert len(ids(api.get("/api/v1/photos"))) == 3


def test_another_users_photos_and_albums_are_404_and_nothing_changes(
    api, three, make_photo, other_user
):
    theirs, _ = make_photo("theirs.jpg", owner=other_user)
    mine = post(api, "/api/v1/albums", {"title": "Mine"}).json()

    with_theirs = post(api, "/api/v1/albums", {"title": "X", "ids": [str(theirs.pk)]})
    mixed = post(
        api, f"/api/v1/albums/{mine['id']}/photos", {"ids": [str(three[0].pk), str(theirs.pk)]}
    )

    assert with_theirs.status_code == 404 and with_theirs.json()["code"] == "not_found"
    assert mixed.status_code == 404
    assert api.get(f"/api/v1/albums/{mine['id']}").json()["photo_count"] == 0
    assert [a["title"] for a in api.get("/api/v1/albums").json()["items"]] == ["Mine"]
    unknown = api.get("/api/v1/photos", {"album": "8c9b1f07-6cb5-4cfe-9f3b-6d8a4f7c6a11"})
    assert unknown.status_code == 404


def test_titles_must_be_given_and_short(api):
    assert post(api, "/api/v1/albums", {"title": ""}).status_code == 400
    assert post(api, "/api/v1/albums", {"title": "x" * 201}).status_code == 400
    assert post(api, "/api/v1/albums", {"title": "x" * 200}).status_code == 201


def test_an_albums_months_are_counted_in_the_librarys_time_zone(api, make_photo, settings):
    settings.TIME_ZONE = "Asia/Seoul"
    taken = [
        datetime(2023, 10, 31, 20, tzinfo=UTC),  # 1 November in Seoul
        datetime(2023, 10, 15, 12, tzinfo=UTC),
        datetime(2023, 10, 16, 12, tzinfo=UTC),
        datetime(2022, 1, 1, 12, tzinfo=UTC),  # in the library, not in the album
    ]
    photos = [make_photo(f"{n}.jpg")[0] for n in range(len(taken))]
    for photo, moment in zip(photos, taken, strict=True):
        retake(Photo.objects.filter(pk=photo.pk), moment)
    album = post(api, "/api/v1/albums", {"title": "A", "ids": [str(p.pk) for p in photos[:3]]})
    album_id = album.json()["id"]
    api.delete(f"/api/v1/photos/{photos[2].pk}")  # the trash leaves the album's months too

    buckets = api.get("/api/v1/timeline/buckets", {"album": album_id}).json()["buckets"]
    elsewhere = api.get("/api/v1/timeline/buckets", {"album": str(photos[0].pk)})

    assert buckets == [{"month": "2023-11", "count": 1}, {"month": "2023-10", "count": 1}]
    assert elsewhere.status_code == 404


def test_an_entry_inserted_without_the_guest_mark_is_not_a_guests(make_photo):
    """The mark has a default in the database too: during a rolling deploy, servers of the
    release before insert entries without the column."""
    from django.db import connection

    from myphoto.photos.services.albums import album_create

    photo, _ = make_photo("old server.jpg")
    album = album_create(owner=photo.owner, title="Deployed")
    prepared = [
        AlbumPhoto._meta.get_field(name).get_db_prep_value(value, connection)
        for name, value in (
            ("album", album.pk),
            ("photo", photo.pk),
            ("added_at", photo.uploaded_at),
            ("taken_at", photo.taken_at),
        )
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO photos_albumphoto (album_id, photo_id, added_at, taken_at,"
            " photo_in_trash) VALUES (%s, %s, %s, %s, false)",
            prepared,
        )
    assert AlbumPhoto.objects.get(album=album, photo=photo).added_by_guest is False
