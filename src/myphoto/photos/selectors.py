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

from django.core.exceptions import ValidationError
from django.db.models import (
    Count,
    Max,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    UUIDField,
)
from django.db.models.functions import Coalesce, TruncMonth
from django.http import Http404
from django.utils import timezone

from .models import (
    Album,
    AlbumMember,
    AlbumPhoto,
    AlbumRole,
    ApiToken,
    Kind,
    MonthCount,
    MultipartUpload,
    Photo,
    Place,
    ShareLink,
    User,
    camera_name,
)
from .search import Search, photo_condition


class InvalidCursor(ValueError):
    """The pagination cursor was not made by us or was mangled."""


class NotAllowed(PermissionError):
    """The person may see the thing but not do this to it (an album's viewer renaming it)."""


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


def photos_in_batches(photos: QuerySet[Photo], size: int) -> Iterator[list[Photo]]:
    """These photos, `size` at a time in the order of their ids, each batch read when the
    one before is done with (no cursor stays open over rows its caller changes)."""
    ordered, last = photos.order_by("pk"), None
    while batch := list((ordered.filter(pk__gt=last) if last else ordered)[:size]):
        yield batch
        last = batch[-1].pk


def photo_get_for_viewer(*, user: User, photo_id: UUID | str) -> Photo:
    """Return a photo the user may look at: their own, or one in an album they own or are a
    member of (not in the trash); Http404 for any other."""
    shared = AlbumPhoto.objects.filter(
        album__in=albums_visible_to(user), photo_in_trash=False
    ).values("photo")
    try:
        return Photo.objects.visible().filter(Q(owner=user) | Q(pk__in=shared)).get(pk=photo_id)
    except (Photo.DoesNotExist, ValueError, TypeError):
        raise Http404("No such photo.") from None


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


# The rows a timeline pages through: photos, or an album's entries (each with its photo's
# capture time, paged by the album's own index). `id` names the photo's id on the row.
Rows = QuerySet[Photo] | QuerySet[AlbumPhoto]


def _rows(
    user: User,
    album: Album | None,
    kind: Kind | None = None,
    search: Search | None = None,
    place: Place | None = None,
) -> tuple[Rows, str]:
    """The rows of the user's timeline, or of the album; only photos or videos if `kind`,
    only those the search finds if `search`, only those taken at `place` if it is given."""
    if album is None:
        # A Live Photo's motion is part of its still's item, never one of its own.
        photos = Photo.objects.visible().filter(owner=user, live_of__isnull=True)
        if kind:
            photos = photos.filter(kind=kind)
        if place is not None:
            photos = photos.filter(place=place)
        if search:
            photos = photos.filter(photo_condition(search))
        return photos.select_related("place"), "id"
    entries = AlbumPhoto.objects.filter(album=album, photo_in_trash=False)
    if kind:
        entries = entries.filter(photo__kind=kind)
    if search:
        entries = entries.filter(photo_condition(search, through="photo__"))
    # Of the entry, only what leads to its photo: a page builds a hundred of them.
    unused = ["album", "added_at", "added_by", "added_by_guest", "added_through"]
    unused.append("photo__search_vector")
    return entries.select_related("photo", "photo__place").defer(*unused), "photo_id"


def _live_motion(id_field: str) -> Prefetch[str, QuerySet[Photo], str]:
    """What to prefetch for a page's Live Photos: each still's motion, in one query (whose
    `IS NOT NULL` lets SQLite use the partial index of motions)."""
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


def _photos_of(rows: Iterable[Photo | AlbumPhoto]) -> list[Photo]:
    return [row.photo if isinstance(row, AlbumPhoto) else row for row in rows]


def _older_than(rows: Rows, cursor: str, id_field: str) -> Rows:
    taken_at, photo_id = decode_cursor(cursor)
    # `taken_at <= t` is the range bound the index seeks to; without it,
    # `taken_at < t OR (taken_at = t AND id < i)` scans from the newest photo.
    return rows.filter(taken_at__lte=taken_at).filter(
        Q(taken_at__lt=taken_at) | Q(**{f"{id_field}__lt": photo_id})
    )


