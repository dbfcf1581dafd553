"""Derivatives: the sm and md WebP images made from an original by a background job."""

from __future__ import annotations

import logging
from uuid import UUID

from django.core.files.base import ContentFile
from django.db import transaction

from .. import imaging, storage
from ..models import Photo

logger = logging.getLogger(__name__)


def derivative_keys(photo: Photo) -> dict[str, str]:
    return {
        size: f"derivatives/{photo.owner_id}/{photo.pk}/{size}.webp"
        for size in imaging.DERIVATIVE_SIZES
    }


def photo_make_derivatives(*, photo_id: UUID | str) -> bool:
    """Make the photo's derivatives unless they exist; return True if it made them.

    Safe to run twice and to race a purge: objects are written under fixed keys,
    then the row is locked and updated; if the photo was purged meanwhile, the
    objects just written are removed again.
    """
    photo = Photo.objects.filter(pk=photo_id).first()
    if photo is None or photo.derivatives_ready:
        return False
    with storage.local_copy(photo.storage_key) as original:
        derivatives = imaging.make_derivatives(original)
    keys = derivative_keys(photo)
    written = []
    try:
        for derivative in derivatives:
            storage.save(keys[derivative.size], ContentFile(derivative.webp))
            written.append(keys[derivative.size])
    except BaseException:
        storage.delete_many(written)
        raise
    with transaction.atomic():
        updated = (
            Photo.objects.select_for_update()
            .filter(pk=photo.pk)
            .update(
                thumbnail_key=keys["sm"],
                preview_key=keys["md"],
                derivatives_ready=True,
                derivatives_error="",
            )
        )
    if not updated:
        storage.delete_many(written)
        return False
    return True


def photo_make_derivatives_or_record_failure(*, photo_id: UUID | str) -> bool:
    """Make the derivatives; if the original cannot give any, record why on the photo.

    Returns True if it made them, False if there was nothing to make or they
    failed for good. StorageUnavailable propagates: trying later may work.
    """
    try:
        return photo_make_derivatives(photo_id=photo_id)
    except imaging.UnsupportedImage as err:
        photo_record_derivatives_failure(photo_id=photo_id, reason=str(err))
    except storage.ObjectMissing:
        photo_record_derivatives_failure(
            photo_id=photo_id, reason="The original is missing from storage."
        )
    return False


def photo_record_derivatives_failure(*, photo_id: UUID | str, reason: str) -> None:
    """Keep the photo, without derivatives, and say why (shown instead of a thumbnail)."""
    logger.warning("derivatives of photo %s failed: %s", photo_id, reason)
    Photo.objects.filter(pk=photo_id).update(derivatives_error=reason[:500])


def photos_missing_derivatives():
    """Photos (trash included) that still need derivatives and have not failed for good."""
    missing = Photo.objects.filter(derivatives_ready=False, derivatives_error="")
    return missing.order_by("uploaded_at")
