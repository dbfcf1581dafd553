"""Adopted photos whose files are gone from their source: offline, out of every view (the
timeline, albums, search, counts) until the file is back, the same row and id."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from ..models import AlbumPhoto, Photo
from .counts import month_counts_change


def photos_set_offline(photo_ids: list[UUID], *, offline: bool) -> int:
    """Take adopted photos out of every view while their files are gone (or bring them
    back), their months' counts and album entries with them; call inside a transaction.
    Returns how many changed."""
    if not photo_ids:
        return 0
    rows = list(
        Photo.objects.select_for_update()
        .filter(pk__in=photo_ids, offline=not offline)
        .values_list("pk", "owner_id", "taken_at", "archived", "deleted_at", "part_of_id")
    )
    if not rows:
        return 0
    changing = [row[0] for row in rows]
    Photo.objects.filter(pk__in=changing).update(offline=offline)
    # Album views leave out what is hidden by this copy of its state.
    AlbumPhoto.objects.filter(photo_id__in=changing, photo__deleted_at__isnull=True).update(
        photo_in_trash=offline
    )
    by_owner: dict[int, list[datetime]] = {}
    for _, owner_id, taken_at, archived, deleted_at, part_of in rows:
        if not archived and deleted_at is None and part_of is None:
            by_owner.setdefault(owner_id, []).append(taken_at)
    for owner_id, taken in by_owner.items():
        month_counts_change(owner_id=owner_id, taken=taken, by=-1 if offline else 1)
    return len(rows)
