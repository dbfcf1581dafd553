"""Albums, share links, search and places, the health page and the API docs, in the
browser."""

from __future__ import annotations

import io
import re
import zipfile

import images
import pytest
from playwright.sync_api import expect

from .pages import PHONE, accessible, library, screenshot

pytestmark = pytest.mark.django_db(transaction=True)


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
    # The chooser's page itself, not the timeline it is replacing: axe reads what is there.
    expect(page.get_by_role("heading", name="Add 2 photos to an album")).to_be_visible()
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
    thrown = []  # a visitor's page throws nothing either (it has no editor, no heart)
    visitor.on("pageerror", lambda error: thrown.append(str(error)))
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
    assert thrown == []


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


def test_the_pages_said_when_the_database_is_away_are_readable(open_page, live_server):
    """The 503 page and the 500 page, as a browser shows them (served from the live server,
    with its styles; the outage itself is the fault suite's)."""
    from django.template.loader import render_to_string

    page = open_page(PHONE)
    for name, body in (
        ("unavailable", render_to_string("photos/unavailable.html", {"retry": 30})),
        ("server-error", render_to_string("photos/server_error.html")),
    ):

        def answer(route, request, body=body):  # noqa: ARG001  Playwright passes both
            route.fulfill(status=503, body=body.encode(), content_type="text/html")

        page.route(f"{live_server.url}/broken", answer)
        page.goto(f"{live_server.url}/broken")
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        screenshot(page, f"{name}-page")
        page.unroute(f"{live_server.url}/broken")


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

    # Nothing found says what a search looks at; "/" goes back to the box (once the page's
    # modules have run: a key pressed before then is the browser's, as for anyone).
    page.wait_for_load_state()
    page.keyboard.press("/")
    expect(box).to_be_focused()
    box.fill("seoul 2022")
    box.press("Enter")
    expect(page.get_by_text("Nothing found for “seoul 2022”")).to_be_visible()
    accessible(page, "a search that finds nothing")
