"""Timelines: the library's, an album's, a search's, a place's, the trash; each paged by
`keyset_page`, and counted by month for the scrubber."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db.models import Count, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from ..models import Album, AlbumPhoto, Kind, MonthCount, Photo, Place, User
from ..search import Search
from .keyset import Fetch, Page, Rows, has_newer, in_order, keyset_page, usable_time
from .map import Box, in_box
from .search import photo_condition, searching


@dataclass(frozen=True)
class Shelf:
    """Favorites or the archive: `favorite` and `archived` narrow to photos that are (True)
    or are not (False) so. Left as None, `archived` shows the library's timeline without its
    archive, and all of it where a search, a place, an album or favorites look."""

    favorite: bool | None = None
    archived: bool | None = None

    def narrow(self, rows: QuerySet[Any], *, whole: bool, prefix: str = "") -> QuerySet[Any]:
        archived = self.archived
        if archived is None and not (whole or self.favorite):
            archived = False
        if self.favorite is not None:
            rows = rows.filter(**{f"{prefix}favorite": self.favorite})
        if archived is not None:
            rows = rows.filter(**{f"{prefix}archived": archived})
        return rows


EVERYTHING = Shelf()


def _rows(
    user: User,
    album: Album | None,
    kind: Kind | None = None,
    search: Search | None = None,
    place: Place | None = None,
    shelf: Shelf = EVERYTHING,
    *,
    searched: bool = False,
    box: Box | None = None,
) -> tuple[Rows, str]:
    """The rows of the user's timeline, or of the album; only photos or videos if `kind`,
    only those the search finds if `search`, only those taken at `place` if it is given,
    favorites or the archive by `shelf`; `searched` if a search will narrow them after.
    With the name of the photo's id on those rows."""
    if album is None:
        # A Live Photo's motion is part of its still's item, never one of its own.
        library = Photo.objects.visible().filter(owner=user, part_of__isnull=True)
        photos = shelf.narrow(library, whole=bool(searched or search or place or box))
        if kind:
            photos = photos.filter(kind=kind)
        if place is not None:
            photos = photos.filter(place=place)
        if box is not None:
            photos = photos.filter(in_box(box))
        if search:
            photos = photos.filter(photo_condition(search))
        return photos.select_related("place"), "id"
    entries = shelf.narrow(
        AlbumPhoto.objects.filter(album=album, photo_in_trash=False), whole=True, prefix="photo__"
    )
    if kind:
        entries = entries.filter(photo__kind=kind)
    if search:
        entries = entries.filter(photo_condition(search, through="photo__"))
    # Of the entry, only what leads to its photo: a page builds a hundred of them.
    unused = ["album", "added_at", "added_by", "added_by_guest", "added_through"]
    unused.append("photo__search_vector")
    return entries.select_related("photo", "photo__place").defer(*unused), "photo_id"


def _timeline(
    user: User,
    album: Album | None,
    kind: Kind | None,
    search: Search | None,
    place: Place | None,
    shelf: Shelf,
    box: Box | None = None,
) -> tuple[Rows, str, Fetch]:
    """The rows of a timeline, the name of their photo id, and how a page of them is read:
    a search of the whole timeline in two steps (`search.searching`); an album's or a
    place's rows are few enough to check each as they are read."""
    if search and album is None and place is None:
        rows, id_field = _rows(user, None, kind, shelf=shelf, searched=True)
        return rows, id_field, searching(search)
    rows, id_field = _rows(user, album, kind, search, place, shelf, box=box)
    return rows, id_field, in_order


def timeline_page(
    *,
    user: User,
    limit: int = 100,
    cursor: str | None = None,
    taken_after: datetime | None = None,
    taken_before: datetime | None = None,
    album: Album | None = None,
    kind: Kind | None = None,
    search: Search | None = None,
    place: Place | None = None,
    shelf: Shelf = EVERYTHING,
    box: Box | None = None,
) -> Page:
    """Return one page of the user's timeline (trash excluded), newest taken first.

    With `album` (one the user may see: album_get_for_user), that album's photos;
    with `kind`, only photos or only videos; with `search`, those it finds; with `place`,
    those taken there; with `shelf`, favorites or the archive (without, the library's
    timeline leaves the archive out).
    """
    rows, id_field, fetch = _timeline(user, album, kind, search, place, shelf, box)
    if taken_after is not None:
        rows = rows.filter(taken_at__gte=usable_time(taken_after))
    if taken_before is not None:
        rows = rows.filter(taken_at__lt=usable_time(taken_before))
    return keyset_page(rows, id_field, limit=limit, cursor=cursor, fetch=fetch)


