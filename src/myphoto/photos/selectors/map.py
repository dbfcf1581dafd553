"""The map: the user's photos with GPS in a box, clustered for the zoom by the server.

The whole library is read from the kept cells (`MapCell`, `map_sql`): a few hundred rows
for any box, however many photos. An album's, a search's or a place's map bins its own
photos in the box at the same grid (they are fewer). A box may cross the antimeridian
(west > east) and may reach past ±180° (a map scrolled round the world): longitudes are
taken round, latitudes held within ±90°.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from uuid import UUID

from django.db.models import Q, QuerySet

from ..map_sql import LEVELS
from ..models import Album, MapCell, Photo, Place, User
from ..search import Search
from .live import companion_prefetch
from .search import photo_condition

# The levels the kept cells have (`map_sql`).
MIN_LEVEL, MAX_LEVEL = LEVELS[0], LEVELS[-1]
MAX_ZOOM = 20
# The most clusters an answer holds: past it, the grid a level coarser.
MAX_CLUSTERS = 200


@dataclass(frozen=True)
class Box:
    """What a map shows, in degrees: west may be greater than east (across 180°)."""

    west: float
    south: float
    east: float
    north: float

    @classmethod
    def of(cls, west: float, south: float, east: float, north: float) -> Box:
        """The box, its longitudes taken round into -180..180 (a whole turn or more: the
        whole world) and its latitudes held within ±90."""
        south, north = max(-90.0, min(south, north)), min(90.0, max(south, north))
        if east - west >= 360:
            return cls(-180.0, south, 180.0, north)
        return cls(_round(west), south, _round(east), north)


def _round(lon: float) -> float:
    if -180 <= lon <= 180:
        return lon
    return (lon + 180) % 360 - 180


@dataclass(frozen=True)
class Cluster:
    lat: float
    lon: float
    count: int
    photo: Photo | None
    # The cell's own box (south, west, north, east): a click zooms to it, or opens its photos.
    bounds: tuple[float, float, float, float]


def level_for(zoom: int) -> int:
    """The grid a map at `zoom` shows: cells of 64 of its pixels."""
    return max(MIN_LEVEL, min(zoom + 2, MAX_LEVEL))


def cell_of(lat: float, lon: float, level: int) -> tuple[int, int]:
    cells = 2**level
    x = min(int((lon + 180) * cells / 360), cells - 1)
    y = min(int((lat + 90) * cells / 360), cells // 2 - 1)
    return x, y


def cell_bounds(x: int, y: int, level: int) -> tuple[float, float, float, float]:
    size = 360 / 2**level
    return (y * size - 90, x * size - 180, min((y + 1) * size - 90, 90.0), (x + 1) * size - 180)


def _columns(box: Box, level: int) -> list[tuple[int, int]]:
    """The x ranges of the box's cells: two across the antimeridian."""
    west, _ = cell_of(0, box.west, level)
    east, _ = cell_of(0, box.east, level)
    if box.west <= box.east:
        return [(west, east)]
    return [(west, 2**level - 1), (0, east)]


def map_clusters(
    *,
    user: User,
    box: Box,
    zoom: int,
    album: Album | None = None,
    search: Search | None = None,
    place: Place | None = None,
) -> list[Cluster]:
    """The clusters of the user's photos in the box (of an album, a search or a place, if
    given), at most MAX_CLUSTERS; each with one of its photos to show."""
    level = level_for(zoom)
    if album is None and search is None and place is None:
        return _from_cells(user, box, level)
    photos = _located(user, album=album, search=search, place=place)
    return _binned(photos, box, level)


