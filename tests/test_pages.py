"""Server-rendered pieces of the page: days, htmx pages, tiles, details, settings."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import images
import pytest
from bulk import retake
from django.test import Client

from myphoto.photos.models import ApiToken, Photo
from myphoto.photos.services.tokens import token_authenticate
from myphoto.photos.web import timeline

pytestmark = pytest.mark.django_db


def test_timeline_groups_photos_by_day_newest_first(client, make_photo):
    for n, day in enumerate([1, 1, 3]):
        photo, _ = make_photo(f"{n}.jpg")
        retake(Photo.objects.filter(pk=photo.pk), datetime(2024, 5, day, 10 + n, tzinfo=UTC))

    html = client.get("/").content.decode()

    assert html.index('data-day="2024-05-03"') < html.index('data-day="2024-05-01"')
    assert html.count('class="day"') == 2
    assert "Fri, 3 May 2024" in html and "Wed, 1 May 2024" in html


def test_htmx_asks_for_the_next_page_and_gets_only_its_days(client, make_photo, monkeypatch):
    monkeypatch.setattr(timeline, "PAGE_SIZE", 2)
    start = datetime(2024, 5, 1, tzinfo=UTC)
    for n in range(3):
        photo, _ = make_photo(f"{n}.jpg")
        retake(Photo.objects.filter(pk=photo.pk), start + timedelta(days=n))
    first = client.get("/").content.decode()
    cursor = first.split("?cursor=")[1].split('"')[0]

    more = client.get(f"/?cursor={cursor}", headers={"HX-Request": "true"})

    html = more.content.decode()
    assert "<html" not in html  # a fragment, swapped in by htmx
    assert html.count('class="tile"') == 1 and 'data-name="0.jpg"' in html
    assert "?cursor=" not in html  # the last page: no further trigger


def test_a_tile_without_thumbnail_polls_until_it_has_one(client, user, photo_storage):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from myphoto.photos.services.derivatives import photo_make_derivatives
    from myphoto.photos.services.upload import photo_upload

    # No on_commit hooks in this test: the job has not run yet.
    photo = photo_upload(owner=user, file=SimpleUploadedFile("new.jpg", images.jpeg())).photo
    waiting = client.get(f"/photos/{photo.pk}/tile").content.decode()
    assert "Preparing…" in waiting and 'hx-trigger="every 2s"' in waiting

    photo_make_derivatives(photo_id=photo.pk)

    ready = client.get(f"/photos/{photo.pk}/tile").content.decode()
    assert f"/api/v1/photos/{photo.pk}/thumbnail?size=sm" in ready
    assert "hx-trigger" not in ready


def test_detail_page_shows_the_metadata(client, make_photo):
    photo, _ = make_photo("IMG_0001.HEIC", data=images.camera_photo("HEIF"))

    html = client.get(f"/photos/{photo.pk}/").content.decode()

    assert "IMG_0001.HEIC" in html
    assert "Apple iPhone 15 Pro" in html
    assert "400 × 600" in html
    assert "11 Oct 2023, 05:15" in html  # 14:15 at +09:00, shown in UTC
    assert "openstreetmap.org/?mlat=37.5665&amp;mlon=126.978" in html
    assert f"/photos/{photo.pk}/download" in html


def test_other_users_tiles_and_details_are_404(client, make_photo, other_user):
    theirs, _ = make_photo(owner=other_user)

    assert client.get(f"/photos/{theirs.pk}/").status_code == 404
    assert client.get(f"/photos/{theirs.pk}/tile").status_code == 404


def test_settings_create_a_token_shown_once_then_revoke_it(client, user):
    page = client.post("/account/", {"token-name": "laptop backup"})

    html = page.content.decode()
    raw = html.split("data-new-token>")[1].split("<")[0]
    assert token_authenticate(raw) == user
    token = ApiToken.objects.get(user=user)
    assert token.name == "laptop backup"
    assert raw not in client.get("/account/").content.decode()  # shown once only

    client.post(f"/account/tokens/{token.pk}/revoke", follow=True)

    assert token_authenticate(raw) is None
    assert not ApiToken.objects.exists()


def change_password(client, old: str, new: str = "a much longer passphrase", **kwargs):
    """Post the Settings page's password form."""
    return client.post(
        "/account/",
        {
            "password-old_password": old,
            "password-new_password1": new,
            "password-new_password2": new,
        },
        **kwargs,
    )


