"""The album pages without JavaScript: every action is a form that works on its own."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.test import Client

from myphoto.photos.models import Album, AlbumMember, AlbumRole, Photo, ShareLink
from myphoto.photos.services.albums import album_create, album_member_set

pytestmark = pytest.mark.django_db


@pytest.fixture
def bob(django_user_model):
    return django_user_model.objects.create_user("bob", password="correct horse battery")


def test_add_to_album_asks_which_then_makes_a_new_one_from_the_selection(client, make_photo):
    photos = [make_photo(f"{n}.jpg")[0] for n in range(3)]
    ids = [str(photo.pk) for photo in photos[:2]]

    choose = client.post("/albums/add", {"ids": ids})
    assert choose.status_code == 200
    assert b"Add 2 photos to an album" in choose.content

    made = client.post("/albums/add", {"ids": ids, "new_title": "Holiday"})
    album = Album.objects.get(title="Holiday")
    assert made.status_code == 302 and made["Location"] == f"/albums/{album.pk}/"
    assert set(album.entries.values_list("photo_id", flat=True)) == {p.pk for p in photos[:2]}
    page = client.get(made["Location"]).content.decode()
    assert "Added 2 photos to “Holiday”." in page
    assert "0.jpg" in page and "1.jpg" in page and "2.jpg" not in page

    # Into an existing album: the third photo.
    client.post("/albums/add", {"ids": [str(photos[2].pk)], "album": str(album.pk)})
    assert album.entries.count() == 3
    empty = client.post("/albums/add", {"ids": ids, "new_title": ""})
    assert empty.status_code == 400 and b"Choose an album" in empty.content


def test_the_albums_page_shows_mine_and_those_shared_with_me(client, user, bob, make_photo):
    photo, _ = make_photo("mine.jpg")
    album_create(owner=user, title="Mine", photo_ids=[photo.pk])
    theirs = album_create(owner=bob, title="Bob's")
    album_member_set(album=theirs, username="alice", role=AlbumRole.VIEWER)

    html = client.get("/albums/").content.decode()

    assert "Mine" in html and "1 photo" in html
    assert "Bob&#x27;s" in html and "Shared by bob · Viewer" in html


def test_remove_cover_rename_and_delete_from_the_album_page(client, user, make_photo):
    photos = [make_photo(f"{n}.jpg")[0] for n in range(2)]
    album = album_create(owner=user, title="Trip", photo_ids=[p.pk for p in photos])
    base = f"/albums/{album.pk}"

    client.post(f"{base}/cover", {"ids": [str(photos[1].pk)]})
    album.refresh_from_db()
    assert album.cover_id == photos[1].pk
    client.post(f"{base}/remove", {"ids": [str(photos[0].pk)]})
    assert list(album.entries.values_list("photo_id", flat=True)) == [photos[1].pk]
    assert Photo.objects.filter(pk=photos[0].pk, deleted_at__isnull=True).exists()

    client.post(f"{base}/edit", {"title": "Summer trip", "description": "By the sea"})
    album.refresh_from_db()
    assert (album.title, album.description) == ("Summer trip", "By the sea")

    confirm = client.post(f"{base}/delete")
    assert b"Its photos stay" in confirm.content or b"its photos stay" in confirm.content
    assert Album.objects.filter(pk=album.pk).exists()
    client.post(f"{base}/delete", {"confirmed": "yes"})
    assert not Album.objects.filter(pk=album.pk).exists()
    assert Photo.objects.filter(pk=photos[1].pk).exists()


def test_the_album_page_downloads_the_album_as_one_zip(client, user, make_photo):
    made = [make_photo(f"{n}.jpg") for n in range(2)]
    album = album_create(owner=user, title="Zip me", photo_ids=[p.pk for p, _ in made])

    answer = client.post(f"/albums/{album.pk}/download")

    archive = zipfile.ZipFile(io.BytesIO(b"".join(answer.streaming_content)))
    assert sorted(archive.namelist()) == ["0.jpg", "1.jpg"]
    assert 'filename="Zip me.zip"' in answer["Content-Disposition"]


def test_a_viewer_sees_the_album_page_without_the_owners_buttons(user, bob, make_photo):
    photo, data = make_photo("shared.jpg")
    album = album_create(owner=user, title="Family", photo_ids=[photo.pk])
    album_member_set(album=album, username="bob", role=AlbumRole.VIEWER)
    browser = Client()
    browser.force_login(bob)

    html = browser.get(f"/albums/{album.pk}/").content.decode()

    assert "shared.jpg" in html and "Shared by alice" in html
    for owner_only in ("Remove from album", "Set as cover", "Delete album", "viewer-delete"):
        assert owner_only not in html
    assert browser.post(f"/albums/{album.pk}/remove", {"ids": [str(photo.pk)]}).status_code == 403
    assert browser.get(f"/albums/{album.pk}/sharing").status_code == 403
    assert browser.get(f"/photos/{photo.pk}/").status_code == 200  # the photo's own page
    # The selection's Download works for a member: the album's photo, not the library's.
    ticked = browser.post(f"/albums/{album.pk}/download", {"ids": [str(photo.pk)]})
    assert b"".join(ticked.streaming_content) == data


def test_the_sharing_page_adds_members_and_makes_and_revokes_links(client, user, bob):
    album = album_create(owner=user, title="Share me")
    page = f"/albums/{album.pk}/sharing"

    unknown = client.post(
        page, {"action": "add-member", "member-username": "nobody", "member-role": "viewer"}
    )
    assert unknown.status_code == 400 and b"No account has that username." in unknown.content
    client.post(
        page, {"action": "add-member", "member-username": "bob", "member-role": "contributor"}
    )
    assert AlbumMember.objects.get(album=album, user=bob).role == "contributor"

    client.post(
        page,
        {
            "action": "create-link",
            "link-expires_in_days": "3",
            "link-password": "pw pw pw",
            "link-allow_download": "on",
        },
    )
    share = ShareLink.objects.get(album=album)
    assert share.has_password and share.allow_download and not share.allow_upload
    html = client.get(page).content.decode()
    assert f"/s/{share.key}" in html and "Password" in html and "Expires" in html

    client.post(page, {"action": "revoke-link", "share": str(share.pk)})
    assert not ShareLink.objects.filter(pk=share.pk).exists()
    client.post(page, {"action": "remove-member", "username": "bob"})
    assert not AlbumMember.objects.filter(album=album).exists()
