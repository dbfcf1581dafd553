"""Uploads nobody finished, found one way for the daily purge and for `myphoto fsck`:
direct uploads never completed (objects under incoming/), multipart uploads past their
expiry, and leftovers: uploads the storage began that no row knows (a crash between the
two).

The purge removes what is old enough; fsck reports it and, with --repair, removes it the
same way (`Unfinished.remove`).
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial
from typing import Literal

from django.conf import settings
from django.utils import timezone

from .. import keys
from ..models import MultipartUpload
from ..storage import get_storage
from .direct_upload import STALE_AFTER
from .multipart import multipart_abort

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Unfinished:
    kind: Literal["direct", "multipart", "leftover"]
    key: str
    detail: str  # what it is, for a report
    # Written or begun after the caller's cutoff: it may be on its way still.
    recent: bool
    _remove: Callable[[], object] = field(repr=False, compare=False)

    def remove(self) -> None:
        self._remove()


def unfinished_uploads(
    *, now: datetime, direct_before: datetime, leftover_before: datetime
) -> Iterator[Unfinished]:
    """Every unfinished upload: direct uploads (recent if written after `direct_before`),
    multipart uploads expired by `now`, and leftovers (recent if begun after
    `leftover_before`: their row may not be committed yet)."""
    storage = get_storage()
    for found in storage.list_objects(keys.INCOMING):
        written = found.modified
        yield Unfinished(
            "direct",
            found.key,
            f"{found.size} bytes" + (f", written {written:%Y-%m-%d %H:%M}" if written else ""),
            recent=written is None or written >= direct_before,
            _remove=partial(storage.delete_many, [found.key]),
        )
    for upload in list(MultipartUpload.objects.filter(expires_at__lte=now)):
        yield Unfinished(
            "multipart",
            upload.storage_key,
            f"multipart upload of {upload.filename}, expired {upload.expires_at:%Y-%m-%d}",
            recent=False,
            _remove=partial(multipart_abort, upload=upload),
        )
    # Read before listing: a row committed after this began its upload after it too.
    rows_know = set(MultipartUpload.objects.values_list("storage_upload_id", flat=True))
    for opened in storage.multipart_open_uploads(keys.ORIGINALS):
        if opened.upload_id not in rows_know:
            yield Unfinished(
                "leftover",
                opened.key,
                f"parts of a multipart upload that no row knows ({opened.upload_id})",
                recent=opened.started is not None and opened.started > leftover_before,
                _remove=partial(storage.multipart_abort, opened.key, opened.upload_id),
            )


def unfinished_uploads_purge(*, now: datetime | None = None) -> Counter[str]:
    """Remove direct uploads a day old, expired multipart uploads and leftovers begun
    MYPHOTO_MULTIPART_UPLOAD_DAYS ago; return how many of each kind."""
    now = now or timezone.now()
    removed: Counter[str] = Counter()
    for upload in unfinished_uploads(
        now=now,
        direct_before=now - STALE_AFTER,
        leftover_before=now - timedelta(days=settings.MYPHOTO_MULTIPART_UPLOAD_DAYS),
    ):
        if not upload.recent:
            upload.remove()
            removed[upload.kind] += 1
    if removed:
        logger.info("removed unfinished uploads: %s", dict(removed))
    return removed
