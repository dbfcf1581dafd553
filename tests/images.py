"""Real sample images made by the tests themselves."""

from __future__ import annotations

import io
import random
import struct

import numpy as np
from PIL import ExifTags, Image


def make_image(width: int = 64, height: int = 48, *, seed: int = 0) -> Image.Image:
    """An image with noise, so that each seed gives different bytes."""
    rng = random.Random(seed)
    image = Image.new("RGB", (width, height), (rng.randrange(256), 120, 200))
    pixels = image.load()
    for _ in range(max(50, width * height // 50)):
        pixels[rng.randrange(width), rng.randrange(height)] = (
            rng.randrange(256),
            rng.randrange(256),
            rng.randrange(256),
        )
    return image


def encode(image: Image.Image, fmt: str = "JPEG", **params) -> bytes:
    out = io.BytesIO()
    image.save(out, fmt, **params)
    return out.getvalue()


def jpeg(width: int = 64, height: int = 48, *, seed: int = 0, exif=None) -> bytes:
    params = {"quality": 90}
    if exif is not None:
        params["exif"] = exif
    return encode(make_image(width, height, seed=seed), "JPEG", **params)


def png(width: int = 64, height: int = 48, *, seed: int = 0) -> bytes:
    return encode(make_image(width, height, seed=seed), "PNG")


def noise_png(width: int, height: int, *, seed: int = 0) -> bytes:
    """A PNG of random pixels: it cannot compress, so its size is about 3 bytes a pixel."""
    rng = random.Random(seed)
    return encode(Image.frombytes("RGB", (width, height), rng.randbytes(width * height * 3)), "PNG")


# What the EXIF of `camera_photo` says, as MyPhoto should read it back.
CAMERA_MAKE = "Apple"
CAMERA_MODEL = "iPhone 15 Pro"
TAKEN_AT = "2023-10-11T14:15:16+09:00"
GPS = (37.566500, 126.978000)  # Seoul City Hall
MARKER = (255, 0, 0)


def camera_exif(orientation: int = 6) -> Image.Exif:
    """EXIF as a phone writes it: capture time with offset, camera, GPS, orientation."""
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.Base.Make] = CAMERA_MAKE
    exif[ExifTags.Base.Model] = CAMERA_MODEL
    exif_ifd = exif.get_ifd(ExifTags.IFD.Exif)
    exif_ifd[ExifTags.Base.DateTimeOriginal] = "2023:10:11 14:15:16"
    exif_ifd[ExifTags.Base.OffsetTimeOriginal] = "+09:00"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (37.0, 33.0, 59.4)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (126.0, 58.0, 40.8)
    return exif


def marked_image(width: int = 600, height: int = 400, *, seed: int = 0) -> Image.Image:
    """A landscape image with a red block in its top-left corner, to check orientation."""
    image = make_image(width, height, seed=seed)
    image.paste(MARKER, (0, 0, width // 5, height // 5))
    return image


def camera_photo(fmt: str, *, orientation: int = 6, seed: int = 0) -> bytes:
    """A 600×400 photo stored sideways (orientation 6: shown 400×600) in `fmt`."""
    import pillow_heif

    pillow_heif.register_heif_opener()
    image = marked_image(seed=seed)
    if fmt == "GIF":  # no EXIF in GIF: an animation whose first frame is the photo
        second = Image.new("RGB", image.size, (0, 255, 0))
        return encode(image, "GIF", save_all=True, append_images=[second], duration=100)
    return encode(image, fmt, exif=camera_exif(orientation).tobytes())


def png_bomb(
    width: int = 30_000, height: int = 30_000, *, rgb: bool = False, depth: int = 0
) -> bytes:
    """A valid PNG of width×height black pixels (1-bit grey, or RGB of 8 or `depth` bits):
    tiny on disk, huge decoded. Rows are compressed a piece at a time (a row of a 30,000,000
    pixel wide one is 90 MB)."""
    import struct
    import zlib

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body)
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    depth, colour = (depth or 8, 2) if rgb or depth else (1, 0)
    row_bytes = width * 3 * depth // 8 if colour == 2 else (width + 7) // 8
    zeros = bytes(min(row_bytes, 8 * 1024 * 1024))
    compressor = zlib.compressobj(9)
    idat = bytearray()
    for _ in range(height):
        idat += compressor.compress(b"\x00")
        left = row_bytes
        while left:
            idat += compressor.compress(zeros[: min(left, len(zeros))])
            left -= min(left, len(zeros))
    idat += compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, depth, colour, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", bytes(idat))
        + chunk(b"IEND", b"")
    )


def jpeg_taken(moment, *, seed: int = 0) -> bytes:
    """A small JPEG whose EXIF says it was taken at `moment` (an aware datetime)."""
    exif = Image.Exif()
    exif_ifd = exif.get_ifd(ExifTags.IFD.Exif)
    exif_ifd[ExifTags.Base.DateTimeOriginal] = moment.strftime("%Y:%m:%d %H:%M:%S")
    offset = moment.strftime("%z")
    exif_ifd[ExifTags.Base.OffsetTimeOriginal] = f"{offset[:3]}:{offset[3:]}"
    return jpeg(32, 24, seed=seed, exif=exif)


def apple_maker_note(content_identifier: str) -> bytes:
    """An iPhone's MakerNote holding a Live Photo's content identifier (tag 0x11)."""
    data = content_identifier.encode() + b"\x00"
    header = b"Apple iOS\x00" + b"\x00\x01" + b"MM"
    offset = len(header) + 2 + 12 + 4  # the IFD's count, one entry, the next IFD's offset
    entry = struct.pack(">HHII", 0x0011, 2, len(data), offset)
    return header + struct.pack(">H", 1) + entry + b"\x00\x00\x00\x00" + data


def live_still(content_identifier: str, *, seed: int = 0, fmt: str = "JPEG") -> bytes:
    """A Live Photo's still as an iPhone writes it (HEIF or JPEG): Apple's MakerNote in EXIF."""
    import pillow_heif

    pillow_heif.register_heif_opener()
    exif = camera_exif(orientation=1)
    exif.get_ifd(ExifTags.IFD.Exif)[ExifTags.Base.MakerNote] = apple_maker_note(content_identifier)
    return encode(marked_image(seed=seed), fmt, quality=90, exif=exif.tobytes())


def _dms(value: float) -> tuple[float, float, float]:
    value = abs(value)
    degrees = int(value)
    minutes = int((value - degrees) * 60)
    return (float(degrees), float(minutes), round((value - degrees - minutes / 60) * 3600, 4))


def jpeg_from(
    *,
    taken: str = "2023:10:11 14:15:16",
    gps: tuple[float, float] | None = None,
    make: str = "",
    model: str = "",
    seed: int = 0,
) -> bytes:
    """A small JPEG taken at `taken` (EXIF's "YYYY:MM:DD HH:MM:SS"), at `gps` (decimal
    degrees), with a camera if `make` or `model`."""
    exif = Image.Exif()
    if make:
        exif[ExifTags.Base.Make] = make
    if model:
        exif[ExifTags.Base.Model] = model
    exif.get_ifd(ExifTags.IFD.Exif)[ExifTags.Base.DateTimeOriginal] = taken
    if gps is not None:
        lat, lon = gps
        ifd = exif.get_ifd(ExifTags.IFD.GPSInfo)
        ifd[ExifTags.GPS.GPSLatitudeRef] = "N" if lat >= 0 else "S"
        ifd[ExifTags.GPS.GPSLatitude] = _dms(lat)
        ifd[ExifTags.GPS.GPSLongitudeRef] = "E" if lon >= 0 else "W"
        ifd[ExifTags.GPS.GPSLongitude] = _dms(lon)
    return jpeg(32, 24, seed=seed, exif=exif)


def decoded(data: bytes) -> Image.Image:
    """Encoded bytes (a thumbnail, say) as RGB pixels."""
    image = Image.open(io.BytesIO(data))
    image.load()
    return image.convert("RGB")


def scene(seed: int, size: tuple[int, int] = (1600, 1200)) -> Image.Image:
    """A photo-like picture: broad shapes of colour, and grain."""
    rng = np.random.default_rng(seed)
    shapes = Image.fromarray(rng.integers(0, 256, size=(6, 8, 3), dtype=np.uint8))
    smooth = np.asarray(shapes.resize(size, Image.Resampling.BICUBIC)).astype(int)
    grain = rng.integers(-20, 20, size=smooth.shape)
    return Image.fromarray(np.clip(smooth + grain, 0, 255).astype(np.uint8))


def jpeg_of(image: Image.Image, quality: int = 92) -> bytes:
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality)
    return out.getvalue()


def look_alikes(seed: int) -> dict[str, bytes]:
    original = scene(seed)
    width, height = original.size
    return {
        "original.jpg": jpeg_of(original, 95),
        "messenger.jpg": jpeg_of(original, 70),
        "small.jpg": jpeg_of(original.resize((width // 2, height // 2))),
        "cropped.jpg": jpeg_of(original.crop((16, 12, width - 16, height - 12))),
    }
