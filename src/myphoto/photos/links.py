"""Paths of a photo's pages and API endpoints, reversed once per URL name, not once per photo.

A timeline page shows hundreds of photos with several links each; `reverse()`
for every one of them was a fifth of the page's time.
"""

from __future__ import annotations

from functools import lru_cache
from uuid import UUID

from django.urls import reverse

_PLACEHOLDER = str(UUID(int=0))


@lru_cache(maxsize=32)
def _template(url_name: str) -> str:
    return reverse(url_name, kwargs={"photo_id": _PLACEHOLDER})


def photo_path(url_name: str, photo_id: UUID | str) -> str:
    """The path of a URL that takes a photo id, e.g. `photo_path("api:photo-download", id)`."""
    return _template(url_name).replace(_PLACEHOLDER, str(photo_id))
