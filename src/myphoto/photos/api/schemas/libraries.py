"""Adopted libraries (staff only): what is sent to adopt one, and how one is shown. The
S3 keys go in and never come out."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from ninja import Schema
from pydantic import Field

from ...selectors import LibraryView
from .common import Flag, Integer, Text


class S3In(Schema):
    endpoint_url: Text | None = Field(default=None, max_length=500)
    region: Text | None = Field(default=None, max_length=64)
    access_key_id: Text | None = Field(default=None, max_length=200)
    secret_access_key: Text | None = Field(default=None, max_length=500)


class LibraryIn(Schema):
    name: Text = Field(max_length=100)
    source: Text = Field(max_length=2000)
    owner: Text | None = Field(default=None, max_length=150)
    s3: S3In | None = None
    scan_interval_minutes: Integer = Field(default=60, ge=5, le=7 * 24 * 60)
    albums_from_folders: Flag = False


class ScanIn(Schema):
    full: Flag = False


class FailedFileOut(Schema):
    path: str
    reason: str


class ScanOut(Schema):
    started_at: datetime
    finished_at: datetime | None
    listed: int
    added: int
    changed: int
    removed: int
    failed: list[FailedFileOut]


class LibraryOut(Schema):
    id: int
    name: str
    source: str
    owner: str
    status: Literal["idle", "scanning", "error"]
    error: str | None
    photo_count: int
    offline_count: int
    scan_interval_minutes: int
    albums_from_folders: bool
    last_scan: ScanOut | None


class LibraryListOut(Schema):
    items: list[LibraryOut]


def library_out(view: LibraryView) -> dict[str, Any]:
    library = view.library
    return {
        "id": library.pk,
        "name": library.name,
        "source": library.source,
        "owner": library.owner.username,
        "status": view.status,
        "error": view.error or None,
        "photo_count": view.photo_count,
        "offline_count": view.offline_count,
        "scan_interval_minutes": library.scan_interval_minutes,
        "albums_from_folders": library.albums_from_folders,
        "last_scan": view.last_scan,
    }
