"""Decode, validate and describe images; make derivatives. Pure functions over files.

Nothing here touches storage or the database: callers pass a file object and
get back facts (format, size, EXIF) and encoded derivative bytes.
"""

from __future__ import annotations

import io
import logging
import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from datetime import timezone as dt_timezone
from typing import IO
from zoneinfo import ZoneInfo

from django.conf import settings
from PIL import ExifTags, Image, ImageOps, UnidentifiedImageError

logger = logging.getLogger(__name__)

# Pillow format name -> (content type, file extension) of the formats we accept.
FORMATS: dict[str, tuple[str, str]] = {
    "JPEG": ("image/jpeg", "jpg"),
    "PNG": ("image/png", "png"),
    "WEBP": ("image/webp", "webp"),
    "GIF": ("image/gif", "gif"),
    "TIFF": ("image/tiff", "tif"),
    "HEIF": ("image/heic", "heic"),
    "AVIF": ("image/avif", "avif"),
}
SUPPORTED_TEXT = "JPEG, PNG, WebP, GIF, TIFF, HEIC or AVIF"
THUMBNAIL_EDGE = 400
_ORIENTATION_SWAPS_AXES = {5, 6, 7, 8}


class UnsupportedImage(ValueError):
    """The file is not an image we can safely decode; the message says why."""


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


@dataclass(frozen=True)
class Analysis:
    facts: ImageFacts
    thumbnail_webp: bytes


def configure() -> None:
    """Register extra decoders and Pillow's pixel limit (called once at startup)."""
    from pillow_heif import register_heif_opener

    register_heif_opener()
    # Pillow refuses (raises) past twice this; decode() refuses past it itself.
    Image.MAX_IMAGE_PIXELS = settings.MYPHOTO_MAX_IMAGE_PIXELS


def analyze(fileobj: IO[bytes], *, thumbnail_edge: int = THUMBNAIL_EDGE) -> Analysis:
    """Decode `fileobj` fully (a damaged file fails here), read its facts, make a thumbnail."""
    # The image is not closed: Pillow's PNG plugin would close the caller's file
    # too, and the caller still has to store it. The pixels go with the image.
    image = _open(fileobj)
    facts = _facts(image)
    if image.format == "JPEG":
        # Shrink-on-load: libjpeg decodes at 1/2, 1/4 or 1/8 scale for free.
        image.draft("RGB", (thumbnail_edge, thumbnail_edge))
    try:
        image.load()
    except (OSError, SyntaxError, ValueError, EOFError) as err:
        raise UnsupportedImage(
            f"The image is damaged or incomplete and cannot be decoded ({err})."
        ) from err
    return Analysis(facts=facts, thumbnail_webp=_thumbnail_webp(image, thumbnail_edge))


def _open(fileobj: IO[bytes]) -> Image.Image:
    fileobj.seek(0)
    try:
        image = Image.open(fileobj, formats=list(FORMATS))
    except UnidentifiedImageError as err:
        raise UnsupportedImage(
            f"This file is not an image MyPhoto can read; upload {SUPPORTED_TEXT} files."
        ) from err
    except Image.DecompressionBombError as err:
        raise UnsupportedImage(_too_many_pixels_message()) from err
    except (OSError, SyntaxError, ValueError, EOFError) as err:
        raise UnsupportedImage(f"The image is damaged and cannot be decoded ({err}).") from err
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


def _facts(image: Image.Image) -> ImageFacts:
    content_type, extension = FORMATS[image.format or ""]
    exif = image.getexif()
    width, height = image.size
    if exif.get(ExifTags.Base.Orientation) in _ORIENTATION_SWAPS_AXES and image.format != "HEIF":
        width, height = height, width
    exif_ifd = exif.get_ifd(ExifTags.IFD.Exif)
    return ImageFacts(
        format=image.format or "",
        content_type=content_type,
        extension=extension,
        width=width,
        height=height,
        taken_at=_taken_at(exif_ifd),
        camera_make=_text(exif.get(ExifTags.Base.Make)),
        camera_model=_text(exif.get(ExifTags.Base.Model)),
        **_gps(exif.get_ifd(ExifTags.IFD.GPSInfo)),
    )


def _text(value: object) -> str:
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    if not isinstance(value, str):
        return ""
    return "".join(ch for ch in value if ch.isprintable()).strip()[:100]


def _taken_at(exif_ifd: dict) -> datetime | None:
    raw = _text(exif_ifd.get(ExifTags.Base.DateTimeOriginal))
    if not raw:
        return None
    try:
        naive = datetime.strptime(raw[:19], "%Y:%m:%d %H:%M:%S")  # noqa: DTZ007  offset applied below
    except ValueError:
        return None
    offset = _text(exif_ifd.get(ExifTags.Base.OffsetTimeOriginal))
    if len(offset) == 6 and offset[0] in "+-" and offset[3] == ":":
        try:
            minutes = int(offset[1:3]) * 60 + int(offset[4:6])
        except ValueError:
            minutes = None
        if minutes is not None:
            sign = -1 if offset[0] == "-" else 1
            return naive.replace(tzinfo=dt_timezone(timedelta(minutes=sign * minutes)))
    # Without an offset the camera's clock is taken to be in the library's zone.
    return naive.replace(tzinfo=ZoneInfo(settings.TIME_ZONE))


def _gps(gps_ifd: dict) -> dict[str, float | None]:
    lat = _degrees(gps_ifd.get(ExifTags.GPS.GPSLatitude), gps_ifd.get(ExifTags.GPS.GPSLatitudeRef))
    lon = _degrees(
        gps_ifd.get(ExifTags.GPS.GPSLongitude), gps_ifd.get(ExifTags.GPS.GPSLongitudeRef)
    )
    if lat is None or lon is None or not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return {"gps_lat": None, "gps_lon": None}
    return {"gps_lat": round(lat, 7), "gps_lon": round(lon, 7)}


def _degrees(value: object, ref: object) -> float | None:
    try:
        degrees, minutes, seconds = (float(part) for part in value)  # type: ignore[union-attr]
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    result = degrees + minutes / 60 + seconds / 3600
    if not math.isfinite(result):
        return None
    return -result if _text(ref).upper() in {"S", "W"} else result


def _thumbnail_webp(image: Image.Image, edge: int) -> bytes:
    image.thumbnail((edge, edge), Image.Resampling.LANCZOS, reducing_gap=2.0)
    # Transposing after the shrink touches a few hundred thousand pixels, not millions.
    image = ImageOps.exif_transpose(image)
    if image.mode not in {"RGB", "RGBA"}:
        image = image.convert("RGBA" if image.has_transparency_data else "RGB")
    out = io.BytesIO()
    image.save(out, "WEBP", quality=80, method=4)
    return out.getvalue()
