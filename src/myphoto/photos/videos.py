"""Probe, check and describe videos; take their posters. Pure functions over files (PyAV).

Nothing here touches storage or the database. A video is opened with the
demuxer its first bytes name (never FFmpeg's guess: it takes a text file for
a "tty" video), one frame is decoded where its poster comes from, and the
last second of packets is read, so that a file whose frames cannot be
decoded or that lost its end is refused at upload like a broken photo.
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from fractions import Fraction
from typing import IO

import av
import av.container
import av.stream
import av.video.frame
from django.conf import settings

from ..common.formats import VIDEO_CONTAINERS, VIDEO_SUPPORTED_TEXT, sniff_video
from . import imaging

logger = logging.getLogger(__name__)

# A poster is the frame this far in (a first frame is often black)...
POSTER_AT_SECONDS = 1.0
# ...or this share of a clip shorter than POSTER_AT_SECONDS / POSTER_AT_SHARE.
POSTER_AT_SHARE = 0.1
# How much of a video's end is read at upload to check that it is all there.
_TAIL_SECONDS = 1.0
# The most frames decoded after a seek to reach the poster's time (a long GOP).
_MAX_FRAMES_TO_POSTER = 1000
# QuickTime writes these when its clock was never set.
_UNSET_DATES = {datetime(1904, 1, 1, tzinfo=UTC), datetime(1970, 1, 1, tzinfo=UTC)}
# What FFmpeg calls the display matrix's rotation (counter-clockwise degrees) ->
# the EXIF orientation that shows the frame upright.
_ORIENTATION_OF_ROTATION = {-90: 6, 270: 6, 90: 8, -270: 8, 180: 3, -180: 3}
_APPLE = "com.apple.quicktime."


class UnsupportedVideo(imaging.UnsupportedImage):
    """The file is not a video we can play; the message says why."""


@dataclass(frozen=True)
class VideoFacts(imaging.ImageFacts):
    duration: float
    video_codec: str
    audio_codec: str
    frame_rate: float | None
    pixel_format: str
    # Where in the file its place is written: [start, end) byte spans, blanked when a
    # share link that hides places plays the original.
    location_spans: tuple[tuple[int, int], ...]


def analyze(fileobj: IO[bytes]) -> VideoFacts:
    """Check `fileobj` is a whole video we can decode, and return its facts.

    Raises UnsupportedVideo for a video we cannot play, imaging.UnsupportedImage for a
    file that is no video at all. Reads the header, one frame's
    worth of packets and the last second: never the whole file.
    """
    fileobj.seek(0)
    demuxer = sniff_video(fileobj.read(512))
    if demuxer is None:
        # Neither a photo nor a video: refused as the photo it was first taken for.
        raise imaging.UnsupportedImage(
            f"This file is not a photo or video MyPhoto can read; upload {VIDEO_SUPPORTED_TEXT}."
        )
    with _opened(fileobj, demuxer) as container:
        with _poster_frame(container) as (stream, duration, frame):
            # As shown: the display matrix may turn the frames a quarter.
            width, height = frame.width, frame.height
            if orientation_of(frame) in {6, 8}:
                width, height = height, width
        _check_tail(container, duration)
        content_type, extension = _content_type(demuxer, container, stream)
        tags = _tags(container)
        location = _first(tags, f"{_APPLE}location.iso6709", "location", "location-eng")
        place = _location(location)
        audio = container.streams.audio[0].codec_context.name if container.streams.audio else ""
        return VideoFacts(
            format=demuxer,
            content_type=content_type,
            extension=extension,
            width=width,
            height=height,
            taken_at=_taken_at(tags),
            camera_make=imaging.clean_text(
                _first(tags, f"{_APPLE}make", "com.android.manufacturer", "make")
            ),
            camera_model=imaging.clean_text(
                _first(tags, f"{_APPLE}model", "com.android.model", "model")
            ),
            gps_lat=place["gps_lat"],
            gps_lon=place["gps_lon"],
            duration=round(duration, 3),
            video_codec=stream.codec_context.name,
            audio_codec=audio,
            frame_rate=_frame_rate(stream.average_rate),
            pixel_format=stream.codec_context.format.name if stream.codec_context.format else "",
            content_identifier=imaging.clean_text(_first(tags, f"{_APPLE}content.identifier")),
            # Read once the container is done with the file.
            location_spans=location_spans(fileobj, demuxer, _location_texts(tags)),
        )


def poster(fileobj: IO[bytes]) -> list[imaging.Derivative]:
    """The sm and md posters: the frame at `poster_time`, upright, as WebP derivatives."""
    demuxer = demuxer_of(fileobj)
    with _opened(fileobj, demuxer) as container, _poster_frame(container) as (_, _, frame):
        image = frame.to_image()  # type: ignore[no-untyped-call]
        return imaging.derivatives_of(image, orientation=orientation_of(frame))


@contextmanager
def _poster_frame(
    container: av.container.InputContainer,
) -> Iterator[tuple[av.video.stream.VideoStream, float, av.video.frame.VideoFrame]]:
    """The video stream, its duration and the poster's frame, decoded within the process's
    pixel budget (held while the caller works on the frame)."""
    stream = video_stream(container)
    width, height = stream.codec_context.width, stream.codec_context.height
    _check_pixels(width, height)
    duration = _duration(container, stream)
    with imaging.DECODES.reserve(width * height):
        yield stream, duration, _frame_at(container, stream, poster_time(duration))


def demuxer_of(fileobj: IO[bytes]) -> str:
    """FFmpeg's demuxer for a video stored here (checked at upload; "mov" for the rest)."""
    fileobj.seek(0)
    demuxer = sniff_video(fileobj.read(512)) or "mov"
    fileobj.seek(0)
    return demuxer


