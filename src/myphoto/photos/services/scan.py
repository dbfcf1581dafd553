"""Scans of adopted libraries: list the source page by page, compare each file (path,
size, version) with its row, read the heads of new and changed files by range requests,
and queue their derivatives. Files gone from the source make their photos offline, never
deleted; nothing is ever written to the source.

One scan per library at a time (`scan_lease`). A camera's RAW and JPEG of one shot
become one item as a page is recorded (`raw_pairs`).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import timedelta
from functools import partial
from pathlib import PurePosixPath
from uuid import UUID

from django.db import transaction
from django.utils import timezone

from ...common.filenames import display_name
from ...common.media.facts import ImageFacts, UnsupportedImage
from .. import media
from ..library_sources import source_of
from ..models import (
    FileState,
    Library,
    LibraryFile,
    LibraryStatus,
    Photo,
    Place,
    TakenAtSource,
)
from ..secrets import SecretUnreadable
from ..storage import ObjectMissing
from ..storage.sources import (
    HEAD_BLOCK,
    Source,
    SourceFile,
    SourceNotAllowed,
    SourceUnreachable,
    open_reader,
)
from ..tasks import enqueue_derivatives_of
from .counts import month_counts_change
from .folder_albums import FolderAlbums
from .listed import Listed, pages
from .offline import photos_set_offline
from .places import places_for
from .raw_pairs import raw_jpeg_pair_adopted
from .reread import photo_reread
from .scan_lease import ScanStopped, scan_claim, scan_renew
from .upload import described_fields

logger = logging.getLogger(__name__)

PAGE = 500
# Range requests in flight at once: a scan waits on the source, not on the CPU.
READERS = 8
_MISSING_BATCH = 2000
# How many refused files a library lists (the rest are counted).
FAILED_SHOWN = 100


@dataclass
class ScanCounts:
    """What a scan did, as the Libraries page and `myphoto library scan` show it."""

    listed: int = 0
    added: int = 0
    changed: int = 0
    removed: int = 0
    returned: int = 0
    failed: int = 0
    bytes_read: int = 0
    started_at: str = field(default_factory=lambda: timezone.now().isoformat())
    finished_at: str | None = None


@dataclass(frozen=True)
class _Reading:
    """A page compared with its rows, its heads being read."""

    to_read: list[tuple[SourceFile, LibraryFile | None]]
    back: list[LibraryFile]
    futures: list[Future[_Read | None]]


@dataclass(frozen=True)
class _Read:
    """What a file's head said: its facts, or why it is refused."""

    file: SourceFile
    facts: ImageFacts | None
    reason: str
    fetched: int


def library_scan(
    *,
    library_id: int,
    full: bool = False,
    progress: Callable[[ScanCounts], None] | None = None,
) -> ScanCounts | None:
    """Scan the library; None if a scan of it is running already (or it is gone).

    A source that cannot be read ends the scan with status "error" and the reason; what
    was recorded before stays, and nothing goes offline because of an outage.
    """
    run = scan_claim(library_id)
    if run is None:
        return None
    library = Library.objects.get(pk=library_id)
    counts = ScanCounts()
    status, error = LibraryStatus.IDLE, ""
    try:
        source = source_of(library)
        source.check()
        _Scan(library, source, run, full=full, counts=counts, progress=progress).run()
    except (SourceUnreachable, SourceNotAllowed, SecretUnreadable) as err:
        status, error = LibraryStatus.ERROR, str(err)
        logger.warning("scan of library %s stopped: %s", library.name, err)
    except ScanStopped:
        logger.info("scan of library %s stopped: the library is being forgotten", library.name)
        return counts
    except Exception as err:
        status, error = LibraryStatus.ERROR, f"The scan stopped on an error: {err}"
        logger.exception("scan of library %s failed", library.name)
    counts.failed = LibraryFile.objects.filter(
        library_id=library_id, state=FileState.FAILED
    ).count()
    counts.finished_at = timezone.now().isoformat()
    Library.objects.filter(pk=library_id, scan_claim=run).update(
        status=status,
        error=error,
        scan_claim="",
        scan_claimed_until=None,
        last_scan=asdict(counts),
        next_scan_at=timezone.now() + timedelta(minutes=library.scan_interval_minutes),
    )
    logger.info("scan of library %s: %s", library.name, asdict(counts))
    return counts


