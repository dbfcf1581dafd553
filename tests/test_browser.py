"""The page in a real browser: Debian's Chromium driven by Playwright against a live server.

Each test saves screenshots under test-artifacts/ (the README's come from here).
"""

from __future__ import annotations

import base64
import io
import os
import re
import shutil
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import images
import pytest
import videos
from conftest import retake

from myphoto.photos.models import Photo

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}

if not Path(CHROMIUM).exists():
    if os.environ.get("MYPHOTO_REQUIRE_BROWSER"):
        raise RuntimeError(f"Chromium is missing at {CHROMIUM}: apt-get install -y chromium")
    pytest.skip("Chromium is not installed (apt-get install -y chromium)", allow_module_level=True)

from axe_playwright_python.sync_playwright import Axe  # noqa: E402
from playwright.sync_api import expect, sync_playwright  # noqa: E402

pytestmark = pytest.mark.django_db(transaction=True)
expect.set_options(timeout=15_000)


@pytest.fixture(scope="module")
def _sync_orm_beside_playwright():
    # Playwright's sync API keeps an event loop running in this thread; the ORM
    # calls that the tests make between browser steps are still plain sync calls.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    if previous is None:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="module")
def chromium(_sync_orm_beside_playwright):
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox"]
        )
        yield browser
        browser.close()


@pytest.fixture
def open_page(chromium, live_server, user):
    """Open a logged-in page at a viewport size; screenshots go to test-artifacts/."""
    contexts = []
    refused = []  # what the Content-Security-Policy blocked, on any page of the test

    def open_(viewport=DESKTOP):
        context = chromium.new_context(viewport=viewport, accept_downloads=True)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.on(
            "console",
            lambda message: (
                "Content Security Policy" in message.text and refused.append(message.text)
            ),
        )
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("Username").fill("alice")
        page.get_by_label("Password").fill("correct horse battery")
        accessible(page, "the login page")
        page.get_by_role("button", name="Log in").click()
        expect(page.get_by_role("heading", name="Photos")).to_be_visible()
        return page

    yield open_
    for context in contexts:
        context.close()
    assert refused == []


AXE = Axe()
WCAG_2_AA = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}


def accessible(page, where: str) -> None:
    """No WCAG 2 A or AA violation that axe-core finds on the page as it is now."""
    results = AXE.run(page, options=WCAG_2_AA)
    assert results.violations_count == 0, f"{where}:\n{results.generate_report()}"


def screenshot(page, name: str) -> None:
    """Save the page as it looks for the README, and check it with axe-core first."""
    accessible(page, name)
    ARTIFACTS.mkdir(exist_ok=True)
    # The images in view: lazy ones further down are not loaded until scrolled to.
    # (Functions, not expressions: Playwright polls an expression with eval, which the
    # page's Content-Security-Policy refuses.)
    page.wait_for_function(
        """() => Array.from(document.images)
            .filter((image) => {
                const box = image.getBoundingClientRect();
                return box.bottom > 0 && box.top < window.innerHeight;
            })
            .every((image) => image.complete)"""
    )
    page.screenshot(path=ARTIFACTS / f"{name}.png")


def drop_files(page, files: dict[str, bytes]) -> None:
    """Drop files on the page the way a file manager does: a drop event with a DataTransfer."""
    payload = {name: base64.b64encode(data).decode() for name, data in files.items()}
    page.evaluate(
        """(files) => {
            const transfer = new DataTransfer();
            for (const [name, b64] of Object.entries(files)) {
                const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
                transfer.items.add(new File([bytes], name));
            }
            for (const type of ["dragover", "drop"]) {
                document.body.dispatchEvent(
                    new DragEvent(type, { dataTransfer: transfer, bubbles: true, cancelable: true })
                );
            }
        }""",
        payload,
    )


