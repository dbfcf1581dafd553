"""Organising: favorites, the archive, and edits that never touch the original (the date with
its offset, the place, the description, a turn), of one photo or of many at once."""

from __future__ import annotations

import io
import threading
from datetime import UTC, datetime, timedelta, timezone

import images
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from PIL import Image

from myphoto.photos.models import AlbumPhoto, MonthCount, Photo
from myphoto.photos.services.counts import month_counts_rebuild
from myphoto.photos.services.tokens import token_create
from myphoto.photos.storage import get_storage

pytestmark = pytest.mark.django_db


def upload(api, *files: tuple[str, bytes]) -> list[str]:
    response = api.post(
        "/api/v1/photos", {"file": [SimpleUploadedFile(name, data) for name, data in files]}
    )
    assert response.status_code == 201, response.content
    return [item["id"] for item in response.json()["items"]]


def patch(api, photo_id: str, body: dict):
    return api.patch(f"/api/v1/photos/{photo_id}", body, content_type="application/json")


def edit(api, body: dict):
    return api.post("/api/v1/photos/edit", body, content_type="application/json")


def body(response) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def listed(api, **query) -> list[str]:
    answer = api.get("/api/v1/photos", query)
    assert answer.status_code == 200, answer.content
    return [item["id"] for item in answer.json()["items"]]


def buckets(api, **query) -> dict[str, int]:
    answer = api.get("/api/v1/timeline/buckets", query)
    return {bucket["month"]: bucket["count"] for bucket in answer.json()["buckets"]}


def kept_counts(user) -> dict[str, int]:
    rows = MonthCount.objects.filter(owner=user, count__gt=0)
    return {f"{row.month:%Y-%m}": row.count for row in rows}


def recounted(user) -> dict[str, int]:
    month_counts_rebuild(owner=user)
    return kept_counts(user)


@pytest.fixture
def three(api):
    """Three photos taken in October, November and December 2023 (UTC)."""
    return upload(
        api,
        ("oct.jpg", images.jpeg_taken(datetime(2023, 10, 5, 12, tzinfo=UTC), seed=1)),
        ("nov.jpg", images.jpeg_taken(datetime(2023, 11, 5, 12, tzinfo=UTC), seed=2)),
        ("dec.jpg", images.jpeg_taken(datetime(2023, 12, 5, 12, tzinfo=UTC), seed=3)),
    )


def test_a_favorite_is_listed_apart_and_stays_on_the_timeline(api, three):
    oct_, nov, dec = three
    answer = patch(api, nov, {"favorite": True})

    assert answer.status_code == 200
    assert answer.json()["favorite"] is True
    assert listed(api, favorite="true") == [nov]
    assert listed(api) == [dec, nov, oct_]
    assert buckets(api, favorite="true") == {"2023-11": 1}


def test_the_archive_leaves_the_timeline_and_its_counts_but_not_albums_or_search(api, user, three):
    oct_, nov, dec = three
    album = api.post(
        "/api/v1/albums", {"title": "Autumn", "ids": three}, content_type="application/json"
    ).json()["id"]

    assert patch(api, nov, {"archived": True}).status_code == 200

    assert listed(api) == [dec, oct_]
    assert listed(api, archived="true") == [nov]
    assert buckets(api) == {"2023-12": 1, "2023-10": 1}
    assert kept_counts(user) == recounted(user) == {"2023-12": 1, "2023-10": 1}
    assert listed(api, album=album) == [dec, nov, oct_]
    assert listed(api, q="nov") == [nov]
    # Trashed and restored, it stays archived and uncounted.
    assert api.delete(f"/api/v1/photos/{nov}").status_code == 204
    assert api.post(f"/api/v1/photos/{nov}/restore").status_code == 200
    assert kept_counts(user) == {"2023-12": 1, "2023-10": 1}

    assert patch(api, nov, {"archived": False}).status_code == 200
    assert listed(api) == [dec, nov, oct_]
    assert kept_counts(user) == recounted(user) == {"2023-12": 1, "2023-11": 1, "2023-10": 1}


