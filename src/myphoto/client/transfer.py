"""Upload folders and mirror the library, several files at once, with one progress bar."""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TextColumn,
    TimeRemainingColumn,
    TransferSpeedColumn,
)

from ..common.folders import walk
from . import files
from .http import (
    ApiError,
    Body,
    ClientError,
    Server,
    StorageRefused,
    TransientError,
    Unreachable,
)

ATTEMPTS = 3


class DiskFull(ClientError):
    exit_code = 5


@dataclass
class Report:
    """What happened to each file; `interrupted` when Ctrl-C stopped the run."""

    done: list[str] = field(default_factory=list)
    already: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    bytes_sent: int = 0
    interrupted: bool = False
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)


def progress_bar(console: Console) -> Progress:
    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        TextColumn("{task.fields[files]}"),
        DownloadColumn(),
        TransferSpeedColumn(),
        TimeRemainingColumn(),
        console=console,
        transient=False,
    )


class _Tracker:
    """One progress bar over files and bytes, and the report it fills in."""

    def __init__(self, progress: Progress, description: str, sizes: list[int], report: Report):
        self.progress, self.report, self.total = progress, report, len(sizes)
        self.bar = progress.add_task(description, total=sum(sizes), files=f"0/{self.total} files")

    def advance(self, n: int) -> None:
        self.progress.advance(self.bar, n)

    def finish(self, outcome: list, entry: object, size_left: int) -> None:
        """Record one file's outcome; `size_left` is what its bytes did not yet advance."""
        with self.report.lock:
            outcome.append(entry)
            report = self.report
            count = len(report.done) + len(report.already) + len(report.failed)
        self.progress.update(self.bar, advance=size_left, files=f"{count}/{self.total} files")


class _FileProgress:
    """What one file has moved the bar by, so that a retry can take it back."""

    def __init__(self, tracker: _Tracker) -> None:
        self.tracker, self.counted = tracker, 0

    def advance(self, n: int) -> None:
        self.counted += n
        self.tracker.advance(n)

    def undo(self) -> None:
        self.tracker.advance(-self.counted)
        self.counted = 0


def _with_retries(attempt: Callable[[], Any], undo_progress: Callable[[], None]) -> Any:
    """Run `attempt`, again after a broken connection (uploads dedupe, downloads resume)."""
    for number in range(1, ATTEMPTS + 1):
        try:
            return attempt()
        except TransientError:
            if number == ATTEMPTS:
                raise
            undo_progress()
            time.sleep(0.25 * number)
    raise AssertionError("unreachable")


class _Counting:
    """A file whose reads advance the progress bar; the rest is the file's own."""

    def __init__(self, file: IO[bytes], advance: Callable[[int], None]) -> None:
        self._file, self._advance = file, advance

    def read(self, size: int = -1) -> bytes:
        data = self._file.read(size)
        self._advance(len(data))
        return data

    def __getattr__(self, name: str) -> Any:
        return getattr(self._file, name)


def _run_all(
    jobs: int, items: list, work: Callable[[Any], None], report: Report, stop: threading.Event
) -> None:
    """Run `work` on every item, `jobs` at a time; Ctrl-C lets the running ones finish."""
    pool = ThreadPoolExecutor(max_workers=jobs)
    pending: set[Future] = set()
    queue = iter(items)
    try:
        for item in queue:
            pending.add(pool.submit(work, item))
            if len(pending) >= jobs * 2:
                finished, pending = wait(pending, return_when=FIRST_COMPLETED)
                for future in finished:
                    future.result()
        for future in pending:
            future.result()
    except KeyboardInterrupt:
        stop.set()
        report.interrupted = True
        for future in pending:
            future.cancel()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def upload(
    server: Server, paths: Iterable[Path], *, jobs: int = 4, console: Console | None = None
) -> Report:
    """Upload the photos found under `paths`, skipping those the server already has."""
    console = console or Console(stderr=True)
    report = Report()
    stop = threading.Event()
    photos, others = files.sort_photos(walk(paths))
    report.skipped = [str(path) for path in others]

    with progress_bar(console) as progress:
        tracker = _Tracker(progress, "Uploading", [p.size for p in photos], report)
        finish = tracker.finish

        def send(photo: files.Candidate) -> None:
            if stop.is_set():
                return
            moved = _FileProgress(tracker)

            def attempt() -> bool:
                """Send the file unless the server has it; return whether it was new."""
                digest = files.sha256_of(photo.path)
                try:
                    server.request("GET", f"/photos/by-hash/{digest}")
                    return False
                except ApiError as err:
                    if err.status != 404:
                        raise
                with photo.path.open("rb") as source:
                    answer = server.json(
                        "POST",
                        "/photos",
                        files={"file": (photo.path.name, _Counting(source, moved.advance))},
                    )
                with report.lock:
                    report.bytes_sent += photo.size
                return not answer["items"][0]["duplicate"]

            try:
                new = _with_retries(attempt, moved.undo)
                outcome, entry = (report.done if new else report.already), str(photo.path)
            except TransientError as err:
                outcome, entry = report.failed, (str(photo.path), str(err))
            except ApiError as err:
                outcome, entry = report.failed, (str(photo.path), err.detail)
            except OSError as err:
                outcome, entry = report.failed, (str(photo.path), err.strerror or str(err))
            finish(outcome, entry, photo.size - moved.counted)

        _run_all(jobs, photos, send, report, stop)
    return report


