"""Staff manage the server's accounts (API.md "Accounts and the server"), on `/admin/users`
and the Accounts page; to anyone else neither exists."""

from __future__ import annotations

import time

import pytest
from django.core import signing
from django.template.defaultfilters import filesizeformat
from django.test import Client
from django.urls import reverse

from myphoto.photos.models import ApiToken, Photo, User
from myphoto.photos.selectors import usage_of
from myphoto.photos.services import accounts
from myphoto.photos.services.tokens import token_create

pytestmark = pytest.mark.django_db
USERS = "/api/v1/admin/users"


@pytest.fixture
def staff(db) -> User:
    return User.objects.create_user(
        username="admin", password="correct horse battery", is_staff=True
    )


@pytest.fixture
def staff_api(staff) -> Client:
    return Client(headers={"Authorization": f"Bearer {token_create(user=staff, name='t')[1]}"})


@pytest.fixture
def staff_page(staff) -> Client:
    browser = Client()
    browser.force_login(staff)
    return browser


def logs_in(username: str, password: str) -> bool:
    """Through the login page, as a person does (django-axes counts it)."""
    answer = Client().post(reverse("login"), {"username": username, "password": password})
    return answer.status_code == 302


def post(client: Client, path: str, body: dict):
    return client.post(path, body, content_type="application/json")


def patch(client: Client, path: str, body: dict):
    return client.patch(path, body, content_type="application/json")


def test_the_list_gives_each_account_with_what_it_keeps(staff_api, user, make_photo):
    make_photo("a.jpg")
    make_photo("b.jpg")
    logs_in("alice", password="correct horse battery")

    answer = staff_api.get(USERS)

    assert answer.status_code == 200
    items = {item["username"]: item for item in answer.json()["items"]}
    assert list(items) == ["admin", "alice"]
    alice = items["alice"]
    assert (alice["photo_count"], alice["bytes_used"]) == (2, usage_of(user=user).bytes)
    assert alice["bytes_used"] > 0 and alice["quota_bytes"] is None
    assert (alice["is_staff"], alice["is_active"]) == (False, True)
    assert alice["last_login"] is not None
    assert items["admin"]["is_staff"] is True and items["admin"]["photo_count"] == 0


def test_to_anyone_but_staff_the_admin_routes_are_not_there(api, client, user, other_user):
    paths = [
        ("get", USERS, None),
        ("post", USERS, {"username": "eve"}),
        ("patch", f"{USERS}/mallory", {"is_staff": True}),
        ("delete", f"{USERS}/mallory", None),
        ("post", f"{USERS}/mallory/password-link", None),
    ]
    for asker in (api, client):
        for method, path, body in paths:
            answer = getattr(asker, method)(path, body, content_type="application/json")
            assert (answer.status_code, answer.json()["code"]) == (404, "not_found"), path
    for method, path, _body in paths:
        assert getattr(Client(), method)(path).status_code == 401
    for page in (reverse("users"), reverse("user-detail", args=["mallory"])):
        assert client.get(page).status_code == 404
        assert client.post(page, {"action": "delete", "confirm": "mallory"}).status_code == 404
    assert not User.objects.filter(username="eve").exists()
    other_user.refresh_from_db()
    assert (other_user.is_staff, other_user.is_active) == (False, True)


def test_a_new_account_gets_a_password_once_and_can_log_in(staff_api):
    answer = post(staff_api, USERS, {"username": "엄마", "quota_bytes": 10 * 1024**3})

    assert answer.status_code == 201, answer.content
    made = answer.json()
    assert made["username"] == "엄마" and made["quota_bytes"] == 10 * 1024**3
    assert made["password_link"] is None and len(made["password"]) >= 16
    assert logs_in("엄마", password=made["password"])
    again = staff_api.get(USERS).json()["items"]
    assert "password" not in next(item for item in again if item["username"] == "엄마")

    chosen = post(staff_api, USERS, {"username": "dad", "password": "a long enough one 42"})
    assert chosen.status_code == 201 and chosen.json()["password"] is None
    assert logs_in("dad", password="a long enough one 42")


