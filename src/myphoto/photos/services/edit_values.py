"""What an edit of photos is, and what makes one impossible (checked before anything is
written)."""

from __future__ import annotations

import math
from dataclasses import dataclass, fields
from datetime import UTC, datetime, timedelta

from django.utils import timezone
from django.utils.translation import gettext

# The first photograph is from 1826 or 1827; a date before it is a mistake.
EARLIEST = datetime(1826, 1, 1, tzinfo=UTC)
# A clock a day ahead in a time zone far east is still "today" somewhere.
LATEST_AHEAD = timedelta(days=2)
MAX_DESCRIPTION = 5000
# Offsets the world uses: -12:00 to +14:00.
MAX_OFFSET_MINUTES = 14 * 60


class InvalidEdit(ValueError):
    """The edit cannot be made (a date before photography, a latitude past a pole...)."""


@dataclass(frozen=True)
class Location:
    lat: float
    lon: float


@dataclass(frozen=True)
class Edit:
    """What to change; None leaves a field as it is. `location` is set (a point) or cleared
    (`clear_location`); `shift` moves each date (a camera clock that was wrong), `rotate`
    turns the photo further (degrees clockwise)."""

    favorite: bool | None = None
    archived: bool | None = None
    description: str | None = None
    taken_at: datetime | None = None
    shift: timedelta | None = None
    location: Location | None = None
    clear_location: bool = False
    rotate: int | None = None
    # Who says the new date: a person ("edited"), or an import ("sidecar": the service
    # the photo came from knew the instant, not the zone, so the offset shown stays).
    date_source: str | None = None

    @property
    def dates(self) -> bool:
        return self.taken_at is not None or self.shift is not None

    @property
    def places(self) -> bool:
        return self.location is not None or self.clear_location

    def __bool__(self) -> bool:
        changes = [f.name for f in fields(self) if getattr(self, f.name) is not None]
        return bool(set(changes) - {"clear_location", "date_source"}) or self.clear_location


def validated(edit: Edit, *, many: bool) -> Edit:
    """The edit, or InvalidEdit saying what is wrong with it."""
    if not edit:
        raise InvalidEdit(gettext("Say what to change."))
    if edit.date_source is not None and not edit.dates:
        raise InvalidEdit(gettext("taken_at_source goes with a new date."))
    if edit.taken_at is not None and edit.shift is not None:
        raise InvalidEdit(gettext("Set the date or shift it, not both."))
    if edit.location is not None and edit.clear_location:
        raise InvalidEdit(gettext("Set the place or clear it, not both."))
    if edit.taken_at is not None:
        if edit.taken_at.tzinfo is None:
            raise InvalidEdit(
                gettext("The date needs its offset from UTC, as in 2023-10-01T14:30:00+09:00.")
            )
        offset = edit.taken_at.utcoffset() or timedelta()
        if abs(offset) > timedelta(minutes=MAX_OFFSET_MINUTES) or offset.total_seconds() % 60:
            raise InvalidEdit(
                gettext("The date's offset from UTC must be between -12:00 and +14:00.")
            )
        check_date(edit.taken_at)
    if edit.shift is not None and abs(edit.shift) > timedelta(days=365 * 300):
        raise InvalidEdit(gettext("A shift of more than 300 years is not a wrong clock."))
    if edit.location is not None:
        lat, lon = edit.location.lat, edit.location.lon
        if not (math.isfinite(lat) and -90 <= lat <= 90):
            raise InvalidEdit(gettext("The latitude must be between -90 and 90."))
        if not (math.isfinite(lon) and -180 <= lon <= 180):
            raise InvalidEdit(gettext("The longitude must be between -180 and 180."))
    if edit.description is not None:
        if len(edit.description) > MAX_DESCRIPTION:
            raise InvalidEdit(
                gettext("A description holds at most %(count)s characters.")
                % {"count": f"{MAX_DESCRIPTION:,}"}
            )
        if "\x00" in edit.description:
            raise InvalidEdit(gettext("A description cannot hold a NUL character."))
    if edit.rotate is not None:
        if many:
            raise InvalidEdit(gettext("Photos are turned one at a time."))
        if edit.rotate % 90 or abs(edit.rotate) > 270:
            raise InvalidEdit(gettext("Turn a photo by 90, -90 or 180 degrees."))
    return edit


def check_date(moment: datetime) -> None:
    if moment < EARLIEST:
        raise InvalidEdit(gettext("The date is before the first photograph (1826)."))
    if moment > timezone.now() + LATEST_AHEAD:
        raise InvalidEdit(gettext("The date is in the future."))
