"""`myphoto download`: mirror the library into DEST/YYYY/MM/, resumable, never a half file."""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from rich.console import Console

from ..common.filenames import UniqueNames, portable_name, with_extension
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
from .progress import FileProgress, Report, Tracker, progress_bar, run_all, with_retries
from .speech import gettext


class DiskFull(ClientError):
    exit_code = 5


class ChecksumMismatch(Exception):
    pass


@dataclass(frozen=True)
class Planned:
    photo: dict[str, Any]
    target: Path

    @property
    def size(self) -> int:
        return int(self.photo["size"])


def with_stacks(photos: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """Each item, then the other files of its shot (a RAW beside its JPEG), dated as it."""
    for photo in photos:
        yield photo
        for member in (photo.get("stack") or {}).get("photos", []):
            if member["id"] != photo["id"]:
                yield {**member, "taken_at": photo["taken_at"]}


def plan(photos: Iterable[dict[str, Any]], dest: Path) -> list[Planned]:
    """Place every photo (and the other files of a stack) at DEST/YYYY/MM/name, numbering
    names that meet in one folder."""
    ordered = sorted(with_stacks(photos), key=lambda photo: (photo["taken_at"], photo["id"]))
    names = UniqueNames()
    planned = []
    for photo in ordered:
        when = datetime.fromisoformat(photo["taken_at"])
        # The name comes from the server: made safe to create here (on Windows too),
        # with an extension that says what the file is.
        name = with_extension(photo["filename"], photo.get("content_type", ""))
        relative = names.claim(f"{when:%Y}/{when:%m}", portable_name(name))
        planned.append(Planned(photo, dest / relative))
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
    album_id: str | None = None,
    jobs: int = 4,
    console: Console | None = None,
) -> Report:
    """Mirror the library (or one album) into `dest`; resume partial files; never leave a
    half file."""
    console = console or Console(stderr=True)
    report = Report()
    stop = threading.Event()
    params: dict[str, str] = {"taken_after": since.isoformat()} if since else {}
    if album_id:
        params["album"] = album_id
    planned = plan(server.photos(**params), dest)
    sources = _Sources(server, planned)

    with progress_bar(console) as progress:
        tracker = Tracker(progress, gettext("Downloading"), [p.size for p in planned], report)
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
            moved = FileProgress(tracker)
            try:
                target.parent.mkdir(parents=True, exist_ok=True)
                received = with_retries(
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
                resume = gettext("%(why)s; run again to resume") % {"why": err}
                finish(report.failed, (str(target), resume), 0)
            except ApiError as err:
                finish(report.failed, (str(target), err.detail), item.size - received)
            except OSError as err:
                if err.errno == errno.ENOSPC:
                    stop.set()
                    raise DiskFull(
                        gettext(
                            "The disk is full at %(path)s: free some space and run again "
                            "(finished files are kept, the partial one resumes)."
                        )
                        % {"path": dest}
                    ) from err
                finish(report.failed, (str(target), err.strerror or str(err)), item.size)
            except ChecksumMismatch as err:
                finish(report.failed, (str(target), str(err)), 0)

        run_all(jobs, planned, fetch, report, stop)
    return report


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
        raise ChecksumMismatch(gettext("the download did not match its SHA-256; run again"))
    return received
