"""The read paths. Every fetch of a user's photo goes through here, and 404s for others."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from itertools import islice
from uuid import UUID

from django.db.models import Count, Max, Min, OuterRef, Q, QuerySet, Subquery, Sum, UUIDField
from django.db.models.functions import TruncMonth
from django.http import Http404
from django.utils import timezone

from .models import Album, AlbumPhoto, ApiToken, MonthCount, Photo, User


class InvalidCursor(ValueError):
    """The pagination cursor was not made by us or was mangled."""


class InvalidPeriod(ValueError):
    """A time that bounds a query cannot be used (say, year 1 at +14:00 is before UTC's year 1)."""


@dataclass(frozen=True)
class Page:
    items: list[Photo]
    next_cursor: str | None  # the older photos after these
    newer_cursor: str | None = None  # the newer photos before these, when asked for


def photo_get_for_user(*, user: User, photo_id: UUID | str, in_trash: bool = False) -> Photo:
    """Return the user's photo, or raise Http404 (also for another user's photo)."""
    photos = Photo.objects.trashed() if in_trash else Photo.objects.visible()
    try:
        return photos.get(owner=user, pk=photo_id)
    except (Photo.DoesNotExist, ValueError, TypeError):
        raise Http404("No such photo.") from None


# Ids per query: SQLite takes at most 32,766 parameters in one statement.
ID_BATCH = 5000


def in_batches(ids: Iterable[UUID]) -> Iterator[list[UUID]]:
    """The distinct ids, a query's worth at a time."""
    remaining = iter(dict.fromkeys(ids))
    while batch := list(islice(remaining, ID_BATCH)):
        yield batch


def photos_get_for_user(*, user: User, photo_ids: Iterable[UUID | str]) -> list[Photo]:
    """Return all the user's (visible) photos in the order asked, or raise Http404 if any is not."""
    try:
        wanted = list(dict.fromkeys(UUID(str(photo_id)) for photo_id in photo_ids))
    except ValueError:
        raise Http404("No such photo.") from None
    found = {
        photo.pk: photo
        for batch in in_batches(wanted)
        for photo in Photo.objects.visible().filter(owner=user, pk__in=batch)
    }
    if len(found) != len(wanted):
        raise Http404("One or more of the photos do not exist.")
    return [found[photo_id] for photo_id in wanted]


def encode_cursor(photo: Photo) -> str:
    raw = json.dumps([photo.taken_at.isoformat(), str(photo.pk)]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


# A cursor we make is about 90 characters: anything much longer was not made by us
# (and a long one could nest JSON deep enough to exhaust the parser).
_MAX_CURSOR = 200


def decode_cursor(cursor: str) -> tuple[datetime, UUID]:
    """The (taken_at, id) a cursor stands for; InvalidCursor for anything we did not make."""
    invalid = InvalidCursor("The cursor is not valid; start again without one.")
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


def _keyset_page(photos: QuerySet[Photo], *, limit: int, cursor: str | None) -> Page:
    """Page newest first by (taken_at, id), never by OFFSET."""
    if cursor:
        taken_at, photo_id = decode_cursor(cursor)
        # `taken_at <= t` is the range bound the index seeks to; without it,
        # `taken_at < t OR (taken_at = t AND id < i)` scans from the newest photo.
        photos = photos.filter(taken_at__lte=taken_at).filter(
            Q(taken_at__lt=taken_at) | Q(id__lt=photo_id)
        )
    items = list(photos.order_by("-taken_at", "-id")[: limit + 1])
    has_more = len(items) > limit
    items = items[:limit]
    return Page(items, encode_cursor(items[-1]) if has_more else None)


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


def timeline_page(
    *,
    user: User,
    limit: int = 100,
    cursor: str | None = None,
    taken_after: datetime | None = None,
    taken_before: datetime | None = None,
    album: Album | None = None,
) -> Page:
    """Return one page of the user's timeline (trash excluded), newest taken first.

    With `album` (one the user may see: album_get_for_user), that album's photos.
    """
    if album is not None:
        return _album_page(album, limit, cursor, taken_after, taken_before)
    photos = Photo.objects.visible().filter(owner=user)
    if taken_after is not None:
        photos = photos.filter(taken_at__gte=usable_time(taken_after))
    if taken_before is not None:
        photos = photos.filter(taken_at__lt=usable_time(taken_before))
    return _keyset_page(photos, limit=limit, cursor=cursor)


def _album_page(
    album: Album,
    limit: int,
    cursor: str | None,
    taken_after: datetime | None,
    taken_before: datetime | None,
) -> Page:
    """An album's photos as the timeline pages them, by the album's own index."""
    entries = AlbumPhoto.objects.filter(album=album, photo_in_trash=False)
    if taken_after is not None:
        entries = entries.filter(taken_at__gte=usable_time(taken_after))
    if taken_before is not None:
        entries = entries.filter(taken_at__lt=usable_time(taken_before))
    if cursor:
        taken_at, photo_id = decode_cursor(cursor)
        entries = entries.filter(taken_at__lte=taken_at).filter(
            Q(taken_at__lt=taken_at) | Q(photo_id__lt=photo_id)
        )
    found = list(entries.select_related("photo").order_by("-taken_at", "-photo")[: limit + 1])
    items = [entry.photo for entry in found[:limit]]
    return Page(items, encode_cursor(items[-1]) if len(found) > limit else None)


def _newer_than(photos: QuerySet[Photo], cursor: str) -> QuerySet[Photo]:
    taken_at, photo_id = decode_cursor(cursor)
    # Bounded like the older side: the index seeks to `taken_at >= t`.
    return photos.filter(taken_at__gte=taken_at).filter(
        Q(taken_at__gt=taken_at) | Q(id__gt=photo_id)
    )


def timeline_newer_page(*, user: User, limit: int, cursor: str) -> Page:
    """The `limit` photos just newer than the cursor, newest first (scrolling up after a jump).

    `newer_cursor` leads to the photos newer still, or is None at the top.
    """
    photos = _newer_than(Photo.objects.visible().filter(owner=user), cursor)
    items = list(photos.order_by("taken_at", "id")[: limit + 1])
    has_more = len(items) > limit
    items = items[:limit][::-1]
    return Page(items, None, encode_cursor(items[0]) if has_more else None)


def timeline_has_newer(*, user: User, photo: Photo) -> bool:
    """Whether the timeline holds photos newer than this one (a jump landed below the top)."""
    photos = Photo.objects.visible().filter(owner=user)
    return _newer_than(photos, encode_cursor(photo)).exists()


def month_start(month: date) -> datetime:
    """The first instant of a month in the library's time zone."""
    return datetime(month.year, month.month, 1, tzinfo=timezone.get_current_timezone())


def month_after(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


def trash_page(*, user: User, limit: int = 100, cursor: str | None = None) -> Page:
    """Return one page of the user's trash."""
    return _keyset_page(Photo.objects.trashed().filter(owner=user), limit=limit, cursor=cursor)


def timeline_count(*, user: User) -> int:
    """How many photos the user's timeline holds, from the kept month counts."""
    total = MonthCount.objects.filter(owner=user).aggregate(total=Sum("count"))["total"]
    return int(total or 0)


@dataclass(frozen=True)
class MonthBucket:
    month: date  # its first day
    count: int


def timeline_buckets(*, user: User, album: Album | None = None) -> list[MonthBucket]:
    """How many photos each month of the timeline (or of the album) holds, newest first."""
    if album is not None:
        return album_buckets(album)
    rows = (
        MonthCount.objects.filter(owner=user, count__gt=0)
        .order_by("-month")
        .values_list("month", "count")
    )
    return [MonthBucket(month, count) for month, count in rows]


def album_buckets(album: Album) -> list[MonthBucket]:
    """An album's months, counted from its rows (in the library's time zone)."""
    rows = (
        AlbumPhoto.objects.filter(album=album, photo_in_trash=False)
        .annotate(month=TruncMonth("taken_at", tzinfo=timezone.get_current_timezone()))
        .values("month")
        .annotate(count=Count("id"))
        .order_by("-month")
        .values_list("month", "count")
    )
    return [MonthBucket(_as_date(month), count) for month, count in rows]


def _as_date(month: datetime | date) -> date:
    return month.date() if isinstance(month, datetime) else month


def photo_get_by_hash(*, user: User, sha256: str) -> Photo:
    """Return the user's visible photo with this content, or raise Http404."""
    try:
        return Photo.objects.visible().get(owner=user, sha256=sha256.lower())
    except Photo.DoesNotExist:
        raise Http404("No photo with this content.") from None


def photos_missing_derivatives() -> QuerySet[Photo]:
    """Photos (trash included) that still need derivatives and have not failed for good."""
    missing = Photo.objects.filter(derivatives_ready=False, derivatives_error="")
    return missing.order_by("uploaded_at")


def tokens_get_for_user(*, user: User) -> QuerySet[ApiToken]:
    """The user's API tokens, newest first."""
    return ApiToken.objects.filter(user=user).order_by("-created_at")


@dataclass(frozen=True)
class AlbumView:
    """An album as its list and page show it: counted over the photos not in the trash."""

    album: Album
    photo_count: int
    taken_from: datetime | None
    taken_until: datetime | None
    cover_photo: UUID | None


def album_get_for_user(*, user: User, album_id: UUID | str) -> Album:
    """Return the user's album, or raise Http404 (also for another user's album)."""
    try:
        return Album.objects.get(owner=user, pk=album_id)
    except (Album.DoesNotExist, ValueError, TypeError):
        raise Http404("No such album.") from None


def albums_view(albums: QuerySet[Album]) -> list[AlbumView]:
    """Counts, dates and covers of these albums, in two queries whatever their number."""
    shown = Q(entries__photo_in_trash=False)
    first = (
        AlbumPhoto.objects.filter(album=OuterRef("pk"), photo_in_trash=False)
        .order_by("added_at", "id")
        .values("photo")[:1]
    )
    facts = {
        pk: (count, start, end, first_photo)
        for pk, count, start, end, first_photo in albums.annotate(
            photo_count=Count("entries", filter=shown),
            taken_from=Min("entries__taken_at", filter=shown),
            taken_until=Max("entries__taken_at", filter=shown),
            first_photo=Subquery(first, output_field=UUIDField()),
        ).values_list("pk", "photo_count", "taken_from", "taken_until", "first_photo")
    }
    views = []
    for album in albums.select_related("cover", "owner"):
        count, start, end, first_photo = facts[album.pk]
        chosen = album.cover if album.cover is not None and not album.cover.in_trash else None
        views.append(AlbumView(album, count, start, end, chosen.pk if chosen else first_photo))
    return views


def albums_for_user(*, user: User) -> list[AlbumView]:
    """The user's albums, newest first."""
    return albums_view(Album.objects.filter(owner=user).order_by("-created_at", "-id"))


def album_view(album: Album) -> AlbumView:
    return albums_view(Album.objects.filter(pk=album.pk))[0]
