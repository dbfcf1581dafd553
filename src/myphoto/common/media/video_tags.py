"""What phones and cameras write in a video's metadata: when, where, with what; and where
in the file its place is written (a share link that hides places blanks those bytes)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import IO

import av.container

from .exif import FIRST_PHOTOGRAPH_YEAR, clean_text, storable
from .facts import Location
from .isobmff import top_level_boxes

APPLE = "com.apple.quicktime."
# QuickTime writes these when its clock was never set.
_UNSET_DATES = {datetime(1904, 1, 1, tzinfo=UTC), datetime(1970, 1, 1, tzinfo=UTC)}
# ISO 6709 as phones write it: "+37.5665+126.9780+030.000/" (degrees), or minutes and
# seconds run together ("+3733.99+12658.68/"), an altitude and a CRS after.
_ISO6709 = re.compile(r"^([+-])(\d+(?:\.\d+)?)([+-])(\d+(?:\.\d+)?)")
# The index of an MP4 or QuickTime file (where its metadata is) is read whole to find the
# spans; a bigger one (hours of video) is searched no further.
_MAX_INDEX = 64 * 1024 * 1024


def tags_of(container: av.container.InputContainer) -> dict[str, str]:
    """The container's metadata and its streams', with lower-case keys (the container's win)."""
    tags: dict[str, str] = {}
    for source in [*(stream.metadata for stream in container.streams), container.metadata]:
        tags.update({str(key).lower(): str(value) for key, value in source.items()})
    return tags


def first(tags: Mapping[str, str], *names: str) -> str:
    return next((tags[name] for name in names if tags.get(name)), "")


def camera(tags: Mapping[str, str]) -> tuple[str, str]:
    """The camera's make and model, as Apple, Android or others name them."""
    make = first(tags, f"{APPLE}make", "com.android.manufacturer", "make")
    model = first(tags, f"{APPLE}model", "com.android.model", "model")
    return clean_text(make), clean_text(model)


def content_identifier(tags: Mapping[str, str]) -> str:
    """Apple's id that a Live Photo's motion shares with its still."""
    return clean_text(first(tags, f"{APPLE}content.identifier"))


def taken_at(tags: Mapping[str, str]) -> datetime | None:
    """Apple's creation date (local, with its offset), else the container's (UTC)."""
    for name in (f"{APPLE}creationdate", "creation_time", "date"):
        moment = _moment(tags.get(name, ""))
        if moment is not None:
            return moment
    return None


def _moment(text: str) -> datetime | None:
    text = text.strip()
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)  # QuickTime's and Matroska's dates are in UTC
    if moment.year < FIRST_PHOTOGRAPH_YEAR or moment in _UNSET_DATES:
        return None
    return moment if storable(moment) else None


def location(tags: Mapping[str, str]) -> Location:
    """`gps_lat` and `gps_lon` from the ISO 6709 place phones write; both None without it."""
    text = first(tags, f"{APPLE}location.iso6709", "location", "location-eng")
    match = _ISO6709.match(text.strip())
    none: Location = {"gps_lat": None, "gps_lon": None}
    if not match:
        return none
    lat = _iso6709_degrees(match[2], degree_digits=2)
    lon = _iso6709_degrees(match[4], degree_digits=3)
    if lat is None or lon is None:
        return none
    lat, lon = (-lat if match[1] == "-" else lat), (-lon if match[3] == "-" else lon)
    if not (-90 <= lat <= 90 and -180 <= lon <= 180) or (lat == 0 and lon == 0):
        return none
    return {"gps_lat": round(lat, 7), "gps_lon": round(lon, 7)}


def _iso6709_degrees(number: str, *, degree_digits: int) -> float | None:
    """Degrees from ISO 6709's D, DM or DMS forms (told apart by the digits before the point)."""
    whole, _, fraction = number.partition(".")
    value = float(number)
    extra = len(whole) - degree_digits
    if extra <= 0:
        return value
    if extra == 2:  # DDMM.mmm
        degrees, minutes = divmod(value, 100)
        return degrees + minutes / 60
    if extra == 4:  # DDMMSS.sss
        degrees, rest = divmod(value, 10000)
        minutes, seconds = divmod(rest, 100)
        return degrees + minutes / 60 + seconds / 3600
    return None


def location_texts(tags: Mapping[str, str]) -> set[str]:
    """Every tag value that says where the video was taken, as the file spells it."""
    return {
        value
        for name, value in tags.items()
        if value and ("location" in name or name in {"xyz", "\u00a9xyz"})
    }


# Adobe's XMP packet in an ISO media file: a top-level `uuid` box of this id (or inside the
# index). Where it names a place, the value of each of these (attribute or element).
XMP_UUID = bytes.fromhex("BE7ACFCB97A942E89C71999491E3AFAC")
_XMP_PLACE = re.compile(
    rb"(?:exif:GPS(?:Latitude|Longitude|Altitude|DestLatitude|DestLongitude|AreaInformation)"
    rb"|photoshop:(?:City|State|Country)|Iptc4xmpCore:(?:Location|CountryCode))"
    rb"""(?:\s*=\s*["']([^"'<>]*)["']|>([^<]*)<)"""
)


def location_spans(
    fileobj: IO[bytes], demuxer: str, texts: set[str]
) -> tuple[tuple[int, int], ...]:
    """The byte spans of where an MP4 or QuickTime file says it was taken: `texts` inside
    its index (`moov`), and the place values of its XMP (in the index, or a box of its own)."""
    if demuxer != "mov":
        return ()
    spans: list[tuple[int, int]] = []
    for box in top_level_boxes(fileobj):
        if box.size > _MAX_INDEX or box.kind not in (b"moov", b"uuid"):
            continue
        fileobj.seek(box.start)
        content = fileobj.read(box.size)
        if box.kind == b"uuid" and content[8:24] != XMP_UUID:
            continue
        if box.kind == b"moov":
            spans += _spans_of(content, box.start, texts)
        spans += [
            (box.start + match.start(group), box.start + match.end(group))
            for match in _XMP_PLACE.finditer(content)
            for group in (1, 2)
            if match.group(group)
        ]
    return tuple(sorted(set(spans)))


def _spans_of(content: bytes, start: int, texts: set[str]) -> list[tuple[int, int]]:
    spans = []
    for text in texts:
        needle = text.encode()
        at = content.find(needle)
        while at >= 0:
            spans.append((start + at, start + at + len(needle)))
            at = content.find(needle, at + 1)
    return spans
