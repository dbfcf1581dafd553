"""Quotas: the bytes a person may keep in storage, checked before anything of theirs is stored."""

from __future__ import annotations

from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext

from .models import User
from .selectors.usage import usage_of

# The largest quota a client can read back exactly: JavaScript's integers end here
# (about 9 PB); anything larger is a typing mistake, not a plan.
MAX_QUOTA_BYTES = 2**53 - 1


class QuotaExceeded(ValueError):
    """Storing a file would take its owner past their quota; nothing of it was kept.

    `index`: which of the sizes checked together would not fit.
    """

    def __init__(self, *, quota: int, used: int, adding: int, index: int = 0) -> None:
        super().__init__(
            gettext(
                "You have used %(used)s of %(quota)s; this needs %(size)s more. Emptying "
                "the trash frees what is in it."
            )
            % {
                "used": filesizeformat(used),
                "quota": filesizeformat(quota),
                "size": filesizeformat(adding),
            }
        )
        self.index = index


def bytes_used(owner: User) -> int:
    return usage_of(user=owner).bytes


def check_quota(owner: User, *adding: int) -> None:
    """Raise QuotaExceeded if storing files of these sizes, one after another, would take
    `owner` past their quota."""
    quota = owner.quota_bytes
    if quota is None:
        return
    used = bytes_used(owner)
    for index, size in enumerate(adding):
        if used + size > quota:
            raise QuotaExceeded(quota=quota, used=used, adding=size, index=index)
        used += size


def check_quota_kept(owner: User, added: int) -> None:
    """Raise QuotaExceeded if the owner is past their quota now that `added` bytes were
    counted: called in the transaction that counted them, where the owner's usage row is
    locked until it ends (on SQLite the whole database is), so uploads at the same moment
    are counted one after another and none takes the owner past the quota."""
    quota = owner.quota_bytes
    if quota is not None and (used := bytes_used(owner)) > quota:
        raise QuotaExceeded(quota=quota, used=used - added, adding=added)
