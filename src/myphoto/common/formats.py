"""The photo formats MyPhoto keeps, by Pillow's name for them."""

from __future__ import annotations

# Pillow format name -> (content type, file extension).
IMAGE_FORMATS: dict[str, tuple[str, str]] = {
    "JPEG": ("image/jpeg", "jpg"),
    "PNG": ("image/png", "png"),
    "WEBP": ("image/webp", "webp"),
    "GIF": ("image/gif", "gif"),
    "TIFF": ("image/tiff", "tif"),
    "HEIF": ("image/heic", "heic"),
    "AVIF": ("image/avif", "avif"),
}
# Camera RAW files, by the name `media.raw` gives each -> (content type, file extension).
# "RAW" is a maker's we do not know by name that LibRaw reads.
RAW_FORMATS: dict[str, tuple[str, str]] = {
    "DNG": ("image/x-adobe-dng", "dng"),
    "CR2": ("image/x-canon-cr2", "cr2"),
    "CR3": ("image/x-canon-cr3", "cr3"),
    "NEF": ("image/x-nikon-nef", "nef"),
    "ARW": ("image/x-sony-arw", "arw"),
    "RAF": ("image/x-fuji-raf", "raf"),
    "ORF": ("image/x-olympus-orf", "orf"),
    "RW2": ("image/x-panasonic-rw2", "rw2"),
    "PEF": ("image/x-pentax-pef", "pef"),
    "RAW": ("image/x-dcraw", "raw"),
}
RAW_CONTENT_TYPES = frozenset(content_type for content_type, _ in RAW_FORMATS.values())
# As a sentence names them, in any language (the sentence says "or" in its own words).
PHOTO_FORMAT_NAMES = (
    "JPEG, PNG, WebP, GIF, TIFF, HEIC, AVIF, DNG, CR2, CR3, NEF, ARW, RAF, ORF, RW2, PEF"
)

# Extensions that name each content type, the usual one first: a download keeps the
# name's own if it is one of these, else gets the first.
EXTENSIONS: dict[str, tuple[str, ...]] = {
    "image/jpeg": ("jpg", "jpeg", "jpe", "jfif"),
    "image/png": ("png",),
    "image/webp": ("webp",),
    "image/gif": ("gif",),
    "image/tiff": ("tif", "tiff"),
    "image/heic": ("heic", "heif", "hif"),
    "image/avif": ("avif",),
    **{content_type: (extension,) for content_type, extension in RAW_FORMATS.values()},
}

# The videos MyPhoto keeps: FFmpeg's demuxer -> (content type, extension) where the
# demuxer alone tells (QuickTime/MP4 and Matroska/WebM are told apart in `videos`).
VIDEO_CONTAINERS: dict[str, tuple[str, str]] = {
    "mov": ("video/mp4", "mp4"),
    "matroska": ("video/x-matroska", "mkv"),
    "avi": ("video/x-msvideo", "avi"),
    "mpegts": ("video/mp2t", "mts"),
    "mpeg": ("video/mpeg", "mpg"),
}
VIDEO_FORMAT_NAMES = "MP4, MOV, M4V, 3GP, MKV, WebM, AVI, MTS, MPG"

# What a file chooser offers (`accept`): browsers know no video/* type for some of these.
ACCEPTED_FILES = (
    "image/*,video/*,.heic,.heif,.avif,.mov,.mp4,.m4v,.3gp,.mkv,.webm,.avi,.mts,.m2ts,.mpg,"
    ".dng,.cr2,.cr3,.nef,.arw,.raf,.orf,.rw2,.pef"
)

EXTENSIONS.update(
    {
        "video/mp4": ("mp4",),
        "video/quicktime": ("mov", "qt"),
        "video/x-m4v": ("m4v",),
        "video/3gpp": ("3gp",),
        "video/3gpp2": ("3g2",),
        "video/webm": ("webm",),
        "video/x-matroska": ("mkv",),
        "video/x-msvideo": ("avi",),
        "video/mp2t": ("mts", "m2ts", "ts"),
        "video/mpeg": ("mpg", "mpeg", "vob"),
    }
)

# The boxes an ISO base media file (MP4, QuickTime, 3GP) may start with; old QuickTime
# files have no `ftyp`.
_ISO_BOXES = {b"ftyp", b"moov", b"mdat", b"wide", b"free", b"skip", b"pnot"}
# ISO brands of still images (HEIF, AVIF): Pillow's to read, never a video.
_IMAGE_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"mif1", b"msf1", b"avif", b"avis"}
# Canon's CR3 is an ISO media file too: a photo.
CR3_BRAND = b"crx "
RAF_MAGIC = b"FUJIFILMCCD-RAW "
_TS_PACKET = 188


def sniff_video(head: bytes) -> str | None:
    """FFmpeg's demuxer for a video that starts with these bytes (at least 512), or None.

    Only the containers MyPhoto keeps, told by their signatures: FFmpeg's own guess
    takes any text for a "tty" video.
    """
    if head[4:8] in _ISO_BOXES:
        photo = head[4:8] == b"ftyp" and head[8:12] in {*_IMAGE_BRANDS, CR3_BRAND}
        return None if photo else "mov"
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return "matroska"
    if head[:4] == b"RIFF" and head[8:12] == b"AVI ":
        return "avi"
    if head.startswith(b"\x00\x00\x01\xba"):  # an MPEG program stream's pack header
        return "mpeg"
    for start in (0, 4):  # MPEG-TS, or M2TS (AVCHD's .mts) with a 4-byte timestamp first
        step = _TS_PACKET + start
        if len(head) >= start + 2 * step + 1 and all(
            head[start + n * step] == 0x47 for n in range(3)
        ):
            return "mpegts"
    return None


def sniff_raw(head: bytes) -> bool:
    """Whether a file starting with these bytes is a camera RAW that no image reader opens
    as a TIFF (Fujifilm's RAF, Canon's CR3, Olympus' ORF, Panasonic's RW2); the TIFF-based
    others open as TIFFs, and the server tells them apart (`media.raw`)."""
    return (
        head.startswith(RAF_MAGIC)
        or (head[4:8] == b"ftyp" and head[8:12] == CR3_BRAND)
        or head[:4] in {b"IIRO", b"IIRS", b"MMOR", b"IIU\x00"}
    )
