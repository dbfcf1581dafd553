"""Decode, validate and describe images; make their derivatives. Pure functions over files.

Callers pass a file object and the server's `Limits`, and get back facts (format,
size, EXIF) and encoded derivative bytes.
"""

from __future__ import annotations

import contextlib
import io
import logging
import struct
from collections.abc import Iterator
from functools import lru_cache
from typing import IO

from PIL import ExifTags, Image, ImageCms, UnidentifiedImageError

from ..formats import IMAGE_FORMATS, PHOTO_FORMAT_NAMES
from . import costs, exif, isobmff, jpeg, png, pngbands
from .budget import DecodeBudget, decode_budget
from .facts import Derivative, ImageFacts, NotAnImage, UnsupportedImage, gettext_noop
from .limits import Limits
from .structure import DAMAGED, Damaged, check_gif

logger = logging.getLogger(__name__)

# Long edge in pixels of each derivative; sm is made from md.
DERIVATIVE_SIZES = {"md": 1600, "sm": 400}
WEBP_QUALITY = 80
WEBP_METHOD = 4
# EXIF orientations that show the image turned a quarter: its width and height swap.
ORIENTATION_SWAPS_AXES = {5, 6, 7, 8}
# Decoders that report the upright size and apply the orientation themselves:
# pillow-heif (the HEIF transform) and Pillow's TIFF plugin (on load).
_SELF_ORIENTING = {"HEIF", "TIFF"}
_RESIZABLE_MODES = {"RGB", "RGBA", "CMYK", "L", "LA"}
# Formats in ISO media boxes (pillow-heif names AVIF "HEIF" too).
_ISO_MEDIA = {"HEIF", "AVIF"}
# EXIF orientation -> the transposition that shows the image upright.
_TRANSPOSE = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
# Degrees clockwise (Pillow's ROTATE_90 turns the other way).
_TURNS = {
    90: Image.Transpose.ROTATE_270,
    180: Image.Transpose.ROTATE_180,
    270: Image.Transpose.ROTATE_90,
}
# What Pillow, its plugins and pillow-heif raise for a damaged file, wherever the
# damage is: the header, the pixels, the EXIF (AVIF's decoder raises RuntimeError,
# a WebP's broken EXIF SyntaxError; both were found by fuzzing).
DAMAGE = (
    OSError,
    SyntaxError,
    ValueError,
    EOFError,
    RuntimeError,
    struct.error,
    IndexError,
    KeyError,
    ZeroDivisionError,
    OverflowError,
)


def register_decoders(*, max_image_pixels: int) -> None:
    """Register the HEIF/AVIF decoder and Pillow's own pixel limit (once, at startup)."""
    from pillow_heif import register_heif_opener

    register_heif_opener()
    # Pillow refuses (raises) past twice this; _open refuses past it itself.
    Image.MAX_IMAGE_PIXELS = max_image_pixels


@contextlib.contextmanager
def _refusing_damage(limits: Limits) -> Iterator[None]:
    """The one place where a decoder's failure becomes UnsupportedImage."""
    try:
        yield
    except UnsupportedImage:
        raise
    except Image.DecompressionBombError as err:
        raise too_many_pixels(limits) from err
    except Damaged as err:
        raise UnsupportedImage(DAMAGED, {"why": err.why}) from err
    except DAMAGE as err:
        raise UnsupportedImage(
            gettext_noop("The image is damaged or incomplete and cannot be decoded (%(why)s)."),
            {"why": err},
        ) from err


def analyze(fileobj: IO[bytes], *, limits: Limits) -> ImageFacts:
    """Check `fileobj` is a whole image we can decode, and return its facts.

    Raises UnsupportedImage for anything else, damaged anywhere.
    """
    with _refusing_damage(limits):
        # The image is not closed: Pillow's PNG plugin would close the caller's
        # file too, and the caller still has to store it.
        image = _open(fileobj, limits)
        cost = _affordable(image, fileobj, limits)
        if image.format == "PNG":
            # Every chunk, the whole image data and each row's filter, read in
            # pieces: for a PNG that is all a decode would check, without holding
            # its pixels (a 14,000 px square is 588 MB of them). Its EXIF comes
            # from there too: Pillow decodes the image to find an eXIf chunk.
            found = png.check_png(fileobj)
            facts = _facts(image, limits, _exif_from(found.exif))
            if found.pixels_checked:
                return facts
        else:
            facts = _facts(image, limits)
        if image.format == "JPEG":
            # Every segment to the end-of-image marker, in pieces: all that a
            # decode refused, without the Huffman decode (most of an upload's CPU).
            jpeg.check_jpeg(fileobj)
            return facts
        if image.format == "GIF":
            check_gif(fileobj)
        elif image.format in _ISO_MEDIA:
            isobmff.check_boxes(fileobj)
            isobmff.check_items(fileobj)
        with _budget(limits).reserve(cost.check):
            _decode_whole(fileobj, limits)
    return facts


