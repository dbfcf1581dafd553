"""Objects as files under one folder (MYPHOTO_DATA_DIR/media by default)."""

from __future__ import annotations

import contextlib
import fcntl
import io
import os
import re
import shutil
import uuid
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from django.core.exceptions import SuspiciousFileOperation
from django.utils._os import safe_join
from zlib_ng import zlib_ng

from .base import (
    CHUNK_SIZE,
    ObjectMissing,
    OpenUpload,
    PartsChanged,
    PhotoStorage,
    Readable,
    StorageUnavailable,
    StoredObject,
    UploadedPart,
    file_chunks,
)

# Half-written files carry this mark until they are renamed into place.
_PARTIAL = ".partial-"
# A multipart upload's parts, until they are assembled: multipart/<upload id>/<number>,
# beside a file naming the key they will become.
_MULTIPART = "multipart"
_TARGET = "target"
_PART_SIZE = "part-size"
_DATA = "data"
# Part writers share it; completing and aborting hold it alone (see _upload_lock).
_LOCK = "lock"
_UPLOAD_ID = re.compile(r"[0-9a-f]{32}")


@contextlib.contextmanager
def _translated(key: str, action: str) -> Iterator[None]:
    """The one place where OS errors become storage errors."""
    try:
        yield
    except FileNotFoundError as err:
        raise ObjectMissing(key) from err
    except OSError as err:
        # A full disk, a read-only mount, permissions: not the object's fault.
        raise StorageUnavailable(f"could not {action} {key!r}: {err.strerror or err}") from err


