"""Run the WSGI app under gunicorn's gthread workers.

Streamed downloads need a synchronous WSGI server: under ASGI Django buffers a
synchronous streaming response whole. Threads let one worker serve many slow
downloads at once.
"""

from __future__ import annotations

from django.core.handlers.wsgi import WSGIHandler
from gunicorn.app.base import BaseApplication


class _Gunicorn(BaseApplication):  # type: ignore[misc]  # gunicorn has no type information
    def __init__(self, options: dict[str, object]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> WSGIHandler:
        from myphoto.wsgi import application

        return application


def run_gunicorn(*, host: str, port: int, workers: int, threads: int) -> None:
    _Gunicorn(
        {
            "bind": f"{host}:{port}",
            "workers": workers,
            "worker_class": "gthread",
            "threads": threads,
            # Long downloads are fine: the timeout is the worker's heartbeat, not a request's.
            "timeout": 120,
            "graceful_timeout": 30,
            # Above the app's own limits (photos.middleware: 4 KB addresses, 8 KB headers),
            # so that the app refuses those, in JSON under the API, before gunicorn's HTML.
            "limit_request_line": 8190,
            "limit_request_field_size": 16384,
            "accesslog": "-",
            "errorlog": "-",
            "loglevel": "info",
        }
    ).run()
