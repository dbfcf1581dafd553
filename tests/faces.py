"""Real faces for the tests of People: scikit-image's astronaut (Eileen Collins, a NASA
photograph), as it is, as other photos of her (turned a little, cropped, mirrored,
darker: other bytes, other pixels, the same face), and a class photo of 60 faces."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import ExifTags, Image, ImageEnhance, ImageOps

ASTRONAUT = Path(__file__).parent / "data" / "faces" / "astronaut.jpg"
# Where dlib's detector finds her face in the 512 × 512 picture (left, top, right, bottom).
FACE = (179, 83, 267, 171)


def astronaut(variant: int = 0, *, taken: str | None = None, sideways: bool = False) -> bytes:
    """The photograph (variant 0) or another photo of the same face (1, 2, 3...), taken
    at `taken` (EXIF's "YYYY:MM:DD HH:MM:SS") if given; `sideways`, a quarter turn
    anticlockwise (and no orientation tag to say so)."""
    picture = Image.open(ASTRONAUT).convert("RGB")
    if variant:
        picture = picture.crop((10 * variant, 5 * variant, 512 - 7 * variant, 512 - variant))
        picture = ImageEnhance.Brightness(picture).enhance(1 - 0.06 * variant)
        if variant % 2:
            picture = ImageOps.mirror(picture)
    if sideways:
        picture = picture.transpose(Image.Transpose.ROTATE_90)
    exif = Image.Exif()
    if taken:
        exif.get_ifd(ExifTags.IFD.Exif)[ExifTags.Base.DateTimeOriginal] = taken
    return _jpeg(picture, exif=exif.tobytes() if taken else None)


def class_photo(faces: int = 60, *, columns: int = 10) -> bytes:
    """A class photo: `faces` faces in rows, each about 100 pixels wide, as a school's
    photographer takes them (one face cropped with its shoulders, in varied light)."""
    source = Image.open(ASTRONAUT).convert("RGB")
    left, top, right, bottom = FACE
    head = source.crop((left - 40, top - 40, right + 40, bottom + 60))
    cell = (head.width * 3 // 4, head.height * 3 // 4)
    rows = -(-faces // columns)
    picture = Image.new("RGB", (columns * cell[0], rows * cell[1]), (200, 200, 190))
    for index in range(faces):
        lit = ImageEnhance.Brightness(head).enhance(0.85 + 0.03 * (index % 7))
        picture.paste(lit.resize(cell), ((index % columns) * cell[0], (index // columns) * cell[1]))
    return _jpeg(picture)


def _jpeg(picture: Image.Image, *, exif: bytes | None = None) -> bytes:
    out = io.BytesIO()
    params = {"exif": exif} if exif else {}
    picture.save(out, "JPEG", quality=90, **params)
    return out.getvalue()
