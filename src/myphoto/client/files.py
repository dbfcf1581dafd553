"""Local files: find the photos and videos in folders, hash them, name them on the way down."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from ..common.formats import IMAGE_FORMATS, sniff_raw, sniff_video

CHUNK = 1024 * 1024


@dataclass(frozen=True)
class Candidate:
    path: Path
    size: int


def _prepare_pillow() -> None:
    from pillow_heif import register_heif_opener

    register_heif_opener()
    # Only headers are read here: huge images are for the server to accept or refuse.
    Image.MAX_IMAGE_PIXELS = None


def is_image(path: Path) -> bool:
    """Whether the file's content is an image the server takes (its name does not matter)."""
    try:
        # The check reads only the file's header; the server decodes it all.
        with Image.open(path, formats=list(IMAGE_FORMATS)):
            return True
    except (OSError, SyntaxError, ValueError):  # UnidentifiedImageError is an OSError
        return False


def is_video_or_raw(path: Path) -> bool:
    """Whether the file starts as a video or a camera RAW the server takes (the server
    probes it whole)."""
    try:
        with path.open("rb") as source:
            head = source.read(512)
    except OSError:
        return False
    # Any TIFF too: a TIFF-based RAW's first directory may be nothing Pillow opens.
    tiff = head[:4] in {b"II*\x00", b"MM\x00*"}
    return sniff_video(head) is not None or sniff_raw(head) or tiff


def sort_photos(paths: Iterable[Path]) -> tuple[list[Candidate], list[Path]]:
    """Split files into photos and videos to upload, and files that are neither."""
    _prepare_pillow()
    photos, others = [], []
    for path in paths:
        if is_image(path) or is_video_or_raw(path):
            photos.append(Candidate(path, path.stat().st_size))
        else:
            others.append(path)
    return photos, others


def sha256_hash(path: Path) -> hashlib._Hash:
    """The SHA-256 state after the whole file, to finish or to go on with."""
    digest = hashlib.sha256()
    with path.open("rb") as source:
        while chunk := source.read(CHUNK):
            digest.update(chunk)
    return digest


def sha256_of(path: Path) -> str:
    return sha256_hash(path).hexdigest()
