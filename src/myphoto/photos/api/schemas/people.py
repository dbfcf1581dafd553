"""People as the API shows them to their owner."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from ninja import Schema
from pydantic import Field

from ...links import face_crop_path
from ...selectors import PersonView
from .common import Flag, Text


class PersonOut(Schema):
    id: UUID
    name: str | None
    hidden: bool
    face_count: int
    photo_count: int
    # A square picture of their face (WebP), null until they have one.
    cover_thumbnail_url: str | None


class PeopleOut(Schema):
    items: list[PersonOut]


class PersonEditIn(Schema):
    name: Text | None = None
    hidden: Flag | None = None


class MergeIn(Schema):
    ids: list[UUID] = Field(min_length=1, max_length=1000)


def person_out(view: PersonView) -> dict[str, Any]:
    person = view.person
    return {
        "id": person.pk,
        "name": person.name or None,
        "hidden": person.hidden,
        "face_count": view.face_count,
        "photo_count": view.photo_count,
        "cover_thumbnail_url": face_crop_path(view.cover) if view.cover else None,
    }
