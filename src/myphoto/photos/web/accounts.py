"""The Accounts page (staff only; anyone else is told there is no such page): everyone on
the server with what they keep; make an account (a password shown once, or an invite link),
set a quota, make staff, disable, give a new password or a link to choose one, delete.
And the page a password link opens, for anyone holding one."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import SetPasswordForm
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from ..links import password_link_url
from ..models import User
from ..quotas import MAX_QUOTA_BYTES
from ..requests import AuthenticatedRequest
from ..selectors import account_get_for_staff, accounts_for_staff
from ..services import accounts, two_factor

# Quotas are typed in the unit the pages show sizes in (filesizeformat's GB: 1024³ bytes).
GB = 1024**3


class QuotaField(forms.DecimalField):
    def __init__(self, **kwargs: object) -> None:
        super().__init__(
            required=False,
            min_value=Decimal(0),
            max_value=Decimal(MAX_QUOTA_BYTES // GB),
            decimal_places=3,
            label=_("Quota (GB)"),
            help_text=_("Leave empty for no limit."),
            **kwargs,  # type: ignore[arg-type]
        )


def quota_bytes(value: Decimal | None) -> int | None:
    return None if value is None else int(value * GB)


def quota_gb(size: int | None) -> str | None:
    """A quota as it is typed: "10", "2.5", "0.001" (to the field's three places)."""
    if size is None:
        return None
    return f"{(Decimal(size) / GB).quantize(Decimal('0.001')):f}".rstrip("0").rstrip(".")


class AccountCreateForm(forms.Form):
    username = forms.CharField(
        max_length=150,
        label=_("Username"),
        help_text=_("Letters, digits and @ . + - _ only; what they type to log in."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "none"}),
    )
    way_in = forms.ChoiceField(
        label=_("How they get in"),
        choices=[
            ("invite", _("A link to choose their own password (valid 7 days)")),
            ("password", _("A password made for them, shown once")),
        ],
        initial="invite",
        widget=forms.RadioSelect,
    )
    is_staff = forms.BooleanField(
        required=False, label=_("Staff: manages accounts, libraries and the library's health")
    )
    quota = QuotaField()
    email = forms.EmailField(
        required=False,
        label=_("Email"),
        help_text=_("How single sign-on knows them: their verified email at the provider."),
    )


class QuotaForm(forms.Form):
    quota = QuotaField()


class EmailForm(forms.Form):
    email = forms.EmailField(
        required=False,
        label=_("Email"),
        help_text=_("Single sign-on lets them in when the provider vouches for this email."),
    )


def _said(err: ValidationError) -> str:
    return " ".join(err.messages)


@login_required
@require_http_methods(["GET", "POST"])
def accounts_page(request: AuthenticatedRequest) -> HttpResponse:
    views = accounts_for_staff(user=request.user)  # 404 for anyone but staff
    form = AccountCreateForm(request.POST or None, prefix="new")
    secret: dict[str, str] | None = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        password = accounts.password_generate() if data["way_in"] == "password" else None
        try:
            user = accounts.user_create(
                username=data["username"],
                password=password,
                staff=data["is_staff"],
                quota_bytes=quota_bytes(data["quota"]),
                email=data["email"],
            )
        except accounts.EmailTaken as err:
            form.add_error("email", str(err))
        except (accounts.UsernameTaken, accounts.InvalidAccountChange) as err:
            form.add_error("username", str(err))
        except ValidationError as err:
            form.add_error("username", _said(err))
        else:
            secret = _secret_for(request, user, password)
            form = AccountCreateForm(prefix="new")
            views = accounts_for_staff(user=request.user)
    response = render(
        request,
        "photos/accounts.html",
        {"views": views, "form": form, "secret": secret},
        status=400 if form.errors else 200,
    )
    return _unkept(response) if secret else response


def _secret_for(request: HttpRequest, user: User, password: str | None) -> dict[str, str]:
    """What to hand the person, shown on this page only: their password, or their link."""
    if password is not None:
        return {"username": user.username, "password": password}
    token = accounts.password_link_token(user=user)
    return {"username": user.username, "link": password_link_url(request, token)}


def _unkept(response: HttpResponse) -> HttpResponse:
    # A password or a link is in this page: no cache may keep it, the browser's included.
    patch_cache_control(response, no_store=True)
    return response


_ACTIONS = {
    "quota",
    "email",
    "staff",
    "unstaff",
    "disable",
    "enable",
    "password",
    "link",
    "delete",
    "two_factor_off",
}


