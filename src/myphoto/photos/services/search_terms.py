"""The search terms kept on each photo's row (`search`): written at upload, and again for
every photo when what they depend on changes (the library's time zone)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from django.db import transaction

from .. import search
from ..models import Photo, Place, camera_name
from ..selectors import photos_in_batches

BATCH = 2000


def search_fields(
    *, name: str, camera: str | None, taken_at: datetime, place: Place | None
) -> dict[str, str]:
    """The search columns of a photo being made."""
    return {
        "search_text": search.photo_terms(name=name, camera=camera, taken_at=taken_at),
        "place_text": search.place_terms(place.name if place else None),
    }


def photos_terms_rewrite(*, advance: Callable[[int], None] = lambda n: None) -> None:
    """Write every photo's name, camera, month and description terms again (their months are the
    library's time zone's)."""
    photos = Photo.objects.only(
        "pk", "original_name", "camera_make", "camera_model", "taken_at", "description"
    )
    for batch in photos_in_batches(photos, BATCH):
        for photo in batch:
            photo.search_text = search.photo_terms(
                name=photo.original_name,
                camera=camera_name(photo.camera_make, photo.camera_model),
                taken_at=photo.taken_at,
                description=photo.description,
            )
        with transaction.atomic():
            Photo.objects.bulk_update(batch, ["search_text"])
        advance(len(batch))
