"""Single sign-on through Chromium against a real OpenID provider (npm's oidc-provider, on
the machine's node): a person is matched by their verified email or made at first
sign-in when that is allowed; wrong answers (a used or forged state, a wrong nonce, a
foreign issuer, a missing or unverified email, a disabled account) are refused with the
reason on the login page and no session."""

from __future__ import annotations

import re
import time

import pytest
from openid import CLIENT_ID, CLIENT_SECRET, openid_provider
from playwright.sync_api import expect

from myphoto.photos.models import User
from myphoto.photos.sso import discovery

from .pages import PHONE, accessible, screenshot

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(scope="module")
def running_provider(live_server):
    """One provider for the module's tests (each signs in from a browser of its own)."""
    with openid_provider(f"{live_server.url}/oidc/callback/") as running:
        yield running


@pytest.fixture
def provider(running_provider, settings):
    settings.MYPHOTO_OIDC_ISSUER = running_provider.issuer
    settings.MYPHOTO_OIDC_CLIENT_ID = CLIENT_ID
    settings.MYPHOTO_OIDC_CLIENT_SECRET = CLIENT_SECRET
    settings.MYPHOTO_OIDC_NAME = "Family login"
    settings.AUTHENTICATION_BACKENDS = [
        *settings.AUTHENTICATION_BACKENDS,
        "myphoto.photos.sso.backend.SignInBackend",
    ]
    discovery.forget()
    yield running_provider
    discovery.forget()


@pytest.fixture
def browser_page(chromium):
    """A page of a browser of its own, logged in nowhere; what our pages' Content-Security-
    Policy refused is an error (the provider's own pages are not ours to judge)."""
    contexts = []
    refused = []

    def open_(viewport=None):
        context = chromium.new_context(**({"viewport": viewport} if viewport else {}))
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.on(
            "console",
            lambda message: (
                "Content Security Policy" in message.text
                and "localhost" in page.url
                and refused.append(message.text)
            ),
        )
        return page

    yield open_
    for context in contexts:
        context.close()
    assert refused == []


def sign_in(page, live_server, who: str, start: str = "/") -> None:
    """From a page of ours, through the provider's own sign-in and consent pages."""
    page.goto(f"{live_server.url}{start}")
    page.get_by_role("link", name="Sign in with Family login").click()
    page.locator("input[name=login]").fill(who)
    page.locator("input[name=password]").fill("anything at all")
    page.get_by_role("button", name="Sign-in").click()
    page.get_by_role("button", name="Continue").click()


def me(page, server) -> str | None:
    """Who this browser's session is, as the API sees it."""
    answer = page.request.get(f"{getattr(server, 'url', server)}/api/v1/me")
    return answer.json()["username"] if answer.ok else None


def refused_with(page, sentence: str) -> None:
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    expect(page.get_by_text(sentence)).to_be_visible()
    # Nobody is logged in in this browser (its session holds only the sign-ins' states).
    assert me(page, page.url.split("/accounts/")[0]) is None


def test_a_person_signs_in_matched_by_their_verified_email(
    provider, browser_page, live_server, user
):
    User.objects.create_user(username="grandma", email="grandma@example.com")
    page = browser_page(PHONE)
    page.goto(f"{live_server.url}/albums/")
    expect(page.get_by_role("link", name="Sign in with Family login")).to_be_visible()
    accessible(page, "the login page with single sign-on, on a phone")
    screenshot(page, "login-sso-phone")

    sign_in(page, live_server, "grandma", start="/albums/")

    # Where she was going, as herself.
    expect(page.get_by_role("heading", name=re.compile(r"^Albums"))).to_be_visible()
    assert me(page, live_server) == "grandma"
    assert User.objects.filter(email__iexact="grandma@example.com").count() == 1


