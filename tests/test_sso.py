"""Single sign-on's settings and edges without a browser (the sign-in itself is driven
through Chromium in browser/test_browser_sso.py): a provider that is down or describes
another issuer, passwords turned off, emails staff give accounts, names made at first
sign-in. The sign-in routes are 404 where it is not set up."""

from __future__ import annotations

import subprocess
import sys

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from openid import CLIENT_ID, CLIENT_SECRET, openid_provider

from myphoto.photos.models import User
from myphoto.photos.services.tokens import token_create
from myphoto.photos.sso import discovery
from myphoto.photos.sso.backend import _free_username

pytestmark = pytest.mark.django_db
SIGN_IN_BACKEND = "myphoto.photos.sso.backend.SignInBackend"


@pytest.fixture
def sso(settings):
    """Single sign-on set up for `issuer` (a provider of the test's choosing)."""

    def set_up(issuer: str) -> None:
        settings.MYPHOTO_OIDC_ISSUER = issuer
        settings.MYPHOTO_OIDC_CLIENT_ID = CLIENT_ID
        settings.MYPHOTO_OIDC_CLIENT_SECRET = CLIENT_SECRET
        settings.MYPHOTO_OIDC_NAME = ""
        settings.AUTHENTICATION_BACKENDS = [*settings.AUTHENTICATION_BACKENDS, SIGN_IN_BACKEND]
        discovery.forget()

    yield set_up
    discovery.forget()


def said(answer) -> list[str]:
    return [str(message) for message in get_messages(answer.wsgi_request)]


def test_without_single_sign_on_its_routes_are_not_there_and_the_login_has_no_button():
    browser = Client()
    assert browser.get("/oidc/authenticate/").status_code == 404
    assert browser.get("/oidc/callback/?code=a&state=b").status_code == 404
    page = browser.get(reverse("login")).content.decode()
    assert "Sign in with" not in page and 'name="password"' in page


def test_a_provider_that_is_down_leaves_the_password_login_working(sso, user):
    sso("http://127.0.0.1:9")  # nothing listens on the discard port
    browser = Client()
    page = browser.get(reverse("login")).content.decode()
    assert "Sign in with 127.0.0.1" in page  # the host, when the admin named it nothing

    answer = browser.get("/oidc/authenticate/")
    assert answer.status_code == 302 and answer["Location"] == reverse("login")
    assert said(answer) == ["The sign-in provider could not be reached. Try again in a moment."]
    logged_in = browser.post(
        reverse("login"), {"username": "alice", "password": "correct horse battery"}
    )
    assert logged_in.status_code == 302 and logged_in["Location"] == reverse("timeline")


def test_a_provider_describing_another_issuer_is_not_asked(sso, live_server):
    with openid_provider(f"{live_server.url}/oidc/callback/") as provider:
        # The same server under another name: its description says 127.0.0.1.
        sso(provider.issuer.replace("127.0.0.1", "localhost"))
        with pytest.raises(discovery.ProviderUnavailable, match="describes the issuer"):
            discovery.provider()
        answer = Client().get("/oidc/authenticate/")
        assert answer["Location"] == reverse("login")

        sso(provider.issuer)
        start = Client().get("/oidc/authenticate/?next=/albums/")
        assert start.status_code == 302
        assert start["Location"].startswith(f"{provider.issuer}/auth?")
        assert "code_challenge=" in start["Location"] and "nonce=" in start["Location"]


def test_with_passwords_off_only_the_provider_lets_anyone_in(sso, settings, user):
    sso("http://127.0.0.1:9")
    settings.MYPHOTO_PASSWORD_LOGIN = False
    settings.AUTHENTICATION_BACKENDS = [
        backend
        for backend in settings.AUTHENTICATION_BACKENDS
        if backend != "django.contrib.auth.backends.ModelBackend"
    ]
    browser = Client()
    page = browser.get(reverse("login")).content.decode()
    assert 'name="password"' not in page and "Passwords are turned off" in page
    refused = browser.post(
        reverse("login"), {"username": "alice", "password": "correct horse battery"}
    )
    assert refused.status_code == 403
    assert browser.get("/api/v1/me").status_code == 401
    # API tokens still work: the command-line client logs in with one.
    made = token_create(user=user, name="laptop")[1]
    me = Client(headers={"Authorization": f"Bearer {made}"}).get("/api/v1/me")
    assert me.status_code == 200 and me.json()["username"] == "alice"


