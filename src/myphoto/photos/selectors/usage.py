"""What a person keeps: read from the counts the database keeps (`Usage`)."""

from __future__ import annotations

from ..models import Usage, User


def usage_of(*, user: User) -> Usage:
    """The person's usage; nothing yet (an account without photos) is zero of each."""
    return Usage.objects.filter(owner=user).first() or Usage(owner=user)
