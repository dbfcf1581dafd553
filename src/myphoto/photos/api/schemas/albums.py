"""Albums and their members."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal
from uuid import UUID

from ninja import Schema
from pydantic import Field

from ...links import photo_path
from ...models import AlbumMember
from ...selectors import AlbumView
from .common import MAX_IDS_PER_REQUEST, Text


class AlbumIn(Schema):
    title: Text = Field(min_length=1, max_length=200)
    description: Text = Field(default="", max_length=10_000)
    ids: list[UUID] = Field(default_factory=list, max_length=MAX_IDS_PER_REQUEST)


class AlbumPatchIn(Schema):
    title: Text | None = Field(default=None, min_length=1, max_length=200)
    description: Text | None = Field(default=None, max_length=10_000)
    cover_photo: UUID | None = None


class AlbumOut(Schema):
    id: UUID
    title: str
    description: str
    cover_photo: UUID | None
    cover_thumbnail_url: str | None
    photo_count: int
    taken_from: datetime | None
    taken_until: datetime | None
    created_at: datetime
    updated_at: datetime
    owner: str
    role: str


class AlbumListOut(Schema):
    items: list[AlbumOut]


class AlbumDownloadIn(Schema):
    ids: list[UUID] | None = Field(default=None, min_length=1, max_length=MAX_IDS_PER_REQUEST)


class MemberIn(Schema):
    username: Text = Field(min_length=1, max_length=150)
    role: Literal["viewer", "contributor"]


class MemberOut(Schema):
    username: str
    role: str


class MemberListOut(Schema):
    items: list[MemberOut]


class CountAdded(Schema):
    added: int


class CountRemoved(Schema):
    removed: int


def album_out(view: AlbumView) -> dict[str, Any]:
    album = view.album
    cover = view.cover_photo
    return {
        "id": album.pk,
        "title": album.title,
        "description": album.description,
        "cover_photo": cover,
        "cover_thumbnail_url": (
            f"{photo_path('api:photo-thumbnail', cover)}?size=sm" if cover else None
        ),
        "photo_count": view.photo_count,
        "taken_from": view.taken_from,
        "taken_until": view.taken_until,
        "created_at": album.created_at,
        "updated_at": album.updated_at,
        "owner": album.owner.username,
        "role": view.role.value,
    }


def member_out(member: AlbumMember) -> dict[str, str]:
    return {"username": member.user.username, "role": member.role}
