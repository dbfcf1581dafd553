"""Places named offline from GPS, and search by file name, camera, place and date: through
the API, in albums and share links, for the photos already in the library."""

from __future__ import annotations

import io
import json
from collections import Counter

import images
import pytest
from bulk import retake
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from myphoto.photos import geocoding, search
from myphoto.photos.models import Photo, PlaceCount, User
from myphoto.photos.services.albums import album_create
from myphoto.photos.services.shares import share_create

pytestmark = pytest.mark.django_db

SEOUL = (37.5665, 126.9780)
AREZZO = (43.4633, 11.8797)
SAO_PAULO = (-23.5505, -46.6333)
MID_PACIFIC = (0.0, -150.0)


@pytest.fixture
def library(user, after_commit) -> dict[str, Photo]:
    """Four photos from three continents and the middle of the Pacific."""
    from myphoto.photos.services.upload import photo_upload

    made = {
        "벚꽃 놀이.jpg": images.jpeg_from(
            taken="2023:10:11 14:15:16", gps=SEOUL, make="Apple", model="iPhone 15 Pro", seed=1
        ),
        "Piazza Grande.jpg": images.jpeg_from(
            taken="2022:05:03 10:00:00", gps=AREZZO, make="Canon", model="Canon EOS R5", seed=2
        ),
        "🌸 party.jpg": images.jpeg_from(
            taken="2023:01:20 21:30:00", gps=SAO_PAULO, make="samsung", model="SM-S918B", seed=3
        ),
        "ocean.jpg": images.jpeg_from(taken="2021:07:04 08:00:00", gps=MID_PACIFIC, seed=4),
    }
    photos = {}
    for name, data in made.items():
        with after_commit():
            photos[name] = photo_upload(owner=user, file=SimpleUploadedFile(name, data)).photo
    return photos


def names(answer) -> list[str]:
    assert answer.status_code == 200, answer.content
    return [item["filename"] for item in answer.json()["items"]]


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


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("seoul", ["벚꽃 놀이.jpg"]),
        ("SEOUL iphone 2023", ["벚꽃 놀이.jpg"]),
        ("iPhone", ["벚꽃 놀이.jpg"]),
        ("벚꽃", ["벚꽃 놀이.jpg"]),
        ("놀이", ["벚꽃 놀이.jpg"]),
        ("🌸", ["🌸 party.jpg"]),
        ("sao paulo", ["🌸 party.jpg"]),
        ("SÃO PAULO brazil", ["🌸 party.jpg"]),
        ("tuscany", ["Piazza Grande.jpg"]),
        ("italy canon", ["Piazza Grande.jpg"]),
        ("eos r5", ["Piazza Grande.jpg"]),
        ("october 2023", ["벚꽃 놀이.jpg"]),
        ("2023-10", ["벚꽃 놀이.jpg"]),
        ("oct", ["벚꽃 놀이.jpg"]),  # the last word as it is being typed
        ("2022 pia", ["Piazza Grande.jpg"]),
        ("pia 2022", []),  # but the others whole
        ("2023", ["벚꽃 놀이.jpg", "🌸 party.jpg"]),
        ("may 2022", ["Piazza Grande.jpg"]),
        ("2022-5", ["Piazza Grande.jpg"]),
        ("ocean", ["ocean.jpg"]),
        ("seoul 2022", []),
        ("kiribati", []),  # the nearest island to the ocean photo is not where it was taken
        ("october 2022", []),
        ("", ["벚꽃 놀이.jpg", "🌸 party.jpg", "Piazza Grande.jpg", "ocean.jpg"]),
    ],
)
def test_every_word_must_match_the_name_camera_place_or_month(api, library, query, found):
    assert names(api.get("/api/v1/photos", {"q": query})) == found


def test_a_search_pages_and_counts_its_months_like_the_timeline(api, library):
    first = api.get("/api/v1/photos", {"q": "2023", "limit": 1}).json()
    second = api.get("/api/v1/photos", {"q": "2023", "limit": 1, "cursor": first["next_cursor"]})

    assert [item["filename"] for item in first["items"]] == ["벚꽃 놀이.jpg"]
    assert names(second) == ["🌸 party.jpg"] and second.json()["next_cursor"] is None
    buckets = api.get("/api/v1/timeline/buckets", {"q": "2023"}).json()["buckets"]
    assert buckets == [{"month": "2023-10", "count": 1}, {"month": "2023-01", "count": 1}]


def test_a_search_narrows_an_album_and_a_kind(api, user, library):
    album = album_create(
        owner=user,
        title="Trips",
        photo_ids=[library["Piazza Grande.jpg"].pk, library["🌸 party.jpg"].pk],
    )

    assert names(api.get("/api/v1/photos", {"q": "2023", "album": str(album.pk)})) == [
        "🌸 party.jpg"
    ]
    assert api.get("/api/v1/timeline/buckets", {"q": "italy", "album": str(album.pk)}).json() == {
        "buckets": [{"month": "2022-05", "count": 1}]
    }
    assert names(api.get("/api/v1/photos", {"q": "seoul", "kind": "photo"})) == ["벚꽃 놀이.jpg"]
    assert names(api.get("/api/v1/photos", {"q": "seoul", "kind": "video"})) == []


