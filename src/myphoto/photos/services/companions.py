"""A file becomes part of another's shot (`Photo.part_of`): a Live Photo's motion, a
camera's RAW beside its JPEG. It leaves the timeline as an item of its own."""

from __future__ import annotations

import logging

from ..models import Album, AlbumPhoto, Photo
from .counts import month_counts_change

logger = logging.getLogger(__name__)


def attach(*, part: Photo, item: Photo, counted: bool) -> None:
    """Make `part` a file of `item`'s shot. Call in a transaction. A part that was an item
    of its own (`counted`: in the month counts) leaves the counts, and its albums (and
    covers) hold the item instead."""
    part.part_of = item
    part.save(update_fields=["part_of"])
    if counted and not part.archived:  # the archive is not counted
        month_counts_change(owner_id=part.owner_id, taken=[part.taken_at], by=-1)
    for entry in AlbumPhoto.objects.filter(photo=part):
        if AlbumPhoto.objects.filter(album_id=entry.album_id, photo=item).exists():
            entry.delete()
        else:
            AlbumPhoto.objects.filter(pk=entry.pk).update(photo=item, taken_at=item.taken_at)
    Album.objects.filter(cover=part).update(cover=item)
    logger.info("%s %s is now part of %s", part.kind, part.pk, item.pk)


def detach_parts(item: Photo) -> None:
    """The files of `item`'s shot become items of their own (before it goes for good):
    back in the month counts, where they are shown."""
    for part in Photo.objects.filter(part_of=item):
        part.part_of = None
        part.save(update_fields=["part_of"])
        if part.deleted_at is None and not part.offline and not part.archived:
            month_counts_change(owner_id=part.owner_id, taken=[part.taken_at], by=1)
