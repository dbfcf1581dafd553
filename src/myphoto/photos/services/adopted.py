"""An adopted photo's first full read, by its derivatives job: the scan read only the
file's head (a video's container), so here its bytes are hashed and checked whole, as an
upload's are. A file that fails the check, or holds the same bytes as a photo the owner
has, is let go: its row goes and the library's file says why (shown once, as the photo
the owner had)."""

from __future__ import annotations

import logging
from typing import IO

from django.db import IntegrityError, transaction

from ...common.media.facts import UnsupportedImage
from .. import media
from ..digests import digest_of
from ..models import AlbumPhoto, FileState, LibraryFile, Photo
from ..storage import CHUNK_SIZE, get_storage
from .companions import detach_parts
from .counts import month_counts_change
from .folder_albums import folder_albums_drop_empty

logger = logging.getLogger(__name__)


def adopted_settle(*, photo: Photo, original: IO[bytes]) -> bool:
    """Hash and check the adopted photo's bytes; False if the photo was let go."""
    original.seek(0)
    sha256, crc32 = digest_of(iter(lambda: original.read(CHUNK_SIZE), b""))
    original.seek(0)
    try:
        # The whole check an upload gets; a video's also gives its size as shown (the scan
        # read its container only, before the display matrix turns it).
        facts = media.analyze(original)
    except UnsupportedImage as err:
        _let_go(photo, state=FileState.FAILED, reason=str(err))
        return False
    if photo.is_video and (facts.width, facts.height) != (photo.width, photo.height):
        Photo.objects.filter(pk=photo.pk).update(width=facts.width, height=facts.height)
        photo.width, photo.height = facts.width, facts.height
    original.seek(0)
    same = _same_bytes(photo, sha256)
    if same is None:
        try:
            with transaction.atomic():
                Photo.objects.filter(pk=photo.pk, sha256="").update(sha256=sha256, crc32=crc32)
            photo.sha256, photo.crc32 = sha256, crc32
            return True
        except IntegrityError:
            same = _same_bytes(photo, sha256)  # stored a moment ago by an upload or a scan
            if same is None:
                raise
    _let_go(
        photo, state=FileState.DUPLICATE, reason=f"The same as {same.original_name}.", kept=same
    )
    return False


def _same_bytes(photo: Photo, sha256: str) -> Photo | None:
    return (
        Photo.objects.filter(owner_id=photo.owner_id, sha256=sha256, by_guest=False)
        .exclude(pk=photo.pk)
        .first()
    )


def _let_go(photo: Photo, *, state: FileState, reason: str, kept: Photo | None = None) -> None:
    """Drop the adopted photo's row (its albums pass to `kept`); its file stays where it
    is, recorded with `state` and `reason` so that scans leave it be until it changes."""
    with transaction.atomic():
        row = Photo.objects.select_for_update().filter(pk=photo.pk).first()
        if row is None:
            return
        if kept is not None:
            entries = AlbumPhoto.objects.filter(photo=row).values_list("album_id", flat=True)
            AlbumPhoto.objects.bulk_create(
                [
                    AlbumPhoto(
                        album_id=album,
                        photo=kept,
                        taken_at=kept.taken_at,
                        photo_in_trash=kept.deleted_at is not None or kept.offline,
                    )
                    for album in entries
                ],
                ignore_conflicts=True,
            )
        LibraryFile.objects.filter(photo=row).update(state=state, reason=reason[:500], photo=None)
        detach_parts(row)  # a RAW whose JPEG this was is shown in its place
        if row.deleted_at is None and not row.offline and not row.archived and not row.part_of_id:
            month_counts_change(owner_id=row.owner_id, taken=[row.taken_at], by=-1)
        get_storage().delete_many(row.storage_keys)
        row.delete()
        if row.library_id is not None:
            folder_albums_drop_empty(library_id=row.library_id)
    logger.info("adopted photo %s let go (%s): %s", photo.pk, state, reason)
