"""The top-level boxes of an ISO media file (HEIF, AVIF, MP4, QuickTime), found by seeking.

HEIF's decoder shows a photo that lost its last bytes as if it were whole (libheif
conceals the missing data), so a HEIF or AVIF photo is checked here to hold every
byte its boxes claim; a video's index (`moov`) and XMP box are found by the same walk.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO

from .structure import damaged


@dataclass(frozen=True)
class Box:
    kind: bytes
    start: int
    size: int


def top_level_boxes(fileobj: IO[bytes], *, strict: bool = False) -> Iterator[Box]:
    """The file's top-level boxes in order. A malformed or cut one ends the walk, or with
    `strict` raises Damaged."""
    fileobj.seek(0, 2)
    end = fileobj.tell()
    at = 0
    while at + 8 <= end:
        fileobj.seek(at)
        header = fileobj.read(16)
        size, kind = int.from_bytes(header[:4], "big"), header[4:8]
        if size == 1 and len(header) == 16:
            size = int.from_bytes(header[8:16], "big")
        elif size == 0:
            size = end - at  # to the end of the file
        if size < 8 or at + size > end:
            if strict:
                raise damaged(f"the file ends too early: its {kind.decode('latin-1')!r} box is cut")
            return
        yield Box(kind, at, size)
        at += size
    if strict and at < end:
        raise damaged("the file ends inside a box's header")


# `ftyp` major brands of still images (HEIC, AVIF) and their sequences: never a video here.
_HEIF_BRANDS = {
    b"heic",
    b"heix",
    b"heim",
    b"heis",
    b"hevc",
    b"hevx",
    b"mif1",
    b"msf1",
    b"avif",
    b"avis",
}


def is_heif(fileobj: IO[bytes]) -> bool:
    """Whether the file says it is a HEIF or AVIF image (its first box's major brand)."""
    fileobj.seek(0)
    start = fileobj.read(12)
    return start[4:8] == b"ftyp" and start[8:12] in _HEIF_BRANDS


def check_boxes(fileobj: IO[bytes]) -> None:
    """Raise Damaged unless every top-level box is whole."""
    for _ in top_level_boxes(fileobj, strict=True):
        pass


def check_items(fileobj: IO[bytes]) -> None:
    """Raise Damaged unless every item of a HEIF or AVIF file (each tile of an iPhone's
    grid) lies inside the file, as its `iloc` box says: libheif fills a missing tile with
    green and calls the image whole."""
    fileobj.seek(0, 2)
    size = fileobj.tell()
    for box in top_level_boxes(fileobj, strict=True):
        if box.kind != b"meta":
            continue
        fileobj.seek(box.start)
        meta = fileobj.read(min(box.size, _MAX_META))
        for start, end in _item_extents(meta):
            if end > size or start > end:
                raise damaged("an image item lies past the end of the file")


# A HEIF's item information is small; a bigger `meta` box is searched no further.
_MAX_META = 16 * 1024 * 1024


def _children(data: bytes, at: int, end: int) -> Iterator[tuple[bytes, int, int]]:
    """(kind, content's start, box's end) of the boxes in data[at:end]."""
    while at + 8 <= end:
        size, kind = int.from_bytes(data[at : at + 4], "big"), data[at + 4 : at + 8]
        header = 8
        if size == 1 and at + 16 <= end:
            size, header = int.from_bytes(data[at + 8 : at + 16], "big"), 16
        elif size == 0:
            size = end - at
        if size < header or at + size > end:
            raise damaged(f"a malformed {kind.decode('latin-1')!r} box")
        yield kind, at + header, at + size
        at += size


def _item_extents(meta: bytes) -> Iterator[tuple[int, int]]:
    """[start, end) in the file of every extent `iloc` places by file offset."""
    header = 16 if int.from_bytes(meta[:4], "big") == 1 else 8
    # `meta` is a full box: version and flags, then its children.
    for kind, start, end in _children(meta, header + 4, len(meta)):
        if kind == b"iloc":
            yield from _iloc(meta[start:end])


def _iloc(box: bytes) -> Iterator[tuple[int, int]]:
    reader = _Fields(box)
    version = reader.take(1)
    reader.take(3)  # flags
    sizes = reader.take(2)
    offset_size, length_size = sizes >> 12, (sizes >> 8) & 15
    base_offset_size, index_size = (sizes >> 4) & 15, sizes & 15
    count = reader.take(4 if version == 2 else 2)
    for _ in range(count):
        reader.take(4 if version == 2 else 2)  # item id
        method = reader.take(2) & 15 if version in (1, 2) else 0
        reader.take(2)  # data reference index
        base = reader.take(base_offset_size)
        for _ in range(reader.take(2)):
            if version in (1, 2) and index_size:
                reader.take(index_size)
            offset, length = reader.take(offset_size), reader.take(length_size)
            if method == 0 and length:  # by file offset; 0 is "to the end of the file"
                yield base + offset, base + offset + length


class _Fields:
    """Big-endian unsigned fields read one after another; Damaged past the end."""

    def __init__(self, data: bytes) -> None:
        self._data, self._at = data, 0

    def take(self, size: int) -> int:
        if self._at + size > len(self._data):
            raise damaged("a malformed item location box")
        value = int.from_bytes(self._data[self._at : self._at + size], "big")
        self._at += size
        return value
