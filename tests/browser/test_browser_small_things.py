"""The small things a polished library gets right: asking in the page (not with the
browser's confirm()), copying a share link, telling photos from videos in a summary."""

from __future__ import annotations

from datetime import UTC, datetime

import images
import pytest
import videos
from playwright.sync_api import expect

from myphoto.photos.models import Album, Photo

from .pages import accessible, drop_files, library

pytestmark = pytest.mark.django_db(transaction=True)


def test_emptying_the_trash_and_deleting_an_album_ask_in_the_page(open_page, make_photo, user):
    from myphoto.photos.services.albums import album_create

    photos = library(make_photo, 3)
    Photo.objects.filter(pk=photos[0].pk).update(deleted_at=datetime.now(UTC))
    album = album_create(owner=user, title="Jeju 2023", photo_ids=[photos[1].pk])
    page = open_page()
    browser_dialogs = []
    page.on("dialog", lambda dialog: (browser_dialogs.append(dialog.message), dialog.dismiss()))

    page.get_by_role("link", name="Trash").click()
    page.get_by_role("button", name="Empty trash").click()
    question = page.get_by_role("dialog", name="Delete every photo in the trash for good?")
    expect(question).to_be_visible()
    accessible(page, "the question before emptying the trash")
    question.get_by_role("button", name="Cancel").click()
    expect(question).to_be_hidden()
    assert Photo.objects.filter(pk=photos[0].pk).exists()  # nothing happened

    page.get_by_role("button", name="Empty trash").click()
    question.press("Escape")  # Esc is a no, too
    expect(question).to_be_hidden()
    assert Photo.objects.filter(pk=photos[0].pk).exists()

    page.get_by_role("button", name="Empty trash").click()
    question.get_by_role("button", name="Empty trash").click()
    expect(page.get_by_text("The trash is empty")).to_be_visible()
    assert not Photo.objects.filter(pk=photos[0].pk).exists()

    page.goto(page.url.replace("/trash/", f"/albums/{album.pk}/"))
    page.get_by_role("button", name="Delete album").click()
    question = page.get_by_role("dialog", name="Delete the album “Jeju 2023”?", exact=False)
    question.get_by_role("button", name="Delete album").click()
    expect(page.get_by_role("heading", name="Albums")).to_be_visible()
    assert not Album.objects.filter(pk=album.pk).exists()
    assert Photo.objects.filter(pk=photos[1].pk, deleted_at=None).exists()  # photos stay
    assert browser_dialogs == []


def test_copy_link_puts_the_share_address_on_the_clipboard(
    open_page, make_photo, user, live_server
):
    from myphoto.photos.services.albums import album_create
    from myphoto.photos.services.shares import share_create

    photo, _ = make_photo("one.jpg")
    album = album_create(owner=user, title="Family", photo_ids=[photo.pk])
    share = share_create(album=album)
    page = open_page()
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.goto(f"{live_server.url}/albums/{album.pk}/sharing")
    address = page.get_by_role("textbox", name="Link").input_value()
    assert share.key in address
    page.get_by_role("button", name="Copy link").click()
    expect(page.get_by_text("Link copied.")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == address


def test_the_upload_summary_counts_photos_and_videos_apart(open_page):
    page = open_page()
    drop_files(
        page,
        {
            "beach.jpg": images.jpeg(400, 300, seed=1),
            "harbour.jpg": images.jpeg(300, 400, seed=2),
            "waves.mp4": videos.phone_video(rotate=False, seconds=1.0),
        },
    )
    panel = page.get_by_role("region", name="Uploads")
    expect(panel.get_by_text("2 photos and 1 video uploaded")).to_be_visible()
