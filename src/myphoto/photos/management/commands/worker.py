from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from myphoto.photos.integrity.schedule import DailyCheck
from myphoto.photos.schedules import EveryMinute, daily_backups, library_scans


class Command(BaseCommand):
    help = (
        "Run a background job worker (the database queue, or Redis with MYPHOTO_REDIS_URL); "
        "run several, on any machine that shares the database and storage, for more throughput. "
        "It also runs the daily library check (MYPHOTO_FSCK_HOUR) and the daily backup of the "
        "database (MYPHOTO_BACKUP_HOUR), and queues adopted libraries' scans when their "
        "interval has passed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--interval", type=float, default=1.0, help="seconds between polls")
        parser.add_argument("--batch", action="store_true", help="run what is queued, then exit")

    def handle(self, *args: Any, interval: float, batch: bool, **options: Any) -> None:
        looking: list[DailyCheck | EveryMinute] = (
            [] if batch else [DailyCheck(), library_scans(), daily_backups()]
        )
        for thread in looking:
            thread.start()
        try:
            self._work(interval=interval, batch=batch)
        finally:
            for thread in looking:
                thread.stop()

    def _work(self, *, interval: float, batch: bool) -> None:
        if settings.MYPHOTO_REDIS_URL:
            # The scheduler moves retries (deferred jobs) into the queue when due.
            call_command(
                "rqworker",
                "default",
                job_class="django_tasks_rq.Job",
                burst=batch,
                with_scheduler=True,
            )
        else:
            call_command("db_worker", interval=interval, batch=batch)