def album_page(
    *, album: Album, limit: int = 100, cursor: str | None = None, search: Search | None = None
) -> Page:
    """One page of an album's photos (trash excluded), newest taken first."""
    return timeline_page(user=album.owner, album=album, limit=limit, cursor=cursor, search=search)


def timeline_newer_page(
    *,
    user: User,
    limit: int,
    cursor: str,
    album: Album | None = None,
    kind: Kind | None = None,
    search: Search | None = None,
    place: Place | None = None,
    shelf: Shelf = EVERYTHING,
    box: Box | None = None,
) -> Page:
    """The `limit` photos just newer than the cursor, newest first (scrolling up after a jump).

    `newer_cursor` leads to the photos newer still, or is None at the top.
    """
    rows, id_field, fetch = _timeline(user, album, kind, search, place, shelf, box)
    return keyset_page(rows, id_field, limit=limit, cursor=cursor, newer=True, fetch=fetch)


def timeline_has_newer(
    *,
    user: User,
    photo: Photo,
    album: Album | None = None,
    kind: Kind | None = None,
    search: Search | None = None,
    place: Place | None = None,
    shelf: Shelf = EVERYTHING,
    box: Box | None = None,
) -> bool:
    """Whether the timeline (or album) holds photos newer than this one (a jump landed
    below the top)."""
    rows, id_field, fetch = _timeline(user, album, kind, search, place, shelf, box)
    return has_newer(rows, photo, id_field, fetch)


def trash_page(*, user: User, limit: int = 100, cursor: str | None = None) -> Page:
    """Return one page of the user's trash."""
    trashed = Photo.objects.trashed().filter(owner=user, part_of__isnull=True)
    return keyset_page(trashed, limit=limit, cursor=cursor)


def month_start(month: date) -> datetime:
    """The first instant of a month in the library's time zone."""
    return datetime(month.year, month.month, 1, tzinfo=timezone.get_current_timezone())


def month_after(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


def timeline_count(*, user: User) -> int:
    """How many photos the user's timeline holds, from the kept month counts."""
    total = MonthCount.objects.filter(owner=user).aggregate(total=Sum("count"))["total"]
    return int(total or 0)


@dataclass(frozen=True)
class MonthBucket:
    month: date  # its first day
    count: int


def timeline_buckets(
    *,
    user: User,
    album: Album | None = None,
    kind: Kind | None = None,
    search: Search | None = None,
    place: Place | None = None,
    shelf: Shelf = EVERYTHING,
    box: Box | None = None,
) -> list[MonthBucket]:
    """How many photos each month of the timeline (or of the album) holds, newest first.

    The whole timeline's come from the kept counts; an album's, only photos' or videos'
    (by an index of their own for videos), a search's, a place's, favorites' or the
    archive's are counted from the rows.
    """
    narrowed = album is not None or kind is not None or search or place is not None
    if narrowed or box is not None or shelf != EVERYTHING:
        return _buckets_of(_rows(user, album, kind, search, place, shelf, box=box)[0])
    counts = (
        MonthCount.objects.filter(owner=user, count__gt=0)
        .order_by("-month")
        .values_list("month", "count")
    )
    return [MonthBucket(month, count) for month, count in counts]


def _buckets_of(rows: Rows) -> list[MonthBucket]:
    counted = (
        rows.order_by()
        .annotate(month=TruncMonth("taken_at", tzinfo=timezone.get_current_timezone()))
        .values("month")
        .annotate(count=Count("pk"))
        .order_by("-month")
        .values_list("month", "count")
    )
    return [MonthBucket(_as_date(month), count) for month, count in counted]


def _as_date(month: datetime | date) -> date:
    return month.date() if isinstance(month, datetime) else month