def test_a_date_set_by_hand_keeps_its_offset_and_moves_everything_that_follows(
    api, user, three, make_photo
):
    oct_, nov, dec = three
    album = api.post(
        "/api/v1/albums", {"title": "Trip", "ids": [nov]}, content_type="application/json"
    ).json()["id"]
    original = Photo.objects.get(pk=nov)
    before = get_storage().read_bytes(original.storage_key)

    answer = patch(api, nov, {"taken_at": "2019-07-14T09:30:00+09:00"})

    assert answer.status_code == 200, answer.content
    photo = answer.json()
    assert photo["taken_at"] == "2019-07-14T09:30:00+09:00"
    assert photo["taken_at_source"] == "edited"
    assert kept_counts(user) == recounted(user) == {"2023-12": 1, "2019-07": 1, "2023-10": 1}
    assert listed(api, q="july 2019") == [nov]
    assert listed(api, q="november 2023") == []
    assert AlbumPhoto.objects.get(photo_id=nov).taken_at == datetime(2019, 7, 14, 0, 30, tzinfo=UTC)
    assert api.get(f"/api/v1/albums/{album}").json()["taken_from"].startswith("2019-07-14")
    assert get_storage().read_bytes(original.storage_key) == before


def test_a_date_from_an_import_says_so_and_keeps_the_offset_the_photo_shows(api, user):
    """Google and iCloud know an instant, not the zone it was taken in."""
    taken = datetime(2023, 10, 5, 12, tzinfo=timezone(timedelta(hours=9)))
    (seoul,) = upload(api, ("seoul.jpg", images.jpeg_taken(taken, seed=4)))
    (undated,) = upload(api, ("scan.jpg", images.jpeg(seed=5)))

    moved = patch(api, seoul, {"taken_at": "2019-07-14T00:30:00Z", "taken_at_source": "sidecar"})
    dated = edit(
        api, {"ids": [undated], "taken_at": "2001-02-03T04:05:06Z", "taken_at_source": "sidecar"}
    )

    assert moved.status_code == 200, moved.content
    assert moved.json()["taken_at"] == "2019-07-14T09:30:00+09:00"
    assert moved.json()["taken_at_source"] == "sidecar"
    assert dated.status_code == 200, dated.content
    photo = Photo.objects.get(pk=undated)
    assert photo.taken_at == datetime(2001, 2, 3, 4, 5, 6, tzinfo=UTC)
    assert photo.taken_at_offset is None
    assert photo.taken_at_source == "sidecar"
    assert kept_counts(user) == recounted(user)
    alone = patch(api, seoul, {"taken_at_source": "sidecar", "favorite": True})
    assert alone.status_code == 400
    assert alone.json()["detail"] == "taken_at_source goes with a new date."
    assert not Photo.objects.get(pk=seoul).favorite


def test_a_place_is_set_by_town_coordinates_and_cleared(api, three):
    photo = three[0]
    answer = patch(api, photo, {"location": {"lat": 37.5665, "lon": 126.978}})

    assert answer.status_code == 200, answer.content
    assert answer.json()["gps"] == {"lat": 37.5665, "lon": 126.978}
    assert answer.json()["place"]["city"] == "Seoul"
    assert listed(api, q="seoul") == [photo]

    cleared = patch(api, photo, {"location": None}).json()
    assert cleared["gps"] is None and cleared["place"] is None
    assert listed(api, q="seoul") == []
    assert Photo.objects.get(pk=photo).location_edited


def test_a_description_is_searched(api, three):
    patch(api, three[1], {"description": "Grandma's 90th birthday 🎂"})

    assert listed(api, q="grandma birthday") == [three[1]]
    assert api.get(f"/api/v1/photos/{three[1]}").json()["description"].startswith("Grandma")


