"""API tokens."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal
from uuid import UUID

from ninja import Schema
from pydantic import Field

from ...models import ApiToken
from .common import Text


class MeOut(Schema):
    username: str
    is_staff: bool
    language: Literal["en", "ko"] | None
    theme: Literal["light", "dark"] | None
    # My photos and videos out of the trash, and the bytes of everything of mine in
    # storage (originals, thumbnails, playback copies, the trash); adopted libraries not.
    photo_count: int
    bytes_used: int
    quota_bytes: int | None


class MeIn(Schema):
    """What a person sets of their own: null goes back to the browser's or system's."""

    language: Literal["en", "ko"] | None = None
    theme: Literal["light", "dark"] | None = None


class TokenIn(Schema):
    name: Text = Field(default="", max_length=100)


class TokenOut(Schema):
    id: UUID
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None


class TokenCreatedOut(TokenOut):
    token: str


def token_out(token: ApiToken) -> dict[str, Any]:
    return {
        "id": token.pk,
        "name": token.name,
        "prefix": token.prefix,
        "created_at": token.created_at,
        "last_used_at": token.last_used_at,
    }
