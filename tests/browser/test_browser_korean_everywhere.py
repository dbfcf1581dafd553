"""Every page in Korean, with no English left: a walk through each page a person (and the
staff) can open, reading every text of the document, shown or waiting to be (a dialog, a
menu, a message), and every label a screen reader says. What may stay in Latin letters is
named below: the product's and formats' names, and what the person typed or the files
are called."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime

import passes
import pytest
from bulk import retake
from playwright.sync_api import expect

from myphoto.photos.models import Photo
from myphoto.photos.services.accounts import password_link_token

from .pages import accessible, library, remembered, seen_twice
from .test_browser_korean import korean_page

pytestmark = [pytest.mark.django_db(transaction=True), passes.page_once]

# Words that are the same in Korean: names of the product, of formats and standards, units.
BRAND_WORDS = {
    "MyPhoto", "OpenStreetMap", "English",  # the language menu names each in itself
    "JPEG", "PNG", "GIF", "WebP", "HEIC", "HEIF", "AVIF", "TIFF", "MOV", "MKV", "WebM", "AVI",
    "MTS", "MPG", "SHA", "AWS", "NAS", "URL", "ID", "API", "EXIF", "GPS", "UTC", "zip",
    "MB", "GB", "KB", "Ctrl", "Cmd", "Shift", "Esc", "Enter", "Space", "Tab",
    "WebDAV", "PhotoSync", "FolderSync", "rclone",  # a standard, and apps that speak it
    "RAW", "DNG", "NEF", "ARW", "RAF", "ORF", "PEF", "LibRaw",  # camera RAW formats, their reader
    "Leaflet", "contributors",  # the map's library, and the tiles' credit as their licence words it
    "myphoto", "fsck",  # commands
    *"ABCDEFGHIJKLMNOPQRSTUVWXYZ",  # keys (“즐겨찾기 (F)”)
}  # fmt: skip
# What the person named or typed, and the files' own names.
USERS_WORDS = {"alice"}
# Said as they are in any language: files' names, addresses, settings' names (IMG_0001,
# MYPHOTO_LIBRARY_ROOTS), a command's options, names with digits (MP4, S3, SHA-256), Apple's
# Live Photos.
NAMES = re.compile(
    r"\S+\.(?:jpe?g|png|heic|mp4|mov|zip)\b|\S*://\S*|\b[A-Z0-9]+(?:_[A-Z0-9]+)+\b"
    r"|--[a-z-]+|\b[A-Za-z]*\d\w*|Live Photos?",
    re.IGNORECASE,
)
LATIN_WORD = re.compile(r"[A-Za-z](?:[A-Za-z'’-]*[A-Za-z])?")

# Every text of the document and what a screen reader says of its elements; not code,
# commands and settings' names (<code>, <kbd>), nor the scripts' data, nor parts marked as
# English (lang="en", WCAG 3.1.2): the records a check or a scan kept, as its log does.
TEXTS = """() => {
  const skipped = "script, style, template, code, kbd, samp, [translate=no], [lang=en]";
  const texts = [document.title];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = node.textContent.trim();
    if (text && !node.parentElement.closest(skipped)) texts.push(text);
  }
  const labelled =
    "[aria-label], [title], [placeholder], [alt], input[type=submit], [data-confirm]";
  for (const element of document.querySelectorAll(labelled)) {
    if (element.closest(skipped)) continue;
    for (const name of ["aria-label", "title", "placeholder", "alt", "value", "data-confirm"]) {
      const value = element.getAttribute(name);
      if (value && (name !== "value" || element.type === "submit")) texts.push(value);
    }
  }
  return texts;
}"""


def english_left(page) -> list[str]:
    left = []
    for text in page.evaluate(TEXTS):
        words = LATIN_WORD.findall(NAMES.sub("", text))
        if any(word not in BRAND_WORDS | USERS_WORDS for word in words):
            left.append(text)
    return sorted(set(left))


def test_no_english_is_left_on_any_korean_page(chromium, live_server, make_photo, user):
    from django.core.management import call_command

    from myphoto.photos.services.albums import album_create
    from myphoto.photos.services.shares import share_create
    from myphoto.photos.storage import get_storage

    photos = library(make_photo, 4)
    for n, photo in enumerate(photos):  # named as a camera names them
        Photo.objects.filter(pk=photo.pk).update(original_name=f"IMG_{n:04d}.JPG")
    retake(Photo.objects.filter(pk=photos[0].pk), datetime(2023, 10, 6, 9, tzinfo=UTC))
    Photo.objects.filter(pk=photos[1].pk).update(favorite=True)
    memory = remembered(photos[1])  # the timeline opens with "on this day"
    person = seen_twice([photos[0], photos[1]])
    Photo.objects.filter(pk=photos[2].pk).update(deleted_at=datetime.now(UTC))
    album = album_create(owner=user, title="제주 2023", photo_ids=[photos[0].pk, photos[3].pk])
    share = share_create(album=album)
    get_storage().delete_many([photos[3].storage_key])  # a problem for the health page
    with pytest.raises(SystemExit):
        call_command("fsck", "--json", stdout=io.StringIO())
    user.is_staff = True
    user.save()

    context, page = korean_page(chromium, live_server)
    pages = [
        "/",
        "/favorites/",
        "/archive/",
        "/albums/",
        f"/albums/{album.pk}/",
        f"/albums/{album.pk}/edit",
        f"/albums/{album.pk}/sharing",
        "/places/",
        "/search/?q=2023",
        "/search/?q=없는말",
        "/trash/",
        "/duplicates/",
        "/upload/",
        "/account/",
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
    found = {}
    try:
        for path in pages:
            page.goto(f"{live_server.url}{path}")
            expect(page.locator("html")).to_have_attribute("lang", "ko")
            if left := english_left(page):
                found[path] = left
            accessible(page, f"{path} in Korean")
        # The pages that ask without a script (HTMLFormElement.submit() skips the dialog).
        for path, form in (("/trash/", "/trash/empty"), (f"/albums/{album.pk}/", "/delete")):
            page.goto(f"{live_server.url}{path}")
            with page.expect_navigation():
                page.evaluate(
                    "(end) => Array.from(document.forms).find("
                    "(form) => form.action.endsWith(end)).submit()",
                    form,
                )
            expect(page.get_by_role("heading", level=1)).to_be_visible()
            if left := english_left(page):
                found[f"asking before {form}"] = left
            accessible(page, f"asking before {form}, in Korean")
        # The viewer, open.
        page.goto(f"{live_server.url}/")
        page.locator("#timeline .tile a.open").first.click()
        expect(page.get_by_role("dialog", name="사진 보기")).to_be_visible()
        if left := english_left(page):
            found["the viewer"] = left
    finally:
        context.close()
    assert found == {}, "English left on Korean pages:\n" + "\n".join(
        f"{where}: {text!r}" for where, texts in found.items() for text in texts
    )
