"""Where a photo's original is read: MyPhoto's storage, or, for a photo of an adopted
library, the file in its source (read in place, never written). Every reader of originals
(downloads, zips, derivatives, playback) goes through here."""

from __future__ import annotations

import io
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import IO
from uuid import UUID

from .library_sources import source_by_id
from .models import LibraryFile, Photo
from .storage import CHUNK_SIZE, ObjectMissing, get_storage
from .storage.base import RangeReader, Streams, spooled


@dataclass(frozen=True)
class Original:
    """One original's bytes, wherever they are."""

    store: Streams
    key: str  # a storage key, or a path inside the library's source
    size: int

    def stream(self, *, start: int = 0, end: int | None = None) -> Iterator[bytes]:
        return self.store.stream(self.key, start=start, end=end, chunk_size=CHUNK_SIZE)

    def whole(self) -> Iterator[bytes]:
        """All of it, and never more than the size recorded: a file of a source that grew
        since its scan must not overrun the Content-Length or zip entry announced."""
        return self.stream(end=self.size - 1) if self.size else self.stream()

    def open_reader(self) -> IO[bytes]:
        """A seekable file that fetches only what is read (a video's index, a few frames)."""
        return io.BufferedReader(RangeReader(self.store, self.key, self.size))

    def local_copy(self) -> tempfile.SpooledTemporaryFile[bytes]:
        return spooled(self.stream())


def original_of(photo: Photo) -> Original:
    """The photo's original; ObjectMissing for an adopted photo whose file is unknown."""
    if not photo.is_adopted:
        return Original(get_storage(), photo.storage_key, photo.size)
    return originals_of([photo])[photo.pk]


def originals_of(photos: Iterable[Photo]) -> dict[UUID, Original]:
    """The originals of many photos, with one query for the adopted ones' paths."""
    photos = list(photos)
    found = {
        photo.pk: Original(get_storage(), photo.storage_key, photo.size)
        for photo in photos
        if not photo.is_adopted
    }
    adopted = {photo.pk: photo for photo in photos if photo.is_adopted}
    if adopted:
        files = LibraryFile.objects.filter(photo_id__in=list(adopted)).values_list(
            "photo_id", "library_id", "path"
        )
        sources: dict[int, Streams] = {}
        for photo_id, library_id, path in files:
            if library_id not in sources:
                sources[library_id] = source_by_id(library_id)
            found[photo_id] = Original(sources[library_id], path, adopted[photo_id].size)
    for photo in photos:
        if photo.pk not in found:
            raise ObjectMissing(photo.storage_key)
    return found
