"""A new photo's columns with what the service it is imported from knew (Google Photos,
iCloud), taken as `common.service_facts` says: in the row as it is first written, so that
an import costs one request and one write a photo, as an upload does."""

from __future__ import annotations

from typing import Any

from ...common.service_facts import Known, ServiceFacts, changes
from .. import search
from ..models import TakenAtSource
from .places import place_for


def imported_fields(
    fields: dict[str, Any], service: ServiceFacts, *, name: str, camera: str | None
) -> dict[str, Any]:
    """The columns of `fields` (a new photo's, from its file) that the facts change."""
    lat, lon = fields["gps_lat"], fields["gps_lon"]
    known = Known(
        taken_at=fields["taken_at"],
        taken_at_source=str(fields["taken_at_source"]),
        gps=(lat, lon) if lat is not None and lon is not None else None,
    )
    change = changes(known, service)
    if not change:
        return {}
    taken_at, place = fields["taken_at"], fields["place"]
    out: dict[str, Any] = {}
    if change.taken_at is not None:
        # An instant: the offset the file gave (or none) stays the one shown.
        out["taken_at"] = taken_at = change.taken_at
        out["taken_at_source"] = TakenAtSource.SIDECAR
    if change.location is not None:
        lat, lon = change.location
        place = place_for(lat, lon)
        out |= {"gps_lat": lat, "gps_lon": lon, "place": place, "location_edited": True}
    description = change.description or ""
    out |= {"description": description, "favorite": change.favorite, "archived": change.archived}
    out["search_text"] = search.photo_terms(
        name=name, camera=camera, taken_at=taken_at, description=description
    )
    out["place_text"] = search.place_terms(place.name if place else None)
    return out
