"""fsck's checks of what the database keeps beside the photos: the timeline's month
counts and the albums' copies of each photo's date and trash state."""

from __future__ import annotations

from collections import Counter
from datetime import date

from django.db.models import Count, DateField, F, Q
from django.db.models.functions import TruncMonth

from ..models import AlbumPhoto, LibraryFile, MonthCount, Photo, User
from ..services.counts import month_counts_rebuild
from .findings import Finding, Problem, Report
from .progress import Progress


def _counted(owner_id: int | None = None) -> Counter[tuple[int, date]]:
    """(owner, month) -> photos, from the rows, as `services.counts` keeps them."""
    photos = Photo.objects.visible().filter(part_of__isnull=True, archived=False)
    if owner_id is not None:
        photos = photos.filter(owner_id=owner_id)
    rows = (
        photos.annotate(month=TruncMonth("taken_at", output_field=DateField()))
        .values("owner_id", "month")
        .order_by()
        .annotate(number=Count("id"))
    )
    return Counter({(row["owner_id"], row["month"]): row["number"] for row in rows})


def _kept(owner_id: int | None = None) -> Counter[tuple[int, date]]:
    counts = MonthCount.objects.exclude(count=0)
    if owner_id is not None:
        counts = counts.filter(owner_id=owner_id)
    return Counter(
        {
            (owner, month): number
            for owner, month, number in counts.values_list("owner_id", "month", "count")
        }
    )


def _disagreeing(
    counted: Counter[tuple[int, date]], kept: Counter[tuple[int, date]]
) -> dict[int, list[str]]:
    wrong: dict[int, list[str]] = {}
    for owner, month in sorted(set(counted) | set(kept)):
        if counted[owner, month] != kept[owner, month]:
            wrong.setdefault(owner, []).append(
                f"{month:%Y-%m}: {kept[owner, month]} kept, {counted[owner, month]} counted"
            )
    return wrong


def check_month_counts(report: Report, *, repair: bool, progress: Progress) -> None:
    """One grouped query for every owner (a few thousand months at most), then each
    owner that disagrees is counted again alone: an upload between the two reads is
    no error."""
    progress.phase("Month counts", None)
    suspects = _disagreeing(_counted(), _kept())
    report.checked["month counts"] += MonthCount.objects.count()
    for owner_id in suspects:
        months = _disagreeing(_counted(owner_id), _kept(owner_id)).get(owner_id)
        if not months:
            continue
        owner = User.objects.get(pk=owner_id)
        shown = "; ".join(months[:5]) + (f"; and {len(months) - 5} more" if len(months) > 5 else "")
        finding = Finding(
            Problem.WRONG_COUNT,
            subject=f"{owner.username}'s months",
            detail=shown,
            owner=owner.username,
        )
        if repair:
            month_counts_rebuild(owner=owner)
            finding.repaired = True
        report.add(finding)


def check_album_entries(report: Report, *, repair: bool, progress: Progress) -> None:
    """Album entries whose copy of the photo's capture time or trash state differs."""
    progress.phase("Albums", None)
    # Hidden in albums: a photo in the trash, or offline (its adopted file gone).
    out_of_step = AlbumPhoto.objects.filter(
        Q(photo_in_trash=True, photo__deleted_at__isnull=True, photo__offline=False)
        | Q(photo_in_trash=False, photo__deleted_at__isnull=False)
        | Q(photo_in_trash=False, photo__offline=True)
        | ~Q(taken_at=F("photo__taken_at"))
    ).select_related("album", "photo", "album__owner")
    report.checked["album entries"] += AlbumPhoto.objects.count()
    for entry in out_of_step.iterator(chunk_size=500):
        photo = entry.photo
        finding = Finding(
            Problem.ALBUM_ENTRY,
            subject=f"{photo.original_name} in {entry.album.title}",
            detail="its date or trash state differs from the photo's",
            photo_id=str(photo.pk),
            owner=entry.album.owner.username,
            name=photo.original_name,
        )
        if repair:
            AlbumPhoto.objects.filter(pk=entry.pk).update(
                taken_at=photo.taken_at,
                photo_in_trash=photo.deleted_at is not None or photo.offline,
            )
            finding.repaired = True
        report.add(finding)


def check_offline(report: Report, *, progress: Progress) -> None:
    """Adopted photos whose files are gone from their library's source: offline, never
    "restore from backup", and nothing is repaired into a source."""
    progress.phase("Adopted libraries", None)
    report.checked["adopted photos"] += Photo.objects.filter(library__isnull=False).count()
    offline = (
        LibraryFile.objects.filter(photo__offline=True)
        .select_related("library", "photo", "photo__owner")
        .order_by("pk")
    )
    for entry in offline.iterator(chunk_size=500):
        photo = entry.photo
        if photo is None:
            continue  # purged since the query began
        report.add(
            Finding.of_photo(
                Problem.OFFLINE,
                photo,
                subject=f"{entry.library.source}{entry.path}",
                detail=entry.reason or f"gone from {entry.library.name}",
            )
        )