def _newer_than(rows: Rows, cursor: str, id_field: str) -> Rows:
    taken_at, photo_id = decode_cursor(cursor)
    # Bounded like the older side: the index seeks to `taken_at >= t`.
    return rows.filter(taken_at__gte=taken_at).filter(
        Q(taken_at__gt=taken_at) | Q(**{f"{id_field}__gt": photo_id})
    )


def _keyset_page(rows: Rows, id_field: str, *, limit: int, cursor: str | None) -> Page:
    """Page newest first by (taken_at, id), never by OFFSET."""
    if cursor:
        rows = _older_than(rows, cursor, id_field)
    found = _photos_of(
        rows.order_by("-taken_at", f"-{id_field}").prefetch_related(_live_motion(id_field))[
            : limit + 1
        ]
    )
    items = found[:limit]
    return Page(items, encode_cursor(items[-1]) if len(found) > limit else None)


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
    kind: Kind | None = None,
    search: Search | None = None,
    place: Place | None = None,
) -> Page:
    """Return one page of the user's timeline (trash excluded), newest taken first.

    With `album` (one the user may see: album_get_for_user), that album's photos;
    with `kind`, only photos or only videos; with `search`, those it finds; with `place`,
    those taken there.
    """
    searched = _in_two_steps(search, album, place)
    rows, id_field = _rows(user, album, kind, None if searched else search, place)
    if taken_after is not None:
        rows = rows.filter(taken_at__gte=usable_time(taken_after))
    if taken_before is not None:
        rows = rows.filter(taken_at__lt=usable_time(taken_before))
    if searched is None:
        return _keyset_page(rows, id_field, limit=limit, cursor=cursor)
    if cursor:
        rows = _older_than(rows, cursor, "id")
    found = _search_rows(rows, searched, wanted=limit + 1)
    items = found[:limit]
    return Page(items, encode_cursor(items[-1]) if len(found) > limit else None)


# How many of the newest photos (from the cursor) a search reads one by one, in timeline
# order, before it asks the search index for the older matches.
SEARCH_WALK = 2000


def _in_two_steps(search: Search | None, album: Album | None, place: Place | None) -> Search | None:
    """The search, if a read searches the whole timeline (`_search_rows`); an album's or a
    place's rows are few enough to check each as they are read."""
    return search if search and album is None and place is None else None


def _search_rows(
    rows: Rows, search: Search, *, wanted: int, newest_first: bool = True
) -> list[Photo]:
    """The first `wanted` of these photo rows (the timeline, from its cursor) that the
    search finds, newest first (or oldest first, scrolling up), in two steps.

    Asked for the newest matches, the database's planner either walks the timeline index
    until enough rows match (fast where the words are common, but all the way down where
    they are rare) or has the search index collect every match and sorts them (fast for
    rare words; half a million rows for "iphone"), and it guesses which from how common the
    words are overall: wrong for the words of one time (a trip, a year). So first the walk,
    over the next SEARCH_WALK photos alone; if they hold too few, the search index for the
    photos beyond them, whose matches are then few (else the walk would have found them).
    """
    order = ("-taken_at", "-id") if newest_first else ("taken_at", "id")
    edge = rows.order_by(*order).values_list("taken_at", flat=True)[SEARCH_WALK:][:1].first()
    walked = rows.filter(photo_condition(search, indexed=False))
    if edge is not None:
        walked = walked.filter(**{"taken_at__gte" if newest_first else "taken_at__lte": edge})
    found = _photos_of(walked.order_by(*order).prefetch_related(_live_motion("id"))[:wanted])
    if len(found) < wanted and edge is not None:
        # Ordered by an expression, which the timeline index cannot give: the planner
        # then has the search index find the matches beyond, and sorts their ids alone
        # (whole rows, joined to their places, are three times slower to sort).
        beyond = rows.filter(
            photo_condition(search), **{"taken_at__lt" if newest_first else "taken_at__gt": edge}
        )
        unwalkable = Coalesce("taken_at", "taken_at")
        key = unwalkable.desc() if newest_first else unwalkable.asc()
        ids = list(
            beyond.order_by(key, order[1]).values_list("pk", flat=True)[: wanted - len(found)]
        )
        chosen = Photo.objects.select_related("place").filter(pk__in=ids)  # the user's, above
        by_id = chosen.prefetch_related(_live_motion("id")).in_bulk()
        found += [by_id[pk] for pk in ids if pk in by_id]
    return found


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
) -> Page:
    """The `limit` photos just newer than the cursor, newest first (scrolling up after a jump).

    `newer_cursor` leads to the photos newer still, or is None at the top.
    """
    if searched := _in_two_steps(search, album, place):
        newer_rows = _newer_than(_rows(user, None, kind)[0], cursor, "id")
        found = _search_rows(newer_rows, searched, wanted=limit + 1, newest_first=False)
        items = found[:limit][::-1]
        return Page(items, None, encode_cursor(items[0]) if len(found) > limit else None)
    rows, id_field = _rows(user, album, kind, search, place)
    newer = (
        _newer_than(rows, cursor, id_field)
        .order_by("taken_at", id_field)
        .prefetch_related(_live_motion(id_field))
    )
    found = _photos_of(newer[: limit + 1])
    items = found[:limit][::-1]
    return Page(items, None, encode_cursor(items[0]) if len(found) > limit else None)


