"""Photos and videos alike: tell which a file is, check it, describe it, derive its images."""

from __future__ import annotations

from typing import IO

from . import images, videos
from .facts import Derivative, ImageFacts, NotAnImage
from .limits import Limits


def analyze(fileobj: IO[bytes], *, limits: Limits) -> ImageFacts:
    """The facts of a whole photo (`ImageFacts`) or video (`VideoFacts`).

    Raises UnsupportedImage (UnsupportedVideo for a video) saying why not.
    """
    try:
        return images.analyze(fileobj, limits=limits)
    except NotAnImage:
        return videos.analyze(fileobj, limits=limits)


def describe(fileobj: IO[bytes], *, limits: Limits) -> ImageFacts:
    """The facts of a photo or a video from its header alone (a video's container, no
    frame decoded): what a scan reads of a file kept elsewhere."""
    try:
        return images.describe(fileobj, limits=limits)
    except NotAnImage:
        return videos.describe(fileobj, limits=limits)


def make_derivatives(
    fileobj: IO[bytes], *, video: bool, limits: Limits, turn: int = 0
) -> list[Derivative]:
    """The sm and md images of a photo, or a video's posters; turned `turn` degrees
    clockwise."""
    if video:
        return videos.poster(fileobj, limits=limits, turn=turn)
    return images.make_derivatives(fileobj, limits=limits, turn=turn)
