"""Trash: hide photos, bring them back, and purge them for good (objects first, then rows)."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime, timedelta
from uuid import UUID

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from ..models import Photo, User
from ..storage import get_storage

logger = logging.getLogger(__name__)

PURGE_BATCH = 500


def photos_trash(*, owner: User, photo_ids: Iterable[UUID]) -> int:
    """Move the owner's photos to the trash; return how many moved."""
    return (
        Photo.objects.visible()
        .filter(owner=owner, id__in=list(photo_ids))
        .update(deleted_at=timezone.now())
    )


def photos_restore(*, owner: User, photo_ids: Iterable[UUID]) -> int:
    """Bring the owner's photos back from the trash; return how many came back."""
    return (
        Photo.objects.trashed().filter(owner=owner, id__in=list(photo_ids)).update(deleted_at=None)
    )


def photo_restore_if_trashed(*, photo: Photo) -> Photo | None:
    """Return the photo out of the trash, or None if it was purged meanwhile."""
    if photo.in_trash:
        restored = Photo.objects.trashed().filter(pk=photo.pk).update(deleted_at=None)
        if not restored and not Photo.objects.filter(pk=photo.pk).exists():
            return None
        photo.refresh_from_db()
    return photo


def trash_purge(*, owner: User | None = None, deleted_before: datetime | None = None) -> int:
    """Delete trashed photos for good: their objects first, then their rows.

    Safe to re-run: a batch whose objects could not all be deleted keeps its
    rows and is retried next time. Rows are locked while their objects go, so a
    restore that races the purge either wins (photo kept) or waits (photo gone).
    """
    purged = 0
    while True:
        with transaction.atomic():
            batch = Photo.objects.trashed().select_for_update(skip_locked=True)
            if owner is not None:
                batch = batch.filter(owner=owner)
            if deleted_before is not None:
                batch = batch.filter(deleted_at__lt=deleted_before)
            photos = list(batch.order_by("deleted_at", "id")[:PURGE_BATCH])
            if not photos:
                return purged
            get_storage().delete_many(key for photo in photos for key in photo.storage_keys)
            Photo.objects.filter(pk__in=[photo.pk for photo in photos]).delete()
        purged += len(photos)
        logger.info("purged %d photos from the trash", len(photos))


def trash_purge_expired() -> int:
    """Purge what has been in the trash longer than MYPHOTO_TRASH_DAYS."""
    cutoff = timezone.now() - timedelta(days=settings.MYPHOTO_TRASH_DAYS)
    return trash_purge(deleted_before=cutoff)
