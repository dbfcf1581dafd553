"""What a person's WebDAV folder shows: the files and folders their backup apps sent,
where they sent them, and a read-only Library/YYYY/MM/ of every photo they keep."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from django.utils import timezone

from ..models import DavEntry, Photo, PhotoQuerySet, User
from .timeline import month_after, month_start


def dav_entry(*, owner: User, path: Sequence[str]) -> DavEntry | None:
    """The owner's file or folder at `path` (a file whose photo is purged is gone)."""
    if not path:
        return None
    return (
        DavEntry.objects.filter(owner=owner, parent="/".join(path[:-1]), name=path[-1])
        .select_related("photo")
        .first()
    )


def dav_children(*, owner: User, path: Sequence[str]) -> list[DavEntry]:
    """What is in the owner's folder at `path`, by name, in one query."""
    return list(
        DavEntry.objects.filter(owner=owner, parent="/".join(path))
        .select_related("photo")
        .order_by("name")
    )


def _library(owner: User) -> PhotoQuerySet:
    # Every item the owner keeps, archived ones too; a Live Photo is its still.
    return Photo.objects.visible().filter(owner=owner, live_of__isnull=True)


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


def library_month(*, owner: User, year: int, month: int) -> dict[str, Photo]:
    """The month's photos by the name each has in the folder: its own, or, when two share
    one, the later ones with the start of their id added ("IMG_0001 (3fa2b1c4).JPG")."""
    first = date(year, month, 1)
    photos = (
        _library(owner)
        .filter(taken_at__gte=month_start(first), taken_at__lt=month_start(month_after(first)))
        .order_by("taken_at", "id")
    )
    named: dict[str, Photo] = {}
    for photo in photos:
        name = photo.original_name or f"{photo.pk}"
        if name in named:
            stem, dot, extension = name.rpartition(".")
            mark = photo.pk.hex[:8]
            name = f"{stem} ({mark}).{extension}" if dot else f"{name} ({mark})"
        named[name] = photo
    return named
