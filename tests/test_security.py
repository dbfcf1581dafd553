"""Nobody reaches another user's things: every route that takes an id, found by itself.

The routes are read from the URL conf (pages) and the OpenAPI schema (the API),
not listed here: a new endpoint is covered the day it is added. Each is called
with ids of another user's photo (in the timeline and in the trash) and token;
the answer must be a 404 (JSON on the API) and the thing untouched. An id
parameter this suite does not know fails it: say whose thing it is below.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from uuid import UUID

import images
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from myphoto.common.media.faces import FoundFace
from myphoto.photos.models import (
    Album,
    AlbumRole,
    ApiToken,
    Face,
    Library,
    MultipartUpload,
    Person,
    Photo,
    ShareLink,
    User,
)
from myphoto.photos.services.accounts import password_link_token
from myphoto.photos.services.albums import album_create, album_member_set
from myphoto.photos.services.faces import photo_record_faces
from myphoto.photos.services.libraries import library_add
from myphoto.photos.services.multipart import multipart_received, multipart_start
from myphoto.photos.services.shares import share_create, share_revoke
from myphoto.photos.services.tokens import token_create

pytestmark = pytest.mark.django_db

# Path parameters that name a user's thing, and which of the victim's things to try.
THINGS = {
    "photo_id": ("photo", "trashed photo"),
    "token_id": ("token",),
    "album_id": ("album",),
    "sha256": ("photo's content", "trashed photo's content"),
    "share_id": ("share",),
    "username": ("member",),
    # A live key is public by design; what must be a 404 everywhere is a dead one.
    "key": ("revoked share's key", "expired share's key"),
    "upload_id": ("multipart upload",),
    "number": ("part number",),
    # Places are shared names (a town); what is another's is having photos there.
    "country_code": ("their trip's country",),
    "place_id": ("their trip's town",),
    # Libraries are the staff's: to anyone else every one is not there.
    "library_id": ("library",),
    # A live password link is the key to its account by design; a spent one must be a 404.
    "token": ("spent password link",),
    # A day is anyone's; what is another's is having photos taken on it (a memory's page).
    "day": ("their photo's day",),
    "person_id": ("person",),
    "face_id": ("face",),
}
METHODS = ("get", "post", "put", "patch", "delete")


@pytest.fixture
def victims_things(
    other_user, make_photo, django_user_model, settings, tmp_path
) -> dict[str, UUID | str]:
    photo, _ = make_photo("theirs.jpg", owner=other_user)
    trashed, _ = make_photo("their trash.jpg", owner=other_user)
    Photo.objects.filter(pk=trashed.pk).update(deleted_at=timezone.now())
    token, _ = token_create(user=other_user, name="theirs")
    album = album_create(owner=other_user, title="Their album", photo_ids=[photo.pk])
    member = django_user_model.objects.create_user("their-friend", password="x" * 12)
    album_member_set(album=album, username=member.username, role=AlbumRole.VIEWER)
    share = share_create(album=album)
    revoked = share_create(album=album)
    share_revoke(share=revoked)
    expired = share_create(album=album)
    ShareLink.objects.filter(pk=expired.pk).update(expires_at=timezone.now())
    upload = multipart_start(owner=other_user, filename="their.mov", size=10 * 1024 * 1024)
    in_arezzo = images.jpeg_from(gps=(43.4633, 11.8797), seed=77)
    trip, _ = make_photo("their trip.jpg", owner=other_user, data=in_arezzo)
    (tmp_path / "nas" / "theirs").mkdir(parents=True)
    settings.MYPHOTO_LIBRARY_ROOTS = [str(tmp_path / "nas")]
    library = library_add(
        name="Their NAS", source=str(tmp_path / "nas" / "theirs"), owner=other_user
    )
    face = FoundFace(box=(0.2, 0.2, 0.4, 0.5), descriptor=bytes(512), score=1.0)
    photo_record_faces(photo=photo, preview_key=photo.preview_key, found=[face])
    their_face = Face.objects.get(photo=photo)
    Person.objects.filter(pk=their_face.person_id).update(name="Their mum")
    link = password_link_token(user=other_user)
    other_user.set_password("their new password")
    other_user.save()
    return {
        "spent password link": link,
        "person": their_face.person_id,
        "face": their_face.pk,
        "library": library.pk,
        "their trip's country": trip.place.country_code,
        "their trip's town": trip.place_id,
        "multipart upload": upload.pk,
        "part number": 1,
        "album": album.pk,
        "share": share.pk,
        "member": member.username,
        "revoked share's key": revoked.key,
        "expired share's key": expired.key,
        "photo": photo.pk,
        "their photo's day": timezone.localtime(photo.taken_at).date().isoformat(),
        "trashed photo": trashed.pk,
        "token": token.pk,
        "photo's content": photo.sha256,
        "trashed photo's content": trashed.sha256,
    }


def body_schema(body: dict, components: dict) -> dict:
    """The schema of a JSON body, required or optional (`anyOf` it and null)."""
    reference = body["schema"].get("$ref") or body["schema"]["anyOf"][0]["$ref"]
    return components[reference.rsplit("/", 1)[-1]]


def valid_body(operation: dict, components: dict, ids: list[str]) -> str | None:
    """A JSON body the operation accepts, naming `ids` wherever it takes photo ids; so that
    what answers is the lookup of the thing, not the validation of the body."""
    body = operation.get("requestBody", {}).get("content", {}).get("application/json")
    if not body:
        return None
    schema = body_schema(body, components)
    values: dict[str, object] = {}
    for name in schema.get("required", []):
        field = schema["properties"][name]
        kind = field.get("type")
        values[name] = {"array": ids, "string": "x", "integer": 1, "boolean": False}.get(kind)
        if kind == "array" and field.get("items", {}).get("type") == "integer":
            values[name] = [1]  # part numbers
        if "enum" in field:
            values[name] = field["enum"][0]
        if field.get("format") == "uuid":
            values[name] = ids[0]  # one photo of mine (a Live Photo's motion)
    for name in id_lists(schema):
        values[name] = ids
    return json.dumps(values)


def id_lists(schema: dict) -> list[str]:
    """The body's lists of ids (`ids`, or `keep` and `trash` of a clean-up)."""
    return [
        name
        for name, field in schema.get("properties", {}).items()
        if field.get("type") == "array" and field.get("items", {}).get("format") == "uuid"
    ]