def test_a_first_sign_in_makes_the_account_only_when_allowed(
    provider, browser_page, live_server, settings
):
    page = browser_page()
    sign_in(page, live_server, "newcomer")
    refused_with(page, "There is no account here with your email address.")
    accessible(page, "a sign-in refused for want of an account")
    assert not User.objects.filter(email="newcomer@example.com").exists()

    settings.MYPHOTO_OIDC_CREATE_USERS = True
    User.objects.create_user(username="newcomer", password="someone else's")  # name taken
    page = browser_page()
    sign_in(page, live_server, "newcomer")
    expect(page.get_by_role("heading", name="Photos")).to_be_visible()
    made = User.objects.get(email="newcomer@example.com")
    assert made.username == "newcomer2" and not made.has_usable_password()
    assert me(page, live_server) == "newcomer2"


def test_answers_that_do_not_fit_are_refused_with_the_reason(provider, browser_page, live_server):
    grandma = User.objects.create_user(username="grandma", email="grandma@example.com")

    page = browser_page()
    provider.tamper(iss="http://provider.example")  # signed by the right key, all the same
    sign_in(page, live_server, "grandma")
    refused_with(page, "The answer came from a provider this server does not trust.")

    page = browser_page()
    provider.tamper(nonce="not-the-one-we-sent")
    sign_in(page, live_server, "grandma")
    refused_with(page, "The provider's answer could not be verified")

    for who, sentence in [
        ("nomail", "The provider did not tell this server your email address"),
        ("unverified", "Your email address is not verified at the provider."),
    ]:
        page = browser_page()
        sign_in(page, live_server, who)
        refused_with(page, sentence)

    grandma.is_active = False
    grandma.save()
    page = browser_page()
    sign_in(page, live_server, "grandma")
    refused_with(page, "Your account here is disabled.")
    screenshot(page, "login-sso-refused")


def test_a_used_or_forged_state_is_refused(provider, browser_page, live_server):
    User.objects.create_user(username="grandma", email="grandma@example.com")
    page = browser_page()
    answers = []
    page.on(
        "request", lambda request: "/oidc/callback/" in request.url and answers.append(request.url)
    )
    sign_in(page, live_server, "grandma")
    expect(page.get_by_role("heading", name="Photos")).to_be_visible()

    page.goto(answers[0])  # the provider's answer again: its state is spent
    expect(page.get_by_text("This sign-in was not started here, or it was")).to_be_visible()
    assert me(page, live_server) == "grandma"  # her own session, as it was

    stranger = browser_page()  # an answer made for another browser's sign-in
    stranger.goto(answers[0])
    refused_with(stranger, "This sign-in was not started here, or it was finished already.")
    stranger.goto(f"{live_server.url}/oidc/callback/?code=abc&state=forged")
    refused_with(stranger, "This sign-in was not started here, or it was finished already.")


def test_two_step_verification_is_asked_after_the_provider(provider, browser_page, live_server):
    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    grandma = User.objects.create_user(username="grandma", email="grandma@example.com")
    device = TOTPDevice.objects.create(user=grandma, name="phone", confirmed=True)
    page = browser_page()
    sign_in(page, live_server, "grandma")
    expect(page.get_by_role("heading", name="Two-step verification")).to_be_visible()
    accessible(page, "the code after single sign-on")
    totp = TOTP(device.bin_key)
    totp.time = time.time()
    page.get_by_label("Code", exact=True).fill(f"{totp.token():06d}")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Photos")).to_be_visible()


def test_logging_out_ends_the_providers_session_too(provider, browser_page, live_server):
    User.objects.create_user(username="grandma", email="grandma@example.com")
    page = browser_page()
    sign_in(page, live_server, "grandma")
    expect(page.get_by_role("heading", name="Photos")).to_be_visible()

    page.get_by_role("button", name="Log out grandma").click()
    page.get_by_role("button", name="Yes, sign me out").click()  # the provider's page
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    assert me(page, live_server) is None
    # The next person at this browser is asked for a password at the provider again.
    page.get_by_role("link", name="Sign in with Family login").click()
    expect(page.locator("input[name=login]")).to_be_visible()
