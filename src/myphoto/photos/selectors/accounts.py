"""The server's accounts as staff see them: each with what it keeps (404 for anyone else)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models.functions import Lower
from django.http import Http404
from django.utils.translation import gettext

from ..models import Usage, User


@dataclass(frozen=True)
class AccountView:
    user: User
    usage: Usage

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
    return [
        AccountView(account, usage.get(account.pk) or Usage(owner=account))
        for account in User.objects.order_by(Lower("username"), "username")
    ]


def account_get_for_staff(*, user: User, username: str) -> AccountView:
    """The account named `username`; Http404 for anyone but staff, as for a name not there."""
    _staff_only(user)
    # No name holds a NUL (PostgreSQL text cannot), so no account answers to one.
    account = None if "\x00" in username else User.objects.filter(username=username).first()
    if account is None:
        raise Http404(gettext("No account is named “%(name)s”.") % {"name": username})
    return AccountView(account, Usage.objects.filter(owner=account).first() or Usage(owner=account))
