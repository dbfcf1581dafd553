"""Derivatives: the sm and md WebP images made from an original by a background job.

A run first claims the photo (a conditional UPDATE: atomic on PostgreSQL and
SQLite alike), so that the job worker and `myphoto derivatives --missing`
never work on one photo at once. The claim is a lease: a run that died leaves
a claim that expires and can be taken over. Each run writes under keys of its
own and records them only while it still holds the claim, so a run that lost
its claim (or whose photo was purged meanwhile) deletes exactly what it wrote
and never what another run recorded.
"""

from __future__ import annotations

import io
import logging
import uuid
from datetime import timedelta
from uuid import UUID

from django.db.models import Q
from django.utils import timezone

from .. import imaging, keys
from ..models import Photo
from ..storage import ObjectMissing, StorageUnavailable, get_storage

logger = logging.getLogger(__name__)

# Long enough for the largest image on a slow machine; a claim older than this
# is taken to belong to a run that died.
CLAIM_LEASE = timedelta(minutes=10)


def _claim(photo_id: UUID | str) -> str | None:
    """Claim the photo for one run; return the run's token, or None if there is nothing to do."""
    run = uuid.uuid4().hex[:12]
    now = timezone.now()
    claimed = (
        Photo.objects.filter(pk=photo_id, derivatives_ready=False, derivatives_error="")
        .filter(Q(derivatives_claimed_until__isnull=True) | Q(derivatives_claimed_until__lt=now))
        .update(derivatives_claim=run, derivatives_claimed_until=now + CLAIM_LEASE)
    )
    return run if claimed else None


def _release(photo_id: UUID | str, run: str) -> None:
    Photo.objects.filter(pk=photo_id, derivatives_claim=run).update(
        derivatives_claim="", derivatives_claimed_until=None
    )


def photo_make_derivatives(*, photo_id: UUID | str) -> bool:
    """Make the photo's derivatives unless they exist or another run is making them.

    Returns True if this run made (and recorded) them. Raises
    imaging.UnsupportedImage, ObjectMissing or StorageUnavailable.
    """
    run = _claim(photo_id)
    if run is None:
        return False
    storage = get_storage()
    written: list[str] = []
    recorded = False
    try:
        photo = Photo.objects.filter(pk=photo_id).first()
        if photo is None:
            return False
        with storage.local_copy(photo.storage_key) as original:
            derivatives = imaging.make_derivatives(original)
        made = {}
        for derivative in derivatives:
            key = keys.derivative_key(
                owner_id=photo.owner_id, photo_id=photo.pk, size=derivative.size, run=run
            )
            written.append(key)
            storage.put(key, io.BytesIO(derivative.webp), size=len(derivative.webp))
            made[derivative.size] = key
        recorded = bool(
            Photo.objects.filter(pk=photo.pk, derivatives_claim=run).update(
                thumbnail_key=made["sm"],
                preview_key=made["md"],
                derivatives_ready=True,
                derivatives_error="",
                derivatives_claim="",
                derivatives_claimed_until=None,
            )
        )
        if recorded:
            logger.info("made derivatives of photo %s (run %s)", photo.pk, run)
        return recorded
    finally:
        if not recorded:
            # Failed, purged meanwhile, or the claim expired and another run took
            # over. Released first, so that a retry can claim it at once; the
            # keys are this run's alone, so deleting them harms no other run.
            _release(photo_id, run)
            _delete_quietly(written)


def _delete_quietly(written: list[str]) -> None:
    try:
        get_storage().delete_many(written)
    except StorageUnavailable as err:
        # Left for `myphoto fsck` to find; the error that brought us here matters more.
        logger.warning("could not remove %d derivative objects: %s", len(written), err)


def photo_make_derivatives_or_record_failure(*, photo_id: UUID | str) -> bool:
    """Make the derivatives; if the original cannot give any, record why on the photo.

    Returns True if it made them, False if there was nothing to make or they
    failed for good. StorageUnavailable propagates: trying later may work.
    """
    try:
        return photo_make_derivatives(photo_id=photo_id)
    except imaging.UnsupportedImage as err:
        photo_record_derivatives_failure(photo_id=photo_id, reason=str(err))
    except ObjectMissing:
        photo_record_derivatives_failure(
            photo_id=photo_id, reason="The original is missing from storage."
        )
    return False


def photo_record_derivatives_failure(*, photo_id: UUID | str, reason: str) -> None:
    """Keep the photo, without derivatives, and say why (shown instead of a thumbnail)."""
    logger.warning("derivatives of photo %s failed: %s", photo_id, reason)
    Photo.objects.filter(pk=photo_id).update(derivatives_error=reason[:500])
