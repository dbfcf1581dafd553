"""Who a person signed in by the OpenID provider is here.

mozilla-django-oidc runs the code flow (state, nonce, PKCE, the token's signature); this
backend adds what it leaves to its users: the ID token must come from the configured
issuer and be meant for this client, the email must be verified, and the account found
by it (in any case) must be the only one and enabled; with MYPHOTO_OIDC_CREATE_USERS, a
person with no account gets one. Each refusal says why, for the login page.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import import_from_settings

from ..models import User
from ..services import accounts
from .discovery import provider

# What this server asks every provider for; the rest of mozilla-django-oidc's settings
# come from MYPHOTO_OIDC_* and the provider's own description.
FIXED_SETTINGS: dict[str, Any] = {
    "OIDC_RP_SCOPES": "openid email profile",
    "OIDC_USE_NONCE": True,
    "OIDC_USE_PKCE": True,
    "OIDC_TIMEOUT": 10,
    "OIDC_STORE_ACCESS_TOKEN": False,
    # Kept in the session for the logout: the provider's end of it names the sign-in.
    "OIDC_STORE_ID_TOKEN": True,
}


def oidc_setting(attr: str, *default: Any) -> Any:
    if attr in FIXED_SETTINGS:
        return FIXED_SETTINGS[attr]
    if attr == "OIDC_RP_CLIENT_ID":
        return settings.MYPHOTO_OIDC_CLIENT_ID
    if attr == "OIDC_RP_CLIENT_SECRET":
        return settings.MYPHOTO_OIDC_CLIENT_SECRET
    if attr == "OIDC_OP_AUTHORIZATION_ENDPOINT":
        return provider().authorization_endpoint
    return import_from_settings(attr, *default)


class SignInRefused(Exception):
    """The provider's answer does not let this person in; `reason` says why."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason


def _email_verified(claims: dict[str, Any]) -> bool:
    # Some providers send the flag as a string.
    return claims.get("email_verified") in (True, "true", "True")


class SignInBackend(OIDCAuthenticationBackend):  # type: ignore[misc]
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # The provider's endpoints are read when someone signs in, not here: Django makes
        # a backend for every request of a session this backend started.
        self.UserModel = User
        self.OIDC_RP_CLIENT_ID = settings.MYPHOTO_OIDC_CLIENT_ID
        self.OIDC_RP_CLIENT_SECRET = settings.MYPHOTO_OIDC_CLIENT_SECRET
        self.OIDC_RP_IDP_SIGN_KEY = None

    get_settings = staticmethod(oidc_setting)

    @property
    def OIDC_OP_TOKEN_ENDPOINT(self) -> str:  # noqa: N802 (mozilla-django-oidc's name)
        return provider().token_endpoint

    @property
    def OIDC_OP_USER_ENDPOINT(self) -> str:  # noqa: N802
        return provider().userinfo_endpoint

    @property
    def OIDC_OP_JWKS_ENDPOINT(self) -> str:  # noqa: N802
        return provider().jwks_uri

    @property
    def OIDC_RP_SIGN_ALGO(self) -> str:  # noqa: N802
        return provider().signing_algorithm

    def verify_token(self, token: str, **kwargs: Any) -> dict[str, Any]:
        payload: dict[str, Any] = super().verify_token(token, **kwargs)
        if payload.get("iss") != provider().issuer:
            raise SignInRefused("issuer", f"the ID token is from {payload.get('iss')!r}")
        audience = payload.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if self.OIDC_RP_CLIENT_ID not in audiences:
            raise SignInRefused("audience", f"the ID token is for {audience!r}")
        return payload

    def verify_claims(self, claims: dict[str, Any]) -> bool:
        if not claims.get("email"):
            raise SignInRefused("no_email")
        if not _email_verified(claims):
            raise SignInRefused("unverified", str(claims["email"]))
        return True

    def filter_users_by_claims(self, claims: dict[str, Any]) -> QuerySet[User]:
        return User.objects.filter(email__iexact=claims["email"])

    def get_or_create_user(
        self, access_token: str, id_token: str, payload: dict[str, Any]
    ) -> User | None:
        claims = self.get_userinfo(access_token, id_token, payload)
        # The userinfo answer must be about the person the ID token names.
        if claims.get("sub") != payload.get("sub"):
            raise SignInRefused("subject")
        self.verify_claims(claims)
        found = list(self.filter_users_by_claims(claims)[:2])
        if len(found) > 1:
            raise SignInRefused("ambiguous", str(claims["email"]))
        if found:
            if not found[0].is_active:
                raise SignInRefused("disabled", found[0].username)
            return found[0]
        if not settings.MYPHOTO_OIDC_CREATE_USERS:
            raise SignInRefused("no_account", str(claims["email"]))
        return self.create_user(claims)

    def create_user(self, claims: dict[str, Any]) -> User:
        email = str(claims["email"])
        try:
            return accounts.user_create(
                username=_free_username(claims.get("preferred_username"), email),
                password=None,
                email=email,
            )
        except (accounts.UsernameTaken, accounts.EmailTaken):
            # Signed in twice at once: the other sign-in made the account, or took the name.
            found = list(self.filter_users_by_claims(claims)[:2])
            if len(found) == 1 and found[0].is_active:
                return found[0]
            raise SignInRefused("ambiguous", email) from None
        except ValidationError as err:
            raise SignInRefused("unusable", f"{email}: {err.messages}") from err


def _free_username(preferred: object, email: str) -> str:
    """The provider's name for the person if it is a good one here and free, else their
    email's local part; a number after it when that is taken too."""
    candidates = [name for name in (preferred, email.split("@")[0]) if isinstance(name, str)]
    for name in candidates:
        try:
            UnicodeUsernameValidator()(name)
        except ValidationError:
            continue
        if 0 < len(name) <= 140:
            break
    else:
        name = "person"
    taken = {
        existing.lower()
        for existing in User.objects.filter(username__istartswith=name).values_list(
            "username", flat=True
        )
    }
    chosen, number = name, 1
    while chosen.lower() in taken:
        number += 1
        chosen = f"{name}{number}"
    return chosen
