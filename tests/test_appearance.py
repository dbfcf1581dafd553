"""A person's language and theme: chosen in Settings or with PATCH /me, else the browser's
language and the system's theme; dates written the language's one way."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from bulk import retake

from myphoto.photos.models import Photo, User

pytestmark = pytest.mark.django_db


def test_patch_me_sets_language_and_theme_and_null_goes_back(api, user):
    assert api.get("/api/v1/me").json() == {
        "username": "alice",
        "is_staff": False,
        "language": None,
        "theme": None,
        "photo_count": 0,
        "bytes_used": 0,
        "quota_bytes": None,
    }
    answer = api.patch("/api/v1/me", {"language": "ko", "theme": "dark"}, "application/json")
    assert answer.status_code == 200
    assert answer.json()["language"] == "ko" and answer.json()["theme"] == "dark"
    user.refresh_from_db()
    assert (user.language, user.theme) == ("ko", "dark")

    # A field left out stays; null goes back to the browser's language.
    answer = api.patch("/api/v1/me", {"language": None}, "application/json")
    assert answer.json()["language"] is None and answer.json()["theme"] == "dark"


@pytest.mark.parametrize(
    "body",
    [{"language": "fr"}, {"theme": "sepia"}, {"language": 3}, {"theme": ["dark"]}],
)
def test_patch_me_refuses_what_is_not_a_choice(api, user, body):
    answer = api.patch("/api/v1/me", body, "application/json")
    assert answer.status_code in (400, 422)
    assert answer.json()["detail"]
    user.refresh_from_db()
    assert (user.language, user.theme) == ("", "")


def test_settings_page_saves_the_theme_and_every_page_wears_it(client, user):
    page = client.get("/account/").content.decode()
    assert 'name="appearance-theme"' in page and 'name="appearance-language"' in page
    answer = client.post("/account/", {"appearance-language": "", "appearance-theme": "dark"})
    assert answer.status_code == 302
    assert User.objects.get(pk=user.pk).theme == "dark"
    html = client.get("/").content.decode()
    assert 'data-theme="dark"' in html and '<meta name="color-scheme" content="dark">' in html
    client.post("/account/", {"appearance-language": "", "appearance-theme": ""})
    html = client.get("/").content.decode()
    assert "data-theme" not in html and 'content="light dark"' in html  # the system's


def test_the_browsers_language_unless_the_person_chose_one(client, user, make_photo):
    photo, _ = make_photo("jeju.jpg")
    retake(Photo.objects.filter(pk=photo.pk), datetime(2023, 10, 6, 9, tzinfo=UTC))
    korean = client.get("/", headers={"accept-language": "ko-KR,ko;q=0.9"}).content.decode()
    assert '<html lang="ko"' in korean
    assert "2023년 10월 6일 (금)" in korean  # a day's heading, the Korean way
    english = client.get("/", headers={"accept-language": "en-GB"}).content.decode()
    assert '<html lang="en"' in english and "Fri, 6 Oct 2023" in english

    User.objects.filter(pk=user.pk).update(language="en")
    chosen = client.get("/", headers={"accept-language": "ko-KR,ko;q=0.9"}).content.decode()
    assert '<html lang="en"' in chosen and "Fri, 6 Oct 2023" in chosen
