"""Live Photos: the motion (a short video) that belongs to a still, read with it."""

from __future__ import annotations

from collections.abc import Iterable
from uuid import UUID

from django.db.models import Prefetch, QuerySet

from ..models import Photo
from .batches import in_batches


def live_motion_prefetch(id_field: str) -> Prefetch[str, QuerySet[Photo], str]:
    """What to prefetch for a page's Live Photos: each still's motion, in one query (whose
    `IS NOT NULL` lets SQLite use the partial index of motions). `id_field` is "id" for
    photo rows, "photo_id" for an album's entries."""
    motions = Photo.objects.filter(live_of__isnull=False)
    path = "live_motion" if id_field == "id" else "photo__live_motion"
    return Prefetch(path, queryset=motions)


def live_motion_of(photo: Photo) -> Photo | None:
    """The motion of a Live Photo's still (prefetched by the pages), or None."""
    if photo.is_video or not photo.content_identifier:
        return None  # only an iPhone's still (it carries Apple's id) can have a motion
    motion: Photo | None = getattr(photo, "live_motion", None)
    return motion


def live_motions(photos: Iterable[Photo]) -> dict[UUID, Photo]:
    """The motions of these photos that are Live Photos' stills, by the still's id (for zips:
    any number of photos, a query per batch)."""
    return {
        motion.live_of_id: motion
        for batch in in_batches(photo.pk for photo in photos)
        for motion in Photo.objects.filter(live_of__isnull=False, live_of__in=batch)
        if motion.live_of_id is not None
    }
