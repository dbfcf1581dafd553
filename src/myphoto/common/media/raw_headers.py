"""What a camera RAW's header says: its format, its metadata's directories, where its
previews lie and every span of the file it points at. Read by seeking, nothing decoded.

TIFF-based RAWs (DNG, CR2, NEF, ARW, ORF, RW2, PEF) are told by their header's magic,
DNG's version tag or a directory of sensor data, and named by their maker; CR3 by its
ISO media brand (its metadata in TIFF blocks inside a `uuid` box), RAF by its header (its
metadata in its JPEG's EXIF).
"""

from __future__ import annotations

import io
import struct
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO

from ..formats import CR3_BRAND, RAF_MAGIC
from . import exif, isobmff, tiffdirs
from .structure import Damaged, damaged
from .tiffdirs import Directory

# Sensor data: a colour filter array, or DNG's linear (demosaiced) raw.
_RAW_PHOTOMETRIC = {32803, 34892}
# Makers' own compressions of sensor data: Nikon, Panasonic, Sony, Pentax, Kodak.
_RAW_COMPRESSIONS = {34713, 34316, 32767, 32769, 32770, 65535, 65000}
_JPEG_COMPRESSIONS = {6, 7}
# A maker's name (IFD0's Make, upper case, its start) -> its RAW format.
_MAKERS = (
    ("NIKON", "NEF"),
    ("SONY", "ARW"),
    ("PENTAX", "PEF"),
    ("RICOH", "PEF"),
    ("OLYMPUS", "ORF"),
    ("OM DIGITAL", "ORF"),
    ("CANON", "CR2"),
    ("PANASONIC", "RW2"),
)
_ORF_MAGICS, _RW2_MAGIC = {0x4F52, 0x5352}, 0x55
# Canon's CR3: the box of its metadata (TIFF blocks CMT1: IFD0, CMT2: EXIF, CMT4: GPS) and
# the box that holds its 1620 px preview (PRVW).
_CANON_METADATA = bytes.fromhex("85c0b687820f11e08111f4ce462b6a48")
_CANON_PREVIEW = bytes.fromhex("eaf42b5e1c984b88b9fbb7dc406e4d16")
# The most of a JPEG read for its header (its EXIF, its size): at its start.
PREVIEW_HEAD = 256 * 1024

Span = tuple[int, int]


@dataclass(frozen=True)
class Raw:
    """What a RAW file's header says: its format, IFD0, EXIF and GPS directories, where
    its previews (JPEGs) lie, every span that must be in the file, and the size it declares
    (DNG's shown size, or its largest image; 0 where it declares none of use)."""

    format: str
    ifd0: Directory
    exif: Directory
    gps: Directory
    previews: tuple[Span, ...]
    spans: tuple[Span, ...]
    declared: tuple[int, int]

    @property
    def orientation(self) -> int:
        orientation = self.ifd0.number(tiffdirs.ORIENTATION, 1)
        return orientation if 1 <= orientation <= 8 else 1


def identify(fileobj: IO[bytes]) -> Raw | None:
    """The RAW's header, or None for a file that is not a camera RAW (a plain TIFF is not).
    Raises Damaged for a RAW whose header is broken."""
    fileobj.seek(0)
    head = fileobj.read(16)
    if head.startswith(RAF_MAGIC):
        return _raf(fileobj)
    if head[4:8] == b"ftyp" and head[8:12] == CR3_BRAND:
        return _cr3(fileobj)
    found = tiffdirs.header(head)
    if found is None:
        return None
    maker_magic = found[1] != 42 or head[8:10] == b"CR"
    try:
        tiff = tiffdirs.read(fileobj)
    except Damaged:
        if maker_magic:
            raise
        return None  # a TIFF of another kind: the image reader judges it
    if tiff is None:
        return None
    name = _tiff_format(tiff, head)
    if name is None:
        return None
    images = tiff.images()
    spans = tuple(span for directory in images for span in tiffdirs.spans(directory))
    return Raw(
        format=name,
        ifd0=tiff.first,
        exif=tiff.exif,
        gps=tiff.gps,
        previews=tuple(_jpeg_spans(images)),
        spans=spans,
        declared=_declared(tiff),
    )


def _tiff_format(tiff: tiffdirs.Tiff, head: bytes) -> str | None:
    if tiff.magic in _ORF_MAGICS:
        return "ORF"
    if tiff.magic == _RW2_MAGIC:
        return "RW2"
    if tiffdirs.DNG_VERSION in tiff.first.tags:
        return "DNG"
    if head[8:10] == b"CR":
        return "CR2"
    sensor = any(
        directory.number(tiffdirs.PHOTOMETRIC) in _RAW_PHOTOMETRIC
        or directory.number(tiffdirs.COMPRESSION) in _RAW_COMPRESSIONS
        for directory in tiff.images()
    )
    if not sensor:
        return None
    make = exif.clean_text(tiff.first.tags.get(tiffdirs.MAKE)).upper()
    return next((name for prefix, name in _MAKERS if make.startswith(prefix)), "RAW")


def _jpeg_spans(directories: list[Directory]) -> Iterator[Span]:
    """Where the JPEG previews lie: a directory of JPEG strips that is not sensor data, or
    a JPEG pointed at (JPEGInterchangeFormat)."""
    for directory in directories:
        if directory.number(tiffdirs.PHOTOMETRIC) in _RAW_PHOTOMETRIC:
            continue
        jpeg = directory.numbers(tiffdirs.JPEG_OFFSET), directory.numbers(tiffdirs.JPEG_LENGTH)
        if jpeg[0] and jpeg[1]:
            yield jpeg[0][0], jpeg[1][0]
        strips = directory.numbers(tiffdirs.STRIP_OFFSETS)
        lengths = directory.numbers(tiffdirs.STRIP_BYTE_COUNTS)
        compressed = directory.number(tiffdirs.COMPRESSION) in _JPEG_COMPRESSIONS
        if compressed and len(strips) == 1 and len(lengths) == 1:
            yield strips[0], lengths[0]


