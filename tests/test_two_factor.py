"""Two-step verification: set up in Settings with an authenticator app's code, then asked
for after the password (or a recovery code, each good once); wrong codes count as wrong
passwords; API tokens go on without; staff can turn it off for a person who lost both."""

from __future__ import annotations

import time

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from myphoto.photos.models import User
from myphoto.photos.services import two_factor
from myphoto.photos.services.tokens import token_create

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery"


def code_now(user: User, *, later: int = 0) -> str:
    """What the person's app shows (`later` steps of 30 seconds on)."""
    device = TOTPDevice.objects.get(user=user)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits)
    totp.time = time.time() + later * device.step
    return f"{totp.token():06d}"


def enrol(client: Client, user: User) -> list[str]:
    """Set it up as a person does in Settings; return the recovery codes shown."""
    client.post(reverse("two-factor"), {"action": "begin"})
    page = client.get(reverse("account"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'role="img" aria-label="QR code for your authenticator app"' in page
    assert two_factor.secret_for_typing(TOTPDevice.objects.get(user=user)) in page
    done = client.post(reverse("two-factor"), {"action": "confirm", "code": code_now(user)})
    assert done.status_code == 200 and done["Cache-Control"].startswith("no-store")
    return done.context["recovery_codes"]


def password_step(client: Client, username: str = "alice", password: str = PASSWORD):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_setting_it_up_needs_a_right_code_and_gives_ten_recovery_codes(client, user):
    client.post(reverse("two-factor"), {"action": "begin"})
    wrong = client.post(reverse("two-factor"), {"action": "confirm", "code": "000000"})
    assert wrong.status_code == 302 and not two_factor.two_factor_enabled(user)

    codes = enrol(client, user)

    assert len(codes) == 10 and len(set(codes)) == 10
    assert two_factor.two_factor_enabled(user)
    page = client.get(reverse("account"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "10 recovery codes left" in page and codes[0] not in page
    korean = client.get(reverse("account"), HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert "2단계 인증" in korean


def test_the_login_asks_for_the_code_after_the_password(client, user):
    enrol(client, user)
    browser = Client()

    first = password_step(browser)

    assert first.status_code == 302 and first["Location"] == reverse("login-code")
    assert browser.get(reverse("timeline")).status_code == 302  # not logged in yet
    assert browser.get("/api/v1/me").status_code == 401
    page = browser.get(reverse("login-code"), HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200 and b"authenticator app" in page.content
    korean = browser.get(reverse("login-code"), HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert "인증 앱의 코드" in korean
    wrong = browser.post(reverse("login-code"), {"code": "123456"}, HTTP_ACCEPT_LANGUAGE="en")
    assert wrong.status_code == 400 and b"That code is not right" in wrong.content
    time.sleep(1.1)  # django-otp makes each device wait after a miss: 1 s, then 2, 4...
    # The app's code of the next 30 seconds is taken too (clocks drift), typed as shown.
    right = code_now(user, later=1)
    done = browser.post(reverse("login-code"), {"code": f"{right[:3]} {right[3:]}"})
    assert done.status_code == 302 and done["Location"] == reverse("timeline")
    assert browser.get("/api/v1/me").json()["username"] == "alice"

    # The same code again, from another browser: used already.
    again = Client()
    password_step(again)
    assert again.post(reverse("login-code"), {"code": right}).status_code == 400


def test_a_recovery_code_logs_in_once(client, user):
    codes = enrol(client, user)
    browser = Client()
    password_step(browser)
    assert browser.post(reverse("login-code"), {"code": codes[3].upper()}).status_code == 302
    other = Client()
    password_step(other)
    assert other.post(reverse("login-code"), {"code": codes[3]}).status_code == 400
    assert two_factor.recovery_codes_left(user) == 9


def test_the_code_page_without_the_password_first_goes_back_to_it(user):
    browser = Client()
    assert browser.get(reverse("login-code"))["Location"] == reverse("login")
    assert browser.post(reverse("login-code"), {"code": "123456"})["Location"] == reverse("login")


def test_wrong_codes_lock_out_as_wrong_passwords_do(client, user, settings):
    enrol(client, user)
    browser = Client()
    password_step(browser)
    answers = [
        browser.post(reverse("login-code"), {"code": f"{n:06d}"}).status_code for n in range(5)
    ]
    assert answers[:4] == [400] * 4 and answers[4] == 429
    # Locked: the right code does not help now, nor the password from elsewhere.
    assert browser.post(reverse("login-code"), {"code": code_now(user)}).status_code in (302, 429)
    assert password_step(Client()).status_code == 429


def test_api_tokens_are_not_asked_for_a_code(client, user):
    _token, raw = token_create(user=user, name="script")
    enrol(client, user)
    script = Client(headers={"Authorization": f"Bearer {raw}"})
    assert script.get("/api/v1/photos").status_code == 200


def test_turning_it_off_or_new_codes_need_the_password(client, user):
    old = enrol(client, user)
    refused = client.post(reverse("two-factor"), {"action": "off", "password": "nope"})
    assert refused.status_code == 302 and two_factor.two_factor_enabled(user)
    new = client.post(reverse("two-factor"), {"action": "codes", "password": PASSWORD})
    codes = new.context["recovery_codes"]
    assert len(codes) == 10 and not set(codes) & set(old)
    client.post(reverse("two-factor"), {"action": "off", "password": PASSWORD})
    assert not two_factor.two_factor_enabled(user)
    assert password_step(Client()).status_code == 302
    assert password_step(Client())["Location"] != reverse("login-code")


def test_staff_turn_it_off_for_a_person_who_lost_phone_and_codes(client, user, other_user):
    enrol(client, user)
    other_user.is_staff = True
    other_user.save()
    raw = token_create(user=other_user, name="t")[1]
    staff = Client(headers={"Authorization": f"Bearer {raw}"})
    listed = staff.get("/api/v1/admin/users").json()["items"]
    assert {item["username"]: item["two_factor"] for item in listed} == {
        "alice": True,
        "mallory": False,
    }
    page = Client()
    page.force_login(other_user)
    listing = page.get(reverse("users"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert listing.count(">Two-step<") == 1  # alice's badge
    refused = staff.patch(
        "/api/v1/admin/users/alice", {"two_factor": True}, content_type="application/json"
    )
    assert refused.status_code == 400  # only the person turns it on

    done = staff.patch(
        "/api/v1/admin/users/alice", {"two_factor": False}, content_type="application/json"
    )

    assert done.status_code == 200 and done.json()["two_factor"] is False
    assert not two_factor.two_factor_enabled(user)
    assert password_step(Client())["Location"] == reverse("timeline")


def test_a_password_link_does_not_skip_the_code(client, user, other_user):
    from myphoto.photos.services.accounts import password_link_token

    enrol(client, user)
    link = reverse("password-link", args=[password_link_token(user=user)])
    browser = Client()
    chosen = {"new_password1": "a whole new secret", "new_password2": "a whole new secret"}
    done = browser.post(link, chosen)
    assert done["Location"] == reverse("login")
    assert browser.get("/api/v1/me").status_code == 401
    assert password_step(Client(), password="a whole new secret")["Location"] == reverse(
        "login-code"
    )
