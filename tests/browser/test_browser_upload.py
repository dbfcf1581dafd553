"""Uploading from the page: the chooser, drops, the panel's bars, and big files in parts
that survive the network going away and a reload."""

from __future__ import annotations

import os
import re
import zipfile
from pathlib import Path

import images
import pytest
import videos
from playwright.sync_api import expect

from myphoto.photos.models import Photo

from .pages import accessible, drop_files, library, screenshot, wait_for

pytestmark = pytest.mark.django_db(transaction=True)


def test_upload_by_chooser_and_drop_then_select_a_range_and_download_a_zip(
    open_page, photo_storage, tmp_path
):
    page = open_page()
    expect(page.get_by_text("No photos yet")).to_be_visible()
    screenshot(page, "empty-timeline")
    (tmp_path / "사진 2023.jpg").write_bytes(images.camera_photo("JPEG", seed=1))
    (tmp_path / "screen.png").write_bytes(images.png(500, 300, seed=2))

    with page.expect_file_chooser() as chooser:
        page.get_by_role("link", name="Upload").first.click()
    chooser.value.set_files([tmp_path / "사진 2023.jpg", tmp_path / "screen.png"])
    # An iPhone photo: HEIC, turned by its orientation, with capture time, camera and place.
    drop_files(page, {"IMG_0002.HEIC": images.camera_photo("HEIF", seed=3)})

    panel = page.get_by_role("region", name="Uploads")
    expect(panel.get_by_text("3 photos uploaded")).to_be_visible()
    expect(panel.locator(".upload-item.done")).to_have_count(3)
    tiles = page.locator("#timeline .tile")
    expect(tiles).to_have_count(3)
    expect(page.locator("#photo-count")).to_have_text("3 photos")
    expect(page.locator("#timeline img")).to_have_count(3)  # thumbnails, not placeholders
    screenshot(page, "timeline-after-upload")
    iphone = page.locator("#timeline .tile", has=page.locator("img[alt='IMG_0002.HEIC']"))
    expect(iphone).to_have_attribute("data-camera", "Apple iPhone 15 Pro")
    expect(iphone).to_have_attribute("data-dimensions", "400 × 600")
    expect(iphone).to_have_attribute("data-lat", "37.5665")
    expect(iphone.locator("xpath=ancestor::section//*[@class='day-long']")).to_have_text(
        "Wed, 11 Oct 2023"
    )

    first, last = tiles.nth(0), tiles.nth(2)
    first.hover()
    first.locator(".check").click()
    last.locator(".check").click(modifiers=["Shift"])
    expect(page.get_by_text("3 selected")).to_be_visible()
    screenshot(page, "selection-bar")

    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download").click()
    download = download_info.value
    assert download.suggested_filename.startswith("myphoto-")
    assert download.suggested_filename.endswith(".zip")
    with zipfile.ZipFile(download.path()) as archive:
        assert sorted(archive.namelist()) == ["IMG_0002.HEIC", "screen.png", "사진 2023.jpg"]
        assert archive.testzip() is None


def test_upload_panel_reports_each_file_while_it_goes(open_page, make_photo, tmp_path):
    [existing] = library(make_photo, 1)
    page = open_page()
    # A slow uplink, so that the panel is seen mid-upload.
    cdp = page.context.new_cdp_session(page)
    cdp.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": 20, "downloadThroughput": -1, "uploadThroughput": 400_000},
    )
    big = images.noise_png(900, 700, seed=5)  # about 1.9 MB
    (tmp_path / "big.png").write_bytes(big)
    (tmp_path / "notes.txt").write_bytes(b"a shopping list, not a photo")
    (tmp_path / "again.jpg").write_bytes(
        images.jpeg(320, 200, seed=0)  # the bytes of the photo already in the library
    )

    with page.expect_file_chooser() as chooser:
        page.get_by_role("link", name="Upload").first.click()
    chooser.value.set_files([tmp_path / "big.png", tmp_path / "notes.txt", tmp_path / "again.jpg"])

    panel = page.get_by_role("region", name="Uploads")
    big_item = panel.locator(".upload-item", has_text="big.png")
    expect(big_item.locator(".status")).to_have_text(re.compile(r"^([1-9]|[1-9]\d)%$"))
    screenshot(page, "upload-panel")

    expect(big_item.locator(".status")).to_have_text("Uploaded", timeout=30_000)
    expect(panel.locator(".upload-item", has_text="again.jpg")).to_contain_text(
        "Already in your library"
    )
    expect(panel.locator(".upload-item", has_text="notes.txt")).to_contain_text(
        "not a photo or video MyPhoto can read"
    )
    expect(panel.get_by_text("1 photo uploaded, 1 already there, 1 failed")).to_be_visible()
    expect(page.locator("#timeline .tile")).to_have_count(2)
    assert Photo.objects.filter(original_name="notes.txt").count() == 0
    assert existing.pk in set(Photo.objects.values_list("pk", flat=True))


def part_number(url: str) -> int:
    """The part a PUT is for: `partNumber=` on S3, `/parts/<n>` on the app."""
    found = re.search(r"partNumber=(\d+)", url) or re.search(r"/parts/(\d+)\?", url)
    assert found, url
    return int(found.group(1))


