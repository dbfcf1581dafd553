"""Accounts (staff only; anyone else is told there is nothing here)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext
from ninja import Router, Status

from ..links import password_link_url
from ..requests import ApiRequest
from ..selectors import account_get_for_staff, accounts_for_staff
from ..services import accounts, two_factor
from .errors import ApiError
from .schemas.accounts import (
    AccountChangeIn,
    AccountCreatedOut,
    AccountIn,
    AccountListOut,
    AccountOut,
    PasswordLinkOut,
    account_out,
)
from .schemas.common import errors

router = Router(tags=["accounts"])


def _invalid(err: ValidationError) -> ApiError:
    said = (
        [
            f"{field}: {message}"
            for field, messages in err.message_dict.items()
            for message in messages
        ]
        if hasattr(err, "error_dict")
        else err.messages
    )
    return ApiError(400, "invalid", " ".join(said))


@router.get("/admin/users", response={200: AccountListOut, **errors(404)}, url_name="admin-users")
def users_list(request: ApiRequest) -> dict[str, Any]:
    """Every account with what it keeps, by name."""
    return {"items": [account_out(view) for view in accounts_for_staff(user=request.auth)]}


@router.post(
    "/admin/users",
    response={201: AccountCreatedOut, **errors(400, 404, 409)},
    url_name="admin-users-create",
)
def users_create(request: ApiRequest, body: AccountIn) -> Status[dict[str, Any]]:
    """Make an account. Without a password one is made and answered once; with `invite`,
    a link to choose one (valid 7 days, once) is answered instead."""
    accounts_for_staff(user=request.auth)  # 404 for anyone but staff
    if body.invite and body.password is not None:
        raise ApiError(400, "invalid", gettext("Give a password or ask for an invite, not both."))
    password = None if body.invite else body.password or accounts.password_generate()
    try:
        user = accounts.user_create(
            username=body.username,
            password=password,
            staff=body.is_staff,
            quota_bytes=body.quota_bytes,
            email=body.email.strip(),
        )
    except accounts.UsernameTaken as err:
        raise ApiError(409, "username_taken", str(err)) from err
    except accounts.EmailTaken as err:
        raise ApiError(409, "email_taken", str(err)) from err
    except accounts.InvalidAccountChange as err:
        raise ApiError(400, "invalid", str(err)) from err
    except ValidationError as err:
        raise _invalid(err) from err
    created = account_out(account_get_for_staff(user=request.auth, username=user.username))
    if body.invite:
        token = accounts.password_link_token(user=user)
        created["password_link"] = password_link_url(request, token)
    elif body.password is None:
        created["password"] = password
    return Status(201, created)


@router.patch(
    "/admin/users/{username}",
    response={200: AccountOut, **errors(400, 404, 409)},
    url_name="admin-user",
)
def users_change(request: ApiRequest, username: str, body: AccountChangeIn) -> dict[str, Any]:
    """Disable or enable (a disabled account's sessions and tokens stop at once), make or
    unmake staff, set the quota (null: none), set a password, set the email single sign-on
    knows them by, turn two-step verification off (`"two_factor": false`: for a person who
    lost their phone and recovery codes)."""
    view = account_get_for_staff(user=request.auth, username=username)
    changes = body.model_dump(exclude_unset=True)
    if changes.pop("two_factor", None) is False:
        two_factor.two_factor_off(view.user)
    try:
        accounts.user_change(user=view.user, by=request.auth, **changes)
    except accounts.InvalidAccountChange as err:
        raise ApiError(400, "invalid", str(err)) from err
    except accounts.EmailTaken as err:
        raise ApiError(409, "email_taken", str(err)) from err
    except ValidationError as err:
        raise _invalid(err) from err
    return account_out(account_get_for_staff(user=request.auth, username=username))


@router.delete(
    "/admin/users/{username}",
    response={204: None, **errors(400, 404)},
    url_name="admin-user-delete",
)
def users_delete(request: ApiRequest, username: str) -> Status[None]:
    """Delete the account and everything of theirs (as `myphoto deleteuser`)."""
    view = account_get_for_staff(user=request.auth, username=username)
    try:
        accounts.user_delete_by_staff(user=view.user, by=request.auth)
    except accounts.InvalidAccountChange as err:
        raise ApiError(400, "invalid", str(err)) from err
    return Status(204, None)


@router.post(
    "/admin/users/{username}/password-link",
    response={201: PasswordLinkOut, **errors(404)},
    url_name="admin-user-password-link",
)
def users_password_link(request: ApiRequest, username: str) -> Status[dict[str, Any]]:
    """A link that lets the person choose a new password (valid 7 days, once); their
    current password works until they do."""
    view = account_get_for_staff(user=request.auth, username=username)
    token = accounts.password_link_token(user=view.user)
    return Status(
        201,
        {
            "password_link": password_link_url(request, token),
            "expires_at": timezone.now() + accounts.PASSWORD_LINK_LIFETIME,
        },
    )