def library(make_photo, count: int, start: datetime | None = None) -> list[Photo]:
    """`count` photos taken an hour apart (newest last), made through the upload service."""
    start = start or datetime(2024, 7, 1, 9, tzinfo=UTC)
    photos = []
    for n in range(count):
        photo, _ = make_photo(f"photo {n}.jpg", data=images.jpeg(320, 200 + 20 * n, seed=n))
        retake(Photo.objects.filter(pk=photo.pk), start + timedelta(hours=n))
        photos.append(photo)
    return photos


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
    expect(iphone.locator("xpath=ancestor::section//time")).to_have_text("Wed, 11 Oct 2023")

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
    expect(days.nth(0).locator("time")).to_have_text("Mon, 1 Jul 2024")

    days.nth(0).get_by_role("button", name="Select every photo of Monday 1 July 2024").click()
    expect(page.get_by_text("2 selected")).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.locator(".selection-bar")).to_be_hidden()


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


def wait_for(condition, what: str, timeout: float = 30) -> None:
    import time

    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"waited {timeout} s for {what}"
        time.sleep(0.05)


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


def years_of_photos(owner, count: int = 3000, *, first_year: int = 2010, years: int = 15) -> None:
    """`count` photos spread evenly over `years` years, made in bulk; one real thumbnail."""
    import io

    from bulk import bulk_photos
    from PIL import Image

    from myphoto.photos.services.counts import month_counts_rebuild
    from myphoto.photos.storage import get_storage

    for size, box in (("sm", (300, 200)), ("md", (900, 600))):
        out = io.BytesIO()
        Image.new("RGB", box, (90, 140, 190)).save(out, "WEBP")
        get_storage().put(f"derivatives/shared/{size}.webp", io.BytesIO(out.getvalue()))
    bulk_photos(
        owner,
        count,
        start=datetime(first_year, 1, 1, 12, tzinfo=UTC),
        every=timedelta(days=365 * years) / count,
        thumbnail_key="derivatives/shared/sm.webp",
        preview_key="derivatives/shared/md.webp",
    )
    month_counts_rebuild(owner=owner)


# The day at the top of the view, under the top bar.
TOP_DAY = """() => {
    const line = document.querySelector('.topbar').getBoundingClientRect().bottom + 8;
    const day = [...document.querySelectorAll('#timeline .day')]
        .find((section) => section.getBoundingClientRect().bottom > line);
    return day ? day.dataset.day : null;
}"""


def newest_day_of(owner, year: int, month: int) -> str:
    from django.utils import timezone

    newest = (
        Photo.objects.filter(owner=owner, taken_at__year=year, taken_at__month=month)
        .order_by("-taken_at")
        .first()
    )
    return timezone.localtime(newest.taken_at).date().isoformat()


def scrubber_point(page, month: str) -> tuple[float, float]:
    """Where on the scrubber `month` is: the middle of its share of the height."""
    return page.evaluate(
        """(wanted) => {
            const months = JSON.parse(document.getElementById('scrubber-months').textContent);
            const total = months.reduce((sum, m) => sum + m.count, 0);
            let before = 0;
            for (const m of months) {
                if (m.month === wanted) break;
                before += m.count;
            }
            const share = months.find((m) => m.month === wanted).count;
            const box = document.querySelector('[data-scrubber]').getBoundingClientRect();
            return [box.left + box.width / 2, box.top + box.height * (before + share / 2) / total];
        }""",
        month,
    )


