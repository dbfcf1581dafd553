"""Reading many rows a query's worth at a time."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import islice
from uuid import UUID

from django.db.models import QuerySet

from ..models import Photo

# Ids per query: SQLite takes at most 32,766 parameters in one statement.
ID_BATCH = 5000


def in_batches(ids: Iterable[UUID]) -> Iterator[list[UUID]]:
    """The distinct ids, a query's worth at a time."""
    remaining = iter(dict.fromkeys(ids))
    while batch := list(islice(remaining, ID_BATCH)):
        yield batch


def photos_in_batches(photos: QuerySet[Photo], size: int) -> Iterator[list[Photo]]:
    """These photos, `size` at a time in the order of their ids, each batch read when the
    one before is done with (no cursor stays open over rows its caller changes)."""
    ordered, last = photos.order_by("pk"), None
    while batch := list((ordered.filter(pk__gt=last) if last else ordered)[:size]):
        yield batch
        last = batch[-1].pk
