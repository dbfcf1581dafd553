"""RAW files in the browser: a RAW+JPEG shot is one tile marked so, whose viewer offers
the RAW's download beside the JPEG's; a RAW alone shows the picture of its sensor data."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import dngs
import images
import pytest
from bulk import retake
from PIL import ExifTags, Image
from playwright.sync_api import expect

from myphoto.photos.models import Photo

from .pages import PHONE, accessible, screenshot

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_raw_and_jpeg_shot_is_one_tile_whose_viewer_offers_the_raw(
    open_page, make_photo, tmp_path
):
    picture = images.scene(11, (2400, 1600))
    exif = Image.Exif()
    exif.get_ifd(ExifTags.IFD.Exif)[ExifTags.Base.DateTimeOriginal] = dngs.TAKEN
    jpeg = images.encode(picture, "JPEG", quality=90, exif=exif)
    raw = dngs.dng(2400, 1600, picture=picture, taken=dngs.TAKEN, offset="", preview=None)
    shown, _ = make_photo("DSC_0050.JPG", data=jpeg)
    alone, _ = make_photo("DSC_0051.DNG", data=dngs.dng(2400, 1600, seed=12, preview=None).data)
    retake(Photo.objects.filter(pk=alone.pk), datetime(2024, 5, 4, 9, tzinfo=UTC))

    page = open_page(PHONE)
    tiles = page.locator("#timeline .tile")
    expect(tiles).to_have_count(2)
    # The shot's RAW comes after its JPEG, from the phone's file chooser.
    (tmp_path / "DSC_0050.DNG").write_bytes(raw.data)
    page.locator("#upload-files").set_input_files(tmp_path / "DSC_0050.DNG")
    expect(
        page.get_by_role("region", name="Uploads").get_by_text("1 photo uploaded")
    ).to_be_visible()
    expect(page.locator(f"#tile-{shown.pk} .raw-mark")).to_have_text("RAW+JPEG")
    expect(tiles).to_have_count(2)
    raw_row = Photo.objects.get(original_name="DSC_0050.DNG")
    assert raw_row.part_of_id == shown.pk
    expect(page.locator(f"#tile-{alone.pk} img")).to_be_visible()
    accessible(page, "a timeline with a RAW+JPEG shot, on a phone")
    screenshot(page, "raw-timeline-phone")

    page.locator(f"#tile-{shown.pk} .open").click()
    viewer = page.get_by_role("dialog", name="Photo viewer")
    raw_download = viewer.get_by_role("link", name="Download RAW")
    expect(raw_download).to_be_visible()
    expect(raw_download).to_have_attribute("href", f"/photos/{raw_row.pk}/download")
    with page.expect_download() as downloaded:
        raw_download.click()
    assert downloaded.value.suggested_filename == "DSC_0050.DNG"
    assert Path(downloaded.value.path()).read_bytes() == raw.data
    accessible(page, "the viewer of a RAW+JPEG shot")
    screenshot(page, "raw-viewer-phone")

    expect(viewer.locator(".viewer-lens")).to_be_hidden()  # the JPEG names no lens

    page.keyboard.press("ArrowRight")
    expect(viewer.locator(".viewer-name")).to_have_text("DSC_0051.DNG")
    expect(raw_download).to_be_hidden()
    expect(viewer.locator(".viewer-lens")).to_have_text(dngs.LENS)