def timeline_has_newer(
    *,
    user: User,
    photo: Photo,
    album: Album | None = None,
    kind: Kind | None = None,
    search: Search | None = None,
    place: Place | None = None,
) -> bool:
    """Whether the timeline (or album) holds photos newer than this one (a jump landed
    below the top)."""
    if searched := _in_two_steps(search, album, place):
        newer_rows = _newer_than(_rows(user, None, kind)[0], encode_cursor(photo), "id")
        return bool(_search_rows(newer_rows, searched, wanted=1, newest_first=False))
    rows, id_field = _rows(user, album, kind, search, place)
    return _newer_than(rows, encode_cursor(photo), id_field).exists()


def month_start(month: date) -> datetime:
    """The first instant of a month in the library's time zone."""
    return datetime(month.year, month.month, 1, tzinfo=timezone.get_current_timezone())


def month_after(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


def trash_page(*, user: User, limit: int = 100, cursor: str | None = None) -> Page:
    """Return one page of the user's trash."""
    trashed = Photo.objects.trashed().filter(owner=user, live_of__isnull=True)
    return _keyset_page(trashed, "id", limit=limit, cursor=cursor)


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
) -> list[MonthBucket]:
    """How many photos each month of the timeline (or of the album) holds, newest first.

    The whole timeline's come from the kept counts; an album's, only photos' or videos'
    (by an index of their own for videos), a search's or a place's are counted from the
    rows.
    """
    if album is not None or kind is not None or search or place is not None:
        return _buckets_of(_rows(user, album, kind, search, place)[0])
    counts = (
        MonthCount.objects.filter(owner=user, count__gt=0)
        .order_by("-month")
        .values_list("month", "count")
    )
    return [MonthBucket(month, count) for month, count in counts]


def album_buckets(album: Album) -> list[MonthBucket]:
    """An album's months, counted from its rows (in the library's time zone)."""
    return _buckets_of(_rows(album.owner, album)[0])


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


def photo_get_by_hash(*, user: User, sha256: str) -> Photo:
    """Return the user's visible photo with this content, or raise Http404."""
    try:
        return Photo.objects.visible().get(owner=user, sha256=sha256.lower())
    except Photo.DoesNotExist:
        raise Http404("No photo with this content.") from None


def multipart_upload_get_for_user(*, user: User, upload_id: UUID | str) -> MultipartUpload:
    """The user's unfinished multipart upload, or Http404 (another's, expired or done)."""
    try:
        return MultipartUpload.objects.get(pk=upload_id, owner=user, expires_at__gt=timezone.now())
    except (MultipartUpload.DoesNotExist, ValidationError):
        raise Http404("No such upload (finished, aborted or expired).") from None


def photo_completed_from_upload(*, user: User, upload_id: UUID | str) -> Photo:
    """The photo a finished multipart upload of the user's became (it takes the upload's
    id), so that completing again, after an answer lost on the way, answers the same;
    Http404 if there is none."""
    photo = Photo.objects.visible().filter(owner=user, pk=upload_id).first()
    if photo is None:
        raise Http404("No such upload (finished, aborted or expired).")
    return photo


def photos_missing_derivatives() -> QuerySet[Photo]:
    """Photos (trash included) that still need derivatives (or a video its playback copy)
    and have not failed for good."""
    missing = Photo.objects.filter(
        Q(derivatives_ready=False) | Q(kind=Kind.VIDEO, playback_key=""), derivatives_error=""
    )
    return missing.order_by("uploaded_at")


