"""Work the job worker starts on its own, looked at once a minute in a thread of its own:
adopted libraries' scans when their interval has passed (of several workers on several
machines, one queues each: `libraries_scan_due`), and the daily backup of the database
(one worker claims each day's: `backup_daily_if_due`)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from django.db import close_old_connections

logger = logging.getLogger(__name__)

LOOK_EVERY_SECONDS = 60.0


class EveryMinute(threading.Thread):
    def __init__(self, name: str, job: Callable[[], object]) -> None:
        super().__init__(name=name, daemon=True)
        self._job = job
        self._stopped = threading.Event()

    def run(self) -> None:
        while not self._stopped.wait(LOOK_EVERY_SECONDS):
            try:
                self._job()
            except Exception:
                logger.exception("%s failed", self.name)
            finally:
                close_old_connections()

    def stop(self) -> None:
        self._stopped.set()


def library_scans() -> EveryMinute:
    from .services.libraries import libraries_scan_due

    return EveryMinute("library-scans", libraries_scan_due)


def daily_backups() -> EveryMinute:
    from .services.backups import backup_daily_if_due

    return EveryMinute("daily-backup", backup_daily_if_due)