def test_an_invite_link_lets_the_person_choose_a_password_once(staff_api):
    made = post(staff_api, USERS, {"username": "grandma", "invite": True}).json()
    link = made["password_link"]
    assert made["password"] is None and link.startswith("http://testserver/password/")
    assert not logs_in("grandma", password="")  # no password until chosen

    visitor = Client()
    page = visitor.get(link)
    assert page.status_code == 200 and page["Cache-Control"].startswith("no-store")
    assert page["Referrer-Policy"] == "same-origin"
    weak = visitor.post(link, {"new_password1": "abc", "new_password2": "abc"})
    assert weak.status_code == 400
    chosen = {"new_password1": "knitting in the sun", "new_password2": "knitting in the sun"}
    done = visitor.post(link, chosen)

    assert done.status_code == 302 and done["Location"] == reverse("timeline")
    assert visitor.get(reverse("timeline")).status_code == 200  # logged in
    assert logs_in("grandma", password="knitting in the sun")
    # Spent: the same link no longer works.
    assert Client().get(link).status_code == 404
    assert Client().post(link, chosen).status_code == 404


def test_a_password_link_runs_out_after_7_days_and_a_forged_one_never_works(
    staff_api, user, monkeypatch
):
    eight_days_ago = time.time() - 8 * 24 * 3600
    with monkeypatch.context() as past:
        past.setattr(signing.time, "time", lambda: eight_days_ago)
        old = accounts.password_link_token(user=user)
    assert Client().get(reverse("password-link", args=[old])).status_code == 404
    fresh = post(staff_api, f"{USERS}/alice/password-link", {}).json()
    path = fresh["password_link"].removeprefix("http://testserver")
    assert Client().get(path).status_code == 200
    assert Client().get(path[:-3] + "xyz").status_code == 404
    # Their password works until they choose another.
    assert logs_in("alice", password="correct horse battery")


def test_disabling_stops_sessions_and_tokens_at_once(staff_api, api, client, user):
    assert client.get("/api/v1/me").status_code == 200

    answer = patch(staff_api, f"{USERS}/alice", {"is_active": False})

    assert answer.status_code == 200 and answer.json()["is_active"] is False
    assert api.get("/api/v1/photos").status_code == 401
    assert client.get("/api/v1/me").status_code == 401
    assert client.get(reverse("timeline")).status_code == 302  # to the login page
    assert not logs_in("alice", password="correct horse battery")

    patch(staff_api, f"{USERS}/alice", {"is_active": True})
    assert api.get("/api/v1/photos").status_code == 200


def test_staff_set_quotas_roles_and_passwords(staff_api, client, user):
    answer = patch(staff_api, f"{USERS}/alice", {"quota_bytes": 5_000_000, "is_staff": True})
    assert answer.status_code == 200, answer.content
    assert (answer.json()["quota_bytes"], answer.json()["is_staff"]) == (5_000_000, True)
    assert client.get("/api/v1/me").json()["quota_bytes"] == 5_000_000
    no_limit = patch(staff_api, f"{USERS}/alice", {"quota_bytes": None})
    assert no_limit.json()["quota_bytes"] is None

    # A new password ends their sessions; tokens are not passwords and go on.
    patch(staff_api, f"{USERS}/alice", {"password": "a brand new secret"})
    assert client.get("/api/v1/me").status_code == 401
    assert logs_in("alice", password="a brand new secret")


def test_bad_input_is_a_clear_400_or_409_and_changes_nothing(staff_api, staff, user):
    cases = {
        "with space": {"username": "mom and dad"},
        "151 characters": {"username": "a" * 151},
        "NUL": {"username": "a\x00b"},
        "empty": {"username": ""},
        "negative quota": {"username": "eve", "quota_bytes": -1},
        "absurd quota": {"username": "eve", "quota_bytes": 2**60},
        "quota as text": {"username": "eve", "quota_bytes": "10"},
        "weak password": {"username": "eve", "password": "123"},
        "password and invite": {"username": "eve", "password": "x" * 20, "invite": True},
    }
    for case, body in cases.items():
        answer = post(staff_api, USERS, body)
        assert answer.status_code == 400, (case, answer.content)
        assert answer.json()["code"] == "invalid" and answer.json()["detail"], case
    spaced = post(staff_api, USERS, {"username": "mom and dad"}).json()["detail"]
    assert spaced.startswith("username: Enter a valid username")
    taken = post(staff_api, USERS, {"username": "ALICE"})
    assert (taken.status_code, taken.json()["code"]) == (409, "username_taken")
    assert User.objects.count() == 2

    for body in ({"quota_bytes": -5}, {"is_active": "no"}, {"password": "short"}):
        assert patch(staff_api, f"{USERS}/alice", body).status_code == 400, body
    # Staff cannot lock themselves out (someone must stay to undo it).
    for body in ({"is_active": False}, {"is_staff": False}):
        refused = patch(staff_api, f"{USERS}/admin", body)
        assert refused.status_code == 400 and "your own" in refused.json()["detail"]
    assert staff_api.delete(f"{USERS}/admin").status_code == 400
    assert staff_api.delete(f"{USERS}/nobody").status_code == 404
    assert post(staff_api, f"{USERS}/a%00b/password-link", {}).status_code in (400, 404)
    user.refresh_from_db()
    staff.refresh_from_db()
    assert (user.quota_bytes, user.is_active, staff.is_active, staff.is_staff) == (
        None,
        True,
        True,
        True,
    )


