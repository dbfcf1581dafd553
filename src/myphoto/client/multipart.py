"""Big files in parts (API.md "Big files"): several parts at once, each retried alone,
resumed across runs, and hashed while they go.

The file's SHA-256 is computed beside the parts, not before them (2 GiB take about
1.4 s to hash here): once known it is checked against the server's photos (a file
the server has stops there, its upload aborted) and given at complete, where the
server checks the assembled bytes against it. What a run learns is kept in the
config folder by file (path, size, modification time): the upload's id, so that
the next run sends only the missing parts, and the hash, so that the next run
finds a file already sent without reading it again.
"""

from __future__ import annotations

import functools
import json
import os
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from pathlib import Path
from typing import Any

import httpx

from . import config, files
from .http import TIMEOUT, ApiError, Server
from .progress import with_retries

# Files above this go in parts (the server's default MYPHOTO_MULTIPART_UPLOAD_MB).
PARTS_ABOVE = 16 * 1024 * 1024
# Part URLs asked for at a time: they expire, so not all of a 20 GB file's at once.
_URLS_AT_ONCE = 32


class Interrupted(Exception):
    """The run was stopped (Ctrl-C); the upload goes on next time from its parts."""


class Resumable:
    """What this machine knows of its big files, by server and file: `{"upload": id}`
    while one is on its way, `{"sha256": hex}` once its content is known."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or config.config_dir() / "uploads.json"
        self._lock = threading.Lock()

    @staticmethod
    def key(server: str, path: Path) -> str:
        facts = path.stat()
        return f"{server} {path.resolve()} {facts.st_size} {facts.st_mtime_ns}"

    def _read(self) -> dict[str, dict[str, str]]:
        try:
            loaded = json.loads(self.path.read_text())
        except (OSError, ValueError):
            return {}
        return loaded if isinstance(loaded, dict) else {}

    def get(self, key: str) -> dict[str, str]:
        with self._lock:
            entry = self._read().get(key)
        return entry if isinstance(entry, dict) else {}

    def put(self, key: str, entry: dict[str, str]) -> None:
        with self._lock:
            saved = self._read()
            saved[key] = entry
            self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            temporary = self.path.with_suffix(f".{threading.get_ident()}.tmp")
            temporary.write_text(json.dumps(saved))
            os.replace(temporary, self.path)


class PartSender:
    """Sends the parts of every big file of a run through one pool of `jobs` threads."""

    def __init__(self, server: Server, *, jobs: int, stop: threading.Event) -> None:
        self.server, self.stop = server, stop
        self.pool = ThreadPoolExecutor(max_workers=jobs, thread_name_prefix="part")
        # One file hashed at a time: the disk reads the parts meanwhile.
        self.hasher = ThreadPoolExecutor(max_workers=1, thread_name_prefix="hash")
        self.resumable = Resumable()

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)
        self.hasher.shutdown(wait=True, cancel_futures=True)

    def send(
        self, path: Path, size: int, advance: Callable[[int], None]
    ) -> tuple[dict[str, Any], int]:
        """Upload the file in parts; return the server's photo and the bytes sent.

        Raises Interrupted when stopped (the parts sent stay for the next run).
        """
        key = Resumable.key(self.server.url, path)
        known = self.resumable.get(key)
        digest = known.get("sha256", "")
        if digest:
            photo = self._photo_with(digest)
            if photo is not None:
                return photo, 0
        hashing = None if digest else self.hasher.submit(files.sha256_of, path)
        upload, received = self._begin_or_resume(path, size, known.get("upload", ""), digest)
        if "photo" in upload:  # the server has these bytes already
            self.resumable.put(key, {"sha256": digest})
            return upload["photo"], 0
        upload_id, part_size = str(upload["id"]), int(upload["part_size"])
        self.resumable.put(key, {"upload": upload_id, "sha256": digest})
        lengths = _part_lengths(size, part_size)
        advance(sum(lengths[n] for n in received))
        missing = [n for n in lengths if n not in received]

        def server_has(done: str) -> dict[str, Any] | None:
            """The hash is known: keep it, and return the server's photo if it has one."""
            self.resumable.put(key, {"upload": upload_id, "sha256": done})
            return self._photo_with(done)

        sent, photo = self._send_parts(
            path, upload_id, part_size, lengths, missing, advance, hashing, server_has
        )
        if photo is not None:
            self._abort(upload_id)  # once its parts on their way have ended
            self.resumable.put(key, {"sha256": photo["sha256"]})
            return photo, sent
        digest = digest or (hashing.result() if hashing else "")
        try:
            answer = self.server.json(
                "POST",
                f"/uploads/multipart/{upload_id}/complete",
                json={"sha256": digest},
                timeout=_completing_time(size),
            )
        except ApiError as err:
            if err.code != "upload_busy":  # refused, and nothing kept: next time anew
                self.resumable.put(key, {})
            raise
        self.resumable.put(key, {"sha256": digest})
        return answer["items"][0], sent

    def _photo_with(self, sha256: str) -> dict[str, Any] | None:
        try:
            photo = self.server.json("GET", f"/photos/by-hash/{sha256}")
        except ApiError as err:
            if err.status != 404:
                raise
            return None
        return {**photo, "duplicate": True}

    def _abort(self, upload_id: str) -> None:
        try:
            self.server.request("DELETE", f"/uploads/multipart/{upload_id}")
        except ApiError as err:
            if err.status != 404:
                raise

    def _begin_or_resume(
        self, path: Path, size: int, upload_id: str, sha256: str
    ) -> tuple[dict[str, Any], set[int]]:
        if upload_id:
            try:
                upload = self.server.json("GET", f"/uploads/multipart/{upload_id}")
                return upload, set(upload["received"])
            except ApiError as err:
                if err.status != 404:
                    raise
        body: dict[str, Any] = {"filename": path.name, "size": size}
        if sha256:
            body["sha256"] = sha256
        return self.server.json("POST", "/uploads/multipart", json=body), set()

    def _send_parts(
        self,
        path: Path,
        upload_id: str,
        part_size: int,
        lengths: dict[int, int],
        numbers: list[int],
        advance: Callable[[int], None],
        hashing: Future[str] | None,
        server_has: Callable[[str], dict[str, Any] | None],
    ) -> tuple[int, dict[str, Any] | None]:
        """Send these parts through the pool and see to the hash when it is ready; return
        the bytes sent, and the server's photo if the hash shows it has the file."""
        book = _UrlBook(lambda batch: self._urls(upload_id, batch), numbers)
        abandon = threading.Event()
        sent, photo = 0, None
        with path.open("rb") as source:
            futures = [
                self.pool.submit(
                    self._send_part,
                    source.fileno(),
                    (number - 1) * part_size,
                    lengths[number],
                    functools.partial(book.url, number),
                    abandon,
                )
                for number in numbers
            ]
            try:
                for future in as_completed(futures):
                    length = future.result()
                    sent += length
                    advance(length)
                    if hashing is not None and hashing.done():
                        done, hashing = hashing.result(), None
                        photo = server_has(done)
                        if photo is not None:
                            abandon.set()
                            break
            finally:
                # Done, stopped, abandoned or failed: no more of its parts start, and the
                # file stays open until those on their way have ended.
                for future in futures:
                    future.cancel()
                for future in futures:
                    if not future.cancelled():
                        future.exception()
        if self.stop.is_set():
            raise Interrupted
        if hashing is not None:
            photo = server_has(hashing.result())
        return sent, photo

    def _urls(self, upload_id: str, numbers: list[int]) -> dict[int, str]:
        answer = self.server.json(
            "POST", f"/uploads/multipart/{upload_id}/parts", json={"numbers": numbers}
        )
        return {part["number"]: self._absolute(part["url"]) for part in answer["parts"]}

    def _absolute(self, url: str) -> str:
        return self.server.url + url if url.startswith("/") else url

    def _send_part(
        self, fd: int, offset: int, length: int, url: Callable[[], str], abandon: threading.Event
    ) -> int:
        """PUT one part (read where it lies in the file), with a new URL on each try."""
        if self.stop.is_set() or abandon.is_set():
            return 0

        def attempt() -> int:
            self.server.put_to_storage(url(), os.pread(fd, length, offset))
            return length

        return with_retries(attempt, lambda: None)


