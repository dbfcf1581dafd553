"""Values every page's upload panel needs."""

from __future__ import annotations

from django.http import HttpRequest

from .limits import direct_upload_threshold_bytes, max_upload_bytes


def upload_limits(request: HttpRequest) -> dict[str, int]:
    return {
        "max_upload_bytes": max_upload_bytes(),
        "direct_upload_bytes": direct_upload_threshold_bytes(),
    }
