"""Trash: hide photos, bring them back, and purge them for good (objects first, then rows)."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime, timedelta
from uuid import UUID

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from ..models import AlbumPhoto, FileState, LibraryFile, Photo, PhotoQuerySet, User
from ..selectors import in_batches
from ..storage import get_storage
from .counts import month_counts_change

logger = logging.getLogger(__name__)

PURGE_BATCH = 500


def _move(*, owner: User, photo_ids: Iterable[UUID], to_trash: bool) -> int:
    """Move the owner's photos into or out of the trash, and their months' counts with them."""
    moved = 0
    with transaction.atomic():
        for batch in in_batches(photo_ids):
            source: PhotoQuerySet = Photo.objects.visible() if to_trash else Photo.objects.trashed()
            # Locked, so that a concurrent move of the same photos counts them once.
            # A Live Photo's motion moves only with its still (it is no item of its own).
            rows = list(
                source.select_for_update()
                .filter(owner=owner, id__in=batch, part_of__isnull=True)
                .values_list("pk", "taken_at", "archived")
            )
            if not rows:
                continue
            moving = [pk for pk, _, _ in rows]
            deleted_at = timezone.now() if to_trash else None
            Photo.objects.filter(pk__in=moving).update(deleted_at=deleted_at)
            # Live Photos' motions go with their stills (they are not counted: no item).
            Photo.objects.filter(part_of__in=moving).update(deleted_at=deleted_at)
            # Every album view leaves out the trash by this copy of the state.
            AlbumPhoto.objects.filter(photo_id__in=moving).update(photo_in_trash=to_trash)
            # The archive is not counted, in the trash or out of it.
            counted = (taken for _, taken, archived in rows if not archived)
            month_counts_change(owner_id=owner.pk, taken=counted, by=-1 if to_trash else 1)
            moved += len(rows)
    return moved


def photos_trash(*, owner: User, photo_ids: Iterable[UUID]) -> int:
    """Move the owner's photos to the trash; return how many moved."""
    return _move(owner=owner, photo_ids=photo_ids, to_trash=True)


def photos_restore(*, owner: User, photo_ids: Iterable[UUID]) -> int:
    """Bring the owner's photos back from the trash; return how many came back."""
    return _move(owner=owner, photo_ids=photo_ids, to_trash=False)


def photo_restore_if_trashed(*, photo: Photo) -> Photo | None:
    """Return the photo out of the trash, or None if it was purged meanwhile.

    A Live Photo's motion comes back with its still, as it went.
    """
    if photo.in_trash:
        item = photo.part_of_id or photo.pk
        restored = photos_restore(owner=photo.owner, photo_ids=[item])
        if not restored and not Photo.objects.filter(pk=photo.pk).exists():
            return None
        photo.refresh_from_db()
    return photo


def trash_purge(*, owner: User | None = None, deleted_before: datetime | None = None) -> int:
    """Delete trashed photos for good: their objects first, then their rows.

    Safe to re-run: a batch whose objects could not all be deleted keeps its
    rows and is retried next time. Rows are locked while their objects go, so a
    restore that races the purge either wins (photo kept) or waits (photo gone).
    Counts do not change: photos in the trash are not counted.
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
            # A Live Photo's motion goes in the same batch as its still.
            photos += (
                Photo.objects.trashed()
                .select_for_update()
                .filter(part_of__in=photos)
                .exclude(pk__in=[photo.pk for photo in photos])
            )
            get_storage().delete_many(key for photo in photos for key in photo.storage_keys)
            # An adopted photo's file stays in its source, forgotten: no scan adds it again.
            LibraryFile.objects.filter(photo__in=photos).update(
                state=FileState.FORGOTTEN, photo=None
            )
            Photo.objects.filter(pk__in=[photo.pk for photo in photos]).delete()
        # Items, as the trash showed them: a Live Photo is one.
        purged += sum(1 for photo in photos if photo.part_of_id is None)
        logger.info("purged %d photos and videos from the trash", len(photos))


def trash_purge_expired() -> int:
    """Purge what has been in the trash longer than MYPHOTO_TRASH_DAYS."""
    cutoff = timezone.now() - timedelta(days=settings.MYPHOTO_TRASH_DAYS)
    return trash_purge(deleted_before=cutoff)