def untouched(things: dict[str, UUID | str]) -> None:
    assert Photo.objects.get(pk=things["photo"]).deleted_at is None
    assert Photo.objects.get(pk=things["trashed photo"]).deleted_at is not None
    assert ApiToken.objects.filter(pk=things["token"]).exists()
    album = Album.objects.get(pk=things["album"])
    assert (album.title, album.entries.count()) == ("Their album", 1)
    assert album.members.filter(user__username=things["member"]).exists()
    # Accounts are the staff's: nobody else made, changed or deleted one.
    member = User.objects.get(username=things["member"])
    assert (member.is_active, member.is_staff, member.quota_bytes) == (True, False, None)
    share = ShareLink.objects.get(pk=things["share"])
    assert (share.views, share.downloads, share.allow_upload) == (0, 0, False)
    upload = MultipartUpload.objects.get(pk=things["multipart upload"])
    assert multipart_received(upload=upload) == [] and upload.completing_since is None
    assert Library.objects.filter(pk=things["library"], name="Their NAS").exists()
    person = Person.objects.get(pk=things["person"])
    assert (person.name, person.hidden, person.faces.get().pk) == (
        "Their mum",
        False,
        things["face"],
    )


def page_routes(
    resolver: URLResolver | None = None, namespace: str = ""
) -> list[tuple[str, list[str]]]:
    """(URL name, id parameters) of every page route that takes one; the API is not a page."""
    found = []
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace == "api":
                continue
            found += page_routes(entry, entry.namespace or namespace)
        elif isinstance(entry, URLPattern) and entry.name:
            params = list(getattr(entry.pattern, "converters", {}) or {})
            if params:
                name = f"{namespace}:{entry.name}" if namespace else entry.name
                found.append((name, params))
    return found