@dataclass(frozen=True)
class Planned:
    photo: dict[str, Any]
    target: Path

    @property
    def size(self) -> int:
        return int(self.photo["size"])


def plan(photos: Iterable[dict[str, Any]], dest: Path) -> list[Planned]:
    """Place every photo at DEST/YYYY/MM/name, numbering names that meet in one folder."""
    ordered = sorted(photos, key=lambda photo: (photo["taken_at"], photo["id"]))
    taken: dict[Path, set[str]] = {}
    planned = []
    for photo in ordered:
        when = datetime.fromisoformat(photo["taken_at"])
        folder = dest / f"{when:%Y}" / f"{when:%m}"
        used = taken.setdefault(folder, set())
        name, n = files.safe_name(photo["filename"]), 1
        while files.numbered(name, n).casefold() in used:
            n += 1
        used.add(files.numbered(name, n).casefold())
        planned.append(Planned(photo, folder / files.numbered(name, n)))
    return planned


class _Sources:
    """Where each photo's bytes come from, asked of the server a batch at a time.

    In redirect mode the server hands out presigned storage URLs: the bytes then
    come straight from storage, and the app is asked once per batch rather than
    once per file. A batch is asked for when its first file is due, so that its
    URLs are fresh however long the whole run takes. Anywhere else (proxy mode,
    an older server, a batch the server refused) the file comes through the API.
    """

    BATCH = 100

    def __init__(self, server: Server, planned: list[Planned]) -> None:
        self.server = server
        self.order = [item.photo["id"] for item in planned]
        self.position = {photo_id: n for n, photo_id in enumerate(self.order)}
        self.urls: dict[str, tuple[str | None, float]] = {}
        self.presigning = True
        self.lock = threading.Lock()

    def url(self, photo_id: str) -> str | None:
        """A presigned URL for this photo, or None: then fetch it through the API."""
        with self.lock:
            if not self.presigning:
                return None
            url, fresh_until = self.urls.pop(photo_id, (None, 0.0))
            if fresh_until > time.monotonic():
                return url
            # Fixed batches: workers take files a little out of order.
            start = self.position[photo_id] // self.BATCH * self.BATCH
            batch = self.order[start : start + self.BATCH]
            try:
                answer = self.server.json("POST", "/photos/download-urls", json={"ids": batch})
            except ApiError:
                # Say, a photo of the batch went to the trash meanwhile: the API
                # then answers for each file, that one with its own error.
                self.urls.update((other, (None, float("inf"))) for other in batch)
                return None
            except (TransientError, Unreachable):
                raise
            except ClientError:  # no such endpoint: an older server
                self.presigning = False
                return None
            presigned = {
                item["id"]: item["url"]
                for item in answer["items"]
                if item["url"].startswith(("http://", "https://"))
            }
            if not presigned:  # proxy mode: the API serves the bytes itself
                self.presigning = False
                return None
            # A margin, so that a URL is not used in its last seconds.
            fresh_until = time.monotonic() + answer["expires_in"] * 0.8
            self.urls.update((other, (url, fresh_until)) for other, url in presigned.items())
            return self.urls.pop(photo_id, (None, 0.0))[0]


def _open_source(
    stack: contextlib.ExitStack,
    server: Server,
    sources: _Sources,
    photo_id: str,
    headers: dict[str, str],
) -> Body:
    url = sources.url(photo_id)
    if url is not None:
        try:
            return stack.enter_context(server.download_from_storage(url, headers))
        except StorageRefused:
            pass  # expired, say: the API serves the file, or redirects with a fresh URL
    return stack.enter_context(server.download(f"/photos/{photo_id}/download", headers=headers))


