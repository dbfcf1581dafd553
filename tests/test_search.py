"""Places named offline from GPS, and search by file name, camera, place and date: through
the API, in albums and share links, for the photos already in the library."""

from __future__ import annotations

import io
import json

import images
import pytest
from bulk import retake
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from placed import SEOUL, names

from myphoto.photos import search
from myphoto.photos.models import Photo
from myphoto.photos.services.albums import album_create
from myphoto.photos.services.shares import share_create

pytestmark = pytest.mark.django_db


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