def _from_cells(user: User, box: Box, level: int) -> list[Cluster]:
    while True:
        _, south = cell_of(box.south, 0, level)
        _, north = cell_of(box.north, 0, level)
        columns = Q()
        for west, east in _columns(box, level):
            columns |= Q(x__gte=west, x__lte=east)
        cells = list(
            MapCell.objects.filter(
                columns, owner=user, level=level, y__gte=south, y__lte=north, count__gt=0
            ).values_list("pk", "x", "y", "count", "lat_sum", "lon_sum", "cover_id")[
                : MAX_CLUSTERS + 1
            ]
        )
        if len(cells) <= MAX_CLUSTERS or level == MIN_LEVEL:
            break
        level -= 1
    covers = _covers(user, [cell[6] for cell in cells if cell[6]])
    clusters = []
    for pk, x, y, count, lat_sum, lon_sum, cover_id in cells:
        bounds = cell_bounds(x, y, level)
        photo = covers.get(cover_id) if cover_id else None
        if photo is None or not _within(photo, bounds):  # trashed, or moved elsewhere
            photo = _cover_again(user, pk, bounds)
        clusters.append(Cluster(lat_sum / count, lon_sum / count, count, photo, bounds))
    return clusters


def _within(photo: Photo, bounds: tuple[float, float, float, float]) -> bool:
    south, west, north, east = bounds
    lat, lon = photo.gps_lat, photo.gps_lon
    return lat is not None and lon is not None and south <= lat <= north and west <= lon <= east


def _visible(user: User) -> QuerySet[Photo]:
    return Photo.objects.visible().filter(owner=user, part_of__isnull=True)


def _covers(user: User, ids: Iterable[UUID]) -> dict[UUID, Photo]:
    """The cells' photos that are still there to show (one query)."""
    found = _visible(user).filter(pk__in=list(ids), gps_lat__isnull=False)
    photos = found.select_related("place").prefetch_related(companion_prefetch("id"))
    return {photo.pk: photo for photo in photos}


def _cover_again(user: User, cell_id: int, bounds: tuple[float, float, float, float]) -> Photo:
    """A photo of the cell, its cover having gone (trashed, moved): the newest there, kept
    as the cell's cover from now on."""
    south, west, north, east = bounds
    photo = (
        _visible(user)
        .filter(gps_lat__gte=south, gps_lat__lte=north, gps_lon__gte=west, gps_lon__lte=east)
        .select_related("place")
        .order_by("-taken_at")
        .first()
    )
    if photo is not None:
        MapCell.objects.filter(pk=cell_id).update(cover_id=photo.pk)
    return photo  # type: ignore[return-value]  # a counted cell has a photo


def _located(
    user: User, *, album: Album | None, search: Search | None, place: Place | None
) -> QuerySet[Photo]:
    photos = _visible(user).filter(gps_lat__isnull=False, gps_lon__isnull=False)
    if album is not None:
        photos = photos.filter(album_entries__album=album)
    if search is not None:
        photos = photos.filter(photo_condition(search))
    if place is not None:
        photos = photos.filter(place=place)
    return photos


def in_box(box: Box) -> Q:
    """Photos taken in the box (a spot of the map opened as a timeline)."""
    inside = Q(gps_lat__gte=box.south, gps_lat__lte=box.north)
    if box.west <= box.east:
        return inside & Q(gps_lon__gte=box.west, gps_lon__lte=box.east)
    return inside & (Q(gps_lon__gte=box.west) | Q(gps_lon__lte=box.east))


def _binned(photos: QuerySet[Photo], box: Box, level: int) -> list[Cluster]:
    """The photos in the box, binned at the level (a coarser one past MAX_CLUSTERS)."""
    inside = photos.filter(in_box(box))
    points = [
        (pk, lat, lon)
        for pk, lat, lon in inside.order_by("-taken_at").values_list("pk", "gps_lat", "gps_lon")
        if lat is not None and lon is not None
    ]
    while True:
        cells: dict[tuple[int, int], list[tuple[UUID, float, float]]] = defaultdict(list)
        for point in points:
            cells[cell_of(point[1], point[2], level)].append(point)
        if len(cells) <= MAX_CLUSTERS or level == MIN_LEVEL:
            break
        level -= 1
    covers = photos.filter(pk__in=[members[0][0] for members in cells.values()])
    shown = {
        p.pk: p for p in covers.select_related("place").prefetch_related(companion_prefetch("id"))
    }
    return [
        Cluster(
            sum(m[1] for m in members) / len(members),
            sum(m[2] for m in members) / len(members),
            len(members),
            shown.get(members[0][0]),
            cell_bounds(x, y, level),
        )
        for (x, y), members in cells.items()
    ]