def download(
    server: Server,
    dest: Path,
    *,
    since: datetime | None = None,
    jobs: int = 4,
    console: Console | None = None,
) -> Report:
    """Mirror the library into `dest`; resume partial files; never leave a half file."""
    console = console or Console(stderr=True)
    report = Report()
    stop = threading.Event()
    params = {"taken_after": since.isoformat()} if since else {}
    planned = plan(server.photos(**params), dest)
    sources = _Sources(server, planned)

    with progress_bar(console) as progress:
        tracker = _Tracker(progress, "Downloading", [p.size for p in planned], report)
        finish = tracker.finish

        def fetch(item: Planned) -> None:
            if stop.is_set():
                return
            photo, target = item.photo, item.target
            if target.exists():
                if (
                    target.stat().st_size == item.size
                    and files.sha256_of(target) == photo["sha256"]
                ):
                    finish(report.already, str(target), item.size)
                else:
                    finish(
                        report.failed,
                        (str(target), "a different file has this name here; move it away"),
                        item.size,
                    )
                return
            part = target.with_name(f".{target.name}.{photo['id'][:8]}.part")
            received = 0
            moved = _FileProgress(tracker)
            try:
                target.parent.mkdir(parents=True, exist_ok=True)
                received = _with_retries(
                    lambda: _fetch_into(server, sources, item, part, stop, moved.advance, report),
                    moved.undo,
                )
                if received < 0:  # stopped by Ctrl-C: the part stays for the next run
                    return
                os.replace(part, target)
                moment = datetime.fromisoformat(photo["taken_at"]).timestamp()
                os.utime(target, (moment, moment))
                finish(report.done, str(target), 0)
            except TransientError as err:
                finish(report.failed, (str(target), f"{err}; run again to resume"), 0)
            except ApiError as err:
                finish(report.failed, (str(target), err.detail), item.size - received)
            except OSError as err:
                if err.errno == errno.ENOSPC:
                    stop.set()
                    raise DiskFull(
                        f"The disk is full at {dest}: free some space and run again "
                        "(finished files are kept, the partial one resumes)."
                    ) from err
                finish(report.failed, (str(target), err.strerror or str(err)), item.size)
            except ChecksumMismatch as err:
                finish(report.failed, (str(target), str(err)), 0)

        _run_all(jobs, planned, fetch, report, stop)
    return report


class ChecksumMismatch(Exception):
    pass


def _settle(out: IO[bytes]) -> None:
    """Put the file's bytes on disk before its final name says it is whole, and let
    the kernel reuse its cache pages: a backup is not read back soon."""
    out.flush()
    os.fsync(out.fileno())
    if hasattr(os, "posix_fadvise"):
        os.posix_fadvise(out.fileno(), 0, 0, os.POSIX_FADV_DONTNEED)


def _fetch_into(
    server: Server,
    sources: _Sources,
    item: Planned,
    part: Path,
    stop: threading.Event,
    advance: Callable[[int], None],
    report: Report,
) -> int:
    """Download into `part`, resuming what is there; return the bytes received (-1: stopped)."""
    photo = item.photo
    offset = part.stat().st_size if part.exists() else 0
    if offset > item.size:
        part.unlink()
        offset = 0
    digest = files.sha256_hash(part) if offset else hashlib.sha256()
    # The raw bytes are the file only without a content coding: ask for none.
    headers = {"Accept-Encoding": "identity"}
    if offset:
        headers["Range"] = f"bytes={offset}-"
        advance(offset)
    received = 0
    if offset < item.size:
        with contextlib.ExitStack() as stack:
            body = _open_source(stack, server, sources, photo["id"], headers)
            if offset and body.status_code != 206:
                # The server sent the whole file after all: start again.
                advance(-offset)
                offset, digest = 0, hashlib.sha256()
            with part.open("ab" if offset else "wb") as out:
                for chunk in body.chunks:
                    if stop.is_set():
                        return -1
                    out.write(chunk)
                    digest.update(chunk)
                    received += len(chunk)
                    advance(len(chunk))
                _settle(out)
    with report.lock:
        report.bytes_sent += received
    if digest.hexdigest() != photo["sha256"]:
        part.unlink(missing_ok=True)
        raise ChecksumMismatch("the download did not match its SHA-256; run again")
    return received
