"""The keys that rows own, streamed from the database in the byte order of the keys.

Storage lists keys in that order (S3 by its definition, the disk backend to match), so
fsck merges the two sides like sorted files, holding neither in memory. PostgreSQL
sorts text by the database's collation ("en_US": punctuation ignored at first), so the
ORDER BY asks for "C", which is byte order; SQLite's default (BINARY) already is.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from django.db import connection

from .. import keys
from ..models import MultipartUpload, Photo

_FETCH = 5000


@dataclass(frozen=True)
class OwnedOriginal:
    key: str
    # The photo's recorded size; None for a multipart upload's key (no object until it
    # is completed, so its absence is no loss).
    size: int | None


def _byte_order(column: str) -> str:
    return f'{column} COLLATE "C"' if connection.vendor == "postgresql" else column


def _rows(sql: str, params: list[str]) -> Iterator[tuple[object, ...]]:
    """A query's rows a few thousand at a time (a server-side cursor on PostgreSQL)."""
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(_FETCH):
            yield from rows


def original_keys() -> Iterator[OwnedOriginal]:
    """Every photo's original key, and the key each open multipart upload is building."""
    photos, uploads = Photo._meta.db_table, MultipartUpload._meta.db_table
    sql = (
        # An adopted photo's original is a file of its library's source, not an object here.
        f"SELECT k, s FROM (SELECT storage_key AS k, size AS s FROM {photos} "  # noqa: S608  table names are ours
        "WHERE library_id IS NULL "
        f"UNION ALL SELECT storage_key, NULL FROM {uploads}) AS owned "
        f"ORDER BY {_byte_order('k')}"
    )
    previous: OwnedOriginal | None = None
    for key, size in _rows(sql, []):
        owned = OwnedOriginal(str(key), None if size is None else int(str(size)))
        if previous is not None and previous.key == owned.key:
            # A completed upload's row lives on a moment beside its photo's: the photo's
            # size is the one to compare.
            previous = previous if previous.size is not None else owned
            continue
        if previous is not None:
            yield previous
        previous = owned
    if previous is not None:
        yield previous


def derivative_keys() -> Iterator[str]:
    """Every derivative key a photo records: its thumbnails and playback copy (a video
    that plays its original records the original's key there, which is no derivative)."""
    photos = Photo._meta.db_table
    selects = " UNION ALL ".join(
        f"SELECT {column} AS k FROM {photos} WHERE {column} LIKE %s"  # noqa: S608  our names
        for column in ("thumbnail_key", "preview_key", "playback_key")
    )
    sql = f"SELECT k FROM ({selects}) AS owned ORDER BY {_byte_order('k')}"  # noqa: S608
    pattern = keys.DERIVATIVES + "%"
    previous = None
    for (key,) in _rows(sql, [pattern] * 3):
        if key != previous:
            yield str(key)
        previous = key
