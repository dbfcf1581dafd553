"""Decode, validate and describe images; make derivatives. Pure functions over files.

Nothing here touches storage or the database: callers pass a file object and
get back facts (format, size, EXIF) and encoded derivative bytes.
"""

from __future__ import annotations

import collections
import contextlib
import io
import logging
import math
import struct
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from datetime import timezone as dt_timezone
from functools import lru_cache
from typing import IO, Any
from zoneinfo import ZoneInfo

from django.conf import settings
from PIL import ExifTags, Image, ImageCms, UnidentifiedImageError

from ..common.formats import IMAGE_FORMATS, SUPPORTED_TEXT
from . import pngbands, structure

logger = logging.getLogger(__name__)

# Nobody took a photograph before this year: an earlier capture date is a clock never set.
FIRST_PHOTOGRAPH_YEAR = 1826
# Long edge in pixels of each derivative; sm is made from md.
DERIVATIVE_SIZES = {"md": 1600, "sm": 400}
WEBP_QUALITY = 80
WEBP_METHOD = 4
_ORIENTATION_SWAPS_AXES = {5, 6, 7, 8}
# Decoders that report the upright size and apply the orientation themselves:
# pillow-heif (the HEIF transform) and Pillow's TIFF plugin (on load).
_SELF_ORIENTING = {"HEIF", "TIFF"}
_RESIZABLE_MODES = {"RGB", "RGBA", "CMYK", "L", "LA"}
# EXIF orientation -> the transposition that shows the image upright.
_TRANSPOSE = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}


class PixelBudget:
    """How many pixels this process holds decoded at once; more wait their turn.

    A decode bigger than the whole budget runs alone. Without it, N concurrent
    uploads or jobs multiplied the peak: six uploads of one big PNG took a worker
    to 3.69 GB. Turns are taken in order of arrival, so a stream of small
    decodes cannot keep a big one waiting for ever.
    """

    def __init__(self) -> None:
        self._used = 0
        self._queue: collections.deque[object] = collections.deque()
        self._changed = threading.Condition()

    @contextlib.contextmanager
    def reserve(self, pixels: int) -> Iterator[None]:
        limit = settings.MYPHOTO_DECODE_MEGAPIXELS * 1_000_000
        turn = object()
        with self._changed:
            self._queue.append(turn)
            self._changed.wait_for(
                lambda: self._queue[0] is turn and (self._used == 0 or self._used + pixels <= limit)
            )
            self._queue.popleft()
            self._used += pixels
            self._changed.notify_all()  # the next in line may fit too
        try:
            yield
        finally:
            with self._changed:
                self._used -= pixels
                self._changed.notify_all()


DECODES = PixelBudget()


class UnsupportedImage(ValueError):
    """The file is not an image we can safely decode; the message says why."""


class NotAnImage(UnsupportedImage):
    """No image format we read starts like this file (it may be a video)."""


@dataclass(frozen=True)
class ImageFacts:
    format: str
    content_type: str
    extension: str
    width: int
    height: int
    taken_at: datetime | None
    camera_make: str
    camera_model: str
    gps_lat: float | None
    gps_lon: float | None
    # Apple's id that a Live Photo's still and its motion (a short MOV) share; "" if none.
    content_identifier: str


@dataclass(frozen=True)
class Derivative:
    size: str
    width: int
    height: int
    webp: bytes


def configure() -> None:
    """Register extra decoders and Pillow's pixel limit (called once at startup)."""
    from pillow_heif import register_heif_opener

    register_heif_opener()
    # Pillow refuses (raises) past twice this; decode() refuses past it itself.
    Image.MAX_IMAGE_PIXELS = settings.MYPHOTO_MAX_IMAGE_PIXELS


# What Pillow, its plugins and pillow-heif raise for a damaged file, wherever the
# damage is: the header, the pixels, the EXIF (AVIF's decoder raises RuntimeError,
# a WebP's broken EXIF SyntaxError; both were found by fuzzing).
DAMAGE = (
    OSError,
    SyntaxError,
    ValueError,
    EOFError,
    RuntimeError,
    struct.error,
    IndexError,
    KeyError,
    ZeroDivisionError,
    OverflowError,
)


