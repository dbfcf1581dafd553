"""The timeline in the browser: selection, delete with undo, the viewer and its videos,
day headings, a phone's width, infinite scroll."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import images
import pytest
import videos
from bulk import retake
from playwright.sync_api import expect

from myphoto.photos.models import Photo

from .pages import DESKTOP, PHONE, accessible, library, screenshot

pytestmark = pytest.mark.django_db(transaction=True)


def test_delete_with_undo_then_delete_and_restore_from_the_trash(open_page, make_photo):
    photos = library(make_photo, 3)
    page = open_page()
    newest = page.locator(f"#tile-{photos[2].pk}")

    newest.hover()
    newest.locator(".check").click()
    page.get_by_role("button", name="Delete").click()
    expect(newest).to_have_count(0)
    expect(page.get_by_text("Moved 1 photo to the trash.")).to_be_visible()
    with page.expect_request(lambda r: r.method == "POST") as undo:
        page.get_by_role("button", name="Undo").click()
    assert undo.value.url.endswith("/api/v1/photos/restore")  # one request for the whole undo
    expect(page.get_by_text("Restored 1 photo.")).to_be_visible()
    expect(newest).to_have_count(1)
    assert Photo.objects.get(pk=photos[2].pk).deleted_at is None

    newest.hover()
    newest.locator(".check").click()
    page.get_by_role("button", name="Delete").click()
    expect(page.get_by_text("Moved 1 photo to the trash.")).to_be_visible()
    expect(page.locator("#photo-count")).to_have_text("2 photos")
    assert Photo.objects.get(pk=photos[2].pk).deleted_at is not None

    page.get_by_role("link", name="Trash").click()
    trashed = page.locator(".tile")
    expect(trashed).to_have_count(1)
    accessible(page, "the trash")
    trashed.locator(".open").click()  # the picture is the checkbox's label
    page.get_by_role("button", name="Restore").click()
    expect(page.get_by_text("Restored 1 photo.")).to_be_visible()
    expect(page.get_by_text("The trash is empty")).to_be_visible()
    page.get_by_role("link", name="Photos").click()
    expect(page.locator("#timeline .tile")).to_have_count(3)


def test_viewer_shows_details_and_steps_with_the_arrow_keys(open_page, make_photo):
    library(make_photo, 2)
    camera, camera_bytes = make_photo("IMG_0001.jpg", data=images.camera_photo("JPEG", seed=9))
    page = open_page()
    tiles = page.locator("#timeline .tile")
    expect(tiles).to_have_count(3)

    # Newest first: photo 1, photo 0 (2024), then the camera photo (2023).
    tiles.nth(1).locator(".open").click()
    viewer = page.get_by_role("dialog", name="Photo viewer")
    expect(viewer).to_be_visible()
    expect(viewer.locator(".viewer-name")).to_have_text("photo 0.jpg")
    page.keyboard.press("ArrowLeft")
    expect(viewer.locator(".viewer-name")).to_have_text("photo 1.jpg")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    expect(viewer.locator(".viewer-name")).to_have_text("IMG_0001.jpg")
    expect(viewer.locator(".viewer-camera")).to_have_text("Apple iPhone 15 Pro")
    expect(viewer.locator(".viewer-dimensions")).to_have_text("400 × 600")
    expect(viewer.locator(".viewer-taken")).to_contain_text("2023")
    place = viewer.locator(".viewer-place a")
    expect(place).to_have_text("Seoul, South Korea")  # the town near its GPS, offline
    assert "openstreetmap.org" in place.get_attribute("href")
    image = viewer.locator(".viewer-image")
    expect(image).to_have_attribute("src", f"/api/v1/photos/{camera.pk}/thumbnail?size=md")
    page.wait_for_function("() => document.querySelector('.viewer-image').naturalHeight > 0")
    assert page.evaluate("document.querySelector('.viewer-image').naturalHeight") == 600
    screenshot(page, "viewer")
    with page.expect_download() as download_info:
        viewer.get_by_role("link", name="Download").click()
    assert download_info.value.suggested_filename == "IMG_0001.jpg"
    assert Path(download_info.value.path()).read_bytes() == camera_bytes

    page.keyboard.press("Escape")
    expect(viewer).to_be_hidden()


def play(page, selector: str) -> None:
    """Start the video (muted: browsers refuse to start sound unasked) until it has played."""
    page.evaluate(
        "(selector) => { const video = document.querySelector(selector);"
        " video.muted = true; return video.play(); }",
        selector,
    )
    page.wait_for_function(
        "(selector) => document.querySelector(selector).currentTime > 0.3", arg=selector
    )


def test_videos_show_their_length_and_play_in_the_viewer(open_page, make_photo):
    """An H.264 MP4 plays as it is; an iPhone's HEVC MOV plays through its H.264 copy."""
    photo, _ = make_photo("photo.jpg", data=images.jpeg(320, 240, seed=1))
    phone, _ = make_photo("IMG_0004.MP4", data=videos.phone_video(seconds=3))
    iphone, _ = make_photo("IMG_0005.MOV", data=videos.rotated_90(videos.hevc_mov(seconds=3)))
    live, _ = make_photo("IMG_0006.JPG", data=images.live_still("LIVE-1"))
    make_photo("IMG_0006.MOV", data=videos.live_motion("LIVE-1", seconds=3))
    webm, _ = make_photo("clip.webm", data=videos.vp9_webm(seconds=3))
    retake(Photo.objects.filter(pk=webm.pk), datetime(2024, 7, 1, 8, tzinfo=UTC))
    retake(Photo.objects.filter(pk=live.pk), datetime(2024, 7, 1, 9, tzinfo=UTC))
    retake(Photo.objects.filter(pk=photo.pk), datetime(2024, 7, 1, 12, tzinfo=UTC))
    retake(Photo.objects.filter(pk=phone.pk), datetime(2024, 7, 1, 11, tzinfo=UTC))
    retake(Photo.objects.filter(pk=iphone.pk), datetime(2024, 7, 1, 10, tzinfo=UTC))
    page = open_page()
    tiles = page.locator("#timeline .tile")
    expect(tiles).to_have_count(5)  # a Live Photo's still and motion are one
    expect(tiles.nth(1).locator(".video-mark")).to_have_text("▶ 0:03")
    expect(tiles.nth(0).locator(".video-mark")).to_have_count(0)
    expect(tiles.nth(3).locator(".live-mark")).to_have_text("Live")
    # Hovered, the still moves in the grid.
    tiles.nth(3).hover()
    page.wait_for_function("() => document.querySelector('.tile-motion')?.currentTime > 0.2")
    screenshot(page, "videos-timeline")

    tiles.nth(1).locator(".open").click()
    viewer = page.get_by_role("dialog", name="Photo viewer")
    video = viewer.locator(".viewer-video")
    expect(video).to_be_visible()
    expect(viewer.locator(".viewer-image")).to_be_hidden()
    expect(video).to_have_attribute("src", f"/api/v1/photos/{phone.pk}/playback")
    expect(video).to_have_attribute("poster", f"/api/v1/photos/{phone.pk}/thumbnail?size=md")
    expect(viewer.locator(".viewer-duration")).to_have_text("0:03")
    play(page, ".viewer-video")
    accessible(page, "the viewer playing a video")
    screenshot(page, "viewer-video")

    # The arrows still step through the library while a video has the focus.
    video.focus()
    page.keyboard.press("ArrowRight")
    expect(video).to_have_attribute("src", f"/api/v1/photos/{iphone.pk}/playback")
    play(page, ".viewer-video")
    assert page.evaluate("document.querySelector('.viewer-video').videoHeight") == 320

    # The Live Photo: its still, and its motion while Live is pressed.
    page.keyboard.press("ArrowRight")
    expect(viewer.locator(".viewer-name")).to_have_text("IMG_0006.JPG")
    expect(viewer.locator(".viewer-image")).to_be_visible()
    expect(video).to_be_hidden()
    button = viewer.get_by_role("button", name="Live")
    button.hover()
    page.mouse.down()
    expect(video).to_be_visible()
    page.wait_for_function("() => document.querySelector('.viewer-video').currentTime > 0.2")
    expect(button).to_have_attribute("aria-pressed", "true")
    page.mouse.up()
    expect(video).to_be_hidden()
    expect(viewer.locator(".viewer-image")).to_be_visible()
    accessible(page, "the viewer showing a Live Photo")

    # A VP9 WebM plays as it is.
    page.keyboard.press("ArrowRight")
    expect(video).to_have_attribute("src", f"/api/v1/photos/{webm.pk}/playback")
    play(page, ".viewer-video")
    for _ in range(4):
        page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowLeft")
    expect(viewer.locator(".viewer-image")).to_be_visible()
    expect(video).to_be_hidden()
    page.keyboard.press("Escape")
    expect(viewer).to_be_hidden()
    assert page.evaluate("document.querySelector('.viewer-video').getAttribute('src')") is None