def poster_time(duration: float) -> float:
    return min(POSTER_AT_SECONDS, duration * POSTER_AT_SHARE)


def orientation_of(frame: av.video.frame.VideoFrame) -> int:
    """The EXIF orientation that shows this frame as its display matrix says (1: as it is)."""
    rotation = round(frame.rotation or 0)
    return _ORIENTATION_OF_ROTATION.get(rotation, 1)


def plays_in_browsers(facts: VideoFacts) -> bool:
    """Whether every browser plays the original as it is (else a job makes an H.264 copy).

    H.264 in 8-bit 4:2:0 with AAC or MP3 sound in MP4 or QuickTime (which browsers
    play when it is served as video/mp4), VP8, VP9 or AV1 with Opus or Vorbis in WebM.
    """
    if facts.content_type in {"video/mp4", "video/quicktime", "video/x-m4v"}:
        return (
            facts.video_codec == "h264"
            and facts.pixel_format in {"yuv420p", "yuvj420p"}
            and facts.audio_codec in {"", "aac", "mp3"}
        )
    if facts.content_type == "video/webm":
        return facts.video_codec in {"vp8", "vp9", "av1", "libdav1d"} and facts.audio_codec in {
            "",
            "opus",
            "vorbis",
        }
    return False


@contextmanager
def _opened(fileobj: IO[bytes], demuxer: str) -> Iterator[av.container.InputContainer]:
    """The container, with FFmpeg's failures turned into UnsupportedVideo."""
    fileobj.seek(0)
    try:
        # FFmpeg's own pixel limit too, for what it decodes while it opens the file.
        limit = {"max_pixels": str(settings.MYPHOTO_MAX_VIDEO_PIXELS)}
        with av.open(fileobj, mode="r", format=demuxer, options=limit) as container:
            yield container
    except UnsupportedVideo:
        raise
    except (av.FFmpegError, *imaging.DAMAGE) as err:
        raise UnsupportedVideo(
            f"The video is damaged or incomplete and cannot be played ({_reason(err)})."
        ) from err


def _reason(err: BaseException) -> str:
    if isinstance(err, av.FFmpegError):
        return err.strerror or type(err).__name__
    return str(err)


def video_stream(container: av.container.InputContainer) -> av.video.stream.VideoStream:
    """The video's picture stream, decoded with threads; UnsupportedVideo if it has none."""
    for stream in container.streams.video:
        # A cover picture attached to the file is no video.
        if not stream.disposition & av.stream.Disposition.attached_pic:
            stream.thread_type = "AUTO"
            return stream
    raise UnsupportedVideo("The file has no video in it (only sound, or nothing).")


def _check_pixels(width: int, height: int) -> None:
    if width <= 0 or height <= 0:
        raise UnsupportedVideo("The video has no picture size.")
    limit = settings.MYPHOTO_MAX_VIDEO_PIXELS
    if width * height > limit:
        raise UnsupportedVideo(
            f"The video's frames have too many pixels ({width}×{height}); "
            f"the limit is {limit / 1_000_000:g} megapixels."
        )


def _duration(container: av.container.InputContainer, stream: av.video.stream.VideoStream) -> float:
    if stream.duration is not None and stream.time_base is not None:
        seconds = float(stream.duration * stream.time_base)
    elif container.duration is not None:
        seconds = container.duration / av.time_base
    else:
        seconds = 0.0
    return seconds if math.isfinite(seconds) and seconds > 0 else 0.0


def _frame_at(
    container: av.container.InputContainer, stream: av.video.stream.VideoStream, seconds: float
) -> av.video.frame.VideoFrame:
    """Decode the first frame at or after `seconds` (the last one, if the video ends first)."""
    if seconds > 0 and stream.time_base:
        container.seek(int(seconds / stream.time_base), stream=stream, backward=True)
    last = None
    for count, frame in enumerate(container.decode(stream)):
        last = frame
        if frame.time is None or frame.time >= seconds or count >= _MAX_FRAMES_TO_POSTER:
            break
    if last is None:
        raise UnsupportedVideo("The video is damaged or incomplete: no frame of it can be decoded.")
    _check_pixels(last.width, last.height)
    return last


