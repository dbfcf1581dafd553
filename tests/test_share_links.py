"""Share links: the isolation matrix (every endpoint reached by a key × every way in that
must be refused), the options, the counters, revoke and expiry.

Every refusal is also checked to leak nothing of the album: no title, no file name, no
count."""

from __future__ import annotations

import io
import json
import time
import zipfile
from datetime import timedelta

import images
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from PIL import Image

from myphoto.photos.models import AlbumPhoto, Photo, ShareLink
from myphoto.photos.services.trash import photos_trash

pytestmark = pytest.mark.django_db

SECRET_NAMES = ("Secret trip", "seoul.jpg", "beach.jpg", "private.jpg", "trashed.jpg")


def send(client: Client, method: str, path: str, body: dict | None = None):
    return getattr(client, method)(path, json.dumps(body or {}), content_type="application/json")


@pytest.fixture
def library(api, make_photo, other_user):
    """Alice's album "Secret trip": a photo with GPS and one without; a photo of hers in
    another album, one in the album but in the trash; a photo of Mallory's."""
    seoul, seoul_bytes = make_photo("seoul.jpg", data=images.camera_photo("JPEG"))
    beach, _ = make_photo("beach.jpg")
    private, _ = make_photo("private.jpg")
    trashed, _ = make_photo("trashed.jpg")
    theirs, _ = make_photo("theirs.jpg", owner=other_user)
    ids = [str(p.pk) for p in (seoul, beach, trashed)]
    album = send(api, "post", "/api/v1/albums", {"title": "Secret trip", "ids": ids}).json()
    send(api, "post", "/api/v1/albums", {"title": "Other", "ids": [str(private.pk)]})
    photos_trash(owner=seoul.owner, photo_ids=[trashed.pk])
    return {
        "album": album["id"],
        "seoul": seoul,
        "seoul_bytes": seoul_bytes,
        "beach": beach,
        "outside": {"another album": private, "the trash": trashed, "another user": theirs},
    }


def make_share(api, album: str, **options) -> dict:
    answer = send(api, "post", f"/api/v1/albums/{album}/shares", options)
    assert answer.status_code == 201, answer.content
    return answer.json()


def key_endpoints(key: str, photo_id) -> dict[str, tuple[str, str, dict | None]]:
    """Every way in through a key: (method, path, JSON body or None)."""
    shared = f"/api/v1/shared/{key}"
    return {
        "album": ("get", shared, None),
        "photos": ("get", f"{shared}/photos", None),
        "thumbnail sm": ("get", f"{shared}/photos/{photo_id}/thumbnail?size=sm", None),
        "thumbnail md": ("get", f"{shared}/photos/{photo_id}/thumbnail?size=md", None),
        "download": ("get", f"{shared}/photos/{photo_id}/download", None),
        "zip": ("post", f"{shared}/download", {}),
        "upload": ("post", f"{shared}/photos", None),
        "page": ("get", f"/s/{key}", None),
        "page download": ("post", f"/s/{key}/download", None),
    }


def call(visitor: Client, method: str, path: str, body: dict | None):
    if path.endswith("/photos") and method == "post":
        upload = SimpleUploadedFile("guest.jpg", images.jpeg(seed=99), "image/jpeg")
        return visitor.post(path, {"file": upload})
    if body is not None:
        return send(visitor, method, path, body)
    return getattr(visitor, method)(path)


def answers(visitor: Client, key: str, photo_id) -> dict[str, int]:
    found = {}
    for name, (method, path, body) in key_endpoints(key, photo_id).items():
        answer = call(visitor, method, path, body)
        content = b"" if answer.streaming else answer.content
        for secret in SECRET_NAMES:
            if answer.status_code >= 400:
                assert secret.encode() not in content, (name, answer.status_code, secret)
        found[name] = answer.status_code
    return found


def test_a_key_is_256_random_bits_and_the_owner_sees_the_link(api, library):
    share = make_share(api, library["album"])
    other = make_share(api, library["album"])

    assert len(share["key"]) >= 43 and share["key"] != other["key"]
    assert share["url"].endswith(f"/s/{share['key']}")
    assert (share["allow_download"], share["allow_upload"], share["show_location"]) == (
        True,
        False,
        False,
    )
    assert share["has_password"] is False and share["expires_at"] is None
    listed = api.get("/api/v1/shares").json()["items"]
    assert {item["id"] for item in listed} == {share["id"], other["id"]}
    in_album = api.get(f"/api/v1/albums/{library['album']}/shares").json()["items"]
    assert len(in_album) == 2


