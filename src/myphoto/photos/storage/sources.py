"""Sources of adopted libraries (issue 28): a folder under MYPHOTO_LIBRARY_ROOTS or an S3
prefix with its own endpoint and keys, read in place and never written.

A source lists its files page by page (path relative to the source, size, and a version
that changes when the file does: the ETag, or the modification time and size), reads a
range of one (what metadata needs) or the whole of it (thumbnails). Nothing here opens a
file for writing or sends a request that writes. Every path is checked to stay inside its
source: no absolute path, no `..`, no NUL, and a folder's symbolic links only where they
resolve inside it.
"""

from __future__ import annotations

import io
import os
import stat
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import IO, Any, Protocol
from urllib.parse import unquote, urlsplit

from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError
from django.utils.translation import gettext

from .base import CHUNK_SIZE, ObjectMissing, RangeReader, StorageUnavailable, file_chunks
from .s3 import Endpoint, shared_client

# Folders that NAS systems and desktops fill with their own thumbnails and indexes.
_SKIPPED_FOLDERS = {"@eaDir", "#recycle", ".AppleDouble", "$RECYCLE.BIN", "lost+found"}
_ERROR_REASONS = {
    "NoSuchBucket": "the bucket does not exist",
    "InvalidAccessKeyId": "the access key was refused",
    "SignatureDoesNotMatch": "the secret key was refused",
    "AccessDenied": "the keys may not list or read it",
}


class SourceNotAllowed(ValueError):
    """A source, or a path in one, that MyPhoto may not read (outside the roots, `..`)."""


class SourceUnreachable(StorageUnavailable):
    """A source that cannot be listed or read now (a missing bucket, refused keys, no
    answer); the sentence says which."""


@dataclass(frozen=True)
class SourceFile:
    path: str  # relative to the source, with "/" between folders: "Trips/2019 Jeju/a.jpg"
    size: int
    version: str  # changes when the file does: an ETag, or "mtime_ns:size"
    modified: datetime | None = None


class Source(Protocol):
    """What a scan needs of a source; read-only by construction."""

    location: str  # "s3://bucket/prefix/" or "file:///abs/path/", never a secret

    def check(self) -> None: ...

    def files(self) -> Iterator[SourceFile]: ...

    def read(self, path: str, start: int, length: int) -> bytes: ...

    def open(self, path: str) -> IO[bytes]: ...

    def stream(
        self, key: str, *, start: int = 0, end: int | None = None, chunk_size: int = CHUNK_SIZE
    ) -> Iterator[bytes]: ...


# A scan reads a file's head in blocks this big: a JPEG's EXIF is in its first 64 KiB.
HEAD_BLOCK = 64 * 1024


def open_reader(source: Source, path: str, size: int, *, block: int = 0) -> IO[bytes]:
    """A seekable file over a source's file that reads only the ranges asked for (a
    video's `moov` at its end, a JPEG's head); `fetched` on its `raw` counts the bytes."""
    return io.BufferedReader(RangeReader(source, path, size, block=block), buffer_size=8192)


def relative_path(path: str) -> PurePosixPath:
    """A path inside a source, or SourceNotAllowed for one that could leave it."""
    if not path or "\x00" in path or path.startswith("/"):
        raise SourceNotAllowed(_not_inside(path))
    relative = PurePosixPath(path)
    if any(part in ("..", "") for part in relative.parts):
        raise SourceNotAllowed(_not_inside(path))
    return relative