def _check_tail(container: av.container.InputContainer, duration: float) -> None:
    """Read the packets of the video's last second: a file cut short has a broken last one."""
    stream = container.streams.video[0]
    if duration > _TAIL_SECONDS and stream.time_base:
        target = int((duration - _TAIL_SECONDS) / stream.time_base)
        container.seek(target, stream=stream, any_frame=True, backward=True)
    for packet in container.demux():
        if packet.size and packet.is_corrupt:
            raise UnsupportedVideo("The video is damaged or incomplete (the file ends too early).")


def _content_type(
    demuxer: str, container: av.container.InputContainer, stream: av.video.stream.VideoStream
) -> tuple[str, str]:
    """The content type and extension of this kind of file (QuickTime and MP4 by brand)."""
    if demuxer == "mov":
        brand = str(container.metadata.get("major_brand", "")).strip().lower()
        if brand == "qt":
            return "video/quicktime", "mov"
        if brand.startswith("m4v"):
            return "video/x-m4v", "m4v"
        if brand.startswith("3g2"):
            return "video/3gpp2", "3g2"
        if brand.startswith("3gp"):
            return "video/3gpp", "3gp"
        return "video/mp4", "mp4"
    if demuxer == "matroska":
        # FFmpeg reads both; WebM is Matroska with web codecs, and a DocType that says so.
        webm = stream.codec_context.name in {"vp8", "vp9", "av1", "libdav1d"}
        return ("video/webm", "webm") if webm else ("video/x-matroska", "mkv")
    return VIDEO_CONTAINERS[demuxer]


def _tags(container: av.container.InputContainer) -> dict[str, str]:
    """The container's metadata and its streams', with lower-case keys (the container's win)."""
    tags: dict[str, str] = {}
    for source in [*(stream.metadata for stream in container.streams), container.metadata]:
        tags.update({str(key).lower(): str(value) for key, value in source.items()})
    return tags


def _location_texts(tags: Mapping[str, str]) -> set[str]:
    """Every tag value that says where the video was taken, as the file spells it."""
    return {
        value
        for name, value in tags.items()
        if value and ("location" in name or name in {"xyz", "\u00a9xyz"})
    }


# The index of an MP4 or QuickTime file (where its metadata is) is read whole to find the
# spans; a bigger one (hours of video) is searched no further.
_MAX_INDEX = 64 * 1024 * 1024


def location_spans(
    fileobj: IO[bytes], demuxer: str, texts: set[str]
) -> tuple[tuple[int, int], ...]:
    """The byte spans of `texts` inside an MP4 or QuickTime file's index (`moov`)."""
    if demuxer != "mov" or not texts:
        return ()
    found = _top_level_box(fileobj, b"moov")
    if found is None:
        return ()
    start, size = found
    fileobj.seek(start)
    index = fileobj.read(size)
    spans = []
    for text in texts:
        needle = text.encode()
        at = index.find(needle)
        while at >= 0:
            spans.append((start + at, start + at + len(needle)))
            at = index.find(needle, at + 1)
    return tuple(sorted(spans))


def _top_level_box(fileobj: IO[bytes], kind: bytes) -> tuple[int, int] | None:
    """(offset, size) of the first top-level ISO box of this kind, if not too big."""
    fileobj.seek(0, 2)
    end = fileobj.tell()
    at = 0
    while at + 8 <= end:
        fileobj.seek(at)
        header = fileobj.read(16)
        if len(header) < 8:
            return None
        size, box = int.from_bytes(header[:4], "big"), header[4:8]
        if size == 1 and len(header) == 16:
            size = int.from_bytes(header[8:16], "big")
        elif size == 0:
            size = end - at
        if size < 8:
            return None
        if box == kind:
            return (at, size) if size <= _MAX_INDEX else None
        at += size
    return None


def _first(tags: Mapping[str, str], *names: str) -> str:
    return next((tags[name] for name in names if tags.get(name)), "")


def _taken_at(tags: Mapping[str, str]) -> datetime | None:
    """Apple's creation date (local, with its offset), else the container's (UTC)."""
    for name in (f"{_APPLE}creationdate", "creation_time", "date"):
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
    if moment.year < imaging.FIRST_PHOTOGRAPH_YEAR or moment in _UNSET_DATES:
        return None
    try:
        moment.astimezone(UTC)
    except (OverflowError, ValueError):
        return None
    return moment


# ISO 6709 as phones write it: "+37.5665+126.9780+030.000/" (degrees), or minutes and
# seconds run together ("+3733.99+12658.68/"), an altitude and a CRS after.
_ISO6709 = re.compile(r"^([+-])(\d+(?:\.\d+)?)([+-])(\d+(?:\.\d+)?)")


def _location(text: str) -> dict[str, float | None]:
    match = _ISO6709.match(text.strip())
    none: dict[str, float | None] = {"gps_lat": None, "gps_lon": None}
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


def _frame_rate(rate: Fraction | None) -> float | None:
    if not rate:
        return None
    value = float(rate)
    return round(value, 3) if math.isfinite(value) and 0 < value < 1000 else None
