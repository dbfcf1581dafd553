"""The layout of keys in the bucket (or the media folder). Every key is made here.

    originals/<owner id>/<photo id>.<ext>                 the bytes as uploaded
    derivatives/<owner id>/<photo id>/<size>-<run>.webp   thumbnails, one set per run of the job
    derivatives/<owner id>/<photo id>/playback-<run>.mp4  a video's copy for browsers
    incoming/<owner id>/<uuid>                            direct uploads not yet checked
    lost-and-found/<a key above>                          what `myphoto fsck --repair` found
                                                          under originals/ with no photo, kept
                                                          a while before it is deleted
    backups/myphoto-<UTC time>.<pgdump|sqlite3>           the database, by `myphoto backup`,
    backups/myphoto-<UTC time>.<ext>.sha256               and its checksum (sha256sum's format)

A multipart upload builds `originals/<owner id>/<photo id>.<ext>` itself (its
parts are the storage's own: S3 keeps them out of sight, the disk backend under
multipart/<upload id>/ until they become the object).

Keys are server-made from ids, never from a file name a user sent. Each prefix
belongs to exactly one kind of object, so that `myphoto fsck` can tell from a
key alone which row should own it.
"""

from __future__ import annotations

import uuid
from pathlib import PurePath
from uuid import UUID

from ..common.formats import EXTENSIONS

ORIGINALS = "originals/"
DERIVATIVES = "derivatives/"
INCOMING = "incoming/"
# Not "lost+found": a media folder that is a file system's root has e2fsck's folder so named.
LOST_AND_FOUND = "lost-and-found/"
PREFIXES = (ORIGINALS, DERIVATIVES, INCOMING)
# The database's backups: no user's, and outside what fsck compares with the rows.
BACKUPS = "backups/"


def original_key(*, owner_id: int, photo_id: UUID, extension: str) -> str:
    return f"{ORIGINALS}{owner_id}/{photo_id}.{extension}"


def known_extension(filename: str) -> str:
    """The extension of a file name, lowercased, if it is one of a kept format, else "bin".

    For a multipart upload's key, made before the file can be read: a key is never
    made from what a user typed, only chosen from our own list.
    """
    suffix = PurePath(filename).suffix.lower().lstrip(".")
    known = {extension for extensions in EXTENSIONS.values() for extension in extensions}
    return suffix if suffix in known else "bin"


def derivative_key(*, owner_id: int, photo_id: UUID | str, size: str, run: str) -> str:
    """`run` tells apart the objects of two runs of the job, so neither deletes the other's."""
    return f"{DERIVATIVES}{owner_id}/{photo_id}/{size}-{run}.webp"


def playback_key(*, owner_id: int, photo_id: UUID | str, run: str) -> str:
    return f"{DERIVATIVES}{owner_id}/{photo_id}/playback-{run}.mp4"


def lost_and_found_key(key: str) -> str:
    return f"{LOST_AND_FOUND}{key}"


def incoming_key(*, owner_id: int) -> str:
    return f"{INCOMING}{owner_id}/{uuid.uuid4()}"


def incoming_prefix(*, owner_id: int) -> str:
    return f"{INCOMING}{owner_id}/"


def owner_prefixes(*, owner_id: int) -> list[str]:
    """Every prefix under which a user's objects live, one for each kind."""
    return [f"{prefix}{owner_id}/" for prefix in PREFIXES]


def is_incoming_key_of(key: str, *, owner_id: int) -> bool:
    """Whether `key` is exactly an incoming key that `incoming_key` made for this owner."""
    prefix = incoming_prefix(owner_id=owner_id)
    if not key.startswith(prefix):
        return False
    rest = key[len(prefix) :]
    try:
        return str(UUID(rest)) == rest
    except ValueError:
        return False
