"""The Libraries page in the browser: staff adopt a folder, watch its scan, see its
photos on the timeline marked "In" the library, and forget it (its files stay); on a
laptop and a phone, checked with axe-core."""

from __future__ import annotations

import images
import pytest
from adopted import FolderLibrary
from playwright.sync_api import expect

from myphoto.photos.models import Library, Photo

from .pages import PHONE, accessible, screenshot

pytestmark = pytest.mark.django_db(transaction=True)


def test_adopt_a_folder_see_its_photos_and_forget_it(open_page, user, settings, tmp_path):
    user.is_staff = True
    user.save()
    nas = FolderLibrary(tmp_path / "nas")
    settings.MYPHOTO_LIBRARY_ROOTS = [str(tmp_path / "nas")]
    nas.put("Trips/2019 Jeju/IMG_0001.JPG", images.camera_photo("JPEG", seed=1))
    nas.put("Trips/2019 Jeju/IMG_0002.JPG", images.camera_photo("JPEG", seed=2))
    nas.put("notes.txt", b"not a photo")
    page = open_page()

    page.get_by_role("link", name="Libraries").click()
    expect(page.get_by_role("heading", name="Libraries", exact=True)).to_be_visible()
    expect(page.get_by_text("No libraries yet")).to_be_visible()
    accessible(page, "the Libraries page, empty")
    page.get_by_label("Name").fill("NAS")
    page.get_by_label("Where").fill(str(tmp_path / "elsewhere"))
    page.get_by_role("button", name="Adopt and scan").click()
    expect(page.get_by_text("cannot be opened")).to_be_visible()  # refused, said why
    accessible(page, "the Libraries page with an error")
    page.get_by_label("Where").fill(str(nas.folder))
    page.get_by_label("Make an album of each folder").check()
    page.get_by_role("button", name="Adopt and scan").click()

    card = page.locator("section.library")
    expect(card.get_by_role("heading", name="NAS")).to_be_visible()
    expect(card.locator("dd").first).to_have_text("2")
    page.get_by_text("Files it could not read").click()
    expect(card.get_by_text("notes.txt")).to_be_visible()
    accessible(page, "the Libraries page with a library")
    screenshot(page, "libraries")

    page.get_by_role("link", name="Photos", exact=True).click()
    expect(page.locator("#timeline .tile")).to_have_count(2)
    page.locator("#timeline .tile .open").first.click()
    viewer = page.get_by_role("dialog", name="Photo viewer")
    expect(viewer.get_by_text("In NAS")).to_be_visible()
    accessible(page, "the viewer of an adopted photo")
    page.keyboard.press("Escape")

    phone = open_page(PHONE)
    phone.goto(page.url.rsplit("/", 1)[0] + "/libraries/")
    accessible(phone, "the Libraries page on a phone")
    screenshot(phone, "libraries-phone")

    page.goto(page.url.rsplit("/", 1)[0] + "/libraries/")
    page.get_by_label("Type “NAS” to forget it").fill("NAS")
    page.get_by_role("button", name="Forget").click()
    expect(page.get_by_text("its files stay in")).to_be_visible()
    assert not Library.objects.exists() and not Photo.objects.exists()
    assert nas.state() == nas.expected
    nas.unlock()