def test_many_at_once_shift_the_clock_keep_the_offset_and_undo(api, user, three):
    oct_, nov, dec = three
    Photo.objects.filter(pk=dec).update(taken_at_offset=540)  # +09:00, as its camera said

    answer = edit(api, {"ids": [nov, dec], "shift_seconds": -31 * 24 * 3600})

    assert answer.status_code == 200, answer.content
    assert answer.json()["updated"] == 2
    shifted = api.get(f"/api/v1/photos/{dec}").json()
    assert shifted["taken_at"] == "2023-11-04T21:00:00+09:00"
    assert shifted["taken_at_source"] == "edited"
    assert kept_counts(user) == recounted(user) == {"2023-11": 1, "2023-10": 2}

    undone = api.post(
        "/api/v1/photos/edit/undo", {"undo": answer.json()["undo"]}, content_type="application/json"
    )

    assert undone.status_code == 200 and undone.json() == {"restored": 2}
    back = api.get(f"/api/v1/photos/{dec}").json()
    assert back["taken_at"] == "2023-12-05T21:00:00+09:00"
    assert back["taken_at_source"] == "exif"
    assert kept_counts(user) == recounted(user) == {"2023-12": 1, "2023-11": 1, "2023-10": 1}
    again = api.post(
        "/api/v1/photos/edit/undo", {"undo": answer.json()["undo"]}, content_type="application/json"
    )
    assert again.status_code == 404


def test_many_at_once_favorite_archive_and_place_in_one_request(api, user, three):
    answer = edit(
        api,
        {
            "ids": three,
            "favorite": True,
            "archived": True,
            "location": {"lat": 48.8566, "lon": 2.35},
        },
    )

    assert answer.status_code == 200, answer.content
    assert listed(api) == []
    assert sorted(listed(api, favorite="true")) == sorted(three)
    assert sorted(listed(api, q="paris")) == sorted(three)
    assert kept_counts(user) == {}


@pytest.mark.parametrize(
    "body",
    [
        {"taken_at": "1825-12-31T23:00:00+00:00"},
        {"taken_at": (datetime.now(UTC) + timedelta(days=3)).isoformat()},
        {"taken_at": "2020-01-01T00:00:00"},
        {"taken_at": "2020-01-01T00:00:00+23:00"},
        {"location": {"lat": 91, "lon": 0}},
        {"location": {"lat": 0, "lon": -180.5}},
        {"location": {"lat": "north", "lon": 0}},
        {"rotate": 45},
        {"favorite": "yes"},
        {"description": "a\u0000b"},
        {},
    ],
)
def test_an_impossible_edit_is_a_400_and_changes_nothing(api, three, body):
    before = list(Photo.objects.filter(pk=three[0]).values())

    answer = patch(api, three[0], body)

    assert answer.status_code == 400, answer.content
    assert answer.json()["code"] == "invalid"
    assert list(Photo.objects.filter(pk=three[0]).values()) == before


def test_many_at_once_is_all_or_nothing(api, user, other_user, three, make_photo):
    foreign, _ = make_photo("theirs.jpg", owner=other_user)
    before = list(Photo.objects.order_by("pk").values())

    for body, status in [
        ({"ids": [*three, str(foreign.pk)], "favorite": True}, 404),
        ({"ids": [], "favorite": True}, 400),
        ({"ids": ["0" * 8 + "-0000-0000-0000-" + "0" * 12] * 100_001, "favorite": True}, 400),
        ({"ids": three, "shift_seconds": -200 * 365 * 24 * 3600}, 400),  # before 1826
        ({"ids": three, "taken_at": "2020-01-01T00:00:00+00:00", "shift_seconds": 60}, 400),
        ({"ids": three}, 400),
    ]:
        answer = edit(api, body)
        assert answer.status_code == status, (body, answer.content)
        assert answer.json()["code"] in {"invalid", "not_found"}

    assert list(Photo.objects.order_by("pk").values()) == before


def test_another_users_photo_or_undo_cannot_be_used(client, api, other_user, make_photo):
    theirs, _ = make_photo("theirs.jpg", owner=other_user)
    mine, _ = make_photo("mine.jpg")
    undo = edit(api, {"ids": [str(mine.pk)], "description": "mine"}).json()["undo"]
    assert (
        Client(headers={"Authorization": f"Bearer {token_create(user=other_user)[1]}"})
        .post("/api/v1/photos/edit/undo", {"undo": undo}, content_type="application/json")
        .status_code
        == 404
    )
    assert Photo.objects.get(pk=mine.pk).description == "mine"

    answer = client.patch(
        f"/api/v1/photos/{theirs.pk}", {"favorite": True}, content_type="application/json"
    )

    assert answer.status_code == 404
    assert not Photo.objects.get(pk=theirs.pk).favorite


