"""Camera RAW files: checked without decoding, described from their metadata.

The check is of structure, as for a JPEG: every strip, tile, preview and box the file
points at must be in it (a cut RAW loses its sensor data first). What the header says
is `raw_headers`'; nothing is decoded at upload, `raw_images` makes the derivatives.
"""

from __future__ import annotations

import contextlib
import io
import os
from collections.abc import Iterator
from typing import IO, BinaryIO, cast

import rawpy
from PIL import Image

from ..formats import RAW_FORMATS
from . import exif, images, isobmff, tiffdirs
from .facts import ImageFacts, UnsupportedImage, gettext_noop
from .limits import Limits
from .raw_headers import PREVIEW_HEAD, Raw, Span
from .structure import Damaged, damaged

# Formats whose tags say the size they are shown at: DNG's crop, CR3's IFD0.
_DECLARES_SHOWN = {"DNG", "CR3"}


def within(raw: Raw, size: int) -> None:
    """Raise Damaged unless every span the RAW points at is in its `size` bytes."""
    for offset, length in raw.spans:
        if offset + length > size:
            raise damaged("the file ends too early: its image data is cut")


def analyze(fileobj: IO[bytes], raw: Raw, *, limits: Limits) -> ImageFacts:
    """Check a RAW's structure (every span in the file; CR3's boxes whole) and read its
    facts; non-DNG sizes as LibRaw shows them (it opens the file's header, decoding
    nothing). Raises UnsupportedImage."""
    fileobj.seek(0, 2)
    size = fileobj.tell()
    try:
        within(raw, size)
        if raw.format == "CR3":
            isobmff.check_boxes(fileobj)  # its sensor data is in the last box, `mdat`
    except Damaged as err:
        raise UnsupportedImage(DAMAGED_RAW, {"why": err.why}) from err
    # LibRaw opens every RAW but the DNGs we read whole ourselves: it knows the makers'
    # sizes (margins, crops) that their tags do not say.
    opened = None if raw.format == "DNG" else _libraw_size(fileobj)
    if opened is None or (raw.format in _DECLARES_SHOWN and all(raw.declared)):
        return facts(raw, raw.declared, limits)
    return facts(raw, opened, limits, upright=True)


DAMAGED_RAW = gettext_noop("The RAW file is damaged or incomplete (%(why)s).")
CANNOT_READ = gettext_noop("LibRaw cannot read this RAW file (%(why)s).")


def describe(fileobj: IO[bytes], raw: Raw, *, limits: Limits) -> ImageFacts:
    """A RAW's facts from its header alone (a file of an adopted library, read by ranges):
    its declared size, else its largest preview's."""
    shown = raw.declared
    if not all(shown):
        shown = max((_jpeg_size(fileobj, span) for span in raw.previews), default=(0, 0))
    return facts(raw, shown, limits)


def facts(raw: Raw, shown: tuple[int, int], limits: Limits, *, upright: bool = False) -> ImageFacts:
    """The facts; `shown` is the size before the orientation is applied unless `upright`."""
    width, height = shown
    if width <= 0 or height <= 0:
        raise UnsupportedImage(gettext_noop("The RAW file says nothing of its size."))
    if width * height > limits.max_image_pixels:
        raise images.too_many_pixels(limits, width, height)
    if raw.orientation in images.ORIENTATION_SWAPS_AXES and not upright:
        width, height = height, width
    content_type, extension = RAW_FORMATS[raw.format]
    return ImageFacts(
        format=raw.format,
        content_type=content_type,
        extension=extension,
        width=width,
        height=height,
        taken_at=exif.taken_at(raw.exif.tags, local_zone=limits.local_zone),
        camera_make=exif.clean_text(raw.ifd0.tags.get(tiffdirs.MAKE)),
        camera_model=exif.clean_text(raw.ifd0.tags.get(tiffdirs.MODEL)),
        **exif.gps(raw.gps.tags),
        content_identifier="",
        shot_number=exif.shot_number(raw.exif.tags),
        lens=exif.lens(raw.exif.tags),
    )


def _jpeg_size(fileobj: IO[bytes], span: Span) -> tuple[int, int]:
    fileobj.seek(span[0])
    try:
        with Image.open(io.BytesIO(fileobj.read(min(span[1], PREVIEW_HEAD)))) as image:
            return image.size
    except (OSError, ValueError, SyntaxError):
        return 0, 0


def _libraw_size(fileobj: IO[bytes]) -> tuple[int, int]:
    """The size LibRaw shows the RAW at (upright), from its header; UnsupportedImage if
    LibRaw cannot read the file."""
    with libraw(fileobj) as opened:
        sizes = opened.sizes
    width, height = sizes.width, sizes.height
    return (height, width) if sizes.flip in {5, 6} else (width, height)


@contextlib.contextmanager
def libraw(fileobj: IO[bytes]) -> Iterator[rawpy.RawPy]:
    """The RAW opened by LibRaw (rawpy), from its path where it has one, else from its
    bytes; UnsupportedImage if LibRaw cannot read it."""
    try:
        path = _path_of(fileobj)
        if path is None:
            fileobj.seek(0)
        opened = rawpy.imread(path if path is not None else cast(BinaryIO, fileobj))
    except rawpy.LibRawError as err:
        raise UnsupportedImage(CANNOT_READ, {"why": libraw_said(err)}) from err
    with opened:
        yield opened


def libraw_said(error: Exception) -> str:
    said = error.args[0] if error.args else error
    return said.decode("utf-8", "replace") if isinstance(said, bytes) else str(said)


def _path_of(fileobj: IO[bytes]) -> str | None:
    """The file's own path, when it is a file on this disk (an upload kept in a temporary
    file): LibRaw then reads what it needs instead of a copy of every byte."""
    temporary = getattr(fileobj, "temporary_file_path", None)
    if callable(temporary):
        path = temporary()
        return path if isinstance(path, str) else None
    if isinstance(fileobj, io.BufferedReader | io.FileIO):
        name = fileobj.name
        if isinstance(name, str) and os.path.isabs(name):
            return name
    return None
