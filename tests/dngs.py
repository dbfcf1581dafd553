"""Camera RAWs made by the tests: DNGs written with pidng's DNG writer, holding a colour
filter array sampled from a photo-like picture, a JPEG preview in IFD0 (as cameras and
Adobe's converter write it), the sensor data in a SubIFD, and EXIF and GPS directories.

pidng's own `RAW2DNG` writes one directory; its `DNG`, `dngIFD` and `dngTag` classes,
used here, nest the others."""

from __future__ import annotations

from dataclasses import dataclass

import images
import numpy as np
from pidng.defs import CFAPattern, DNGVersion, PhotometricInterpretation
from pidng.dng import DNG, Tag, Type, dngIFD, dngTag
from PIL import Image

CAMERA_MAKE = "Leica Camera AG"
CAMERA_MODEL = "M11 Monochrom Test"
LENS = "SUMMICRON-M 1:2/35 ASPH."
TAKEN = "2024:05:04 10:11:12"
OFFSET = "+09:00"
GPS = (37.5665, 126.978)
WHITE = 4095  # 12-bit values

_EXIF_IFD = (34665, Type.IFD)
_GPS_IFD = (34853, Type.IFD)
_OFFSET_TIME_ORIGINAL = (36881, Type.Ascii)
_LENS_MODEL = (42036, Type.Ascii)
_IMAGE_NUMBER = (0x9211, Type.Long)
_GPS_VERSION = (0, Type.Byte)
_GPS_LATITUDE_REF, _GPS_LATITUDE = (1, Type.Ascii), (2, Type.Rational)
_GPS_LONGITUDE_REF, _GPS_LONGITUDE = (3, Type.Ascii), (4, Type.Rational)
_YCBCR = 6
_ROWS_PER_STRIP = (278, Type.Long)  # pidng says SHORT: too small for 100,000 rows
_JPEG = 7


class _Pointer(dngTag):
    """A tag pointing at a directory nested in its parent's data (SubIFDs, EXIF, GPS):
    pidng 4.0.9 builds these from a `str`, which Python 3 cannot pad with bytes."""

    def setValue(self, value: list[dngIFD]) -> None:  # noqa: N802  pidng's name
        self.Value = b"\x00\x00\x00\x00"
        self.subIFD = value[0]


@dataclass(frozen=True)
class Made:
    data: bytes
    preview_span: tuple[int, int]  # where the preview JPEG lies in `data`
    sensor_span: tuple[int, int]


def sensor_from(picture: Image.Image) -> np.ndarray:
    """The RGGB colour filter array a sensor would record of `picture`, 12-bit."""
    rgb = np.asarray(picture.convert("RGB")).astype(np.uint16) * 16
    mosaic = np.empty(rgb.shape[:2], dtype=np.uint16)
    mosaic[0::2, 0::2] = rgb[0::2, 0::2, 0]
    mosaic[0::2, 1::2] = rgb[0::2, 1::2, 1]
    mosaic[1::2, 0::2] = rgb[1::2, 0::2, 1]
    mosaic[1::2, 1::2] = rgb[1::2, 1::2, 2]
    return mosaic


