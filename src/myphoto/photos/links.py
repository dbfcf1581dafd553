"""Paths of a photo's pages and API endpoints, reversed once per URL name, not once per photo.

A timeline page shows hundreds of photos with several links each; `reverse()`
for every one of them was a fifth of the page's time.
"""

from __future__ import annotations

from functools import lru_cache
from uuid import UUID

from django.http import HttpRequest
from django.urls import reverse

_PLACEHOLDER = str(UUID(int=0))


@lru_cache(maxsize=32)
def _template(url_name: str) -> str:
    return reverse(url_name, kwargs={"photo_id": _PLACEHOLDER})


def photo_path(url_name: str, photo_id: UUID | str) -> str:
    """The path of a URL that takes a photo id, e.g. `photo_path("api:photo-download", id)`."""
    return _template(url_name).replace(_PLACEHOLDER, str(photo_id))


_KEY_PLACEHOLDER = "KEY_PLACEHOLDER_00000"


@lru_cache(maxsize=32)
def _share_template(url_name: str) -> str:
    return reverse(url_name, kwargs={"key": _KEY_PLACEHOLDER, "photo_id": _PLACEHOLDER})


def share_photo_path(url_name: str, key: str, photo_id: UUID | str) -> str:
    """The path of a URL reached through a share link, for one photo of its album."""
    path = _share_template(url_name).replace(_PLACEHOLDER, str(photo_id))
    return path.replace(_KEY_PLACEHOLDER, key)


def password_link_url(request: HttpRequest, token: str) -> str:
    """The address of the page that lets a person choose a password (an invite, a reset)."""
    return request.build_absolute_uri(reverse("password-link", args=[token]))


def face_crop_path(face_id: UUID | str) -> str:
    """The path of a face's square picture (`GET /faces/{id}/crop`)."""
    return reverse("api:face-crop", kwargs={"face_id": face_id})
