"""What a scan's listing found, remembered in 8 bytes a file (a million files, 8 MB), not
in a set of strings: what the rows hold that the listing did not is gone from the source."""

from __future__ import annotations

import hashlib
from array import array
from bisect import bisect_left
from collections.abc import Iterable, Iterator
from itertools import islice
from typing import TypeVar

Item = TypeVar("Item")


def pages(items: Iterable[Item], size: int) -> Iterator[list[Item]]:
    listed = iter(items)
    while page := list(islice(listed, size)):
        yield page


class Listed:
    """Paths added while listing; asked after `close()` (a collision of two 64-bit digests
    among a million paths has odds of about one in 36 million)."""

    def __init__(self) -> None:
        self._digests = array("q")

    @staticmethod
    def _digest(path: str) -> int:
        digest = hashlib.blake2b(path.encode("utf-8", "surrogateescape"), digest_size=8)
        return int.from_bytes(digest.digest(), "big", signed=True)

    def add(self, path: str) -> None:
        self._digests.append(self._digest(path))

    def close(self) -> None:
        self._digests = array("q", sorted(self._digests))

    def __contains__(self, path: object) -> bool:
        if not isinstance(path, str):
            return False
        wanted = self._digest(path)
        at = bisect_left(self._digests, wanted)
        return at < len(self._digests) and self._digests[at] == wanted
