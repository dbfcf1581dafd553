"""A photo's facts from its EXIF: when, with what camera, where, and Apple's Live Photo id."""

from __future__ import annotations

import math
import struct
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta, tzinfo
from datetime import timezone as dt_timezone
from typing import Any

from PIL import ExifTags

from .facts import Location

# Nobody took a photograph before this year: an earlier capture date is a clock never set.
FIRST_PHOTOGRAPH_YEAR = 1826
# Apple's MakerNote: this header, then an IFD in big-endian order whose offsets count from
# the MakerNote's first byte. Tag 0x11 holds the Live Photo's content identifier.
_APPLE_MAKER_NOTE = b"Apple iOS\x00"
_APPLE_CONTENT_IDENTIFIER = 0x0011
_ASCII = 2
_LONG = 4
_IMAGE_NUMBER = 0x9211
_LENS_MODEL = 0xA434
# Nikon's MakerNote: this header, a version, then a TIFF of its own from byte 10.
_NIKON_MAKER_NOTE = b"Nikon\x00\x02"
_NIKON_SHUTTER_COUNT = 0x00A7


def clean_text(value: object) -> str:
    """Printable text of at most 100 characters from a metadata value (bytes or str)."""
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    if not isinstance(value, str):
        return ""
    return "".join(ch for ch in value if ch.isprintable()).strip()[:100]


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


def lens(exif_ifd: Mapping[int, Any]) -> str:
    """The lens the camera names (EXIF's LensModel), else ""."""
    return clean_text(exif_ifd.get(_LENS_MODEL))


def shot_number(exif_ifd: Mapping[int, Any]) -> int | None:
    """The camera's count of the shot, written alike in a RAW and the JPEG taken with it:
    EXIF's ImageNumber, else a Nikon's shutter count (its MakerNote). None if neither."""
    number = exif_ifd.get(_IMAGE_NUMBER)
    if isinstance(number, int) and number > 0:
        return number
    note = exif_ifd.get(ExifTags.Base.MakerNote)
    if isinstance(note, bytes) and note.startswith(_NIKON_MAKER_NOTE):
        return _nikon_shutter_count(note[10:])
    return None


def _nikon_shutter_count(tiff: bytes) -> int | None:
    """Tag 0xA7 of the TIFF inside a Nikon MakerNote (its offsets count from its header)."""
    order = {b"II": "<", b"MM": ">"}.get(tiff[:2])
    if order is None or len(tiff) < 10:
        return None
    (ifd,) = struct.unpack_from(order + "I", tiff, 4)
    if ifd + 2 > len(tiff):
        return None
    (count,) = struct.unpack_from(order + "H", tiff, ifd)
    for index in range(min(count, 512)):
        at = ifd + 2 + 12 * index
        if at + 12 > len(tiff):
            return None
        tag, kind, length, value = struct.unpack_from(order + "HHII", tiff, at)
        if tag == _NIKON_SHUTTER_COUNT and kind == _LONG and length == 1:
            return value or None
    return None


def taken_at(exif_ifd: Mapping[int, Any], *, local_zone: tzinfo) -> datetime | None:
    """DateTimeOriginal with its offset; without a usable one, in `local_zone`."""
    raw = clean_text(exif_ifd.get(ExifTags.Base.DateTimeOriginal))
    if not raw:
        return None
    try:
        naive = datetime.strptime(raw[:19], "%Y:%m:%d %H:%M:%S")  # noqa: DTZ007  offset applied below
    except ValueError:
        return None
    if naive.year < FIRST_PHOTOGRAPH_YEAR:
        return None  # "0001:01:01 00:00:00" and friends: a clock never set
    zone = _offset(clean_text(exif_ifd.get(ExifTags.Base.OffsetTimeOriginal)))
    moment = naive.replace(tzinfo=zone or local_zone)
    return moment if storable(moment) else None


def storable(moment: datetime) -> bool:
    """Whether the moment exists in UTC (where it is stored): at the calendar's edges
    (9999-12-31 at -14:00) it overflows."""
    try:
        moment.astimezone(UTC)
    except (OverflowError, ValueError):
        return False
    return True


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


def gps(gps_ifd: Mapping[int, Any]) -> Location:
    """`gps_lat` and `gps_lon` in degrees, both None unless both are usable."""
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
