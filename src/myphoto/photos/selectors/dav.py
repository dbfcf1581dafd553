"""What a person's WebDAV folder shows: the files and folders their backup apps sent,
where they sent them, and a read-only Library/YYYY/MM/ of every photo they keep."""

from __future__ import annotations

from collections.abc import Container, Sequence
from datetime import date
from typing import Any
from uuid import UUID

from django.utils import timezone

from ..models import DavEntry, Photo, PhotoQuerySet, User
from .timeline import month_after, month_start


def dav_entry(*, owner: User, path: Sequence[str]) -> DavEntry | None:
    """The owner's file or folder at `path` (a file whose photo is purged is gone)."""
    if not path:
        return None
    return DavEntry.objects.filter(**DavEntry.at(owner, path)).select_related("photo").first()


def dav_children(*, owner: User, path: Sequence[str]) -> list[DavEntry]:
    """What is in the owner's folder at `path`, by name, in one query."""
    return list(
        DavEntry.objects.filter(owner=owner, parent="/".join(path))
        .select_related("photo")
        .order_by("name")
    )


def _library(owner: User) -> PhotoQuerySet:
    # Every item the owner keeps, archived ones too; a Live Photo is its still.
    return Photo.objects.visible().filter(owner=owner, part_of__isnull=True)


def library_years(*, owner: User) -> list[int]:
    moments = _library(owner).datetimes("taken_at", "year", tzinfo=timezone.get_current_timezone())
    return sorted({moment.year for moment in moments})


def library_months(*, owner: User, year: int) -> list[int]:
    within = _library(owner).filter(
        taken_at__gte=month_start(date(year, 1, 1)),
        taken_at__lt=month_start(date(year + 1, 1, 1)),
    )
    moments = within.datetimes("taken_at", "month", tzinfo=timezone.get_current_timezone())
    return sorted({moment.month for moment in moments})


def _in_month(owner: User, year: int, month: int) -> PhotoQuerySet:
    first = date(year, month, 1)
    return (
        _library(owner)
        .filter(taken_at__gte=month_start(first), taken_at__lt=month_start(month_after(first)))
        .order_by("taken_at", "id")
    )


def _folder_name(original_name: str, photo_id: UUID, taken: Container[str]) -> str:
    """A photo's name in its month's folder: its own, or, when an earlier one there has
    it, with the start of its id added ("IMG_0001 (3fa2b1c4).JPG")."""
    name = original_name or str(photo_id)
    if name in taken:
        stem, dot, extension = name.rpartition(".")
        mark = photo_id.hex[:8]
        name = f"{stem} ({mark}).{extension}" if dot else f"{name} ({mark})"
    return name


def library_month(*, owner: User, year: int, month: int) -> dict[str, Photo]:
    """The month's photos by their names in its folder."""
    named: dict[str, Photo] = {}
    for photo in _in_month(owner, year, month):
        named[_folder_name(photo.original_name, photo.pk, named)] = photo
    return named


LIBRARY_FIELDS = ("original_name", "id", "size", "taken_at", "content_type", "sha256")


def library_month_rows(*, owner: User, year: int, month: int) -> list[tuple[Any, ...]]:
    """The same, as rows for a listing: (name, id, size, taken_at, content type, SHA-256)."""
    rows: list[tuple[Any, ...]] = []
    taken: set[str] = set()
    for row in _in_month(owner, year, month).values_list(*LIBRARY_FIELDS).iterator(2000):
        name = _folder_name(row[0], row[1], taken)
        taken.add(name)
        rows.append((name, *row[1:]))
    return rows