class FolderSource:
    """A folder of this machine (a NAS's share mounted here), under one of the roots."""

    def __init__(self, folder: str | Path, *, roots: Sequence[str | Path]) -> None:
        try:
            self.root = Path(folder).resolve(strict=True)
        except (OSError, RuntimeError) as err:
            raise SourceUnreachable(
                gettext("The folder %(folder)s cannot be opened: %(why)s.")
                % {"folder": folder, "why": err}
            ) from err
        allowed = [Path(root).resolve() for root in roots]
        if not any(self.root.is_relative_to(root) for root in allowed):
            where = ", ".join(str(root) for root in allowed) or "none set"
            raise SourceNotAllowed(
                gettext(
                    "%(folder)s is not under MYPHOTO_LIBRARY_ROOTS (%(roots)s): folders are "
                    "adopted only from there."
                )
                % {"folder": self.root, "roots": where}
            )
        if not self.root.is_dir():
            raise SourceNotAllowed(gettext("%(path)s is not a folder.") % {"path": self.root})
        self.location = self.root.as_uri() + "/"

    def check(self) -> None:
        try:
            next(os.scandir(self.root), None)
        except OSError as err:
            raise SourceUnreachable(_unreadable_folder(self.root, err)) from err

    def files(self) -> Iterator[SourceFile]:
        """Every file under the folder, folder by folder in name order; links that lead
        out of it, hidden files and NAS index folders left out."""
        pending = [self.root]
        while pending:
            folder = pending.pop()
            try:
                entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
            except OSError as err:
                raise SourceUnreachable(_unreadable_folder(folder, err)) from err
            inner = []
            for entry in entries:
                if entry.name.startswith(".") or entry.name in _SKIPPED_FOLDERS:
                    continue
                try:
                    target = Path(entry.path).resolve(strict=True)
                    found = target.stat()
                except (OSError, RuntimeError) as err:
                    if not os.path.isdir(folder):
                        # The share went away, not the file: an outage must not read as
                        # every file after this one gone.
                        raise SourceUnreachable(
                            _unreadable_folder(folder, gettext("it is gone"))
                        ) from err
                    continue  # a broken link, or a file deleted meanwhile
                if not target.is_relative_to(self.root):
                    continue  # a link out of the library
                if stat.S_ISDIR(found.st_mode):
                    if not entry.is_symlink():  # a linked folder inside is listed where it is
                        inner.append(Path(entry.path))
                elif stat.S_ISREG(found.st_mode):
                    yield SourceFile(
                        Path(entry.path).relative_to(self.root).as_posix(),
                        found.st_size,
                        f"{found.st_mtime_ns}:{found.st_size}",
                        datetime.fromtimestamp(found.st_mtime, tz=UTC),
                    )
            pending.extend(reversed(inner))
        self.check()  # still there at the end: the listing was whole

    def _file(self, path: str) -> Path:
        try:
            target = (self.root / relative_path(path)).resolve(strict=True)
        except (OSError, RuntimeError) as err:
            raise ObjectMissing(path) from err
        if not target.is_relative_to(self.root) or not target.is_file():
            raise SourceNotAllowed(
                gettext("“%(path)s” is not a file inside the library.") % {"path": path}
            )
        return target

    def read(self, path: str, start: int, length: int) -> bytes:
        with self.open(path) as opened:
            opened.seek(start)
            return opened.read(length)

    def open(self, path: str) -> IO[bytes]:
        try:
            return self._file(path).open("rb")
        except FileNotFoundError as err:
            raise ObjectMissing(path) from err
        except OSError as err:
            raise SourceUnreachable(_unreadable(path, err.strerror)) from err

    def stream(
        self, key: str, *, start: int = 0, end: int | None = None, chunk_size: int = CHUNK_SIZE
    ) -> Iterator[bytes]:
        return self._guarded(key, file_chunks(self.open(key), start, end, chunk_size))

    @staticmethod
    def _guarded(path: str, chunks: Iterator[bytes]) -> Iterator[bytes]:
        try:
            yield from chunks
        except OSError as err:  # the share went away mid-read
            raise SourceUnreachable(_unreadable(path, err.strerror)) from err


