"""The installable app's files as the server answers them: a manifest anyone may read, a
service worker that keeps only static files, an offline page that names no one, a share
target that stores nothing without the worker, a logout that empties the browser."""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client

from myphoto.photos.models import Photo

pytestmark = pytest.mark.django_db


def test_the_manifest_needs_no_login_and_speaks_the_readers_language():
    answer = Client().get("/manifest.webmanifest", HTTP_ACCEPT_LANGUAGE="ko")

    assert answer.status_code == 200
    assert answer["Content-Type"] == "application/manifest+json"
    manifest = json.loads(answer.content)
    assert manifest["lang"] == "ko" and manifest["name"] == "MyPhoto"
    assert manifest["description"] == "내 서버에 둔 사진과 동영상."
    assert {icon["sizes"] for icon in manifest["icons"]} >= {"192x192", "512x512"}
    assert manifest["share_target"]["action"] == "/share-target/"


def test_the_service_worker_keeps_only_the_apps_static_files(client):
    answer = client.get("/sw.js")

    assert answer.status_code == 200 and answer["Content-Type"].startswith("text/javascript")
    assert answer["Cache-Control"] == "no-cache"
    script = answer.content.decode()
    shell = json.loads(re.search(r"const SHELL = (\[.*?\]);", script).group(1))
    assert "/static/photos/app.css" in shell and "/static/photos/js/app.js" in shell
    assert all(path.startswith("/static/") for path in shell)
    for path in shell:
        assert client.get(path).status_code == 200, path
    version = re.search(r'const VERSION = "(\w+)"', script).group(1)
    assert version and Client().get("/sw.js").content.decode() == script  # the same for all


def test_the_offline_page_names_no_one(client, user):
    page = client.get("/offline/").content.decode()

    assert "You are offline" in page and "alice" not in page


def test_a_share_without_the_worker_stores_nothing(user):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(user)
    with open(__file__, "rb") as not_a_photo:
        answer = browser.post("/share-target/", {"files": not_a_photo})

    assert answer.status_code == 303 and answer["Location"] == "/?shared=1"
    assert not Photo.objects.exists()


def test_the_logout_tells_the_browser_to_forget_the_app(client):
    answer = client.post("/accounts/logout/")

    assert answer.status_code == 302
    assert answer["Clear-Site-Data"] == '"cache", "storage"'
    assert client.get("/api/v1/me").status_code == 401


def test_every_page_links_the_manifest_and_icons(client):
    page = client.get("/").content.decode()

    assert '<link rel="manifest" href="/manifest.webmanifest">' in page
    assert 'data-service-worker="/sw.js"' in page
    assert 'rel="apple-touch-icon"' in page and 'name="theme-color"' in page
    assert Client().get("/favicon.ico")["Location"] == "/static/photos/icons/favicon.ico"
