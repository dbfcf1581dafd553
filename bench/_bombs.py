"""Decompression bombs: small files of many pixels, as an outside probe sent them (issue 26).

Each kind is made once and kept in a folder of the machine's temporary files (the HEIC
takes x265 most of a minute); `copies` gives distinct bytes of one (a trailing chunk or
box that decoders skip), so that eight uploads are eight photos, not one and seven
duplicates.
"""

from __future__ import annotations

import io
import re
import struct
import tempfile
import zlib
from collections.abc import Callable
from pathlib import Path

CACHE = Path(tempfile.gettempdir()) / "myphoto-bench-bombs"


def _png(width: int, height: int, *, depth: int = 8) -> bytes:
    """An RGB PNG of zeros, built a row (or a slice of one) at a time."""
    row_bytes = width * 3 * depth // 8
    compressor = zlib.compressobj(9)
    data = bytearray()
    zeros = bytes(min(row_bytes, 16 * 1024 * 1024))
    for _ in range(height):
        data += compressor.compress(b"\x00")
        left = row_bytes
        while left:
            piece = zeros[: min(left, len(zeros))]
            data += compressor.compress(piece)
            left -= len(piece)
    data += compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, depth, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", bytes(data))
        + _chunk(b"IEND", b"")
    )


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def _pillow(mode: str, size: tuple[int, int], fmt: str, **params: object) -> Callable[[], bytes]:
    def make() -> bytes:
        import pillow_heif
        from PIL import Image

        pillow_heif.register_heif_opener()
        out = io.BytesIO()
        Image.new(mode, size).save(out, fmt, **params)
        return out.getvalue()

    return make


KINDS: dict[str, tuple[str, Callable[[], bytes]]] = {
    "WebP lossless 16,383 × 12,000": (
        "webp",
        _pillow("RGB", (16383, 12000), "WEBP", lossless=True, quality=0, method=0),
    ),
    "PNG 199,000,000 × 1": ("png", lambda: _png(199_000_000, 1)),
    "PNG 16-bit 14,000²": ("png", lambda: _png(14_000, 14_000, depth=16)),
    "TIFF 14,000²": ("tif", _pillow("RGB", (14_000, 14_000), "TIFF", compression="tiff_deflate")),
    "GIF 14,000²": ("gif", _pillow("P", (14_000, 14_000), "GIF")),
    "AVIF 8,192²": ("avif", _pillow("RGB", (8192, 8192), "AVIF", quality=10, speed=10)),
    "HEIC 8,192²": ("heic", _pillow("RGB", (8192, 8192), "HEIF", quality=10)),
}


def bomb(kind: str) -> tuple[str, bytes]:
    """The kind's extension and bytes, made once."""
    extension, make = KINDS[kind]
    CACHE.mkdir(exist_ok=True)
    path = CACHE / f"{re.sub(r'[^a-z0-9]+', '-', kind.lower()).strip('-')}.{extension}"
    if not path.exists():
        path.write_bytes(make())
    return extension, path.read_bytes()


def copies(extension: str, data: bytes, count: int) -> list[bytes]:
    """`count` distinct files that decode as `data` does."""
    return [_distinct(extension, data, seed) for seed in range(count)]


def _distinct(extension: str, data: bytes, seed: int) -> bytes:
    mark = f"copy {seed}".encode()
    if extension == "png":  # a text chunk before IEND
        return data[:-12] + _chunk(b"tEXt", b"Comment\x00" + mark) + data[-12:]
    if extension == "webp":  # a chunk of our own at the end of the RIFF, its size fixed
        body = data[12:] + b"XTRA" + struct.pack("<I", len(mark)) + mark
        return b"RIFF" + struct.pack("<I", 4 + len(body)) + b"WEBP" + body
    if extension == "gif":  # a comment extension before the trailer
        return data[:-1] + b"!\xfe" + bytes([len(mark)]) + mark + b"\x00;"
    if extension in ("heic", "avif"):  # a free box at the end
        return data + struct.pack(">I", 8 + len(mark)) + b"free" + mark
    return data + mark  # TIFF: bytes after the last IFD are nobody's
