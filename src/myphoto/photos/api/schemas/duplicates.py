"""Look-alike groups and their clean-up."""

from __future__ import annotations

from uuid import UUID

from ninja import Schema
from pydantic import Field

from .common import MAX_IDS_PER_REQUEST
from .photos import PhotoOut


class DuplicateGroupOut(Schema):
    photos: list[PhotoOut]  # the best first
    best: UUID


class DuplicatesOut(Schema):
    groups: list[DuplicateGroupOut]
    next_cursor: str | None


class ResolveIn(Schema):
    keep: list[UUID] = Field(min_length=1, max_length=MAX_IDS_PER_REQUEST)
    trash: list[UUID] = Field(min_length=1, max_length=MAX_IDS_PER_REQUEST)


class ResolvedOut(Schema):
    trashed: int
