"""Headers: a Content-Security-Policy on every page, caching that keeps secrets private."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.django_db

PAGES = ["/", "/trash/", "/account/", "/upload/", "/?month=2024-01"]


def directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    return {
        name: values
        for name, *values in (part.split() for part in policy.split(";") if part.strip())
    }


def test_every_page_has_a_policy_without_inline_script(client, make_photo):
    photo, _ = make_photo("a.jpg")
    anonymous = client.__class__()
    pages = [client.get(path) for path in [*PAGES, f"/photos/{photo.pk}/"]]
    pages.append(anonymous.get("/accounts/login/"))

    for page in pages:
        assert page.status_code == 200
        policy = directives(page)
        assert policy["default-src"] == ["'self'"]
        assert policy["script-src"] == ["'self'"]
        assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]
        html = page.content.decode()
        inline = [s for s in re.findall(r"<script[^>]*>", html) if "src=" not in s]
        assert all('type="application/json"' in tag for tag in inline), inline
        assert not re.search(r"\son[a-z]+=", html), "an inline event handler"


def test_the_storage_origin_is_allowed_where_browsers_go_there(
    client, make_photo, photo_storage, settings
):
    if photo_storage.kind != "s3":
        pytest.skip("local disk hands out no storage URLs")
    origin = photo_storage.server.endpoint_url
    policy = directives(client.get("/"))
    assert origin in policy["connect-src"]  # direct uploads
    assert origin not in policy["img-src"]  # downloads go through the app in proxy mode

    settings.MYPHOTO_DOWNLOAD_MODE = "redirect"
    policy = directives(client.get("/"))
    for directive in ("img-src", "media-src", "form-action", "connect-src"):
        assert origin in policy[directive], directive


def test_secrets_are_never_stored_and_the_rest_is_private(client, api):
    made = client.post("/account/", {"token-name": "laptop"})
    assert "no-store" in made["Cache-Control"]
    assert (
        "no-store"
        in api.post("/api/v1/tokens", {"name": "x"}, content_type="application/json")[
            "Cache-Control"
        ]
    )
    for response in (client.get("/"), client.get("/account/"), api.get("/api/v1/photos")):
        assert "private" in response["Cache-Control"]


def test_the_api_docs_are_for_users_only_and_load_nothing_from_elsewhere(client, api, token):
    anonymous = client.__class__()

    assert anonymous.get("/api/v1/docs")["Location"].startswith("/accounts/login/")
    schema = anonymous.get("/api/v1/openapi.json")
    assert schema.status_code == 401 and schema.json()["code"] == "not_authenticated"
    assert api.get("/api/v1/openapi.json").status_code == 200  # scripts with a token
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower() and "https://" not in html