class LocalPhotoStorage(PhotoStorage):
    def __init__(self, location: str | os.PathLike[str]) -> None:
        self.root = Path(location)

    def __repr__(self) -> str:
        return f"LocalPhotoStorage({str(self.root)!r})"

    def _path(self, key: str) -> Path:
        try:
            return Path(safe_join(self.root, key))
        except SuspiciousFileOperation:
            # Keys are server-made: one outside the root is a bug, not a missing file.
            raise ValueError(f"storage key {key!r} leaves the storage folder") from None

    def put(
        self, key: str, content: IO[bytes], *, size: int | None = None, sha256: str | None = None
    ) -> None:
        """Write to a temporary name beside the target, then rename: never a half file."""
        path = self._path(key)
        with _translated(key, "write"):
            path.parent.mkdir(parents=True, exist_ok=True)
            _write_whole(path, content)

    def stream(
        self, key: str, *, start: int = 0, end: int | None = None, chunk_size: int = CHUNK_SIZE
    ) -> Iterator[bytes]:
        with _translated(key, "read"):
            handle = self._path(key).open("rb")
        return self._chunks(handle, key, start, end, chunk_size)

    @staticmethod
    def _chunks(
        handle: IO[bytes], key: str, start: int, end: int | None, chunk_size: int
    ) -> Iterator[bytes]:
        with _translated(key, "read"):
            yield from file_chunks(handle, start, end, chunk_size)

    def size(self, key: str) -> int:
        with _translated(key, "stat"):
            return self._path(key).stat().st_size

    def exists(self, key: str) -> bool:
        with _translated(key, "stat"):
            return self._path(key).is_file()

    def open_reader(self, key: str) -> IO[bytes]:
        """The file itself: nothing to fetch."""
        with _translated(key, "read"):
            return self._path(key).open("rb")

    def copy(self, source: str, target: str) -> None:
        with _translated(source, "read"), self._path(source).open("rb") as handle:
            self.put(target, handle)

    def move(self, source: str, target: str) -> None:
        """A rename: a video of gigabytes is not copied."""
        path = self._path(target)
        with _translated(source, "move"):
            path.parent.mkdir(parents=True, exist_ok=True)
            os.replace(self._path(source), path)
            os.utime(path)  # moved now: its age counts from here

    def delete_many(self, keys: Iterable[str]) -> None:
        for key in keys:
            if key:
                with _translated(key, "delete"):
                    self._path(key).unlink(missing_ok=True)

    def list_objects(self, prefix: str = "") -> Iterator[StoredObject]:
        """In the order of the keys' bytes, as S3 lists them (`myphoto fsck` merges this
        with keys sorted by the database)."""
        for key in self.list_keys(prefix):
            with _translated(key, "stat"):
                try:
                    stat = os.stat(f"{self.root}/{key}")
                except FileNotFoundError:
                    continue  # deleted while we walked
            modified = datetime.fromtimestamp(stat.st_mtime, tz=UTC)
            yield StoredObject(key, stat.st_size, modified)

    def list_keys(self, prefix: str = "") -> Iterator[str]:
        """Without a stat per file: a million thumbnails are a million system calls fewer."""
        # Prefixes are folder-shaped ("originals/"): walk the folder the prefix names.
        folder = prefix.rsplit("/", 1)[0] + "/" if "/" in prefix else ""
        self._path(folder or ".")  # a prefix that leaves the root is a bug: ValueError
        with _translated(prefix, "list"):
            for key in _walk_in_key_order(str(self.root), folder):
                if key.startswith(prefix):
                    yield key

    def stat(self, key: str) -> StoredObject:
        with _translated(key, "stat"):
            stat = self._path(key).stat()
        return StoredObject(key, stat.st_size, datetime.fromtimestamp(stat.st_mtime, tz=UTC))

    def _upload_folder(self, upload_id: str) -> Path:
        if not _UPLOAD_ID.fullmatch(upload_id):
            raise ValueError(f"{upload_id!r} is no upload id made here")
        return self.root / _MULTIPART / upload_id

    def _open_upload(self, key: str, upload_id: str) -> Path:
        folder = self._upload_folder(upload_id)
        with _translated(key, "find the multipart upload of"):
            if (folder / _TARGET).read_text() != key:
                raise ObjectMissing(key)
        return folder

    def multipart_start(self, key: str, *, part_size: int) -> str:
        """Parts are written straight into one file at their offsets, so that completing
        is a rename: a 20 GB video is never copied on the disk."""
        upload_id = uuid.uuid4().hex
        folder = self._upload_folder(upload_id)
        with _translated(key, "begin a multipart upload of"):
            folder.mkdir(parents=True)
            (folder / _PART_SIZE).write_text(str(part_size))
            (folder / _DATA).touch()
            (folder / _TARGET).write_text(key)  # last: the upload is open once it is there
        return upload_id

    def multipart_put_part(self, key: str, upload_id: str, number: int, content: Readable) -> str:
        """The part's bytes go to their place in the upload's file; a note saying the part
        is whole is written after them (and removed before), so a part cut short is absent."""
        folder = self._open_upload(key, upload_id)
        note = folder / f"{number:05d}"
        digest = _Crc32()
        with _translated(key, f"write part {number} of"), _upload_lock(folder, shared=True):
            if not (folder / _TARGET).exists():
                raise ObjectMissing(key)  # completed or aborted while this part waited
            part_size = int((folder / _PART_SIZE).read_text())
            note.unlink(missing_ok=True)
            written = _write_at(
                folder / _DATA, (number - 1) * part_size, part_size, content, digest
            )
            _write_whole(note, io.BytesIO(str(written).encode()))
        return f'"{digest.hexdigest()}"'

    def multipart_parts(self, key: str, upload_id: str) -> list[UploadedPart]:
        folder = self._open_upload(key, upload_id)
        parts = []
        with _translated(key, "list the parts of"):
            for note in folder.iterdir():
                if note.name.isdigit():
                    with contextlib.suppress(FileNotFoundError, ValueError):  # being rewritten
                        parts.append(UploadedPart(int(note.name), int(note.read_text()), ""))
        return sorted(parts, key=lambda part: part.number)

    def multipart_complete(self, key: str, upload_id: str, parts: list[UploadedPart]) -> None:
        """The upload's file, cut to the parts' total, becomes the object (a rename)."""
        folder = self._open_upload(key, upload_id)
        path = self._path(key)
        # No part is being written into the file while it becomes the object, nor after.
        with _translated(key, "assemble"), _upload_lock(folder, shared=False):
            now = {part.number: part for part in self.multipart_parts(key, upload_id)}
            if any(now.get(part.number) != part for part in parts):
                raise PartsChanged(key)  # sent again (or cut short) since they were listed
            part_size = int((folder / _PART_SIZE).read_text())
            numbers = [part.number for part in parts]
            if numbers != list(range(1, len(parts) + 1)) or any(
                part.size != part_size for part in parts[:-1]
            ):
                raise ValueError("parts on disk are assembled in full, from 1, of the part size")
            data = folder / _DATA
            os.truncate(data, sum(part.size for part in parts))
            path.parent.mkdir(parents=True, exist_ok=True)
            os.replace(data, path)
            _close(folder)

    def multipart_abort(self, key: str, upload_id: str) -> None:
        folder = self._upload_folder(upload_id)
        with _translated(key, "abort the multipart upload of"):
            try:
                with _upload_lock(folder, shared=False):
                    _close(folder)
            except FileNotFoundError:
                _close(folder)  # gone already, or half made

    def multipart_open_uploads(self, prefix: str = "") -> Iterator[OpenUpload]:
        with _translated(prefix, "list the multipart uploads under"):
            for target in sorted((self.root / _MULTIPART).glob(f"*/{_TARGET}")):
                try:
                    key = target.read_text()
                    started = datetime.fromtimestamp(target.stat().st_mtime, tz=UTC)
                except FileNotFoundError:
                    continue  # completed or aborted while we looked
                if key.startswith(prefix):
                    yield OpenUpload(key, target.parent.name, started)

    def ping(self) -> None:
        with _translated(str(self.root), "use the media folder"):
            self.root.mkdir(parents=True, exist_ok=True)
        if not os.access(self.root, os.W_OK):
            raise StorageUnavailable(f"media folder {self.root} is not writable")


