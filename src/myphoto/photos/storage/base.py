"""What the photo library needs of object storage: one interface, a backend per kind of store.

Django's Storage API saves and opens files; a photo library also needs reads
that never hold a whole object, byte ranges, batch deletes, listings (for
fsck) and URLs that let browsers move bytes without the app. Each backend
translates its own failures into the two errors below, in one place, so that
callers (and the API's error handlers) never see a botocore or OS error.
"""

from __future__ import annotations

import io
import tempfile
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import IO, Any, Protocol

# Bytes are streamed in chunks of at most this size (DESIGN rule 2).
CHUNK_SIZE = 1024 * 1024
# Objects up to this size are copied into memory; bigger ones spool to a temporary file.
_SPOOL_BYTES = 64 * 1024 * 1024


class ObjectMissing(Exception):
    """The object a row points to is not in storage."""


class PartsChanged(Exception):
    """A part was being sent again while the upload was completed: list the parts again."""


class StorageUnavailable(Exception):
    """The storage could not be reached or refused the request; trying later may work."""


class Readable(Protocol):
    """Anything bytes are read from: a file, a request's body."""

    def read(self, size: int = -1, /) -> bytes: ...


@dataclass(frozen=True)
class StoredObject:
    key: str
    size: int
    modified: datetime | None = None


@dataclass(frozen=True)
class UploadedPart:
    """One part of a multipart upload that the storage holds."""

    number: int  # 1-based
    size: int
    etag: str


@dataclass(frozen=True)
class OpenUpload:
    """A multipart upload begun and neither completed nor aborted."""

    key: str
    upload_id: str
    started: datetime | None


@dataclass(frozen=True)
class PresignedPost:
    """Where and with which form fields a browser POSTs one file straight to storage."""

    url: str
    fields: dict[str, str]


class PhotoStorage(ABC):
    """Objects under server-made keys (see `myphoto.photos.keys`).

    Keys are never user input: a backend may assume them well formed, but not
    that the object behind one exists. A multipart upload builds one object
    from parts sent one by one (each retried alone), then assembled under the
    key it was begun for; until then the object does not exist.
    """

    #: Whether `presigned_get_url` and `presigned_post` hand out URLs.
    hands_out_urls: bool = False

    @abstractmethod
    def put(
        self, key: str, content: IO[bytes], *, size: int | None = None, sha256: str | None = None
    ) -> None:
        """Write `content` (from its current position) under exactly `key`, replacing it.

        `sha256`, the content's hex digest when the caller has it, lets the storage
        check that the bytes it got are those that were sent, where it can.
        """

    @abstractmethod
    def stream(
        self, key: str, *, start: int = 0, end: int | None = None, chunk_size: int = CHUNK_SIZE
    ) -> Iterator[bytes]:
        """Open the object and return an iterator over bytes start..end (inclusive).

        The object is opened before this returns, so a missing object raises
        ObjectMissing here rather than half-way through a response.
        """

    @abstractmethod
    def size(self, key: str) -> int:
        """The object's size in bytes; ObjectMissing if there is none."""

    @abstractmethod
    def exists(self, key: str) -> bool: ...

    @abstractmethod
    def stat(self, key: str) -> StoredObject:
        """The object's size and when it was written; ObjectMissing if there is none."""

    @abstractmethod
    def copy(self, source: str, target: str) -> None:
        """Copy an object inside the storage (on S3 the bytes never leave the server)."""

    def move(self, source: str, target: str) -> None:
        """Put the object under another key (a copy inside the storage, then a delete),
        written now as far as `stat` tells."""
        self.copy(source, target)
        self.delete_many([source])

    @abstractmethod
    def delete_many(self, keys: Iterable[str]) -> None:
        """Delete objects; a key that is already gone is not an error."""

    @abstractmethod
    def list_objects(self, prefix: str = "") -> Iterator[StoredObject]:
        """Yield every object whose key starts with `prefix`, in the byte order of the keys
        (S3's order; `myphoto fsck` merges listings with sorted rows)."""

    def list_keys(self, prefix: str = "") -> Iterator[str]:
        """The keys alone, in the same order (where a listing costs a stat per object
        otherwise, it costs none here)."""
        return (stored.key for stored in self.list_objects(prefix))

    @abstractmethod
    def ping(self) -> None:
        """Raise StorageUnavailable unless the storage answers and takes writes."""

    def presigned_get_url(
        self, key: str, *, content_disposition: str, content_type: str, expires_in: int
    ) -> str | None:
        """A short-lived URL a browser can GET the object from, or None if this storage has none."""
        return None

    def presigned_post(self, key: str, *, max_bytes: int, expires_in: int) -> PresignedPost | None:
        """A form to POST one file of at most `max_bytes` to exactly `key`, or None."""
        return None

    def browser_origins(self) -> list[str]:
        """The origins browsers reach storage at, through the URLs handed out; none here."""
        return []

    @abstractmethod
    def multipart_start(self, key: str, *, part_size: int) -> str:
        """Begin a multipart upload of the object `key` in parts of `part_size` bytes (the
        last smaller); return the upload's id."""

    def multipart_part_url(
        self, key: str, upload_id: str, number: int, *, expires_in: int
    ) -> str | None:
        """A URL a client PUTs part `number` to, or None: parts then go through the app
        (`multipart_put_part`)."""
        return None

    @abstractmethod
    def multipart_put_part(self, key: str, upload_id: str, number: int, content: Readable) -> str:
        """Store part `number` (replacing one sent before), from a stream; return its ETag.
        ObjectMissing if the upload is not open."""

    @abstractmethod
    def multipart_parts(self, key: str, upload_id: str) -> list[UploadedPart]:
        """The parts that have arrived, by number. ObjectMissing if the upload is not open."""

    @abstractmethod
    def multipart_complete(self, key: str, upload_id: str, parts: list[UploadedPart]) -> None:
        """Assemble these parts, in order, into the object `key`; the upload closes."""

    @abstractmethod
    def multipart_abort(self, key: str, upload_id: str) -> None:
        """Close the upload and drop its parts; an upload already gone is not an error."""

    @abstractmethod
    def multipart_open_uploads(self, prefix: str = "") -> Iterator[OpenUpload]:
        """The uploads begun for keys under `prefix` and still open (to expire them)."""

    def read_bytes(self, key: str) -> bytes:
        """Return a small object whole (derivatives only; originals are streamed)."""
        return b"".join(self.stream(key))

    def open_reader(self, key: str) -> IO[bytes]:
        """A seekable read-only file over the object that fetches only what is read (a
        video's poster needs its index and a few frames, not gigabytes). The caller closes
        it. ObjectMissing if there is no such object."""
        return io.BufferedReader(RangeReader(self, key, self.size(key)))

    def local_copy(self, key: str) -> tempfile.SpooledTemporaryFile[bytes]:
        """Return a temporary file holding the object, at its start; the caller closes it."""
        return spooled(self.stream(key))


