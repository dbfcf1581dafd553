"""The owner's share links."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from django.http import HttpRequest
from django.urls import reverse
from ninja import Schema
from pydantic import Field

from ...models import ShareLink
from .common import Flag, Integer, Text


class ShareIn(Schema):
    expires_at: datetime | None = None
    expires_in_days: Integer | None = Field(default=None, ge=1, le=36_500)
    allow_download: Flag = True
    allow_upload: Flag = False
    show_location: Flag = False
    password: Text = Field(default="", max_length=128)


class SharePatchIn(Schema):
    """Only the fields sent change; `expires_at: null` makes the link never expire and
    `password: ""` removes the password."""

    expires_at: datetime | None = None
    expires_in_days: Integer | None = Field(default=None, ge=1, le=36_500)
    allow_download: Flag | None = None
    allow_upload: Flag | None = None
    show_location: Flag | None = None
    password: Text | None = Field(default=None, max_length=128)


class ShareOut(Schema):
    id: UUID
    album: UUID
    url: str
    key: str
    expires_at: datetime | None
    allow_download: bool
    allow_upload: bool
    show_location: bool
    has_password: bool
    views: int
    downloads: int
    last_accessed_at: datetime | None
    created_at: datetime


class ShareListOut(Schema):
    items: list[ShareOut]


def share_out(share: ShareLink, request: HttpRequest) -> dict[str, Any]:
    return {
        "id": share.pk,
        "album": share.album_id,
        "url": request.build_absolute_uri(reverse("shared-album", kwargs={"key": share.key})),
        "key": share.key,
        "expires_at": share.expires_at,
        "allow_download": share.allow_download,
        "allow_upload": share.allow_upload,
        "show_location": share.show_location,
        "has_password": share.has_password,
        "views": share.views,
        "downloads": share.downloads,
        "last_accessed_at": share.last_accessed_at,
        "created_at": share.created_at,
    }
