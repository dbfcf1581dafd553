import os

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connections

from myphoto.photos.services.accounts import user_create_first


class Command(BaseCommand):
    help = "Apply migrations, then serve MyPhoto with gunicorn (gthread workers)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("MYPHOTO_HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("MYPHOTO_PORT", "8000")))
        parser.add_argument(
            "--workers", type=int, default=int(os.environ.get("MYPHOTO_WEB_WORKERS", "2"))
        )
        parser.add_argument(
            "--threads", type=int, default=int(os.environ.get("MYPHOTO_WEB_THREADS", "8"))
        )

    def handle(self, *args, host, port, workers, threads, **options):
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
        self.stdout.write(f"MyPhoto is at http://{host}:{port}/  (Ctrl-C stops it)")
        from myphoto.server import run_gunicorn

        run_gunicorn(host=host, port=port, workers=workers, threads=threads)
