"""People in the browser: real faces found after an upload, the People page on a laptop and
a phone, naming someone, their timeline, and the viewer saying who is in a photo."""

from __future__ import annotations

import faces
import pytest
from playwright.sync_api import expect

from .pages import DESKTOP, PHONE, accessible, follow, screenshot

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["laptop", "phone"])
def test_someone_found_in_photos_is_named_and_shown_in_the_viewer(
    faces_on, open_page, make_photo, viewport
):
    for n in range(3):
        make_photo(
            f"collins {n}.jpg", data=faces.astronaut(n, taken=f"202{n}:04:0{n + 1} 10:00:00")
        )
    make_photo("a landscape.jpg")

    page = open_page(viewport)
    if viewport is PHONE:
        page.get_by_role("button", name="Menu").click()
    follow(page, "People")
    card = page.locator(".person-card")
    expect(card).to_have_count(1)
    expect(card).to_contain_text("3 photos")
    expect(card.locator("img")).to_have_js_property("naturalWidth", 192)
    accessible(page, "the People page")
    screenshot(page, f"people-{'phone' if viewport is PHONE else 'laptop'}")

    with page.expect_navigation(wait_until="domcontentloaded"):
        card.get_by_role("link", name="Add a name").click()
    expect(page.locator("#timeline .tile")).to_have_count(3)
    page.get_by_label("Name").fill("Eileen")
    with page.expect_navigation():
        page.get_by_role("button", name="Save the name").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Eileen")
    page.get_by_text("Their faces (3)").click()
    expect(page.locator(".face-list img")).to_have_count(3)
    accessible(page, "a person's page")
    screenshot(page, f"person-{'phone' if viewport is PHONE else 'laptop'}")

    page.locator("#timeline .tile a.open").first.click()
    viewer = page.get_by_role("dialog", name="Photo viewer")
    expect(viewer.locator(".viewer-people a")).to_have_text("Eileen")
    accessible(page, "the viewer of a photo with someone named")
    page.keyboard.press("Escape")

    # Found by name in the search box, with a year.
    box = page.get_by_role("combobox", name="Search your photos")
    if viewport is PHONE:
        page.get_by_role("button", name="Search").click()
    box.fill("eileen 2021")
    box.press("Enter")
    expect(page.locator("#timeline .tile")).to_have_count(1)
