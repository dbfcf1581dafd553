"""What the service knew, as the API takes it: with a new photo's upload (`facts`, applied
by the server as it stores the photo), or as a `PATCH` of a photo the library had."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ...common.service_facts import Changes, Known, ServiceFacts, changes
from .plan import Meta


def service_facts(meta: Meta, *, behind: bool = False) -> ServiceFacts:
    """`behind`: the original of an edited copy, kept off the timeline."""
    return ServiceFacts(
        taken_at=meta.taken_at,
        precision=meta.precision,
        location=meta.location,
        file_location=meta.file_location,
        description=meta.description,
        favorite=meta.favorite,
        archived=meta.archived or behind,
    )


def upload_field(facts: ServiceFacts) -> dict[str, Any]:
    """The `facts` of `POST /photos` (empty when the service knew nothing)."""
    body: dict[str, Any] = {}
    if facts.taken_at is not None:
        body["taken_at"] = facts.taken_at.isoformat()
        body["precision_seconds"] = int(facts.precision.total_seconds())
    for name in ("location", "file_location"):
        point = getattr(facts, name)
        if point is not None:
            body[name] = {"lat": point[0], "lon": point[1]}
    for name in ("description", "favorite", "archived"):
        if getattr(facts, name):
            body[name] = getattr(facts, name)
    return body


def patch_body(photo: dict[str, Any], facts: ServiceFacts) -> dict[str, Any]:
    """The body of `PATCH /photos/{id}` that brings the facts to `photo` (empty: none)."""
    gps = photo.get("gps")
    known = Known(
        taken_at=datetime.fromisoformat(photo["taken_at"]),
        taken_at_source=str(photo.get("taken_at_source", "")),
        gps=(gps["lat"], gps["lon"]) if gps else None,
        description=str(photo.get("description") or ""),
        favorite=bool(photo.get("favorite")),
        archived=bool(photo.get("archived")),
    )
    return _body(changes(known, facts))


def _body(change: Changes) -> dict[str, Any]:
    body: dict[str, Any] = {}
    if change.taken_at is not None:
        body["taken_at"] = change.taken_at.isoformat()
        body["taken_at_source"] = "sidecar"
    if change.location is not None:
        body["location"] = {"lat": change.location[0], "lon": change.location[1]}
    if change.description is not None:
        body["description"] = change.description
    if change.favorite:
        body["favorite"] = True
    if change.archived:
        body["archived"] = True
    return body
