"""The small things a polished library gets right: asking in the page (not with the
browser's confirm()), copying a share link, telling photos from videos in a summary."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import images
import pytest
import videos
from playwright.sync_api import expect

from myphoto.photos.models import Album, Photo

from .pages import ARTIFACTS, PHONE, accessible, drop_files, follow, library, screenshot

pytestmark = pytest.mark.django_db(transaction=True)


def test_emptying_the_trash_and_deleting_an_album_ask_in_the_page(open_page, make_photo, user):
    from myphoto.photos.services.albums import album_create

    photos = library(make_photo, 3)
    Photo.objects.filter(pk=photos[0].pk).update(deleted_at=datetime.now(UTC))
    album = album_create(owner=user, title="Jeju 2023", photo_ids=[photos[1].pk])
    page = open_page()
    browser_dialogs = []
    page.on("dialog", lambda dialog: (browser_dialogs.append(dialog.message), dialog.dismiss()))

    follow(page, "Trash")
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


# A finger on the page: pointer events as a touch screen sends them.
TOUCH = """([type, id, x, y]) => {
    const target = document.elementFromPoint(x, y);
    target.dispatchEvent(new PointerEvent(type, {
        pointerId: id, pointerType: 'touch', isPrimary: id === 1,
        clientX: x, clientY: y, bubbles: true, cancelable: true,
    }));
}"""


def touch(page, *steps):
    for step in steps:
        page.evaluate(TOUCH, list(step))


def test_a_phone_swipes_pinches_and_holds_in_the_viewer_and_grid(open_page, make_photo):
    photos = library(make_photo, 4)
    page = open_page(PHONE)
    tiles = page.locator("#timeline .tile")

    # Hold a tile: selecting starts, the photo does not open; a tap then adds another.
    box = tiles.nth(0).bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    touch(page, ("pointerdown", 1, x, y))
    page.wait_for_timeout(700)
    touch(page, ("pointerup", 1, x, y))
    tiles.nth(0).locator("a.open").dispatch_event("click")
    expect(page.locator(".selected-count")).to_have_text("1 selected")
    expect(page.locator("#viewer")).to_be_hidden()
    tiles.nth(1).locator("a.open").click()
    expect(page.locator(".selected-count")).to_have_text("2 selected")
    page.get_by_role("button", name="Clear the selection (Esc)").click()

    tiles.nth(0).locator("a.open").click()
    viewer = page.locator("#viewer")
    name = viewer.locator(".viewer-name")
    expect(name).to_have_text(photos[3].original_name)
    stage = viewer.locator(".viewer-stage").bounding_box()
    mid_x, mid_y = stage["x"] + stage["width"] / 2, stage["y"] + stage["height"] / 2
    # Swipe left: the next photo; right: back.
    touch(page, ("pointerdown", 1, mid_x + 100, mid_y), ("pointerup", 1, mid_x - 100, mid_y))
    expect(name).to_have_text(photos[2].original_name)
    touch(page, ("pointerdown", 1, mid_x - 100, mid_y), ("pointerup", 1, mid_x + 100, mid_y))
    expect(name).to_have_text(photos[3].original_name)

    # Two fingers apart: the photo grows, and a swipe then moves it instead of stepping.
    touch(
        page,
        ("pointerdown", 1, mid_x - 20, mid_y),
        ("pointerdown", 2, mid_x + 20, mid_y),
        ("pointermove", 2, mid_x + 100, mid_y),
        ("pointerup", 1, mid_x - 20, mid_y),
        ("pointerup", 2, mid_x + 100, mid_y),
    )
    zoom = float(viewer.locator(".viewer-image").evaluate("(image) => image.style.scale"))
    assert 2.5 < zoom <= 3.5
    touch(page, ("pointerdown", 1, mid_x, mid_y), ("pointermove", 1, mid_x - 80, mid_y))
    touch(page, ("pointerup", 1, mid_x - 80, mid_y))
    expect(name).to_have_text(photos[3].original_name)
    # The next photo is shown whole again; a swipe down closes the viewer.
    page.keyboard.press("ArrowRight")
    expect(name).to_have_text(photos[2].original_name)
    assert viewer.locator(".viewer-image").evaluate("(image) => image.style.scale") == ""
    touch(page, ("pointerdown", 1, mid_x, mid_y - 100), ("pointerup", 1, mid_x, mid_y + 100))
    expect(viewer).to_be_hidden()


def test_a_slideshow_from_the_viewer(open_page, make_photo):
    photos = library(make_photo, 3)
    page = open_page()
    page.locator("#timeline .tile a.open").first.click()
    viewer = page.locator("#viewer")
    viewer.evaluate("(viewer) => { viewer.dataset.slideSeconds = '1.5'; }")
    show = viewer.get_by_role("button", name="Slideshow")
    show.click()
    expect(show).to_have_attribute("aria-pressed", "true")
    name = viewer.locator(".viewer-name")
    expect(name).to_have_text(photos[1].original_name)
    expect(name).to_have_text(photos[0].original_name)
    expect(show).to_have_attribute("aria-pressed", "false")  # the last photo ends it
    accessible(page, "the viewer after a slideshow")


def test_a_phone_has_a_one_line_top_bar_with_search_and_a_menu(open_page, make_photo):
    library(make_photo, 2)
    page = open_page(PHONE)
    bar = page.locator(".topbar")
    assert bar.bounding_box()["height"] <= 56  # one line
    for control in (
        page.get_by_role("button", name="Search"),
        page.get_by_role("button", name="Menu"),
    ):
        box = control.bounding_box()
        assert box["width"] >= 44 and box["height"] >= 44
    expect(page.locator("#search-q")).to_be_hidden()
    expect(page.get_by_role("link", name="Trash")).to_be_hidden()

    page.get_by_role("button", name="Search").click()
    expect(page.locator("#search-q")).to_be_focused()
    assert bar.bounding_box()["height"] <= 56
    page.keyboard.press("Escape")
    expect(page.locator("#search-q")).to_be_hidden()

    page.get_by_role("button", name="Menu").click()
    menu = page.get_by_role("navigation", name="Main")
    expect(menu.get_by_role("link", name="Trash")).to_be_visible()
    expect(menu.get_by_role("button", name="Log out alice")).to_be_visible()
    accessible(page, "the phone's menu, open")
    page.screenshot(path=str(Path(ARTIFACTS) / "phone-menu.png"))
    menu.get_by_role("link", name="Trash").click()
    expect(page.get_by_role("heading", name="Trash")).to_be_visible()
    expect(page.get_by_role("navigation", name="Main")).to_be_hidden()


def test_a_whole_month_is_selected_from_the_bar_its_pages_fetched_first(
    open_page, user, monkeypatch
):
    from datetime import timedelta

    from bulk import bulk_photos

    from myphoto.photos.services.counts import month_counts_rebuild
    from myphoto.photos.web import timeline

    monkeypatch.setattr(timeline, "PAGE_SIZE", 20)  # March over three pages
    bulk_photos(user, 10, start=datetime(2024, 2, 10, 9, tzinfo=UTC), every=timedelta(days=1))
    bulk_photos(user, 50, start=datetime(2024, 3, 1, 9, tzinfo=UTC), every=timedelta(hours=12))
    month_counts_rebuild(owner=user)
    march = {str(pk) for pk in Photo.objects.filter(taken_at__month=3).values_list("pk", flat=True)}
    page = open_page()
    tiles = page.locator("#timeline .tile")
    expect(tiles).to_have_count(20)  # one page of March so far; the next is out of view

    tiles.first.locator(".check").click()
    month = page.get_by_role("button", name="Select all of March 2024")
    expect(month).to_be_visible()
    accessible(page, "the selection bar offering the month")
    month.click()
    expect(page.locator(".selected-count")).to_have_text("50 selected")
    screenshot(page, "select-a-month")
    ticked = page.locator("#timeline .tile .check:checked")
    assert set(ticked.evaluate_all("(boxes) => boxes.map((box) => box.value)")) == march
    # Each page came once: every photo has one tile.
    ids = tiles.evaluate_all("(tiles) => tiles.map((tile) => tile.id)")
    assert len(ids) == len(set(ids))
