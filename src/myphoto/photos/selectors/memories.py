"""On this day: the photos taken on a day and month in earlier years, a few of each year.

A day of a trip holds hundreds of photos, most of them near copies of each other; a
memory shows a few: the owner's favorites first, then photos spread across the day (the
nearest to evenly spaced moments between its first and last photo), never two that look
alike. Days are the library's time zone's (MYPHOTO_TIME_ZONE), as the timeline's months.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from uuid import UUID

from django.db.models import FloatField, Func, Q
from django.utils import timezone

from ...common.media.looks import MAX_DISTANCE, distance
from ..models import MonthCount, Photo, User
from .live import companion_prefetch

# Photos shown of each year's day.
PER_YEAR = 6


@dataclass(frozen=True)
class Memory:
    year: int
    years_ago: int
    day: date
    photos: list[Photo]


@dataclass(frozen=True)
class Candidate:
    pk: UUID
    taken: float  # seconds since 1970
    looks: int | None
    favorite: bool


def memories_on(*, user: User, day: date, per_year: int = PER_YEAR) -> list[Memory]:
    """The user's memories of `day`'s day and month, the most recent year first; [] when no
    earlier year has a photo taken on it."""
    return _memories(user, _years_with_photos(user, day), day, per_year)


def memory_on(*, user: User, day: date, per_year: int = PER_YEAR) -> Memory | None:
    """The memory of that very day (a card's page), None if no photo was taken on it."""
    found = _memories(user, [day.year], timezone.localdate(), per_year, exact=day)
    return found[0] if found else None


class Epoch(Func):
    """A moment as seconds since 1970, a float: thousands of them are read as numbers, not
    made into aware datetimes one by one (a day of 20 years: 2,700 rows, 14 ms of it)."""

    output_field = FloatField()

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        template = "EXTRACT(EPOCH FROM %(expressions)s)::float8"
        return self.as_sql(compiler, connection, template=template, **extra)

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        template = "((julianday(%(expressions)s) - 2440587.5) * 86400.0)"
        return self.as_sql(compiler, connection, template=template, **extra)


def _memories(
    user: User, years: list[int], today: date, per_year: int, exact: date | None = None
) -> list[Memory]:
    """The memories of `today`'s day and month in `years` (or of the day `exact`)."""
    wanted_day = exact or today
    ranges = {year: span for year in years if (span := _day_range(year, wanted_day)) is not None}
    if not ranges:
        return []
    when = Q()
    for start, end in ranges.values():
        when |= Q(taken_at__gte=start, taken_at__lt=end)
    rows = (
        Photo.objects.visible()
        .filter(when, owner=user, part_of__isnull=True, archived=False)
        .annotate(moment=Epoch("taken_at"))
        .values_list("pk", "moment", "perceptual_hash", "favorite")
    )
    starts = sorted((start.timestamp(), year) for year, (start, _) in ranges.items())
    firsts = [first for first, _ in starts]
    by_year: dict[int, list[Candidate]] = defaultdict(list)
    for pk, moment, looks, favorite in rows:
        year = starts[bisect_right(firsts, moment) - 1][1]  # the ranges are a day each
        by_year[year].append(Candidate(pk, moment, looks, favorite))
    chosen = {year: pick(by_year[year], per_year) for year in ranges if by_year.get(year)}
    wanted = [candidate.pk for picks in chosen.values() for candidate in picks]
    photos = Photo.objects.filter(pk__in=wanted).select_related("place")
    found = photos.prefetch_related(companion_prefetch("id")).in_bulk()
    return [
        Memory(
            year=year,
            years_ago=today.year - year,
            day=date(year, wanted_day.month, wanted_day.day),
            photos=[found[candidate.pk] for candidate in picks if candidate.pk in found],
        )
        for year, picks in sorted(chosen.items(), reverse=True)
    ]


def _years_with_photos(user: User, day: date) -> list[int]:
    """The earlier years with photos in `day`'s month (from the kept month counts)."""
    months = MonthCount.objects.filter(
        owner=user, count__gt=0, month__month=day.month, month__year__lt=day.year
    )
    return sorted({month.year for month in months.values_list("month", flat=True)}, reverse=True)


def _day_range(year: int, day: date) -> tuple[datetime, datetime] | None:
    """That day and month of `year`, as instants in the library's time zone; None for
    29 February in a year without one."""
    try:
        start = datetime(year, day.month, day.day)  # noqa: DTZ001  made aware just below
    except ValueError:
        return None
    zone = timezone.get_default_timezone()
    return timezone.make_aware(start, zone), timezone.make_aware(start + timedelta(days=1), zone)


def pick(candidates: Sequence[Candidate], count: int) -> list[Candidate]:
    """`count` of a day's photos, in time order: favorites first, then the nearest to
    evenly spaced moments of the day, skipping any that looks like one already chosen."""
    ordered = sorted(candidates, key=lambda candidate: (candidate.taken, candidate.pk))
    chosen: list[Candidate] = []

    def fits(candidate: Candidate) -> bool:
        return candidate not in chosen and not any(_alike(candidate, c) for c in chosen)

    for candidate in ordered:
        if len(chosen) < count and candidate.favorite and fits(candidate):
            chosen.append(candidate)
    if ordered and len(chosen) < count:
        times = [candidate.taken for candidate in ordered]
        first, last = times[0], times[-1]
        slots = count - len(chosen)
        for slot in range(slots):
            moment = first + (last - first) * ((slot + 0.5) / slots)
            found = _nearest(ordered, times, moment, fits)
            if found is not None:
                chosen.append(found)
    return sorted(chosen, key=lambda candidate: (candidate.taken, candidate.pk))


def _nearest(
    ordered: Sequence[Candidate],
    times: Sequence[float],
    moment: float,
    fits: Callable[[Candidate], bool],
) -> Candidate | None:
    """The candidate taken nearest to `moment` that fits, looking outward from it."""
    right = bisect_left(times, moment)
    left = right - 1
    while left >= 0 or right < len(ordered):
        leftward = right >= len(ordered) or (
            left >= 0 and moment - times[left] <= times[right] - moment
        )
        index = left if leftward else right
        if fits(ordered[index]):
            return ordered[index]
        if leftward:
            left -= 1
        else:
            right += 1
    return None


def _alike(a: Candidate, b: Candidate) -> bool:
    return (
        a.looks is not None and b.looks is not None and distance(a.looks, b.looks) <= MAX_DISTANCE
    )