@login_required
@require_http_methods(["GET", "POST"])
def account_page(request: AuthenticatedRequest, username: str) -> HttpResponse:
    view = account_get_for_staff(user=request.user, username=username)
    user = view.user
    quota_form = QuotaForm(
        prefix="quota",
        initial={"quota": quota_gb(user.quota_bytes)},
    )
    email_form = EmailForm(prefix="email", initial={"email": user.email})
    secret = None
    problem = ""
    action = request.POST.get("action", "") if request.method == "POST" else ""
    try:
        if action == "email":
            email_form = EmailForm(request.POST, prefix="email")
            if email_form.is_valid():
                accounts.user_change(
                    user=user, by=request.user, email=email_form.cleaned_data["email"]
                )
                messages.success(request, gettext("The email is saved."))
                return redirect("user-detail", username=user.username)
        elif action == "quota":
            quota_form = QuotaForm(request.POST, prefix="quota")
            if quota_form.is_valid():
                amount = quota_bytes(quota_form.cleaned_data["quota"])
                accounts.user_change(user=user, by=request.user, quota_bytes=amount)
                messages.success(request, gettext("The quota is saved."))
                return redirect("user-detail", username=user.username)
        elif action in ("staff", "unstaff"):
            accounts.user_change(user=user, by=request.user, is_staff=action == "staff")
            messages.success(request, gettext("Saved."))
            return redirect("user-detail", username=user.username)
        elif action in ("disable", "enable"):
            accounts.user_change(user=user, by=request.user, is_active=action == "enable")
            messages.success(
                request,
                gettext("Disabled: their sessions and tokens stopped working.")
                if action == "disable"
                else gettext("Enabled: they can log in again."),
            )
            return redirect("user-detail", username=user.username)
        elif action == "password":
            password = accounts.password_generate()
            accounts.user_change(user=user, by=request.user, password=password)
            secret = _secret_for(request, user, password)
        elif action == "two_factor_off":
            two_factor.two_factor_off(user)
            messages.success(
                request, gettext("Two-step verification is off: their password alone logs in.")
            )
            return redirect("user-detail", username=user.username)
        elif action == "link":
            secret = _secret_for(request, user, None)
        elif action == "delete":
            if request.POST.get("confirm", "") != user.username:
                problem = gettext("Type the account's name exactly to delete it.")
            else:
                gone = accounts.user_delete_by_staff(user=user, by=request.user)
                messages.success(
                    request,
                    ngettext(
                        "%(name)s's account is deleted, with %(count)d photo or video.",
                        "%(name)s's account is deleted, with %(count)d photos and videos.",
                        gone,
                    )
                    % {"name": user.username, "count": gone},
                )
                return redirect("users")
        elif request.method == "POST" and action not in _ACTIONS:
            problem = gettext("Nothing was changed: reload the page and try again.")
    except accounts.EmailTaken as err:
        email_form.add_error("email", str(err))
    except (accounts.InvalidAccountChange, ValidationError) as err:
        problem = _said(err) if isinstance(err, ValidationError) else str(err)
    response = render(
        request,
        "photos/account_admin.html",
        {
            "view": account_get_for_staff(user=request.user, username=user.username),
            "quota_form": quota_form,
            "email_form": email_form,
            "secret": secret,
            "problem": problem,
        },
        status=400 if problem or quota_form.errors or email_form.errors else 200,
    )
    return _unkept(response) if secret else response


@require_http_methods(["GET", "POST"])
def password_link(request: HttpRequest, token: str) -> HttpResponse:
    """Choose a password from an invite or a reset link; logged in once it is set."""
    # With passwords turned off, a password would let nobody in.
    user = accounts.user_for_password_link(token) if settings.MYPHOTO_PASSWORD_LOGIN else None
    if user is None:
        return render(request, "photos/password_link.html", {"form": None}, status=404)
    form = SetPasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        if two_factor.two_factor_enabled(user):
            # The link is not the second step: the code is still asked for.
            messages.success(request, gettext("Your password is set: log in with it."))
            return redirect("login")
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, gettext("Your password is set. Welcome to MyPhoto."))
        return redirect("timeline")
    response = render(
        request,
        "photos/password_link.html",
        {"form": form, "person": user},
        status=400 if form.errors else 200,
    )
    # The link is the key: never kept. (Nor sent to another site as a referrer: Django's
    # "same-origin" policy. Not "no-referrer": the browser then sends the form's POST as
    # from origin "null", which the CSRF check refuses.)
    return _unkept(response)
