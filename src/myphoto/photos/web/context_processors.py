"""Values every page's scripts need: upload limits and the API's URLs."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse

from ...common.formats import ACCEPTED_FILES, PHOTO_FORMAT_NAMES, VIDEO_FORMAT_NAMES
from ..limits import max_upload_bytes, multipart_threshold_bytes

# The endpoints the page's scripts call, by the names they use for them.
_PAGE_API = {
    "upload": "api:photos-upload",
    "delete": "api:photos-delete",
    "restore": "api:photos-restore",
    "multipart": "api:uploads-multipart-start",
    "edit": "api:photos-edit",
    "undoEdit": "api:photos-edit-undo",
    "towns": "api:places-towns",
}


def page_settings(request: HttpRequest) -> dict[str, Any]:
    if not request.user.is_authenticated:
        return {"accepted_files": ACCEPTED_FILES}  # a share link's upload panel
    return {
        "accepted_files": ACCEPTED_FILES,
        "photo_formats": PHOTO_FORMAT_NAMES,
        "video_formats": VIDEO_FORMAT_NAMES,
        "max_upload_bytes": max_upload_bytes(),
        "multipart_upload_bytes": multipart_threshold_bytes(),
        "api_urls": {name: reverse(url_name) for name, url_name in _PAGE_API.items()},
        "map_tiles": settings.MYPHOTO_MAP_TILES_URL,
        "map_attribution": settings.MYPHOTO_MAP_ATTRIBUTION,
    }
