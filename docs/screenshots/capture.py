"""The README's screenshots of the timeline, taken with real photographs.

    .venv/bin/python docs/screenshots/capture.py PHOTOS_FOLDER

PHOTOS_FOLDER holds real photographs (the README's come from scikit-image's sample data,
`src/_skimage2/data/`: astronaut and rocket, public domain; chelsea, coffee, brick, grass
and gravel, CC0; hubble_deep_field, public domain). Each is cut a few ways (wide, tall,
square) so a dozen days of photos of every shape fill the page; they are uploaded through
the upload service into a throwaway library, served by `myphoto serve`, and photographed
by Debian's Chromium: desktop and phone, light and dark, English and Korean.
"""

from __future__ import annotations

import io
import os
import shutil
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent / "bench"))

from _harness import serve  # noqa: E402

CUTS = [(None, None), (4, 3), (3, 4), (1, 1), (16, 9), (2, 3)]
DAY_SIZES = [3, 1, 5, 2, 7, 1, 4, 2, 6, 3, 1, 5, 4]
SHOTS = [
    # name, viewport, scheme, language
    ("timeline-justified", {"width": 1280, "height": 800}, "light", "en-GB"),
    ("timeline-dark", {"width": 1280, "height": 800}, "dark", "en-GB"),
    ("timeline-ko", {"width": 1280, "height": 800}, "light", "ko-KR"),
    ("timeline-phone-justified", {"width": 390, "height": 844}, "light", "en-GB"),
    ("timeline-phone-dark-ko", {"width": 390, "height": 844}, "dark", "ko-KR"),
]


def photos_from(folder: Path) -> list[tuple[str, bytes]]:
    from PIL import Image

    made = []
    for path in sorted(folder.iterdir()):
        if path.suffix.lower() not in {".png", ".jpg", ".jpeg"}:
            continue
        image = Image.open(path).convert("RGB")
        for n, (wide, high) in enumerate(CUTS):
            cut = image
            if wide:
                width, height = image.size
                if width / height > wide / high:
                    keep = round(height * wide / high)
                    cut = image.crop(((width - keep) // 2, 0, (width + keep) // 2, height))
                else:
                    keep = round(width * high / wide)
                    cut = image.crop((0, (height - keep) // 2, width, (height + keep) // 2))
            out = io.BytesIO()
            cut.save(out, "JPEG", quality=88)
            made.append((f"{path.stem}-{n}.jpg", out.getvalue()))
    return made


def main() -> None:
    folder = Path(sys.argv[1])
    data = tempfile.mkdtemp(prefix="myphoto-screenshots-")
    env = {
        **os.environ,
        "MYPHOTO_DATA_DIR": data,
        "DATABASE_URL": f"sqlite:///{data}/myphoto.sqlite3",
        "MYPHOTO_S3_BUCKET": "",
        "MYPHOTO_LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "myphoto.settings",
    }
    os.environ.update(env)
    import django

    django.setup()
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command

    from myphoto.photos.models import Photo, TakenAtSource, User
    from myphoto.photos.services.counts import month_counts_rebuild
    from myphoto.photos.services.derivatives import photo_make_derivatives
    from myphoto.photos.services.upload import photo_upload

    call_command("migrate", verbosity=0)
    user = User.objects.create_user("alice", password="correct horse battery")
    start = datetime(2024, 8, 14, 18, tzinfo=UTC)
    photos = photos_from(folder)
    # Interleaved (a day is not one picture cut six ways), in days of one to seven photos.
    photos = [photos[(n * 7) % len(photos)] for n in range(len(photos))]
    days = [n for n, size in enumerate(DAY_SIZES) for _ in range(size)]
    for n, (name, data_bytes) in enumerate(photos):
        result = photo_upload(owner=user, file=SimpleUploadedFile(name, data_bytes))
        taken = start - timedelta(days=days[n % len(days)] * 2, minutes=n * 7)
        Photo.objects.filter(pk=result.photo.pk).update(
            taken_at=taken, taken_at_source=TakenAtSource.EXIF
        )
        photo_make_derivatives(photo_id=result.photo.pk)
    month_counts_rebuild(owner=user)

    from playwright.sync_api import sync_playwright

    base, server = serve(env)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=shutil.which("chromium") or "/usr/bin/chromium",
                args=["--no-sandbox"],
            )
            for name, viewport, scheme, locale in SHOTS:
                context = browser.new_context(viewport=viewport, color_scheme=scheme, locale=locale)
                page = context.new_page()
                page.goto(f"{base}/accounts/login/")
                page.locator("#id_username").fill("alice")
                page.locator("#id_password").fill("correct horse battery")
                page.locator("form.login button[type=submit]").click()
                page.wait_for_selector("#timeline.justified")
                page.wait_for_function(
                    "() => [...document.images].filter((i) => i.getBoundingClientRect().top"
                    " < innerHeight).every((i) => i.complete)"
                )
                page.screenshot(path=str(HERE / f"{name}.png"))
                print("wrote", name)
                context.close()
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    main()
