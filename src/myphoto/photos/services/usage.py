"""What a person keeps: the part of the usage the database cannot see for itself."""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import QuerySet

from ..models import Photo
from ..storage import ObjectMissing, get_storage


def _unmeasured() -> QuerySet[Photo]:
    return Photo.objects.filter(derivatives_ready=True, images_size=0).exclude(thumbnail_key="")


def images_sizes_measure(*, advance: Callable[[int], None] = lambda done: None) -> int:
    """Record the sizes of the thumbnails and previews made before their sizes were kept
    (the usage counts them from the rows); return how many photos were measured."""
    storage = get_storage()
    measured = 0
    for photo in _unmeasured().only("pk", "thumbnail_key", "preview_key").iterator():
        try:
            size = storage.size(photo.thumbnail_key) + storage.size(photo.preview_key)
        except ObjectMissing:
            size = 0  # fsck makes them again, sizes and all
        if size:
            # Unless a job made new ones meanwhile (it records their size itself).
            measured += Photo.objects.filter(pk=photo.pk, thumbnail_key=photo.thumbnail_key).update(
                images_size=size
            )
        advance(1)
    return measured


def images_unmeasured_count() -> int:
    return _unmeasured().count()