@pytest.mark.parametrize(
    ("environment", "said"),
    [
        ({"MYPHOTO_PASSWORD_LOGIN": "0"}, "MYPHOTO_PASSWORD_LOGIN=0 needs MYPHOTO_OIDC_ISSUER"),
        ({"MYPHOTO_OIDC_ISSUER": "https://id.example"}, "needs MYPHOTO_OIDC_CLIENT_ID"),
    ],
)
def test_settings_that_would_lock_everyone_out_stop_the_server(environment, said, tmp_path):
    run = subprocess.run(
        [sys.executable, "-c", "import myphoto.settings"],
        env={"MYPHOTO_DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin", **environment},
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode != 0 and said in run.stderr


def test_staff_give_an_account_the_email_single_sign_on_knows_it_by(user):
    staff = User.objects.create_user(username="admin", password="x", is_staff=True)
    api = Client(headers={"Authorization": f"Bearer {token_create(user=staff, name='t')[1]}"})
    made = api.post(
        "/api/v1/admin/users",
        {"username": "grandma", "email": "Grandma@Example.com"},
        content_type="application/json",
    )
    # Django lowers the domain's case; matching ignores case altogether.
    assert made.status_code == 201 and made.json()["email"] == "Grandma@example.com"

    taken = api.patch(
        "/api/v1/admin/users/alice", {"email": "grandma@example.com"}, "application/json"
    )
    assert taken.status_code == 409 and taken.json()["code"] == "email_taken"
    bad = api.patch("/api/v1/admin/users/alice", {"email": "not an email"}, "application/json")
    assert bad.status_code == 400 and bad.json()["detail"].startswith("email:")
    assert User.objects.get(username="alice").email == ""

    page = Client()
    page.force_login(staff)
    saved = page.post("/users/alice/", {"action": "email", "email-email": "alice@example.com"})
    assert saved.status_code == 302
    assert User.objects.get(username="alice").email == "alice@example.com"
    shown = page.get("/users/alice/").content.decode()
    assert 'value="alice@example.com"' in shown


def test_names_made_at_first_sign_in(user):
    User.objects.create_user(username="Newcomer")
    assert _free_username("할머니", "grandma@example.com") == "할머니"
    assert _free_username("newcomer", "newcomer@example.com") == "newcomer2"
    assert _free_username("has spaces", "gran.ma@example.com") == "gran.ma"
    assert _free_username(None, "alice@example.com") == "alice2"
    assert _free_username("", "%%%@example.com") == "person"


def test_a_first_sign_in_with_an_email_django_refuses_is_told_why(settings):
    from myphoto.photos.sso.backend import SignInBackend, SignInRefused

    settings.MYPHOTO_OIDC_CREATE_USERS = True
    with pytest.raises(SignInRefused) as refused:
        SignInBackend().create_user({"email": "grandma@example", "email_verified": True})
    assert refused.value.reason == "unusable"
    assert not User.objects.exists()


def test_two_first_sign_ins_at_once_end_in_one_account(settings):
    from myphoto.photos.services import accounts
    from myphoto.photos.sso.backend import SignInBackend

    settings.MYPHOTO_OIDC_CREATE_USERS = True
    claims = {"email": "newcomer@example.com", "preferred_username": "newcomer"}
    # The other sign-in made the account between this one's look and its insert.
    made = accounts.user_create(username="newcomer", password=None, email=claims["email"])
    assert SignInBackend().create_user(claims) == made
    assert User.objects.count() == 1


def test_pages_may_send_the_logout_on_to_the_provider(sso, client):
    sso("https://id.example.org/realms/family")
    policy = client.get(reverse("timeline"))["Content-Security-Policy"]
    form_action = next(part for part in policy.split(";") if "form-action" in part)
    assert form_action.split() == ["form-action", "'self'", "https://id.example.org"]
