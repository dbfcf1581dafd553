"""People through the API (API.md "Rediscovering"): listed, named, hidden, merged; a
person's photos; who is in a photo; `q` finding people by name; private to their owner."""

from __future__ import annotations

import json

import faces
import pytest

from myphoto.photos.models import Face, Person
from myphoto.photos.services.albums import album_create, album_member_set
from myphoto.photos.services.shares import share_create
from myphoto.photos.services.tokens import token_create


@pytest.fixture
def mum(faces_on, make_photo, user):
    """Two photos of one person (a real face), taken in 2023 and 2024, and one without."""
    photos = [
        make_photo(f"mum {year}.jpg", data=faces.astronaut(n, taken=f"{year}:05:05 10:00:00"))[0]
        for n, year in enumerate((2023, 2024))
    ]
    make_photo("hills.jpg")
    person = Person.objects.get(owner=user)
    return person, photos


def patch(api, path: str, body: dict):
    return api.patch(path, json.dumps(body), content_type="application/json")


def test_people_are_listed_named_and_found_by_name_with_a_year(api, mum):
    person, photos = mum
    listed = api.get("/api/v1/people").json()["items"]
    assert listed == [
        {
            "id": str(person.pk),
            "name": None,
            "hidden": False,
            "face_count": 2,
            "photo_count": 2,
            "cover_thumbnail_url": f"/api/v1/faces/{person.cover_id}/crop",
        }
    ]
    crop = api.get(listed[0]["cover_thumbnail_url"])
    assert crop.status_code == 200 and crop["Content-Type"] == "image/webp"
    assert "immutable" in crop["Cache-Control"]

    named = patch(api, f"/api/v1/people/{person.pk}", {"name": "엄마"})
    assert named.status_code == 200 and named.json()["name"] == "엄마"

    theirs = api.get("/api/v1/photos", {"person": person.pk}).json()["items"]
    assert [p["id"] for p in theirs] == [str(photos[1].pk), str(photos[0].pk)]
    assert theirs[0]["people"] == [{"id": str(person.pk), "name": "엄마"}]
    found = api.get("/api/v1/photos", {"q": "엄마 2023"}).json()["items"]
    assert [p["id"] for p in found] == [str(photos[0].pk)]
    assert api.get("/api/v1/photos", {"q": "엄마 2022"}).json()["items"] == []
    detail = api.get(f"/api/v1/photos/{photos[0].pk}").json()
    assert detail["people"] == [{"id": str(person.pk), "name": "엄마"}]


def test_bad_names_merges_and_other_peoples_people_are_json_errors(api, mum, other_user):
    person, _ = mum
    long = patch(api, f"/api/v1/people/{person.pk}", {"name": "가" * 10_000})
    assert long.status_code == 400 and long.json()["code"] == "invalid"
    assert "100" in long.json()["detail"]
    nul = patch(api, f"/api/v1/people/{person.pk}", {"name": "a\x00b"})
    assert nul.status_code == 400
    itself = api.post(
        f"/api/v1/people/{person.pk}/merge",
        json.dumps({"ids": [str(person.pk)]}),
        content_type="application/json",
    )
    assert itself.status_code == 400 and itself.json()["code"] == "invalid"
    Person.objects.filter(pk=person.pk).update(name="")  # nothing of it changed
    theirs = Person.objects.create(owner=other_user, name="Their mum", centre=b"")
    into_theirs = api.post(
        f"/api/v1/people/{person.pk}/merge",
        json.dumps({"ids": [str(theirs.pk)]}),
        content_type="application/json",
    )
    assert into_theirs.status_code == 404 and into_theirs.json()["code"] == "not_found"
    assert Person.objects.filter(pk=theirs.pk, owner=other_user).exists()
    assert Face.objects.filter(person=person).count() == 2
    assert api.get("/api/v1/photos", {"person": theirs.pk}).status_code == 404
    hidden = patch(api, f"/api/v1/people/{person.pk}", {"hidden": "yes"})
    assert hidden.status_code == 400


def test_hidden_people_leave_the_list_and_the_photos(api, mum):
    person, photos = mum
    assert patch(api, f"/api/v1/people/{person.pk}", {"hidden": True}).json()["hidden"]
    assert api.get("/api/v1/people").json()["items"] == []
    assert [p["id"] for p in api.get("/api/v1/people?hidden=true").json()["items"]] == [
        str(person.pk)
    ]
    assert api.get(f"/api/v1/photos/{photos[0].pk}").json()["people"] == []


def test_an_album_member_and_a_share_link_never_see_who_is_in_a_photo(
    api, mum, user, django_user_model, client
):
    person, photos = mum
    patch(api, f"/api/v1/people/{person.pk}", {"name": "엄마"})
    album = album_create(owner=user, title="Family", photo_ids=[p.pk for p in photos])
    friend = django_user_model.objects.create_user("friend", password="x" * 12)
    album_member_set(album=album, username="friend", role="viewer")
    _, secret = token_create(user=friend, name="friend")
    as_friend = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    seen = client.get(f"/api/v1/photos/{photos[0].pk}", **as_friend).json()
    assert seen["id"] == str(photos[0].pk) and seen["people"] == []
    in_album = client.get("/api/v1/photos", {"album": album.pk}, **as_friend).json()["items"]
    assert [p["people"] for p in in_album] == [[], []]
    assert client.get("/api/v1/people", **as_friend).json()["items"] == []
    assert client.get("/api/v1/photos", {"q": "엄마"}, **as_friend).json()["items"] == []

    share = share_create(album=album)
    shared = client.get(f"/api/v1/shared/{share.key}/photos").json()["items"]
    assert len(shared) == 2 and all("people" not in item for item in shared)
    assert client.get(f"/api/v1/shared/{share.key}/photos", {"q": "엄마"}).json()["items"] == []
