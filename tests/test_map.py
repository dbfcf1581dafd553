"""`GET /map/clusters`: the caller's photos with GPS in a box, clustered by the server from
the kept cells (moved by the database's triggers on every change of a photo's row);
boxes across the antimeridian and past ±180°, bad boxes and zooms refused in JSON."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import images
import pytest
from bulk import bulk_photos
from django.core.files.uploadedfile import SimpleUploadedFile

from myphoto.photos.models import MapCell, Photo

pytestmark = pytest.mark.django_db

SEOUL = [(37.5665, 126.978), (37.5700, 126.9820), (37.5512, 126.9882)]
BUSAN = [(35.1796, 129.0756)]
PARIS = [(48.8566, 2.3522), (48.8606, 2.3376)]
FIJI, SAMOA = (-17.7134, 178.065), (-13.759, -172.1046)
WORLD = "-180,-90,180,90"
KOREA = "124,33,132,39"


def placed(owner, points: list[tuple[float, float]], **fields) -> list[Photo]:
    """Photos at these points, made straight in the database (its triggers count them)."""
    taken = datetime(2024, 5, 4, tzinfo=UTC)
    return bulk_photos(owner, len(points), start=taken, every=timedelta(0), points=points, **fields)


def clusters(client, bbox: str, zoom: int, **more) -> list[dict]:
    query = "&".join(
        f"{name}={value}" for name, value in {"bbox": bbox, "zoom": zoom, **more}.items()
    )
    answer = client.get(f"/api/v1/map/clusters?{query}")
    assert answer.status_code == 200, answer.content
    return answer.json()["clusters"]


def total(found: list[dict]) -> int:
    return sum(cluster["count"] for cluster in found)


@pytest.mark.parametrize("zoom", [0, 3, 6, 10, 14, 18])
def test_the_counts_sum_to_the_photos_at_every_zoom(client, user, zoom):
    placed(user, SEOUL + BUSAN + PARIS)

    everything = clusters(client, WORLD, zoom)
    korea = clusters(client, KOREA, zoom)

    assert total(everything) == 6
    assert total(korea) == 4
    assert len(everything) <= 200
    for cluster in everything:
        south, west, north, east = cluster["bounds"]
        assert south <= cluster["lat"] <= north and west <= cluster["lon"] <= east
        assert cluster["photo"]["gps"] is not None


def test_a_street_shows_its_own_photos_apart(client, user):
    placed(user, SEOUL)

    found = clusters(client, "126.97,37.54,127.0,37.58", 16)

    assert sorted(cluster["count"] for cluster in found) == [1, 1, 1]


def test_uploads_trash_restore_and_a_moved_place_move_the_counts(client, user, after_commit):
    with after_commit():
        answer = client.post(
            "/api/v1/photos",
            {"file": SimpleUploadedFile("seoul.jpg", images.jpeg_from(gps=SEOUL[0]))},
        )
    photo_id = answer.json()["items"][0]["id"]
    assert total(clusters(client, KOREA, 6)) == 1

    client.delete(f"/api/v1/photos/{photo_id}")
    assert total(clusters(client, KOREA, 6)) == 0
    client.post(f"/api/v1/photos/{photo_id}/restore")
    assert total(clusters(client, KOREA, 6)) == 1

    moved = client.patch(
        f"/api/v1/photos/{photo_id}",
        {"location": {"lat": PARIS[0][0], "lon": PARIS[0][1]}},
        content_type="application/json",
    )
    assert moved.status_code == 200, moved.content
    assert total(clusters(client, KOREA, 6)) == 0
    [paris] = clusters(client, "0,45,5,50", 8)
    assert paris["count"] == 1 and paris["photo"]["id"] == photo_id


def test_a_shots_other_file_and_another_persons_photos_are_not_on_my_map(client, user, other_user):
    [still] = placed(user, SEOUL[:1])
    placed(user, SEOUL[:1], part_of=still)  # a RAW beside its JPEG: one item
    placed(other_user, SEOUL + BUSAN)

    assert total(clusters(client, WORLD, 2)) == 1
    assert MapCell.objects.filter(owner=other_user, level=2).get().count == 4


def test_a_box_across_the_antimeridian_and_one_past_180(client, user):
    placed(user, [FIJI, SAMOA, *PARIS])

    assert total(clusters(client, "170,-25,-165,-5", 5)) == 2  # west > east: across 180°
    assert total(clusters(client, "-190,-25,-165,-5", 5)) == 2  # 170° E, written as -190°
    assert total(clusters(client, "-540,-100,540,100", 1)) == 4  # round the world and more


def test_a_cover_that_went_is_found_again(client, user):
    photos = placed(user, SEOUL)
    for photo in photos:  # whichever each cell keeps as its cover goes
        Photo.objects.filter(pk=photo.pk).update(gps_lat=photo.gps_lat)
    Photo.objects.filter(pk=photos[0].pk).update(deleted_at=datetime.now(UTC))

    [cluster] = clusters(client, KOREA, 6)

    assert cluster["count"] == 2
    assert cluster["photo"]["id"] in {str(photos[1].pk), str(photos[2].pk)}


def test_a_cover_that_moved_elsewhere_is_not_shown_where_it_was(client, user):
    photos = placed(user, SEOUL[:2])
    [before] = clusters(client, KOREA, 6)
    cover = next(p for p in photos if str(p.pk) == before["photo"]["id"])
    Photo.objects.filter(pk=cover.pk).update(gps_lat=PARIS[0][0], gps_lon=PARIS[0][1])

    [seoul] = clusters(client, KOREA, 6)

    assert seoul["count"] == 1 and seoul["photo"]["id"] != str(cover.pk)


def test_more_than_200_cells_are_shown_a_grid_coarser(client, user):
    points = [(-60 + row * 0.9, -170 + column * 1.7) for row in range(15) for column in range(20)]
    placed(user, points)

    found = clusters(client, WORLD, 6)

    assert len(found) <= 200 and total(found) == 300


def test_an_album_a_search_and_a_place_have_maps_of_their_own(client, user, after_commit):
    with after_commit():
        answer = client.post(
            "/api/v1/photos",
            {
                "file": [
                    SimpleUploadedFile("a.jpg", images.jpeg_from(gps=SEOUL[0], seed=1)),
                    SimpleUploadedFile("b.jpg", images.jpeg_from(gps=PARIS[0], seed=2)),
                ]
            },
        )
    seoul, paris = (item["id"] for item in answer.json()["items"])
    album = client.post(
        "/api/v1/albums", {"title": "Paris", "ids": [paris]}, content_type="application/json"
    ).json()
    place = Photo.objects.get(pk=seoul).place_id

    assert total(clusters(client, WORLD, 3, album=album["id"])) == 1
    assert total(clusters(client, WORLD, 3, q="paris")) == 1
    [only] = clusters(client, WORLD, 3, place=place)
    assert only["photo"]["id"] == seoul


@pytest.mark.parametrize(
    "query",
    [
        "bbox=1,2,3&zoom=3",
        "bbox=a,b,c,d&zoom=3",
        "bbox=0,0,nan,1&zoom=3",
        f"bbox={WORLD}&zoom=25",
        f"bbox={WORLD}&zoom=-1",
        "zoom=3",
    ],
)
def test_bad_boxes_and_zooms_are_json_400s(client, query):
    answer = client.get(f"/api/v1/map/clusters?{query}")

    assert answer.status_code == 400, answer.content
    assert answer["Content-Type"].startswith("application/json")


def test_another_persons_album_is_a_404(client, other_user):
    from myphoto.photos.services.albums import album_create

    theirs = album_create(owner=other_user, title="Theirs", photo_ids=[])

    answer = client.get(f"/api/v1/map/clusters?bbox={WORLD}&zoom=2&album={theirs.pk}")

    assert answer.status_code == 404 and answer.json()["code"] == "not_found"
