"""A user's API tokens."""

from __future__ import annotations

from django.db.models import QuerySet

from ..models import ApiToken, User


def tokens_get_for_user(*, user: User) -> QuerySet[ApiToken]:
    """The user's API tokens, newest first."""
    return ApiToken.objects.filter(user=user).order_by("-created_at")
