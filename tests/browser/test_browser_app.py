"""MyPhoto as an installed app, in Chromium: installable by Chrome's own criteria, its
service worker active and keeping the app's static files only, an offline page, photos
arriving from a phone's share sheet in the upload panel, and a logout that leaves the
browser nothing of the account."""

from __future__ import annotations

import images
import pytest
from playwright.sync_api import expect

from myphoto.photos.models import Photo

from .pages import PHONE, accessible, screenshot

pytestmark = pytest.mark.django_db(transaction=True)

KEPT = """async () => {
    const kept = [];
    for (const name of await caches.keys()) {
        const cache = await caches.open(name);
        for (const request of await cache.keys()) kept.push(new URL(request.url).pathname);
    }
    return kept;
}"""

SHARE_SHEET = """() => {
    // What Android does for "Share → MyPhoto": a form post to the manifest's share target.
    const form = document.createElement("form");
    form.method = "post";
    form.enctype = "multipart/form-data";
    form.action = "/share-target/";
    const files = document.createElement("input");
    files.type = "file";
    files.name = "files";
    files.multiple = true;
    files.id = "shared-files";
    form.append(files);
    document.body.append(form);
}"""


SETTLED_STATE = """async () => {
    const worker = (await navigator.serviceWorker.ready).active;
    while (worker.state === "activating") {
        await new Promise((settled) => {
            worker.addEventListener("statechange", settled, { once: true });
        });
    }
    return worker.state;
}"""


def test_installed_offline_shared_to_and_forgotten_at_logout(
    open_page, live_server, user, tmp_path
):
    page = open_page(PHONE)
    manifest = page.request.get(f"{live_server.url}/manifest.webmanifest").json()
    assert manifest["display"] == "standalone" and manifest["start_url"] == "/"
    assert {icon["sizes"] for icon in manifest["icons"] if icon["purpose"] == "maskable"} == {
        "192x192",
        "512x512",
    }
    for icon in manifest["icons"]:
        assert page.request.get(f"{live_server.url}{icon['src']}").ok, icon
    assert manifest["share_target"]["params"]["files"][0]["name"] == "files"

    # ready resolves once a worker is active, which includes "activating": wait for the
    # state it settles in.
    state = page.evaluate(SETTLED_STATE)
    assert state == "activated"
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    cdp = page.context.new_cdp_session(page)
    # Chrome's own install criteria; Playwright's contexts are incognito profiles, where
    # nothing installs, which is the one reason it may give.
    errors = cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]
    assert [error["errorId"] for error in errors if error["errorId"] != "in-incognito"] == []
    assert cdp.send("Page.getAppManifest")["errors"] == []
    kept = page.evaluate(KEPT)
    assert "/offline/" in kept and "/static/photos/app.css" in kept
    # The app's own files and the page that names no one: nothing of alice's.
    assert {path for path in kept if not path.startswith("/static/")} == {"/offline/"}

    page.context.set_offline(True)
    page.goto(f"{live_server.url}/albums/")
    expect(page.get_by_role("heading", name="You are offline")).to_be_visible()
    accessible(page, "the offline page")
    page.context.set_offline(False)

    page.goto(f"{live_server.url}/")
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    (tmp_path / "beach.jpg").write_bytes(images.jpeg(640, 480, seed=1))
    (tmp_path / "dunes.jpg").write_bytes(images.jpeg(640, 480, seed=2))
    page.evaluate(SHARE_SHEET)
    page.set_input_files("#shared-files", [tmp_path / "beach.jpg", tmp_path / "dunes.jpg"])
    page.evaluate("() => document.getElementById('shared-files').form.submit()")
    expect(page.locator(".upload-summary")).to_have_text("2 photos uploaded")
    expect(page.locator(".upload-item")).to_have_count(2)
    assert page.url == f"{live_server.url}/"  # the share's mark gone from the address
    screenshot(page, "shared-to-the-app-phone")
    assert sorted(Photo.objects.filter(owner=user).values_list("original_name", flat=True)) == [
        "beach.jpg",
        "dunes.jpg",
    ]

    page.get_by_role("button", name="Menu").click()
    page.get_by_role("button", name="Log out alice").click()
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    assert page.evaluate(KEPT) == []
    registrations = "() => navigator.serviceWorker.getRegistrations().then((r) => r.length)"
    assert page.evaluate(registrations) == 0
    assert page.evaluate("() => localStorage.length") == 0


def test_an_app_password_for_a_backup_app_is_made_in_settings(open_page, live_server, user):
    import httpx

    page = open_page(PHONE)
    page.goto(f"{live_server.url}/account/")
    expect(page.locator("[data-dav-url]")).to_have_text(f"{live_server.url}/dav/")
    page.get_by_label("Name of the app").fill("PhotoSync on my phone")
    page.get_by_role("button", name="Make an app password").click()
    expect(page.get_by_role("img", name="QR code of the app password")).to_be_visible()
    screenshot(page, "app-password-phone")
    password = page.locator("[data-new-app-password]").inner_text()

    answer = httpx.request(
        "PROPFIND", f"{live_server.url}/dav/", auth=("alice", password), headers={"Depth": "1"}
    )
    assert answer.status_code == 207 and "/dav/Library/" in answer.text