def test_scrubber_jumps_to_a_month_and_scrolls_on_in_both_directions(open_page, user):
    years_of_photos(user)
    page = open_page()
    scrubber = page.get_by_role("navigation", name="Jump to a month")
    expect(scrubber).to_be_visible()
    handle = page.get_by_role("slider", name="Month")
    expect(handle).to_have_attribute("aria-valuetext", "December 2024")
    screenshot(page, "scrubber")

    x, y = scrubber_point(page, "2016-05")
    page.mouse.move(x, y)
    expect(page.locator(".scrubber-bubble")).to_have_text("May 2016")
    pages_asked = []
    page.on(
        "request", lambda r: "month=" in r.url or "cursor=" in r.url and pages_asked.append(r.url)
    )
    page.mouse.down()
    page.mouse.up()

    expect(page).to_have_url(re.compile(r"\?month=2016-05$"))
    # The month's own page, loaded directly: no page of the years before it.
    first_day = newest_day_of(user, 2016, 5)
    expect(page.locator(f'#timeline .day[data-day="{first_day}"]')).to_be_in_viewport()
    expect(handle).to_have_attribute("aria-valuetext", "May 2016")
    assert [url for url in pages_asked if "cursor=" in url] == []
    # Newer photos load above without moving the view: the month is still at the top.
    expect(page.locator("#timeline .day").first).not_to_have_attribute(
        "data-day", re.compile("^2016-05")
    )
    page.wait_for_timeout(300)
    assert page.evaluate(TOP_DAY) == first_day
    screenshot(page, "scrubber-jumped")

    # Scrolling up goes on into the month after.
    for _ in range(6):
        page.mouse.wheel(0, -400)
        page.wait_for_timeout(100)
    page.wait_for_function(f"() => ({TOP_DAY})().startsWith('2016-06')")
    expect(page).to_have_url(re.compile(r"\?month=2016-06$"))

    # Back returns to where the jump started; a reload keeps the place.
    page.go_back()
    expect(page).not_to_have_url(re.compile(r"month=2016"))
    expect(page.locator('#timeline .day[data-day^="2024-12"]').first).to_be_in_viewport()
    page.goto(page.url.split("?")[0] + "?month=2012-03")
    expect(
        page.locator(f'#timeline .day[data-day="{newest_day_of(user, 2012, 3)}"]')
    ).to_be_in_viewport()
    page.wait_for_timeout(300)
    assert page.evaluate(TOP_DAY).startswith("2012-03")


def test_scrubber_from_the_keyboard(open_page, user):
    years_of_photos(user, 1500)
    page = open_page()
    handle = page.get_by_role("slider", name="Month")
    handle.focus()

    page.keyboard.press("End")  # the oldest photos
    expect(page).to_have_url(re.compile(r"\?month=2010-01$"))
    expect(
        page.locator(f'#timeline .day[data-day="{newest_day_of(user, 2010, 1)}"]')
    ).to_be_in_viewport()
    handle.focus()
    page.keyboard.press("PageUp")  # a year newer
    expect(handle).to_have_attribute("aria-valuetext", "January 2011")
    expect(page).to_have_url(re.compile(r"\?month=2011-01$"))
    handle.focus()
    page.keyboard.press("ArrowUp")  # a month newer
    expect(page).to_have_url(re.compile(r"\?month=2011-02$"))
    page.locator("h1").click()  # focus leaves the scrubber: Home is the page's
    page.keyboard.press("Home")
    expect(page).to_have_url(re.compile(r"\?month=2024-12$"))
    expect(page.locator('#timeline .day[data-day^="2024-12"]').first).to_be_in_viewport()
    expect(handle).to_have_attribute("aria-valuenow", str(15 * 12 - 1))  # the top is the max
    # A year's link, activated from the keyboard, jumps to its newest month.
    page.get_by_role("link", name="2013").press("Enter")
    expect(page).to_have_url(re.compile(r"\?month=2013-12$"))


def test_scrubber_has_a_thumb_sized_handle_on_a_phone(open_page, user):
    years_of_photos(user, 1500)
    page = open_page(PHONE)
    handle = page.get_by_role("slider", name="Month")
    expect(handle).to_be_visible()
    box = handle.bounding_box()
    assert box["width"] >= 44 and box["height"] >= 44

    x, y = scrubber_point(page, "2015-07")
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.mouse.move(x, y, steps=8)
    expect(page.locator(".scrubber-bubble")).to_have_text("July 2015")
    screenshot(page, "scrubber-phone")
    page.mouse.up()

    expect(page).to_have_url(re.compile(r"\?month=2015-07$"))
    expect(
        page.locator(f'#timeline .day[data-day="{newest_day_of(user, 2015, 7)}"]')
    ).to_be_in_viewport()
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0


def test_the_api_docs_render_under_the_content_security_policy(open_page, live_server):
    page = open_page()
    page.goto(f"{live_server.url}/api/v1/docs")

    expect(page.locator(".swagger-ui .opblock").first).to_be_visible()
    expect(page.get_by_text("/api/v1/photos/{photo_id}/download")).to_be_visible()


