"""An export read where it lies: zip parts, tar parts and folders, never unpacked.

Every part is walked in its own order and each entry handed out with a reader that
stops at the size the archive declares (a bomb-like entry cannot fill memory or disk).
A zip whose directory is missing or damaged (a download cut short) is read from its
start, entry by entry, up to the damage; what could not be read is a `Problem`.
"""

from __future__ import annotations

import contextlib
import tarfile
import unicodedata
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO, Any, cast

import stream_unzip

from ...common.folders import walk
from ..speech import gettext

CHUNK = 1024 * 1024
# A photo or video compresses a little; a ratio past this is a bomb, not a photo.
BOMB_RATIO = 100
BOMB_CHECKED_ABOVE = 16 * 1024 * 1024


class EntryDamaged(Exception):
    """An entry's bytes could not be read whole (a cut part, a bad checksum)."""


@dataclass(frozen=True)
class Entry:
    """One file of an export: `path` inside its part ('/'-separated, NFC), its size, its
    CRC-32 when the archive records it, and its own path when it lies in a folder."""

    part: str
    path: str
    size: int
    crc: int | None = None
    on_disk: Path | None = None
    ref: Any = field(default=None, compare=False, repr=False)

    @property
    def name(self) -> str:
        return self.path.rsplit("/", 1)[-1]

    @property
    def folder(self) -> str:
        return self.path.rsplit("/", 1)[0] if "/" in self.path else ""

    @property
    def where(self) -> str:
        return f"{self.part}: {self.path}" if self.on_disk is None else str(self.on_disk)


@dataclass(frozen=True)
class Problem:
    where: str
    reason: str


class Limited:
    """An entry's bytes, never more than it declares."""

    def __init__(self, source: IO[bytes] | Iterator[bytes], size: int, where: str) -> None:
        self._left, self._where = size, where
        self._pending = b""
        # A file is iterable too, by lines (of which a photo has none): its read() it is.
        if hasattr(source, "read"):
            self._chunk: Callable[[int], bytes] = cast(IO[bytes], source).read
        else:
            self._chunks = source
            self._chunk = self._from_chunks

    def _from_chunks(self, size: int) -> bytes:
        if not self._pending:
            self._pending = next(self._chunks, b"")
        data, self._pending = self._pending[:size], self._pending[size:]
        return data

    def read(self, size: int = -1) -> bytes:
        wanted = self._left if size < 0 else min(size, self._left)
        parts: list[bytes] = []
        try:
            while wanted > 0:
                data = self._chunk(min(wanted, CHUNK))
                if not data:
                    raise EntryDamaged(f"{self._where}: the archive ends inside this file")
                parts.append(data)
                wanted -= len(data)
                self._left -= len(data)
        except (zipfile.BadZipFile, tarfile.TarError, stream_unzip.UnzipError, EOFError) as err:
            raise EntryDamaged(f"{self._where}: {_why(err)}") from err
        except OSError as err:
            raise EntryDamaged(f"{self._where}: {err.strerror or err}") from err
        return b"".join(parts)


Wanted = Callable[[Entry], bool]
Walked = Iterator[tuple[Entry, Limited | None]]


class Part:
    """One part of an export as given on the command line."""

    # Whether an entry can be read on its own, out of the walk's order (`open`).
    random_access = False

    def __init__(self, path: Path) -> None:
        self.path = path
        self.label = str(path)
        self.problems: list[Problem] = []

    def walk(self, wanted: Wanted) -> Walked:
        """Every entry, with a reader for those `wanted` (valid until the next entry)."""
        raise NotImplementedError

    def open(self, entry: Entry) -> contextlib.AbstractContextManager[Limited]:
        raise NotImplementedError

    def _refuse(self, where: str, reason: str) -> None:
        self.problems.append(Problem(f"{self.label}: {where}", reason))


class FolderPart(Part):
    def walk(self, wanted: Wanted) -> Walked:
        for path in walk([self.path]):
            relative = path.relative_to(self.path).as_posix()
            if path.is_symlink():
                self._refuse(relative, gettext("a link, not followed"))
                continue
            try:
                size = path.stat().st_size
            except OSError as err:
                self._refuse(relative, err.strerror or str(err))
                continue
            entry = Entry(self.label, _nfc(relative), size, on_disk=path)
            if not wanted(entry):
                yield entry, None
                continue
            try:
                with path.open("rb") as source:
                    yield entry, Limited(source, size, entry.where)
            except OSError as err:
                self._refuse(relative, err.strerror or str(err))


