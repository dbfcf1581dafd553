"""Signing out of the provider too (OpenID Connect RP-initiated logout): a person who
signed in with it and logs out of MyPhoto is sent to the provider's end-session page,
so that the next person at this browser is asked for a password there, not let in."""

from __future__ import annotations

import logging
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse

from .discovery import ProviderUnavailable, provider

logger = logging.getLogger(__name__)

SESSION_KEY = "oidc_id_token"  # where mozilla-django-oidc keeps the sign-in's ID token


def end_session_url(request: HttpRequest, id_token: str | None) -> str | None:
    """The provider's end-session address for this sign-in, coming back to the login
    page; None when the person did not sign in with it, or it has none."""
    if not id_token or not settings.MYPHOTO_OIDC_ISSUER:
        return None
    try:
        endpoint = provider().end_session_endpoint
    except ProviderUnavailable as err:
        logger.warning("signed out here only: %s", err)
        return None
    if not endpoint:
        return None
    query = urlencode(
        {
            "id_token_hint": id_token,
            "client_id": settings.MYPHOTO_OIDC_CLIENT_ID,
            "post_logout_redirect_uri": request.build_absolute_uri(reverse("login")),
        }
    )
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{query}"