def test_a_video_is_placed_and_found_like_a_photo(api, user, after_commit):
    import videos

    from myphoto.photos.services.upload import photo_upload

    with after_commit():
        clip = photo_upload(
            owner=user, file=SimpleUploadedFile("clip.mov", videos.phone_video(seconds=0.5))
        ).photo

    answer = api.get(f"/api/v1/photos/{clip.pk}").json()
    assert answer["kind"] == "video" and answer["place"]["city"] == "Seoul"
    assert names(api.get("/api/v1/photos", {"q": "seoul", "kind": "video"})) == ["clip.mov"]


def test_another_users_photos_are_never_found(api, library, other_user, after_commit):
    from myphoto.photos.services.upload import photo_upload

    with after_commit():
        photo_upload(
            owner=other_user,
            file=SimpleUploadedFile("seoul 벚꽃.jpg", images.jpeg_from(gps=SEOUL, seed=9)),
        )

    assert names(api.get("/api/v1/photos", {"q": "seoul"})) == ["벚꽃 놀이.jpg"]
    assert names(api.get("/api/v1/photos", {"q": "벚꽃"})) == ["벚꽃 놀이.jpg"]


def test_a_share_link_is_searched_by_place_only_if_it_shows_places(client, user, library):
    album = album_create(owner=user, title="Spring", photo_ids=[library["벚꽃 놀이.jpg"].pk])
    hidden = share_create(album=album).key
    shown = share_create(album=album, show_location=True).key

    assert names(client.get(f"/api/v1/shared/{hidden}/photos", {"q": "seoul"})) == []
    assert names(client.get(f"/api/v1/shared/{hidden}/photos", {"q": "벚꽃 2023"})) == [
        "벚꽃 놀이.jpg"
    ]
    assert client.get(f"/api/v1/shared/{hidden}/photos").json()["items"][0]["place"] is None
    assert names(client.get(f"/api/v1/shared/{shown}/photos", {"q": "seoul"})) == ["벚꽃 놀이.jpg"]
    assert client.get(f"/api/v1/shared/{shown}/photos").json()["items"][0]["place"]["city"] == (
        "Seoul"
    )


def test_a_query_too_long_to_search_is_a_clear_400(api, library):
    many = api.get("/api/v1/photos", {"q": " ".join(f"w{n}" for n in range(11))})
    long = api.get("/api/v1/photos", {"q": "x" * 201})

    assert many.status_code == 400 and many.json()["code"] == "invalid"
    assert "at most 10 words" in many.json()["detail"]
    assert long.status_code == 400 and long.json()["code"] == "invalid"
    marks = api.get("/api/v1/photos", {"q": "!!! ..."})
    assert marks.status_code == 400 and "no words to search for" in marks.json()["detail"]


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


def test_a_photo_retaken_in_another_month_is_found_by_its_new_month(api, library):
    retake(Photo.objects.filter(pk=library["ocean.jpg"].pk), library["벚꽃 놀이.jpg"].taken_at)

    assert names(api.get("/api/v1/photos", {"q": "ocean october 2023"})) == ["ocean.jpg"]


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("IMG_2023 🌸벚꽃.jpg", ["img", "2023", "🌸", "벚꽃", "jpg"]),
        ("São Paulo", ["sao", "paulo"]),
        ("Straße", ["strasse"]),
        ("👨‍👩‍👧 family", ["👨\u200d👩\u200d👧", "family"]),
    ],
)
def test_words_are_folded_the_same_way_for_photos_and_queries(text, found):
    assert search.words(text) == found


def test_month_words_are_one_term_each():
    assert search.parse("seoul 2023-1 iphone").terms == ("seoul", "2023-01", "iphone")
    assert search.parse("paulo sao paulo").terms == ("sao", "paulo")  # the last stays last
    assert json.dumps(search.parse("").terms) == "[]"


# The pages: the search box's results, its suggestions, and the Places pages.


def test_the_search_page_is_a_timeline_of_what_the_words_find(client, library):
    page = client.get("/search/", {"q": "Seoul 2023"})

    html = page.content.decode()
    assert page.status_code == 200
    assert "벚꽃 놀이.jpg" in html and "Piazza Grande.jpg" not in html
    assert 'value="Seoul 2023"' in html
    assert 'data-place="Seoul, South Korea"' in html
    assert "1 photo<" in client.get("/search/months", {"q": "Seoul 2023"}).content.decode()
    # A month of the results, as the scrubber asks for it, keeps the words.
    in_january = client.get("/search/", {"q": "2023", "month": "2023-01"}, HTTP_HX_REQUEST="true")
    assert "🌸 party.jpg" in in_january.content.decode()
    assert "벚꽃 놀이.jpg" not in in_january.content.decode()


