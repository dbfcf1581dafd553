"""Big files in parts (API.md "Big files"): several parts at once, each retried alone,
and resumed across runs: the upload's id is kept until the server has the file."""

from __future__ import annotations

import functools
import json
import os
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import urllib3

from . import config
from .http import ApiError, Server, TransientError
from .progress import with_retries

# Files above this go in parts (the server's default MYPHOTO_MULTIPART_UPLOAD_MB).
PARTS_ABOVE = 16 * 1024 * 1024
# Part URLs asked for at a time: they expire, so not all of a 20 GB file's at once.
_URLS_AT_ONCE = 32


class Interrupted(Exception):
    """The run was stopped (Ctrl-C); the upload goes on next time from its parts."""


class Resumable:
    """The unfinished uploads of this machine, by server and content: the next run
    asks the server which of their parts arrived and sends the others."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or config.config_dir() / "uploads.json"
        self._lock = threading.Lock()

    def _read(self) -> dict[str, str]:
        try:
            loaded = json.loads(self.path.read_text())
        except (OSError, ValueError):
            return {}
        return loaded if isinstance(loaded, dict) else {}

    def get(self, server: str, sha256: str) -> str | None:
        with self._lock:
            return self._read().get(f"{server} {sha256}")

    def remember(self, server: str, sha256: str, upload_id: str | None) -> None:
        with self._lock:
            saved = self._read()
            if upload_id is None:
                saved.pop(f"{server} {sha256}", None)
            else:
                saved[f"{server} {sha256}"] = upload_id
            self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            temporary = self.path.with_suffix(".tmp")
            temporary.write_text(json.dumps(saved))
            os.replace(temporary, self.path)


class PartSender:
    """Sends the parts of every big file of a run through one pool of `jobs` threads."""

    def __init__(self, server: Server, *, jobs: int, stop: threading.Event) -> None:
        self.server, self.stop = server, stop
        self.pool = ThreadPoolExecutor(max_workers=jobs, thread_name_prefix="part")
        self.resumable = Resumable()
        self.jobs = jobs

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)

    def send(
        self, path: Path, size: int, sha256: str, advance: Callable[[int], None]
    ) -> tuple[dict[str, Any], int]:
        """Upload the file in parts; return the server's photo and the bytes sent.

        Raises Interrupted when stopped (the parts sent stay for the next run).
        """
        upload, received = self._begin_or_resume(path, size, sha256)
        if "photo" in upload:  # the server has these bytes already
            return upload["photo"], 0
        upload_id, part_size = str(upload["id"]), int(upload["part_size"])
        lengths = _part_lengths(size, part_size)
        advance(sum(lengths[n] for n in received))
        missing = [n for n in lengths if n not in received]
        sent = self._send_parts(path, upload_id, part_size, lengths, missing, advance)
        try:
            answer = self.server.json("POST", f"/uploads/multipart/{upload_id}/complete", json={})
        except ApiError as err:
            if err.code != "upload_busy":
                self.resumable.remember(self.server.url, sha256, None)
            raise
        self.resumable.remember(self.server.url, sha256, None)
        return answer["items"][0], sent

    def _begin_or_resume(
        self, path: Path, size: int, sha256: str
    ) -> tuple[dict[str, Any], set[int]]:
        known = self.resumable.get(self.server.url, sha256)
        if known:
            try:
                upload = self.server.json("GET", f"/uploads/multipart/{known}")
                return upload, set(upload["received"])
            except ApiError as err:
                if err.status != 404:
                    raise
        upload = self.server.json(
            "POST",
            "/uploads/multipart",
            json={"filename": path.name, "size": size, "sha256": sha256},
        )
        if not upload.get("duplicate"):
            self.resumable.remember(self.server.url, sha256, str(upload["id"]))
        return upload, set()

    def _send_parts(
        self,
        path: Path,
        upload_id: str,
        part_size: int,
        lengths: dict[int, int],
        numbers: list[int],
        advance: Callable[[int], None],
    ) -> int:
        """Send these parts, `jobs` at a time; return the bytes sent."""
        sent = 0
        with path.open("rb") as source:
            for batch in _batches(numbers, _URLS_AT_ONCE):
                if self.stop.is_set():
                    raise Interrupted
                urls = self._urls(upload_id, batch)
                futures: list[Future[int]] = []
                for number in batch:
                    offset = (number - 1) * part_size
                    futures.append(
                        self.pool.submit(
                            self._send_part,
                            source.fileno(),
                            offset,
                            lengths[number],
                            functools.partial(self._fresh_url, upload_id, number),
                            urls[number],
                        )
                    )
                for future in futures:
                    length = future.result()
                    sent += length
                    advance(length)
                if any(future.cancelled() for future in futures) or self.stop.is_set():
                    raise Interrupted
        return sent

    def _urls(self, upload_id: str, numbers: list[int]) -> dict[int, str]:
        answer = self.server.json(
            "POST", f"/uploads/multipart/{upload_id}/parts", json={"numbers": numbers}
        )
        return {part["number"]: self._absolute(part["url"]) for part in answer["parts"]}

    def _fresh_url(self, upload_id: str, number: int) -> str:
        return self._urls(upload_id, [number])[number]

    def _absolute(self, url: str) -> str:
        return self.server.url + url if url.startswith("/") else url

    def _send_part(
        self, fd: int, offset: int, length: int, fresh_url: Callable[[], str], url: str
    ) -> int:
        """PUT one part (read where it lies in the file), again with a new URL if it fails."""
        if self.stop.is_set():
            return 0
        urls = iter([url])

        def attempt() -> int:
            target = next(urls, None) or fresh_url()
            body = os.pread(fd, length, offset)
            self._put(target, body)
            return length

        return with_retries(attempt, lambda: None)

    def _put(self, url: str, body: bytes) -> None:
        try:
            response = self.server.storage.request("PUT", url, body=body, redirect=False)
        except urllib3.exceptions.HTTPError as err:
            raise TransientError(f"a part's upload broke off ({err})") from err
        if response.status >= 300:
            # Expired or refused URL, a storage hiccup: the next try asks for a new URL.
            raise TransientError(f"the storage answered {response.status} to a part")


def _part_lengths(size: int, part_size: int) -> dict[int, int]:
    count = max(1, -(-size // part_size))
    return {
        number: min(part_size, size - (number - 1) * part_size) for number in range(1, count + 1)
    }


def _batches(numbers: list[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(numbers), size):
        yield numbers[start : start + size]
