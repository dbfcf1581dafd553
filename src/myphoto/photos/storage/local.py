"""Objects as files under one folder (MYPHOTO_DATA_DIR/media by default)."""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

from django.core.exceptions import SuspiciousFileOperation
from django.utils._os import safe_join

from .base import CHUNK_SIZE, ObjectMissing, PhotoStorage, StorageUnavailable, StoredObject

# Half-written files carry this mark until they are renamed into place.
_PARTIAL = ".partial-"


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
        partial = path.with_name(f"{_PARTIAL}{uuid.uuid4().hex}-{path.name}")
        with _translated(key, "write"):
            path.parent.mkdir(parents=True, exist_ok=True)
            try:
                with partial.open("wb") as out:
                    while block := content.read(CHUNK_SIZE):
                        out.write(block)
                    out.flush()
                    os.fsync(out.fileno())
                os.replace(partial, path)
            finally:
                partial.unlink(missing_ok=True)

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
        with handle, _translated(key, "read"):
            handle.seek(start)
            remaining = None if end is None else end - start + 1
            while remaining is None or remaining > 0:
                block = handle.read(chunk_size if remaining is None else min(chunk_size, remaining))
                if not block:
                    break
                if remaining is not None:
                    remaining -= len(block)
                yield block

    def size(self, key: str) -> int:
        with _translated(key, "stat"):
            return self._path(key).stat().st_size

    def exists(self, key: str) -> bool:
        with _translated(key, "stat"):
            return self._path(key).is_file()

    def copy(self, source: str, target: str) -> None:
        with _translated(source, "read"), self._path(source).open("rb") as handle:
            self.put(target, handle)

    def delete_many(self, keys: Iterable[str]) -> None:
        for key in keys:
            if key:
                with _translated(key, "delete"):
                    self._path(key).unlink(missing_ok=True)

    def list_objects(self, prefix: str = "") -> Iterator[StoredObject]:
        # Prefixes are folder-shaped ("originals/"): walk the folder the prefix names.
        folder = self._path(prefix.rsplit("/", 1)[0]) if "/" in prefix else self.root
        with _translated(prefix, "list"):
            for dirpath, dirnames, filenames in os.walk(folder):
                dirnames.sort()
                for filename in sorted(filenames):
                    path = Path(dirpath, filename)
                    key = path.relative_to(self.root).as_posix()
                    if not key.startswith(prefix):
                        continue
                    try:
                        stat = path.stat()
                    except FileNotFoundError:
                        continue  # deleted while we walked
                    modified = datetime.fromtimestamp(stat.st_mtime, tz=UTC)
                    yield StoredObject(key, stat.st_size, modified)

    def ping(self) -> None:
        with _translated(str(self.root), "use the media folder"):
            self.root.mkdir(parents=True, exist_ok=True)
        if not os.access(self.root, os.W_OK):
            raise StorageUnavailable(f"media folder {self.root} is not writable")