def test_deleting_an_account_deletes_everything_of_theirs(
    staff_api, user, other_user, make_photo, photo_storage
):
    make_photo("mine.jpg")
    theirs, _ = make_photo("theirs.jpg", owner=other_user)
    token_create(user=user, name="phone")

    assert staff_api.delete(f"{USERS}/alice").status_code == 204

    assert not User.objects.filter(username="alice").exists()
    assert not ApiToken.objects.filter(user_id=user.pk).exists()
    assert photo_storage.keys() == set(theirs.storage_keys)
    assert list(Photo.objects.values_list("pk", flat=True)) == [theirs.pk]


def test_the_accounts_page_lists_and_makes_accounts(staff_page, user, make_photo):
    make_photo()
    page = staff_page.get(reverse("users"), HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    text = page.content.decode()
    assert reverse("user-detail", args=["alice"]) in text
    assert filesizeformat(usage_of(user=user).bytes) in text and "No limit" in text

    invited = staff_page.post(
        reverse("users"),
        {"new-username": "grandpa", "new-way_in": "invite", "new-quota": "2.5"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert invited.status_code == 200 and invited["Cache-Control"].startswith("no-store")
    assert "http://testserver/password/" in invited.content.decode()
    assert User.objects.get(username="grandpa").quota_bytes == int(2.5 * 1024**3)

    with_password = staff_page.post(
        reverse("users"), {"new-username": "uncle", "new-way_in": "password"}
    )
    assert "shown only this once" in with_password.content.decode()
    taken = staff_page.post(reverse("users"), {"new-username": "Alice", "new-way_in": "invite"})
    assert taken.status_code == 400 and "already exists" in taken.content.decode()
    korean = staff_page.get(reverse("users"), HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert "계정" in korean and "제한 없음" in korean


def test_the_account_page_changes_one_person(staff_page, user, make_photo, api):
    make_photo()
    page = reverse("user-detail", args=["alice"])

    assert staff_page.get(page).status_code == 200
    saved = staff_page.post(page, {"action": "quota", "quota-quota": "10"})
    assert saved.status_code == 302
    user.refresh_from_db()
    assert user.quota_bytes == 10 * 1024**3
    shown = staff_page.get(page).content.decode()
    assert "<meter" in shown and 'value="10"' in shown
    bad = staff_page.post(page, {"action": "quota", "quota-quota": "-1"})
    assert bad.status_code == 400

    staff_page.post(page, {"action": "disable"})
    assert api.get("/api/v1/photos").status_code == 401
    staff_page.post(page, {"action": "enable"})
    assert api.get("/api/v1/photos").status_code == 200

    new = staff_page.post(page, {"action": "password"}, HTTP_ACCEPT_LANGUAGE="en")
    assert new.status_code == 200 and new["Cache-Control"].startswith("no-store")
    password = new.context["secret"]["password"]
    assert logs_in("alice", password=password)

    wrong = staff_page.post(page, {"action": "delete", "confirm": "alic"})
    assert wrong.status_code == 400 and User.objects.filter(username="alice").exists()
    gone = staff_page.post(page, {"action": "delete", "confirm": "alice"})
    assert gone.status_code == 302 and gone["Location"] == reverse("users")
    assert not User.objects.filter(username="alice").exists()
    assert staff_page.get(page).status_code == 404
