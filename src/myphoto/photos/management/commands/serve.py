import subprocess
import sys
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import connections

from myphoto.photos.services.accounts import user_create_first


class Command(BaseCommand):
    help = "Apply migrations, then serve MyPhoto with gunicorn (gthread workers)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default=settings.MYPHOTO_HOST)
        parser.add_argument("--port", type=int, default=settings.MYPHOTO_PORT)
        parser.add_argument("--workers", type=int, default=settings.MYPHOTO_WEB_WORKERS)
        parser.add_argument("--threads", type=int, default=settings.MYPHOTO_WEB_THREADS)

    def handle(
        self, *args: Any, host: str, port: int, workers: int, threads: int, **options: Any
    ) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        first = user_create_first()
        if first is not None:
            user, password = first
            self.stdout.write(
                self.style.SUCCESS(
                    f"Created the first user. Log in as {user.username!r} with password "
                    f"{password!r} (shown only this once; change it with "
                    "'myphoto changepassword admin')."
                )
            )
        # Workers are forked: they must not share the master's database connections.
        connections.close_all()
        job_worker = self._start_job_worker()
        self.stdout.write(f"MyPhoto is at http://{host}:{port}/  (Ctrl-C stops it)")
        from myphoto.server import run_gunicorn

        try:
            run_gunicorn(host=host, port=port, workers=workers, threads=threads)
        finally:
            if job_worker is not None:
                job_worker.terminate()
                job_worker.wait(timeout=30)

    def _start_job_worker(self) -> subprocess.Popen[bytes] | None:
        """Run one database job worker beside the web server, for thumbnails."""
        backend = settings.TASKS["default"]["BACKEND"]
        if not settings.MYPHOTO_WORKER_IN_SERVE or backend != "django_tasks_db.DatabaseBackend":
            return None
        return subprocess.Popen([sys.executable, "-m", "myphoto", "worker"])  # noqa: S603
