"""Photos in and out: the shaping of a photo, the timeline, the trash, downloads."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Any, Literal
from uuid import UUID

from ninja import Schema
from pydantic import Field

from ...links import photo_path
from ...models import Photo
from ...selectors import Page, library_name, live_motion_of, stack_of
from .common import Built

MAX_DOWNLOAD_URLS = 1000


class GpsOut(Built):
    lat: float
    lon: float


class PlaceOut(Built):
    city: str
    state: str
    country: str
    country_code: str


class LibraryRefOut(Built):
    id: int
    name: str


class StackPhotoOut(Built):
    id: UUID
    filename: str
    content_type: str
    size: int
    sha256: str


class PersonRefOut(Built):
    id: UUID
    name: str | None


class StackOut(Built):
    """The files of one shot shown as one item (a RAW and its JPEG), the shown one first."""

    id: UUID
    count: int
    photos: list[StackPhotoOut]


class PhotoOut(Built):
    id: UUID
    filename: str
    content_type: str
    size: int
    sha256: str
    width: int
    height: int
    taken_at: datetime
    taken_at_source: str
    uploaded_at: datetime
    camera: str | None
    gps: GpsOut | None
    place: PlaceOut | None
    derivatives_ready: bool
    derivatives_error: str
    thumbnail_url: str
    preview_url: str
    download_url: str
    kind: Literal["photo", "video"]
    duration: float | None
    playback_url: str | None
    live: bool = False
    duplicate: bool = False
    favorite: bool = False
    archived: bool = False
    description: str = ""
    # Degrees clockwise, on top of the file's own orientation: 0, 90, 180, 270.
    rotation: int = 0
    # The adopted library whose file it is (read in place), or null for an upload.
    library: LibraryRefOut | None = None
    offline: bool = False
    stack: StackOut | None = None
    # Who is in it (faces grouped into people): the owner's alone, [] for anyone else.
    people: list[PersonRefOut] = []


class TrashedPhotoOut(PhotoOut):
    deleted_at: datetime
    purge_after: datetime


class PhotoListOut(Built):
    items: list[PhotoOut]
    next_cursor: str | None


class TrashListOut(Built):
    items: list[TrashedPhotoOut]
    next_cursor: str | None


class UploadOut(Built):
    items: list[PhotoOut]


class MonthBucketOut(Schema):
    month: str  # "2023-10"
    count: int


class BucketsOut(Schema):
    buckets: list[MonthBucketOut]


class DownloadUrlsIn(Schema):
    ids: list[UUID] = Field(min_length=1, max_length=MAX_DOWNLOAD_URLS)


class DownloadUrlOut(Schema):
    id: UUID
    url: str


class DownloadUrlsOut(Schema):
    items: list[DownloadUrlOut]
    expires_in: int


class IdsOut(Schema):
    ids: list[UUID]


class CountDeleted(Schema):
    deleted: int


class CountRestored(Schema):
    restored: int


class CountPurged(Schema):
    purged: int


def plays(photo: Photo) -> bool:
    """Whether the photo has a playback: a video, or a Live Photo's still (its motion)."""
    return photo.is_video or live_motion_of(photo) is not None


def place_out(photo: Photo) -> dict[str, str] | None:
    return asdict(photo.place.name) if photo.place else None


def stack_out(photo: Photo) -> dict[str, Any] | None:
    files = stack_of(photo)
    if not files:
        return None
    return {
        "id": photo.pk,
        "count": len(files),
        "photos": [
            {
                "id": member.pk,
                "filename": member.original_name,
                "content_type": member.content_type,
                "size": member.size,
                "sha256": member.sha256,
            }
            for member in files
        ],
    }


def photo_out(photo: Photo, *, duplicate: bool = False) -> dict[str, Any]:
    thumbnail = photo_path("api:photo-thumbnail", photo.pk)
    data: dict[str, Any] = {
        "id": photo.pk,
        "filename": photo.original_name,
        "content_type": photo.content_type,
        "size": photo.size,
        "sha256": photo.sha256,
        "width": photo.width,
        "height": photo.height,
        "taken_at": photo.taken_at_local,
        "taken_at_source": photo.taken_at_source,
        "uploaded_at": photo.uploaded_at,
        "camera": photo.camera,
        "gps": (
            {"lat": photo.gps_lat, "lon": photo.gps_lon} if photo.gps_lat is not None else None
        ),
        "place": place_out(photo),
        "derivatives_ready": photo.derivatives_ready,
        "derivatives_error": photo.derivatives_error,
        "thumbnail_url": f"{thumbnail}{photo.derivative_query('sm')}",
        "preview_url": f"{thumbnail}{photo.derivative_query('md')}",
        "download_url": photo_path("api:photo-download", photo.pk),
        "kind": photo.kind,
        "duration": photo.duration,
        "playback_url": photo_path("api:photo-playback", photo.pk) if plays(photo) else None,
        "live": live_motion_of(photo) is not None,
        "duplicate": duplicate,
        "favorite": photo.favorite,
        "archived": photo.archived,
        "description": photo.description,
        "rotation": photo.rotation,
        "library": (
            {"id": photo.library_id, "name": library_name(photo.library_id)}
            if photo.library_id
            else None
        ),
        "offline": photo.offline,
        "stack": stack_out(photo),
        # Set for the owner by `selectors.people_in`; nobody else sees who is in a photo.
        "people": [
            {"id": person, "name": name or None}
            for person, name in getattr(photo, "people_shown", ())
        ],
    }
    if photo.in_trash:
        data.update(deleted_at=photo.deleted_at, purge_after=photo.purge_after)
    return data


def page_out(page: Page) -> dict[str, Any]:
    return {"items": [photo_out(photo) for photo in page.items], "next_cursor": page.next_cursor}
