"""Adopted libraries as staff see them (anyone else gets 404), with their counts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

from django.db.models import Count, Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext

from ..models import FileState, Library, LibraryFile, LibraryStatus, Photo, User

FAILED_SHOWN = 100


@dataclass(frozen=True)
class LibraryView:
    library: Library
    photo_count: int
    offline_count: int
    failed: list[dict[str, str]]
    offline: list[dict[str, str]]

    @property
    def interrupted(self) -> bool:
        """Scanning, by a scan whose lease ran out: its process ended without finishing."""
        library = self.library
        return library.status == LibraryStatus.SCANNING and (
            library.scan_claimed_until is None or library.scan_claimed_until < timezone.now()
        )

    @property
    def status(self) -> str:
        return LibraryStatus.ERROR if self.interrupted else self.library.status

    @property
    def error(self) -> str:
        if self.interrupted:
            return "The last scan stopped before it finished (its process ended); the next goes on."
        return self.library.error

    @property
    def last_finished(self) -> datetime | None:
        """When the last scan ended (None while the first runs)."""
        finished = (self.library.last_scan or {}).get("finished_at")
        return datetime.fromisoformat(finished) if finished else None

    @property
    def last_scan(self) -> dict[str, Any] | None:
        if self.library.last_scan is None:
            return None
        return {**self.library.last_scan, "failed": self.failed}


def library_get_for_staff(*, user: User, library_id: int | str) -> Library:
    """The library, for staff only: Http404 for anyone else, as for a library not there."""
    if not user.is_staff:
        raise Http404(gettext("No such library."))
    try:
        return Library.objects.select_related("owner").get(pk=library_id)
    except (Library.DoesNotExist, ValueError, TypeError):
        raise Http404(gettext("No such library.")) from None


def library_get_by_name(*, name: str) -> Library:
    """For the command line, where the server's operator is staff by definition."""
    try:
        return Library.objects.select_related("owner").get(name=name)
    except Library.DoesNotExist:
        raise Http404(gettext("No library is named “%(name)s”.") % {"name": name}) from None


def libraries_for_staff(*, user: User) -> list[Library]:
    if not user.is_staff:
        raise Http404(gettext("No such page."))
    return list(Library.objects.select_related("owner").order_by("name"))


def library_view(library: Library, *, listed: int = FAILED_SHOWN) -> LibraryView:
    """The library with its counts, its refused files and its offline ones (the first
    `listed` of each)."""
    counts = Photo.objects.filter(library=library).aggregate(
        online=Count("pk", filter=Q(offline=False)), offline=Count("pk", filter=Q(offline=True))
    )
    failed = LibraryFile.objects.filter(library=library, state=FileState.FAILED).order_by("pk")
    offline = LibraryFile.objects.filter(library=library, photo__offline=True).order_by("pk")
    return LibraryView(
        library=library,
        photo_count=counts["online"],
        offline_count=counts["offline"],
        failed=[
            {"path": path, "reason": reason}
            for path, reason in failed.values_list("path", "reason")[:listed]
        ],
        offline=[{"path": path} for path in offline.values_list("path", flat=True)[:listed]],
    )


@lru_cache(maxsize=256)
def library_name(library_id: int) -> str:
    """A library's name, for "In <library>" beside its photos (names never change)."""
    return Library.objects.filter(pk=library_id).values_list("name", flat=True).first() or ""