def received_parts() -> list[int]:
    from myphoto.photos.models import MultipartUpload
    from myphoto.photos.services.multipart import multipart_received

    upload = MultipartUpload.objects.first()
    return multipart_received(upload=upload) if upload else []


def slow_uplink(page, *, offline: bool = False) -> None:
    """Chromium's own network emulation: 3 MB/s up (a home uplink), or no network."""
    if not hasattr(page, "_network"):
        page._network = page.context.new_cdp_session(page)
        page._network.send("Network.enable")
    page._network.send(
        "Network.emulateNetworkConditions",
        {
            "offline": offline,
            "latency": 20,
            "downloadThroughput": -1,
            "uploadThroughput": 3 * 1024 * 1024,
        },
    )


def choose(page, path: Path) -> None:
    with page.expect_file_chooser() as chooser:
        page.get_by_role("link", name="Upload").first.click()
    chooser.value.set_files([path])


def test_a_big_file_goes_in_parts_and_survives_the_network_going_away(
    open_page, photo_storage, settings, tmp_path
):
    settings.MYPHOTO_UPLOAD_PART_MB = 5
    settings.MYPHOTO_MULTIPART_UPLOAD_MB = 8
    data = videos.padded_video(4 * 5 * 1024 * 1024 + 4321, seed=11)  # 5 parts
    (tmp_path / "IMG_4K.MOV").write_bytes(data)
    page = open_page()
    puts = []
    page.on("request", lambda r: r.method == "PUT" and puts.append(part_number(r.url)))
    slow_uplink(page)

    choose(page, tmp_path / "IMG_4K.MOV")
    item = page.get_by_role("region", name="Uploads").locator(".upload-item", has_text="IMG_4K")
    wait_for(lambda: len(received_parts()) >= 1, "a first part")
    slow_uplink(page, offline=True)
    expect(item).to_contain_text("Waiting for the network")
    accessible(page, "the upload panel waiting for the network")
    slow_uplink(page)

    expect(item).to_contain_text("Uploaded", timeout=60_000)
    photo = Photo.objects.get()
    assert photo_storage.read(photo.storage_key) == data
    assert photo_storage.keys() == set(photo.storage_keys)  # no part left behind
    assert sorted(set(puts)) == [1, 2, 3, 4, 5] and len(puts) > 5  # cut parts went again


def test_after_a_reload_the_same_file_sends_only_the_missing_parts(
    open_page, photo_storage, settings, tmp_path
):
    settings.MYPHOTO_UPLOAD_PART_MB = 5
    settings.MYPHOTO_MULTIPART_UPLOAD_MB = 8
    data = videos.padded_video(5 * 5 * 1024 * 1024, seed=12)  # 5 parts
    (tmp_path / "long.mp4").write_bytes(data)
    page = open_page()
    slow_uplink(page)
    choose(page, tmp_path / "long.mp4")
    wait_for(lambda: len(received_parts()) >= 2, "two parts")

    page.reload()
    before = set(received_parts())
    puts = []
    page.on("request", lambda r: r.method == "PUT" and puts.append(part_number(r.url)))
    choose(page, tmp_path / "long.mp4")

    item = page.get_by_role("region", name="Uploads").locator(".upload-item", has_text="long.mp4")
    expect(item).to_contain_text("Uploaded", timeout=60_000)
    assert before and not before & set(puts)  # nothing sent twice
    assert before | set(puts) == {1, 2, 3, 4, 5}
    photo = Photo.objects.get()
    assert photo_storage.read(photo.storage_key) == data


def test_another_file_of_the_same_name_size_and_date_goes_whole_not_onto_its_parts(
    open_page, photo_storage, settings, tmp_path
):
    """The page resumes by name, size and date: a different file alike in all three finds
    the first one's parts, and its SHA-256 (hashed in a worker beside the parts) makes the
    server refuse the mix at complete; the page then sends it whole."""
    settings.MYPHOTO_UPLOAD_PART_MB = 5
    settings.MYPHOTO_MULTIPART_UPLOAD_MB = 8
    size = 5 * 5 * 1024 * 1024  # 5 parts
    first, second = (tmp_path / "a" / "long.mp4"), (tmp_path / "b" / "long.mp4")
    for path, seed in ((first, 12), (second, 13)):
        path.parent.mkdir()
        path.write_bytes(videos.padded_video(size, seed=seed))
        os.utime(path, (1_700_000_000, 1_700_000_000))
    page = open_page()
    slow_uplink(page)
    choose(page, first)
    wait_for(lambda: len(received_parts()) >= 2, "two parts of the first file")

    page.reload()
    completes = []
    page.on(
        "response",
        lambda r: r.url.endswith("/complete") and completes.append(r.status),
    )
    choose(page, second)

    item = page.get_by_role("region", name="Uploads").locator(".upload-item", has_text="long.mp4")
    expect(item).to_contain_text("Uploaded", timeout=90_000)
    assert completes == [400, 201]  # the mix refused (checksum_mismatch), then sent whole
    photo = Photo.objects.get()
    assert photo_storage.read(photo.storage_key) == second.read_bytes()
