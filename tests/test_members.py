"""Family members: an album shared with other accounts of the server, as viewer or
contributor. A member sees the album's photos and nothing else of the owner's; only the
owner changes the album, its members and its links."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.test import Client

from myphoto.photos.models import AlbumPhoto, Photo
from myphoto.photos.services.tokens import token_create
from myphoto.photos.services.trash import photos_trash

pytestmark = pytest.mark.django_db


def send(client: Client, method: str, path: str, body: dict | None = None):
    return getattr(client, method)(path, json.dumps(body or {}), content_type="application/json")


@pytest.fixture
def bob(django_user_model):
    return django_user_model.objects.create_user("bob", password="correct horse battery")


@pytest.fixture
def bob_api(bob) -> Client:
    return Client(headers={"Authorization": f"Bearer {token_create(user=bob, name='t')[1]}"})


@pytest.fixture
def trip(api, make_photo):
    """Alice's album of two photos, and a third photo of hers that is in no album."""
    in_album = [make_photo(f"trip-{n}.jpg") for n in range(2)]
    outside, _ = make_photo("private.jpg")
    ids = [str(photo.pk) for photo, _ in in_album]
    album = send(api, "post", "/api/v1/albums", {"title": "Trip", "ids": ids}).json()
    return {"album": album["id"], "photos": in_album, "outside": outside}


def share_with(api, album_id: str, username: str, role: str):
    return send(
        api, "post", f"/api/v1/albums/{album_id}/members", {"username": username, "role": role}
    )


def test_a_viewer_sees_the_album_and_its_photos_and_nothing_else_of_the_owners(api, bob_api, trip):
    album = trip["album"]
    (first, first_bytes), (second, _) = trip["photos"]
    assert share_with(api, album, "bob", "viewer").status_code == 201

    listed = bob_api.get("/api/v1/albums").json()["items"]
    assert [(a["id"], a["owner"], a["role"], a["photo_count"]) for a in listed] == [
        (album, "alice", "viewer", 2)
    ]
    page = bob_api.get("/api/v1/photos", {"album": album}).json()
    assert {item["id"] for item in page["items"]} == {str(first.pk), str(second.pk)}
    assert bob_api.get(f"/api/v1/photos/{first.pk}/thumbnail").status_code == 200
    downloaded = bob_api.get(f"/api/v1/photos/{first.pk}/download")
    assert b"".join(downloaded.streaming_content) == first_bytes
    assert bob_api.get(f"/api/v1/timeline/buckets?album={album}").json()["buckets"][0]["count"] == 2

    # Nothing of Alice's outside the album: not her timeline, not her other photo.
    assert bob_api.get("/api/v1/photos").json()["items"] == []
    for path in ("", "/thumbnail", "/download"):
        assert bob_api.get(f"/api/v1/photos/{trip['outside'].pk}{path}").status_code == 404
    # A photo she moves to the trash leaves the album for its members at once.
    photos_trash(owner=first.owner, photo_ids=[first.pk])
    assert bob_api.get(f"/api/v1/photos/{first.pk}/thumbnail").status_code == 404
    assert bob_api.get("/api/v1/albums").json()["items"][0]["photo_count"] == 1


def test_only_the_owner_changes_the_album_its_members_and_links(api, bob_api, trip):
    album = trip["album"]
    share_with(api, album, "bob", "viewer")
    photo = trip["photos"][0][0]
    refused = {
        "rename": send(bob_api, "patch", f"/api/v1/albums/{album}", {"title": "Mine"}),
        "delete": send(bob_api, "delete", f"/api/v1/albums/{album}"),
        "add": send(bob_api, "post", f"/api/v1/albums/{album}/photos", {"ids": [str(photo.pk)]}),
        "remove": send(
            bob_api, "delete", f"/api/v1/albums/{album}/photos", {"ids": [str(photo.pk)]}
        ),
        "invite": share_with(bob_api, album, "alice", "viewer"),
        "link": send(bob_api, "post", f"/api/v1/albums/{album}/shares", {}),
        "links": bob_api.get(f"/api/v1/albums/{album}/shares"),
    }
    assert {name: answer.status_code for name, answer in refused.items()} == dict.fromkeys(
        refused, 403
    )
    assert refused["rename"].json()["code"] == "forbidden"
    detail = api.get(f"/api/v1/albums/{album}").json()
    assert (detail["title"], detail["photo_count"]) == ("Trip", 2)
    # A member may leave; then the album is gone for them.
    assert send(bob_api, "delete", f"/api/v1/albums/{album}/members/bob").status_code == 204
    assert bob_api.get(f"/api/v1/albums/{album}").status_code == 404
    assert bob_api.get(f"/api/v1/photos/{photo.pk}/thumbnail").status_code == 404


def test_a_contributor_adds_their_own_photos_which_stay_theirs(api, bob, bob_api, trip, make_photo):
    album = trip["album"]
    share_with(api, album, "bob", "contributor")
    bobs, bobs_bytes = make_photo("bob.jpg", owner=bob)

    added = send(bob_api, "post", f"/api/v1/albums/{album}/photos", {"ids": [str(bobs.pk)]})
    assert added.json() == {"added": 1}
    # Not someone else's photo, even one the contributor can see in the album.
    alices = trip["outside"]
    refused = send(bob_api, "post", f"/api/v1/albums/{album}/photos", {"ids": [str(alices.pk)]})
    assert refused.status_code == 404

    # The owner sees it in the album, with its bytes; it is still Bob's photo.
    assert str(bobs.pk) in {
        i["id"] for i in api.get("/api/v1/photos", {"album": album}).json()["items"]
    }
    assert b"".join(api.get(f"/api/v1/photos/{bobs.pk}/download").streaming_content) == bobs_bytes
    assert Photo.objects.get(pk=bobs.pk).owner == bob
    assert AlbumPhoto.objects.get(album_id=album, photo=bobs).added_by == bob
    assert str(bobs.pk) not in {i["id"] for i in api.get("/api/v1/photos").json()["items"]}
    # A contributor takes out only their own; the owner takes out any.
    theirs = str(trip["photos"][0][0].pk)
    assert (
        send(bob_api, "delete", f"/api/v1/albums/{album}/photos", {"ids": [theirs]}).status_code
        == 404
    )
    removed = send(api, "delete", f"/api/v1/albums/{album}/photos", {"ids": [str(bobs.pk)]})
    assert removed.json() == {"removed": 1}
    assert Photo.objects.filter(pk=bobs.pk, deleted_at__isnull=True).exists()


