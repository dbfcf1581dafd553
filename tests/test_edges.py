"""What the database cannot hold is bad input, never an outage: every route walked with a
NUL in each path and query value, and words longer than PostgreSQL's index takes, on
both databases (the suite runs on each)."""

from __future__ import annotations

import uuid

import images
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from myphoto.photos.models import Photo
from myphoto.photos.services.albums import album_create
from myphoto.photos.services.shares import share_create

# Each request commits on its own, as in production: a query the database refuses does not
# leave the next requests in an aborted transaction.
pytestmark = pytest.mark.django_db(transaction=True)

NUL = "a\x00b"
# Each of these becomes four or more letters when folded (NFKD): 171 of them are one word
# of 2,052 bytes, over the 2,047 a PostgreSQL tsvector's lexeme may have.
LONG_WORD = "\u3300" * 171
# Past PostgreSQL's bigint.
HUGE = "9" * 20
METHODS = ("get", "post", "put", "patch", "delete")


def routes(patterns=None, prefix: str = "") -> list[tuple[str, URLPattern]]:
    found = []
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            found += routes(pattern.url_patterns, prefix + str(pattern.pattern))
        else:
            found.append((prefix + str(pattern.pattern), pattern))
    return found


def filled(route: str, values: dict[str, str], text: str) -> str:
    """The route with each `<converter:name>` replaced: ids by real ones, text by `text`
    (and numbers too, when `text` is a number)."""
    path = route
    while "<" in path:
        start, end = path.index("<"), path.index(">")
        converter, _, name = path[start + 1 : end].rpartition(":")
        value = values.get(name) if converter in {"uuid", "anyuuid", "sharekey", "int"} else text
        if converter == "int" and text.isdigit():
            value = text
        path = path[:start] + (value or str(uuid.uuid4())) + path[end + 1 :]
    return "/" + path


@pytest.fixture(autouse=True)
def _answers_not_raises(client, api) -> None:
    # Every route is walked: what failed is listed whole, not the first exception.
    client.raise_request_exception = api.raise_request_exception = False


@pytest.fixture
def everything(user, make_photo):
    photo, _ = make_photo("a.jpg")
    album = album_create(owner=user, title="Trip", photo_ids=[photo.pk])
    share = share_create(album=album, allow_upload=True, allow_download=True)
    return {
        "photo_id": str(photo.pk),
        "album_id": str(album.pk),
        "share_id": str(share.pk),
        "key": share.key,
        "number": "1",
        "place_id": "1",
    }


@pytest.mark.parametrize("text", [NUL, LONG_WORD, HUGE], ids=["NUL", "long word", "huge number"])
def test_every_route_takes_nul_long_words_and_huge_numbers_in_its_path_as_bad_input(
    client, api, everything, text
):
    answers = {}
    for route, _pattern in routes():
        path = filled(route, everything, text)
        for method in METHODS:
            who = api if route.startswith("api/") else client
            response = getattr(who, method)(path)
            answers[f"{method.upper()} {route}"] = response.status_code
    assert {call: status for call, status in answers.items() if status >= 500} == {}


@pytest.mark.parametrize("text", [NUL, LONG_WORD, HUGE], ids=["NUL", "long word", "huge number"])
def test_every_query_value_takes_nul_long_words_and_huge_numbers_as_bad_input(
    client, api, everything, text
):
    names = ("q", "cursor", "newer", "month", "kind", "album", "limit", "size", "layout")
    guest = Client(raise_request_exception=False)
    answers = {}
    for route, _pattern in routes():
        path = filled(route, everything, "x")
        owner = api if route.startswith("api/") else client
        for name in names:
            for who, asker in (("owner", owner), ("guest", guest)):
                response = asker.get(path, {name: text})
                answers[f"{who} GET {route}?{name}="] = response.status_code
    assert {call: status for call, status in answers.items() if status >= 500} == {}


def test_a_long_word_is_searched_as_far_as_the_index_holds_it(api, client, everything):
    name = f"{LONG_WORD} 여행.jpg"
    answer = api.post("/api/v1/photos", {"file": SimpleUploadedFile(name, images.jpeg(seed=3))})
    assert answer.status_code == 201, answer.content
    photo = Photo.objects.get(pk=answer.json()["items"][0]["id"])
    assert photo.original_name == name

    for q in (LONG_WORD, f"{LONG_WORD} 여행", "여행"):
        found = api.get("/api/v1/photos", {"q": q})
        assert found.status_code == 200, (q, found.content)
        assert [item["id"] for item in found.json()["items"]] == [str(photo.pk)]
    assert client.get("/search/", {"q": LONG_WORD}).status_code == 200
    shared = Client().get(f"/api/v1/shared/{everything['key']}/photos", {"q": LONG_WORD})
    assert shared.status_code == 200 and shared.json()["items"] == []
