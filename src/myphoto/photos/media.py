"""The media code of `myphoto.common.media` with this server's settings passed in."""

from __future__ import annotations

from collections.abc import Callable
from typing import IO
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils.translation import gettext

from ..common.media import files, heap, images, transcode
from ..common.media.facts import Derivative, ImageFacts, UnsupportedImage
from ..common.media.limits import Limits


def limits() -> Limits:
    """What the settings allow, read at each call (tests change them as they go)."""
    return Limits(
        max_image_pixels=settings.MYPHOTO_MAX_IMAGE_PIXELS,
        max_video_pixels=settings.MYPHOTO_MAX_VIDEO_PIXELS,
        decode_budget=settings.MYPHOTO_DECODE_BUDGET_MB * 1024 * 1024,
        decode_folder=str(settings.DATA_DIR / "decoding"),
        local_zone=ZoneInfo(settings.TIME_ZONE),
    )


def said(error: UnsupportedImage) -> str:
    """Why a file was refused, in the reader's language (common.media words it in English,
    marked for the catalogue)."""
    sentence = gettext(error.template)
    return sentence % error.params if error.params else sentence


def configure() -> None:
    """Register the extra decoders and Pillow's pixel limit, and have freed images go back
    to the system (once, at startup)."""
    images.register_decoders(max_image_pixels=settings.MYPHOTO_MAX_IMAGE_PIXELS)
    heap.return_big_buffers()


def analyze(fileobj: IO[bytes]) -> ImageFacts:
    """A photo's or video's facts; UnsupportedImage (or UnsupportedVideo) saying why not."""
    return files.analyze(fileobj, limits=limits())


def describe(fileobj: IO[bytes]) -> ImageFacts:
    """A photo's facts from its header, a video's as `analyze` finds them."""
    return files.describe(fileobj, limits=limits())


def make_derivatives(fileobj: IO[bytes], *, video: bool, turn: int = 0) -> list[Derivative]:
    """The sm and md images of a photo, or a video's posters; turned `turn` degrees
    clockwise."""
    return files.make_derivatives(fileobj, video=video, limits=limits(), turn=turn)


def make_playback_copy(
    source: IO[bytes], target: str, *, progress: Callable[[], None] | None = None
) -> None:
    """A video's H.264/AAC copy for browsers, written to the path `target`."""
    transcode.make_playback_copy(source, target, progress=progress)