def test_an_album_from_the_selection_shared_by_a_locked_link_then_downloaded_and_added_to(
    open_page, chromium, live_server, make_photo, tmp_path
):
    """The owner makes an album of two ticked photos and a password link without downloads;
    a visitor with no account unlocks it, sees the photos and no download, and is refused
    the download URL; the owner allows downloads and the visitor saves the album's zip;
    the visitor's upload lands in the owner's album."""
    from myphoto.photos.models import Album

    library(make_photo, 3)
    page = open_page()
    for name in ("photo 2.jpg", "photo 1.jpg"):
        page.get_by_label(f"Select {name}").check(force=True)
    page.get_by_role("button", name="Add to album").click()
    accessible(page, "the album chooser")
    page.get_by_label("A new album").fill("Summer")
    page.get_by_role("button", name="Add", exact=True).click()
    expect(page.get_by_role("heading", name="Summer")).to_be_visible()
    expect(page.locator("#timeline .tile")).to_have_count(2)
    screenshot(page, "album")

    page.get_by_role("link", name="Share").click()
    page.get_by_label("Password").fill("open sesame")
    page.get_by_label("Allow downloads").uncheck()
    page.get_by_label("Let visitors add photos").check()
    page.get_by_role("button", name="Create a link").click()
    link = page.locator("input.link-url").input_value()
    screenshot(page, "album-sharing")

    visitor_context = chromium.new_context(viewport=PHONE, accept_downloads=True)
    visitor = visitor_context.new_page()
    visitor.goto(link)
    expect(visitor.get_by_role("heading", name="This album is protected")).to_be_visible()
    accessible(visitor, "the share password page")
    visitor.get_by_label("Password").fill("wrong")
    visitor.get_by_role("button", name="Open the album").click()
    expect(visitor.get_by_role("alert")).to_contain_text("not the link's password")
    visitor.get_by_label("Password").fill("open sesame")
    visitor.get_by_role("button", name="Open the album").click()
    expect(visitor.get_by_role("heading", name="Summer")).to_be_visible()
    expect(visitor.locator("#timeline .tile")).to_have_count(2)
    expect(visitor.get_by_role("button", name=re.compile("Download"))).to_have_count(0)
    expect(visitor.get_by_role("link", name="Log out")).to_have_count(0)
    visitor.locator("#timeline .tile a.open").first.click()
    expect(visitor.locator("#viewer")).to_be_visible()
    expect(visitor.locator(".viewer-download")).to_have_count(0)
    visitor.keyboard.press("Escape")
    screenshot(visitor, "shared-album-phone")
    photo_id = visitor.locator("#timeline .tile").first.get_attribute("data-id")
    key = link.rsplit("/", 1)[-1]
    refused = visitor.request.get(
        f"{live_server.url}/api/v1/shared/{key}/photos/{photo_id}/download"
    )
    assert refused.status == 403 and refused.json()["code"] == "downloads_disabled"

    page.get_by_role("button", name="Allow downloads").click()
    expect(page.get_by_role("button", name="Turn downloads off")).to_be_visible()
    visitor.reload()
    with visitor.expect_download() as saving:
        visitor.get_by_role("button", name="Download all (2)").click()
    saved = tmp_path / saving.value.suggested_filename
    saving.value.save_as(saved)
    assert saved.name == "Summer.zip"
    assert sorted(zipfile.ZipFile(saved).namelist()) == ["photo 1.jpg", "photo 2.jpg"]

    guest_photo = tmp_path / "from a guest.jpg"
    guest_photo.write_bytes(images.jpeg(300, 200, seed=4242))
    visitor.locator("#upload-files").set_input_files(str(guest_photo))
    expect(visitor.locator(".upload-summary")).to_have_text("1 photo uploaded")
    expect(visitor.locator("#timeline .tile")).to_have_count(3)
    album = Album.objects.get(title="Summer")
    assert album.entries.filter(
        added_by_guest=True, photo__original_name="from a guest.jpg"
    ).exists()
    accessible(visitor, "the shared album after an upload")
    visitor_context.close()


