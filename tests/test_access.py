"""Nobody sees, downloads or deletes another person's photos; tokens work as said."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import Client

from myphoto.photos.models import ApiToken, Photo

pytestmark = pytest.mark.django_db


def test_another_users_photo_is_404_on_every_endpoint(client, make_photo, other_user):
    theirs, _ = make_photo("theirs.jpg", owner=other_user)
    base = f"/api/v1/photos/{theirs.pk}"
    ids = {"ids": [str(theirs.pk)]}

    answers = [
        client.get(base),
        client.get(f"{base}/download"),
        client.get(f"{base}/thumbnail?size=sm"),
        client.delete(base),
        client.post(f"{base}/restore"),
        client.post("/api/v1/photos/download", ids, content_type="application/json"),
        client.get(f"/api/v1/photos/by-hash/{theirs.sha256}"),
        client.get(f"/photos/{theirs.pk}/download"),
        client.post("/photos/download", ids),
    ]

    assert [a.status_code for a in answers] == [404] * len(answers)
    assert client.post("/api/v1/photos/delete", ids, content_type="application/json").json() == {
        "deleted": 0
    }
    assert client.get("/api/v1/photos").json()["items"] == []
    assert Photo.objects.get(pk=theirs.pk).deleted_at is None


def test_no_credentials_is_401_and_pages_redirect_to_login(make_photo):
    photo, _ = make_photo()
    anonymous = Client()

    for response in (
        anonymous.get("/api/v1/photos"),
        anonymous.get(f"/api/v1/photos/{photo.pk}/download"),
        anonymous.post(
            "/api/v1/photos/delete", {"ids": [str(photo.pk)]}, content_type="application/json"
        ),
    ):
        assert response.status_code == 401
        assert response.json()["code"] == "not_authenticated"
    page = anonymous.get("/")
    assert page.status_code == 302 and page["Location"].startswith("/accounts/login/")


def test_bearer_token_works_and_a_bad_one_is_401(api, make_photo):
    photo, data = make_photo("t.jpg")

    listing = api.get("/api/v1/photos")
    assert listing.status_code == 200
    assert [i["id"] for i in listing.json()["items"]] == [str(photo.pk)]
    assert b"".join(api.get(f"/api/v1/photos/{photo.pk}/download").streaming_content) == data

    bad = Client(headers={"Authorization": "Bearer mp_not-a-real-token"})
    assert bad.get("/api/v1/photos").status_code == 401


def test_token_command_prints_once_and_stores_a_hash(user, capsys):
    call_command("token", "create", "alice")
    raw = capsys.readouterr().out.strip()

    assert raw.startswith("mp_")
    stored = ApiToken.objects.get(user=user)
    assert raw not in (stored.key_hash, stored.prefix)
    assert (
        Client(headers={"Authorization": f"Bearer {raw}"}).get("/api/v1/photos").status_code == 200
    )


def test_revoked_token_stops_working(api, token, user):
    token_id = ApiToken.objects.get(user=user).pk

    assert api.delete(f"/api/v1/tokens/{token_id}").status_code == 204
    assert api.get("/api/v1/photos").status_code == 401


def test_another_users_token_cannot_be_revoked(client, other_user):
    from myphoto.photos.services.tokens import token_create

    theirs, _ = token_create(user=other_user)

    assert client.delete(f"/api/v1/tokens/{theirs.pk}").status_code == 404
    assert ApiToken.objects.filter(pk=theirs.pk).exists()


def test_session_api_writes_need_csrf(user, make_photo):
    photo, _ = make_photo()
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(user)

    response = browser.delete(f"/api/v1/photos/{photo.pk}")

    assert response.status_code == 403
    assert Photo.objects.get(pk=photo.pk).deleted_at is None
