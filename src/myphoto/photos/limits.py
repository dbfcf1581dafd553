"""Upload size limits, from the settings: read by the upload services and by every page."""

from __future__ import annotations

from django.conf import settings

from .storage import get_storage

MiB = 1024 * 1024


class UploadTooLarge(ValueError):
    """The file is over MYPHOTO_MAX_UPLOAD_MB."""


def max_upload_bytes() -> int:
    return settings.MYPHOTO_MAX_UPLOAD_MB * MiB


def check_size(size: int) -> None:
    """Raise UploadTooLarge if a file of `size` bytes is over MYPHOTO_MAX_UPLOAD_MB."""
    if size > max_upload_bytes():
        raise UploadTooLarge(
            f"The file is {size / MiB:.1f} MB; the limit is {settings.MYPHOTO_MAX_UPLOAD_MB} MB."
        )


def direct_upload_threshold_bytes() -> int:
    """Files above this go from the browser straight to storage (0: never, e.g. on local disk)."""
    if not get_storage().hands_out_urls:
        return 0
    return settings.MYPHOTO_DIRECT_UPLOAD_MB * MiB
