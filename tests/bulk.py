"""Big libraries for tests, made straight in the database (uploads would take minutes)."""

from __future__ import annotations

import hashlib
import uuid
from datetime import UTC, datetime, timedelta

from myphoto.photos.models import Photo
from myphoto.photos.search import photo_terms


def bulk_photos(
    owner,
    count: int,
    *,
    start: datetime,
    every: timedelta,
    trashed: int = 0,
    thumbnail_key: str = "",
    preview_key: str = "",
) -> None:
    """`count` photos taken `every` apart from `start`, the oldest `trashed` in the trash.

    Month counts are not kept: call `month_counts_rebuild` where the test reads them.
    """
    now = datetime.now(UTC)
    rows = []
    for n in range(count):
        photo_id = uuid.uuid4()
        rows.append(
            Photo(
                id=photo_id,
                owner=owner,
                original_name=f"IMG_{n:05}.jpg",
                storage_key=f"originals/{owner.pk}/{photo_id}.jpg",
                thumbnail_key=thumbnail_key,
                preview_key=preview_key,
                content_type="image/jpeg",
                size=1000,
                sha256=hashlib.sha256(photo_id.bytes).hexdigest(),
                crc32=0,
                width=3,
                height=2,
                taken_at=start + every * n,
                search_text=photo_terms(
                    name=f"IMG_{n:05}.jpg", camera=None, taken_at=start + every * n
                ),
                taken_at_source="exif",
                deleted_at=now if n < trashed else None,
                derivatives_ready=True,
            )
        )
    Photo.objects.bulk_create(rows, batch_size=2000)