@contextlib.contextmanager
def _refusing_damage() -> Iterator[None]:
    """The one place where a decoder's failure becomes UnsupportedImage."""
    try:
        yield
    except UnsupportedImage:
        raise
    except Image.DecompressionBombError as err:
        raise UnsupportedImage(_too_many_pixels_message()) from err
    except structure.Damaged as err:
        raise UnsupportedImage(str(err)) from err
    except DAMAGE as err:
        raise UnsupportedImage(
            f"The image is damaged or incomplete and cannot be decoded ({err})."
        ) from err


def analyze(fileobj: IO[bytes]) -> ImageFacts:
    """Check `fileobj` is a whole image we can decode, and return its facts.

    Raises UnsupportedImage for anything else, damaged anywhere.
    """
    with _refusing_damage():
        # The image is not closed: Pillow's PNG plugin would close the caller's
        # file too, and the caller still has to store it.
        image = _open(fileobj)
        if image.format == "PNG":
            # Every chunk, the whole image data and each row's filter, read in
            # pieces: for a PNG that is all a decode would check, without holding
            # its pixels (a 14,000 px square is 588 MB of them). Its EXIF comes
            # from there too: Pillow decodes the image to find an eXIf chunk.
            png = structure.check_png(fileobj)
            facts = _facts(image, exif=_exif_from(png.exif))
            if png.pixels_checked:
                return facts
        else:
            facts = _facts(image)
        if image.format == "JPEG":
            # Every segment to the end-of-image marker, in pieces: all that a
            # decode refused, without the Huffman decode (most of an upload's CPU).
            structure.check_jpeg(fileobj)
            return facts
        if image.format == "GIF":
            structure.check_gif(fileobj)
        fileobj.seek(0)
        with DECODES.reserve(image.width * image.height):
            image.load()
    return facts


def make_derivatives(
    fileobj: IO[bytes], sizes: dict[str, int] = DERIVATIVE_SIZES
) -> list[Derivative]:
    """Return WebP derivatives, largest first, each made from the one before.

    `sizes` maps a name to the long edge in pixels. Orientation is applied
    and colours are converted to sRGB.
    """
    with _refusing_damage():
        image = _open(fileobj)
        ordered = sorted(sizes.items(), key=lambda item: -item[1])
        largest = ordered[0][1]
        if image.format == "JPEG":
            # Shrink-on-load: libjpeg decodes at 1/2, 1/4 or 1/8 scale for free.
            image.draft("RGB", _fit(image.size, largest))
        elif pngbands.can_shrink_in_bands(fileobj):
            return _derive_from_bands(fileobj, image, ordered)
    # The decoded image is held until the last derivative is made.
    with DECODES.reserve(image.width * image.height):
        with _refusing_damage():
            image.load()
            # After the load: a PNG's EXIF may follow its pixels, and Pillow
            # decodes them all to find it.
            orientation = _orientation(image)
        return _derive(image, orientation, ordered)


