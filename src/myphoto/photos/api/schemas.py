"""What goes in and out of the API: typed schemas, and the shaping of a photo."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from ninja import Schema
from pydantic import AfterValidator, Field

from ..links import photo_path, share_photo_path
from ..models import ApiToken, Photo, ShareLink
from ..selectors import AlbumView, Page, live_motion_of

# A request may name this many photos (delete, restore, zip; a zip is also
# bounded by MYPHOTO_ZIP_MAX_PHOTOS).
MAX_IDS_PER_REQUEST = 100_000
MAX_DOWNLOAD_URLS = 1000


def _storable(text: str) -> str:
    if "\x00" in text:
        # PostgreSQL text cannot hold it (and no name or title needs it).
        raise ValueError("must not contain NUL characters")
    return text


# Text a client sends that is stored: every str field of a request body is one.
Text = Annotated[str, AfterValidator(_storable)]


class ErrorOut(Schema):
    """Every error: a sentence for people and a code for programs."""

    detail: str
    code: str


def errors(*statuses: int) -> dict[int, type[ErrorOut]]:
    """The error answers an operation documents (all are `ErrorOut`); 401 goes with every one."""
    return dict.fromkeys(sorted({401, *statuses}), ErrorOut)


class GpsOut(Schema):
    lat: float
    lon: float


class PlaceOut(Schema):
    city: str
    state: str
    country: str
    country_code: str


class PhotoOut(Schema):
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


class TrashedPhotoOut(PhotoOut):
    deleted_at: datetime
    purge_after: datetime


class PhotoListOut(Schema):
    items: list[PhotoOut]
    next_cursor: str | None


class TrashListOut(Schema):
    items: list[TrashedPhotoOut]
    next_cursor: str | None


class UploadOut(Schema):
    items: list[PhotoOut]


class MonthBucketOut(Schema):
    month: str  # "2023-10"
    count: int


class BucketsOut(Schema):
    buckets: list[MonthBucketOut]


class IdsIn(Schema):
    ids: list[UUID] = Field(min_length=1, max_length=MAX_IDS_PER_REQUEST)


class DownloadUrlsIn(Schema):
    ids: list[UUID] = Field(min_length=1, max_length=MAX_DOWNLOAD_URLS)


class DownloadUrlOut(Schema):
    id: UUID
    url: str


class DownloadUrlsOut(Schema):
    items: list[DownloadUrlOut]
    expires_in: int


class CountDeleted(Schema):
    deleted: int


class CountRestored(Schema):
    restored: int


class CountPurged(Schema):
    purged: int


class DirectUploadIn(Schema):
    filename: Text = Field(max_length=255)
    size: int = Field(gt=0)


class DirectUploadOut(Schema):
    key: str
    url: str
    fields: dict[str, str]
    expires_at: datetime


class DirectUploadDoneIn(Schema):
    key: Text
    filename: Text = Field(max_length=255)


Sha256 = Annotated[str, Field(pattern=r"^([0-9a-fA-F]{64})?$")]


class MultipartStartIn(Schema):
    filename: Text = Field(min_length=1, max_length=255)
    size: int = Field(gt=0)
    sha256: Sha256 = ""


class MultipartStartOut(Schema):
    id: UUID
    part_size: int
    part_count: int
    expires_at: datetime


class MultipartDuplicateOut(Schema):
    duplicate: bool
    photo: PhotoOut


class MultipartPartsIn(Schema):
    numbers: list[int] = Field(min_length=1, max_length=1000)


class PartTargetOut(Schema):
    number: int
    url: str
    method: str
    headers: dict[str, str]


class MultipartPartsOut(Schema):
    parts: list[PartTargetOut]


class MultipartOut(Schema):
    id: UUID
    filename: str
    size: int
    part_size: int
    part_count: int
    received: list[int]
    expires_at: datetime


class MultipartCompleteIn(Schema):
    sha256: Sha256 = ""


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


def plays(photo: Photo) -> bool:
    """Whether the photo has a playback: a video, or a Live Photo's still (its motion)."""
    return photo.is_video or live_motion_of(photo) is not None


def place_out(photo: Photo) -> dict[str, str] | None:
    return asdict(photo.place.name) if photo.place else None


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
        "taken_at": photo.taken_at,
        "taken_at_source": photo.taken_at_source,
        "uploaded_at": photo.uploaded_at,
        "camera": photo.camera,
        "gps": (
            {"lat": photo.gps_lat, "lon": photo.gps_lon} if photo.gps_lat is not None else None
        ),
        "place": place_out(photo),
        "derivatives_ready": photo.derivatives_ready,
        "derivatives_error": photo.derivatives_error,
        "thumbnail_url": f"{thumbnail}?size=sm",
        "preview_url": f"{thumbnail}?size=md",
        "download_url": photo_path("api:photo-download", photo.pk),
        "kind": photo.kind,
        "duration": photo.duration,
        "playback_url": photo_path("api:photo-playback", photo.pk) if plays(photo) else None,
        "live": live_motion_of(photo) is not None,
        "duplicate": duplicate,
    }
    if photo.in_trash:
        data.update(deleted_at=photo.deleted_at, purge_after=photo.purge_after)
    return data


def page_out(page: Page) -> dict[str, Any]:
    return {"items": [photo_out(photo) for photo in page.items], "next_cursor": page.next_cursor}


def token_out(token: ApiToken) -> dict[str, Any]:
    return {
        "id": token.pk,
        "name": token.name,
        "prefix": token.prefix,
        "created_at": token.created_at,
        "last_used_at": token.last_used_at,
    }


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


class ShareIn(Schema):
    expires_at: datetime | None = None
    expires_in_days: int | None = Field(default=None, ge=1, le=36_500)
    allow_download: bool = True
    allow_upload: bool = False
    show_location: bool = False
    password: Text = Field(default="", max_length=128)


class SharePatchIn(Schema):
    """Only the fields sent change; `expires_at: null` makes the link never expire and
    `password: ""` removes the password."""

    expires_at: datetime | None = None
    expires_in_days: int | None = Field(default=None, ge=1, le=36_500)
    allow_download: bool | None = None
    allow_upload: bool | None = None
    show_location: bool | None = None
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


class SharedPhotoOut(Schema):
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


class SharedPhotoListOut(Schema):
    items: list[SharedPhotoOut]
    next_cursor: str | None


class SharedUploadOut(Schema):
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
        "thumbnail_url": f"{thumbnail}?size=sm",
        "preview_url": f"{thumbnail}?size=md",
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
