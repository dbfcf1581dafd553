"""Naming where photos were taken, at upload and for the photos already in the library."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import QuerySet

from .. import geocoding, search
from ..models import Photo, Place
from ..placenames import PlaceName
from ..selectors import photos_in_batches

BATCH = 1000


def place_get_or_create(name: PlaceName | None) -> Place | None:
    """The place row of this name (made the first time a photo is taken there)."""
    if name is None:
        return None
    place, _made = Place.objects.get_or_create(
        country_code=name.country_code,
        state=name.state,
        city=name.city,
        defaults={"country": name.country},
    )
    return place


def place_for(lat: float | None, lon: float | None) -> Place | None:
    """Where a photo with this GPS was taken, or None (no GPS, or no town near enough)."""
    return place_get_or_create(geocoding.place_of(lat, lon))


def places_for(points: list[tuple[float | None, float | None]]) -> list[Place | None]:
    """The places of many points (a page of a scan's photos): looked up together, each
    town's row fetched once."""
    names = geocoding.places_of(points)
    rows = {name: place_get_or_create(name) for name in set(names) if name is not None}
    return [rows[name] if name is not None else None for name in names]


@dataclass
class Located:
    looked_up: int = 0
    placed: int = 0


def photos_locate(
    photos: QuerySet[Photo], *, advance: Callable[[int], None] = lambda n: None
) -> Located:
    """Name the place of each of these photos (with GPS), a thousand at a time; a photo far
    from any town loses the place it had."""
    located = Located()
    for batch in photos_in_batches(photos, BATCH):
        _locate_batch(batch, located)
        advance(len(batch))
    return located


def _locate_batch(photos: list[Photo], located: Located) -> None:
    places = places_for([(photo.gps_lat, photo.gps_lon) for photo in photos])
    for photo, place in zip(photos, places, strict=True):
        photo.place = place
        photo.place_text = search.place_terms(place.name if place else None)
        located.placed += place is not None
    with transaction.atomic():
        Photo.objects.bulk_update(photos, ["place", "place_text"])
    located.looked_up += len(photos)