@dataclass(frozen=True)
class PlaceView:
    """A place as the Places page shows it to one person: how many of their photos were
    taken there (out of the trash), and the newest as its cover."""

    place: Place
    count: int
    cover: UUID


def places_for_user(*, user: User, country_code: str | None = None) -> list[PlaceView]:
    """The places of the user's photos (of one country, if given), most photos first.

    Counted from the photo_places index alone; a cover is one seek in it per place.
    """
    photos = Photo.objects.visible().filter(owner=user, live_of__isnull=True, place__isnull=False)
    if country_code is not None:
        photos = photos.filter(place__country_code=country_code)
    counts = dict(
        photos.order_by().values("place").annotate(n=Count("pk")).values_list("place", "n")
    )
    newest = photos.filter(place=OuterRef("pk")).order_by("-taken_at", "-id").values("pk")[:1]
    places = Place.objects.filter(pk__in=counts).annotate(
        cover=Subquery(newest, output_field=UUIDField())
    )
    views = [PlaceView(place, counts[place.pk], place.cover) for place in places]
    return sorted(views, key=lambda view: (-view.count, view.place.city))


@dataclass(frozen=True)
class CountryView:
    country_code: str
    country: str
    count: int
    cities: int
    cover: UUID


def countries_of(places: list[PlaceView]) -> list[CountryView]:
    """The countries of these places (`places_for_user`), most photos first, each with the
    cover of its place with the most photos."""
    by_country: dict[str, list[PlaceView]] = {}
    for view in places:
        by_country.setdefault(view.place.country_code, []).append(view)
    countries = [
        CountryView(
            code,
            views[0].place.country,
            sum(view.count for view in views),
            len(views),
            views[0].cover,
        )
        for code, views in by_country.items()
    ]
    return sorted(countries, key=lambda country: (-country.count, country.country))


def place_get_for_user(*, user: User, place_id: int | str) -> Place:
    """A place where the user has taken photos, or Http404 (also for anyone else's)."""
    try:
        place = Place.objects.get(pk=place_id)
    except (Place.DoesNotExist, ValueError, TypeError):
        raise Http404("No such place.") from None
    mine = Photo.objects.visible().filter(owner=user, place=place, live_of__isnull=True)
    if not mine.exists():
        raise Http404("No such place.")
    return place


@dataclass(frozen=True)
class CameraView:
    name: str
    count: int


def cameras_for_user(*, user: User) -> list[CameraView]:
    """The cameras of the user's photos, most photos first (from the photo_cameras index)."""
    photos = Photo.objects.visible().filter(owner=user, live_of__isnull=True)
    counted = (
        photos.exclude(camera_make="", camera_model="")
        .order_by()
        .values("camera_make", "camera_model")
        .annotate(n=Count("pk"))
        .values_list("camera_make", "camera_model", "n")
    )
    named: dict[str, int] = {}
    for make, model, count in counted:
        name = camera_name(make, model)
        if name:
            named[name] = named.get(name, 0) + count
    return sorted(
        (CameraView(name, count) for name, count in named.items()),
        key=lambda camera: (-camera.count, camera.name),
    )


def photos_to_locate(*, missing_only: bool) -> QuerySet[Photo]:
    """Photos (trash included) with GPS: all of them, or those with no place yet (uploaded
    before places were named, or far from any town when looked up)."""
    located = Photo.objects.filter(gps_lat__isnull=False, gps_lon__isnull=False)
    if missing_only:
        located = located.filter(place__isnull=True)
    return located.only("pk", "gps_lat", "gps_lon", "place", "place_text")


def tokens_get_for_user(*, user: User) -> QuerySet[ApiToken]:
    """The user's API tokens, newest first."""
    return ApiToken.objects.filter(user=user).order_by("-created_at")


@dataclass(frozen=True)
class AlbumView:
    """An album as its list and page show it, to one person: counted over the photos not in
    the trash, with what that person may do."""

    album: Album
    photo_count: int
    taken_from: datetime | None
    taken_until: datetime | None
    cover_photo: UUID | None
    role: AlbumRole


