"""What backup apps do over WebDAV: store a file at the path they chose (through every
check an upload goes through), make folders, move, delete (to the trash, restorable),
set a file's time. Paths are tuples of names under the person's `/dav/`; `Library` at
the top is the read-only view of every photo, never written here."""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Sequence
from datetime import datetime

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.db.models import Q, QuerySet, TextField, Value
from django.db.models.functions import Concat, Substr
from django.utils import timezone
from django.utils.translation import gettext

from ..models import DavEntry, Photo, User
from ..storage import CHUNK_SIZE, Readable
from .multipart import (
    multipart_abort,
    multipart_complete,
    multipart_put_part,
    multipart_start,
)
from .multipart_errors import PartsMissing, UploadBusy
from .trash import photos_trash
from .upload import UploadResult, photo_upload

logger = logging.getLogger(__name__)

LIBRARY = "Library"


class DavConflict(Exception):
    """The folder it goes in is not there (409: make it first)."""


class DavExists(Exception):
    """Something is at that path already, and may not be replaced by this (405, 412)."""


class DavNotFound(Exception):
    pass


class DavReadOnly(Exception):
    """The Library view, or a move into or out of it (403)."""


class BodyCutShort(Exception):
    """The request ended before the bytes its Content-Length announced: nothing is kept."""


def _joined(path: Sequence[str]) -> str:
    return "/".join(path)


def _writable(path: Sequence[str]) -> None:
    if not path or path[0] == LIBRARY:
        raise DavReadOnly(gettext("Library is a view of your photos: nothing is written there."))


def _folder_ready(owner: User, path: Sequence[str]) -> None:
    """The folder `path` holds things (the root, or a folder a client made)."""
    if not path:
        return
    found = DavEntry.objects.filter(**DavEntry.at(owner, path), photo__isnull=True).exists()
    if not found:
        raise DavConflict(
            gettext("The folder %(path)s is not there; make it first.") % {"path": _joined(path)}
        )


def dav_folder_make(*, owner: User, path: Sequence[str]) -> DavEntry:
    _writable(path)
    _folder_ready(owner, path[:-1])
    if DavEntry.objects.filter(**DavEntry.at(owner, path)).exists():
        raise DavExists(gettext("Something is there already."))
    return DavEntry.objects.create(**DavEntry.at(owner, path), modified_at=timezone.now())


def dav_file_check(*, owner: User, path: Sequence[str]) -> None:
    """Where a file is about to be stored can take it (before its body is read): no file
    stands where a folder on the way would be (missing folders are made with the file)."""
    _writable(path)
    for depth in range(1, len(path)):
        if DavEntry.objects.filter(
            **DavEntry.at(owner, path[:depth]), photo__isnull=False
        ).exists():
            raise DavConflict(
                gettext("%(path)s is a file, not a folder.") % {"path": _joined(path[:depth])}
            )
    there = DavEntry.objects.filter(**DavEntry.at(owner, path)).first()
    if there is not None and there.is_folder:
        raise DavExists(gettext("A folder is there."))


def dav_file_store(
    *,
    owner: User,
    path: Sequence[str],
    content: Readable,
    length: int | None,
    modified_at: datetime | None = None,
) -> tuple[DavEntry, bool, UploadResult]:
    """Store the file arriving in `content` as an upload of the owner's, and note it at
    `path`; return the entry, whether it is new there, and the upload's result (the same
    bytes again: the photo they have, nothing stored). Big files go to the storage in parts
    as they arrive; smaller ones are checked from a spooled copy. Raises DavConflict,
    DavExists, DavReadOnly, BodyCutShort, UploadRejected (nothing stored)."""
    dav_file_check(owner=owner, path=path)
    name = path[-1]
    if length is not None and length > settings.MYPHOTO_MULTIPART_UPLOAD_MB * 1024 * 1024:
        result = _store_in_parts(owner, name, content, length)
    else:
        result = _store_whole(owner, name, content, length)
    entry, created = dav_file_record(
        owner=owner, path=path, photo=result.photo, modified_at=modified_at
    )
    return entry, created, result


def _store_whole(owner: User, name: str, content: Readable, length: int | None) -> UploadResult:
    with tempfile.SpooledTemporaryFile(max_size=4 * 1024 * 1024) as spool:
        received = 0
        while chunk := content.read(CHUNK_SIZE):
            spool.write(chunk)
            received += len(chunk)
        if length is not None and received != length:
            raise BodyCutShort(_cut_short(received, length))
        spool.seek(0)
        return photo_upload(owner=owner, file=File(spool, name=name), filename=name)


def _cut_short(received: int, length: int) -> str:
    return gettext("%(received)d of the %(length)d bytes announced arrived; nothing was kept.") % {
        "received": received,
        "length": length,
    }