def describe(fileobj: IO[bytes], *, limits: Limits) -> ImageFacts:
    """The facts of an image from what its header says, reading no pixels: a JPEG's
    markers up to its scan (its EXIF is there), a TIFF's directories. For a file of an
    adopted library, read by ranges; its derivatives job checks the whole of it later.

    Raises NotAnImage for no image, UnsupportedImage for a header that is damaged.
    """
    with _refusing_damage(limits):
        image = _open(fileobj, limits)
        if image.format == "PNG":
            # Pillow decodes a PNG to look for an eXIf chunk after its pixels.
            return _facts(image, limits, _exif_from(image.info.get("exif")))
        return _facts(image, limits)


def _decode_whole(fileobj: IO[bytes], limits: Limits) -> None:
    """Decode every pixel (all that checks an image whose structure says too little), and
    let them go: opened in a frame of its own, they are freed before the budget is."""
    _open(fileobj, limits).load()


def make_derivatives(
    fileobj: IO[bytes],
    *,
    limits: Limits,
    sizes: dict[str, int] = DERIVATIVE_SIZES,
    turn: int = 0,
) -> list[Derivative]:
    """Return WebP derivatives, largest first, each made from the one before.

    `sizes` maps a name to the long edge in pixels. Orientation is applied, then `turn`
    (degrees clockwise: the owner's), and colours are converted to sRGB.
    """
    ordered = sorted(sizes.items(), key=lambda item: -item[1])
    with _refusing_damage(limits):
        cost = _affordable(_open(fileobj, limits), fileobj, limits, ordered[0][1])
    with _budget(limits).reserve(cost.derive):
        return _derived(fileobj, ordered, limits, turn)


def _derived(
    fileobj: IO[bytes], ordered: list[tuple[str, int]], limits: Limits, turn: int
) -> list[Derivative]:
    """The derivatives, the image opened and decoded in this frame: its pixels are freed
    when it returns, before the budget they were counted in."""
    with _refusing_damage(limits):
        image = _open(fileobj, limits)
        if image.format == "JPEG":
            # Shrink-on-load: libjpeg decodes at 1/2, 1/4 or 1/8 scale for free.
            image.draft("RGB", costs.fit(image.size, ordered[0][1]))
        elif pngbands.can_shrink_in_bands(fileobj):
            return _derive_from_bands(fileobj, image, ordered, limits, turn)
        image.load()
        # After the load: a PNG's EXIF may follow its pixels, and Pillow decodes them
        # all to find it.
        orientation = _orientation(image)
    return _derive(image, orientation, ordered, turn)


def _derive_from_bands(
    fileobj: IO[bytes],
    image: Image.Image,
    ordered: list[tuple[str, int]],
    limits: Limits,
    turn: int,
) -> list[Derivative]:
    """A big PNG, reduced a band at a time (`costs.band_factor`: resize() whole reduces
    to twice the largest derivative anyway), then derived."""
    factor = costs.band_factor(image.size, ordered[0][1])
    with _refusing_damage(limits):
        reduced, raw_exif = pngbands.shrink(fileobj, factor)
        orientation = int(_exif_from(raw_exif).get(ExifTags.Base.Orientation, 1) or 1)
    if "icc_profile" in image.info:
        reduced.info["icc_profile"] = image.info["icc_profile"]
    return _derive(reduced, orientation, ordered, turn)


def _budget(limits: Limits) -> DecodeBudget:
    return decode_budget(limits.decode_folder, limits.decode_budget)


def _affordable(
    image: Image.Image, fileobj: IO[bytes], limits: Limits, largest: int = DERIVATIVE_SIZES["md"]
) -> costs.Costs:
    """The image's costs, or UnsupportedImage where checking it or making its derivatives
    would take more memory than the whole decode budget: refused before any decode."""
    found = costs.costs_of(image, fileobj, largest)
    needed = max(found.check, found.derive)
    if needed > limits.decode_budget:
        raise UnsupportedImage(
            gettext_noop(
                "The image (%(width)d×%(height)d) would take about %(needed)s MB of memory to "
                "read, more than this server reads images with (%(budget)s MB)."
            ),
            {
                "width": image.width,
                "height": image.height,
                "needed": f"{needed / costs.MiB:,.0f}",
                "budget": f"{limits.decode_budget / costs.MiB:,.0f}",
            },
        )
    return found


def derivatives_of(
    image: Image.Image,
    *,
    orientation: int = 1,
    sizes: dict[str, int] = DERIVATIVE_SIZES,
    turn: int = 0,
) -> list[Derivative]:
    """WebP derivatives of an image already decoded (a video's frame), largest first."""
    return _derive(image, orientation, sorted(sizes.items(), key=lambda item: -item[1]), turn)