class S3Source:
    """The objects under a prefix of a bucket, through a client of their own (the
    library's endpoint and keys, not the server's)."""

    def __init__(self, bucket: str, prefix: str, endpoint: Endpoint) -> None:
        if not bucket:
            raise SourceNotAllowed(gettext("Name the bucket: s3://bucket/prefix/."))
        self.bucket = bucket
        self.prefix = prefix.lstrip("/")
        if self.prefix and not self.prefix.endswith("/"):
            self.prefix += "/"
        self.endpoint = endpoint
        self.location = f"s3://{bucket}/{self.prefix}"

    @property
    def _client(self):  # type: ignore[no-untyped-def]  # boto3's client, typed in s3.py
        return shared_client(self.endpoint)

    def _unreachable(self, err: Exception) -> SourceUnreachable:
        code = err.response.get("Error", {}).get("Code", "") if isinstance(err, ClientError) else ""
        reason = _ERROR_REASONS.get(code) or str(err)
        return SourceUnreachable(_unreadable(self.location, reason))

    def check(self) -> None:
        try:
            self._client.list_objects_v2(Bucket=self.bucket, Prefix=self.prefix, MaxKeys=1)
        except (ClientError, BotoCoreError) as err:
            raise self._unreachable(err) from err

    def files(self) -> Iterator[SourceFile]:
        pages = self._client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=self.prefix
        )
        try:
            for page in pages:
                for item in page.get("Contents", []):
                    path = item["Key"][len(self.prefix) :]
                    if not path or path.endswith("/"):
                        continue  # the prefix itself, or a folder's marker
                    yield SourceFile(
                        path, item["Size"], item["ETag"].strip('"'), item.get("LastModified")
                    )
        except (ClientError, BotoCoreError) as err:
            raise self._unreachable(err) from err

    def _key(self, path: str) -> str:
        return self.prefix + str(relative_path(path))

    def read(self, path: str, start: int, length: int) -> bytes:
        if length <= 0:
            return b""
        key = self._key(path)
        try:
            answer = self._client.get_object(
                Bucket=self.bucket, Key=key, Range=f"bytes={start}-{start + length - 1}"
            )
            return bytes(answer["Body"].read())
        except ClientError as err:
            code = err.response.get("Error", {}).get("Code", "")
            if code == "InvalidRange":
                return b""  # past the end of the file
            if code in ("NoSuchKey", "404"):
                raise ObjectMissing(path) from err
            raise self._unreachable(err) from err
        except BotoCoreError as err:
            raise self._unreachable(err) from err

    def open(self, path: str) -> IO[bytes]:
        try:
            answer = self._client.get_object(Bucket=self.bucket, Key=self._key(path))
        except ClientError as err:
            if err.response.get("Error", {}).get("Code", "") in ("NoSuchKey", "404"):
                raise ObjectMissing(path) from err
            raise self._unreachable(err) from err
        except BotoCoreError as err:
            raise self._unreachable(err) from err
        body: IO[bytes] = answer["Body"]
        return body

    def stream(
        self, key: str, *, start: int = 0, end: int | None = None, chunk_size: int = CHUNK_SIZE
    ) -> Iterator[bytes]:
        """Bytes start..end (inclusive) of the file, by one ranged GET opened before this
        returns (a missing file raises here, not half-way through a response)."""
        span = f"bytes={start}-{'' if end is None else end}"
        try:
            answer = self._client.get_object(Bucket=self.bucket, Key=self._key(key), Range=span)
        except ClientError as err:
            code = err.response.get("Error", {}).get("Code", "")
            if code in ("NoSuchKey", "404"):
                raise ObjectMissing(key) from err
            if code == "InvalidRange":
                return iter(())
            raise self._unreachable(err) from err
        except BotoCoreError as err:
            raise self._unreachable(err) from err
        return self._body(answer["Body"], chunk_size)

    def _body(self, body: Any, chunk_size: int) -> Iterator[bytes]:
        try:
            with body:
                yield from body.iter_chunks(chunk_size)
        except (ClientError, BotoCoreError) as err:
            raise self._unreachable(err) from err


@dataclass(frozen=True)
class S3Access:
    """A library's own way into S3; the keys are never answered back or logged."""

    endpoint_url: str | None = None
    region: str = "us-east-1"
    access_key_id: str | None = None
    secret_access_key: str | None = None

    def __repr__(self) -> str:
        return f"S3Access(endpoint_url={self.endpoint_url!r}, region={self.region!r})"


def source_for(location: str, *, roots: Sequence[str | Path], s3: S3Access | None = None) -> Source:
    """The source a location names: `s3://bucket/prefix/`, `file:///abs/path/` or an
    absolute path; SourceNotAllowed for anything else."""
    if location.startswith("s3://"):
        parts = urlsplit(location)
        access = s3 or S3Access()
        endpoint = Endpoint(
            access.endpoint_url or None,
            access.region,
            access.access_key_id or None,
            access.secret_access_key or None,
            Config(retries={"max_attempts": 3, "mode": "standard"}, connect_timeout=10),
        )
        return S3Source(parts.netloc, unquote(parts.path), endpoint)
    if location.startswith("file://"):
        parts = urlsplit(location)
        if parts.netloc not in ("", "localhost"):
            raise SourceNotAllowed(gettext("A folder of another machine: mount it here first."))
        return FolderSource(unquote(parts.path), roots=roots)
    if location.startswith("/"):
        return FolderSource(location, roots=roots)
    raise SourceNotAllowed(
        gettext("“%(location)s” is neither s3://bucket/prefix/ nor a folder (file:///path/).")
        % {"location": location}
    )


def _not_inside(path: str) -> str:
    return gettext("“%(path)s” is not a path inside the library.") % {"path": path}


def _unreadable_folder(folder: object, why: object) -> str:
    return gettext("The folder %(folder)s cannot be read: %(why)s.") % {
        "folder": folder,
        "why": why,
    }


def _unreadable(what: object, why: object) -> str:
    return gettext("%(what)s cannot be read: %(why)s.") % {"what": what, "why": why}
