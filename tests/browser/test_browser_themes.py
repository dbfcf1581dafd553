"""Light and dark: every page in both, as the system asks or as Settings chose, with no
axe-core violation (contrast included) in either."""

from __future__ import annotations

import passes
import pytest
from playwright.sync_api import expect

from myphoto.photos.models import Photo
from myphoto.photos.services.accounts import password_link_token

from .pages import PHONE, accessible, library, remembered, screenshot, seen_twice

pytestmark = [pytest.mark.django_db(transaction=True), passes.page_once]

# The page's background, as a luminance from 0 (black) to 1 (white).
BACKGROUND = """() => {
    const [r, g, b] = getComputedStyle(document.body).backgroundColor.match(/\\d+/g).map(Number);
    return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;
}"""


def pages_of(user, photos) -> list[str]:
    from myphoto.photos.services.albums import album_create
    from myphoto.photos.services.shares import share_create

    memory = remembered(photos[0])  # the timeline opens with "on this day"
    person = seen_twice(photos)
    album = album_create(owner=user, title="Seoul", photo_ids=[p.pk for p in photos[:2]])
    share = share_create(album=album)
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    return [
        "/",
        "/favorites/",
        "/archive/",
        "/albums/",
        f"/albums/{album.pk}/",
        f"/albums/{album.pk}/sharing",
        "/places/",
        "/duplicates/",
        "/trash/",
        "/search/?q=photo",
        "/account/",
        "/upload/",
        f"/photos/{photos[0].pk}/",
        "/library-health/",
        "/libraries/",
        "/users/",
        f"/users/{user.username}/",
        f"/password/{password_link_token(user=user)}",
        f"/s/{share.key}",
        "/offline/",
        memory,
        "/map/",
        "/map/photos/?bounds=-90,-180,90,180",
        "/people/",
        person,
    ]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_page_in_the_systems_theme(open_page, make_photo, user, live_server, scheme):
    photos = library(make_photo, 3)
    Photo.objects.filter(pk=photos[2].pk).update(favorite=True)
    page = open_page()
    page.emulate_media(color_scheme=scheme)
    for path in pages_of(user, photos):
        page.goto(f"{live_server.url}{path}")
        luminance = page.evaluate(BACKGROUND)
        assert (luminance < 0.2) if scheme == "dark" else (luminance > 0.9), path
        accessible(page, f"{path} ({scheme})")
    page.goto(live_server.url)
    page.locator("#timeline .tile a.open").first.click()
    expect(page.locator("#viewer")).to_be_visible()
    accessible(page, f"the viewer ({scheme})")
    page.keyboard.press("Escape")
    page.locator("#timeline .tile .check").first.check(force=True)
    expect(page.locator(".selection-bar")).to_be_visible()
    screenshot(page, f"timeline-{scheme}")


def test_a_theme_chosen_in_settings_wins_over_the_systems(open_page, make_photo, live_server):
    library(make_photo, 2)
    page = open_page(PHONE)
    page.emulate_media(color_scheme="dark")
    assert page.evaluate(BACKGROUND) < 0.2
    page.goto(f"{live_server.url}/account/")
    page.get_by_role("combobox", name="Theme").select_option("light")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Saved: pages look this way from now on.")).to_be_visible()
    assert page.evaluate(BACKGROUND) > 0.9
    page.goto(live_server.url)
    assert page.evaluate(BACKGROUND) > 0.9
    page.goto(f"{live_server.url}/account/")
    page.get_by_role("combobox", name="Theme").select_option("dark")
    page.get_by_role("button", name="Save").click()
    page.emulate_media(color_scheme="light")
    page.goto(live_server.url)
    assert page.evaluate(BACKGROUND) < 0.2
    screenshot(page, "timeline-dark-phone")
