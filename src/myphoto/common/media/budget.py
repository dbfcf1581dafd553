"""The memory one machine's server spends decoding at once, shared by all its processes.

Each gunicorn worker, the job worker and every command decode in processes of their
own: a budget kept in one process bounded that process alone (six uploads of one big
PNG took a worker to 3.69 GB; three processes, three times the budget). So the budget
lives in a folder, as open file locks on a number of slots: a decode takes as many slots
as its cost needs (`costs`) and holds them while it works. One reservation at a time
takes its slots, waiting in line (a lock of its own), so that a stream of small decodes
cannot keep a big one waiting for ever. A process that dies lets its slots go with it.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import time
from collections.abc import Iterator
from functools import cache
from pathlib import Path

SLOTS = 64
_WAIT = 0.02  # seconds between looks at the slots, while in line


class DecodeBudget:
    def __init__(self, folder: Path, total: int) -> None:
        self.folder, self.total = folder, total

    def slots_for(self, cost: int) -> int:
        """The slots `cost` bytes take: at least one, at most all (past the whole budget a
        decode runs alone; callers refuse what they must not run at all)."""
        return min(SLOTS, max(1, -(-cost * SLOTS // max(1, self.total))))

    @contextlib.contextmanager
    def reserve(self, cost: int) -> Iterator[None]:
        """Hold `cost` bytes of the budget, waiting in line for them."""
        self.folder.mkdir(parents=True, exist_ok=True)
        needed = self.slots_for(cost)
        slots = [_opened(self.folder / f"slot-{number:02d}") for number in range(SLOTS)]
        try:
            line = _opened(self.folder / "line")
            try:
                fcntl.flock(line, fcntl.LOCK_EX)
                held: set[int] = set()
                while len(held) < needed:
                    for number, handle in enumerate(slots):
                        if number not in held and _taken(handle):
                            held.add(number)
                            if len(held) == needed:
                                break
                    else:
                        time.sleep(_WAIT)
            finally:
                os.close(line)  # the next in line may look now
            yield
        finally:
            for handle in slots:
                os.close(handle)  # and with it its lock, if this held it


def _opened(path: Path) -> int:
    # One opening per use: open file locks are per opening, so threads of one process
    # wait for each other as processes do.
    return os.open(path, os.O_RDONLY | os.O_CREAT, 0o600)


def _taken(handle: int) -> bool:
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


@cache
def decode_budget(folder: str, total: int) -> DecodeBudget:
    """The budget kept in `folder` (one per machine: the server's data folder's)."""
    return DecodeBudget(Path(folder), total)