def test_a_locked_link_answers_401_everywhere_until_unlocked_and_the_password_is_throttled(
    api, library, settings
):
    share = make_share(api, library["album"], password="open sesame", allow_download=False)
    key, photo = share["key"], library["seoul"].pk
    visitor = Client()

    locked = answers(visitor, key, photo)
    assert locked == dict.fromkeys(locked, 401), locked
    assert visitor.get(f"/api/v1/shared/{key}").json()["code"] == "password_required"
    page = visitor.get(f"/s/{key}")
    assert b"Password" in page.content and b"seoul.jpg" not in page.content

    wrong = send(visitor, "post", f"/api/v1/shared/{key}/unlock", {"password": "guess"})
    assert (wrong.status_code, wrong.json()["code"]) == (401, "wrong_password")
    assert not wrong.cookies.get(f"myphoto_share_{share['id'].replace('-', '')}")
    right = send(visitor, "post", f"/api/v1/shared/{key}/unlock", {"password": "open sesame"})
    assert right.status_code == 200

    # Unlocked: the album's photos; downloads still off; uploads off by default.
    unlocked = answers(visitor, key, photo)
    assert unlocked == {
        "album": 200,
        "photos": 200,
        "thumbnail sm": 200,
        "thumbnail md": 200,
        "download": 403,
        "zip": 403,
        "upload": 403,
        "page": 200,
        "page download": 403,
    }
    assert visitor.get(f"/api/v1/shared/{key}/photos/{photo}/download").json()["code"] == (
        "downloads_disabled"
    )
    upload = call(visitor, "post", f"/api/v1/shared/{key}/photos", None)
    assert upload.json()["code"] == "uploads_disabled"
    # Another browser has not unlocked it; a new password locks out the first one too.
    assert Client().get(f"/api/v1/shared/{key}").status_code == 401
    send(api, "patch", f"/api/v1/shares/{share['id']}", {"password": "new one"})
    assert visitor.get(f"/api/v1/shared/{key}/photos/{photo}/thumbnail").status_code == 401

    # Guessing is throttled as logins are: after the limit, even the right password waits.
    guesser = Client(REMOTE_ADDR="203.0.113.9")
    codes = [
        send(
            guesser, "post", f"/api/v1/shared/{key}/unlock", {"password": f"guess {n}"}
        ).status_code
        for n in range(settings.AXES_FAILURE_LIMIT)
    ]
    assert codes == [401] * (settings.AXES_FAILURE_LIMIT - 1) + [429]
    late = send(guesser, "post", f"/api/v1/shared/{key}/unlock", {"password": "new one"})
    assert (late.status_code, late.json()["code"]) == (429, "throttled")
    # That address alone: another visitor of the link still unlocks it.
    friend = Client(REMOTE_ADDR="198.51.100.7")
    unlocked = send(friend, "post", f"/api/v1/shared/{key}/unlock", {"password": "new one"})
    assert unlocked.status_code == 200


def test_guesses_from_many_addresses_lock_the_link_for_everyone(api, library, settings):
    settings.MYPHOTO_SHARE_LINK_ATTEMPTS = 2 * settings.AXES_FAILURE_LIMIT
    key = make_share(api, library["album"], password="open sesame")["key"]
    for address in ("203.0.113.1", "203.0.113.2"):
        guesser = Client(REMOTE_ADDR=address)
        for n in range(settings.AXES_FAILURE_LIMIT):
            send(guesser, "post", f"/api/v1/shared/{key}/unlock", {"password": f"guess {n}"})

    late = send(
        Client(REMOTE_ADDR="198.51.100.7"),
        "post",
        f"/api/v1/shared/{key}/unlock",
        {"password": "open sesame"},
    )
    assert (late.status_code, late.json()["code"]) == (429, "throttled")


def test_a_key_reaches_only_the_albums_photos_not_in_the_trash(api, library):
    share = make_share(api, library["album"])
    key = share["key"]
    visitor = Client()

    listed = visitor.get(f"/api/v1/shared/{key}/photos").json()["items"]
    assert {item["id"] for item in listed} == {str(library["seoul"].pk), str(library["beach"].pk)}
    for where, photo in library["outside"].items():
        found = answers(visitor, key, photo.pk)
        per_photo = {name: found[name] for name in ("thumbnail sm", "thumbnail md", "download")}
        assert per_photo == dict.fromkeys(per_photo, 404), where
        zipped = send(visitor, "post", f"/api/v1/shared/{key}/download", {"ids": [str(photo.pk)]})
        assert zipped.status_code == 404, where
        page_zip = visitor.post(f"/s/{key}/download", {"ids": [str(photo.pk)]})
        assert page_zip.status_code == 404, where
    # Not another album of the same owner, not the owner's timeline.
    assert all(item["filename"] != "private.jpg" for item in listed)


