"""The owner's share links. (A visitor's way in, by key, is `shareaccess`.)"""

from __future__ import annotations

from uuid import UUID

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext

from ..models import Album, ShareLink, User


def share_get_for_user(*, user: User, share_id: UUID | str) -> ShareLink:
    """A link to one of the user's albums, or Http404 (also for a link of another user's)."""
    try:
        return ShareLink.objects.select_related("album").get(album__owner=user, pk=share_id)
    except (ShareLink.DoesNotExist, ValueError, TypeError):
        raise Http404(gettext("No such link.")) from None


def shares_for_user(*, user: User, album: Album | None = None) -> QuerySet[ShareLink]:
    """The user's links (to one album of theirs, or to all), newest first."""
    shares = ShareLink.objects.filter(album__owner=user).select_related("album")
    if album is not None:
        shares = shares.filter(album=album)
    return shares.order_by("-created_at", "-id")
