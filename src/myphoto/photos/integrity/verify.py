"""fsck --verify: every original read back from storage and its SHA-256 compared with the
one taken at upload (bit rot, a flipped byte, a file replaced behind our back).

Originals are read in id order, a few at once (storage answers each read after a
delay that one reader at a time would wait out), each streamed in 1 MiB chunks
into its hash: memory does not grow with the library or with a file's size. With
a time budget the pass stops when it is spent and the next run goes on after the
last original it verified, so a library of terabytes is covered over several nights.
"""

from __future__ import annotations

import hashlib
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta
from uuid import UUID

from django.db.models import Count, Sum

from ..models import Photo
from ..storage import ObjectMissing, PhotoStorage
from .findings import Finding, Problem, Report
from .progress import Progress

# Reads in flight. Four keep a local SeaweedFS or a disk busy; hashing (SHA-NI, ~1.7 GB/s
# a core) releases the GIL, so the threads hash side by side too.
READERS = 4
# Bytes read at a time: a phone photo in one read (a 1 MiB read copies each byte through
# urllib3's buffers once more, measured 0.72x boto3's plain read); a video in several.
READ_CHUNK = 8 * 1024 * 1024
# Originals between two saves of where the pass is, so that a run killed half-way
# loses little.
SAVE_EVERY = 200


@dataclass(frozen=True)
class _Original:
    pk: UUID
    key: str
    sha256: str
    size: int


def _digest(storage: PhotoStorage, key: str) -> str:
    hashed = hashlib.sha256()
    for chunk in storage.stream(key, chunk_size=READ_CHUNK):
        hashed.update(chunk)
    return hashed.hexdigest()


class Verifier:
    def __init__(
        self,
        storage: PhotoStorage,
        report: Report,
        *,
        progress: Progress,
        save_position: Callable[[str], None],
    ) -> None:
        self.storage, self.report, self.progress = storage, report, progress
        self._save_position = save_position
        self.verified = 0
        self.verified_bytes = 0
        self.position = ""

    def run(self, *, resume_after: str, budget: timedelta | None) -> str:
        """Verify from after `resume_after` ("" from the start) until the end or the budget;
        return where the next pass goes on ("" once this one reached the end)."""
        started = time.monotonic()
        deadline = None if budget is None else started + budget.total_seconds()
        # An adopted photo's file is read by its scans, never verified into or out of here.
        originals = Photo.objects.filter(library__isnull=True).order_by("pk")
        if resume_after:
            originals = originals.filter(pk__gt=UUID(resume_after))
        remaining = originals.aggregate(count=Count("pk"), bytes=Sum("size"))
        self.progress.phase("Verifying originals (SHA-256)", remaining["bytes"] or 0)
        self.position = resume_after
        finished = True
        with ThreadPoolExecutor(READERS, thread_name_prefix="verify") as pool:
            reading: deque[tuple[_Original, Future[str]]] = deque()
            for row in originals.values_list("pk", "storage_key", "sha256", "size").iterator(
                chunk_size=500
            ):
                # At least one original a run, so that every run moves the pass on.
                spent = deadline is not None and time.monotonic() >= deadline
                if spent and (self.verified or reading):
                    finished = False
                    break
                original = _Original(*row)
                reading.append((original, pool.submit(_digest, self.storage, original.key)))
                if len(reading) >= 2 * READERS:
                    self._compare(*reading.popleft())
            while reading:
                self._compare(*reading.popleft())
        self.position = "" if finished else self.position
        self._save_position(self.position)
        self.report.verify = {
            "verified": self.verified,
            "bytes": self.verified_bytes,
            "seconds": round(time.monotonic() - started, 1),
            "left_in_pass": (remaining["count"] or 0) - self.verified if not finished else 0,
            "pass_finished": finished,
            "resume_after": self.position,
        }
        return self.position

    def _compare(self, original: _Original, reading: Future[str]) -> None:
        try:
            digest = reading.result()
        except ObjectMissing:
            digest = None  # purged meanwhile, or missing: the object check reports that
        if digest is not None and digest != original.sha256:
            self._confirm_corrupt(original)
        self.verified += 1
        self.verified_bytes += original.size
        self.progress.advance(original.size)
        self.position = str(original.pk)
        if self.verified % SAVE_EVERY == 0:
            self._save_position(self.position)

    def _confirm_corrupt(self, original: _Original) -> None:
        """Read it once more (a read cut or garbled on its way is no rot) and make sure
        the photo is still there."""
        try:
            digest = _digest(self.storage, original.key)
        except ObjectMissing:
            return
        photo = Photo.objects.filter(pk=original.pk).select_related("owner").first()
        if photo is None or digest == photo.sha256:
            return
        self.report.add(
            Finding.of_photo(
                Problem.CORRUPT_ORIGINAL,
                photo,
                subject=photo.storage_key,
                detail=f"SHA-256 {digest} read, {photo.sha256} uploaded",
            )
        )
