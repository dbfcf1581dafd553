"""Derivatives: the sm and md WebP images made from an original by a background job,
a video's posters, and its playback copy where browsers cannot play the original.

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
import os
import tempfile
import time
import uuid
from datetime import timedelta
from typing import IO
from uuid import UUID

from django.db.models import Q
from django.utils import timezone

from ...common.media.facts import UnsupportedImage
from ...common.media.looks import perceptual_hash_of
from .. import keys, media
from ..models import Kind, Photo
from ..originals import original_of
from ..storage import ObjectMissing, StorageUnavailable, get_storage
from .adopted import adopted_settle

logger = logging.getLogger(__name__)

# Long enough for the largest image on a slow machine; a claim older than this
# is taken to belong to a run that died. A run converting a video renews it.
CLAIM_LEASE = timedelta(minutes=10)
_RENEW_EVERY_SECONDS = 60.0
# Turns of a photo while its derivatives are being made that the run follows (each a
# remake); past that the photo waits for `myphoto derivatives --missing`.
_TURNS_FOLLOWED = 3
# What is left to make: derivatives, or a video's playback copy (its posters made).
WORK_LEFT = Q(derivatives_ready=False) | Q(kind=Kind.VIDEO, playback_key="")


def _claim(photo_id: UUID | str) -> str | None:
    """Claim the photo for one run; return the run's token, or None if there is nothing to do."""
    run = uuid.uuid4().hex[:12]
    now = timezone.now()
    claimed = (
        Photo.objects.filter(WORK_LEFT, pk=photo_id, derivatives_error="")
        .filter(Q(derivatives_claimed_until__isnull=True) | Q(derivatives_claimed_until__lt=now))
        .update(derivatives_claim=run, derivatives_claimed_until=now + CLAIM_LEASE)
    )
    return run if claimed else None


class _Lease:
    """Renews a run's claim while it works on something long (a video's conversion)."""

    def __init__(self, photo_id: UUID | str, run: str) -> None:
        self._photo_id, self._run = photo_id, run
        self._renewed = time.monotonic()

    def renew(self) -> None:
        if time.monotonic() - self._renewed < _RENEW_EVERY_SECONDS:
            return
        self._renewed = time.monotonic()
        Photo.objects.filter(pk=self._photo_id, derivatives_claim=self._run).update(
            derivatives_claimed_until=timezone.now() + CLAIM_LEASE
        )


def _release(photo_id: UUID | str, run: str) -> None:
    Photo.objects.filter(pk=photo_id, derivatives_claim=run).update(
        derivatives_claim="", derivatives_claimed_until=None
    )


def photo_make_derivatives(*, photo_id: UUID | str) -> bool:
    """Make the photo's derivatives (a video's posters, then its playback copy if it needs
    one) unless they exist or another run is making them.

    Returns True if this run made (and recorded) them. Raises
    UnsupportedImage, ObjectMissing or StorageUnavailable.
    """
    run = _claim(photo_id)
    if run is None:
        return False
    written: list[str] = []
    recorded = False
    try:
        photo = Photo.objects.filter(pk=photo_id).first()
        if photo is None:
            return False
        # A video is read where it lies, by ranges: its posters need a few frames, and
        # its conversion reads it once from start to end. A photo is decoded whole.
        where = original_of(photo)
        with where.open_reader() if photo.is_video else where.local_copy() as original:
            if (
                photo.is_adopted
                and not photo.sha256
                and not adopted_settle(photo=photo, original=original)
            ):
                return False
            if not photo.derivatives_ready:
                recorded = _make_images(photo, original, run, written)
                if not recorded:
                    return False
            if photo.is_video and not photo.playback_key:
                recorded = _make_playback_copy(photo, original, run, written)
        return recorded
    finally:
        # Done, failed, purged meanwhile, or the claim expired and another run took
        # over. Released first, so that a retry can claim it at once; what is left in
        # `written` is this run's alone and recorded nowhere, so deleting it harms no
        # other run.
        _release(photo_id, run)
        if written:
            _delete_quietly(written)


