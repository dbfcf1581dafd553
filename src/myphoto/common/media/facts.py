"""What a photo or video is found to be, and why one is refused."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TypedDict


def gettext_noop(message: str) -> str:
    """Marks a sentence for the translation catalogue (makemessages finds it by this name).
    This package imports nothing of Django: whoever shows the error says it in its reader's
    language from the error's `template` and `params` (photos.media.said)."""
    return message


class UnsupportedImage(ValueError):
    """The file is not an image we can safely decode; the message says why, in English, and
    `template` % `params` is that sentence for a translation catalogue."""

    def __init__(self, template: str, params: Mapping[str, object] | None = None) -> None:
        self.template, self.params = template, dict(params or {})
        super().__init__(template % self.params if self.params else template)


class NotAnImage(UnsupportedImage):
    """No image format we read starts like this file (it may be a video)."""


class UnsupportedVideo(UnsupportedImage):
    """The file is not a video we can play; the message says why."""


class Location(TypedDict):
    """Where a photo was taken, in degrees: both None unless both are known."""

    gps_lat: float | None
    gps_lon: float | None


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
    # The camera's count of the shot (a RAW and its JPEG share it); None if not written.
    shot_number: int | None = field(default=None, kw_only=True)
    # The lens the camera names (EXIF's LensModel); "" if it does not.
    lens: str = field(default="", kw_only=True)


@dataclass(frozen=True)
class VideoFacts(ImageFacts):
    duration: float
    video_codec: str
    audio_codec: str
    frame_rate: float | None
    pixel_format: str
    # Where in the file its place is written: [start, end) byte spans, blanked when a
    # share link that hides places plays the original.
    location_spans: tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class Derivative:
    size: str
    width: int
    height: int
    webp: bytes
