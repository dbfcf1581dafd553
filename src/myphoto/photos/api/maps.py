"""The map: the caller's photos with GPS in a box, clustered by the server for the zoom."""

from __future__ import annotations

import math
from typing import Any
from uuid import UUID

from django.utils.translation import gettext
from ninja import P, QueryEx, Router, Schema

from .. import selectors
from ..requests import ApiRequest
from ..selectors import album_get_for_user, place_get_for_user
from ..selectors.map import MAX_ZOOM, Box, map_clusters
from .errors import ApiError
from .schemas.common import errors
from .schemas.photos import PhotoOut, photo_out

router = Router(tags=["map"])


class ClusterOut(Schema):
    lat: float
    lon: float
    count: int
    photo: PhotoOut | None
    # The cluster's cell: [south, west, north, east]; a click zooms to it or opens its photos.
    bounds: list[float]


class ClustersOut(Schema):
    clusters: list[ClusterOut]


def box_of(bbox: str) -> Box:
    """`west,south,east,north` in degrees, or a 400 saying what a box is."""
    try:
        values = [float(part) for part in bbox.split(",")]
    except ValueError:
        values = []
    if len(values) != 4 or not all(math.isfinite(value) for value in values):
        raise ApiError(
            400,
            "invalid",
            gettext("bbox is west,south,east,north in degrees, such as 126.8,37.4,127.2,37.7."),
        )
    return Box.of(*values)


@router.get(
    "/map/clusters", response={200: ClustersOut, **errors(400, 404)}, url_name="map-clusters"
)
def clusters(
    request: ApiRequest,
    bbox: QueryEx[str, P(max_length=200)],
    zoom: QueryEx[int, P(ge=0, le=MAX_ZOOM)],
    q: QueryEx[str, P(max_length=500)] = "",
    album: UUID | None = None,
    place: int | None = None,
) -> dict[str, Any]:
    """My photos with GPS in the box (west > east crosses 180°), in at most 200 clusters
    for the zoom, each with its count, centre, cell and one photo to show; only those of an
    album, a search (`q`) or a place when given."""
    user = request.auth
    found = map_clusters(
        user=user,
        box=box_of(bbox),
        zoom=zoom,
        album=album_get_for_user(user=user, album_id=album) if album else None,
        search=selectors.search_of(q, user=request.auth) if q.strip() else None,
        place=place_get_for_user(user=user, place_id=place) if place is not None else None,
    )
    return {
        "clusters": [
            {
                "lat": cluster.lat,
                "lon": cluster.lon,
                "count": cluster.count,
                "photo": photo_out(cluster.photo) if cluster.photo else None,
                "bounds": list(cluster.bounds),
            }
            for cluster in found
        ]
    }