def test_revoked_and_expired_links_answer_404_everywhere_at_once(api, library):
    revoked = make_share(api, library["album"])
    visitor = Client()
    assert visitor.get(f"/api/v1/shared/{revoked['key']}").status_code == 200
    assert send(api, "delete", f"/api/v1/shares/{revoked['id']}").status_code == 204
    gone = answers(visitor, revoked["key"], library["seoul"].pk)
    assert gone == dict.fromkeys(gone, 404), gone

    # A few seconds ahead, then wait: the same link opens, then answers 404 everywhere.
    expires = timezone.now() + timedelta(seconds=4)
    expiring = make_share(api, library["album"], expires_at=expires.isoformat(), password="pw")
    send(visitor, "post", f"/api/v1/shared/{expiring['key']}/unlock", {"password": "pw"})
    assert visitor.get(f"/api/v1/shared/{expiring['key']}").status_code == 200
    time.sleep(max(0.0, (expires - timezone.now()).total_seconds()) + 0.2)
    expired = answers(visitor, expiring["key"], library["seoul"].pk)
    assert expired == dict.fromkeys(expired, 404), expired
    unlock = send(visitor, "post", f"/api/v1/shared/{expiring['key']}/unlock", {"password": "pw"})
    assert unlock.status_code == 404


def test_an_expiry_in_the_past_is_refused_and_days_count_from_now(api, library):
    past = (timezone.now() - timedelta(minutes=1)).isoformat()
    refused = send(api, "post", f"/api/v1/albums/{library['album']}/shares", {"expires_at": past})
    assert (refused.status_code, refused.json()["code"]) == (400, "invalid")
    share = make_share(api, library["album"], expires_in_days=7)
    expires = ShareLink.objects.get(pk=share["id"]).expires_at
    assert timedelta(days=6, hours=23) < expires - timezone.now() <= timedelta(days=7)
    # Never expiring again: expires_at null.
    never = send(api, "patch", f"/api/v1/shares/{share['id']}", {"expires_at": None})
    assert never.json()["expires_at"] is None


def test_downloads_when_allowed_give_the_originals_and_the_counters_move(
    photo_storage, api, library
):
    share = make_share(api, library["album"])
    key, seoul = share["key"], library["seoul"]
    visitor = Client()

    visitor.get(f"/s/{key}")
    visitor.get(f"/api/v1/shared/{key}")
    original = visitor.get(f"/api/v1/shared/{key}/photos/{seoul.pk}/download")
    assert b"".join(original.streaming_content) == library["seoul_bytes"]
    assert 'filename="seoul.jpg"' in original["Content-Disposition"]
    album_zip = send(visitor, "post", f"/api/v1/shared/{key}/download", {})
    archive = zipfile.ZipFile(io.BytesIO(b"".join(album_zip.streaming_content)))
    assert sorted(archive.namelist()) == ["beach.jpg", "seoul.jpg"]
    assert 'filename="Secret trip.zip"' in album_zip["Content-Disposition"]

    counted = api.get(f"/api/v1/albums/{library['album']}/shares").json()["items"][0]
    assert (counted["views"], counted["downloads"]) == (2, 2)
    assert counted["last_accessed_at"] is not None


def test_no_location_unless_the_link_shows_it_not_even_in_the_thumbnails(api, library):
    hidden = make_share(api, library["album"])["key"]
    seoul = library["seoul"]
    visitor = Client()

    items = visitor.get(f"/api/v1/shared/{hidden}/photos").json()["items"]
    assert all(item["gps"] is None and "sha256" not in item for item in items)
    page = visitor.get(f"/s/{hidden}").content.decode()
    assert "data-lat" not in page and "37.56" not in page
    for size in ("sm", "md"):
        thumbnail = visitor.get(f"/api/v1/shared/{hidden}/photos/{seoul.pk}/thumbnail?size={size}")
        derived = Image.open(io.BytesIO(thumbnail.content))
        assert not derived.getexif().get_ifd(0x8825), size  # no GPS IFD
        assert b"GPS" not in thumbnail.content

    shown = make_share(api, library["album"], show_location=True)["key"]
    located = {
        i["filename"]: i["gps"]
        for i in visitor.get(f"/api/v1/shared/{shown}/photos").json()["items"]
    }
    assert located["seoul.jpg"]["lat"] == pytest.approx(37.5665, abs=1e-3)
    assert "data-lat" in visitor.get(f"/s/{shown}").content.decode()


