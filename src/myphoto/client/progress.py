"""Many files at once under one progress bar, and what happened to each of them."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from typing import IO, Any, TypeVar

from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TextColumn,
    TimeRemainingColumn,
    TransferSpeedColumn,
)

from .http import TransientError
from .speech import ngettext

ATTEMPTS = 3
T = TypeVar("T")


@dataclass
class Report:
    """What happened to each file; `interrupted` when Ctrl-C stopped the run."""

    done: list[str] = field(default_factory=list)
    already: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    bytes_sent: int = 0
    # The server's ids of the files uploaded or found there already.
    photo_ids: list[str] = field(default_factory=list)
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


class Tracker:
    """One progress bar over files and bytes, and the report it fills in."""

    def __init__(self, progress: Progress, description: str, sizes: list[int], report: Report):
        self.progress, self.report, self.total = progress, report, len(sizes)
        self.bar = progress.add_task(description, total=sum(sizes), files=self._files(0))

    def advance(self, n: int) -> None:
        self.progress.advance(self.bar, n)

    def finish(self, outcome: list[Any], entry: object, size_left: int) -> None:
        """Record one file's outcome; `size_left` is what its bytes did not yet advance."""
        with self.report.lock:
            outcome.append(entry)
            report = self.report
            count = len(report.done) + len(report.already) + len(report.failed)
        self.progress.update(self.bar, advance=size_left, files=self._files(count))

    def _files(self, count: int) -> str:
        return ngettext("%(count)d/%(total)d file", "%(count)d/%(total)d files", self.total) % {
            "count": count,
            "total": self.total,
        }


class FileProgress:
    """What one file has moved the bar by, so that a retry can take it back."""

    def __init__(self, tracker: Tracker) -> None:
        self.tracker, self.counted = tracker, 0

    def advance(self, n: int) -> None:
        self.counted += n
        self.tracker.advance(n)

    def undo(self) -> None:
        self.tracker.advance(-self.counted)
        self.counted = 0


def with_retries(attempt: Callable[[], T], undo_progress: Callable[[], None]) -> T:
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


class Counting:
    """A file whose reads advance the progress bar; the rest is the file's own."""

    def __init__(self, file: IO[bytes], advance: Callable[[int], None]) -> None:
        self._file, self._advance = file, advance

    def read(self, size: int = -1) -> bytes:
        data = self._file.read(size)
        self._advance(len(data))
        return data

    def __getattr__(self, name: str) -> Any:
        return getattr(self._file, name)


def run_all(
    jobs: int,
    items: Iterable[T],
    work: Callable[[T], None],
    report: Report,
    stop: threading.Event,
) -> None:
    """Run `work` on every item, `jobs` at a time; Ctrl-C lets the running ones finish."""
    pool = ThreadPoolExecutor(max_workers=jobs)
    pending: set[Future[None]] = set()
    try:
        for item in items:
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
