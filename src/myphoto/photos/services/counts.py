"""Counts of photos per month, kept as photos enter and leave the timeline.

Callers change counts inside the transaction that changes the photos, so a
count and its rows never disagree for long enough to be seen.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date, datetime

from django.db import transaction
from django.db.models import Count, DateField, F
from django.db.models.functions import TruncMonth
from django.utils import timezone

from ..models import MonthCount, Photo, User


def month_of(taken_at: datetime) -> date:
    """The month a photo is counted in: its capture time's, in the library's time zone."""
    return timezone.localtime(taken_at).date().replace(day=1)


def month_counts_change(*, owner_id: int, taken: Iterable[datetime], by: int) -> None:
    """Add `by` (1 or -1) to the count of each photo's month; call inside a transaction."""
    changes = Counter(month_of(moment) for moment in taken)
    if not changes:
        return
    # The rows first, so that two first uploads of a month do not race to create one.
    MonthCount.objects.bulk_create(
        [MonthCount(owner_id=owner_id, month=month) for month in changes],
        ignore_conflicts=True,
    )
    for month, number in changes.items():
        MonthCount.objects.filter(owner_id=owner_id, month=month).update(
            count=F("count") + by * number
        )


@transaction.atomic
def month_counts_rebuild(*, owner: User) -> None:
    """Count the owner's photos again from their rows (after a time zone change, or by fsck)."""
    counted = (
        Photo.objects.visible()
        # A Live Photo's motion is part of its still's item, not one of its own; the
        # archive is kept off the timeline.
        .filter(owner=owner, part_of__isnull=True, archived=False)
        # Truncated in the current time zone (the library's), as month_of does.
        .annotate(month=TruncMonth("taken_at", output_field=DateField()))
        .values("month")
        .order_by()
        .annotate(number=Count("id"))
    )
    MonthCount.objects.filter(owner=owner).delete()
    MonthCount.objects.bulk_create(
        MonthCount(owner=owner, month=row["month"], count=row["number"]) for row in counted
    )