def _make_images(photo: Photo, original: IO[bytes], run: str, written: list[str]) -> bool:
    """The sm and md images (a video's posters), stored and recorded while the run holds
    the claim (kept: a video's conversion follows). Made again if the photo was turned
    meanwhile: the turn's own job found the photo claimed by this run."""
    storage = get_storage()
    # Those made before a turn stay shown until these replace them.
    replaced = [key for key in (photo.thumbnail_key, photo.preview_key) if key]
    for _ in range(_TURNS_FOLLOWED):
        made = {}
        original.seek(0)
        turned = media.make_derivatives(original, video=photo.is_video, turn=photo.rotation)
        looks = perceptual_hash_of(next(d.webp for d in turned if d.size == "sm"))
        for derivative in turned:
            key = keys.derivative_key(
                owner_id=photo.owner_id, photo_id=photo.pk, size=derivative.size, run=run
            )
            written.append(key)
            storage.put(key, io.BytesIO(derivative.webp), size=len(derivative.webp))
            made[derivative.size] = key
        mine = Photo.objects.filter(pk=photo.pk, derivatives_claim=run)
        recorded = bool(
            mine.filter(rotation=photo.rotation).update(
                thumbnail_key=made["sm"],
                preview_key=made["md"],
                images_size=sum(len(derivative.webp) for derivative in turned),
                derivatives_ready=True,
                derivatives_error="",
                perceptual_hash=looks,
            )
        )
        if recorded:
            written.clear()  # the row owns them now
            _delete_quietly([key for key in replaced if key not in made.values()])
            photo.derivatives_ready = True
            logger.info("made derivatives of photo %s (run %s)", photo.pk, run)
            return True
        turn = mine.values_list("rotation", flat=True).first()
        if turn is None:
            return False  # purged, or the claim expired and another run took over
        photo.rotation = turn
    return False


def _make_playback_copy(photo: Photo, original: IO[bytes], run: str, written: list[str]) -> bool:
    """Convert the video for browsers, store the copy and record it under the claim."""
    storage = get_storage()
    lease = _Lease(photo.pk, run)
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="myphoto-playback-") as folder:
        target = os.path.join(folder, "playback.mp4")
        media.make_playback_copy(original, target, progress=lease.renew)
        size = os.path.getsize(target)
        key = keys.playback_key(owner_id=photo.owner_id, photo_id=photo.pk, run=run)
        written.append(key)
        with open(target, "rb") as copy:
            storage.put(key, copy, size=size)
    recorded = bool(
        Photo.objects.filter(pk=photo.pk, derivatives_claim=run, playback_key="").update(
            playback_key=key, playback_size=size
        )
    )
    if recorded:
        written.clear()
        logger.info(
            "made the playback copy of video %s (%d bytes, %.1f s, run %s)",
            photo.pk,
            size,
            time.monotonic() - started,
            run,
        )
    return recorded


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
    except UnsupportedImage as err:
        photo_record_derivatives_failure(photo_id=photo_id, reason=str(err))
    except ObjectMissing:
        if Photo.objects.filter(pk=photo_id, library__isnull=False).exists():
            # A file gone from its library's source: its next scan makes the photo offline,
            # and its derivatives are made when the file is back.
            logger.info("the file of adopted photo %s is gone; left to its scan", photo_id)
            return False
        photo_record_derivatives_failure(
            photo_id=photo_id, reason="The original is missing from storage."
        )
    return False


def photo_hash_looks(*, photo_id: UUID | str) -> bool:
    """The perceptual hash of a photo whose thumbnails were made before hashes were (from
    its sm thumbnail); False if it has none to read."""
    photo = Photo.objects.filter(pk=photo_id, derivatives_ready=True).first()
    if photo is None or not photo.thumbnail_key:
        return False
    try:
        looks = perceptual_hash_of(get_storage().read_bytes(photo.thumbnail_key))
    except ObjectMissing:
        return False
    Photo.objects.filter(pk=photo.pk, thumbnail_key=photo.thumbnail_key).update(
        perceptual_hash=looks
    )
    return True


def photo_record_derivatives_failure(*, photo_id: UUID | str, reason: str) -> None:
    """Keep the photo, without derivatives, and say why (shown instead of a thumbnail)."""
    logger.warning("derivatives of photo %s failed: %s", photo_id, reason)
    Photo.objects.filter(pk=photo_id).update(derivatives_error=reason[:500])
