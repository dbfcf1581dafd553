"""Work released at the same moment in threads of its own, each with its own database
connection: what concurrent requests do to the same rows."""

from __future__ import annotations

import threading
from collections.abc import Callable

from django.db import connection


def at_once(*work: Callable[[], object]) -> list[object]:
    """Run each callable in its own thread, released together; return their results
    (or the exception each raised)."""
    start = threading.Barrier(len(work))
    results: list[object] = [None] * len(work)

    def run(index: int) -> None:
        try:
            start.wait()
            results[index] = work[index]()
        except BaseException as err:  # noqa: BLE001  the test looks at it
            results[index] = err
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(len(work))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results
