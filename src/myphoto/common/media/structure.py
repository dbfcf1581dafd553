"""Checking a file's structure end to end without holding its pixels: what the format
checks share (`png`, `jpeg`), and GIF's one check.

A decoder can accept a file that lost its last bytes (PNG's closing chunk, the GIF
trailer), a full decode of a big PNG holds every pixel at once, and even a JPEG
decoded at 1/8 scale costs its whole Huffman decode. The checks read the file in
bounded pieces instead.
"""

from __future__ import annotations

from typing import IO

from .facts import gettext_noop

# The most a check reads (or inflates) at a time.
READ = 1024 * 1024


DAMAGED = gettext_noop("The image is damaged or incomplete (%(why)s).")


class Damaged(ValueError):
    """The file's structure is broken; the message says where (`why`, alone)."""

    def __init__(self, message: str, why: str = "") -> None:
        super().__init__(message)
        self.why = why or message


def damaged(why: str) -> Damaged:
    return Damaged(DAMAGED % {"why": why}, why)


def read_exactly(fileobj: IO[bytes], size: int) -> bytes:
    data = fileobj.read(size)
    if len(data) != size:
        raise damaged("the file ends too early")
    return data


def check_gif(fileobj: IO[bytes]) -> None:
    """Raise Damaged unless the GIF ends with its trailer byte."""
    fileobj.seek(-1, 2)
    if fileobj.read(1) != b";":
        raise damaged("the GIF trailer is missing")
