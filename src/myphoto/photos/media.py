"""Photos and videos alike: tell which a file is, check it, describe it, derive its images."""

from __future__ import annotations

from typing import IO

from . import imaging, videos


def analyze(fileobj: IO[bytes]) -> imaging.ImageFacts:
    """The facts of a whole photo (`ImageFacts`) or video (`videos.VideoFacts`).

    Raises imaging.UnsupportedImage (videos.UnsupportedVideo for a video) saying why not.
    """
    try:
        return imaging.analyze(fileobj)
    except imaging.NotAnImage:
        return videos.analyze(fileobj)


def make_derivatives(fileobj: IO[bytes], *, video: bool) -> list[imaging.Derivative]:
    """The sm and md images of a photo, or a video's posters."""
    return videos.poster(fileobj) if video else imaging.make_derivatives(fileobj)
