"""`myphoto fsck`: the library's rows and its storage compared, and mended with care.

DESIGN.md's "Integrity". `check` runs every check in turn, keeps the report as an
`IntegrityReport` row (the staff's "Library health" page shows the latest) and
returns it; the command and the daily job in the worker both call it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta

from django.db import DatabaseError
from django.utils import timezone

from ..models import IntegrityReport
from ..storage import StorageUnavailable, get_storage
from .findings import Finding, Problem, Report
from .objects import ObjectCheck, Options, OutOfOrder
from .progress import Progress, Silent
from .rows import check_album_entries, check_month_counts, check_offline
from .verify import Verifier

__all__ = ["Finding", "Problem", "Report", "check", "latest_reports"]

logger = logging.getLogger(__name__)

# Reports kept; older ones are deleted as new ones are written.
KEEP = 60


def check(
    *,
    verify: bool = False,
    repair: bool = False,
    grace: timedelta = timedelta(hours=24),
    budget: timedelta | None = None,
    progress: Progress | None = None,
    record: IntegrityReport | None = None,
) -> IntegrityReport:
    """Run every check (and with `verify` the SHA-256 of originals, for at most `budget`),
    mend what `repair` may mend, and return the saved report."""
    progress = progress or Silent()
    report = Report()
    if record is None:
        try:
            record = IntegrityReport.objects.create(verify=verify, repair=repair)
        except DatabaseError as err:
            # No database, no check: the report (unsaved) says why, the command exits 2.
            record = IntegrityReport(verify=verify, repair=repair)
            report.error = f"the database is unavailable: {err}"
            _finish(record, report)
            return record
    record.verify, record.repair = verify, repair
    options = Options(repair=repair, grace=grace, now=timezone.now())
    storage = get_storage()
    try:
        ObjectCheck(storage, report, options, progress).run()
        check_month_counts(report, repair=repair, progress=progress)
        check_album_entries(report, repair=repair, progress=progress)
        check_offline(report, progress=progress)
        if verify:
            resume_after = _resume_point(before=record)
            save_position = _saver(record)
            save_position(resume_after)  # a run killed before its first save goes on from there
            Verifier(storage, report, progress=progress, save_position=save_position).run(
                resume_after=resume_after, budget=budget
            )
    except (StorageUnavailable, DatabaseError, OutOfOrder) as err:
        logger.warning("fsck could not finish: %s", err)
        report.error = str(err) or type(err).__name__
    except Exception as err:
        # Whatever else stopped it, the report must say so rather than stay "running".
        logger.exception("fsck failed")
        report.error = f"{type(err).__name__}: {err}"
    _finish(record, report)
    return record


def _resume_point(*, before: IntegrityReport) -> str:
    """Where the last verify pass stopped (saved as it went, so a run killed counts too)."""
    latest = (
        IntegrityReport.objects.filter(verify=True)
        .exclude(pk=before.pk)
        .order_by("-started_at")
        .values_list("verify_resume_after", flat=True)
        .first()
    )
    return latest or ""


def _saver(record: IntegrityReport) -> Callable[[str], None]:
    def save(position: str) -> None:
        IntegrityReport.objects.filter(pk=record.pk).update(verify_resume_after=position)
        record.verify_resume_after = position

    return save


def _finish(record: IntegrityReport, report: Report) -> None:
    record.finished_at = timezone.now()
    record.exit_code = report.exit_code
    record.problems = report.problems
    record.report = report.as_json()
    try:
        record.save()
        stale = IntegrityReport.objects.order_by("-started_at").values_list("pk", flat=True)[KEEP:]
        IntegrityReport.objects.filter(pk__in=list(stale)).delete()
    except DatabaseError as err:
        # The database is what failed: the command still prints the report.
        logger.warning("could not save the fsck report: %s", err)


def latest_reports(count: int = 10) -> list[IntegrityReport]:
    return list(IntegrityReport.objects.order_by("-started_at")[:count])
