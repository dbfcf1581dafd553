"""Libraries laid out for tests: big ones made straight in the database (uploads would
take minutes), and photos moved to another capture time."""

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
    points: list[tuple[float, float]] | None = None,
    **fields,
) -> list[Photo]:
    """`count` photos taken `every` apart from `start`, the oldest `trashed` in the trash,
    taken at `points` (latitude, longitude) if given, with any other `fields`.

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
                gps_lat=points[n][0] if points else None,
                gps_lon=points[n][1] if points else None,
                **fields,
            )
        )
    return Photo.objects.bulk_create(rows, batch_size=2000)


def retake(photos, taken_at) -> None:
    """Move photos (a queryset) to another capture time, keeping month counts and albums right.

    Tests lay out timelines this way; uploads through the service count photos in
    the month their EXIF gives (or now).
    """
    from myphoto.photos.models import AlbumPhoto, User
    from myphoto.photos.search import photo_terms
    from myphoto.photos.services.counts import month_counts_rebuild

    owners = set(photos.values_list("owner", flat=True))
    AlbumPhoto.objects.filter(photo__in=photos).update(taken_at=taken_at)
    photos.update(taken_at=taken_at)
    for photo in photos:  # found by the month it is now in
        photo.search_text = photo_terms(
            name=photo.original_name, camera=photo.camera, taken_at=taken_at
        )
        photo.save(update_fields=["search_text"])
    for owner in User.objects.filter(pk__in=owners):
        month_counts_rebuild(owner=owner)