def albums_visible_to(user: User) -> QuerySet[Album]:
    """The albums the user owns or is a member of."""
    memberships = AlbumMember.objects.filter(user=user).values("album")
    return Album.objects.filter(Q(owner=user) | Q(pk__in=memberships))


def album_role(*, user: User, album: Album) -> AlbumRole | None:
    """What the user may do with the album, or None if they may not see it."""
    if album.owner_id == user.pk:
        return AlbumRole.OWNER
    role = AlbumMember.objects.filter(album=album, user=user).values_list("role", flat=True)
    found = role.first()
    return AlbumRole(found) if found else None


_NOT_ALLOWED = {
    AlbumRole.CONTRIBUTOR: "Only the album's owner and its contributors can add photos to it.",
    AlbumRole.OWNER: "Only the album's owner can change it, its members and its links.",
}


def album_get_for_user(
    *, user: User, album_id: UUID | str, role: AlbumRole = AlbumRole.VIEWER
) -> Album:
    """Return an album the user may see, or raise Http404 (also for an album of another
    user's that is not shared with them); NotAllowed if they may see it but their role is
    below `role`."""
    try:
        album = Album.objects.select_related("owner").get(pk=album_id)
    except (Album.DoesNotExist, ValueError, TypeError):
        raise Http404("No such album.") from None
    has = album_role(user=user, album=album)
    if has is None:
        raise Http404("No such album.")
    if has.rank < role.rank:
        raise NotAllowed(_NOT_ALLOWED[role])
    return album


def album_photos(*, album: Album, photo_ids: Iterable[UUID] | None = None) -> list[Photo]:
    """The album's photos not in the trash, newest taken first; with `photo_ids`, those of
    them, all or Http404."""
    entries = AlbumPhoto.objects.filter(album=album, photo_in_trash=False)
    if photo_ids is None:
        ordered = entries.select_related("photo").order_by("-taken_at", "-photo")
        return [entry.photo for entry in ordered]
    wanted = list(dict.fromkeys(photo_ids))
    found = {
        entry.photo_id: entry.photo
        for batch in in_batches(wanted)
        for entry in entries.filter(photo_id__in=batch).select_related("photo")
    }
    if len(found) != len(wanted):
        raise Http404("One or more of the photos are not in the album.")
    return [found[photo_id] for photo_id in wanted]


def albums_view(albums: QuerySet[Album], *, user: User) -> list[AlbumView]:
    """Counts, dates and covers of these albums, in three queries whatever their number."""
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
    roles = dict(
        AlbumMember.objects.filter(user=user, album__in=albums.values("pk")).values_list(
            "album_id", "role"
        )
    )
    views = []
    for album in albums.select_related("cover", "owner"):
        count, start, end, first_photo = facts[album.pk]
        chosen = album.cover if album.cover is not None and not album.cover.in_trash else None
        role = AlbumRole.OWNER if album.owner_id == user.pk else AlbumRole(roles[album.pk])
        cover = chosen.pk if chosen else first_photo
        views.append(AlbumView(album, count, start, end, cover, role))
    return views


def albums_for_user(*, user: User) -> list[AlbumView]:
    """The albums the user owns and those shared with them, newest first."""
    return albums_view(albums_visible_to(user).order_by("-created_at", "-id"), user=user)


def album_view(album: Album, *, user: User) -> AlbumView:
    return albums_view(Album.objects.filter(pk=album.pk), user=user)[0]


def album_members(*, album: Album) -> QuerySet[AlbumMember]:
    """The album's members, in the order they were added."""
    return AlbumMember.objects.filter(album=album).select_related("user").order_by("added_at", "id")


def share_get_for_user(*, user: User, share_id: UUID | str) -> ShareLink:
    """A link to one of the user's albums, or Http404 (also for a link of another user's)."""
    try:
        return ShareLink.objects.select_related("album").get(album__owner=user, pk=share_id)
    except (ShareLink.DoesNotExist, ValueError, TypeError):
        raise Http404("No such link.") from None


def shares_for_user(*, user: User, album: Album | None = None) -> QuerySet[ShareLink]:
    """The user's links (to one album of theirs, or to all), newest first."""
    shares = ShareLink.objects.filter(album__owner=user).select_related("album")
    if album is not None:
        shares = shares.filter(album=album)
    return shares.order_by("-created_at", "-id")
