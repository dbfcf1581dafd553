"""On this day in the browser: the cards above the timeline, on a laptop and a phone, and
a memory's page whose slideshow plays its photos."""

from __future__ import annotations

import images
import pytest
from playwright.sync_api import expect

from myphoto.photos.models import Photo

from .pages import DESKTOP, PHONE, accessible, remembered, screenshot

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["laptop", "phone"])
def test_the_timeline_opens_on_this_day_and_its_memory_plays(
    open_page, make_photo, live_server, viewport
):
    picnic = [
        make_photo(f"picnic {n}.jpg", data=images.jpeg_of(images.scene(n, (960, 640))))[0]
        for n in range(3)
    ]
    for photo in picnic:
        path = remembered(photo, years=4)
    older, _ = make_photo("older.jpg", data=images.jpeg_of(images.scene(7, (640, 960))))
    remembered(older, years=8)
    Photo.objects.filter(pk=picnic[1].pk).update(favorite=True)

    page = open_page(viewport)
    cards = page.get_by_role("navigation", name="On this day").get_by_role("link")
    expect(cards).to_have_count(2)
    expect(cards.first).to_contain_text("4 years ago")
    expect(cards.nth(1)).to_contain_text("8 years ago")
    accessible(page, "the timeline with memories")
    screenshot(page, f"memories-{'phone' if viewport is PHONE else 'laptop'}")

    cards.first.click()
    expect(page.get_by_role("heading", name="4 years ago")).to_be_visible()
    expect(page.locator("#timeline .tile")).to_have_count(3)
    accessible(page, "a memory's page")
    assert page.url.endswith(path)
    page.get_by_role("button", name="Slideshow").first.click()
    viewer = page.get_by_role("dialog", name="Photo viewer")
    expect(viewer).to_be_visible()
    expect(viewer.locator(".viewer-slideshow")).to_have_attribute("aria-pressed", "true")
    page.evaluate("document.getElementById('viewer').dataset.slideSeconds = '0.3'")
    expect(viewer.locator(".viewer-name")).not_to_have_text("picnic 0.jpg", timeout=10_000)
