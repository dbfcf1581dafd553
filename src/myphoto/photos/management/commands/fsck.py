import json
import sys
from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

from myphoto.photos import integrity


class _Bar:
    """A progress bar per stage of the check, on stderr (stdout may be the JSON).

    Steps are handed to rich a thousand at a time: a million rows pass through here.
    """

    BATCH = 1000

    def __init__(self, progress: Progress) -> None:
        self._progress = progress
        self._task: TaskID | None = None
        self._pending = 0

    def phase(self, description: str, total: int | None) -> None:
        self.flush()
        if self._task is not None:
            done = self._progress.tasks[-1].completed
            self._progress.update(self._task, total=done, completed=done)
        self._task = self._progress.add_task(description, total=total)

    def advance(self, amount: int = 1) -> None:
        self._pending += amount
        if self._pending >= self.BATCH:
            self.flush()

    def flush(self) -> None:
        if self._task is not None and self._pending:
            self._progress.advance(self._task, self._pending)
        self._pending = 0


class Command(BaseCommand):
    # Not the system checks: they load every URL and API schema, seconds of a short run.
    requires_system_checks: list[str] = []
    help = (
        "Compare the database with storage: originals missing, objects no photo owns, "
        "thumbnails missing, counts that disagree, uploads never completed; with --verify "
        "the SHA-256 of every original. Exit status 0 clean, 1 problems found, 2 could not run."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--verify",
            action="store_true",
            help="read every original back and compare its SHA-256 (bit rot)",
        )
        parser.add_argument(
            "--repair",
            action="store_true",
            help="delete objects no photo owns (older than --grace), make missing thumbnails "
            "again, count again; never deletes an original or a photo",
        )
        parser.add_argument(
            "--json", action="store_true", dest="as_json", help="print the report as JSON"
        )
        parser.add_argument(
            "--grace",
            type=float,
            default=24.0,
            metavar="HOURS",
            help="objects written more recently may be uploads on their way: left alone (24)",
        )
        parser.add_argument(
            "--budget",
            type=float,
            metavar="MINUTES",
            help="stop verifying after this long; the next --verify goes on from there",
        )

    def handle(
        self,
        *args: Any,
        verify: bool,
        repair: bool,
        as_json: bool,
        grace: float,
        budget: float | None,
        **options: Any,
    ) -> None:
        err = Console(stderr=True)
        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=err,
            disable=as_json or not err.is_terminal,
        ) as progress:
            bar = _Bar(progress)
            record = integrity.check(
                verify=verify,
                repair=repair,
                grace=timedelta(hours=max(grace, 0)),
                budget=None if budget is None else timedelta(minutes=budget),
                progress=bar,
            )
            bar.flush()
        if as_json:
            self.stdout.write(json.dumps(record.report, indent=2))
        else:
            self.stdout.write(summary(record.report))
        sys.exit(record.exit_code or 0)


def summary(report: dict[str, Any]) -> str:
    """The report for people: what was checked, each problem with examples and advice."""
    checked = ", ".join(f"{number:,} {what}" for what, number in report["checked"].items())
    lines = [f"Checked {checked or 'nothing'}."]
    verify = report.get("verify")
    if verify:
        mib = verify["bytes"] / 2**20
        rate = mib / verify["seconds"] if verify["seconds"] else 0.0
        lines.append(
            f"Verified {verify['verified']:,} originals ({mib:,.0f} MiB, {rate:,.0f} MiB/s)"
            + (
                "."
                if verify["pass_finished"]
                else f"; {verify['left_in_pass']:,} left for the next run."
            )
        )
    if report["recent_untracked"]:
        lines.append(
            f"{report['recent_untracked']:,} objects without a photo are younger than the grace "
            "period (uploads on their way): left alone."
        )
    lost = report["lost_and_found"]
    if lost["kept"] or lost["deleted"]:
        lines.append(
            f"lost-and-found/ keeps {lost['kept']:,} objects that earlier repairs moved there "
            f"(for MYPHOTO_LOST_FOUND_DAYS); {lost['deleted']:,} kept long enough were deleted."
        )
    for found in report["found"].values():
        repaired = f" ({found['repaired']:,} repaired)" if found["repaired"] else ""
        lines.append(f"\n{found['title']}: {found['count']:,}{repaired}")
        for example in found["examples"][:20]:
            who = f"{example['name']} of {example['owner']}: " if example.get("name") else ""
            lines.append(f"  {who}{example['subject']}  {example.get('detail', '')}".rstrip())
        if found["count"] > 20:
            lines.append(
                f"  … and {found['count'] - 20:,} more (--json lists {len(found['examples'])})"
            )
        lines.append(f"  {found['advice']}")
    if report["error"]:
        lines.append(f"\nfsck could not finish: {report['error']}")
    elif not report["problems"]:
        lines.append("No problems found.")
    return "\n".join(lines)
