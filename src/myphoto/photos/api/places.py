"""Towns by name, from the offline gazetteer: for setting a photo's place by hand."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from ninja import P, QueryEx, Router, Schema

from ..geocoding import towns_named
from ..requests import ApiRequest
from .schemas.common import errors
from .schemas.photos import PlaceOut

router = Router(tags=["places"])


class TownOut(PlaceOut):
    name: str  # "Arezzo, Tuscany, Italy"
    lat: float
    lon: float


class TownsOut(Schema):
    items: list[TownOut]


@router.get("/places/towns", response={200: TownsOut, **errors(400)}, url_name="places-towns")
def places_towns(request: ApiRequest, q: QueryEx[str, P(max_length=100)]) -> dict[str, Any]:
    """Up to ten towns whose name starts with `q` (case and accents aside), the most
    populous first."""
    return {
        "items": [
            {**asdict(town.name), "name": str(town.name), "lat": town.lat, "lon": town.lon}
            for town in towns_named(q)
        ]
    }