class ZipPart(Part):
    random_access = True

    @contextlib.contextmanager
    def open(self, entry: Entry) -> Iterator[Limited]:
        try:
            with zipfile.ZipFile(self.path) as archive, archive.open(entry.ref) as source:
                yield Limited(source, entry.size, entry.where)
        except (zipfile.BadZipFile, NotImplementedError, RuntimeError) as err:
            raise EntryDamaged(f"{entry.where}: {_why(err)}") from err

    def walk(self, wanted: Wanted) -> Walked:
        try:
            archive = zipfile.ZipFile(self.path)
        except (zipfile.BadZipFile, OSError, ValueError) as err:
            # No directory at the end (a cut download): what its start holds, in order.
            self.random_access = False
            self._refuse("", f"{_why(err)}: reading it from the start, up to the damage")
            yield from self._stream(wanted)
            return
        with archive:
            for info in archive.infolist():
                if info.is_dir():
                    continue
                path = _safe(_zip_name(info))
                if path is None:
                    self._refuse(
                        info.filename, gettext("a path that leaves the archive, not followed")
                    )
                    continue
                entry = Entry(self.label, path, info.file_size, info.CRC, ref=info)
                if not wanted(entry):
                    yield entry, None
                    continue
                if _bomb(info.file_size, info.compress_size):
                    self._refuse(path, _bomb_reason(info.file_size, info.compress_size))
                    continue
                try:
                    with archive.open(info) as source:
                        yield entry, Limited(source, info.file_size, entry.where)
                except (zipfile.BadZipFile, NotImplementedError, RuntimeError, OSError) as err:
                    self._refuse(path, _why(err))

    def _stream(self, wanted: Wanted) -> Walked:
        with self.path.open("rb") as source:
            chunks = iter(lambda: source.read(CHUNK), b"")
            try:
                for raw, size, data in stream_unzip.stream_unzip(chunks):
                    name = raw.decode("utf-8", "replace")
                    path = _safe(name)
                    if path is None or name.endswith("/"):
                        if path is None:
                            self._refuse(
                                name, gettext("a path that leaves the archive, not followed")
                            )
                        for _ in data:
                            pass
                        continue
                    if size is None:
                        # Its size comes after its bytes: they are read to learn it.
                        body = _small(data)
                        if body is None:
                            self._refuse(
                                path, gettext("too big to read without its size, not read")
                            )
                            continue
                        entry = Entry(self.label, path, len(body))
                        yield entry, Limited(iter([body]), len(body), entry.where)
                        continue
                    entry = Entry(self.label, path, size)
                    if not wanted(entry):
                        for _ in data:  # read through first: a file cut short is not listed
                            pass
                        yield entry, None
                        continue
                    yield entry, Limited(data, size, entry.where)
                    for _ in data:  # what the reader left, so that the next entry starts
                        pass
            except (stream_unzip.UnzipError, EntryDamaged, ValueError, EOFError) as err:
                self._refuse("", f"cut short or damaged after that ({_why(err)})")


class TarPart(Part):
    def walk(self, wanted: Wanted) -> Walked:
        try:
            with tarfile.open(self.path, "r|*") as archive:
                for member in archive:
                    if not member.isfile():
                        if member.issym() or member.islnk():
                            self._refuse(member.name, gettext("a link, not followed"))
                        continue
                    path = _safe(member.name)
                    if path is None:
                        self._refuse(
                            member.name, gettext("a path that leaves the archive, not followed")
                        )
                        continue
                    entry = Entry(self.label, path, member.size)
                    if not wanted(entry):
                        yield entry, None
                        continue
                    source = archive.extractfile(member)
                    if source is not None:
                        yield entry, Limited(source, member.size, entry.where)
        except (tarfile.TarError, EOFError, OSError, EntryDamaged) as err:
            self._refuse("", f"cut short or damaged after that ({_why(err)})")


def part_of(path: Path) -> Part:
    """The part at `path`: a folder, a zip, or a tar (gzip'd or not); FileNotFoundError
    for a path that is not there."""
    if path.is_dir():
        return FolderPart(path)
    if not path.exists():
        raise FileNotFoundError(f"{path}: no such file or folder")
    with path.open("rb") as source:
        head = source.read(4)
    if head.startswith(b"PK"):
        return ZipPart(path)
    return TarPart(path)


def parts_of(paths: Iterable[Path]) -> list[Part]:
    return [part_of(path) for path in paths]


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _safe(name: str) -> str | None:
    """The entry's path, NFC and '/'-separated; None if it would leave the archive."""
    name = name.replace("\\", "/")
    if name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        return None
    parts = [p for p in PurePosixPath(name).parts if p not in ("", ".")]
    if not parts or ".." in parts:
        return None
    return _nfc("/".join(parts))


def _zip_name(info: zipfile.ZipInfo) -> str:
    """The name as written: zips without the UTF-8 flag are often UTF-8 all the same."""
    if info.flag_bits & 0x800:
        return info.filename
    try:
        return info.filename.encode("cp437").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return info.filename


def _bomb(size: int, compressed: int) -> bool:
    return size > BOMB_CHECKED_ABOVE and size > BOMB_RATIO * max(compressed, 1)


def _bomb_reason(size: int, compressed: int) -> str:
    return (
        f"declares {size:,} bytes packed into {compressed:,}: not a photo or video "
        "(a zip bomb?), not read"
    )


def _small(chunks: Iterable[bytes]) -> bytes | None:
    """The bytes if they fit in memory; else None (read to their end all the same)."""
    kept: list[bytes] = []
    seen, fits = 0, True
    for chunk in chunks:
        seen += len(chunk)
        fits = fits and seen <= BOMB_CHECKED_ABOVE
        if fits:
            kept.append(chunk)
    return b"".join(kept) if fits else None


def _why(err: BaseException) -> str:
    text = str(err).strip() or err.__class__.__name__
    return text.splitlines()[0]