def test_the_search_page_pages_on_with_the_words_in_its_links(client, library, monkeypatch):
    from myphoto.photos.web import timeline

    monkeypatch.setattr(timeline, "PAGE_SIZE", 1)
    first = client.get("/search/", {"q": "2023"}).content.decode()
    assert "벚꽃 놀이.jpg" in first and "🌸 party.jpg" not in first
    older = first.split('hx-get="/search/?')[1].split('"')[0].replace("&amp;", "&")
    assert older.startswith("q=2023&cursor=")
    second = client.get(f"/search/?{older}", HTTP_HX_REQUEST="true").content.decode()
    assert "🌸 party.jpg" in second and "벚꽃 놀이.jpg" not in second


def test_an_empty_or_too_long_search_says_what_to_do(client, library):
    empty = client.get("/search/")
    too_many = client.get("/search/", {"q": " ".join(f"w{n}" for n in range(11))}, follow=True)

    assert empty.status_code == 200 and "Search your photos" in empty.content.decode()
    assert "at most 10 words" in too_many.content.decode()


def test_suggestions_complete_the_last_word_with_places_and_cameras_and_counts(client, library):
    def suggested(typed: str) -> list[tuple[str, str]]:
        answer = client.get("/search/suggestions", {"q": typed}).json()
        return [(item["query"], item["label"]) for item in answer["items"]]

    assert suggested("2023 se") == [("2023 Seoul", "Seoul, South Korea · 1 photo")]
    assert ("São Paulo", "São Paulo, Brazil · 1 photo") in suggested("sã")
    assert ("Italy", "Italy · 1 photo") in suggested("it")
    assert suggested("ca") == [("Canon EOS R5", "Camera: Canon EOS R5 · 1 photo")]
    assert suggested("seoul ") == [] and suggested("") == []
    korean = client.get("/search/suggestions", {"q": "ca"}, headers={"accept-language": "ko"})
    assert korean.json()["items"][0]["label"] == "카메라: Canon EOS R5 · 사진 1장"


def test_a_search_page_shows_its_photos_first_and_asks_for_its_months_after(client, library):
    """Counting a common word's months reads every photo it finds: the page does not wait."""
    page = client.get("/search/", {"q": "2023", "month": "2023-01"}).content.decode()
    assert "🌸 party.jpg" in page and "Piazza Grande.jpg" not in page
    assert 'data-count=""' in page and "scrubber-months" not in page
    assert 'hx-get="/search/months?q=2023&amp;month=2023-01"' in page

    months = client.get("/search/months", {"q": "2023", "month": "2023-01"})

    assert months.status_code == 200
    html = months.content.decode()
    assert 'data-count="2" hx-swap-oob="true">2 photos</small>' in html
    scrubber = json.loads(
        html.split('id="scrubber-months" type="application/json">')[1].split("<")[0]
    )
    assert [month["month"] for month in scrubber] == ["2023-10", "2023-01"]
    many_words = " ".join(f"w{n}" for n in range(11))
    assert client.get("/search/months", {"q": many_words}).status_code == 400
    nothing = client.get("/search/months", {"q": "atlantis"}).content.decode()
    assert 'data-count="0"' in nothing and "scrubber-months" not in nothing


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


def test_recount_writes_the_months_again_after_the_time_zone_changed(
    api, user, settings, make_photo
):
    late = images.jpeg_from(taken="2023:10:31 23:30:00", seed=5)  # no offset: the library's time
    make_photo("halloween.jpg", data=late)
    assert names(api.get("/api/v1/photos", {"q": "october 2023"})) == ["halloween.jpg"]

    settings.TIME_ZONE = "Asia/Seoul"  # 08:30 on the 1st of November there
    call_command("recount", stdout=io.StringIO())

    assert names(api.get("/api/v1/photos", {"q": "november 2023"})) == ["halloween.jpg"]
    assert names(api.get("/api/v1/photos", {"q": "2023-10"})) == []


def test_a_month_of_the_results_leads_up_to_the_newer_ones(client, library):
    january = client.get("/search/", {"q": "2023", "month": "2023-01"}).content.decode()

    assert "🌸 party.jpg" in january and "벚꽃 놀이.jpg" not in january
    newer = january.split('hx-get="/search/?')[1].split('"')[0].replace("&amp;", "&")
    assert newer.startswith("q=2023&newer=")
    above = client.get(f"/search/?{newer}", HTTP_HX_REQUEST="true").content.decode()
    assert "벚꽃 놀이.jpg" in above and "🌸 party.jpg" not in above
    # At the top already: nothing newer to lead to.
    october = client.get("/search/", {"q": "2023", "month": "2023-10"}).content.decode()
    assert "newer=" not in october


def test_a_town_and_a_country_of_one_name_are_suggested_once(client, make_photo):
    make_photo("marina.jpg", data=images.jpeg_from(gps=(1.2903, 103.8519), seed=8))

    answer = client.get("/search/suggestions", {"q": "sing"}).json()

    assert answer["items"] == [{"query": "Singapore", "label": "Singapore · 1 photo", "count": 1}]


def _kept(owner) -> dict[str, int]:
    rows = PlaceCount.objects.filter(owner=owner, count__gt=0).select_related("place")
    return {row.place.city: row.count for row in rows}


def _recounted(owner) -> dict[str, int]:
    photos = Photo.objects.visible().filter(owner=owner, live_of=None, place__isnull=False)
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
