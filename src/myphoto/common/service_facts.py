"""What a photo takes of what the service it is imported from knew (Google Photos, iCloud):
only what its file did not say, or what someone changed there, and never over what was
set by hand in MyPhoto. One rule for the server (a new photo, as it is stored) and the
client (a photo the library had already)."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime, timedelta

# Clocks of cameras and of the service disagree by a time zone: whole quarter hours
# up to 14 hours. A difference of that shape is the zone, not an edit.
ZONE_STEP = timedelta(minutes=15)
WIDEST_ZONE = timedelta(hours=14)
# Closer than this (about 50 m) is the same place.
SAME_PLACE_DEGREES = 0.0005
Point = tuple[float, float]


@dataclass(frozen=True)
class Known:
    """What the photo has now."""

    taken_at: datetime
    taken_at_source: str
    gps: Point | None
    description: str = ""
    favorite: bool = False
    archived: bool = False


@dataclass(frozen=True)
class ServiceFacts:
    """What the service knew: an instant (UTC) to within `precision`; where it put the
    photo, and where it read the file's own GPS (the two differ when someone moved it)."""

    taken_at: datetime | None = None
    precision: timedelta = timedelta(seconds=1)
    location: Point | None = None
    file_location: Point | None = None
    description: str = ""
    favorite: bool = False
    archived: bool = False


@dataclass(frozen=True)
class Changes:
    taken_at: datetime | None = None
    location: Point | None = None
    description: str | None = None
    favorite: bool = False
    archived: bool = False

    def __bool__(self) -> bool:
        return any(getattr(self, f.name) not in (None, False) for f in fields(self))


def changes(known: Known, service: ServiceFacts) -> Changes:
    """What of `service` the photo should take."""
    return Changes(
        taken_at=service.taken_at
        if service.taken_at is not None and _date_wanted(known, service.taken_at, service.precision)
        else None,
        location=service.location
        if service.location is not None and _place_wanted(known, service)
        else None,
        description=service.description if service.description and not known.description else None,
        favorite=service.favorite and not known.favorite,
        archived=service.archived and not known.archived,
    )


def _date_wanted(known: Known, taken_at: datetime, precision: timedelta) -> bool:
    if known.taken_at_source in ("edited", "sidecar"):
        return False  # set by hand, or by an import before
    if known.taken_at_source not in ("exif", "video"):
        return True  # the file says nothing: the upload's time
    difference = abs(taken_at - known.taken_at)
    if difference <= precision:
        return False
    off_step = difference % ZONE_STEP
    zone = difference <= WIDEST_ZONE and min(off_step, ZONE_STEP - off_step) <= precision
    return not zone  # moved there by someone


def _place_wanted(known: Known, service: ServiceFacts) -> bool:
    location = service.location
    if known.gps is None or location is None:
        return known.gps is None
    if _near(known.gps, location):
        return False
    # The file has a place and the service another: moved there by someone, unless the
    # service's own reading of the file says the same as the file.
    return service.file_location is not None and not _near(location, service.file_location)


def _near(a: Point, b: Point) -> bool:
    return abs(a[0] - b[0]) <= SAME_PLACE_DEGREES and abs(a[1] - b[1]) <= SAME_PLACE_DEGREES
