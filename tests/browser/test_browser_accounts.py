"""The Accounts page in the browser: staff invite a person, who chooses a password from the
link on a phone and is in; staff set a quota that the person's next upload meets, and
disable the account; on a laptop and a phone, checked with axe-core."""

from __future__ import annotations

import re
import time

import images
import pytest
from playwright.sync_api import expect

from myphoto.photos.models import User

from .pages import PHONE, accessible, library, screenshot

pytestmark = pytest.mark.django_db(transaction=True)


def test_invite_a_person_who_chooses_a_password_then_meets_their_quota(
    open_page, chromium, make_photo, user, live_server, tmp_path
):
    library(make_photo, 2)
    user.is_staff = True
    user.save()
    page = open_page()

    page.get_by_role("link", name="Accounts").click()
    expect(page.get_by_role("heading", name="Accounts", exact=True)).to_be_visible()
    accessible(page, "the Accounts page")
    page.get_by_label("Username").fill("grandma")
    page.get_by_label("A link to choose their own password").check()
    page.get_by_label("Quota (GB)").fill("0.001")  # a megabyte: her first photo is over
    page.get_by_role("button", name="Make the account").click()
    link = page.get_by_label("Link", exact=True).input_value()
    assert link.startswith(f"{live_server.url}/password/")
    expect(page.get_by_role("row", name="grandma")).to_contain_text("never")  # logged in
    screenshot(page, "accounts")

    context = chromium.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    try:
        phone = context.new_page()
        phone.goto(link)
        expect(phone.get_by_role("heading", name="Choose a password")).to_be_visible()
        accessible(phone, "choosing a password on a phone")
        phone.get_by_label(re.compile(r"^New password:?$")).fill("knitting in the sun")
        phone.get_by_label("New password confirmation").fill("knitting in the sun")
        phone.get_by_role("button", name="Set the password and log in").click()
        expect(phone.get_by_text("Your password is set. Welcome to MyPhoto.")).to_be_visible()

        phone.goto(f"{live_server.url}/upload/")
        expect(phone.get_by_text("You have used 0 bytes of 1.0 MB.")).to_be_visible()
        accessible(phone, "the upload page with a quota")
        (tmp_path / "garden.png").write_bytes(images.noise_png(900, 700, seed=9))  # 1.9 MB
        phone.get_by_label("Choose photos and videos").set_input_files(tmp_path / "garden.png")
        phone.get_by_role("button", name="Upload", exact=True).click()
        expect(phone.get_by_text("Nothing was uploaded. garden.png: You have used")).to_be_visible()
        accessible(phone, "an upload refused by the quota")
        screenshot(phone, "quota-refused-phone")
    finally:
        context.close()

    page.get_by_role("link", name="grandma").click()
    expect(page.get_by_role("heading", name="grandma")).to_be_visible()
    screenshot(page, "account-admin")
    page.get_by_role("button", name="Disable").click()
    expect(page.get_by_text("Disabled: their sessions and tokens stopped working.")).to_be_visible()
    assert not User.objects.get(username="grandma").is_active
    page.get_by_label("Type “grandma” to delete it").fill("grandma")
    page.get_by_role("button", name="Delete", exact=True).click()
    expect(page.get_by_text("grandma's account is deleted")).to_be_visible()
    assert not User.objects.filter(username="grandma").exists()
    accessible(page, "the Accounts page after a deletion")


def test_two_step_verification_set_up_in_settings_then_asked_at_login(
    open_page, make_photo, user, live_server
):
    from base64 import b32decode

    from django_otp.oath import TOTP

    library(make_photo, 2)
    page = open_page()
    page.goto(f"{live_server.url}/account/")
    page.get_by_role("button", name="Set it up").click()
    expect(page.get_by_role("img", name="QR code for your authenticator app")).to_be_visible()
    accessible(page, "setting up two-step verification")
    screenshot(page, "two-factor-setup")
    secret = page.locator("[data-secret]").inner_text().replace(" ", "")

    def app_code(later: int = 0) -> str:
        """What the app shows now (or `later` steps of 30 seconds on)."""
        totp = TOTP(b32decode(secret + "=" * (-len(secret) % 8)))
        totp.time = time.time() + 30 * later
        return f"{totp.token():06d}"

    page.get_by_label("Then type the 6-digit code it shows").fill(app_code())
    page.get_by_role("button", name="Turn on").click()
    expect(page.get_by_text("Two-step verification is on.")).to_be_visible()
    expect(page.locator(".recovery-codes li")).to_have_count(10)
    accessible(page, "the recovery codes, shown once")

    page.get_by_role("button", name="Log out alice").click()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("alice")
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Two-step verification")).to_be_visible()
    accessible(page, "the login's second step")
    # The code that turned it on is spent; the app's next one is taken (clocks drift).
    page.get_by_label("Code", exact=True).fill(app_code(later=1))
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Photos")).to_be_visible()
