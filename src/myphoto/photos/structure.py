"""Check an image file's structure, end to end, without holding its pixels.

A decoder can accept a file that lost its last bytes (PNG's closing chunk, the
GIF trailer) and a full decode of a big PNG holds every pixel at once. These
checks read the file in bounded pieces: for PNG, every chunk's CRC, the whole
zlib stream of the image data (inflated piece by piece and thrown away, so its
checksum and its length are checked), and the closing IEND chunk.
"""

from __future__ import annotations

import struct
import zlib
from typing import IO

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_READ = 1024 * 1024
# Bits per pixel of each PNG colour type, per bit of depth.
_CHANNELS = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}
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


class Damaged(ValueError):
    """The file's structure is broken; the message says where."""


def _damaged(why: str) -> Damaged:
    return Damaged(f"The image is damaged or incomplete ({why}).")


def _read_exactly(fileobj: IO[bytes], size: int) -> bytes:
    data = fileobj.read(size)
    if len(data) != size:
        raise _damaged("the file ends too early")
    return data


def _scanline_bytes(width: int, height: int, bits_per_pixel: int, interlaced: bool) -> int:
    """How many bytes the image data inflates to: each row, plus its filter byte."""

    def rows(w: int, h: int) -> int:
        return 0 if w == 0 or h == 0 else h * (1 + (w * bits_per_pixel + 7) // 8)

    if not interlaced:
        return rows(width, height)
    return sum(
        rows(max(0, (width - x + dx - 1) // dx), max(0, (height - y + dy - 1) // dy))
        for x, y, dx, dy in _ADAM7
    )


def check_png(fileobj: IO[bytes]) -> None:
    """Raise Damaged unless the PNG is whole: each chunk's CRC, image data, the IEND chunk."""
    fileobj.seek(0)
    if fileobj.read(8) != PNG_SIGNATURE:
        raise _damaged("not a PNG signature")
    inflater = zlib.decompressobj()
    inflated = expected = 0
    seen_header = False
    while True:
        length, kind = struct.unpack(">I4s", _read_exactly(fileobj, 8))
        if length > 0x7FFFFFFF:
            raise _damaged("a chunk claims more than 2 GB")
        crc = zlib.crc32(kind)
        header = b""
        remaining = length
        while remaining:
            piece = _read_exactly(fileobj, min(remaining, _READ))
            remaining -= len(piece)
            crc = zlib.crc32(piece, crc)
            if kind == b"IHDR":
                header += piece
            elif kind == b"IDAT":
                if inflater.eof:
                    raise _damaged("image data after its end")
                try:
                    # Inflated a megabyte at a time and thrown away: bounded memory.
                    out = inflater.decompress(piece, _READ)
                    inflated += len(out)
                    while inflater.unconsumed_tail:
                        inflated += len(inflater.decompress(inflater.unconsumed_tail, _READ))
                except zlib.error as err:
                    raise _damaged(f"the image data is corrupt: {err}") from err
        if _read_exactly(fileobj, 4) != crc.to_bytes(4, "big"):
            raise _damaged(f"the {kind.decode('latin-1')} chunk's checksum is wrong")
        if kind == b"IHDR":
            if len(header) != 13:
                raise _damaged("a malformed header")
            width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", header)
            if colour not in _CHANNELS:
                raise _damaged("an unknown colour type")
            expected = _scanline_bytes(width, height, depth * _CHANNELS[colour], interlace == 1)
            seen_header = True
        elif kind == b"IEND":
            break
    if not seen_header:
        raise _damaged("no header")
    if not inflater.eof:
        raise _damaged("the image data stops before its end")
    if inflated != expected:
        raise _damaged(f"{inflated} bytes of image data where {expected} were due")


def check_gif(fileobj: IO[bytes]) -> None:
    """Raise Damaged unless the GIF ends with its trailer byte."""
    fileobj.seek(-1, 2)
    if fileobj.read(1) != b";":
        raise _damaged("the GIF trailer is missing")