def _derive_from_bands(
    fileobj: IO[bytes], image: Image.Image, ordered: list[tuple[str, int]]
) -> list[Derivative]:
    """A big PNG, reduced a band at a time, then derived.

    Reduced by the largest whole factor that keeps it at least the largest
    derivative's size (resize() whole reduces to twice that): block averages are
    a fine downscale, and the reduced image is a quarter of the size to hold.
    """
    width, height = _fit(image.size, ordered[0][1])
    factor = (max(1, image.width // width), max(1, image.height // height))
    reduced_pixels = (image.width // factor[0] + 1) * (image.height // factor[1] + 1)
    with DECODES.reserve(pngbands.BAND_PIXELS + reduced_pixels):
        with _refusing_damage():
            reduced, exif = pngbands.shrink(fileobj, factor)
            orientation = int(_exif_from(exif).get(ExifTags.Base.Orientation, 1) or 1)
        if "icc_profile" in image.info:
            reduced.info["icc_profile"] = image.info["icc_profile"]
        return _derive(reduced, orientation, ordered)


def derivatives_of(
    image: Image.Image, *, orientation: int = 1, sizes: dict[str, int] = DERIVATIVE_SIZES
) -> list[Derivative]:
    """WebP derivatives of an image already decoded (a video's frame), largest first."""
    return _derive(image, orientation, sorted(sizes.items(), key=lambda item: -item[1]))


def _derive(
    image: Image.Image, orientation: int, ordered: list[tuple[str, int]]
) -> list[Derivative]:
    if image.mode not in _RESIZABLE_MODES:
        image = image.convert("RGBA" if image.has_transparency_data else "RGB")
    derivatives: list[Derivative] = []
    for name, edge in ordered:
        image = _shrink(image, edge)
        if not derivatives:
            # Orientation and colour on the shrunk image: far fewer pixels to touch.
            if orientation in _TRANSPOSE:
                image = image.transpose(_TRANSPOSE[orientation])
            image = _to_srgb(image)
        out = io.BytesIO()
        image.save(out, "WEBP", quality=WEBP_QUALITY, method=WEBP_METHOD)
        derivatives.append(Derivative(name, image.width, image.height, out.getvalue()))
    return derivatives


def _fit(size: tuple[int, int], edge: int) -> tuple[int, int]:
    width, height = size
    scale = min(1.0, edge / max(width, height))
    return max(1, round(width * scale)), max(1, round(height * scale))


def _shrink(image: Image.Image, edge: int) -> Image.Image:
    target = _fit(image.size, edge)
    if target == image.size:
        return image
    # reduce() first averages whole blocks cheaply; the filter then does the last step.
    return image.resize(target, Image.Resampling.LANCZOS, reducing_gap=2.0)


def _orientation(image: Image.Image) -> int:
    if image.format in _SELF_ORIENTING:
        return 1
    return int(image.getexif().get(ExifTags.Base.Orientation, 1) or 1)


def _to_srgb(image: Image.Image) -> Image.Image:
    """Return the image in RGB or RGBA, converted from its ICC profile to sRGB."""
    target_mode = "RGBA" if image.has_transparency_data else "RGB"
    profile = image.info.get("icc_profile")
    if profile and image.mode in {"RGB", "RGBA", "CMYK", "L"}:
        try:
            converted = ImageCms.profileToProfile(
                image,
                ImageCms.ImageCmsProfile(io.BytesIO(profile)),
                _srgb_profile(),
                outputMode="RGB" if image.mode in {"CMYK", "L"} else target_mode,
            )
        except (ImageCms.PyCMSError, OSError, ValueError):
            logger.info("ignoring an unusable ICC profile")
        else:
            if converted is not None:
                image = converted
    return image if image.mode in {"RGB", "RGBA"} else image.convert(target_mode)


@lru_cache(maxsize=1)
def _srgb_profile() -> ImageCms.ImageCmsProfile:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


def _open(fileobj: IO[bytes]) -> Image.Image:
    fileobj.seek(0)
    try:
        image = Image.open(fileobj, formats=list(IMAGE_FORMATS))
    except UnidentifiedImageError as err:
        raise NotAnImage(
            f"This file is not an image MyPhoto can read; upload {SUPPORTED_TEXT} files."
        ) from err
    width, height = image.size
    if width <= 0 or height <= 0:
        raise UnsupportedImage("The image has no pixels.")
    if width * height > settings.MYPHOTO_MAX_IMAGE_PIXELS:
        raise UnsupportedImage(_too_many_pixels_message(width, height))
    return image


def _too_many_pixels_message(width: int | None = None, height: int | None = None) -> str:
    limit = settings.MYPHOTO_MAX_IMAGE_PIXELS / 1_000_000
    size = f" ({width}×{height})" if width else ""
    return f"The image has too many pixels{size}; the limit is {limit:g} megapixels."


def _exif_from(raw: bytes | None) -> Image.Exif:
    exif = Image.Exif()
    if raw:
        exif.load(raw)
    return exif


def _facts(image: Image.Image, exif: Image.Exif | None = None) -> ImageFacts:
    content_type, extension = IMAGE_FORMATS[image.format or ""]
    exif = exif if exif is not None else image.getexif()
    width, height = image.size
    if (
        exif.get(ExifTags.Base.Orientation) in _ORIENTATION_SWAPS_AXES
        and image.format not in _SELF_ORIENTING
    ):
        width, height = height, width
    exif_ifd = exif.get_ifd(ExifTags.IFD.Exif)
    return ImageFacts(
        format=image.format or "",
        content_type=content_type,
        extension=extension,
        width=width,
        height=height,
        taken_at=_taken_at(exif_ifd),
        camera_make=clean_text(exif.get(ExifTags.Base.Make)),
        camera_model=clean_text(exif.get(ExifTags.Base.Model)),
        **_gps(exif.get_ifd(ExifTags.IFD.GPSInfo)),
        content_identifier=apple_content_identifier(exif_ifd.get(ExifTags.Base.MakerNote)),
    )


# Apple's MakerNote: this header, then an IFD in big-endian order whose offsets count from
# the MakerNote's first byte. Tag 0x11 holds the Live Photo's content identifier.
_APPLE_MAKER_NOTE = b"Apple iOS\x00"
_APPLE_CONTENT_IDENTIFIER = 0x0011
_ASCII = 2


def apple_content_identifier(maker_note: object) -> str:
    """The content identifier in an iPhone's MakerNote, or "" (any other or a broken one)."""
    if not isinstance(maker_note, bytes) or not maker_note.startswith(_APPLE_MAKER_NOTE):
        return ""
    ifd = 14  # the header, a version (2 bytes) and "MM"
    if maker_note[12:14] != b"MM" or len(maker_note) < ifd + 2:
        return ""
    (count,) = struct.unpack_from(">H", maker_note, ifd)
    for index in range(min(count, 256)):
        at = ifd + 2 + 12 * index
        if at + 12 > len(maker_note):
            return ""
        tag, kind, length, offset = struct.unpack_from(">HHII", maker_note, at)
        if tag == _APPLE_CONTENT_IDENTIFIER and kind == _ASCII and length <= 100:
            start = offset if length > 4 else at + 8
            return clean_text(maker_note[start : start + length].split(b"\x00")[0])
    return ""


def clean_text(value: object) -> str:
    """Printable text of at most 100 characters from a metadata value (bytes or str)."""
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    if not isinstance(value, str):
        return ""
    return "".join(ch for ch in value if ch.isprintable()).strip()[:100]


def _taken_at(exif_ifd: Mapping[int, Any]) -> datetime | None:
    raw = clean_text(exif_ifd.get(ExifTags.Base.DateTimeOriginal))
    if not raw:
        return None
    try:
        naive = datetime.strptime(raw[:19], "%Y:%m:%d %H:%M:%S")  # noqa: DTZ007  offset applied below
    except ValueError:
        return None
    if naive.year < FIRST_PHOTOGRAPH_YEAR:
        return None  # "0001:01:01 00:00:00" and friends: a clock never set
    # Without a usable offset the camera's clock is taken to be in the library's zone.
    zone = _offset(clean_text(exif_ifd.get(ExifTags.Base.OffsetTimeOriginal)))
    moment = naive.replace(tzinfo=zone or ZoneInfo(settings.TIME_ZONE))
    try:
        # Stored in UTC: at the calendar's edges (9999-12-31 at -14:00) that overflows.
        moment.astimezone(UTC)
    except (OverflowError, ValueError):
        return None
    return moment


def _offset(text: str) -> dt_timezone | None:
    """`+09:00` as a time zone; None for anything that is not a real UTC offset."""
    if len(text) != 6 or text[0] not in "+-" or text[3] != ":":
        return None
    hours, minutes = text[1:3], text[4:6]
    if not (hours.isdigit() and minutes.isdigit()):
        return None
    # Real offsets run from -12:00 to +14:00; "+24:00" and "+99:99" are not times.
    if int(hours) > 14 or int(minutes) > 59:
        return None
    sign = -1 if text[0] == "-" else 1
    return dt_timezone(sign * timedelta(hours=int(hours), minutes=int(minutes)))


def _gps(gps_ifd: Mapping[int, Any]) -> dict[str, float | None]:
    lat = _degrees(gps_ifd.get(ExifTags.GPS.GPSLatitude), gps_ifd.get(ExifTags.GPS.GPSLatitudeRef))
    lon = _degrees(
        gps_ifd.get(ExifTags.GPS.GPSLongitude), gps_ifd.get(ExifTags.GPS.GPSLongitudeRef)
    )
    if lat is None or lon is None or not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return {"gps_lat": None, "gps_lon": None}
    return {"gps_lat": round(lat, 7), "gps_lon": round(lon, 7)}


def _degrees(value: object, ref: object) -> float | None:
    if not isinstance(value, tuple | list):
        return None
    try:
        degrees, minutes, seconds = (float(part) for part in value)
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    result = degrees + minutes / 60 + seconds / 3600
    if not math.isfinite(result):
        return None
    return -result if clean_text(ref).upper() in {"S", "W"} else result
