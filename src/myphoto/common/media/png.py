"""A PNG's chunks read in order, in bounded pieces, and the check that the file is whole.

`PngChunks` is the one walk over a PNG's chunks: the upload's check reads every chunk
(each CRC, the image data inflated a megabyte at a time and thrown away, the closing
IEND chunk), and `pngbands` reads the image data band by band from it.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO

from .structure import READ, damaged, read_exactly

SIGNATURE = b"\x89PNG\r\n\x1a\n"
# Channels of each colour type: grey, RGB, palette, grey with alpha, RGBA.
CHANNELS = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}
# Adam7 passes: (x start, y start, x step, y step).
_ADAM7 = (
    (0, 0, 8, 8),
    (4, 0, 8, 8),
    (0, 4, 4, 8),
    (2, 0, 4, 4),
    (0, 2, 2, 4),
    (1, 0, 2, 2),
    (0, 1, 1, 2),
)
# The most EXIF a PNG may carry here: the spec allows 64 KB in JPEG; more is not a photo's.
_MAX_EXIF = 1024 * 1024


@dataclass(frozen=True)
class PngHeader:
    width: int
    height: int
    depth: int
    colour: int
    interlaced: bool

    @classmethod
    def parse(cls, body: bytes) -> PngHeader:
        if len(body) != 13:
            raise damaged("a malformed header")
        width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", body)
        if colour not in CHANNELS:
            raise damaged("an unknown colour type")
        return cls(width, height, depth, colour, interlace == 1)

    @property
    def row_bytes(self) -> int:
        """A row of the image data: its filter byte, then its pixels."""
        return 1 + (self.width * self.depth * CHANNELS[self.colour] + 7) // 8

    @property
    def image_data_bytes(self) -> int:
        """What the image data inflates to: every row (of every Adam7 pass, interlaced)."""
        if not self.interlaced:
            return self._rows(self.width, self.height)
        return sum(
            self._rows(
                max(0, (self.width - x + dx - 1) // dx), max(0, (self.height - y + dy - 1) // dy)
            )
            for x, y, dx, dy in _ADAM7
        )

    def _rows(self, width: int, height: int) -> int:
        if width == 0 or height == 0:
            return 0
        return height * (1 + (width * self.depth * CHANNELS[self.colour] + 7) // 8)


class PngChunks:
    """The chunks of a PNG, in order: `next()` moves to the following one, once the rest of
    the current one is read and its CRC checked; its body is read in `pieces()`."""

    def __init__(self, fileobj: IO[bytes]) -> None:
        fileobj.seek(0)
        if fileobj.read(8) != SIGNATURE:
            raise damaged("not a PNG signature")
        self._file = fileobj
        self.kind = b""  # the current chunk's type; "" before the first
        self.length = 0
        self._left = 0  # bytes of its body not read yet
        self._crc = 0
        self._checked = True  # its CRC (none before the first)

    def next(self) -> bytes:
        """Move to the next chunk and return its type."""
        self.finish()
        length, kind = struct.unpack(">I4s", read_exactly(self._file, 8))
        kind = bytes(kind)
        if length > 0x7FFFFFFF:
            raise damaged("a chunk claims more than 2 GB")
        self.kind, self.length, self._left, self._crc = kind, length, length, zlib.crc32(kind)
        self._checked = False
        return kind

    def finish(self) -> None:
        """Read the rest of the current chunk and check its CRC (for the last, IEND)."""
        if self._checked:
            return
        for _ in self.pieces():
            pass
        if read_exactly(self._file, 4) != self._crc.to_bytes(4, "big"):
            raise damaged(f"the {self.kind.decode('latin-1')} chunk's checksum is wrong")
        self._checked = True

    def pieces(self) -> Iterator[bytes]:
        """What is left of the current chunk's body, at most a megabyte at a time."""
        while self._left:
            piece = read_exactly(self._file, min(self._left, READ))
            self._left -= len(piece)
            self._crc = zlib.crc32(piece, self._crc)
            yield piece

    def body(self) -> bytes:
        return b"".join(self.pieces())

    def image_data(self) -> Iterator[bytes]:
        """The image data inflated, at most a megabyte at a time: from the current chunk (an
        IDAT) through the IDATs after it, whose end must be the data's end. The chunk that
        follows them is the current one after."""
        inflater = zlib.decompressobj()
        while self.kind == b"IDAT":
            for piece in self.pieces():
                if inflater.eof:
                    raise damaged("image data after its end")
                try:
                    yield inflater.decompress(piece, READ)
                    while inflater.unconsumed_tail:
                        yield inflater.decompress(inflater.unconsumed_tail, READ)
                except zlib.error as err:
                    raise damaged(f"the image data is corrupt: {err}") from err
            self.next()
        if not inflater.eof:
            raise damaged("the image data stops before its end")


@dataclass(frozen=True)
class PngInfo:
    exif: bytes | None  # the eXIf chunk, wherever it was
    pixels_checked: bool  # every row's filter byte too (not for interlaced images)


def check_png(fileobj: IO[bytes]) -> PngInfo:
    """Raise Damaged unless the PNG is whole: each chunk's CRC, image data, the IEND chunk.

    For images that are not interlaced every row's filter byte is checked too:
    then all that a decoder would refuse has been checked, without holding a pixel.
    """
    chunks = PngChunks(fileobj)
    header: PngHeader | None = None
    exif: bytes | None = None
    inflated = -1  # no image data yet
    kind = chunks.next()
    while kind != b"IEND":
        if kind == b"IDAT":
            if header is None or inflated >= 0:
                raise damaged("image data without a header, or in two places")
            inflated = _check_rows(chunks.image_data(), header)
            kind = chunks.kind
            continue
        if kind == b"IHDR":
            header = PngHeader.parse(chunks.body())
        elif kind == b"eXIf" and chunks.length <= _MAX_EXIF:
            exif = chunks.body()
        kind = chunks.next()
    chunks.finish()
    if header is None:
        raise damaged("no header")
    if inflated < 0:
        raise damaged("no image data")
    if inflated != header.image_data_bytes:
        raise damaged(f"{inflated} bytes of image data where {header.image_data_bytes} were due")
    return PngInfo(exif=exif, pixels_checked=not header.interlaced)


def _check_rows(data: Iterator[bytes], header: PngHeader) -> int:
    """Check the filter byte that starts each row (0 to 4, not interlaced); return how many
    bytes the image data inflated to."""
    row, inflated = header.row_bytes, 0
    for piece in data:
        if not header.interlaced:
            first = (-inflated) % row
            if piece[first::row] and max(piece[first::row]) > 4:
                raise damaged("a row with an unknown filter")
        inflated += len(piece)
    return inflated
