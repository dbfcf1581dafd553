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
SUPPORTED_TEXT = "JPEG, PNG, WebP, GIF, TIFF, HEIC or AVIF"

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
}
