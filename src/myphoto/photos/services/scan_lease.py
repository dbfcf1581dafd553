"""One scan of a library at a time, across processes and machines: a scan holds a lease
on the library's row, renewed at each page; a scan whose lease was taken (the library is
being forgotten) stops at its next page."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from django.db.models import Q
from django.utils import timezone

from ..models import Library, LibraryStatus

LEASE = timedelta(minutes=5)


class ScanStopped(Exception):
    """The scan's lease was taken (the library is being forgotten)."""


def scan_claim(library_id: int) -> str | None:
    """The new scan's run id, or None while another scan holds the lease."""
    run = uuid.uuid4().hex[:12]
    now = timezone.now()
    claimed = (
        Library.objects.filter(pk=library_id)
        .filter(Q(scan_claimed_until__isnull=True) | Q(scan_claimed_until__lt=now))
        .update(
            scan_claim=run,
            scan_claimed_until=now + LEASE,
            status=LibraryStatus.SCANNING,
            error="",
        )
    )
    return run if claimed else None


def scan_renew(library_id: int, run: str, *, last_scan: dict[str, Any]) -> None:
    renewed = Library.objects.filter(pk=library_id, scan_claim=run).update(
        scan_claimed_until=timezone.now() + LEASE, last_scan=last_scan
    )
    if not renewed:
        raise ScanStopped