class _Scan:
    def __init__(
        self,
        library: Library,
        source: Source,
        run: str,
        *,
        full: bool,
        counts: ScanCounts,
        progress: Callable[[ScanCounts], None] | None,
    ) -> None:
        self.library, self.source, self.run_id, self.full = library, source, run, full
        self.counts, self.progress = counts, progress
        self.seen = Listed()
        self.albums = FolderAlbums(library) if library.albums_from_folders else None

    def run(self) -> None:
        with ThreadPoolExecutor(READERS, thread_name_prefix="scan") as readers:
            # A page's heads are read while the page before is written: the readers wait
            # on the source, the writes on the database.
            reading: _Reading | None = None
            for page in pages(self.source.files(), PAGE):
                self._renew()
                following = self._compare(page, readers)
                if reading is not None:
                    self._write(reading)
                reading = following
                if self.progress is not None:
                    self.progress(self.counts)
            if reading is not None:
                self._write(reading)
        # Only after a whole listing: an outage half-way must not make photos offline.
        self._renew()
        self._gone()
        if self.albums is not None:
            self.albums.drop_empty()
        if self.progress is not None:
            self.progress(self.counts)

    def _renew(self) -> None:
        scan_renew(self.library.pk, self.run_id, last_scan=asdict(self.counts))

    def _compare(self, page: list[SourceFile], readers: ThreadPoolExecutor) -> _Reading:
        """Compare a page with its rows; start reading the heads of what is new or changed."""
        self.counts.listed += len(page)
        rows = {
            row.path: row
            for row in LibraryFile.objects.filter(
                library=self.library, path__in=[file.path for file in page]
            )
        }
        to_read: list[tuple[SourceFile, LibraryFile | None]] = []
        back: list[LibraryFile] = []
        for file in page:
            self.seen.add(file.path)
            row = rows.get(file.path)
            unchanged = row is not None and row.version == file.version and row.size == file.size
            if row is None:
                to_read.append((file, None))
            elif row.state == FileState.FORGOTTEN:
                if not unchanged or row.missing:
                    # Purged from MyPhoto: never added again, whatever becomes of the file.
                    LibraryFile.objects.filter(pk=row.pk).update(
                        size=file.size, version=file.version, missing=False
                    )
            elif not unchanged or (self.full and row.state != FileState.DUPLICATE):
                to_read.append((file, row))
            elif row.missing:
                back.append(row)
        return _Reading(to_read, back, [readers.submit(self._read, file) for file, _ in to_read])

    def _write(self, reading: _Reading) -> None:
        """Record what a page's heads said, in one transaction."""
        back = reading.back
        reads = [future.result() for future in reading.futures]
        found = [
            (file, row, read)
            for (file, row), read in zip(reading.to_read, reads, strict=True)
            if read
        ]
        # Gone between the listing and the read are left out: the next scan sees.
        self.counts.bytes_read += sum(read.fetched for _, _, read in found)
        made: list[UUID] = []
        with transaction.atomic():
            made += self._add([(file, read) for file, row, read in found if row is None])
            for file, row, read in found:
                if row is not None:
                    photo_id = self._record(file, row, read)
                    if photo_id is not None:
                        made.append(photo_id)
            if back:
                LibraryFile.objects.filter(pk__in=[row.pk for row in back]).update(missing=False)
                returning = [row.photo_id for row in back if row.photo_id]
                self.counts.returned += photos_set_offline(returning, offline=False)
                if self.albums is not None:
                    self.albums.add(returning)
                # Those whose derivatives were not made while the file was away.
                made += Photo.objects.filter(pk__in=returning, derivatives_ready=False).values_list(
                    "pk", flat=True
                )
            if self.albums is not None:
                self.albums.add(made)
            if made:
                ids = [str(photo_id) for photo_id in dict.fromkeys(made)]
                transaction.on_commit(partial(enqueue_derivatives_of, ids), robust=True)

    def _add(self, new: list[tuple[SourceFile, _Read]]) -> list[UUID]:
        """Rows for the files first seen, a page's in a few statements: their photos (those
        that read as one), their files, their months' counts."""
        described = [(file, read.facts) for file, read in new if read.facts]
        places = places_for([(facts.gps_lat, facts.gps_lon) for _, facts in described])
        photos = [
            self._new_photo(file, facts, place)
            for (file, facts), place in zip(described, places, strict=True)
        ]
        Photo.objects.bulk_create(photos)
        made = iter(photos)
        LibraryFile.objects.bulk_create(
            LibraryFile(
                library=self.library,
                path=file.path,
                size=file.size,
                version=file.version,
                state=FileState.PHOTO if read.facts else FileState.FAILED,
                reason=read.reason[:500],
                photo=next(made) if read.facts else None,
            )
            for file, read in new
        )
        month_counts_change(
            owner_id=self.library.owner_id, taken=[photo.taken_at for photo in photos], by=1
        )
        raw_jpeg_pair_adopted(photos)
        self.counts.added += len(photos)
        return [photo.pk for photo in photos]

    def _read(self, file: SourceFile) -> _Read | None:
        reader = open_reader(self.source, file.path, file.size, block=HEAD_BLOCK)
        try:
            return _Read(file, media.describe(reader), "", reader.raw.fetched)  # type: ignore[attr-defined]
        except UnsupportedImage as err:
            return _Read(file, None, str(err), reader.raw.fetched)  # type: ignore[attr-defined]
        except ObjectMissing:
            return None
        finally:
            reader.close()

    def _record(self, file: SourceFile, row: LibraryFile, read: _Read) -> UUID | None:
        """Keep what the head of a known file said (changed in place, or read again by a
        full scan); return the photo whose derivatives are to be made."""
        new_bytes = row.version != file.version or row.size != file.size
        if new_bytes and (row.state != FileState.FAILED or read.facts is not None):
            self.counts.changed += 1
        row.size, row.version, row.missing = file.size, file.version, False
        if read.facts is None:
            row.state, row.reason = FileState.FAILED, read.reason[:500]
            if row.photo_id:
                # Kept (and its edits with it), offline until the file reads again.
                photos_set_offline([row.photo_id], offline=True)
            row.save()
            return None
        row.state, row.reason = FileState.PHOTO, ""
        photo = Photo.objects.filter(pk=row.photo_id).first() if row.photo_id else None
        if photo is None:
            photo = self._new_photo(
                file, read.facts, places_for([(read.facts.gps_lat, read.facts.gps_lon)])[0]
            )
            photo.save(force_insert=True)
            month_counts_change(owner_id=photo.owner_id, taken=[photo.taken_at], by=1)
            raw_jpeg_pair_adopted([photo])
            row.photo = photo
        else:
            photo_reread(photo, file, read.facts, new_bytes=new_bytes)
            if not new_bytes and photo.derivatives_ready:
                row.save()
                return None
        row.save()
        return photo.pk

    def _new_photo(self, file: SourceFile, facts: ImageFacts, place: Place | None) -> Photo:
        """A photo of the file, not saved yet."""
        photo_id = uuid.uuid4()
        key = f"adopted/{self.library.pk}/{photo_id}"
        name = display_name(PurePosixPath(file.path).name)
        taken_at = facts.taken_at or file.modified or timezone.now()
        return Photo(
            id=photo_id,
            owner_id=self.library.owner_id,
            library=self.library,
            original_name=name,
            storage_key=key,
            size=file.size,
            sha256="",  # hashed by its derivatives job, which reads the file whole
            crc32=0,
            **described_fields(
                facts,
                name=name,
                key=key,
                size=file.size,
                taken_at=taken_at,
                place=place,
                undated=TakenAtSource.FILE,
            ),
        )

    def _gone(self) -> None:
        """Files of the rows that this listing did not find: their photos go offline."""
        self.seen.close()
        after = 0
        while True:
            rows = list(
                LibraryFile.objects.filter(library=self.library, pk__gt=after, missing=False)
                .order_by("pk")
                .values_list("pk", "path", "photo_id")[:_MISSING_BATCH]
            )
            if not rows:
                return
            after = rows[-1][0]
            gone = [(pk, photo) for pk, path, photo in rows if path not in self.seen]
            if not gone:
                continue
            with transaction.atomic():
                LibraryFile.objects.filter(pk__in=[pk for pk, _ in gone]).update(missing=True)
                photos = [photo for _, photo in gone if photo]
                photos_set_offline(photos, offline=True)
                if self.albums is not None:
                    self.albums.remove(photos)
            self.counts.removed += len(gone)
