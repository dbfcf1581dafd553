"""Upload size limits, from the settings: read by the upload services and by every page."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext

MiB = 1024 * 1024
# S3's rules for multipart uploads (the last part may be smaller).
MIN_PART_BYTES = 5 * MiB
MAX_PART_BYTES = 5 * 1024 * MiB
MAX_PARTS = 10_000


class UploadTooLarge(ValueError):
    """The file is over MYPHOTO_MAX_UPLOAD_MB."""


def max_upload_bytes() -> int:
    return settings.MYPHOTO_MAX_UPLOAD_MB * MiB


def max_single_upload_bytes() -> int:
    """The largest file one request may carry (bigger ones go in parts)."""
    return min(settings.MYPHOTO_MAX_SINGLE_UPLOAD_MB * MiB, max_upload_bytes())


def check_size(size: int, *, one_request: bool = False) -> None:
    """Raise UploadTooLarge if a file of `size` bytes is over MYPHOTO_MAX_UPLOAD_MB, or, sent
    in `one_request`, over MYPHOTO_MAX_SINGLE_UPLOAD_MB."""
    if size > max_upload_bytes():
        raise UploadTooLarge(
            gettext("The file is %(size)s MB; the limit is %(limit)d MB.")
            % {"size": f"{size / MiB:.1f}", "limit": settings.MYPHOTO_MAX_UPLOAD_MB}
        )
    if one_request and size > max_single_upload_bytes():
        raise UploadTooLarge(
            gettext(
                "The file is %(size)s MB; one request takes up to %(limit)d MB: send it in "
                "parts (the page's upload button and `myphoto upload` do)."
            )
            % {"size": f"{size / MiB:.1f}", "limit": settings.MYPHOTO_MAX_SINGLE_UPLOAD_MB}
        )


def multipart_threshold_bytes() -> int:
    """The page and the CLI send files above this by resumable multipart upload."""
    return settings.MYPHOTO_MULTIPART_UPLOAD_MB * MiB


def part_size_for(size: int) -> int:
    """The part size for a file of `size` bytes, within S3's rules: parts of 5 MiB to
    5 GiB, at most 10,000 of them; whole mebibytes."""
    wanted = max(settings.MYPHOTO_UPLOAD_PART_MB * MiB, MIN_PART_BYTES)
    fewest = -(-size // MAX_PARTS)
    return min(max(wanted, -(-fewest // MiB) * MiB), MAX_PART_BYTES)