def _walk_in_key_order(root: str, folder: str) -> Iterator[str]:
    """The key of every file under `root/folder`, in the byte order of the keys.

    A folder's files and subfolders are sorted together, a subfolder `d` as `d/`, which
    is where its files' keys sort. One stack of keys, not a generator per level (a
    million files pass through it), holding names only: the entries of the folders on
    the way down (a folder of a million originals is a million names).
    """
    stack = [folder]
    while stack:
        key = stack.pop()
        if key and not key.endswith("/"):
            yield key
            continue
        try:
            with os.scandir(f"{root}/{key}" if key else root) as entries:
                names = [
                    f"{key}{entry.name}/"
                    if entry.is_dir(follow_symlinks=False)
                    else key + entry.name
                    for entry in entries
                ]
        except (FileNotFoundError, NotADirectoryError):
            continue  # no such folder yet, or deleted while we walked
        names.sort(reverse=True)  # popped from the end: smallest first
        stack += names


@contextlib.contextmanager
def _upload_lock(folder: Path, *, shared: bool) -> Iterator[None]:
    """The upload's lock: parts are written under it shared, and it is held alone to
    complete or abort the upload, so that a part still on its way never writes into the
    file once it is the object (it finds the upload closed instead). Open file locks: one
    per opening, between threads as between processes."""
    handle = os.open(folder / _LOCK, os.O_RDONLY | os.O_CREAT, 0o600)
    try:
        fcntl.flock(handle, fcntl.LOCK_SH if shared else fcntl.LOCK_EX)
        yield
    finally:
        os.close(handle)  # and with it the lock


def _close(folder: Path) -> None:
    """End an upload: its key note first, so that a part arriving meanwhile sees it is
    closed (and removes itself), then the folder with its parts."""
    (folder / _TARGET).unlink(missing_ok=True)
    shutil.rmtree(folder, ignore_errors=True)


def _write_whole(path: Path, content: Readable, *, digest: Any = None) -> None:
    """Write `content` to a temporary name beside `path`, then rename: never a half file.
    `digest`, when given, is updated with the bytes as they go."""
    partial = path.with_name(f"{_PARTIAL}{uuid.uuid4().hex}-{path.name}")
    try:
        with partial.open("wb") as out:
            while block := content.read(CHUNK_SIZE):
                if digest is not None:
                    digest.update(block)
                out.write(block)
            out.flush()
            os.fsync(out.fileno())
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)


def _write_at(path: Path, offset: int, limit: int, content: Readable, digest: Any) -> int:
    """Write `content` (at most `limit` bytes) into the file at `offset`, flushed to the
    disk; return how many bytes it had."""
    written = 0
    with path.open("r+b") as out:
        out.seek(offset)
        while block := content.read(CHUNK_SIZE):
            written += len(block)
            if written > limit:
                raise ValueError(f"a part of more than {limit} bytes")
            digest.update(block)
            out.write(block)
        out.flush()
        os.fsync(out.fileno())
    return written


class _Crc32:
    """A part's ETag: its CRC-32 (zlib-ng's, at many GB/s), where S3 has an MD5 that costs
    more CPU than writing the part. Clients treat ETags as opaque."""

    def __init__(self) -> None:
        self.value = 0

    def update(self, data: bytes) -> None:
        self.value = zlib_ng.crc32(data, self.value)

    def hexdigest(self) -> str:
        return f"{self.value:08x}"