def test_the_albums_page_and_a_members_view(open_page, make_photo, user, django_user_model):
    from myphoto.photos.models import AlbumRole
    from myphoto.photos.services.albums import album_create, album_member_set

    photos = library(make_photo, 2)
    album_create(owner=user, title="Mine", photo_ids=[photos[0].pk])
    bob = django_user_model.objects.create_user("bob", password="x" * 12)
    theirs = album_create(owner=bob, title="Bob's trip")
    album_member_set(album=theirs, username="alice", role=AlbumRole.CONTRIBUTOR)
    page = open_page()

    page.get_by_role("link", name="Albums").click()
    expect(page.locator(".album-card")).to_have_count(2)
    expect(page.get_by_text("Shared by bob · Contributor")).to_be_visible()
    screenshot(page, "albums")
    page.get_by_role("link", name="Bob's trip").click()
    expect(page.get_by_text("No photos in this album yet")).to_be_visible()
    accessible(page, "an empty album shared with me")


def test_the_library_health_page_for_staff(open_page, make_photo, user):
    from django.core.management import call_command

    from myphoto.photos.storage import get_storage

    photos = library(make_photo, 2)
    get_storage().delete_many([photos[0].storage_key])
    with pytest.raises(SystemExit):
        call_command("fsck", "--json", stdout=io.StringIO())
    user.is_staff = True
    user.save()
    page = open_page()

    page.get_by_role("link", name="Library health").click()
    expect(page.get_by_text("1 problem found.")).to_be_visible()
    expect(page.get_by_role("heading", name="Originals missing from storage: 1")).to_be_visible()
    screenshot(page, "library-health")


def test_search_from_the_top_bar_with_suggestions_then_the_places_pages(open_page, make_photo):
    make_photo(
        "벚꽃 놀이.jpg",
        data=images.jpeg_from(gps=(37.5665, 126.978), make="Apple", model="iPhone 15 Pro", seed=1),
    )
    make_photo(
        "Piazza Grande.jpg",
        data=images.jpeg_from(
            gps=(43.4633, 11.8797), make="Canon", model="Canon EOS R5", taken="2022:05:03 10:00:00"
        ),
    )
    page = open_page()

    box = page.get_by_role("combobox", name="Search your photos")  # a box with suggestions
    box.fill("2023 se")
    suggestion = page.locator("#search-suggestions option")
    expect(suggestion).to_have_count(1)
    expect(suggestion).to_have_attribute("value", "2023 Seoul")
    expect(suggestion).to_have_attribute("label", "Seoul, South Korea · 1 photo")
    box.fill("2023 Seoul")
    box.press("Enter")
    expect(page).to_have_url(re.compile(r"/search/\?q=2023\+Seoul$"))
    expect(page.get_by_role("heading", name=re.compile("2023 Seoul"))).to_be_visible()
    expect(page.locator("#timeline .tile")).to_have_count(1)
    screenshot(page, "search")

    page.locator("#timeline .tile a.open").click()
    place = page.locator("#viewer .viewer-place a")
    expect(place).to_have_text("Seoul, South Korea")
    expect(place).to_have_attribute("href", re.compile(r"openstreetmap\.org/\?mlat=37\.56"))
    accessible(page, "the viewer of a search result")
    page.keyboard.press("Escape")

    page.get_by_role("link", name="Places").click()
    expect(page.locator(".album-card")).to_have_count(2)
    screenshot(page, "places")
    page.get_by_role("link", name="Italy").click()
    accessible(page, "a country's towns")
    page.get_by_role("link", name="Arezzo").click()
    expect(page.get_by_role("heading", name=re.compile("Arezzo"))).to_be_visible()
    expect(page.locator("#timeline .tile")).to_have_count(1)
    accessible(page, "a town's timeline")

    # Nothing found says what a search looks at; "/" goes back to the box.
    page.keyboard.press("/")
    expect(box).to_be_focused()
    box.fill("seoul 2022")
    box.press("Enter")
    expect(page.get_by_text("Nothing found for “seoul 2022”")).to_be_visible()
    accessible(page, "a search that finds nothing")
