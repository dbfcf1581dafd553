"""Places named offline from GPS: the towns of the photos, the places command, the Places
pages and their counts, kept as photos change."""

from __future__ import annotations

import io
from collections import Counter

import images
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from placed import AREZZO, SEOUL, names

from myphoto.photos import geocoding
from myphoto.photos.models import Photo, PlaceCount, User

pytestmark = pytest.mark.django_db


def test_each_photo_with_gps_is_given_its_town_state_and_country_offline(api, library):
    places = {item["filename"]: item["place"] for item in api.get("/api/v1/photos").json()["items"]}

    assert places["벚꽃 놀이.jpg"] == {
        "city": "Seoul",
        "state": "Seoul",
        "country": "South Korea",
        "country_code": "KR",
    }
    assert places["Piazza Grande.jpg"] == {
        "city": "Arezzo",
        "state": "Tuscany",
        "country": "Italy",
        "country_code": "IT",
    }
    # The city, not Sé, the district of it that GeoNames lists nearest to its centre.
    assert places["🌸 party.jpg"] == {
        "city": "São Paulo",
        "state": "São Paulo",
        "country": "Brazil",
        "country_code": "BR",
    }
    # 800 km from the nearest island's village: no place rather than a wrong one.
    assert places["ocean.jpg"] is None
    ocean = api.get(f"/api/v1/photos/{library['ocean.jpg'].pk}").json()
    assert ocean["gps"] == {"lat": 0.0, "lon": -150.0}


@pytest.mark.parametrize(
    ("point", "named"),
    [
        ((40.7580, -73.9855), "New York City, New York, United States"),  # Times Square
        ((48.8584, 2.2945), "Paris, Île-de-France, France"),  # the Eiffel Tower
        ((-18.1416, 178.4419), "Suva, Central, Fiji"),  # beside the antimeridian
        ((78.2232, 15.6267), "Longyearbyen, Svalbard, Svalbard and Jan Mayen"),
        ((37.7456, -119.5936), "Yosemite Valley, California, United States"),
        ((23.0, 12.0), None),  # the Sahara, 200 km from any town
        ((89.9, 0.0), None),  # the North Pole
        ((91.0, 0.0), None),  # not on Earth
    ],
)
def test_a_point_is_named_after_the_city_it_is_in_and_not_beyond_the_cutoff(point, named):
    place = geocoding.place_of(*point)
    assert (str(place) if place else None) == named


def test_the_places_command_names_the_photos_uploaded_before_places_were(api, library):
    Photo.objects.update(place=None, place_text="")
    assert names(api.get("/api/v1/photos", {"q": "italy"})) == []
    out = io.StringIO()

    call_command("places", "--missing", stdout=out)

    assert "Looked up 4 photos with GPS: 3 named, 1 too far from any town" in out.getvalue()
    assert names(api.get("/api/v1/photos", {"q": "italy"})) == ["Piazza Grande.jpg"]
    assert Photo.objects.get(pk=library["벚꽃 놀이.jpg"].pk).place.city == "Seoul"
    again = io.StringIO()
    call_command("places", "--missing", stdout=again)
    assert "Looked up 1 photos with GPS: 0 named" in again.getvalue()


def test_the_places_pages_go_from_countries_to_towns_to_a_towns_timeline(
    client, user, library, other_user, after_commit
):
    from myphoto.photos.services.trash import photos_trash

    countries = client.get("/places/").content.decode()
    assert "South Korea" in countries and "Italy" in countries and "Brazil" in countries
    assert f"/photos/{library['Piazza Grande.jpg'].pk}/thumbnail" in countries  # its cover

    italy = client.get("/places/IT/").content.decode()
    arezzo = library["Piazza Grande.jpg"].place
    assert "Arezzo" in italy and "Tuscany" in italy and "Seoul" not in italy
    timeline = client.get(f"/places/IT/{arezzo.pk}/").content.decode()
    assert "Piazza Grande.jpg" in timeline and "벚꽃 놀이.jpg" not in timeline
    assert "Arezzo, Tuscany, Italy" in timeline
    assert client.get(f"/places/KR/{arezzo.pk}/")["Location"] == f"/places/IT/{arezzo.pk}/"

    # Another person has no photo there: no such place for them.
    stranger = client.__class__()
    stranger.force_login(other_user)
    assert stranger.get(f"/places/IT/{arezzo.pk}/").status_code == 404
    assert stranger.get("/places/IT/").status_code == 404

    with after_commit():
        photos_trash(owner=user, photo_ids=[library["Piazza Grande.jpg"].pk])
    assert "Italy" not in client.get("/places/").content.decode()
    assert client.get(f"/places/IT/{arezzo.pk}/").status_code == 404


