"""Carry out a plan: send each file (read from its part, never unpacked) with what the
service knew (a new photo takes it as it is stored; one the library had gets a `PATCH`),
then pair motion photos and fill the albums.

One thread walks the parts in their order and reads the files; `jobs` threads send
them. A file up to `PARTS_ABOVE` goes from memory (at most `IN_FLIGHT` bytes read and
not yet sent); a bigger one in parts, from its own place when it lies in a folder, else
from a copy written beside the run (one at a time, removed once sent).
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import queue
import shutil
import tempfile
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rich.console import Console

from ..http import ApiError, Server, TransientError
from ..multipart import PARTS_ABOVE, Interrupted, PartSender
from ..progress import Counting, FileProgress, Report, Tracker, progress_bar, with_retries
from ..speech import gettext
from .archives import CHUNK, Entry, EntryDamaged, Limited, Part
from .facts import patch_body, service_facts, upload_field
from .journal import Journal
from .plan import Album, Item, Plan

IN_FLIGHT = 24 * 1024 * 1024


@dataclass
class ImportReport(Report):
    # Photos given what the service knew (a date, a place, a heart...).
    updated: int = 0
    albums: dict[str, int] = field(default_factory=dict)


class _Budget:
    """Bytes read and not yet sent: reading waits while too many are in memory."""

    def __init__(self, limit: int) -> None:
        self.limit, self.used = limit, 0
        self.changed = threading.Condition()

    def take(self, size: int, stop: threading.Event) -> None:
        with self.changed:
            while self.used and self.used + size > self.limit and not stop.is_set():
                self.changed.wait(0.5)
            self.used += size

    def give(self, size: int) -> None:
        with self.changed:
            self.used -= size
            self.changed.notify_all()


class Importer:
    def __init__(
        self, server: Server, journal: Journal, *, jobs: int = 4, console: Console | None = None
    ) -> None:
        self.server, self.journal, self.jobs = server, journal, jobs
        self.console = console or Console(stderr=True)
        self.report = ImportReport()
        self.stop = threading.Event()
        self.spool = Path(tempfile.gettempdir()) / f"myphoto-import-{os.getuid()}"
        self._one_copy = threading.Semaphore(1)
        self._budget = _Budget(IN_FLIGHT)
        self.photo_of: dict[str, str] = {}

    def run(self, plan: Plan, parts: list[Part]) -> ImportReport:
        report = self.report
        known = self.journal.items
        self.photo_of = {i.key: known[i.key] for i in plan.items if i.key in known}
        report.already = [i.entry.where for i in plan.items if i.key in self.photo_of]
        todo = {(i.entry.part, i.entry.path): i for i in plan.items if i.key not in self.photo_of}
        parts_sender = PartSender(self.server, jobs=self.jobs, stop=self.stop)
        pool = ThreadPoolExecutor(max_workers=self.jobs, thread_name_prefix="import")
        pending: set[Future[None]] = set()
        later: queue.Queue[tuple[Item, Part] | None] = queue.Queue()
        big_ones: threading.Thread | None = None
        try:
            with progress_bar(self.console) as progress:
                tracker = Tracker(
                    progress, gettext("Importing"), [i.entry.size for i in todo.values()], report
                )
                big_ones = threading.Thread(
                    target=self._send_later, args=(later, parts_sender, tracker), daemon=True
                )
                big_ones.start()
                for part in parts:
                    if not todo:
                        break

                    def wanted(entry: Entry, part: Part = part) -> bool:
                        item = todo.get((entry.part, entry.path))
                        return item is not None and not _later(item, part)

                    for entry, reader in part.walk(wanted):
                        item = todo.pop((entry.part, entry.path), None)
                        if item is not None and _later(item, part):
                            later.put((item, part))  # read on its own, beside the rest
                        if item is None or reader is None:
                            continue
                        send = self._read(item, entry, reader, parts_sender, tracker)
                        if send is not None:
                            pending.add(pool.submit(send))
                        pending = {f for f in pending if not _finished(f)}
                        if self.stop.is_set():
                            break
                later.put(None)
                big_ones.join()
                for future in pending:
                    future.result()
                for item in todo.values():  # in no part's readable entries (a cut part)
                    tracker.finish(
                        report.failed, (item.entry.where, gettext("could not be read")), 0
                    )
        except KeyboardInterrupt:
            self.stop.set()
            report.interrupted = True
            for future in pending:
                future.cancel()
            later.put(None)
        finally:
            if big_ones is not None:
                big_ones.join()
            pool.shutdown(wait=True, cancel_futures=True)
            parts_sender.close()
        if not report.interrupted:
            self._pair(plan)
            self._fill_albums(plan)
        return report

    def _send_later(
        self, later: queue.Queue[tuple[Item, Part] | None], parts: PartSender, tracker: Tracker
    ) -> None:
        """Big files of zips, one at a time: each read from its part anew and copied
        aside while the walk goes on with the small ones, then sent in parts."""
        while (next_one := later.get()) is not None:
            if self.stop.is_set():
                continue
            item, part = next_one
            try:
                with part.open(item.entry) as reader:
                    send = self._read(item, item.entry, reader, parts, tracker)
            except (EntryDamaged, OSError) as err:
                tracker.finish(self.report.failed, (item.entry.where, str(err)), item.entry.size)
                continue
            if send is not None:
                send()

    def _read(
        self, item: Item, entry: Entry, reader: Limited, parts: PartSender, tracker: Tracker
    ) -> Callable[[], None] | None:
        """Read the file (small ones into memory, big ones to a copy unless they lie in a
        folder) and return the work of sending it."""
        moved = FileProgress(tracker)
        try:
            if entry.size <= PARTS_ABOVE:
                self._budget.take(entry.size, self.stop)
                try:
                    data = reader.read()
                except BaseException:
                    self._budget.give(entry.size)
                    raise

                def small() -> dict[str, Any]:
                    return self._send_bytes(item, data, moved)

                return self._work(item, small, moved, lambda: self._budget.give(entry.size))
            if entry.on_disk is not None:
                path = entry.on_disk
                return self._work(item, lambda: self._send_path(parts, path, moved), moved)
            self._one_copy.acquire()
            try:
                copy = self._copy(item, entry, reader)
            except BaseException:
                self._one_copy.release()
                raise

            def done() -> None:
                shutil.rmtree(copy.parent, ignore_errors=True)
                self._one_copy.release()

            return self._work(item, lambda: self._send_path(parts, copy, moved), moved, done)
        except EntryDamaged as err:
            tracker.finish(self.report.failed, (entry.where, str(err)), entry.size)
        except OSError as err:
            reason = f"could not be copied aside to send it: {err.strerror or err}"
            tracker.finish(self.report.failed, (entry.where, reason), entry.size)
        return None

    def _work(
        self,
        item: Item,
        send: Callable[[], dict[str, Any]],
        moved: FileProgress,
        after: Callable[[], None] = lambda: None,
    ) -> Callable[[], None]:
        def work() -> None:
            report, where = self.report, item.entry.where
            outcome: list[Any] = report.failed
            entry: object
            try:
                if self.stop.is_set():
                    return
                photo = with_retries(send, moved.undo)
                outcome, entry = (report.already if photo["duplicate"] else report.done), where
                self._apply(item, photo, new=not photo["duplicate"])
            except Interrupted:
                return
            except (TransientError, ApiError) as err:
                entry = (where, getattr(err, "detail", str(err)))
            except OSError as err:
                entry = (where, err.strerror or str(err))
            finally:
                after()
            moved.tracker.finish(outcome, entry, item.entry.size - moved.counted)

        return work

    def _send_bytes(self, item: Item, data: bytes, moved: FileProgress) -> dict[str, Any]:
        """Send a file from memory, unless the server has it; a new photo is stored with
        what the service knew (one request, one write)."""
        digest = hashlib.sha256(data).hexdigest()
        try:
            known = self.server.json("GET", f"/photos/by-hash/{digest}")
            return {**known, "duplicate": True}
        except ApiError as err:
            if err.status != 404:
                raise
        facts = upload_field(service_facts(item.meta, behind=item.behind))
        answer = self.server.json(
            "POST",
            "/photos",
            files={"file": (item.entry.name, Counting(io.BytesIO(data), moved.advance))},
            data={"facts": json.dumps(facts)} if facts else None,
        )
        with self.report.lock:
            self.report.bytes_sent += len(data)
        return dict(answer["items"][0])

    def _send_path(self, parts: PartSender, path: Path, moved: FileProgress) -> dict[str, Any]:
        photo, sent = parts.send(path, path.stat().st_size, moved.advance)
        with self.report.lock:
            self.report.bytes_sent += sent
        return photo

    def _copy(self, item: Item, entry: Entry, reader: Limited) -> Path:
        """The file written aside under its own name, at a place and time that stay the
        same from run to run (so that a stopped big upload goes on from its parts)."""
        folder = self.spool / hashlib.sha256(item.key.encode()).hexdigest()[:24]
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        copy = folder / entry.name
        with copy.open("wb") as out:
            while chunk := reader.read(CHUNK):
                out.write(chunk)
        os.utime(copy, ns=(0, entry.crc or 0))
        return copy

    def _apply(self, item: Item, photo: dict[str, Any], *, new: bool) -> None:
        """Give the photo what the service knew, then write it down as done."""
        photo_id = str(photo["id"])
        body = patch_body(photo, service_facts(item.meta, behind=item.behind))
        if body:
            try:
                self.server.json("PATCH", f"/photos/{photo_id}", json=body)
                with self.report.lock:
                    self.report.updated += 1
            except ApiError as err:
                if err.status != 400:
                    raise
                with self.report.lock:  # a date before 1826, say: the photo stays as it is
                    self.report.failed.append((item.entry.where, f"its facts: {err.detail}"))
        if item.meta.trashed and new:  # never a photo the library had before
            self.server.json("POST", "/photos/delete", json={"ids": [photo_id]})
        self.journal.item_done(item.key, photo_id)
        with self.report.lock:
            self.photo_of[item.key] = photo_id

    def _pair(self, plan: Plan) -> None:
        """Motion photos made one item, each pair once (a pair undone by hand stays so)."""
        for still, video in plan.pairs:
            still_id, video_id = self.photo_of.get(still), self.photo_of.get(video)
            if still_id is None or video_id is None or f"{still} {video}" in self.journal.pairs:
                continue
            try:
                self.server.json("POST", f"/photos/{still_id}/motion", json={"video": video_id})
            except ApiError as err:
                if err.status not in (400, 404):
                    raise
                if err.status == 400:
                    where = next(i.entry.where for i in plan.items if i.key == video)
                    self.report.failed.append((where, f"not paired: {err.detail}"))
            self.journal.pair_made(f"{still} {video}", still_id)

    def _fill_albums(self, plan: Plan) -> None:
        """Each album made once and given the photos not given before: an album deleted
        or a photo taken out of it by hand since an earlier run stays so."""
        members: dict[str, list[str]] = {key: [] for key in plan.albums}
        for item in plan.items:
            photo_id = self.photo_of.get(item.key)
            if photo_id is not None and not item.meta.trashed:
                for key in item.albums:
                    if photo_id not in self.journal.added.get(key, ()):
                        members[key].append(photo_id)
        titles = None
        for key, album in plan.albums.items():
            if not members[key]:
                continue
            album_id = self.journal.albums.get(key)
            if album_id is None:
                titles = titles if titles is not None else self._my_albums()
                album_id = titles.get(album.title) or self._album_made(album)
                self.journal.album_made(key, album_id)
            try:
                added = self.server.add_to_album(album_id, members[key])
            except ApiError as err:
                if err.status != 404:
                    raise
                continue  # deleted by hand since an earlier run
            self.journal.album_filled(key, album_id, members[key])
            self.report.albums[album.title] = added

    def _album_made(self, album: Album) -> str:
        body = {"title": album.title, "description": album.description}
        return str(self.server.json("POST", "/albums", json=body)["id"])

    def _my_albums(self) -> dict[str, str]:
        """My albums by title (the newest of a title), to join instead of doubling."""
        albums = self.server.json("GET", "/albums")["items"]
        return {a["title"]: str(a["id"]) for a in reversed(albums) if a.get("role") == "owner"}


def _later(item: Item, part: Part) -> bool:
    """A big file in a part that can be read out of order: it waits for its turn apart."""
    return item.entry.size > PARTS_ABOVE and item.entry.on_disk is None and part.random_access


def _finished(future: Future[None]) -> bool:
    if not future.done():
        return False
    future.result()  # a bug in the work: raise it here, not never
    return True