def test_day_headings_select_their_day_and_esc_clears(open_page, make_photo):
    library(make_photo, 2, start=datetime(2024, 7, 1, 9, tzinfo=UTC))
    older, _ = make_photo("older.jpg", data=images.jpeg(seed=77))
    retake(Photo.objects.filter(pk=older.pk), datetime(2024, 6, 1, 9, tzinfo=UTC))
    page = open_page()
    days = page.locator("#timeline .day")
    expect(days).to_have_count(2)
    expect(days.nth(0).locator(".day-long")).to_have_text("Mon, 1 Jul 2024")

    pick_day = days.nth(0).get_by_role("button", name="Select every photo of Monday 1 July 2024")
    pick_day.click()
    expect(page.get_by_text("2 selected")).to_be_visible()
    expect(pick_day).to_have_attribute("aria-pressed", "true")
    page.keyboard.press("Escape")
    expect(page.locator(".selection-bar")).to_be_hidden()
    expect(pick_day).to_have_attribute("aria-pressed", "false")


def test_timeline_fits_a_phone(open_page, make_photo):
    library(make_photo, 7)
    page = open_page(PHONE)
    expect(page.locator("#timeline img")).to_have_count(7)

    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    screenshot(page, "timeline-phone")
    page.set_viewport_size(DESKTOP)
    screenshot(page, "timeline-desktop")


