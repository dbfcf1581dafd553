"""The files that are part of another's shot (`Photo.part_of`), read with it: a Live Photo's
motion (a short video), a camera's RAW beside its JPEG."""

from __future__ import annotations

from collections.abc import Iterable
from uuid import UUID

from django.db.models import Prefetch, QuerySet

from ...common.formats import RAW_CONTENT_TYPES
from ..models import Photo
from .batches import in_batches


def companion_prefetch(id_field: str) -> Prefetch[str, QuerySet[Photo], str]:
    """What to prefetch for a page's items: each one's companion, in one query (whose
    `IS NOT NULL` lets SQLite use the partial index of companions). `id_field` is "id" for
    photo rows, "photo_id" for an album's entries."""
    companions = Photo.objects.filter(part_of__isnull=False)
    path = "companion" if id_field == "id" else "photo__companion"
    return Prefetch(path, queryset=companions)


def companion_of(photo: Photo) -> Photo | None:
    """The file that is part of this item's shot (prefetched by the pages), or None."""
    if photo.part_of_id is not None:
        return None  # a companion itself
    companion: Photo | None = getattr(photo, "companion", None)
    return companion


def live_motion_of(photo: Photo) -> Photo | None:
    """The motion of a Live Photo's still, or None."""
    if photo.is_video or not photo.content_identifier:
        return None  # only an iPhone's still (it carries Apple's id) can have a motion
    companion = companion_of(photo)
    return companion if companion is not None and companion.is_video else None


def stack_of(photo: Photo) -> list[Photo]:
    """The files of a RAW+JPEG item, the one shown first; [] for a photo of one file."""
    if photo.is_video or photo.content_identifier:
        return []  # a video or a Live Photo: never a RAW's partner
    companion = companion_of(photo)
    if companion is None or companion.content_type not in RAW_CONTENT_TYPES:
        return []
    return [photo, companion]


def companions(photos: Iterable[Photo]) -> dict[UUID, Photo]:
    """The companions of these items, by the item's id (for zips and mirrors: any number of
    photos, a query per batch)."""
    return {
        companion.part_of_id: companion
        for batch in in_batches(photo.pk for photo in photos)
        for companion in Photo.objects.filter(part_of__isnull=False, part_of__in=batch)
        if companion.part_of_id is not None
    }
