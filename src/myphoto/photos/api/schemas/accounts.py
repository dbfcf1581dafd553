"""Accounts as staff manage them (`/admin/users`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from ninja import Schema
from pydantic import Field

from ...quotas import MAX_QUOTA_BYTES
from ...selectors import AccountView
from .common import Flag, Integer, Text

# Room for a name Django's own checks then explain (150 characters, letters, digits, @.+-_).
_NAME_ROOM = 1000
Quota = Integer | None


class AccountOut(Schema):
    username: str
    # What single sign-on knows the person by ("" when none is set).
    email: str
    is_staff: bool
    is_active: bool
    # Photos and videos out of the trash, and the bytes of everything of theirs in storage.
    photo_count: int
    bytes_used: int
    quota_bytes: int | None
    last_login: datetime | None
    # Whether logging in asks for a code after the password (set by the person only).
    two_factor: bool


class AccountCreatedOut(AccountOut):
    # Answered once: the password made for them, or a link to choose one (an invite).
    password: str | None = None
    password_link: str | None = None


class AccountListOut(Schema):
    items: list[AccountOut]


class AccountIn(Schema):
    username: Text = Field(max_length=_NAME_ROOM)
    # None: one is made and answered once, unless `invite` asks for a link instead.
    password: Text | None = Field(default=None, max_length=_NAME_ROOM)
    invite: Flag = False
    is_staff: Flag = False
    quota_bytes: Quota = Field(default=None, ge=0, le=MAX_QUOTA_BYTES)
    email: Text = Field(default="", max_length=_NAME_ROOM)


class AccountChangeIn(Schema):
    """A field left out stays as it is; `quota_bytes: null` is no limit."""

    is_active: Flag = True
    is_staff: Flag = False
    quota_bytes: Quota = Field(default=None, ge=0, le=MAX_QUOTA_BYTES)
    password: Text = Field(default="", max_length=_NAME_ROOM)
    email: Text = Field(default="", max_length=_NAME_ROOM)
    # false turns the person's two-step verification off (a lost phone and lost codes);
    # only they can turn it on.
    two_factor: Literal[False] = False


class PasswordLinkOut(Schema):
    password_link: str
    expires_at: datetime


def account_out(view: AccountView) -> dict[str, Any]:
    user = view.user
    return {
        "username": user.get_username(),
        "email": user.email,
        "is_staff": user.is_staff,
        "is_active": user.is_active,
        "photo_count": view.item_count,
        "bytes_used": view.usage.bytes,
        "quota_bytes": user.quota_bytes,
        "last_login": user.last_login,
        "two_factor": view.two_factor,
    }