def test_a_guest_upload_lands_in_the_owners_album_checked_like_any_upload(
    api, library, user, after_commit
):
    key = make_share(api, library["album"], allow_upload=True)["key"]
    visitor = Client()
    data = images.jpeg(seed=1234)

    with after_commit():
        answer = visitor.post(
            f"/api/v1/shared/{key}/photos", {"file": SimpleUploadedFile("guest.jpg", data)}
        )

    assert answer.status_code == 201, answer.content
    item = answer.json()["items"][0]
    photo = Photo.objects.get(pk=item["id"])
    assert (photo.owner, photo.original_name, photo.size) == (user, "guest.jpg", len(data))
    entry = AlbumPhoto.objects.get(album_id=library["album"], photo=photo)
    assert entry.added_by_guest and entry.added_by is None and entry.added_through is not None
    listed = api.get("/api/v1/photos", {"album": library["album"]}).json()["items"]
    assert item["id"] in {i["id"] for i in listed}

    before = Photo.objects.count()
    broken = visitor.post(
        f"/api/v1/shared/{key}/photos",
        {"file": SimpleUploadedFile("broken.jpg", data[: len(data) // 2])},
    )
    assert (broken.status_code, broken.json()["code"]) == (415, "unsupported_image")
    assert Photo.objects.count() == before


def test_the_public_page_shows_the_album_without_the_app_and_download_buttons_only_when_allowed(
    api, library
):
    locked_down = make_share(api, library["album"], allow_download=False)["key"]
    visitor = Client()

    page = visitor.get(f"/s/{locked_down}")
    html = page.content.decode()
    assert page.status_code == 200
    # The key is in the URL: no other site learns it from a Referer (the map links).
    assert page["Referrer-Policy"] == "same-origin"
    # No cache keeps it: not a shared one, nor the browser's after the link is revoked.
    assert {"private", "no-store"} <= set(page["Cache-Control"].replace(" ", "").split(","))
    assert "Secret trip" in html and "seoul.jpg" in html and "trashed.jpg" not in html
    assert "Log out" not in html and "Trash" not in html  # no app chrome
    assert "Download" not in html
    assert f"/api/v1/shared/{locked_down}/photos/" in html  # thumbnails through the key

    open_key = make_share(api, library["album"])["key"]
    html = visitor.get(f"/s/{open_key}").content.decode()
    assert "Download all (2)" in html
    whole = visitor.post(f"/s/{open_key}/download")
    assert sorted(zipfile.ZipFile(io.BytesIO(b"".join(whole.streaming_content))).namelist()) == [
        "beach.jpg",
        "seoul.jpg",
    ]
    one = visitor.post(f"/s/{open_key}/download", {"ids": [str(library["seoul"].pk)]})
    assert b"".join(one.streaming_content) == library["seoul_bytes"]


def test_the_password_page_unlocks_this_browser_and_says_when_the_password_is_wrong(api, library):
    key = make_share(api, library["album"], password="open sesame")["key"]
    visitor = Client()

    wrong = visitor.post(f"/s/{key}/unlock", {"password": "nope"})
    assert wrong.status_code == 401 and b"not the link&#x27;s password" in wrong.content
    right = visitor.post(f"/s/{key}/unlock", {"password": "open sesame"})
    assert right.status_code == 302 and right["Location"] == f"/s/{key}"
    assert b"seoul.jpg" in visitor.get(f"/s/{key}").content


def test_a_member_cannot_make_links_and_another_user_cannot_see_or_change_them(
    api, library, other_user
):
    from myphoto.photos.services.tokens import token_create

    share = make_share(api, library["album"])
    mallory = Client(
        headers={"Authorization": f"Bearer {token_create(user=other_user, name='m')[1]}"}
    )
    assert mallory.get("/api/v1/shares").json()["items"] == []
    assert (
        send(mallory, "patch", f"/api/v1/shares/{share['id']}", {"allow_upload": True}).status_code
        == 404
    )
    assert send(mallory, "delete", f"/api/v1/shares/{share['id']}").status_code == 404
    assert ShareLink.objects.get(pk=share["id"]).allow_upload is False