def dng(
    width: int = 800,
    height: int = 600,
    *,
    seed: int = 0,
    preview: int | None = 1600,
    taken: str | None = TAKEN,
    offset: str = OFFSET,
    orientation: int = 1,
    gps: tuple[float, float] | None = GPS,
    make: str = CAMERA_MAKE,
    model: str = CAMERA_MODEL,
    picture: Image.Image | None = None,
    declared: tuple[int, int] | None = None,
    shot_number: int | None = None,
) -> Made:
    """A DNG of `width`×`height` sensor pixels (a marked picture: its red corner shows which
    way is up), with a JPEG preview `preview` pixels on its long edge (None: none)."""
    picture = picture or _marked(width, height, seed)
    sensor = sensor_from(picture).tobytes()
    strips: list[bytes] = []
    ifd0 = dngIFD()
    tags = ifd0.tags
    preview_offsets = None
    if preview:
        shown = picture.copy()
        shown.thumbnail((preview, preview))
        jpeg = images.jpeg_of(shown, 90)
        strips.append(jpeg)
        preview_offsets = dngTag(Tag.StripOffsets, [0])
        tags += [
            dngTag(Tag.NewSubfileType, [1]),
            dngTag(Tag.ImageWidth, [shown.width]),
            dngTag(Tag.ImageLength, [shown.height]),
            dngTag(Tag.BitsPerSample, [8, 8, 8]),
            dngTag(Tag.Compression, [_JPEG]),
            dngTag(Tag.PhotometricInterpretation, [_YCBCR]),
            dngTag(Tag.SamplesPerPixel, [3]),
            dngTag(Tag.RowsPerStrip, [shown.height]),
            preview_offsets,
            dngTag(Tag.StripByteCounts, [len(jpeg)]),
        ]
    raw = dngIFD()
    sensor_offsets = dngTag(Tag.StripOffsets, [0])
    wide, high = declared or (width, height)
    raw.tags += [
        dngTag(Tag.NewSubfileType, [0]),
        dngTag(Tag.ImageWidth, [wide]),
        dngTag(Tag.ImageLength, [high]),
        dngTag(Tag.BitsPerSample, [16]),
        dngTag(Tag.Compression, [1]),
        dngTag(Tag.PhotometricInterpretation, [PhotometricInterpretation.Color_Filter_Array]),
        dngTag(Tag.SamplesPerPixel, [1]),
        dngTag(_ROWS_PER_STRIP, [high]),
        sensor_offsets,
        dngTag(Tag.StripByteCounts, [len(sensor)]),
        dngTag(Tag.PlanarConfiguration, [1]),
        dngTag(Tag.CFARepeatPatternDim, [2, 2]),
        dngTag(Tag.CFAPattern, CFAPattern.RGGB),
        dngTag(Tag.BlackLevel, [0]),
        dngTag(Tag.WhiteLevel, [WHITE]),
        dngTag(Tag.DefaultCropSize, [wide, high]),
    ]
    strips.append(sensor)
    exif = dngIFD()
    if taken:
        exif.tags.append(dngTag(Tag.DateTimeOriginal, taken))
        if offset:
            exif.tags.append(dngTag(_OFFSET_TIME_ORIGINAL, offset))
    if shot_number:
        exif.tags.append(dngTag(_IMAGE_NUMBER, [shot_number]))
    exif.tags += [dngTag(Tag.ExifVersion, list(b"0232")), dngTag(_LENS_MODEL, LENS)]
    tags += [
        dngTag(Tag.DNGVersion, DNGVersion.V1_4),
        dngTag(Tag.DNGBackwardVersion, DNGVersion.V1_0),
        dngTag(Tag.UniqueCameraModel, f"{make} {model}"),
        dngTag(Tag.Make, make),
        dngTag(Tag.Model, model),
        dngTag(Tag.Orientation, [orientation]),
        dngTag(Tag.ColorMatrix1, _identity()),
        dngTag(Tag.AsShotNeutral, [[1, 1], [1, 1], [1, 1]]),
        dngTag(Tag.CalibrationIlluminant1, [21]),
        _Pointer(Tag.SubIFD, [raw]),
        _Pointer(_EXIF_IFD, [exif]),
    ]
    if gps is not None:
        tags.append(_Pointer(_GPS_IFD, [_gps_directory(*gps)]))
    document = DNG()
    document.IFDs.append(ifd0)
    document.ImageDataStrips += strips
    total = document.dataLen()
    offsets = [document.StripOffsets[index] for index in range(len(strips))]
    if preview_offsets is not None:
        preview_offsets.setValue([offsets[0]])
    sensor_offsets.setValue([offsets[-1]])
    buffer = bytearray(total)
    document.setBuffer(buffer)
    document.write()
    data = bytes(buffer)
    return Made(
        data=data,
        preview_span=(offsets[0], len(strips[0])) if preview else (0, 0),
        sensor_span=(offsets[-1], len(sensor)),
    )


def _identity() -> list[list[int]]:
    """A colour matrix that maps the camera's red, green and blue to XYZ as sRGB does."""
    matrix = ((3.2406, -1.5372, -0.4986), (-0.9689, 1.8758, 0.0415), (0.0557, -0.2040, 1.0570))
    return [[round(value * 10000), 10000] for row in matrix for value in row]


def _gps_directory(lat: float, lon: float) -> dngIFD:
    directory = dngIFD()
    directory.tags += [
        dngTag(_GPS_VERSION, [2, 3, 0, 0]),
        dngTag(_GPS_LATITUDE_REF, "N" if lat >= 0 else "S"),
        dngTag(_GPS_LATITUDE, _dms(abs(lat))),
        dngTag(_GPS_LONGITUDE_REF, "E" if lon >= 0 else "W"),
        dngTag(_GPS_LONGITUDE, _dms(abs(lon))),
    ]
    return directory


def _dms(value: float) -> list[list[int]]:
    degrees = int(value)
    minutes = int((value - degrees) * 60)
    seconds = round((value - degrees - minutes / 60) * 3600 * 1000)
    return [[degrees, 1], [minutes, 1], [seconds, 1000]]


def _marked(width: int, height: int, seed: int) -> Image.Image:
    picture = images.scene(seed, (width, height))
    picture.paste(images.MARKER, (0, 0, width // 5, height // 5))
    return picture


def damaged_preview(made: Made) -> bytes:
    """The DNG with its preview's bytes overwritten (its sensor data whole)."""
    data = bytearray(made.data)
    start, length = made.preview_span
    data[start : start + length] = bytes(length)
    return bytes(data)


def cut(made: Made, fraction: float) -> bytes:
    return made.data[: int(len(made.data) * fraction)]