def test_infinite_scroll_loads_the_next_pages(open_page, make_photo, monkeypatch):
    from myphoto.photos.web import timeline

    monkeypatch.setattr(timeline, "PAGE_SIZE", 4)
    library(make_photo, 10)
    page = open_page(PHONE)
    pages_asked = []
    page.on("request", lambda r: "cursor=" in r.url and pages_asked.append(r.url))
    page.reload()

    for _ in range(4):
        page.mouse.wheel(0, 5000)
    tiles = page.locator("#timeline .tile")
    expect(tiles).to_have_count(10)
    expect(page.locator("#timeline .more")).to_have_count(0)
    assert len(set(pages_asked)) == 2  # pages 2 and 3
    names = tiles.evaluate_all("(tiles) => tiles.map((tile) => tile.dataset.name)")
    assert names == [f"photo {n}.jpg" for n in range(9, -1, -1)]
    # One heading per day even when a day spans three pages.
    expect(page.locator("#timeline .day")).to_have_count(1)
    # Still one Tab stop for the grid: the tiles that came with pages are not stops.
    stops = page.evaluate(
        """() => [...document.querySelectorAll('#timeline a, #timeline input, #timeline button')]
            .filter((control) => control.tabIndex >= 0)
            .map((control) => control.closest('.tile')?.dataset.name)"""
    )
    assert stops == ["photo 9.jpg"]


def test_ticks_and_a_shift_click_survive_the_grid_being_fetched_again(open_page, make_photo):
    photos = library(make_photo, 3)
    page = open_page()
    newest, oldest = page.locator(f"#tile-{photos[2].pk}"), page.locator(f"#tile-{photos[0].pk}")
    newest.hover()
    newest.locator(".check").click()

    # What an upload's end does: the first page of the grid fetched again and swapped in.
    page.evaluate(
        """() => new Promise((done) => {
            document.body.addEventListener("htmx:afterSettle", () => done(), { once: true });
            window.htmx.ajax("GET", "/", { target: "#timeline", swap: "innerHTML" });
        })"""
    )
    oldest.locator(".check").click(modifiers=["Shift"])

    expect(page.get_by_text("3 selected")).to_be_visible()