def test_a_turn_remakes_the_thumbnails_turned_and_keeps_the_original(api, after_commit):
    # Wider than tall, with a red left half: turned 90° clockwise, red is on top.
    image = Image.new("RGB", (400, 200), "blue")
    image.paste((255, 0, 0), (0, 0, 200, 200))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=95)
    with after_commit():
        (photo_id,) = upload(api, ("wide.jpg", out.getvalue()))

    with after_commit():
        answer = patch(api, photo_id, {"rotate": 90})

    assert answer.status_code == 200, answer.content
    assert answer.json()["rotation"] == 90
    thumbnail = api.get(f"/api/v1/photos/{photo_id}/thumbnail?size=sm")
    assert thumbnail.status_code == 200
    turned = Image.open(io.BytesIO(body(thumbnail))).convert("RGB")
    assert turned.width < turned.height
    top, bottom = (
        turned.getpixel((turned.width // 2, 5)),
        turned.getpixel((turned.width // 2, turned.height - 5)),
    )
    assert top[0] > 200 and top[2] < 60, top
    assert bottom[2] > 200 and bottom[0] < 60, bottom
    download = api.get(f"/api/v1/photos/{photo_id}/download")
    assert body(download) == out.getvalue()

    assert patch(api, photo_id, {"rotate": -90}).json()["rotation"] == 0
    assert patch(api, photo_id, {"rotate": 180}).json()["rotation"] == 180


@pytest.mark.django_db(transaction=True)
def test_two_edits_of_one_photo_at_once_end_as_one_of_them(api, user):
    (photo_id,) = upload(api, ("a.jpg", images.jpeg(seed=7)))
    bodies = [
        {"description": "first", "taken_at": "2001-01-01T00:00:00+00:00", "favorite": True},
        {"description": "second", "taken_at": "2002-02-02T00:00:00+00:00", "favorite": False},
    ]
    start = threading.Barrier(2)

    def send(body):
        start.wait()
        try:
            patch(api, photo_id, body)
        finally:
            connection.close()

    for _ in range(5):
        threads = [threading.Thread(target=send, args=(body,)) for body in bodies]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        photo = Photo.objects.get(pk=photo_id)
        ended = (photo.description, photo.taken_at.year, photo.favorite)
        assert ended in {("first", 2001, True), ("second", 2002, False)}
    assert kept_counts(user) == recounted(user)


def test_without_javascript_the_selection_bar_favorites_and_archives(client, make_photo):
    photo, _ = make_photo("a.jpg")

    answer = client.post(
        "/photos/mark", {"ids": [str(photo.pk)], "mark": "archive", "next": "/favorites/"}
    )

    assert answer.status_code == 302 and answer["Location"] == "/favorites/"
    assert Photo.objects.get(pk=photo.pk).archived
    page = client.get("/archive/").content.decode()
    assert f"tile-{photo.pk}" in page and "Unarchive" in page
    assert f"tile-{photo.pk}" not in client.get("/").content.decode()

    client.post("/photos/mark", {"ids": [str(photo.pk)], "mark": "favorite"})
    assert f"tile-{photo.pk}" in client.get("/favorites/").content.decode()
    assert client.post("/photos/mark", {"ids": [str(photo.pk)], "mark": "x"}).status_code == 302
    assert Photo.objects.get(pk=photo.pk).favorite


def test_a_video_is_not_turned(api, three):
    import videos

    (video,) = upload(api, ("clip.mp4", videos.phone_video(seconds=1.0)))

    answer = patch(api, video, {"rotate": 90})

    assert answer.status_code == 400 and "Videos cannot be turned" in answer.json()["detail"]
    assert Photo.objects.get(pk=video).rotation == 0
    assert patch(api, video, {"favorite": True}).json()["favorite"] is True
