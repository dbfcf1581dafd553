"""What of the service's facts a photo takes: only what the file did not say, or what
someone changed there, and never over what was set by hand in MyPhoto."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from .plan import Meta

# Clocks of cameras and of the service disagree by a time zone: whole quarter hours
# up to 14 hours. A difference of that shape is the zone, not an edit.
ZONE_STEP = timedelta(minutes=15)
WIDEST_ZONE = timedelta(hours=14)
# Closer than this (about 50 m) is the same place.
SAME_PLACE_DEGREES = 0.0005


def changes(photo: dict[str, Any], meta: Meta, *, behind: bool = False) -> dict[str, Any]:
    """The body of `PATCH /photos/{id}` that brings `meta` to `photo` (empty: nothing)."""
    body: dict[str, Any] = {}
    if meta.taken_at is not None and _date_wanted(photo, meta.taken_at, meta.precision):
        body["taken_at"] = meta.taken_at.isoformat()
        body["taken_at_source"] = "sidecar"
    if meta.location is not None and _place_wanted(photo, meta.location, meta.file_location):
        body["location"] = {"lat": meta.location[0], "lon": meta.location[1]}
    if meta.description and not photo.get("description"):
        body["description"] = meta.description
    if meta.favorite and not photo.get("favorite"):
        body["favorite"] = True
    if (meta.archived or behind) and not photo.get("archived"):
        body["archived"] = True
    return body


def _date_wanted(photo: dict[str, Any], taken_at: datetime, precision: timedelta) -> bool:
    source = photo.get("taken_at_source")
    if source in ("edited", "sidecar"):
        return False  # set by hand, or by an import before
    if source not in ("exif", "video"):
        return True  # the file says nothing: the upload's time
    difference = abs(taken_at - datetime.fromisoformat(photo["taken_at"]))
    if difference <= precision:
        return False
    off_step = difference % ZONE_STEP
    zone = difference <= WIDEST_ZONE and min(off_step, ZONE_STEP - off_step) <= precision
    return not zone  # moved there by someone


def _place_wanted(
    photo: dict[str, Any], location: tuple[float, float], file_location: tuple[float, float] | None
) -> bool:
    gps = photo.get("gps")
    if not gps:
        return True
    if _near((gps["lat"], gps["lon"]), location):
        return False
    # The file has a place and the service another: moved there by someone, unless
    # the service's own reading of the file says the same as the file.
    return file_location is not None and not _near(location, file_location)


def _near(a: tuple[float, float], b: tuple[float, float]) -> bool:
    return abs(a[0] - b[0]) <= SAME_PLACE_DEGREES and abs(a[1] - b[1]) <= SAME_PLACE_DEGREES