def test_the_walk_finds_the_routes_it_should(client):
    """The walks are not empty: they find routes known to take ids."""
    names = [name for name, _ in page_routes()]
    assert {"photo-detail", "photo-download", "token-revoke"} <= set(names)
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/photos/{photo_id}/download" in schema["paths"]


def with_each_thing(
    params: list[str], things: dict[str, UUID | str]
) -> Iterator[tuple[str, dict[str, UUID | str]]]:
    """For each parameter and each of the victim's things it may name: the values of all
    the parameters, the others naming the first thing of theirs."""
    for param in params:
        assert param in THINGS, f"{param}: say whose thing it is in THINGS"
        for thing in THINGS[param]:
            values = {other: things[THINGS[other][0]] for other in params if other in THINGS}
            yield thing, {**values, param: things[thing]}


def test_every_page_that_takes_an_id_is_a_404_for_another_users(client, victims_things):
    routes = page_routes()
    for name, params in routes:
        for _thing, values in with_each_thing(params, victims_things):
            url = reverse(name, kwargs=values)
            answers = {method: getattr(client, method)(url).status_code for method in METHODS}
            # The methods the view takes say 404; the others 405, before any lookup.
            assert set(answers.values()) <= {404, 405}, (url, answers)
            assert 404 in answers.values(), (url, answers)
    untouched(victims_things)


def test_every_api_route_that_takes_an_id_is_a_json_404_for_another_users(
    api, client, victims_things, make_photo
):
    schema = client.get("/api/v1/openapi.json").json()
    components = schema["components"]["schemas"]
    mine = [str(make_photo("mine.jpg")[0].pk)]
    called = 0
    for template, operations in schema["paths"].items():
        params = re.findall(r"{(\w+)}", template)
        if not params:
            continue
        for method, operation in operations.items():
            body = valid_body(operation, components, mine)
            for thing, values in with_each_thing(params, victims_things):
                url = template
                for name, value in values.items():
                    url = url.replace(f"{{{name}}}", str(value))
                if "multipart/form-data" in operation.get("requestBody", {}).get("content", {}):
                    # An upload: a real photo, so that what answers is the key's lookup.
                    photo = SimpleUploadedFile("guest.jpg", images.jpeg(seed=7), "image/jpeg")
                    answer = getattr(api, method)(url, {"file": photo})
                else:
                    answer = getattr(api, method)(url, body, content_type="application/json")
                assert answer.status_code == 404, (method, url, answer.content[:200])
                assert answer.json()["code"] == "not_found", (method, url)
                assert str(victims_things[thing]) not in answer.content.decode()
                called += 1
    assert called >= 10
    untouched(victims_things)


def test_every_api_route_that_takes_ids_in_its_body_leaves_another_users_alone(
    api, client, victims_things
):
    schema = client.get("/api/v1/openapi.json").json()
    components = schema["components"]["schemas"]
    theirs = [str(victims_things["photo"]), str(victims_things["trashed photo"])]
    called = 0
    for template, operations in schema["paths"].items():
        for method, operation in operations.items():
            body = operation.get("requestBody", {}).get("content", {}).get("application/json")
            if not body:
                continue
            if not id_lists(body_schema(body, components)) or "{" in template:
                continue  # with an id in the path, the test above calls it
            answer = getattr(api, method)(
                template, valid_body(operation, components, theirs), content_type="application/json"
            )
            # The whole request is refused (404), or nothing of theirs is counted.
            assert answer.status_code in {200, 404}, (method, template, answer.content[:200])
            if answer.status_code == 200:
                assert set(answer.json().values()) == {0}, (method, template, answer.json())
            called += 1
    assert called >= 4
    untouched(victims_things)
