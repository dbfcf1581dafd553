"""How many bytes reading an image takes, by its format and the way it is read: the peak
growth of a process's memory, measured on 12 and 48 megapixel photos (bench/README.md),
with room to spare. An image is refused at upload when its cost is past the whole decode
budget, and each decode holds its cost of the budget while it works (`budget`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import IO

from PIL import Image

from . import pngbands
from .png import PngHeader
from .structure import Damaged

MiB = 1024 * 1024
# What a decoder holds whatever the image's size: its tables, buffers, libraries' pages.
BASE = 16 * MiB
# Bytes per pixel held by a whole decode (Pillow's, pillow-heif's), by format.
_WHOLE = {"PNG": 6.5, "GIF": 8.0, "TIFF": 7.0, "WEBP": 19.0, "HEIF": 8.0, "AVIF": 10.0}
# At upload, where the check decodes (PNG only when interlaced, GIF to its pixels).
_CHECK = {"PNG": 6.5, "GIF": 1.5, "TIFF": 4.5, "WEBP": 19.0, "HEIF": 8.0, "AVIF": 10.0}
# A JPEG's pixels as decoded at reduced scale (`Image.draft`), and the resize after.
_JPEG_DRAFTED = 12.0
# A band of a big PNG is held four or five times over while it is cut, framed, decoded.
_PNG_BAND = 24.0


@dataclass(frozen=True)
class Costs:
    check: int  # to check the file at upload (0: its structure alone is read)
    derive: int  # to make its derivatives


def costs_of(image: Image.Image, fileobj: IO[bytes], largest: int) -> Costs:
    """The costs of `image` (opened, not loaded), whose largest derivative's long edge
    is `largest` pixels."""
    width, height = image.size
    pixels = width * height
    if image.format == "JPEG":
        scale = draft_scale(image.size, largest)
        drafted = -(-width // scale) * -(-height // scale)
        return Costs(0, _bytes(drafted, _JPEG_DRAFTED))
    if image.format == "PNG":
        return _png_costs(fileobj, pixels, largest)
    fmt = image.format or ""
    return Costs(_bytes(pixels, _CHECK.get(fmt, 8.0)), _bytes(pixels, _WHOLE.get(fmt, 8.0)))


def fit(size: tuple[int, int], edge: int) -> tuple[int, int]:
    """The size within a square of `edge` pixels, never bigger than it was."""
    width, height = size
    scale = min(1.0, edge / max(width, height))
    return max(1, round(width * scale)), max(1, round(height * scale))


def band_factor(size: tuple[int, int], largest: int) -> tuple[int, int]:
    """How much a big PNG is reduced band by band: the largest whole factor that keeps it
    at least the largest derivative's size (block averages are a fine downscale)."""
    width, height = fit(size, largest)
    return max(1, size[0] // width), max(1, size[1] // height)


def draft_scale(size: tuple[int, int], largest: int) -> int:
    """The scale libjpeg decodes at for derivatives of at most `largest` pixels: 1, 2, 4 or
    8, the most that keeps the image at least as big as the largest derivative."""
    width, height = size
    wanted = fit(size, largest)
    scale = 1
    for candidate in (2, 4, 8):
        if -(-width // candidate) >= wanted[0] and -(-height // candidate) >= wanted[1]:
            scale = candidate
    return scale


def _png_costs(fileobj: IO[bytes], pixels: int, largest: int) -> Costs:
    fileobj.seek(16)
    try:
        header = PngHeader.parse(fileobj.read(13))
    except Damaged:
        return Costs(_bytes(pixels, _WHOLE["PNG"]), _bytes(pixels, _WHOLE["PNG"]))
    check = _bytes(pixels, _CHECK["PNG"]) if header.interlaced else 0
    if not pngbands.can_shrink_in_bands(fileobj):
        return Costs(check, _bytes(pixels, _WHOLE["PNG"]))
    fx, fy = band_factor((header.width, header.height), largest)
    band = header.width * pngbands.band_rows(header.width, fy)
    reduced = -(-header.width // fx) * -(-header.height // fy)
    return Costs(check, _bytes(band, _PNG_BAND) + reduced * 4)


def _bytes(pixels: int, per_pixel: float) -> int:
    return BASE + int(pixels * per_pixel)
