"""Probe, check and describe videos; take their posters. Pure functions over files (PyAV).

A video is opened with the demuxer its first bytes name (never FFmpeg's guess: it
takes a text file for a "tty" video), one frame is decoded where its poster comes
from, and the last second of packets is read, so that a file whose frames cannot be
decoded or that lost its end is refused at upload like a broken photo.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterator
from contextlib import contextmanager
from fractions import Fraction
from typing import IO

import av
import av.container
import av.stream
import av.video.frame

from ..formats import PHOTO_FORMAT_NAMES, VIDEO_CONTAINERS, VIDEO_FORMAT_NAMES, sniff_video
from . import costs, images, isobmff, video_tags
from .budget import decode_budget
from .facts import Derivative, UnsupportedImage, UnsupportedVideo, VideoFacts, gettext_noop
from .limits import Limits
from .structure import Damaged

logger = logging.getLogger(__name__)

# A poster is the frame this far in (a first frame is often black)...
POSTER_AT_SECONDS = 1.0
# ...or this share of a clip shorter than POSTER_AT_SECONDS / POSTER_AT_SHARE.
POSTER_AT_SHARE = 0.1
# How much of a video's end is read at upload to check that it is all there.
_TAIL_SECONDS = 1.0
# The most frames decoded after a seek to reach the poster's time (a long GOP).
_MAX_FRAMES_TO_POSTER = 1000
# What FFmpeg calls the display matrix's rotation (counter-clockwise degrees) ->
# the EXIF orientation that shows the frame upright.
_ORIENTATION_OF_ROTATION = {-90: 6, 270: 6, 90: 8, -270: 8, 180: 3, -180: 3}
_WEB_CODECS = {"vp8", "vp9", "av1", "libdav1d"}
# Bytes per pixel of a poster's frame while decoded: the decoder's frames, the picture.
_FRAME_BYTES = 12


def analyze(fileobj: IO[bytes], *, limits: Limits) -> VideoFacts:
    """Check `fileobj` is a whole video we can decode, and return its facts.

    Raises UnsupportedVideo for a video we cannot play, UnsupportedImage for a file
    that is no video at all. Reads the header, one frame's worth of packets and the
    last second: never the whole file.
    """
    return _facts(fileobj, limits, decode=True)


def describe(fileobj: IO[bytes], *, limits: Limits) -> VideoFacts:
    """A video's facts from its container alone (its boxes and `moov`, read by ranges from
    a file kept elsewhere): no frame decoded, so the size is the coded one, before the
    display matrix turns it; `analyze`, run by the file's derivatives job, checks the rest
    and gives the size as shown."""
    return _facts(fileobj, limits, decode=False)


def _facts(fileobj: IO[bytes], limits: Limits, *, decode: bool) -> VideoFacts:
    fileobj.seek(0)
    demuxer = sniff_video(fileobj.read(512))
    if demuxer is None:
        # Neither a photo nor a video: refused as the photo it was first taken for.
        raise UnsupportedImage(
            gettext_noop(
                "This file is not a photo or video MyPhoto can read; upload photos in "
                "%(photos)s or videos in %(videos)s."
            ),
            {"photos": PHOTO_FORMAT_NAMES, "videos": VIDEO_FORMAT_NAMES},
        )
    if demuxer == "mov":
        try:
            isobmff.check_boxes(fileobj)  # the media data whole, as a cut file's is not
        except Damaged as err:
            raise UnsupportedVideo(
                gettext_noop("The video is damaged or incomplete (%(why)s)."), {"why": err.why}
            ) from err
    with _opened(fileobj, demuxer, limits) as container:
        if decode:
            with _poster_frame(container, limits) as (stream, duration, frame):
                # As shown: the display matrix may turn the frames a quarter.
                width, height = frame.width, frame.height
                if orientation_of(frame) in {6, 8}:
                    width, height = height, width
            _check_tail(container, duration)
        else:
            stream = video_stream(container)
            width, height = stream.codec_context.width, stream.codec_context.height
            _check_pixels(width, height, limits)
            duration = _duration(container, stream)
        content_type, extension = _content_type(demuxer, container, stream)
        tags = video_tags.tags_of(container)
        make, model = video_tags.camera(tags)
        audio = container.streams.audio[0].codec_context.name if container.streams.audio else ""
        return VideoFacts(
            format=demuxer,
            content_type=content_type,
            extension=extension,
            width=width,
            height=height,
            taken_at=video_tags.taken_at(tags),
            camera_make=make,
            camera_model=model,
            **video_tags.location(tags),
            duration=round(duration, 3),
            video_codec=stream.codec_context.name,
            audio_codec=audio,
            frame_rate=_frame_rate(stream.average_rate),
            pixel_format=stream.codec_context.format.name if stream.codec_context.format else "",
            content_identifier=video_tags.content_identifier(tags),
            # Read once the container is done with the file.
            location_spans=video_tags.location_spans(
                fileobj, demuxer, video_tags.location_texts(tags)
            ),
        )


def poster(fileobj: IO[bytes], *, limits: Limits, turn: int = 0) -> list[Derivative]:
    """The sm and md posters: the frame at `poster_time`, upright, as WebP derivatives."""
    demuxer = demuxer_of(fileobj)
    with (
        _opened(fileobj, demuxer, limits) as container,
        _poster_frame(container, limits) as (_, _, frame),
    ):
        image = frame.to_image()  # type: ignore[no-untyped-call]
        return images.derivatives_of(image, orientation=orientation_of(frame), turn=turn)


@contextmanager
def _poster_frame(
    container: av.container.InputContainer, limits: Limits
) -> Iterator[tuple[av.video.stream.VideoStream, float, av.video.frame.VideoFrame]]:
    """The video stream, its duration and the poster's frame, decoded within the process's
    pixel budget (held while the caller works on the frame)."""
    stream = video_stream(container)
    width, height = stream.codec_context.width, stream.codec_context.height
    _check_pixels(width, height, limits)
    duration = _duration(container, stream)
    with decode_budget(limits.decode_folder, limits.decode_budget).reserve(
        costs.BASE + width * height * _FRAME_BYTES
    ):
        yield stream, duration, _frame_at(container, stream, poster_time(duration), limits)


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
        return facts.video_codec in _WEB_CODECS and facts.audio_codec in {"", "opus", "vorbis"}
    return False


@contextmanager
def _opened(
    fileobj: IO[bytes], demuxer: str, limits: Limits
) -> Iterator[av.container.InputContainer]:
    """The container, with FFmpeg's failures turned into UnsupportedVideo."""
    fileobj.seek(0)
    try:
        # FFmpeg's own pixel limit too, for what it decodes while it opens the file.
        options = {"max_pixels": str(limits.max_video_pixels)}
        with av.open(fileobj, mode="r", format=demuxer, options=options) as container:
            yield container
    except UnsupportedVideo:
        raise
    except (av.FFmpegError, *images.DAMAGE) as err:
        raise UnsupportedVideo(
            gettext_noop("The video is damaged or incomplete and cannot be played (%(why)s)."),
            {"why": _reason(err)},
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
    raise UnsupportedVideo(gettext_noop("The file has no video in it (only sound, or nothing)."))


def _check_pixels(width: int, height: int, limits: Limits) -> None:
    if width <= 0 or height <= 0:
        raise UnsupportedVideo(gettext_noop("The video has no picture size."))
    if width * height > limits.max_video_pixels:
        raise UnsupportedVideo(
            gettext_noop(
                "The video's frames have too many pixels (%(width)d×%(height)d); "
                "the limit is %(limit)s megapixels."
            ),
            {"width": width, "height": height, "limit": f"{limits.max_video_pixels / 1e6:g}"},
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
    container: av.container.InputContainer,
    stream: av.video.stream.VideoStream,
    seconds: float,
    limits: Limits,
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
        raise UnsupportedVideo(
            gettext_noop("The video is damaged or incomplete: no frame of it can be decoded.")
        )
    _check_pixels(last.width, last.height, limits)
    return last


def _check_tail(container: av.container.InputContainer, duration: float) -> None:
    """Read the packets of the video's last second: a file cut short has a broken last one."""
    stream = container.streams.video[0]
    if duration > _TAIL_SECONDS and stream.time_base:
        target = int((duration - _TAIL_SECONDS) / stream.time_base)
        container.seek(target, stream=stream, any_frame=True, backward=True)
    for packet in container.demux():
        if packet.size and packet.is_corrupt:
            raise UnsupportedVideo(
                gettext_noop("The video is damaged or incomplete (the file ends too early).")
            )


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
        webm = stream.codec_context.name in _WEB_CODECS
        return ("video/webm", "webm") if webm else ("video/x-matroska", "mkv")
    return VIDEO_CONTAINERS[demuxer]


def _frame_rate(rate: Fraction | None) -> float | None:
    if not rate:
        return None
    value = float(rate)
    return round(value, 3) if math.isfinite(value) and 0 < value < 1000 else None
