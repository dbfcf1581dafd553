"""The pixels this process holds decoded at once: more wait their turn."""

from __future__ import annotations

import collections
import contextlib
import threading
from collections.abc import Iterator


class PixelBudget:
    """How many pixels this process holds decoded at once; more wait their turn.

    A decode bigger than the whole budget runs alone. Without it, N concurrent
    uploads or jobs multiplied the peak: six uploads of one big PNG took a worker
    to 3.69 GB. Turns are taken in order of arrival, so a stream of small
    decodes cannot keep a big one waiting for ever.
    """

    def __init__(self) -> None:
        self._used = 0
        self._queue: collections.deque[object] = collections.deque()
        self._changed = threading.Condition()

    @contextlib.contextmanager
    def reserve(self, pixels: int, *, limit: int) -> Iterator[None]:
        """Hold `pixels` of a budget of `limit` (the server's setting, read by the caller)."""
        turn = object()
        with self._changed:
            self._queue.append(turn)
            self._changed.wait_for(
                lambda: self._queue[0] is turn and (self._used == 0 or self._used + pixels <= limit)
            )
            self._queue.popleft()
            self._used += pixels
            self._changed.notify_all()  # the next in line may fit too
        try:
            yield
        finally:
            with self._changed:
                self._used -= pixels
                self._changed.notify_all()


DECODES = PixelBudget()
