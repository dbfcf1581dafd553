"""The Map in the browser, offline as the tests run: the countries' outline from the app's
own atlas, the server's clusters as photos, a press comes closer or opens a spot's photos."""

from __future__ import annotations

import images
import pytest
from playwright.sync_api import expect

from .pages import DESKTOP, PHONE, accessible, screenshot

pytestmark = pytest.mark.django_db(transaction=True)

SEOUL = [(37.5665, 126.978), (37.5700, 126.9820), (37.5512, 126.9882)]
PARIS = (48.8566, 2.3522)


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["laptop", "phone"])
def test_the_map_shows_clusters_that_come_closer_and_open(
    open_page, make_photo, live_server, viewport
):
    for n, point in enumerate(SEOUL):
        make_photo(f"seoul {n}.jpg", data=images.jpeg_from(gps=point, seed=n))
    make_photo("paris.jpg", data=images.jpeg_from(gps=PARIS, seed=9))

    page = open_page(viewport)
    page.goto(f"{live_server.url}/map/")
    expect(page.get_by_role("heading", name="Map")).to_be_visible()
    pins = page.locator(".map-pin")
    expect(pins).to_have_count(2)
    expect(page.locator("path.map-land").first).to_be_attached()  # the offline base
    expect(page.locator("[data-map-status]")).to_have_text("4 photos")
    seoul = pins.filter(has_text="3")
    expect(seoul).to_have_attribute("title", "3 photos, Seoul")
    accessible(page, "the map")
    screenshot(page, f"map-{'phone' if viewport is PHONE else 'laptop'}")

    # Pressing a cluster comes closer, until a photo stands alone.
    for _ in range(16):
        if pins.filter(has_text="1").count():
            break
        biggest = pins.filter(has_text="3") if pins.filter(has_text="3").count() else pins.first
        zoom = page.locator(".leaflet-proxy").get_attribute("style")
        biggest.click()
        expect(page.locator(".leaflet-proxy")).not_to_have_attribute("style", zoom or "")
        page.wait_for_timeout(400)  # the view's clusters, asked for after the move
    pins.filter(has_text="1").first.click()

    expect(page.get_by_role("heading", name="Photos taken here")).to_be_visible()
    expect(page.locator("#timeline .tile")).to_have_count(1)
    accessible(page, "a spot's photos")


def test_the_viewer_and_a_places_page_show_their_own_maps(open_page, make_photo, live_server):
    from myphoto.photos.models import Photo

    seoul, _ = make_photo("seoul.jpg", data=images.jpeg_from(gps=SEOUL[0], seed=1))
    make_photo("paris.jpg", data=images.jpeg_from(gps=PARIS, seed=2))
    make_photo("nowhere.jpg", data=images.jpeg(64, 48, seed=3))
    place = Photo.objects.get(pk=seoul.pk).place

    page = open_page()
    page.locator(f"#tile-{seoul.pk} .open").click()
    viewer = page.get_by_role("dialog", name="Photo viewer")
    small = viewer.get_by_role("img", name="Where it was taken")
    expect(small).to_be_visible()
    expect(small.locator("path.map-spot")).to_be_attached()
    accessible(page, "the viewer with its map")
    screenshot(page, "viewer-map")
    page.keyboard.press("Escape")

    page.goto(f"{live_server.url}/places/{place.country_code}/{place.pk}/")
    page.get_by_text("Show on the map").click()
    expect(page.locator(".map-pin")).to_have_count(1)  # Seoul's photo, not Paris's
    accessible(page, "a place's map")
