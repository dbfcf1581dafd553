"""What earlier runs of an import did on a server: each file brought over (the photo it
became, once its facts were applied) and each album made. A second run skips them
without reading a byte, and does not put back what someone changed by hand since.

One JSON line per fact, appended as it happens: a run stopped anywhere (Ctrl-C, a
crash, a full disk) loses at most the line being written, and that file is found on
the server by its hash next time.
"""

from __future__ import annotations

import hashlib
import json
import threading
from pathlib import Path

from .. import config


class Journal:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.items: dict[str, str] = {}
        self.albums: dict[str, str] = {}
        # The photos each album was given (one taken out by hand is not given again).
        self.added: dict[str, set[str]] = {}
        self.pairs: set[str] = set()
        self._lock = threading.Lock()
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except FileNotFoundError:
            lines = []
        for line in lines:
            try:
                fact = json.loads(line)
            except ValueError:
                continue  # the line a stopped run was writing
            if isinstance(fact, dict) and isinstance(fact.get("id"), str):
                if isinstance(fact.get("item"), str):
                    self.items[fact["item"]] = fact["id"]
                elif isinstance(fact.get("pair"), str):
                    self.pairs.add(fact["pair"])
                elif isinstance(fact.get("album"), str):
                    self.albums[fact["album"]] = fact["id"]
                    photos = fact.get("photos")
                    if isinstance(photos, list):
                        self.added.setdefault(fact["album"], set()).update(map(str, photos))

    @classmethod
    def of(cls, url: str, username: str) -> Journal:
        """The journal of imports into one account of one server (another account on the
        same server has its own; a new login to the same one keeps it)."""
        name = hashlib.sha256(f"{url}\n{username}".encode()).hexdigest()[:16]
        return cls(config.config_dir() / "imports" / f"{name}.jsonl")

    def item_done(self, key: str, photo_id: str) -> None:
        self._append({"item": key, "id": photo_id})
        self.items[key] = photo_id

    def album_made(self, key: str, album_id: str) -> None:
        self._append({"album": key, "id": album_id})
        self.albums[key] = album_id

    def pair_made(self, key: str, still_id: str) -> None:
        self._append({"pair": key, "id": still_id})
        self.pairs.add(key)

    def album_filled(self, key: str, album_id: str, photo_ids: list[str]) -> None:
        self._append({"album": key, "id": album_id, "photos": photo_ids})
        self.added.setdefault(key, set()).update(photo_ids)

    def _append(self, fact: dict[str, object]) -> None:
        line = json.dumps(fact, ensure_ascii=False) + "\n"
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            with self.path.open("a", encoding="utf-8") as out:
                out.write(line)