def test_members_are_listed_changed_and_removed_by_name(api, bob, trip, django_user_model):
    album = trip["album"]
    assert share_with(api, album, "bob", "viewer").json() == {"username": "bob", "role": "viewer"}
    assert share_with(api, album, "bob", "contributor").status_code == 201  # a new role
    assert api.get(f"/api/v1/albums/{album}/members").json() == {
        "items": [{"username": "bob", "role": "contributor"}]
    }
    owner = share_with(api, album, "alice", "viewer")
    assert (owner.status_code, owner.json()["code"]) == (400, "invalid")
    assert share_with(api, album, "nobody", "viewer").status_code == 404
    assert share_with(api, album, "bob", "owner").status_code == 400
    assert send(api, "delete", f"/api/v1/albums/{album}/members/bob").status_code == 204
    assert send(api, "delete", f"/api/v1/albums/{album}/members/bob").status_code == 404
    assert api.get(f"/api/v1/albums/{album}/members").json() == {"items": []}


def test_a_member_downloads_the_album_as_one_zip_named_after_it(photo_storage, api, bob_api, trip):
    album = trip["album"]
    share_with(api, album, "bob", "viewer")

    answer = send(bob_api, "post", f"/api/v1/albums/{album}/download", {})

    assert answer.status_code == 200
    assert 'filename="Trip.zip"' in answer["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(b"".join(answer.streaming_content)))
    assert sorted(archive.namelist()) == ["trip-0.jpg", "trip-1.jpg"]
    for photo, data in trip["photos"]:
        assert archive.read(photo.original_name) == data
    # Of the album only: a photo outside it makes the request a 404.
    outside = send(
        bob_api, "post", f"/api/v1/albums/{album}/download", {"ids": [str(trip["outside"].pk)]}
    )
    assert outside.status_code == 404


def test_the_member_isolation_matrix(api, bob, bob_api, trip, make_photo, other_user):
    """Every way a member reads a photo × every photo that is not theirs to see: 404, and
    the answer names nothing of it."""
    album = trip["album"]
    share_with(api, album, "bob", "contributor")
    unshared, _ = make_photo("unshared album.jpg")
    send(api, "post", "/api/v1/albums", {"title": "Not shared", "ids": [str(unshared.pk)]})
    trashed = trip["photos"][1][0]
    photos_trash(owner=trashed.owner, photo_ids=[trashed.pk])
    strangers, _ = make_photo("stranger.jpg", owner=other_user)
    outside = {
        "not in any album": trip["outside"],
        "in an album not shared with them": unshared,
        "in the album but in the trash": trashed,
        "another user's": strangers,
    }
    browser = Client()
    browser.force_login(bob)
    for where, photo in outside.items():
        reads = {
            "API photo": bob_api.get(f"/api/v1/photos/{photo.pk}"),
            "API thumbnail sm": bob_api.get(f"/api/v1/photos/{photo.pk}/thumbnail?size=sm"),
            "API thumbnail md": bob_api.get(f"/api/v1/photos/{photo.pk}/thumbnail?size=md"),
            "API download": bob_api.get(f"/api/v1/photos/{photo.pk}/download"),
            "API album zip": send(
                bob_api, "post", f"/api/v1/albums/{album}/download", {"ids": [str(photo.pk)]}
            ),
            "API zip": send(bob_api, "post", "/api/v1/photos/download", {"ids": [str(photo.pk)]}),
            "API add to album": send(
                bob_api, "post", f"/api/v1/albums/{album}/photos", {"ids": [str(photo.pk)]}
            ),
            "API delete": bob_api.delete(f"/api/v1/photos/{photo.pk}"),
            "page": browser.get(f"/photos/{photo.pk}/"),
            "page tile": browser.get(f"/photos/{photo.pk}/tile"),
            "page download": browser.get(f"/photos/{photo.pk}/download"),
            "page album download": browser.post(
                f"/albums/{album}/download", {"ids": [str(photo.pk)]}
            ),
        }
        statuses = {name: answer.status_code for name, answer in reads.items()}
        assert statuses == dict.fromkeys(reads, 404), where
        for name, answer in reads.items():
            assert photo.original_name.encode() not in answer.content, (where, name)
    # The owner's album that is not shared, and its photos' page: nothing.
    other_album = [
        a for a in api.get("/api/v1/albums").json()["items"] if a["title"] == "Not shared"
    ][0]
    assert bob_api.get(f"/api/v1/albums/{other_album['id']}").status_code == 404
    assert bob_api.get("/api/v1/photos", {"album": other_album["id"]}).status_code == 404
    assert browser.get(f"/albums/{other_album['id']}/").status_code == 404
    # A contributor's photos in the album do not make the owner's photos theirs to delete.
    visible = trip["photos"][0][0]
    assert bob_api.delete(f"/api/v1/photos/{visible.pk}").status_code == 404
    assert Photo.objects.get(pk=visible.pk).deleted_at is None
