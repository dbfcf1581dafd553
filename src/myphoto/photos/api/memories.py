"""On this day: photos taken on a day and month in earlier years."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils import timezone
from ninja import Router, Schema

from ..requests import ApiRequest
from ..selectors.memories import memories_on
from ..selectors.people import people_in
from .schemas.common import errors
from .schemas.photos import PhotoOut, photo_out

router = Router(tags=["memories"])


class MemoryOut(Schema):
    year: int
    years_ago: int
    photos: list[PhotoOut]


class MemoriesOut(Schema):
    items: list[MemoryOut]


@router.get("/memories", response={200: MemoriesOut, **errors(400)}, url_name="memories")
def memories(request: ApiRequest, date: date | None = None) -> dict[str, Any]:  # noqa: A002  the API's name
    """A few of my photos taken on this day and month (`date`, today in the library's time
    zone if not given) in each earlier year, the latest year first: favorites, then photos
    spread across the day, look-alikes left out. No items when no earlier year has one."""
    day = date or timezone.localdate()
    found = memories_on(user=request.auth, day=day)
    people_in([photo for memory in found for photo in memory.photos], viewer=request.auth)
    return {
        "items": [
            {
                "year": memory.year,
                "years_ago": memory.years_ago,
                "photos": [photo_out(photo) for photo in memory.photos],
            }
            for memory in found
        ]
    }
