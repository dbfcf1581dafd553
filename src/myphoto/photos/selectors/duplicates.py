"""Look-alike photos: groups of a library's photos whose perceptual hashes are within a few
bits (re-saved by a messenger, resized, recompressed, a little cropped), the best of each
first. Found through the hashes' bands (`common.media.looks`), never by comparing every
pair; the groups are made afresh from the hashes each time (a few hundred ms at 100,000)."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

import numpy as np
from django.utils.translation import gettext

from ...common.media import looks
from ..models import Photo, User

# Formats a camera or phone writes, before those photos are re-encoded into by apps.
_ORIGINAL_FORMATS = {
    "image/heic": 3,
    "image/heif": 3,
    "image/avif": 3,
    "image/tiff": 3,
    "image/png": 2,
    "image/jpeg": 1,
}


@dataclass(frozen=True)
class DuplicateGroup:
    photos: list[Photo]  # the best first

    @property
    def best(self) -> Photo:
        return self.photos[0]


@dataclass(frozen=True)
class DuplicatePage:
    groups: list[DuplicateGroup]
    next_cursor: str | None


class InvalidDuplicatesCursor(ValueError):
    """The cursor of the duplicates' pages was not made by us."""


def best_first(photo: Photo) -> tuple[int, int, int, float]:
    """The order of a group: the largest resolution, then the largest file, then the
    format a camera writes over a re-encode, then the first uploaded."""
    width, height = photo.width, photo.height
    return (
        -(width * height),
        -photo.size,
        -_ORIGINAL_FORMATS.get(photo.content_type, 0),
        photo.uploaded_at.timestamp(),
    )


def duplicate_groups(*, user: User, limit: int = 20, cursor: str | None = None) -> DuplicatePage:
    """One page of the user's look-alike groups (out of the trash), the group whose best
    photo was taken last first."""
    start = _decode(cursor)
    rows = list(
        Photo.objects.visible()
        .filter(owner=user, part_of__isnull=True, perceptual_hash__isnull=False)
        .values_list("pk", "perceptual_hash", "taken_at")
    )
    if not rows:
        return DuplicatePage([], None)
    hashes = np.fromiter((looks_hash for _, looks_hash, _ in rows), dtype=np.int64, count=len(rows))
    found = looks.groups(len(rows), looks.similar_pairs(hashes))
    # Newest first, by the newest photo of each group (stable across pages).
    found.sort(key=lambda group: (max(rows[i][2] for i in group), max(rows[i][0] for i in group)))
    found.reverse()
    page = found[start : start + limit]
    wanted: list[UUID] = [rows[i][0] for group in page for i in group]
    photos = {p.pk: p for p in Photo.objects.filter(pk__in=wanted).select_related("place")}
    groups = [
        DuplicateGroup(sorted((photos[rows[i][0]] for i in group), key=best_first))
        for group in page
    ]
    more = start + limit < len(found)
    return DuplicatePage(groups, str(start + limit) if more else None)


def _decode(cursor: str | None) -> int:
    if not cursor:
        return 0
    if not cursor.isdigit() or len(cursor) > 9:
        raise InvalidDuplicatesCursor(gettext("The cursor is not valid; start again without one."))
    return int(cursor)
