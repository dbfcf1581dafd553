"""The daily check, run by the job worker in a thread of its own (thumbnails keep coming
while it reads the originals back).

Every worker looks once a minute; the first to find the day's hour come claims the
day by inserting its report (one per day: a unique index), so that of several workers
on several machines exactly one runs it. A worker that was down at that hour runs it
when it starts later that day.
"""

from __future__ import annotations

import logging
import threading
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, close_old_connections, transaction
from django.utils import timezone

from ..models import IntegrityReport
from . import check

logger = logging.getLogger(__name__)

LOOK_EVERY_SECONDS = 60.0


def daily_check_claim(now: datetime) -> IntegrityReport | None:
    """Today's report, claimed for this worker, if today's check is due and unclaimed."""
    if not settings.MYPHOTO_FSCK_DAILY:
        return None
    local = timezone.localtime(now)
    if local.hour < settings.MYPHOTO_FSCK_HOUR:
        return None
    today = IntegrityReport.objects.filter(
        trigger=IntegrityReport.Trigger.SCHEDULE, scheduled_for=local.date()
    )
    if today.exists():
        return None
    try:
        with transaction.atomic():
            return IntegrityReport.objects.create(
                trigger=IntegrityReport.Trigger.SCHEDULE, scheduled_for=local.date()
            )
    except IntegrityError:
        return None  # another worker claimed it a moment before


def daily_check_run_if_due(now: datetime | None = None) -> IntegrityReport | None:
    record = daily_check_claim(now or timezone.now())
    if record is None:
        return None
    budget = settings.MYPHOTO_FSCK_VERIFY_BUDGET_MINUTES
    logger.info("the daily library check begins (verify budget %d minutes)", budget)
    record = check(verify=budget > 0, budget=timedelta(minutes=budget), record=record)
    log = logger.info if record.exit_code == 0 else logger.warning
    log(
        "the daily library check ended: %d problems (exit status %s)",
        record.problems,
        record.exit_code,
    )
    return record


class DailyCheck(threading.Thread):
    """Looks every minute whether the daily check is due, and runs it."""

    def __init__(self) -> None:
        super().__init__(name="daily-check", daemon=True)
        self._stopped = threading.Event()

    def run(self) -> None:
        while not self._stopped.wait(LOOK_EVERY_SECONDS):
            try:
                daily_check_run_if_due()
            except Exception:
                logger.exception("the daily library check failed")
            finally:
                close_old_connections()

    def stop(self) -> None:
        self._stopped.set()
