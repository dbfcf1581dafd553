"""Shrink a big PNG a band of rows at a time, never holding all of its pixels.

Pillow decodes a PNG whole: a 14,000-pixel square is 784 MB in memory before it
can be shrunk. A PNG that is not interlaced is one zlib stream of rows, each
filtered against the row above it. Cut after any row, the rest decodes on its
own once that row, reconstructed, is put in front of it unfiltered. So each band
of rows becomes a small PNG of its own: the original's header with the band's
height, its palette and other chunks, and the band's rows (stored, not
recompressed). Pillow decodes it, Image.reduce averages its blocks, and the
reduced bands are pasted together: the same pixels as reducing the whole image.
"""

from __future__ import annotations

import io
import struct
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO

from PIL import Image

from .structure import PNG_SIGNATURE, Damaged

# Bigger PNGs are shrunk in bands of about 2 megapixels: a band is held four or
# five times over while it is cut, framed and decoded (some 40 MB for RGB).
SHRUNK_IN_BANDS_ABOVE = 16_000_000
BAND_PIXELS = 2_000_000
_READ = 1024 * 1024
# 8-bit greyscale, RGB, palette, greyscale with alpha, RGBA: the types whose rows
# Pillow gives back byte for byte (tobytes), which the next band needs.
_CHANNELS = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}
# Chunks a band's decoder needs from the original, or that change its colours.
_COPIED = {b"PLTE", b"tRNS", b"gAMA", b"cHRM", b"sRGB", b"iCCP", b"sBIT"}


@dataclass(frozen=True)
class Header:
    width: int
    height: int
    depth: int
    colour: int
    interlaced: bool

    @property
    def row_bytes(self) -> int:
        return 1 + self.width * _CHANNELS[self.colour]


def can_shrink_in_bands(fileobj: IO[bytes]) -> bool:
    """A non-interlaced 8-bit PNG of more than 16 megapixels (others are decoded whole)."""
    fileobj.seek(0)
    start = fileobj.read(33)
    if len(start) < 33 or not start.startswith(PNG_SIGNATURE) or start[12:16] != b"IHDR":
        return False
    width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", start[16:29])
    big = width * height > SHRUNK_IN_BANDS_ABOVE
    return depth == 8 and colour in _CHANNELS and not interlace and big