def _derive(
    image: Image.Image, orientation: int, ordered: list[tuple[str, int]], turn: int = 0
) -> list[Derivative]:
    if image.mode not in _RESIZABLE_MODES:
        image = image.convert("RGBA" if image.has_transparency_data else "RGB")
    derivatives: list[Derivative] = []
    for name, edge in ordered:
        image = _shrink(image, edge)
        if not derivatives:
            # Orientation and colour on the shrunk image: far fewer pixels to touch.
            if orientation in _TRANSPOSE:
                image = image.transpose(_TRANSPOSE[orientation])
            if turn % 360:
                image = image.transpose(_TURNS[turn % 360])
            image = _to_srgb(image)
        out = io.BytesIO()
        image.save(out, "WEBP", quality=WEBP_QUALITY, method=WEBP_METHOD)
        derivatives.append(Derivative(name, image.width, image.height, out.getvalue()))
    return derivatives


def _shrink(image: Image.Image, edge: int) -> Image.Image:
    target = costs.fit(image.size, edge)
    if target == image.size:
        return image
    # reduce() first averages whole blocks cheaply; the filter then does the last step.
    return image.resize(target, Image.Resampling.LANCZOS, reducing_gap=2.0)


def _orientation(image: Image.Image) -> int:
    if image.format in _SELF_ORIENTING:
        return 1
    return int(image.getexif().get(ExifTags.Base.Orientation, 1) or 1)


def _to_srgb(image: Image.Image) -> Image.Image:
    """Return the image in RGB or RGBA, converted from its ICC profile to sRGB."""
    target_mode = "RGBA" if image.has_transparency_data else "RGB"
    profile = image.info.get("icc_profile")
    if profile and image.mode in {"RGB", "RGBA", "CMYK", "L"}:
        try:
            converted = ImageCms.profileToProfile(
                image,
                ImageCms.ImageCmsProfile(io.BytesIO(profile)),
                _srgb_profile(),
                outputMode="RGB" if image.mode in {"CMYK", "L"} else target_mode,
            )
        except (ImageCms.PyCMSError, OSError, ValueError):
            logger.info("ignoring an unusable ICC profile")
        else:
            if converted is not None:
                image = converted
    return image if image.mode in {"RGB", "RGBA"} else image.convert(target_mode)


@lru_cache(maxsize=1)
def _srgb_profile() -> ImageCms.ImageCmsProfile:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


def _open(fileobj: IO[bytes], limits: Limits) -> Image.Image:
    fileobj.seek(0)
    try:
        image = Image.open(fileobj, formats=list(IMAGE_FORMATS))
    except UnidentifiedImageError as err:
        if isobmff.is_heif(fileobj):
            raise UnsupportedImage(
                gettext_noop(
                    "The image is damaged or incomplete "
                    "(a HEIF or AVIF file its decoder cannot read)."
                )
            ) from err
        raise NotAnImage(
            gettext_noop(
                "This file is not an image MyPhoto can read; upload a photo in one of these "
                "formats: %(formats)s."
            ),
            {"formats": PHOTO_FORMAT_NAMES},
        ) from err
    width, height = image.size
    if width <= 0 or height <= 0:
        raise UnsupportedImage(gettext_noop("The image has no pixels."))
    if width * height > limits.max_image_pixels:
        raise too_many_pixels(limits, width, height)
    return image


def too_many_pixels(limits: Limits, width: int = 0, height: int = 0) -> UnsupportedImage:
    megapixels = f"{limits.max_image_pixels / 1_000_000:g}"
    if not width:
        return UnsupportedImage(
            gettext_noop("The image has too many pixels; the limit is %(limit)s megapixels."),
            {"limit": megapixels},
        )
    return UnsupportedImage(
        gettext_noop(
            "The image has too many pixels (%(width)d×%(height)d); "
            "the limit is %(limit)s megapixels."
        ),
        {"width": width, "height": height, "limit": megapixels},
    )


def _exif_from(raw: bytes | None) -> Image.Exif:
    found = Image.Exif()
    if raw:
        found.load(raw)
    return found


def _facts(image: Image.Image, limits: Limits, exif_data: Image.Exif | None = None) -> ImageFacts:
    content_type, extension = IMAGE_FORMATS[image.format or ""]
    tags = exif_data if exif_data is not None else image.getexif()
    width, height = image.size
    if (
        tags.get(ExifTags.Base.Orientation) in ORIENTATION_SWAPS_AXES
        and image.format not in _SELF_ORIENTING
    ):
        width, height = height, width
    exif_ifd = tags.get_ifd(ExifTags.IFD.Exif)
    return ImageFacts(
        format=image.format or "",
        content_type=content_type,
        extension=extension,
        width=width,
        height=height,
        taken_at=exif.taken_at(exif_ifd, local_zone=limits.local_zone),
        camera_make=exif.clean_text(tags.get(ExifTags.Base.Make)),
        camera_model=exif.clean_text(tags.get(ExifTags.Base.Model)),
        **exif.gps(tags.get_ifd(ExifTags.IFD.GPSInfo)),
        content_identifier=exif.apple_content_identifier(exif_ifd.get(ExifTags.Base.MakerNote)),
        shot_number=exif.shot_number(exif_ifd),
        lens=exif.lens(exif_ifd),
    )
