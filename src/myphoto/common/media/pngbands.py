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
from typing import IO

from PIL import Image

from .png import SIGNATURE, PngChunks, PngHeader
from .structure import Damaged, damaged

# Bigger PNGs are shrunk in bands of about 2 megapixels: a band is held four or
# five times over while it is cut, framed and decoded (some 40 MB for RGB).
SHRUNK_IN_BANDS_ABOVE = 16_000_000
BAND_PIXELS = 2_000_000
# Chunks a band's decoder needs from the original, or that change its colours.
_COPIED = {b"PLTE", b"tRNS", b"gAMA", b"cHRM", b"sRGB", b"iCCP", b"sBIT"}


def can_shrink_in_bands(fileobj: IO[bytes]) -> bool:
    """A non-interlaced 8-bit PNG of more than 16 megapixels (others are decoded whole).

    Its 8-bit greyscale, RGB, palette, greyscale with alpha or RGBA rows are what Pillow
    gives back byte for byte (tobytes), which the next band needs.
    """
    fileobj.seek(0)
    start = fileobj.read(33)
    if len(start) < 33 or not start.startswith(SIGNATURE) or start[12:16] != b"IHDR":
        return False
    try:
        header = PngHeader.parse(start[16:29])
    except Damaged:
        return False
    big = header.width * header.height > SHRUNK_IN_BANDS_ABOVE
    return header.depth == 8 and not header.interlaced and big


def shrink(
    fileobj: IO[bytes], factor: tuple[int, int], *, band_pixels: int = BAND_PIXELS
) -> tuple[Image.Image, bytes | None]:
    """The image reduced by `factor` (block averages, as Image.reduce), and its EXIF.

    Colours as the image's own mode would give them, in L, LA, RGB or RGBA. Raises
    Damaged for a file that is not a whole 8-bit PNG without interlacing.
    """
    chunks = PngChunks(fileobj)
    header, copied, exif = _until_image_data(chunks)
    if header.depth != 8 or header.interlaced:
        raise Damaged("Only 8-bit PNGs without interlacing are shrunk in bands.")
    fx, fy = factor
    rows_per_band = band_rows(header.width, fy, band_pixels)
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
        raise damaged("rows are missing")
    return reduced, exif or _exif_after_image_data(chunks)


def band_rows(width: int, factor: int, band_pixels: int = BAND_PIXELS) -> int:
    """Rows of a band: about `band_pixels`, a whole number of `factor` rows (one at least:
    a wide image's band is a row, however many pixels it holds)."""
    return max(factor, band_pixels // width // factor * factor)


def _until_image_data(chunks: PngChunks) -> tuple[PngHeader, list[bytes], bytes | None]:
    """The header, the chunks a band copies (whole, as in the file) and an eXIf chunk
    before the image data; the image data's first chunk is then the current one."""
    header: PngHeader | None = None
    copied: list[bytes] = []
    exif: bytes | None = None
    while (kind := chunks.next()) not in (b"IDAT", b"IEND"):
        if kind == b"IHDR":
            header = PngHeader.parse(chunks.body())
        elif kind in _COPIED:
            copied.append(_chunk(kind, chunks.body()))
        elif kind == b"eXIf":
            exif = chunks.body()
    if header is None or kind != b"IDAT":
        raise damaged("no header or no image data")
    return header, copied, exif


def _exif_after_image_data(chunks: PngChunks) -> bytes | None:
    """An eXIf chunk after the image data (the PNG spec allows it there too)."""
    kind = chunks.kind
    while kind != b"IEND":
        if kind == b"eXIf":
            return chunks.body()
        kind = chunks.next()
    return None


def _colours(band: Image.Image) -> Image.Image:
    """Palette and transparent-colour images as RGB(A) or LA: Image.reduce's modes."""
    if band.mode == "P" or "transparency" in band.info:
        if band.mode == "L":
            return band.convert("LA")
        return band.convert("RGBA" if band.has_transparency_data else "RGB")
    return band


def _decode(
    header: PngHeader, copied: list[bytes], rows: bytes, above: bytes | None, count: int
) -> Image.Image:
    stored = zlib.compressobj(0)  # level 0: the rows as they are, in stored blocks
    idat = b""
    if above is not None:
        idat = stored.compress(b"\x00" + above)  # filter type None: the row as it is
        count += 1
    idat += stored.compress(rows) + stored.flush()
    ihdr = struct.pack(">IIBBBBB", header.width, count, 8, header.colour, 0, 0, 0)
    data = b"".join(
        [SIGNATURE, _chunk(b"IHDR", ihdr), *copied, _chunk(b"IDAT", idat), _chunk(b"IEND", b"")]
    )
    del idat
    band = Image.open(io.BytesIO(data), formats=["PNG"])  # shares `data`, no copy
    band.load()
    return band


def _bands(pieces: Iterator[bytes], header: PngHeader, rows_per_band: int) -> Iterator[bytes]:
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
        raise damaged("its image data has the wrong size")
    if buffered:
        yield bytes(buffered)


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
