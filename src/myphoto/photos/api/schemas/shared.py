"""What a share link's visitor sees: the album, and photos as the link shows them."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal
from uuid import UUID

from ninja import Schema
from pydantic import Field

from ...links import share_photo_path
from ...models import Photo, ShareLink
from ...selectors import live_motion_of
from .common import Built, Text
from .photos import GpsOut, PlaceOut, place_out, plays


class UnlockIn(Schema):
    password: Text = Field(max_length=128)


class SharedAlbumOut(Schema):
    title: str
    description: str
    owner: str
    photo_count: int
    taken_from: datetime | None
    taken_until: datetime | None
    cover_thumbnail_url: str | None
    expires_at: datetime | None
    allow_download: bool
    allow_upload: bool
    show_location: bool


class SharedPhotoOut(Built):
    """A photo as a share link shows it: no content hash, and no location unless the link
    shows it."""

    id: UUID
    filename: str
    content_type: str
    size: int
    width: int
    height: int
    taken_at: datetime
    camera: str | None
    gps: GpsOut | None
    place: PlaceOut | None
    derivatives_ready: bool
    thumbnail_url: str
    preview_url: str
    download_url: str | None
    kind: Literal["photo", "video"]
    duration: float | None
    playback_url: str | None
    live: bool = False
    duplicate: bool = False


class SharedPhotoListOut(Built):
    items: list[SharedPhotoOut]
    next_cursor: str | None


class SharedUploadOut(Built):
    items: list[SharedPhotoOut]


def shared_photo_out(photo: Photo, share: ShareLink, *, duplicate: bool = False) -> dict[str, Any]:
    thumbnail = share_photo_path("api:shared-photo-thumbnail", share.key, photo.pk)
    located = share.show_location and photo.gps_lat is not None
    return {
        "id": photo.pk,
        "filename": photo.original_name,
        "content_type": photo.content_type,
        "size": photo.size,
        "width": photo.width,
        "height": photo.height,
        "taken_at": photo.taken_at,
        "camera": photo.camera,
        "gps": {"lat": photo.gps_lat, "lon": photo.gps_lon} if located else None,
        "place": place_out(photo) if share.show_location else None,
        "derivatives_ready": photo.derivatives_ready,
        "thumbnail_url": f"{thumbnail}{photo.derivative_query('sm')}",
        "preview_url": f"{thumbnail}{photo.derivative_query('md')}",
        "download_url": (
            share_photo_path("api:shared-photo-download", share.key, photo.pk)
            if share.allow_download
            else None
        ),
        "kind": photo.kind,
        "duration": photo.duration,
        "playback_url": (
            share_photo_path("api:shared-photo-playback", share.key, photo.pk)
            if plays(photo)
            else None
        ),
        "live": live_motion_of(photo) is not None,
        "duplicate": duplicate,
    }