def _declared(tiff: tiffdirs.Tiff) -> tuple[int, int]:
    sensor = [
        directory
        for directory in tiff.images()
        if directory.number(tiffdirs.PHOTOMETRIC) in _RAW_PHOTOMETRIC
        or directory.number(tiffdirs.SUBFILE_TYPE) == 0
    ] or tiff.images()
    largest = max(sensor, key=lambda d: d.number(tiffdirs.WIDTH) * d.number(tiffdirs.HEIGHT))
    crop = largest.numbers(tiffdirs.DEFAULT_CROP_SIZE)
    if len(crop) == 2 and all(crop):
        return crop[0], crop[1]
    return largest.number(tiffdirs.WIDTH), largest.number(tiffdirs.HEIGHT)


def _raf(fileobj: IO[bytes]) -> Raw:
    """Fujifilm's RAF: a header of offsets (big-endian) to a JPEG (with the EXIF) and the
    sensor data."""
    fileobj.seek(84)
    words = fileobj.read(24)
    if len(words) != 24:
        raise damaged("the file ends too early: its header is cut")
    jpeg_at, jpeg_length, header_at, header_length, data_at, data_length = struct.unpack(
        ">6I", words
    )
    jpeg = (jpeg_at, jpeg_length)
    tiff = _tiff_in_jpeg(fileobj, jpeg)
    return Raw(
        format="RAF",
        ifd0=tiff.first if tiff else Directory(0),
        exif=tiff.exif if tiff else Directory(0),
        gps=tiff.gps if tiff else Directory(0),
        previews=(jpeg,),
        spans=(jpeg, (header_at, header_length), (data_at, data_length)),
        declared=(0, 0),
    )


def _tiff_in_jpeg(fileobj: IO[bytes], jpeg: Span) -> tiffdirs.Tiff | None:
    """The EXIF of a JPEG inside the file (its APP1 segment), read as a TIFF."""
    fileobj.seek(jpeg[0])
    head = fileobj.read(min(jpeg[1], PREVIEW_HEAD))
    at = 2 if head[:2] == b"\xff\xd8" else len(head)
    while at + 4 <= len(head) and head[at] == 0xFF:
        marker, (length,) = head[at + 1], struct.unpack_from(">H", head, at + 2)
        if marker == 0xE1 and head[at + 4 : at + 10] == b"Exif\x00\x00":
            block = io.BytesIO(head[at + 10 : at + 2 + length])
            try:
                return tiffdirs.read(block)
            except Damaged:
                return None
        if marker == 0xDA:
            break
        at += 2 + length
    return None


def _cr3(fileobj: IO[bytes]) -> Raw:
    """Canon's CR3: ISO media boxes; its metadata in TIFF blocks in a `uuid` box of `moov`."""
    blocks: dict[bytes, tiffdirs.Tiff] = {}
    previews: list[Span] = []
    for box in isobmff.top_level_boxes(fileobj):
        fileobj.seek(box.start + 8)
        kind = fileobj.read(16)
        if box.kind == b"moov":
            blocks = _canon_blocks(fileobj, box)
        elif box.kind == b"uuid" and kind == _CANON_PREVIEW:
            preview = _canon_preview(fileobj, box)
            if preview:
                previews.append(preview)
    first = blocks.get(b"CMT1")
    ifd0 = first.first if first else Directory(0)
    return Raw(
        format="CR3",
        ifd0=ifd0,
        exif=blocks[b"CMT2"].first if b"CMT2" in blocks else Directory(0),
        gps=blocks[b"CMT4"].first if b"CMT4" in blocks else Directory(0),
        previews=tuple(previews),
        spans=(),
        declared=(ifd0.number(tiffdirs.WIDTH), ifd0.number(tiffdirs.HEIGHT)),
    )


def _children(fileobj: IO[bytes], start: int, end: int) -> Iterator[tuple[bytes, int, int]]:
    at, seen = start, 0
    while at + 8 <= end and seen < 64:
        fileobj.seek(at)
        size, kind = struct.unpack(">I4s", fileobj.read(8))
        if size < 8 or at + size > end:
            return
        yield kind, at, size
        at, seen = at + size, seen + 1


def _canon_blocks(fileobj: IO[bytes], moov: isobmff.Box) -> dict[bytes, tiffdirs.Tiff]:
    blocks: dict[bytes, tiffdirs.Tiff] = {}
    for kind, at, size in _children(fileobj, moov.start + 8, moov.start + moov.size):
        fileobj.seek(at + 8)
        if kind != b"uuid" or fileobj.read(16) != _CANON_METADATA:
            continue
        for name, start, length in _children(fileobj, at + 24, at + size):
            if name in {b"CMT1", b"CMT2", b"CMT4"}:
                tiff = tiffdirs.read(fileobj, base=start + 8, end=start + length)
                if tiff is not None:
                    blocks[name] = tiff
    return blocks


def _canon_preview(fileobj: IO[bytes], box: isobmff.Box) -> Span | None:
    """The PRVW box's JPEG: 8 bytes after the uuid, then the box, whose JPEG follows a
    16-byte header ending in its length."""
    prvw = box.start + 8 + 16 + 8
    fileobj.seek(prvw)
    header = fileobj.read(24)
    if len(header) != 24 or header[4:8] != b"PRVW":
        return None
    (length,) = struct.unpack_from(">I", header, 20)
    return prvw + 24, length
