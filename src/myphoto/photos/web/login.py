"""Logging in: the password, then, for a person who turned two-step verification on, a
code from their app or a recovery code. Only after both is there a session; wrong codes
count as wrong passwords (django-axes locks the account and the address alike)."""

from __future__ import annotations

import time
from typing import Any

from axes.handlers.proxy import AxesProxyHandler
from django import forms
from django.conf import settings
from django.contrib.auth import login, user_login_failed
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login

from ..models import User
from ..services import two_factor
from ..sso.discovery import provider_name
from .account import login_locked_out

# The password was right this long ago at most, for the code to finish the login.
_PENDING_SECONDS = 300
_PENDING = "myphoto.login.pending"


def ask_for_code(request: HttpRequest, user: User, next_url: str) -> HttpResponse:
    """The first step was right (a password, or the provider of single sign-on): the code
    page finishes the login."""
    request.session[_PENDING] = {
        "user": user.pk,
        "backend": getattr(user, "backend", "django.contrib.auth.backends.ModelBackend"),
        "since": time.time(),
        "next": next_url,
    }
    return redirect("login-code")


class Login(auth_views.LoginView):
    """Django's login page, with single sign-on's button when it is set up; for a person
    with two-step verification, the code comes next. With passwords turned off
    (MYPHOTO_PASSWORD_LOGIN=0), only the button."""

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {
            **super().get_context_data(**kwargs),
            "password_login": settings.MYPHOTO_PASSWORD_LOGIN,
            "sign_in_name": provider_name(),
        }

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not settings.MYPHOTO_PASSWORD_LOGIN:
            return self.render_to_response(self.get_context_data(), status=403)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        user = form.get_user()
        if not two_factor.two_factor_enabled(user):
            return super().form_valid(form)
        return ask_for_code(self.request, user, self.get_success_url())


class CodeForm(forms.Form):
    code = forms.CharField(
        max_length=40,
        label=_("Code"),
        help_text=_(
            "The 6 digits your authenticator app shows now, or one of your recovery codes."
        ),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True}
        ),
    )


def _pending(request: HttpRequest) -> tuple[User, dict[str, Any]] | None:
    pending = request.session.get(_PENDING)
    if not isinstance(pending, dict) or time.time() - pending.get("since", 0) > _PENDING_SECONDS:
        return None
    user_id = pending.get("user")
    if not isinstance(user_id, int):
        return None
    user = User.objects.filter(pk=user_id, is_active=True).first()
    return (user, pending) if user is not None else None


@sensitive_post_parameters("code")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def login_code(request: HttpRequest) -> HttpResponseBase:
    found = _pending(request)
    if found is None:
        request.session.pop(_PENDING, None)
        return redirect("login")
    user, pending = found
    credentials = {"username": user.get_username()}
    if AxesProxyHandler.is_locked(request, credentials=credentials):
        request.session.pop(_PENDING, None)
        return login_locked_out(request, None)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = two_factor.two_factor_verify(user, form.cleaned_data["code"])
        if device is not None:
            del request.session[_PENDING]
            login(request, user, backend=pending["backend"])
            otp_login(request, device)
            return redirect(pending["next"])
        # As a wrong password: django-axes counts it, and answers for the lockout itself.
        user_login_failed.send(sender=__name__, credentials=credentials, request=request)
        form.add_error("code", gettext("That code is not right, or was used already."))
    return render(
        request, "registration/login_code.html", {"form": form}, status=400 if form.errors else 200
    )
