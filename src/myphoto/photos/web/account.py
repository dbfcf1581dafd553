"""The Settings page (language and theme, API tokens, the password, two-step verification),
and the login page once locked out."""

from __future__ import annotations

from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash, user_login_failed
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import qr, selectors
from ..requests import AuthenticatedRequest
from ..services import appearance, tokens, two_factor
from .forms import AppearanceForm, PasswordForm, TokenForm


@login_required
def account(request: AuthenticatedRequest) -> HttpResponse:
    """Language and theme, API tokens (create, revoke), the password; two-step verification
    is sent to `two_factor_settings`."""
    token_form = TokenForm(prefix="token")
    password_form = PasswordForm(request.user, prefix="password")
    appearance_form = AppearanceForm(
        prefix="appearance",
        initial={"language": request.user.language, "theme": request.user.theme},
    )
    new_token = new_app_password = None
    if request.method == "POST" and "token-name" in request.POST:
        token_form = TokenForm(request.POST, prefix="token")
        if token_form.is_valid():
            # Shown on this response only: never stored in clear, never in a cookie.
            _token, new_token = tokens.token_create(
                user=request.user, name=token_form.cleaned_data["name"]
            )
    elif request.method == "POST" and "app-name" in request.POST:
        app_form = TokenForm(request.POST, prefix="app")
        if app_form.is_valid():
            # A token too, shown once: what a backup app signs in to /dav/ with.
            _token, new_app_password = tokens.token_create(
                user=request.user, name=app_form.cleaned_data["name"]
            )
    elif request.method == "POST" and "appearance-theme" in request.POST:
        appearance_form = AppearanceForm(request.POST, prefix="appearance")
        if appearance_form.is_valid():
            appearance.user_appearance_set(user=request.user, **appearance_form.cleaned_data)
            messages.success(request, _("Saved: pages look this way from now on."))
            return redirect("account")
    elif request.method == "POST" and "password-old_password" in request.POST:
        password_form = PasswordForm(request.user, request.POST, prefix="password")
        if password_form.is_valid():
            update_session_auth_hash(request, password_form.save())
            messages.success(request, _("Your password has been changed."))
            return redirect("account")
    response = render(
        request,
        "photos/account.html",
        {
            **_context(request),
            "token_form": token_form,
            "password_form": password_form,
            "appearance_form": appearance_form,
            "new_token": new_token,
            "new_app_password": new_app_password,
            "app_password_qr": (
                qr.qr_code_svg(new_app_password, label=_("QR code of the app password"))
                if new_app_password
                else ""
            ),
        },
    )
    if new_token or new_app_password:
        # The secret is in this page: no cache may keep it, the browser's included.
        patch_cache_control(response, no_store=True)
    return response


def _context(request: AuthenticatedRequest) -> dict[str, object]:
    """What the Settings page shows of the account, whatever form was sent."""
    user = request.user
    enrolling = two_factor.two_factor_enrolling(user)
    return {
        "tokens": selectors.tokens_get_for_user(user=user),
        "usage": selectors.usage_of(user=user),
        "two_factor_on": two_factor.two_factor_enabled(user),
        "recovery_codes_left": two_factor.recovery_codes_left(user),
        "enrolling": enrolling is not None,
        "qr_code": (
            two_factor.qr_code_svg(enrolling, label=_("QR code for your authenticator app"))
            if enrolling
            else ""
        ),
        "secret": two_factor.secret_for_typing(enrolling) if enrolling else "",
        # The forms as they are before anything is sent (a view that took one puts it here).
        "token_form": TokenForm(prefix="token"),
        "app_form": TokenForm(prefix="app", initial={"name": _("Backup app")}),
        "dav_url": request.build_absolute_uri("/dav/"),
        "password_form": PasswordForm(user, prefix="password"),
        "appearance_form": AppearanceForm(
            prefix="appearance", initial={"language": user.language, "theme": user.theme}
        ),
    }


@login_required
@require_POST
def two_factor_settings(request: AuthenticatedRequest) -> HttpResponse:
    """Turn two-step verification on (a secret, then a code from the app confirms it), make
    new recovery codes or turn it off (both with the password)."""
    user = request.user
    action = request.POST.get("action", "")
    codes: list[str] | None = None
    if action == "begin":
        two_factor.two_factor_begin(user)
        return redirect(reverse("account") + "#two-factor-title")
    if action == "confirm":
        codes = two_factor.two_factor_confirm(user, request.POST.get("code", ""))
        if codes is None:
            messages.error(
                request, _("That code is not the one your app shows now; try the next one.")
            )
            return redirect(reverse("account") + "#two-factor-title")
        messages.success(request, _("Two-step verification is on."))
    elif action in ("codes", "off"):
        if not user.check_password(request.POST.get("password", "")):
            # Counted as a failed login: a session left open is no way to guess the password.
            credentials = {"username": user.get_username()}
            user_login_failed.send(sender=__name__, credentials=credentials, request=request)
            messages.error(request, _("That is not your password; nothing was changed."))
            return redirect(reverse("account") + "#two-factor-title")
        if action == "off":
            two_factor.two_factor_off(user)
            messages.success(request, _("Two-step verification is off."))
            return redirect("account")
        codes = two_factor.recovery_codes_make(user)
    else:
        return redirect("account")
    response = render(
        request, "photos/account.html", {**_context(request), "recovery_codes": codes}
    )
    # The codes are in this page: no cache may keep it.
    patch_cache_control(response, no_store=True)
    return response


@login_required
@require_POST
def token_revoke(request: AuthenticatedRequest, token_id: UUID) -> HttpResponse:
    if not tokens.token_revoke(user=request.user, token_id=token_id):
        raise Http404("No such token.")  # another user's, or none: the same answer
    messages.success(request, _("The token is revoked; scripts using it get 401 from now on."))
    return redirect("account")


def login_locked_out(
    request: HttpRequest, original_response: HttpResponse | None, credentials: object = None
) -> HttpResponse:
    """django-axes' answer once an account or an address has failed too often: the login
    page again, with the time to wait, as 429. A view that has answered the lockout itself
    (a share link's unlock, as JSON) keeps its answer."""
    if original_response is not None and original_response.status_code == 429:
        return original_response
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(
        request,
        "registration/login.html",
        {"form": AuthenticationForm(request), "locked_out_minutes": minutes},
        status=429,
    )
