"""The one way timelines are paged, whatever they show (a library, an album, a search, a
place, the trash): by (taken_at, id), from a cursor, never by OFFSET, both ways."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol
from uuid import UUID

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext

from ..models import AlbumPhoto, Photo
from .live import companion_prefetch

# The rows a timeline pages through: photos, or an album's entries (each with its photo's
# capture time, paged by the album's own index). `id_field` names the photo's id on a row.
Rows = QuerySet[Photo] | QuerySet[AlbumPhoto]
# A cursor we make is about 90 characters: anything much longer was not made by us
# (and a long one could nest JSON deep enough to exhaust the parser).
_MAX_CURSOR = 200


class InvalidCursor(ValueError):
    """The pagination cursor was not made by us or was mangled."""


class InvalidPeriod(ValueError):
    """A time that bounds a query cannot be used (say, year 1 at +14:00 is before UTC's year 1)."""


@dataclass(frozen=True)
class Page:
    items: list[Photo]
    next_cursor: str | None  # the older photos after these
    newer_cursor: str | None = None  # the newer photos before these, when asked for


class Fetch(Protocol):
    """How a page's photos are read from rows already bounded by the cursor."""

    def __call__(
        self, rows: Rows, id_field: str, wanted: int, *, newest_first: bool
    ) -> list[Photo]: ...


def in_order(rows: Rows, id_field: str, wanted: int, *, newest_first: bool) -> list[Photo]:
    """The first `wanted` photos of the rows in timeline order (newest first, or oldest first
    going up from a cursor), each with its Live Photo's motion."""
    order = ("-taken_at", f"-{id_field}") if newest_first else ("taken_at", id_field)
    found = rows.order_by(*order).prefetch_related(companion_prefetch(id_field))[:wanted]
    return photos_of(found)


def keyset_page(
    rows: Rows,
    id_field: str = "id",
    *,
    limit: int,
    cursor: str | None = None,
    newer: bool = False,
    fetch: Fetch = in_order,
) -> Page:
    """One page of the rows, newest taken first: the `limit` older than the cursor, or with
    `newer` the `limit` just newer than it (scrolling up after a jump), whose
    `newer_cursor` leads further up (None at the top)."""
    if cursor:
        rows = newer_than(rows, cursor, id_field) if newer else older_than(rows, cursor, id_field)
    found = fetch(rows, id_field, limit + 1, newest_first=not newer)
    items, more = found[:limit], len(found) > limit
    if newer:
        items.reverse()
        return Page(items, None, encode_cursor(items[0]) if more else None)
    return Page(items, encode_cursor(items[-1]) if more else None)


def has_newer(rows: Rows, photo: Photo, id_field: str = "id", fetch: Fetch = in_order) -> bool:
    """Whether the rows hold photos newer than this one (a jump landed below the top): an
    EXISTS, whose rows need no order, unless they are read a way of their own (a search's)."""
    newer = newer_than(rows, encode_cursor(photo), id_field)
    if fetch is in_order:
        # Asked for the first newer row in order, PostgreSQL may sort every newer photo.
        return newer.exists()
    return bool(fetch(newer, id_field, 1, newest_first=False))


def older_than(rows: Rows, cursor: str, id_field: str) -> Rows:
    taken_at, photo_id = decode_cursor(cursor)
    # `taken_at <= t` is the range bound the index seeks to; without it,
    # `taken_at < t OR (taken_at = t AND id < i)` scans from the newest photo.
    return rows.filter(taken_at__lte=taken_at).filter(
        Q(taken_at__lt=taken_at) | Q(**{f"{id_field}__lt": photo_id})
    )


def newer_than(rows: Rows, cursor: str, id_field: str) -> Rows:
    taken_at, photo_id = decode_cursor(cursor)
    # Bounded like the older side: the index seeks to `taken_at >= t`.
    return rows.filter(taken_at__gte=taken_at).filter(
        Q(taken_at__gt=taken_at) | Q(**{f"{id_field}__gt": photo_id})
    )


def photos_of(rows: Iterable[Photo | AlbumPhoto]) -> list[Photo]:
    return [row.photo if isinstance(row, AlbumPhoto) else row for row in rows]


def encode_cursor(photo: Photo) -> str:
    raw = json.dumps([photo.taken_at.isoformat(), str(photo.pk)]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, UUID]:
    """The (taken_at, id) a cursor stands for; InvalidCursor for anything we did not make."""
    invalid = InvalidCursor(gettext("The cursor is not valid; start again without one."))
    if len(cursor) > _MAX_CURSOR:
        raise invalid
    try:
        value = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, ValueError, RecursionError) as err:
        raise invalid from err
    if not (isinstance(value, list) and len(value) == 2 and all(isinstance(v, str) for v in value)):
        raise invalid
    try:
        return usable_time(datetime.fromisoformat(value[0])), UUID(value[1])
    except (ValueError, InvalidPeriod) as err:
        raise invalid from err


def usable_time(moment: datetime) -> datetime:
    """The moment in UTC (read in the library's zone if it had no offset).

    In UTC because PostgreSQL refuses offsets past ±15:59, which Python (and
    so the API) accepts up to ±23:59. Raises InvalidPeriod at the calendar's
    edges, where UTC would leave years 1 to 9999.
    """
    try:
        aware = timezone.make_aware(moment) if timezone.is_naive(moment) else moment
        return aware.astimezone(UTC)
    except (OverflowError, ValueError) as err:
        raise InvalidPeriod(f"{moment.isoformat()} is out of the calendar's range.") from err
