"""Signing in with the OpenID provider: the button's start, and the provider's answer.

mozilla-django-oidc's views, with the provider's endpoints read when needed (a provider
that is down leaves the rest of the server working), every refusal explained on the
login page, and two-step verification asked after the provider as after a password.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from django.views.generic import View
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
)

from ..services import two_factor
from ..sso.backend import SignInRefused, oidc_setting
from ..sso.discovery import ProviderUnavailable, provider
from .login import ask_for_code

logger = logging.getLogger(__name__)

_REFUSALS = {
    "state": _(
        "This sign-in was not started here, or it was finished already. "
        "Start again with the button below."
    ),
    "token": _(
        "The provider's answer could not be verified, so it was not trusted. Start again; "
        "if it happens again, the person who runs this server should check its settings."
    ),
    "issuer": _("The answer came from a provider this server does not trust."),
    "no_email": _(
        "The provider did not tell this server your email address, which is how it knows "
        "you. Let it share your email at the provider, or ask the person who runs this "
        "server."
    ),
    "unverified": _(
        "Your email address is not verified at the provider. Verify it there, then sign in again."
    ),
    "no_account": _(
        "There is no account here with your email address. Ask the person who runs this "
        "server to add you with that email first."
    ),
    "ambiguous": _(
        "More than one account here has your email address, so it is not clear which one "
        "is yours. Ask the person who runs this server."
    ),
    "disabled": _("Your account here is disabled. Ask the person who runs this server."),
    "unusable": _(
        "The email address the provider gave cannot be an account's here. Ask the person "
        "who runs this server to make your account."
    ),
    "provider": _("The sign-in provider could not be reached. Try again in a moment."),
    "cancelled": _("The sign-in was cancelled at the provider."),
}
# Claims that do not fit the trusted provider and this server are refused as one.
_REFUSALS["audience"] = _REFUSALS["subject"] = _REFUSALS["issuer"]


def _refuse(request: HttpRequest, reason: str, detail: object = "") -> HttpResponse:
    logger.warning("single sign-on refused (%s): %s", reason, detail)
    messages.error(request, _REFUSALS[reason])
    return redirect("login")


def _enabled() -> None:
    if not settings.MYPHOTO_OIDC_ISSUER:
        raise Http404


class SignInStart(OIDCAuthenticationRequestView):  # type: ignore[misc]
    """The button: off to the provider, with a state, a nonce and a PKCE challenge kept in
    the session for its answer."""

    get_settings = staticmethod(oidc_setting)

    def __init__(self, **kwargs: Any) -> None:
        View.__init__(self, **kwargs)  # the provider is asked in get(), not here
        self.OIDC_RP_CLIENT_ID = settings.MYPHOTO_OIDC_CLIENT_ID

    def get(self, request: HttpRequest) -> HttpResponseBase:
        _enabled()
        try:
            self.OIDC_OP_AUTH_ENDPOINT = provider().authorization_endpoint
        except ProviderUnavailable as err:
            return _refuse(request, "provider", err)
        answer: HttpResponseBase = super().get(request)
        return answer


class SignInCallback(OIDCAuthenticationCallbackView):  # type: ignore[misc]
    """The provider's answer: the person is let in, asked for their code, or told why not."""

    get_settings = staticmethod(oidc_setting)

    def get(self, request: HttpRequest) -> HttpResponseBase:
        _enabled()
        state = request.GET.get("state")
        states = request.session.get("oidc_states", {})
        if not state or state not in states:
            return _refuse(request, "state", "unknown or used state")
        try:
            said_issuer = request.GET.get("iss")
            if request.GET.get("error") or (
                said_issuer is not None and said_issuer != provider().issuer
            ):
                del states[state]  # spent, as an answer with a code is
                request.session.modified = True
                if request.GET.get("error"):
                    return _refuse(request, "cancelled", request.GET.get("error"))
                return _refuse(request, "issuer", f"the answer names {said_issuer!r}")
            answer: HttpResponseBase = super().get(request)
            return answer
        except SignInRefused as refused:
            return _refuse(request, refused.reason, refused)
        except SuspiciousOperation as err:
            return _refuse(request, "token", err)
        # requests' errors (the token and userinfo calls) are OSErrors.
        except (ProviderUnavailable, OSError) as err:
            return _refuse(request, "provider", err)

    def login_failure(self) -> HttpResponse:
        # No code in the answer, or a person the backends did not let in.
        return _refuse(self.request, "token", "no user")

    def login_success(self) -> HttpResponse:
        if not self.user.is_active:
            return _refuse(self.request, "disabled", self.user.username)
        if two_factor.two_factor_enabled(self.user):
            return ask_for_code(self.request, self.user, self.success_url)
        response: HttpResponse = super().login_success()
        return response
