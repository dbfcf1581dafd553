"""`myphoto upload`: send the photos under some folders, skipping those the server has."""

from __future__ import annotations

import threading
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from rich.console import Console

from ..common.folders import walk
from . import files
from .http import ApiError, Server, TransientError
from .multipart import PARTS_ABOVE, Interrupted, PartSender
from .progress import Counting, FileProgress, Report, Tracker, progress_bar, run_all, with_retries
from .speech import gettext


def upload(
    server: Server, paths: Iterable[Path], *, jobs: int = 4, console: Console | None = None
) -> Report:
    """Upload the photos found under `paths`, skipping those the server already has."""
    console = console or Console(stderr=True)
    report = Report()
    stop = threading.Event()
    photos, others = files.sort_photos(walk(paths))
    report.skipped = [str(path) for path in others]

    parts = PartSender(server, jobs=jobs, stop=stop)
    with progress_bar(console) as progress:
        tracker = Tracker(progress, gettext("Uploading"), [p.size for p in photos], report)

        def send(photo: files.Candidate) -> None:
            if stop.is_set():
                return
            moved = FileProgress(tracker)

            def attempt() -> bool:
                """Send the file unless the server has it; return whether it was new."""
                if photo.size > PARTS_ABOVE:
                    return in_parts()
                digest = files.sha256_of(photo.path)
                try:
                    known = server.json("GET", f"/photos/by-hash/{digest}")
                    with report.lock:
                        report.photo_ids.append(str(known["id"]))
                    return False
                except ApiError as err:
                    if err.status != 404:
                        raise
                with photo.path.open("rb") as source:
                    answer = server.json(
                        "POST",
                        "/photos",
                        files={"file": (photo.path.name, Counting(source, moved.advance))},
                    )
                item = answer["items"][0]
                with report.lock:
                    report.bytes_sent += photo.size
                    report.photo_ids.append(str(item["id"]))
                return not item["duplicate"]

            def in_parts() -> bool:
                """Big files: in parts, resumed from those the server has."""
                item, sent = parts.send(photo.path, photo.size, moved.advance)
                with report.lock:
                    report.bytes_sent += sent
                    report.photo_ids.append(str(item["id"]))
                return not item["duplicate"]

            outcome: list[Any]
            entry: object
            try:
                new = with_retries(attempt, moved.undo)
                outcome, entry = (report.done if new else report.already), str(photo.path)
            except Interrupted:
                return
            except TransientError as err:
                outcome, entry = report.failed, (str(photo.path), str(err))
            except ApiError as err:
                outcome, entry = report.failed, (str(photo.path), err.detail)
            except OSError as err:
                outcome, entry = report.failed, (str(photo.path), err.strerror or str(err))
            tracker.finish(outcome, entry, photo.size - moved.counted)

        try:
            run_all(jobs, photos, send, report, stop)
        finally:
            parts.close()
    return report
