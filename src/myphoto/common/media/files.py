"""Photos, camera RAWs and videos alike: tell which a file is, check it, describe it, derive
its images."""

from __future__ import annotations

from typing import IO

from . import images, raw, raw_headers, raw_images, videos
from .facts import Derivative, ImageFacts, NotAnImage, UnsupportedImage
from .limits import Limits
from .structure import Damaged


def analyze(fileobj: IO[bytes], *, limits: Limits) -> ImageFacts:
    """The facts of a whole photo (`ImageFacts`) or video (`VideoFacts`).

    Raises UnsupportedImage (UnsupportedVideo for a video) saying why not.
    """
    found = camera_raw(fileobj)
    if found is not None:
        return raw.analyze(fileobj, found, limits=limits)
    try:
        return images.analyze(fileobj, limits=limits)
    except NotAnImage:
        return videos.analyze(fileobj, limits=limits)


def describe(fileobj: IO[bytes], *, limits: Limits) -> ImageFacts:
    """The facts of a photo or a video from its header alone (a video's container, no
    frame decoded): what a scan reads of a file kept elsewhere."""
    found = camera_raw(fileobj)
    if found is not None:
        return raw.describe(fileobj, found, limits=limits)
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
    found = camera_raw(fileobj)
    if found is not None:
        return raw_images.make_derivatives(fileobj, found, limits=limits, turn=turn)
    return images.make_derivatives(fileobj, limits=limits, turn=turn)


def camera_raw(fileobj: IO[bytes]) -> raw_headers.Raw | None:
    """The header of a camera RAW, None for any other file; UnsupportedImage for a RAW
    whose header is damaged. A RAW is told apart before the image readers look: Pillow
    opens a TIFF-based one as the small TIFF of its first directory."""
    try:
        return raw_headers.identify(fileobj)
    except Damaged as err:
        raise UnsupportedImage(raw.DAMAGED_RAW, {"why": err.why}) from err
