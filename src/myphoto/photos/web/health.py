"""Health: the staff's "Library health" page (the latest `myphoto fsck` report and the runs
before, the database's backups), and the probes a load balancer asks (`/healthz`, `/readyz`)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .. import integrity
from ..database import migrations_missing
from ..requests import AuthenticatedRequest
from ..services import backups
from ..storage import StorageUnavailable, get_storage

EXAMPLES_SHOWN = 20
BACKUPS_SHOWN = 30
# What the report counted, by the English key it stores.
CHECKED = {
    "originals": gettext_lazy("Originals"),
    "derivatives": gettext_lazy("Derivatives"),
    "objects listed": gettext_lazy("Objects listed"),
    "uploads": gettext_lazy("Uploads"),
    "month counts": gettext_lazy("Month counts"),
    "album entries": gettext_lazy("Album entries"),
    "adopted photos": gettext_lazy("Adopted photos"),
}


@login_required
@require_GET
def library_health(request: AuthenticatedRequest) -> HttpResponse:
    """Staff only: to anyone else the page does not exist."""
    if not request.user.is_staff:
        raise Http404
    reports = integrity.latest_reports()
    finished = next((report for report in reports if not report.running), None)
    running = reports[0] if reports and reports[0].running else None
    found, checked = [], []
    if finished is not None:
        for kind, problem in finished.report.get("found", {}).items():
            shown = problem["examples"][:EXAMPLES_SHOWN]
            found.append(
                {
                    **problem,
                    **_said(kind),
                    "examples": shown,
                    "more": problem["count"] - len(shown),
                }
            )
        checked = [
            (CHECKED.get(what, what.capitalize()), number)
            for what, number in finished.report.get("checked", {}).items()
        ]
    return render(
        request,
        "photos/library_health.html",
        {
            "latest": finished,
            "running": running,
            "found": found,
            "checked": checked,
            "reports": reports,
            "daily": settings.MYPHOTO_FSCK_DAILY,
            "daily_hour": settings.MYPHOTO_FSCK_HOUR,
            "backups": _backups_shown(),
            "last_backup_run": backups.backup_daily_latest(timezone.localdate()),
            "backup_daily": settings.MYPHOTO_BACKUP_DAILY,
            "backup_hour": settings.MYPHOTO_BACKUP_HOUR,
            "backup_keep": settings.MYPHOTO_BACKUP_KEEP,
        },
    )


def _backups_shown() -> list[backups.Backup] | None:
    """The newest backups, or None when the storage cannot be listed (the page still shows)."""
    try:
        return backups.backups_list()[:BACKUPS_SHOWN]
    except StorageUnavailable:
        return None


def _said(kind: str) -> dict[str, str]:
    """A problem's heading and advice in the reader's language (the report keeps English)."""
    try:
        problem = integrity.Problem(kind)
    except ValueError:  # a kind of an older release: its stored words
        return {}
    return {"title": problem.heading, "advice": problem.advice}


@require_GET
@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    return JsonResponse({"status": "ok"})


@require_GET
@never_cache
def readyz(request: HttpRequest) -> HttpResponse:
    """Ready when the database answers and holds this release's tables, and the storage
    answers."""
    checks: dict[str, str] = {}
    try:
        missing = migrations_missing()
        checks["database"] = f"error: not migrated ({', '.join(missing)})" if missing else "ok"
    except Exception as err:  # noqa: BLE001  any failure means not ready; the reason is reported
        checks["database"] = f"error: {err.__class__.__name__}"
    try:
        get_storage().ping()
        checks["storage"] = "ok"
    except StorageUnavailable as err:
        checks["storage"] = f"error: {err}"
    ready = all(value == "ok" for value in checks.values())
    return JsonResponse(
        {"status": "ok" if ready else "unavailable", **checks}, status=200 if ready else 503
    )
