"""The server's accounts as staff see them: each with what it keeps (404 for anyone else)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models.functions import Lower
from django.http import Http404
from django.utils.translation import gettext
from django_otp.plugins.otp_totp.models import TOTPDevice

from ..models import Usage, User
from .usage import usage_of


@dataclass(frozen=True)
class AccountView:
    user: User
    usage: Usage
    two_factor: bool = False

    @property
    def item_count(self) -> int:
        return self.usage.photos + self.usage.videos


def _staff_only(user: User) -> None:
    if not user.is_staff:
        raise Http404(gettext("No such page."))


def accounts_for_staff(*, user: User) -> list[AccountView]:
    """Every account, by name, with its usage; Http404 for anyone but staff."""
    _staff_only(user)
    usage = {row.owner_id: row for row in Usage.objects.all()}
    verified = _with_two_factor()
    return [
        AccountView(account, usage.get(account.pk) or Usage(owner=account), account.pk in verified)
        for account in User.objects.order_by(Lower("username"), "username")
    ]


def _with_two_factor(*ids: int) -> set[int]:
    """Who has two-step verification on (of `ids`, or of everyone)."""
    devices = TOTPDevice.objects.filter(confirmed=True)
    if ids:
        devices = devices.filter(user_id__in=ids)
    return set(devices.values_list("user_id", flat=True))


def account_get_for_staff(*, user: User, username: str) -> AccountView:
    """The account named `username`; Http404 for anyone but staff, as for a name not there."""
    _staff_only(user)
    # No name holds a NUL (PostgreSQL text cannot), so no account answers to one.
    account = None if "\x00" in username else User.objects.filter(username=username).first()
    if account is None:
        raise Http404(gettext("No account is named “%(name)s”.") % {"name": username})
    two_factor = account.pk in _with_two_factor(account.pk)
    return AccountView(account, usage_of(user=account), two_factor)