def file_chunks(handle: IO[bytes], start: int, end: int | None, chunk_size: int) -> Iterator[bytes]:
    """Bytes start..end (inclusive; None: to the end) of an open file, closed after."""
    with handle:
        handle.seek(start)
        remaining = None if end is None else end - start + 1
        while remaining is None or remaining > 0:
            block = handle.read(chunk_size if remaining is None else min(chunk_size, remaining))
            if not block:
                break
            if remaining is not None:
                remaining -= len(block)
            yield block


def spooled(chunks: Iterator[bytes]) -> tempfile.SpooledTemporaryFile[bytes]:
    """A temporary file holding the chunks (in memory up to 64 MiB), at its start; the
    caller closes it."""
    copy: tempfile.SpooledTemporaryFile[bytes] = tempfile.SpooledTemporaryFile(  # noqa: SIM115  the caller closes it
        max_size=_SPOOL_BYTES
    )
    try:
        for chunk in chunks:
            copy.write(chunk)
    except BaseException:
        copy.close()
        raise
    copy.seek(0)
    return copy


class Streams(Protocol):
    """What reads ranges of objects: a photo storage, or an adopted library's source."""

    def stream(
        self, key: str, *, start: int = 0, end: int | None = None, chunk_size: int = CHUNK_SIZE
    ) -> Iterator[bytes]: ...


class RangeReader(io.RawIOBase):
    """An object read by ranges of `block` bytes, the last two kept: a demuxer's small
    reads and short seeks back cost no extra request."""

    block = 4 * 1024 * 1024

    def __init__(self, storage: Streams, key: str, size: int, *, block: int = 0) -> None:
        super().__init__()
        self._storage, self._key, self._size = storage, key, size
        if block:
            self.block = block
        self._position = 0
        self._blocks: dict[int, bytes] = {}
        #: Bytes fetched from the storage so far.
        self.fetched = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._position, io.SEEK_END: self._size}[whence]
        self._position = max(0, base + offset)
        return self._position

    def _block(self, index: int) -> bytes:
        if index not in self._blocks:
            start = index * self.block
            end = min(start + self.block, self._size) - 1
            data = b"".join(self._storage.stream(self._key, start=start, end=end))
            self.fetched += len(data)
            if len(self._blocks) >= 2:
                self._blocks.pop(next(iter(self._blocks)))
            self._blocks[index] = data
        return self._blocks[index]

    def readinto(self, buffer: Any) -> int:
        if self._position >= self._size:
            return 0
        index, within = divmod(self._position, self.block)
        data = self._block(index)[within : within + len(buffer)]
        buffer[: len(data)] = data
        self._position += len(data)
        return len(data)