def test_settings_change_the_password(client, user):
    response = change_password(client, "correct horse battery", follow=True)

    assert "Your password has been changed." in response.content.decode()
    user.refresh_from_db()
    assert user.check_password("a much longer passphrase")
    assert client.get("/account/").status_code == 200  # still logged in


def test_settings_refuse_a_wrong_old_password(client, user):
    response = change_password(client, "wrong")

    assert "Your old password was entered incorrectly" in response.content.decode()
    user.refresh_from_db()
    assert user.check_password("correct horse battery")


def test_pages_need_a_login(db):
    for url in ("/", "/account/", "/trash/"):
        response = Client().get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_later_pages_cost_two_queries_for_photos(client, make_photo, monkeypatch):
    """The page's photos, and its Live Photos' motions: as many whatever the page's size."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    monkeypatch.setattr(timeline, "PAGE_SIZE", 2)
    for n in range(5):
        make_photo(f"{n}.jpg")
    cursor = client.get("/").content.decode().split("?cursor=")[1].split('"')[0]

    with CaptureQueriesContext(connection) as queries:
        client.get(f"/?cursor={cursor}", headers={"HX-Request": "true"})

    assert len([q for q in queries if 'FROM "photos_photo"' in q["sql"]]) == 2


def test_a_month_page_starts_at_that_month_and_leads_both_ways(client, make_photo):
    for month in (1, 3, 5, 7):
        photo, _ = make_photo(f"{month}.jpg")
        retake(Photo.objects.filter(pk=photo.pk), datetime(2023, month, 10, 12, tzinfo=UTC))

    html = client.get("/?month=2023-05").content.decode()

    assert 'data-day="2023-05-10"' in html and 'data-day="2023-03-10"' in html
    assert 'data-day="2023-07-10"' not in html  # newer: loaded above, on the way up
    newer = html.split("?newer=")[1].split('"')[0]
    above = client.get(f"/?newer={newer}", headers={"HX-Request": "true"}).content.decode()
    assert 'data-day="2023-07-10"' in above and "2023-05-10" not in above
    assert "?cursor=" not in above  # what is below is on the page already
    assert "?newer=" not in client.get("/?month=2023-07").content.decode()  # nothing newer
    # The scrubber lists the years; without JavaScript each is a link to its newest month.
    assert 'href="?month=2023-07"' in html and "4 photos" in html


def test_without_javascript_older_and_newer_pages_are_whole_pages(client, make_photo, monkeypatch):
    monkeypatch.setattr(timeline, "PAGE_SIZE", 2)
    for day in (1, 2, 3, 4, 5):
        photo, _ = make_photo(f"{day}.jpg")
        retake(Photo.objects.filter(pk=photo.pk), datetime(2024, 5, day, 12, tzinfo=UTC))

    first = client.get("/").content.decode()
    older = client.get("/?cursor=" + first.split("?cursor=")[1].split('"')[0]).content.decode()

    assert 'data-day="2024-05-03"' in older and 'data-day="2024-05-05"' not in older
    assert "5 photos" in older and 'class="empty" hidden' in older.replace("\n", " ")
    assert "?newer=" not in older  # the plain scroll down does not lead back up


def test_bad_months_and_cursors_go_back_to_the_timeline(client, make_photo):
    make_photo("a.jpg")
    for query in ("month=2023-13", "month=abc", "month=0000-01", "month=9999-12", "newer=zzz"):
        response = client.get(f"/?{query}")
        assert response.status_code == 302, query
        assert response["Location"] == "/"