def test_a_town_and_a_country_of_one_name_are_suggested_once(client, make_photo):
    make_photo("marina.jpg", data=images.jpeg_from(gps=(1.2903, 103.8519), seed=8))

    answer = client.get("/search/suggestions", {"q": "sing"}).json()

    assert answer["items"] == [{"query": "Singapore", "label": "Singapore · 1 photo", "count": 1}]


def _kept(owner) -> dict[str, int]:
    rows = PlaceCount.objects.filter(owner=owner, count__gt=0).select_related("place")
    return {row.place.city: row.count for row in rows}


def _recounted(owner) -> dict[str, int]:
    photos = Photo.objects.visible().filter(owner=owner, part_of=None, place__isnull=False)
    return dict(Counter(photos.values_list("place__city", flat=True)))


def test_the_places_counts_follow_every_change_of_a_photos_row(api, user, library, client):
    """The Places page's counts are kept by the database: uploads, the trash, an edited
    location, the archive, `places --missing`, a file going offline, deleting for good."""
    seoul_again = [
        api.post(
            "/api/v1/photos",
            {"file": SimpleUploadedFile(f"s{n}.jpg", images.jpeg_from(gps=SEOUL, seed=20 + n))},
        ).json()["items"][0]["id"]
        for n in range(3)
    ]
    stranger = User.objects.create_user("stranger")
    from myphoto.photos.services.upload import photo_upload

    photo_upload(
        owner=stranger, file=SimpleUploadedFile("x.jpg", images.jpeg_from(gps=SEOUL, seed=40))
    )
    assert _kept(user) == {"Seoul": 4, "Arezzo": 1, "São Paulo": 1} == _recounted(user)
    assert _kept(stranger) == {"Seoul": 1}

    assert api.delete(f"/api/v1/photos/{seoul_again[0]}").status_code == 204
    assert api.delete(f"/api/v1/photos/{seoul_again[1]}").status_code == 204
    assert _kept(user) == {"Seoul": 2, "Arezzo": 1, "São Paulo": 1} == _recounted(user)
    restored = api.post("/api/v1/photos/restore", {"ids": [seoul_again[1]]}, "application/json")
    assert restored.status_code == 200
    moved = api.patch(
        f"/api/v1/photos/{seoul_again[2]}",
        {"location": {"lat": AREZZO[0], "lon": AREZZO[1]}, "archived": True},
        "application/json",
    )
    assert moved.status_code == 200, moved.content
    assert _kept(user) == {"Seoul": 2, "Arezzo": 2, "São Paulo": 1} == _recounted(user)

    Photo.objects.filter(owner=user).update(place=None, place_text="")
    assert _kept(user) == {} == _recounted(user)
    call_command("places", "--missing", stdout=io.StringIO())
    Photo.objects.filter(pk=library["🌸 party.jpg"].pk).update(offline=True)
    assert _kept(user) == {"Seoul": 2, "Arezzo": 2} == _recounted(user)
    assert api.delete("/api/v1/trash").json() == {"purged": 1}
    assert _kept(user) == {"Seoul": 2, "Arezzo": 2} == _recounted(user)
    page = client.get("/places/").content.decode()
    assert "South Korea" in page and "Italy" in page and "Brazil" not in page
    assert _kept(stranger) == {"Seoul": 1}
