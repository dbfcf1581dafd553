"""The staff's "Library health" page: the latest `myphoto fsck` report and the runs before."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from . import integrity
from .requests import AuthenticatedRequest

EXAMPLES_SHOWN = 20


@login_required
@require_GET
def library_health(request: AuthenticatedRequest) -> HttpResponse:
    """Staff only: to anyone else the page does not exist."""
    if not request.user.is_staff:
        raise Http404
    reports = integrity.latest_reports()
    finished = next((report for report in reports if not report.running), None)
    running = reports[0] if reports and reports[0].running else None
    found = []
    if finished is not None:
        for problem in finished.report.get("found", {}).values():
            shown = problem["examples"][:EXAMPLES_SHOWN]
            found.append({**problem, "examples": shown, "more": problem["count"] - len(shown)})
    return render(
        request,
        "photos/library_health.html",
        {
            "latest": finished,
            "running": running,
            "found": found,
            "reports": reports,
            "daily": settings.MYPHOTO_FSCK_DAILY,
            "daily_hour": settings.MYPHOTO_FSCK_HOUR,
        },
    )
