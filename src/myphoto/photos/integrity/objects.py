"""fsck's comparison of rows and objects: originals, derivatives, uploads on their way.

Each side is a sorted stream (`owned` from the database, `list_objects` from storage)
merged in one pass, so memory stays flat at any size. What the pass sees is only a
suspicion: rows and objects change while it runs (an upload writes its object before
its row, a purge deletes objects before rows). So every suspect is checked again, in
batches, against the database and storage before it is reported, and an object is
deleted by `--repair` only if it is still older than the grace period and still no
row's when looked at once more, just before the delete.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Generic, TypeVar
from uuid import UUID

from django.conf import settings
from django.db.models import Q

from .. import keys
from ..models import MultipartUpload, Photo
from ..services import direct_upload
from ..services.unfinished import unfinished_uploads
from ..storage import ObjectMissing, PhotoStorage, StoredObject
from ..tasks import enqueue_derivatives
from .findings import Finding, Problem, Report
from .owned import OwnedOriginal, derivative_keys, original_keys
from .progress import Progress

logger = logging.getLogger(__name__)

BATCH = 500
T = TypeVar("T")


class OutOfOrder(Exception):
    """A side of the merge was not sorted: comparing would report what is not so."""


@dataclass(frozen=True)
class Options:
    repair: bool
    # Objects written more recently than this may belong to an upload on its way.
    grace: timedelta
    now: datetime

    @property
    def cutoff(self) -> datetime:
        return self.now - self.grace


def merged(
    owned: Iterator[T], key_of: Callable[[T], str], stored: Iterator[StoredObject]
) -> Iterator[tuple[T | None, StoredObject | None]]:
    """Pairs (row's key, object) by key, one side None where the other has no match."""
    left, right = next(owned, None), next(stored, None)
    last_left = last_right = ""
    while left is not None or right is not None:
        if right is None or (left is not None and key_of(left) < right.key):
            yield left, None
            left = next(owned, None)
        elif left is None or right.key < key_of(left):
            yield None, right
            right = next(stored, None)
        else:
            yield left, right
            left, right = next(owned, None), next(stored, None)
        if left is not None:
            if key_of(left) < last_left:
                raise OutOfOrder(f"the database gave {key_of(left)!r} after {last_left!r}")
            last_left = key_of(left)
        if right is not None:
            if right.key < last_right:
                raise OutOfOrder(f"storage listed {right.key!r} after {last_right!r}")
            last_right = right.key


class _Batched(Generic[T]):
    """Suspects gathered until a batch is full, then checked again together."""

    def __init__(self, confirm: Callable[[list[T]], None]) -> None:
        self._confirm: Callable[[list[T]], None] = confirm
        self._items: list[T] = []

    def add(self, item: T) -> None:
        self._items.append(item)
        if len(self._items) >= BATCH:
            self.flush()

    def flush(self) -> None:
        if self._items:
            items, self._items = self._items, []
            self._confirm(items)


def _photos(**filters: object) -> list[Photo]:
    return list(Photo.objects.filter(**filters).select_related("owner"))


class ObjectCheck:
    """One pass over originals, derivatives and uploads on their way, with the report."""

    def __init__(
        self, storage: PhotoStorage, report: Report, options: Options, progress: Progress
    ) -> None:
        self.storage, self.report, self.options, self.progress = (
            storage,
            report,
            options,
            progress,
        )

    def run(self) -> None:
        self.lost_and_found()  # first: what this run moves there is not counted twice
        self.originals()
        self.derivatives()
        self.derivatives_never_made()
        self.unfinished_uploads()

    # Originals

    def originals(self) -> None:
        self.progress.phase("Originals", Photo.objects.count())
        missing = _Batched(self._confirm_missing_originals)
        wrong_size = _Batched(self._confirm_wrong_sizes)
        untracked = _Batched(self._confirm_untracked_originals)
        stored = self.storage.list_objects(keys.ORIGINALS)
        for row, found in merged(original_keys(), _key_of_original, stored):
            if found is not None:
                self.report.checked["objects listed"] += 1
            if row is None:
                if found is not None:
                    self._suspect_untracked(found, untracked)
                continue
            if row.size is None:
                continue  # a multipart upload's key: its object may not be there yet
            self.report.checked["originals"] += 1
            self.progress.advance()
            if found is None:
                missing.add(row.key)
            elif found.size != row.size:
                wrong_size.add(row.key)
        for batch in (missing, wrong_size, untracked):
            batch.flush()

    def _suspect_untracked(self, found: StoredObject, batch: _Batched[StoredObject]) -> None:
        if found.modified is not None and found.modified > self.options.cutoff:
            self.report.recent_untracked += 1
        else:
            batch.add(found)

    def _confirm_missing_originals(self, suspects: list[str]) -> None:
        for photo in _photos(storage_key__in=suspects):
            if not self.storage.exists(photo.storage_key):
                detail = f"{photo.size} bytes, uploaded {photo.uploaded_at:%Y-%m-%d}"
                self.report.add(
                    Finding.of_photo(
                        Problem.MISSING_ORIGINAL, photo, subject=photo.storage_key, detail=detail
                    )
                )

    def _confirm_wrong_sizes(self, suspects: list[str]) -> None:
        for photo in _photos(storage_key__in=suspects):
            try:
                size = self.storage.size(photo.storage_key)
            except ObjectMissing:
                continue  # purged meanwhile (or gone: the next run reports it missing)
            if size != photo.size:
                detail = f"{size} bytes stored, {photo.size} uploaded"
                self.report.add(
                    Finding.of_photo(
                        Problem.WRONG_SIZE, photo, subject=photo.storage_key, detail=detail
                    )
                )

    def _confirm_untracked_originals(self, suspects: list[StoredObject]) -> None:
        candidates = [found.key for found in suspects]
        owned = set(
            Photo.objects.filter(storage_key__in=candidates).values_list("storage_key", flat=True)
        )
        owned |= set(
            MultipartUpload.objects.filter(storage_key__in=candidates).values_list(
                "storage_key", flat=True
            )
        )
        for found in suspects:
            if found.key not in owned:
                self._untracked(found, Problem.UNTRACKED_OBJECT, _untracked_detail(found))

    def _untracked(self, found: StoredObject, problem: Problem, detail: str) -> None:
        finding = Finding(problem, subject=found.key, detail=detail)
        if self.options.repair:
            finding.repaired = self._remove_if_still_unowned(found.key)
            if finding.repaired and found.key.startswith(keys.ORIGINALS):
                finding.detail += f"; moved to {keys.lost_and_found_key(found.key)}"
        self.report.add(finding)

    def _remove_if_still_unowned(self, key: str) -> bool:
        """Look once more, just before: still old, and still no row's. Then delete it, or
        for what lies among originals (someone's photo, if its row was lost: a database
        restored from an older backup), move it to lost-and-found/ for a while."""
        try:
            now = self.storage.stat(key)
        except ObjectMissing:
            return True  # gone already
        if now.modified is not None and now.modified > self.options.cutoff:
            return False  # written again since the listing
        if _owner_of(key):
            return False
        if key.startswith(keys.ORIGINALS):
            self.storage.move(key, keys.lost_and_found_key(key))
            logger.info("fsck moved %s, which no photo owns, to lost-and-found", key)
        else:
            self.storage.delete_many([key])
            logger.info("fsck deleted %s, which no photo owns", key)
        return True

    # lost-and-found

    def lost_and_found(self) -> None:
        """What earlier repairs moved aside: counted, and deleted by a repair once it has
        been kept MYPHOTO_LOST_FOUND_DAYS."""
        expiry = self.options.now - timedelta(days=settings.MYPHOTO_LOST_FOUND_DAYS)
        for found in self.storage.list_objects(keys.LOST_AND_FOUND):
            self.report.checked["objects listed"] += 1
            expired = found.modified is not None and found.modified <= expiry
            if expired and self.options.repair:
                self.storage.delete_many([found.key])
                logger.info("fsck deleted %s, kept in lost-and-found long enough", found.key)
                self.report.lost_and_found["deleted"] += 1
            else:
                self.report.lost_and_found["kept"] += 1

    # Derivatives

    def derivatives(self) -> None:
        self.progress.phase("Thumbnails and playback copies", None)
        missing = _Batched(self._confirm_missing_derivatives)
        untracked = _Batched(self._confirm_untracked_derivatives)
        # Keys alone: a thumbnail's size says nothing, and only a suspect's age matters.
        stored = (StoredObject(key, -1) for key in self.storage.list_keys(keys.DERIVATIVES))
        for key, found in merged(derivative_keys(), str, stored):
            self.progress.advance()
            if found is not None:
                self.report.checked["objects listed"] += 1
            if key is None:
                if found is not None:
                    with contextlib.suppress(ObjectMissing):  # gone meanwhile: fine
                        self._suspect_untracked(self.storage.stat(found.key), untracked)
                continue
            self.report.checked["derivatives"] += 1
            if found is None:
                missing.add(key)
        missing.flush()
        untracked.flush()

    def _confirm_missing_derivatives(self, suspects: list[str]) -> None:
        by_photo: dict[UUID, list[str]] = {}
        for key in suspects:
            photo_id = _photo_id_of_derivative(key)
            if photo_id is not None:
                by_photo.setdefault(photo_id, []).append(key)
        for photo in _photos(pk__in=list(by_photo)):
            gone = [
                key
                for key in by_photo[photo.pk]
                if key in photo.storage_keys and not self.storage.exists(key)
            ]
            if not gone:
                continue
            finding = Finding.of_photo(
                Problem.MISSING_DERIVATIVE, photo, subject=gone[0], detail="gone from storage"
            )
            if self.options.repair:
                finding.repaired = _make_again(photo, gone)
            self.report.add(finding)

    def _confirm_untracked_derivatives(self, suspects: list[StoredObject]) -> None:
        ids = {_photo_id_of_derivative(found.key) for found in suspects}
        photos = {photo.pk: photo for photo in _photos(pk__in=[i for i in ids if i])}
        for found in suspects:
            photo = photos.get(_photo_id_of_derivative(found.key))  # type: ignore[arg-type]
            if photo is None:
                self._untracked(found, Problem.UNTRACKED_OBJECT, _untracked_detail(found))
            elif found.key not in photo.storage_keys:
                detail = f"of {photo.original_name} ({photo.owner.username}), no longer used"
                self._untracked(found, Problem.STALE_DERIVATIVE, detail)

    def derivatives_never_made(self) -> None:
        """Photos still waiting after the grace period: their job was lost (a queue
        emptied, a worker that never ran)."""
        now = self.options.now
        waiting = (
            Photo.objects.filter(
                Q(derivatives_ready=False) | Q(kind="video", playback_key=""),
                derivatives_error="",
                uploaded_at__lt=self.options.cutoff,
            )
            .filter(
                Q(derivatives_claimed_until__isnull=True) | Q(derivatives_claimed_until__lt=now)
            )
            .select_related("owner")
        )
        for photo in waiting.iterator(chunk_size=BATCH):
            finding = Finding.of_photo(
                Problem.MISSING_DERIVATIVE,
                photo,
                subject=photo.storage_key,
                detail=f"never made (uploaded {photo.uploaded_at:%Y-%m-%d %H:%M})",
            )
            if self.options.repair:
                enqueue_derivatives(str(photo.pk))
                finding.repaired = True
            self.report.add(finding)

    # Uploads on their way

    def unfinished_uploads(self) -> None:
        """Direct and multipart uploads nobody finished, and the storage's leftovers."""
        self.progress.phase("Uploads on their way", None)
        now = self.options.now
        # Past its URL's lifetime, nobody can complete a direct upload any more.
        direct_before = min(self.options.cutoff, now - direct_upload.LIFETIME)
        for upload in unfinished_uploads(
            now=now, direct_before=direct_before, leftover_before=self.options.cutoff
        ):
            self.report.checked["uploads"] += 1
            if upload.recent:
                self.report.recent_untracked += 1
                continue
            leftover = upload.kind == "leftover"
            problem = Problem.UNTRACKED_OBJECT if leftover else Problem.STALE_UPLOAD
            finding = Finding(problem, subject=upload.key, detail=upload.detail)
            if self.options.repair:
                upload.remove()
                finding.repaired = True
            self.report.add(finding)


def _key_of_original(row: OwnedOriginal) -> str:
    return row.key


def _untracked_detail(found: StoredObject) -> str:
    written = f", written {found.modified:%Y-%m-%d %H:%M}" if found.modified else ""
    return f"{found.size} bytes{written}"


def _photo_id_of_derivative(key: str) -> UUID | None:
    """derivatives/<owner>/<photo id>/<name>: the photo it was made for."""
    parts = key.split("/")
    try:
        return UUID(parts[2]) if len(parts) == 4 else None
    except ValueError:
        return None


def _owner_of(key: str) -> bool:
    """Whether any row owns the key now (the last look before a delete)."""
    if key.startswith(keys.ORIGINALS):
        return (
            Photo.objects.filter(storage_key=key).exists()
            or MultipartUpload.objects.filter(storage_key=key).exists()
        )
    photo_id = _photo_id_of_derivative(key)
    if photo_id is None:
        return False
    photo = Photo.objects.filter(pk=photo_id).first()
    return photo is not None and key in photo.storage_keys


def _make_again(photo: Photo, gone: list[str]) -> bool:
    """Forget the derivatives that are gone and queue the job that makes them."""
    changes: dict[str, object] = {}
    if photo.thumbnail_key in gone or photo.preview_key in gone:
        changes.update(derivatives_ready=False, thumbnail_key="", preview_key="", images_size=0)
    if photo.playback_key in gone and not photo.plays_original:
        changes.update(playback_key="", playback_size=None)
    # Only if the row still records what we found gone: a job may have made new ones.
    unchanged = Photo.objects.filter(
        pk=photo.pk,
        thumbnail_key=photo.thumbnail_key,
        preview_key=photo.preview_key,
        playback_key=photo.playback_key,
    )
    if not changes or not unchanged.update(**changes):
        return False
    enqueue_derivatives(str(photo.pk))
    return True
