"""Access to photos: every fetch of a user's photo goes through here, and 404s for others."""

from __future__ import annotations

from collections.abc import Iterable
from uuid import UUID

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext

from ..models import AlbumPhoto, Kind, Photo, User
from .albums import albums_visible_to
from .batches import in_batches


def photo_get_for_user(*, user: User, photo_id: UUID | str, in_trash: bool = False) -> Photo:
    """Return the user's photo, or raise Http404 (also for another user's photo)."""
    photos = Photo.objects.trashed() if in_trash else Photo.objects.visible()
    try:
        return photos.get(owner=user, pk=photo_id)
    except (Photo.DoesNotExist, ValueError, TypeError):
        raise Http404(gettext("No such photo.")) from None


def photo_get_for_viewer(*, user: User, photo_id: UUID | str) -> Photo:
    """Return a photo the user may look at: their own, or one in an album they own or are a
    member of (not in the trash); Http404 for any other."""
    shared = AlbumPhoto.objects.filter(
        album__in=albums_visible_to(user), photo_in_trash=False
    ).values("photo")
    try:
        return Photo.objects.visible().filter(Q(owner=user) | Q(pk__in=shared)).get(pk=photo_id)
    except (Photo.DoesNotExist, ValueError, TypeError):
        raise Http404(gettext("No such photo.")) from None


def photos_get_for_user(*, user: User, photo_ids: Iterable[UUID | str]) -> list[Photo]:
    """Return all the user's (visible) photos in the order asked, or raise Http404 if any is not."""
    try:
        wanted = list(dict.fromkeys(UUID(str(photo_id)) for photo_id in photo_ids))
    except ValueError:
        raise Http404(gettext("No such photo.")) from None
    found = {
        photo.pk: photo
        for batch in in_batches(wanted)
        for photo in Photo.objects.visible().filter(owner=user, pk__in=batch)
    }
    if len(found) != len(wanted):
        raise Http404(gettext("One or more of the photos do not exist."))
    return [found[photo_id] for photo_id in wanted]


def photo_ids_with_prefix(*, user: User, prefix: str, in_trash: bool = False) -> list[UUID]:
    """Up to two of the user's photos whose id begins with `prefix` (hex digits, dashes
    ignored): one is the photo a command line meant, two say the prefix is too short.

    The ids between the prefix padded with 0s and with fs: a range of the primary key's
    index, on PostgreSQL's uuid and on SQLite's hex text alike.
    """
    digits = prefix.replace("-", "").lower()
    low, high = UUID(digits.ljust(32, "0")), UUID(digits.ljust(32, "f"))
    photos = Photo.objects.trashed() if in_trash else Photo.objects.visible()
    found = photos.filter(owner=user, pk__gte=low, pk__lte=high).order_by("pk")
    return list(found.values_list("pk", flat=True)[:2])


def photo_get_by_hash(*, user: User, sha256: str) -> Photo:
    """Return the user's visible photo with this content, or raise Http404."""
    # Their own before a copy a share link's visitor added (kept apart: `by_guest`).
    found = Photo.objects.visible().filter(owner=user, sha256=sha256.lower()).order_by("by_guest")
    photo = found.first()
    if photo is None:
        raise Http404(gettext("No photo with this content."))
    return photo


def photos_missing_derivatives() -> QuerySet[Photo]:
    """Photos (trash included) that still need derivatives (or a video its playback copy)
    and have not failed for good."""
    missing = Photo.objects.filter(
        Q(derivatives_ready=False) | Q(kind=Kind.VIDEO, playback_key=""), derivatives_error=""
    )
    return missing.order_by("uploaded_at")


def photos_missing_looks() -> QuerySet[Photo]:
    """Photos and videos with thumbnails but no perceptual hash (made before hashes were)."""
    return Photo.objects.filter(derivatives_ready=True, perceptual_hash__isnull=True).order_by(
        "uploaded_at"
    )
