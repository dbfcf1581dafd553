"""The grid as people see and drive it: justified rows that keep each photo's shape and
fill the width, small days sharing a row, the keyboard, labels that never collide."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import images
import passes
import pytest
from bulk import retake
from playwright.sync_api import expect

from myphoto.photos.models import Photo

from .pages import DESKTOP, PHONE, screenshot

pytestmark = [pytest.mark.django_db(transaction=True), passes.page_once]

# Every tile's box, its day, its aspect as stored, and the grid's width.
TILES = """() => {
    const grid = document.getElementById('timeline') || document.querySelector('ul.grid.justify');
    const origin = grid.getBoundingClientRect();
    return {
        width: grid.clientWidth,
        tiles: [...grid.querySelectorAll('.tile')].map((tile) => {
            const box = tile.getBoundingClientRect();
            return {
                id: tile.dataset.id, day: tile.closest('.day')?.dataset.day,
                ar: parseFloat(tile.dataset.ar),
                left: box.left - origin.left, right: box.right - origin.left,
                top: box.top - origin.top, width: box.width, height: box.height,
            };
        }),
        heads: [...grid.querySelectorAll('.day')].map((day) => {
            const head = day.querySelector('.day-head').getBoundingClientRect();
            const first = day.querySelector('.tile').getBoundingClientRect();
            return { day: day.dataset.day, bottom: head.bottom, left: head.left,
                     firstTop: first.top, firstLeft: first.left };
        }),
    };
}"""

SHAPES = [(320, 200), (200, 300), (300, 300), (480, 200), (240, 320), (400, 300)]


def days_of_photos(make_photo, per_day: list[int]) -> list[Photo]:
    """Days (newest first) with `per_day` photos each, of mixed shapes."""
    photos = []
    start = datetime(2024, 7, 20, 9, tzinfo=UTC)
    for day, count in enumerate(per_day):
        for n in range(count):
            width, height = SHAPES[(day + n) % len(SHAPES)]
            photo, _ = make_photo(
                f"d{day} n{n}.jpg", data=images.jpeg(width, height, seed=day * 50 + n)
            )
            retake(Photo.objects.filter(pk=photo.pk), start - timedelta(days=day, minutes=n))
            photos.append(photo)
    return photos


def rows_of(tiles: list[dict]) -> list[list[dict]]:
    rows: dict[int, list[dict]] = {}
    for tile in tiles:
        rows.setdefault(round(tile["top"]), []).append(tile)
    return [sorted(row, key=lambda t: t["left"]) for _, row in sorted(rows.items())]


def check_justified(page, *, days: bool = True) -> list[list[dict]]:
    # Until layout.js has run (a module: after the page is parsed) the grid is hidden, its
    # tiles squares; it is shown once justified.
    grid = "document.querySelector('#timeline, ul.grid.justify')"
    page.wait_for_function(f"() => {grid}?.classList.contains('justified')")
    laid = page.evaluate(TILES)
    rows = rows_of(laid["tiles"])
    assert len(rows) >= 2
    for row in rows:
        for tile in row:
            # Its own shape: rounding to whole pixels only.
            assert (
                abs(tile["width"] / tile["height"] - tile["ar"])
                < 0.03 * tile["ar"] + 1 / tile["height"]
            )
            assert len({round(t["height"]) for t in row}) == 1
        for before, after in zip(row, row[1:], strict=False):
            assert after["left"] >= before["right"]  # nothing overlaps
    for row in rows[:-1]:
        assert abs(row[-1]["right"] - laid["width"]) <= 1, "a row short of the width"
        assert row[0]["left"] == 0
    if days:
        for head in laid["heads"]:
            # A day's date sits above its own first tile.
            assert head["bottom"] <= head["firstTop"] + 0.5
            assert abs(head["left"] - head["firstLeft"]) <= 1
    return rows


def test_rows_fill_the_width_keep_shapes_and_small_days_share_a_row(open_page, make_photo):
    days_of_photos(make_photo, [2, 1, 3, 1, 14, 2, 1])
    page = open_page()
    rows = check_justified(page)
    assert any(len({tile["day"] for tile in row}) >= 3 for row in rows), "small days share a row"
    before = page.evaluate(TILES)["tiles"]
    page.wait_for_function("() => [...document.images].every((image) => image.complete)")
    assert page.evaluate(TILES)["tiles"] == before, "the boxes moved as thumbnails loaded"
    screenshot(page, "timeline-justified")

    # A narrower window (or zoom): the rows are made again for the new width.
    page.set_viewport_size({"width": 900, "height": 800})
    page.wait_for_function("() => document.getElementById('timeline').clientWidth < 900")
    page.wait_for_timeout(100)
    check_justified(page)
    page.set_viewport_size(PHONE)
    page.wait_for_timeout(200)
    rows = check_justified(page)
    assert max(len(row) for row in rows) >= 3, "a phone shows several photos a row"
    screenshot(page, "timeline-justified-phone")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0


def test_the_trash_is_justified_too(open_page, make_photo):
    photos = days_of_photos(make_photo, [9])
    Photo.objects.filter(pk__in=[p.pk for p in photos]).update(deleted_at=datetime.now(UTC))
    page = open_page()
    page.get_by_role("link", name="Trash").click()
    expect(page.locator(".tile")).to_have_count(9)
    check_justified(page, days=False)


def test_the_grid_from_the_keyboard(open_page, make_photo):
    photos = days_of_photos(make_photo, [3, 12])
    page = open_page(DESKTOP)
    tiles = page.locator("#timeline .tile")
    # One Tab stop for the whole grid: Tab from "Videos" lands on the first photo...
    page.get_by_role("link", name="Videos").focus()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('.tile')?.id") == f"tile-{photos[0].pk}"
    # ...and the next Tab leaves the grid.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('#timeline')") is None
    page.keyboard.press("Shift+Tab")
    focused = "() => document.activeElement.closest('.tile')?.dataset.id"

    page.keyboard.press("ArrowRight")
    assert page.evaluate(focused) == str(photos[1].pk)
    # Down: the nearest tile of the next row, up: back to the one above.
    top = tiles.nth(1).bounding_box()["y"]
    page.keyboard.press("ArrowDown")
    below = page.evaluate(focused)
    assert page.locator(f"#tile-{below}").bounding_box()["y"] > top
    page.keyboard.press("ArrowUp")
    assert page.locator(f"#tile-{page.evaluate(focused)}").bounding_box()["y"] == top

    # Space ticks, Shift+arrows extend, Ctrl+A ticks everything, Esc clears.
    page.keyboard.press(" ")
    expect(page.locator(".selected-count")).to_have_text("1 selected")
    page.keyboard.press("Shift+ArrowRight")
    page.keyboard.press("Shift+ArrowRight")
    expect(page.locator(".selected-count")).to_have_text("3 selected")
    page.keyboard.press("Control+a")
    expect(page.locator(".selected-count")).to_have_text("15 selected")
    page.keyboard.press("Escape")
    expect(page.locator(".selection-bar")).to_be_hidden()

    # Enter opens the viewer; deleting there shows the toast with Undo above it.
    page.keyboard.press("Enter")
    viewer = page.locator("#viewer")
    expect(viewer).to_be_visible()
    viewer.get_by_role("button", name="Delete").click()
    toast = page.locator(".toast")
    expect(toast).to_be_visible()
    # On top of the viewer, not under it: what is at the toast's middle is the toast.
    assert toast.evaluate(
        """(toast) => {
            const box = toast.getBoundingClientRect();
            const middle = [box.left + box.width / 2, box.top + box.height / 2];
            return toast.contains(document.elementFromPoint(...middle));
        }"""
    )
    toast.get_by_role("button", name="Undo").click()
    expect(page.get_by_text("Restored 1 photo.")).to_be_visible()
    assert Photo.objects.filter(deleted_at__isnull=True).count() == 15


def test_scrubber_labels_never_overlap(open_page, user):
    from bulk import bulk_photos

    from myphoto.photos.services.counts import month_counts_rebuild

    # A library mostly of one year, with a photo now and then in the years before.
    bulk_photos(user, 1500, start=datetime(2024, 1, 1, tzinfo=UTC), every=timedelta(hours=5))
    for year in (2008, 2012, 2014, 2015, 2016, 2019, 2021):
        bulk_photos(user, 2, start=datetime(year, 5, 1, tzinfo=UTC), every=timedelta(days=1))
    month_counts_rebuild(owner=user)
    page = open_page()
    for height in (800, 420):
        page.set_viewport_size({"width": 1280, "height": height})
        page.wait_for_timeout(100)
        labels = page.evaluate(
            """() => [...document.querySelectorAll('.scrubber-years a')]
                .filter((label) => getComputedStyle(label).visibility === 'visible')
                .map((label) => {
                    const box = label.getBoundingClientRect();
                    return [box.top, box.bottom, label.textContent];
                })"""
        )
        assert len(labels) >= 2
        for (_, bottom, _), (top, _, _) in zip(labels, labels[1:], strict=False):
            assert top >= bottom - 0.5, labels
    screenshot(page, "scrubber-thinned")
