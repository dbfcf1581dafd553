"""Edits of photos: one (`PATCH /photos/{id}`) or many (`POST /photos/edit`), and undo."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated, Literal
from uuid import UUID

from ninja import Schema
from pydantic import Field, Strict

from ....common.service_facts import ServiceFacts
from ...services.edit_values import validated
from ...services.edits import MAX_DESCRIPTION, Edit, Location
from .common import MAX_IDS_PER_REQUEST, Flag, Text

# Far enough for any clock set to the wrong year; a date past the calendar is refused.
MAX_SHIFT_SECONDS = 300 * 365 * 24 * 3600
Degrees = Annotated[float, Strict()]


class LocationIn(Schema):
    lat: Degrees
    lon: Degrees


class _EditIn(Schema):
    favorite: Flag | None = None
    archived: Flag | None = None
    description: Text | None = Field(None, max_length=MAX_DESCRIPTION)
    taken_at: datetime | None = None
    # {"lat", "lon"} sets the place; null clears it; absent leaves it.
    location: LocationIn | None = None
    # Who says the date: a person (the default), or an import from the service the photo
    # came from ("sidecar": an instant; the offset shown stays as it was).
    taken_at_source: Literal["edited", "sidecar"] | None = None

    def edit(self, **more: object) -> Edit:
        location = self.location
        return Edit(
            favorite=self.favorite,
            archived=self.archived,
            description=self.description,
            taken_at=self.taken_at,
            location=Location(location.lat, location.lon) if location else None,
            clear_location="location" in self.model_fields_set and location is None,
            date_source=self.taken_at_source,
            **more,  # type: ignore[arg-type]
        )


class PhotoEditIn(_EditIn):
    # Degrees clockwise, on top of the turn the photo has.
    rotate: Literal[90, -90, 180] | None = None

    def as_edit(self) -> Edit:
        return self.edit(rotate=self.rotate)


class PhotosEditIn(_EditIn):
    ids: list[UUID] = Field(min_length=1, max_length=MAX_IDS_PER_REQUEST)
    # Moves each photo's date (a camera clock that was wrong), its offset kept.
    shift_seconds: Annotated[int, Strict()] | None = Field(
        None, ge=-MAX_SHIFT_SECONDS, le=MAX_SHIFT_SECONDS
    )

    def as_edit(self) -> Edit:
        shift = self.shift_seconds
        return self.edit(shift=timedelta(seconds=shift) if shift is not None else None)


class ServiceFactsIn(Schema):
    """What the service a photo is imported from knew (the `facts` of `POST /photos`)."""

    taken_at: datetime | None = None
    precision_seconds: Annotated[int, Strict()] = Field(1, ge=0, le=3600)
    location: LocationIn | None = None
    file_location: LocationIn | None = None
    description: Text = Field("", max_length=MAX_DESCRIPTION)
    favorite: Flag = False
    archived: Flag = False

    def as_facts(self) -> ServiceFacts:
        """The facts, or InvalidEdit for a date or place no photo can have."""
        points = [(p.lat, p.lon) if p else None for p in (self.location, self.file_location)]
        for point in points:
            if point is not None:
                validated(Edit(location=Location(*point)), many=False)
        if self.taken_at is not None:
            validated(Edit(taken_at=self.taken_at), many=False)
        return ServiceFacts(
            taken_at=self.taken_at,
            precision=timedelta(seconds=self.precision_seconds),
            location=points[0],
            file_location=points[1],
            description=self.description,
            favorite=self.favorite,
            archived=self.archived,
        )


class MotionIn(Schema):
    video: UUID


class EditedOut(Schema):
    updated: int
    # `POST /photos/edit/undo` with it puts back what changed (for a day).
    undo: UUID


class UndoIn(Schema):
    undo: UUID


class UndoneOut(Schema):
    restored: int


__all__ = [
    "EditedOut",
    "LocationIn",
    "MotionIn",
    "PhotoEditIn",
    "PhotosEditIn",
    "ServiceFactsIn",
    "UndoIn",
    "UndoneOut",
]
