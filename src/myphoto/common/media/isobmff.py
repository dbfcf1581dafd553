"""The top-level boxes of an ISO media file (HEIF, AVIF, MP4, QuickTime), found by seeking.

HEIF's decoder shows a photo that lost its last bytes as if it were whole (libheif
conceals the missing data), so a HEIF or AVIF photo is checked here to hold every
byte its boxes claim; a video's index (`moov`) and XMP box are found by the same walk.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO

from .structure import damaged


@dataclass(frozen=True)
class Box:
    kind: bytes
    start: int
    size: int


def top_level_boxes(fileobj: IO[bytes], *, strict: bool = False) -> Iterator[Box]:
    """The file's top-level boxes in order. A malformed or cut one ends the walk, or with
    `strict` raises Damaged."""
    fileobj.seek(0, 2)
    end = fileobj.tell()
    at = 0
    while at + 8 <= end:
        fileobj.seek(at)
        header = fileobj.read(16)
        size, kind = int.from_bytes(header[:4], "big"), header[4:8]
        if size == 1 and len(header) == 16:
            size = int.from_bytes(header[8:16], "big")
        elif size == 0:
            size = end - at  # to the end of the file
        if size < 8 or at + size > end:
            if strict:
                raise damaged(f"its {kind.decode('latin-1')!r} box ends after the file does")
            return
        yield Box(kind, at, size)
        at += size
    if strict and at < end:
        raise damaged("the file ends inside a box's header")


def check_boxes(fileobj: IO[bytes]) -> None:
    """Raise Damaged unless every top-level box is whole."""
    for _ in top_level_boxes(fileobj, strict=True):
        pass