def _store_in_parts(owner: User, name: str, content: Readable, length: int) -> UploadResult:
    started = multipart_start(owner=owner, filename=name, size=length)
    if isinstance(started, UploadResult):
        return started
    received = 0
    try:
        for number in range(1, started.part_count + 1):
            wanted = started.part_length(number)
            part = _read_exactly(content, wanted)
            received += len(part)
            if len(part) < wanted:
                raise BodyCutShort(_cut_short(received, length))
            multipart_put_part(upload=started, number=number, content=part, length=len(part))
    except BaseException:
        multipart_abort(upload=started)
        raise
    # A file refused once whole is removed by the completion itself, upload and all.
    try:
        return multipart_complete(upload=started)
    except (PartsMissing, UploadBusy):
        multipart_abort(upload=started)
        raise


def _read_exactly(content: Readable, wanted: int) -> bytes:
    """Up to `wanted` bytes; fewer only when the body ends."""
    parts, left = [], wanted
    while left:
        chunk = content.read(min(left, CHUNK_SIZE))
        if not chunk:
            break
        parts.append(chunk)
        left -= len(chunk)
    return b"".join(parts)


@transaction.atomic
def dav_file_record(
    *, owner: User, path: Sequence[str], photo: Photo, modified_at: datetime | None = None
) -> tuple[DavEntry, bool]:
    """Note the owner's `photo` at `path`, with the folders on the way that are not there
    yet (replacing a file there: the photo it named stays in the library)."""
    now = timezone.now()
    for depth in range(1, len(path)):
        DavEntry.objects.get_or_create(
            **DavEntry.at(owner, path[:depth]), defaults={"modified_at": now}
        )
    entry, created = DavEntry.objects.update_or_create(
        **DavEntry.at(owner, path),
        defaults={
            "photo": photo,
            "size": photo.size,
            "modified_at": modified_at or timezone.now(),
        },
    )
    return entry, created


def dav_modified_set(*, entry: DavEntry, when: datetime) -> None:
    DavEntry.objects.filter(pk=entry.pk).update(modified_at=when)


def _within(owner: User, path: Sequence[str]) -> QuerySet[DavEntry]:
    """Everything under the folder `path` (not the folder itself)."""
    joined = _joined(path)
    return DavEntry.objects.filter(owner=owner).filter(
        Q(parent=joined) | Q(parent__startswith=f"{joined}/")
    )


@transaction.atomic
def dav_remove(*, owner: User, path: Sequence[str]) -> int:
    """Take the file or folder away; the photos no other path names go to the trash
    (restorable there). Return how many went to the trash."""
    _writable(path)
    entry = DavEntry.objects.filter(**DavEntry.at(owner, path)).first()
    if entry is None:
        raise DavNotFound
    going = _within(owner, path) if entry.is_folder else DavEntry.objects.none()
    photos = {pk for pk in going.values_list("photo_id", flat=True) if pk} | (
        {entry.photo_id} if entry.photo_id else set()
    )
    going.delete()
    entry.delete()
    named_elsewhere = set(
        DavEntry.objects.filter(owner=owner, photo_id__in=photos).values_list("photo_id", flat=True)
    )
    return photos_trash(owner=owner, photo_ids=photos - named_elsewhere)


@transaction.atomic
def dav_move(*, owner: User, source: Sequence[str], target: Sequence[str], overwrite: bool) -> bool:
    """Move a file or a folder (with what is in it) within the owner's uploads; return
    whether the target is new. Raises DavNotFound, DavConflict, DavExists, DavReadOnly."""
    _writable(source)
    _writable(target)
    entry = DavEntry.objects.filter(**DavEntry.at(owner, source)).first()
    if entry is None:
        raise DavNotFound
    if entry.is_folder and tuple(target[: len(source)]) == tuple(source):
        raise DavConflict(gettext("A folder cannot go inside itself."))
    _folder_ready(owner, target[:-1])
    there = DavEntry.objects.filter(**DavEntry.at(owner, target))
    created = not there.exists()
    if not created:
        if not overwrite:
            raise DavExists(gettext("Something is there already."))
        dav_remove(owner=owner, path=target)
    if entry.is_folder:
        old, new = _joined(source), _joined(target)
        _within(owner, source).update(
            parent=Concat(Value(new), Substr("parent", len(old) + 1), output_field=TextField())
        )
    entry.parent, entry.name = _joined(target[:-1]), target[-1]
    entry.save(update_fields=["parent", "name"])
    return created


def dav_file_copy(*, owner: User, source: DavEntry, target: Sequence[str]) -> bool:
    """A second path for the same photo (nothing is stored twice)."""
    dav_file_check(owner=owner, path=target)
    if source.photo is None:
        raise DavExists(gettext("Folders are not copied."))
    _, created = dav_file_record(
        owner=owner, path=target, photo=source.photo, modified_at=source.modified_at
    )
    return created
