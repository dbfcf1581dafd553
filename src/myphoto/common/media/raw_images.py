"""A RAW's sm and md images: from an embedded preview when one is as big as md (a JPEG,
decoded at reduced scale: fast; the smallest such, the fewest pixels), else from its sensor
data through LibRaw at half size (each 2×2 block of the colour filter one pixel: no
demosaicing), upright either way."""

from __future__ import annotations

import io
import logging
from typing import IO

import rawpy
from PIL import ExifTags, Image

from . import images, jpeg
from .budget import decode_budget
from .facts import Derivative, UnsupportedImage
from .limits import Limits
from .raw import CANNOT_READ, libraw, libraw_said
from .raw_headers import PREVIEW_HEAD, Raw
from .structure import Damaged

logger = logging.getLogger(__name__)

# The most of a file a preview may be (a full-size JPEG of a 100 MP camera is ~40 MB).
_LARGEST_PREVIEW = 64 * 1024 * 1024
# EXIF orientations that are turns (degrees clockwise); cameras write no mirrored ones.
_TURNS = {3: 180, 6: 90, 8: 270}
# LibRaw's memory per sensor pixel at half size: the raw values (2 bytes), the half-size
# image (4 × 2 bytes per 4 pixels) and the 8-bit output (3 bytes per 4 pixels).
_SENSOR_BYTES_PER_PIXEL = 5


def make_derivatives(
    fileobj: IO[bytes], raw: Raw, *, limits: Limits, turn: int = 0
) -> list[Derivative]:
    """The derivatives, largest first, turned `turn` degrees clockwise after upright."""
    wanted = max(images.DERIVATIVE_SIZES.values())
    # The smallest preview as big as md: the same md, from fewer pixels to decode.
    for width, height, span in _previews(fileobj, raw):
        if max(width, height) < wanted:
            continue  # smaller than md: the sensor data shows more
        preview = _read(fileobj, span)
        try:
            jpeg.check_jpeg(io.BytesIO(preview))
            upright = (turn + _preview_turn(preview, raw)) % 360
            return images.make_derivatives(io.BytesIO(preview), limits=limits, turn=upright)
        except (UnsupportedImage, Damaged) as err:
            logger.info("a RAW's %d×%d preview is unusable (%s)", width, height, err)
    return from_sensor(fileobj, limits=limits, turn=turn)


def from_sensor(fileobj: IO[bytes], *, limits: Limits, turn: int = 0) -> list[Derivative]:
    """The derivatives from the sensor data, through LibRaw at half size."""
    with libraw(fileobj) as opened:
        sizes = opened.sizes
        pixels = sizes.raw_width * sizes.raw_height
        if pixels > limits.max_image_pixels:
            raise images.too_many_pixels(limits, sizes.raw_width, sizes.raw_height)
        budget = decode_budget(limits.decode_folder, limits.decode_budget)
        with budget.reserve(pixels * _SENSOR_BYTES_PER_PIXEL):
            try:
                pixels_rgb = opened.postprocess(half_size=True, use_camera_wb=True, output_bps=8)
            except rawpy.LibRawError as err:
                raise UnsupportedImage(CANNOT_READ, {"why": libraw_said(err)}) from err
            image = Image.fromarray(pixels_rgb)
            del pixels_rgb
            return images.derivatives_of(image, turn=turn)


def _previews(fileobj: IO[bytes], raw: Raw) -> list[tuple[int, int, tuple[int, int]]]:
    """The previews that open as JPEGs, with their sizes, smallest first."""
    found = []
    for span in raw.previews:
        if span[1] > _LARGEST_PREVIEW:
            continue
        fileobj.seek(span[0])
        head = fileobj.read(min(span[1], PREVIEW_HEAD))
        try:
            with Image.open(io.BytesIO(head), formats=["JPEG"]) as image:
                found.append((image.width, image.height, span))
        except (OSError, ValueError, SyntaxError):
            continue  # damaged: the next one, or the sensor data
    return sorted(found, key=lambda item: item[0] * item[1])


def _read(fileobj: IO[bytes], span: tuple[int, int]) -> bytes:
    fileobj.seek(span[0])
    return fileobj.read(span[1])


def _preview_turn(preview: bytes, raw: Raw) -> int:
    """The turn that shows the preview upright: none when it says its own orientation
    (Fujifilm's, whose EXIF it carries, is applied by the JPEG's reader), else the RAW's."""
    with Image.open(io.BytesIO(preview)) as image:
        if ExifTags.Base.Orientation in image.getexif():
            return 0
    return _TURNS.get(raw.orientation, 0)
