"""What the browser tests share: checking a page with axe-core, screenshots for the README,
dropping files, waiting, and libraries laid out for a test."""

from __future__ import annotations

import base64
import shutil
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import images
from bulk import retake

from myphoto.photos.models import Photo

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parent.parent.parent / "test-artifacts"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
WCAG_2_AA = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]},
    "resultTypes": ["violations"],
}
_AXE = None


def accessible(page, where: str) -> None:
    """No WCAG 2 A or AA violation that axe-core finds on the page as it is now."""
    global _AXE
    if _AXE is None:
        from axe_playwright_python.sync_playwright import Axe

        _AXE = Axe()
    results = _AXE.run(page, options=WCAG_2_AA)
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


def remembered(photo: Photo, years: int = 4) -> str:
    """Move the photo to today's day and month `years` ago (4: a 29 February has one), so
    that the timeline opens with its memory; the memory page's path."""
    today = datetime.now(UTC).date()
    retake(
        Photo.objects.filter(pk=photo.pk),
        datetime(today.year - years, today.month, today.day, 12, tzinfo=UTC),
    )
    return f"/memories/{today.year - years}-{today:%m-%d}/"


def follow(page, link: str) -> None:
    """Click a link and wait for the next page's scripts: its module scripts have run by
    DOMContentLoaded, so the next click meets the page's behaviour, not the bare form."""
    with page.expect_navigation(wait_until="domcontentloaded"):
        page.get_by_role("link", name=link, exact=True).click()


def wait_for(condition, what: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"waited {timeout} s for {what}"
        time.sleep(0.05)


def seen_twice(photos: list[Photo]) -> str:
    """Someone's face in two of the photos (as the job records one, at the top left), so
    that People lists them; their page's path."""
    from myphoto.common.media.faces import FoundFace
    from myphoto.photos.models import Face
    from myphoto.photos.services.faces import photo_record_faces

    face = FoundFace(box=(0.1, 0.1, 0.4, 0.6), descriptor=bytes(512), score=1.0)
    for photo in photos[:2]:
        photo.refresh_from_db()
        photo_record_faces(photo=photo, preview_key=photo.preview_key, found=[face])
    return f"/people/{Face.objects.get(photo=photos[0]).person_id}/"
