"""A TIFF's directories (IFDs), walked by seeking: what camera RAW files built on TIFF
(DNG, CR2, NEF, ARW, ORF, RW2, PEF) and the TIFF blocks inside a CR3 say, and where the
pixels they point at lie.

Pillow's TIFF reader opens the first directory only; a RAW keeps its sensor data in a
SubIFD or a later directory, and its previews anywhere. Everything read is bounded:
directories, entries and values, so that a hostile file costs kilobytes to look at.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO

from .structure import damaged

# Bytes of one value of each TIFF type (13 is an IFD offset, as a LONG).
_TYPE_SIZES = {1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8, 13: 4}
_FORMATS = {1: "B", 3: "H", 4: "I", 6: "b", 8: "h", 9: "i", 11: "f", 12: "d", 13: "I"}
MAX_DIRECTORIES = 64
MAX_ENTRIES = 1024
# Values of one tag read at most (a RAW in 256 px strips has a few hundred offsets).
MAX_VALUES = 65_536
# Tags whose values are blobs we never need (XMP, ICC, ...): not kept.
_BLOBS = {700, 34675, 50740, 33723, 37724}
# A maker's own directory in the EXIF one, kept as bytes (its shot number, `exif`).
MAKER_NOTE = 37500

SUBFILE_TYPE = 254
WIDTH, HEIGHT = 256, 257
BITS_PER_SAMPLE, COMPRESSION, PHOTOMETRIC = 258, 259, 262
MAKE, MODEL, ORIENTATION = 271, 272, 274
STRIP_OFFSETS, STRIP_BYTE_COUNTS = 273, 279
TILE_OFFSETS, TILE_BYTE_COUNTS = 324, 325
SUB_IFDS = 330
JPEG_OFFSET, JPEG_LENGTH = 513, 514
EXIF_IFD, GPS_IFD = 34665, 34853
DNG_VERSION = 50706
DEFAULT_CROP_SIZE = 50720
# Where the pixels lie: a cut file loses these first.
_POINTERS = {STRIP_OFFSETS, STRIP_BYTE_COUNTS, TILE_OFFSETS, TILE_BYTE_COUNTS, SUB_IFDS}

Value = int | float | str | bytes | tuple[int | float, ...]


@dataclass
class Directory:
    offset: int
    tags: dict[int, Value] = field(default_factory=dict)

    def number(self, tag: int, default: int = 0) -> int:
        value = self.tags.get(tag, default)
        if isinstance(value, tuple):
            value = value[0] if value else default
        return int(value) if isinstance(value, int | float) else default

    def numbers(self, tag: int) -> tuple[int, ...]:
        value = self.tags.get(tag, ())
        values = value if isinstance(value, tuple) else (value,)
        return tuple(int(item) for item in values if isinstance(item, int | float))


@dataclass
class Tiff:
    """The directories of a TIFF (`chain`: IFD0 and those after it; `subs`: the SubIFDs),
    its EXIF and GPS directories, and its header's magic number (42, or a maker's)."""

    magic: int
    chain: list[Directory]
    subs: list[Directory]
    exif: Directory
    gps: Directory

    @property
    def first(self) -> Directory:
        return self.chain[0]

    def images(self) -> list[Directory]:
        return [*self.chain, *self.subs]


def header(head: bytes) -> tuple[str, int] | None:
    """The byte order ("<" or ">") and magic number of a TIFF-shaped header, or None."""
    if head[:2] == b"II":
        order = "<"
    elif head[:2] == b"MM":
        order = ">"
    else:
        return None
    if len(head) < 8:
        return None
    (magic,) = struct.unpack_from(order + "H", head, 2)
    # 42: TIFF; Olympus' ORF says "RO" or "SR", Panasonic's RW2 0x55.
    return (order, magic) if magic in {42, 0x4F52, 0x5352, 0x55} else None


def read(fileobj: IO[bytes], *, base: int = 0, end: int | None = None) -> Tiff | None:
    """The directories of the TIFF at `base` (offsets in it count from there), or None if
    no TIFF starts there. Raises Damaged for a directory outside the file or cut."""
    if end is None:
        fileobj.seek(0, 2)
        end = fileobj.tell()
    fileobj.seek(base)
    start = fileobj.read(8)
    found = header(start)
    if found is None:
        return None
    order, magic = found
    walker = _Walker(fileobj, order, base, end)
    (first,) = struct.unpack_from(order + "I", start, 4)
    chain = list(walker.chain(first))
    if not chain:
        raise damaged("the TIFF has no directory")
    subs = [
        sub
        for directory in chain
        for offset in directory.numbers(SUB_IFDS)
        for sub in walker.chain(offset, follow=False)
    ]
    return Tiff(
        magic=magic,
        chain=chain,
        subs=subs,
        exif=walker.one(chain[0].number(EXIF_IFD)),
        gps=walker.one(chain[0].number(GPS_IFD)),
    )


def spans(directory: Directory) -> Iterator[tuple[int, int]]:
    """The (offset, length) of every strip, tile and JPEG a directory points at."""
    for offsets, lengths in (
        (STRIP_OFFSETS, STRIP_BYTE_COUNTS),
        (TILE_OFFSETS, TILE_BYTE_COUNTS),
        (JPEG_OFFSET, JPEG_LENGTH),
    ):
        yield from zip(directory.numbers(offsets), directory.numbers(lengths), strict=False)


class _Walker:
    def __init__(self, fileobj: IO[bytes], order: str, base: int, end: int) -> None:
        self.fileobj, self.order, self.base, self.end = fileobj, order, base, end
        self.seen: set[int] = set()

    def one(self, offset: int) -> Directory:
        """The directory at `offset` alone (EXIF, GPS); empty where there is none."""
        return next(self.chain(offset, follow=False), Directory(0)) if offset else Directory(0)

    def chain(self, offset: int, *, follow: bool = True) -> Iterator[Directory]:
        while offset and len(self.seen) < MAX_DIRECTORIES and offset not in self.seen:
            self.seen.add(offset)
            directory, offset = self._directory(offset)
            yield directory
            if not follow:
                return

    def _directory(self, offset: int) -> tuple[Directory, int]:
        at = self.base + offset
        if at + 2 > self.end:
            raise damaged("the file ends too early: a TIFF directory is cut")
        self.fileobj.seek(at)
        (count,) = struct.unpack(self.order + "H", self.fileobj.read(2))
        if count > MAX_ENTRIES:
            raise damaged(f"a TIFF directory says it has {count} entries")
        size = 12 * count + 4
        if at + 2 + size > self.end:
            raise damaged("the file ends too early: a TIFF directory is cut")
        entries = self.fileobj.read(size)
        directory = Directory(offset)
        for index in range(count):
            tag, kind, length, inline = struct.unpack_from(
                self.order + "HHI4s", entries, 12 * index
            )
            value = self._value(tag, kind, length, inline)
            if value is not None and tag not in _BLOBS:
                directory.tags[tag] = value
        (following,) = struct.unpack_from(self.order + "I", entries, 12 * count)
        return directory, following

    def _value(self, tag: int, kind: int, length: int, inline: bytes) -> Value | None:
        size = _TYPE_SIZES.get(kind)
        if size is None or length == 0 or length > MAX_VALUES:
            return None  # a type of no use to us, or too many values to be ours
        total = size * length
        if total <= 4:
            data = inline[:total]
        else:
            (offset,) = struct.unpack(self.order + "I", inline)
            if self.base + offset + total > self.end:
                if tag in _POINTERS:
                    raise damaged("the file ends too early: where its pixels lie is cut")
                return None  # a maker's value past the end: nothing we need
            here = self.fileobj.tell()
            self.fileobj.seek(self.base + offset)
            data = self.fileobj.read(total)
            self.fileobj.seek(here)
        if kind == 2:
            return data.split(b"\x00")[0].decode("utf-8", "replace")
        if kind == 7:
            return data if tag == MAKER_NOTE else tuple(data)
        if kind in {5, 10}:
            pairs = struct.unpack(f"{self.order}{2 * length}{'I' if kind == 5 else 'i'}", data)
            return tuple(
                numerator / denominator if denominator else 0.0
                for numerator, denominator in zip(pairs[::2], pairs[1::2], strict=True)
            )
        values = struct.unpack(f"{self.order}{length}{_FORMATS[kind]}", data)
        return values[0] if length == 1 else values