def shrink(
    fileobj: IO[bytes], factor: tuple[int, int], *, band_pixels: int = BAND_PIXELS
) -> tuple[Image.Image, bytes | None]:
    """The image reduced by `factor` (block averages, as Image.reduce), and its EXIF.

    Colours as the image's own mode would give them, in L, LA, RGB or RGBA. Raises
    Damaged for a file that is not a whole 8-bit PNG without interlacing.
    """
    fileobj.seek(0)
    if fileobj.read(8) != PNG_SIGNATURE:
        raise Damaged("The image is damaged or incomplete (not a PNG signature).")
    chunks = _Chunks(fileobj)
    header, copied, exif = chunks.until_image_data()
    if header.depth != 8 or header.colour not in _CHANNELS or header.interlaced:
        raise Damaged("Only 8-bit PNGs without interlacing are shrunk in bands.")
    fx, fy = factor
    rows_per_band = max(fy, band_pixels // header.width // fy * fy)
    reduced: Image.Image | None = None
    above: bytes | None = None  # the last row of the band before, reconstructed
    top = 0
    for rows in _bands(chunks.image_data(), header, rows_per_band):
        count = len(rows) // header.row_bytes
        band = _decode(header, copied, rows, above, count)
        skip = 0 if above is None else 1
        last = band.crop((0, band.height - 1, band.width, band.height)).tobytes()
        band = _colours(band)
        part = band.reduce((fx, fy), box=(0, skip, band.width, band.height))
        if reduced is None:
            size = (-(-header.width // fx), -(-header.height // fy))
            reduced = Image.new(band.mode, size)
        reduced.paste(part, (0, top // fy))
        top += count
        above = last
    if reduced is None or top != header.height:
        raise Damaged("The image is damaged or incomplete (rows are missing).")
    exif = exif or chunks.exif_after_image_data()
    return reduced, exif


def _colours(band: Image.Image) -> Image.Image:
    """Palette and transparent-colour images as RGB(A) or LA: Image.reduce's modes."""
    if band.mode == "P" or "transparency" in band.info:
        if band.mode == "L":
            return band.convert("LA")
        return band.convert("RGBA" if band.has_transparency_data else "RGB")
    return band


def _decode(
    header: Header, copied: list[bytes], rows: bytes, above: bytes | None, count: int
) -> Image.Image:
    stored = zlib.compressobj(0)  # level 0: the rows as they are, in stored blocks
    idat = b""
    if above is not None:
        idat = stored.compress(b"\x00" + above)  # filter type None: the row as it is
        count += 1
    idat += stored.compress(rows) + stored.flush()
    ihdr = struct.pack(">IIBBBBB", header.width, count, 8, header.colour, 0, 0, 0)
    data = b"".join(
        [PNG_SIGNATURE, _chunk(b"IHDR", ihdr), *copied, _chunk(b"IDAT", idat), _chunk(b"IEND", b"")]
    )
    del idat
    band = Image.open(io.BytesIO(data), formats=["PNG"])  # shares `data`, no copy
    band.load()
    return band


def _bands(pieces: Iterator[bytes], header: Header, rows_per_band: int) -> Iterator[bytes]:
    """The inflated image data cut into bands of whole rows."""
    wanted = rows_per_band * header.row_bytes
    total = header.height * header.row_bytes
    buffered = bytearray()
    given = 0
    for piece in pieces:
        buffered += piece
        while len(buffered) >= wanted:
            yield bytes(buffered[:wanted])
            del buffered[:wanted]
            given += wanted
    if given + len(buffered) != total or len(buffered) % header.row_bytes:
        raise Damaged("The image is damaged or incomplete (its image data has the wrong size).")
    if buffered:
        yield bytes(buffered)


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


class _Chunks:
    """The chunks of a PNG whose signature has been read, in order."""

    def __init__(self, fileobj: IO[bytes]) -> None:
        self._file = fileobj
        self._pending: tuple[int, bytes] | None = None  # the first IDAT's length and kind

    def _head(self) -> tuple[int, bytes]:
        head = self._file.read(8)
        if len(head) != 8:
            raise Damaged("The image is damaged or incomplete (the file ends too early).")
        length, kind = struct.unpack(">I4s", head)
        return length, kind

    def _body(self, length: int) -> bytes:
        body = self._file.read(length)
        if len(body) != length or len(self._file.read(4)) != 4:
            raise Damaged("The image is damaged or incomplete (the file ends too early).")
        return body

    def until_image_data(self) -> tuple[Header, list[bytes], bytes | None]:
        header: Header | None = None
        copied: list[bytes] = []
        exif: bytes | None = None
        while True:
            length, kind = self._head()
            if kind == b"IDAT":
                self._pending = (length, kind)
                break
            body = self._body(length)
            if kind == b"IHDR" and len(body) == 13:
                width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", body)
                header = Header(width, height, depth, colour, interlace == 1)
            elif kind in _COPIED:
                copied.append(_chunk(kind, body))
            elif kind == b"eXIf":
                exif = body
            elif kind == b"IEND":
                break
        if header is None or self._pending is None:
            raise Damaged("The image is damaged or incomplete (no header or no image data).")
        return header, copied, exif

    def image_data(self) -> Iterator[bytes]:
        """The inflated image data, a piece at a time."""
        inflater = zlib.decompressobj()
        length, kind = self._pending or (0, b"")
        while kind == b"IDAT":
            remaining = length
            while remaining:
                piece = self._file.read(min(remaining, _READ))
                if not piece:
                    raise Damaged("The image is damaged or incomplete (the file ends too early).")
                remaining -= len(piece)
                try:
                    yield inflater.decompress(piece, _READ)
                    while inflater.unconsumed_tail:
                        yield inflater.decompress(inflater.unconsumed_tail, _READ)
                except zlib.error as err:
                    raise Damaged(f"The image is damaged or incomplete ({err}).") from err
            self._file.read(4)  # the CRC, checked at upload
            length, kind = self._head()
        self._pending = (length, kind)

    def exif_after_image_data(self) -> bytes | None:
        """An eXIf chunk after the image data (the PNG spec allows it there too)."""
        length, kind = self._pending or (0, b"IEND")
        while kind != b"IEND":
            body = self._body(length)
            if kind == b"eXIf":
                return body
            length, kind = self._head()
        return None
