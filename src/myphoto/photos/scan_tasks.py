"""The job that scans an adopted library (apart from `tasks`: a scan queues derivatives
jobs, so `services.scan` stands above `tasks`, and this module above both)."""

from __future__ import annotations

from django_tasks import task

from .services.scan import library_scan


@task()
def scan_library(library_id: int, full: bool = False) -> None:
    """Scan an adopted library (one scan of it at a time: a second does nothing)."""
    library_scan(library_id=library_id, full=full)
