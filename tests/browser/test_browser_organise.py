"""Organising in the browser: the heart (F), the archive with Undo, the viewer's editor
(description, place by town, date with its time zone, a turn), and "Date & place…" for
the ticked photos; every page and dialog checked with axe-core."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from images import look_alikes
from playwright.sync_api import expect

from myphoto.photos.models import Photo

from .pages import PHONE, accessible, library, screenshot

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_heart_with_f_and_the_favorites_page(open_page, make_photo):
    photos = library(make_photo, 3)
    page = open_page()

    page.locator(f"#tile-{photos[1].pk} .open").click()
    viewer = page.get_by_role("dialog", name="Photo viewer")
    expect(viewer).to_be_visible()
    page.keyboard.press("f")

    heart = viewer.get_by_role("button", name="Favorite (F)", exact=True)
    expect(heart).to_have_attribute("aria-pressed", "true")
    expect(page.locator(f"#tile-{photos[1].pk} button.heart")).to_have_attribute(
        "aria-pressed", "true"
    )
    accessible(page, "the viewer with its editor")
    page.keyboard.press("Escape")
    assert Photo.objects.get(pk=photos[1].pk).favorite

    page.get_by_role("link", name="Favorites").click()
    expect(page.locator("#timeline .tile")).to_have_count(1)
    expect(page.locator("#photo-count")).to_have_text("1 photo")
    screenshot(page, "favorites")


def test_archive_with_undo_and_the_archive_page(open_page, make_photo):
    photos = library(make_photo, 3)
    page = open_page()
    for photo in photos[:2]:
        tile = page.locator(f"#tile-{photo.pk}")
        tile.hover()
        tile.locator(".check").click()

    page.get_by_role("button", name="Archive", exact=True).click()
    expect(page.get_by_text("Archived 2 photos: they are off the timeline.")).to_be_visible()
    expect(page.locator("#timeline .tile")).to_have_count(1)
    expect(page.locator("#photo-count")).to_have_text("1 photo")
    assert Photo.objects.filter(archived=True).count() == 2

    page.get_by_role("button", name="Undo").click()
    expect(page.get_by_text("Undone.")).to_be_visible()
    expect(page.locator("#timeline .tile")).to_have_count(3)
    assert Photo.objects.filter(archived=True).count() == 0

    tile = page.locator(f"#tile-{photos[0].pk}")
    tile.hover()
    tile.locator(".check").click()
    page.get_by_role("button", name="Archive", exact=True).click()
    expect(page.locator("#timeline .tile")).to_have_count(2)
    page.get_by_role("link", name="Archive", exact=True).click()
    expect(page.locator("#timeline .tile")).to_have_count(1)
    screenshot(page, "archive")
    tile = page.locator(f"#tile-{photos[0].pk}")
    tile.hover()
    tile.locator(".check").click()
    page.get_by_role("button", name="Unarchive").click()
    expect(page.get_by_text("No photos archived")).to_have_count(0)
    expect(page.locator("#timeline .tile")).to_have_count(0)
    assert not Photo.objects.get(pk=photos[0].pk).archived


def test_the_viewer_edits_description_place_date_and_turns(open_page, make_photo):
    (photo,) = library(make_photo, 1)
    page = open_page()
    page.locator(f"#tile-{photo.pk} .open").click()
    viewer = page.get_by_role("dialog", name="Photo viewer")

    viewer.get_by_text("Edit", exact=True).click()
    viewer.get_by_label("Description").fill("Lunch with Minji")
    viewer.get_by_label("Place").fill("Seou")
    page.wait_for_function(
        """() => Array.from(document.querySelectorAll("#edit-towns option"))
            .some((option) => option.value.startsWith("Seoul"))"""
    )
    town = page.locator("#edit-towns option").first.get_attribute("value")
    viewer.get_by_label("Place").fill(town)
    viewer.get_by_label("Date and time").fill("2019-05-04T12:30:00")
    viewer.get_by_label("Time zone").select_option("+09:00")
    screenshot(page, "viewer-edit")
    viewer.get_by_role("button", name="Save").click()
    expect(viewer.locator(".edit-status")).to_have_text("Saved.")

    edited = Photo.objects.select_related("place").get(pk=photo.pk)
    assert edited.description == "Lunch with Minji"
    assert edited.place.city == "Seoul"
    assert edited.taken_at == datetime(2019, 5, 4, 3, 30, tzinfo=UTC)
    assert edited.taken_at_offset == 540
    expect(viewer.locator(".viewer-description")).to_have_text("Lunch with Minji")
    expect(viewer.locator(".viewer-place")).to_contain_text("Seoul")
    expect(viewer.locator(".viewer-taken")).to_contain_text("4 May 2019, 12:30")

    viewer.get_by_role("button", name="Turn right").click()
    expect(viewer.locator(".edit-status")).to_contain_text("Turned.")
    # The thumbnails are made again, turned; the tile shows them once made.
    expect(page.locator(f"#tile-{photo.pk} img")).to_have_attribute(
        "src", f"/api/v1/photos/{photo.pk}/thumbnail?size=sm&turn=90"
    )
    assert Photo.objects.get(pk=photo.pk).rotation == 90


def test_date_and_place_for_the_ticked_photos_with_undo(open_page, make_photo):
    photos = library(make_photo, 2)
    before = {p.pk: p.taken_at for p in Photo.objects.all()}
    page = open_page(PHONE)
    for photo in photos:
        page.locator(f"#tile-{photo.pk} .check").click()

    page.get_by_role("button", name="Date & place…").click()
    dialog = page.get_by_role("dialog", name="Change 2 photos")
    expect(dialog).to_be_visible()
    dialog.get_by_label("Move each by").check()
    dialog.get_by_label("Hours").fill("2")
    dialog.get_by_label("Direction").select_option("-1")
    dialog.get_by_label("Set all to").nth(1).check()
    dialog.get_by_label("Town or coordinates").fill("48.8566, 2.3522")
    accessible(page, "Date & place… on a phone")
    screenshot(page, "date-and-place")
    dialog.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Changed 2 photos.")).to_be_visible()

    for photo in Photo.objects.select_related("place"):
        assert photo.taken_at == before[photo.pk] - timedelta(hours=2)
        assert photo.place.city == "Paris"
        assert photo.taken_at_source == "edited"

    page.get_by_role("button", name="Undo").click()
    expect(page.get_by_text("Undone.")).to_be_visible()
    for photo in Photo.objects.all():
        assert photo.taken_at == before[photo.pk]
        assert photo.place is None


def test_the_duplicates_page_keeps_the_best(open_page, make_photo):
    for name, data in look_alikes(11).items():
        make_photo(name, data=data)
    make_photo("another.jpg")
    page = open_page()

    page.get_by_role("link", name="Duplicates").click()
    group = page.get_by_role("group", name="4 look-alikes")
    expect(group).to_be_visible()
    expect(group.get_by_label("original.jpg")).to_be_checked()
    screenshot(page, "duplicates")
    group.get_by_role("button", name="Keep the chosen one, trash the others").click()

    expect(page.get_by_text("Kept one; moved 3 look-alikes to the trash.")).to_be_visible()
    expect(page.get_by_text("No look-alikes")).to_be_visible()
    accessible(page, "the Duplicates page, empty")
    assert [p.original_name for p in Photo.objects.visible().order_by("original_name")] == [
        "another.jpg",
        "original.jpg",
    ]