class _UrlBook:
    """Part URLs, fetched in order a batch at a time as the parts need them; each is
    handed out once (a retry gets a new one: the old may have expired)."""

    def __init__(self, fetch: Callable[[list[int]], dict[int, str]], numbers: list[int]) -> None:
        self._fetch, self._order = fetch, numbers
        self._position = {number: index for index, number in enumerate(numbers)}
        self._urls: dict[int, str] = {}
        self._fetched: set[int] = set()
        self._lock = threading.Lock()

    def url(self, number: int) -> str:
        with self._lock:
            if number not in self._urls:
                start = self._position[number]
                ahead = [n for n in self._order[start + 1 :] if n not in self._fetched]
                batch = [number, *ahead[: _URLS_AT_ONCE - 1]]
                self._urls.update(self._fetch(batch))
                self._fetched.update(batch)
            return self._urls.pop(number)


def _completing_time(size: int) -> httpx.Timeout:
    """How long completing may take: the server reads the whole file back (1 GB in
    about a second on a small machine; 20 s a GB allowed, and a minute more)."""
    return httpx.Timeout(60 + size / 50_000_000, connect=TIMEOUT.connect)


def _part_lengths(size: int, part_size: int) -> dict[int, int]:
    count = max(1, -(-size // part_size))
    return {
        number: min(part_size, size - (number - 1) * part_size) for number in range(1, count + 1)
    }
