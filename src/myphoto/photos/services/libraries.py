"""Adopting a folder or an S3 prefix in place, asking for its scans, and forgetting it.

Nothing here writes to a source: a library is rows (its files, its photos) and the
derivatives MyPhoto made in its own storage.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext

from ..models import Library, LibraryStatus, Photo, User
from ..secrets import seal
from ..storage import get_storage
from ..storage.sources import S3Access, source_for
from .counts import month_counts_change

logger = logging.getLogger(__name__)

NAME_LENGTH = 100
INTERVALS = range(5, 7 * 24 * 60 + 1)  # minutes: five minutes to a week
FORGET_BATCH = 500


class LibraryInvalid(ValueError):
    """A library that cannot be added as asked (its name, its interval); says why."""


def library_add(
    *,
    name: str,
    source: str,
    owner: User,
    s3: S3Access | None = None,
    scan_interval_minutes: int = 60,
    albums_from_folders: bool = False,
    queue_scan: bool = True,
) -> Library:
    """Adopt `source` for `owner` and queue its first scan (once committed; the command
    line scans in the foreground instead: `queue_scan=False`).

    Raises LibraryInvalid, SourceNotAllowed (outside the roots, `..`) or
    SourceUnreachable (a bucket that does not exist, refused keys), each saying why.
    """
    name = name.strip()
    if not name or len(name) > NAME_LENGTH:
        raise LibraryInvalid(
            gettext("A library's name has 1 to %(count)d characters.") % {"count": NAME_LENGTH}
        )
    if scan_interval_minutes not in INTERVALS:
        raise LibraryInvalid(gettext("Scan every 5 minutes at most often, every week at least."))
    if Library.objects.filter(name=name).exists():
        raise LibraryInvalid(_named_already(name))
    access = s3 or S3Access()
    found = source_for(source, roots=settings.MYPHOTO_LIBRARY_ROOTS, s3=access)
    found.check()
    keys = {}
    if access.access_key_id or access.secret_access_key:
        keys = {
            "access_key_id": access.access_key_id or "",
            "secret_access_key": access.secret_access_key or "",
        }
    try:
        with transaction.atomic():
            library = Library.objects.create(
                name=name,
                owner=owner,
                source=found.location,
                s3_endpoint_url=(access.endpoint_url or "") if s3 else "",
                s3_region=access.region if s3 else "",
                s3_keys=seal(keys) if keys else "",
                scan_interval_minutes=scan_interval_minutes,
                albums_from_folders=albums_from_folders,
                # Should the queued scan never run (no worker yet), the schedule's will.
                next_scan_at=timezone.now() + timedelta(minutes=scan_interval_minutes),
            )
            if queue_scan:
                transaction.on_commit(partial(_enqueue_scan, library.pk, False), robust=True)
    except IntegrityError as err:
        raise LibraryInvalid(_named_already(name)) from err
    logger.info("library %s adopted: %s for %s", library.name, library.source, owner)
    return library


def _enqueue_scan(library_id: int, full: bool) -> None:
    from ..scan_tasks import scan_library  # it stands above the services

    scan_library.enqueue(library_id, full)


def library_scan_request(*, library: Library, full: bool = False) -> None:
    """Scan the library soon (by the job worker); a scan running already goes on alone."""
    transaction.on_commit(partial(_enqueue_scan, library.pk, full), robust=True)


def libraries_scan_due(now: datetime | None = None) -> int:
    """Queue a scan of each library whose time has come; of several workers looking at
    once, one queues it (the next time is moved on by a conditional update)."""
    now = now or timezone.now()
    queued = 0
    due = Library.objects.filter(next_scan_at__lte=now).values_list(
        "pk", "next_scan_at", "scan_interval_minutes"
    )
    for pk, planned, minutes in due:
        moved = Library.objects.filter(pk=pk, next_scan_at=planned).update(
            next_scan_at=now + timedelta(minutes=minutes)
        )
        if moved:
            _enqueue_scan(pk, False)
            queued += 1
    return queued


def library_remove(*, library: Library) -> int:
    """Forget the library: its photos' rows and derivatives go (its albums made from
    folders with them); its files stay where they are. Returns how many photos went.

    A scan running now loses its lease first and stops at its next page.
    """
    Library.objects.filter(pk=library.pk).update(
        scan_claim="forgetting",
        scan_claimed_until=timezone.now() + timedelta(days=1),
        status=LibraryStatus.SCANNING,
    )
    forgotten = 0
    while True:
        with transaction.atomic():
            photos = list(
                Photo.objects.select_for_update()
                .filter(library=library)
                .order_by("pk")[:FORGET_BATCH]
            )
            if not photos:
                break
            counted = [
                photo.taken_at
                for photo in photos
                if photo.deleted_at is None
                and not photo.offline
                and not photo.archived
                and photo.part_of_id is None
            ]
            month_counts_change(owner_id=library.owner_id, taken=counted, by=-1)
            get_storage().delete_many(key for photo in photos for key in photo.storage_keys)
            Photo.objects.filter(pk__in=[photo.pk for photo in photos]).delete()
            forgotten += len(photos)
    library.delete()
    logger.info("library %s forgotten (%d photos); its files stay", library.name, forgotten)
    return forgotten


def _named_already(name: str) -> str:
    return gettext("There is a library named “%(name)s” already.") % {"name": name}
