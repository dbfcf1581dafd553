"""`myphoto import-google TAKEOUT...` and `myphoto import-icloud FOLDER...`."""

from __future__ import annotations

import argparse
from collections import Counter
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from rich.console import Console
from rich.table import Table

from ..http import Server
from ..speech import album_added, failed, gettext, stopped
from .archives import Part, parts_of
from .icloud import plan_icloud
from .journal import Journal
from .plan import Plan
from .send import Importer, ImportReport
from .takeout import plan_google

SERVICES: dict[str, Callable[..., Plan]] = {
    "import-google": plan_google,
    "import-icloud": plan_icloud,
}
LISTED = 20


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    texts = {
        "import-google": (
            gettext("bring a Google Photos library over from its Takeout"),
            gettext("Google Takeout .zip/.tgz parts or their unpacked folders"),
        ),
        "import-icloud": (
            gettext("bring an iCloud Photos library over from its export"),
            gettext("iCloud Photos export parts (zips or folders)"),
        ),
    }
    for name, (text, what) in texts.items():
        command = sub.add_parser(name, help=text)
        command.add_argument("parts", nargs="+", type=Path, metavar="PART", help=what)
        command.add_argument(
            "--dry-run", action="store_true", help=gettext("say what would be done, send nothing")
        )
        command.add_argument(
            "--include-trashed",
            action="store_true",
            help=gettext("bring the trash too (into the trash)"),
        )
        command.add_argument(
            "--album-prefix", default="", help=gettext("put this before album titles")
        )
        command.add_argument(
            "--report", type=Path, help=gettext("where to write the report of problems")
        )
        command.add_argument(
            "-j", "--jobs", type=int, default=4, help=gettext("files at once (default 4)")
        )


def run(args: argparse.Namespace, server: Callable[[int], Server], out: Console) -> int:
    """Plan the import from the parts' listings and sidecars, then (unless a dry run)
    carry it out on the server the client is logged in to."""
    planner = SERVICES[args.command]
    parts = parts_of(args.parts)
    with out.status(gettext("Reading the export's listing and sidecars…")):
        plan = planner(parts, include_trashed=args.include_trashed, album_prefix=args.album_prefix)
    if args.dry_run:
        _dry_run(plan, out)
        return 0
    with server(args.jobs * 2) as connection:
        connection.check()
        username = str(connection.json("GET", "/me")["username"])
        importer = Importer(connection, Journal.of(connection.url, username), jobs=args.jobs)
        report = importer.run(plan, parts)
    path = _write_report(args, plan, report)
    return _summary(plan, report, path, out)


def _dry_run(plan: Plan, out: Console) -> None:
    table = Table(show_header=False, box=None)
    table.add_row(
        gettext("photos and videos to bring"), f"{len(plan.items)} ({plan.size / 1e9:.2f} GB)"
    )
    table.add_row(gettext("copies in several folders, sent once"), str(_folded(plan)))
    table.add_row(gettext("sidecars matched"), str(plan.sidecars_matched))
    table.add_row(gettext("files without a sidecar"), str(len(plan.without_sidecar)))
    table.add_row(gettext("sidecars without a file"), str(len(plan.sidecars_alone)))
    for reason, count in Counter(p.reason for p in plan.left_out).items():
        table.add_row(gettext("left out: %(reason)s") % {"reason": reason}, str(count))
    table.add_row(gettext("problems"), str(len(plan.problems)))
    out.print(table)
    if plan.albums:
        albums = Table(gettext("album"), gettext("photos"), title=gettext("Albums"))
        counts = plan.album_counts()
        for key, album in sorted(plan.albums.items(), key=lambda pair: pair[1].title):
            albums.add_row(album.title, str(counts[key]))
        out.print(albums)
    _listed(out, gettext("Files without a sidecar"), plan.without_sidecar)
    _listed(out, gettext("Sidecars without a file"), plan.sidecars_alone)
    _listed(out, gettext("Problems"), [f"{p.where}: {p.reason}" for p in plan.problems])


def _listed(out: Console, title: str, lines: list[str]) -> None:
    if not lines:
        return
    out.print(f"{title}:", highlight=False)
    for line in lines[:LISTED]:
        out.print(f"  {line}", soft_wrap=True, highlight=False, markup=False)
    if len(lines) > LISTED:
        more = gettext("… and %(count)d more") % {"count": len(lines) - LISTED}
        out.print(f"  {more}", highlight=False)


def _folded(plan: Plan) -> int:
    return sum(item.copies - 1 for item in plan.items)


def _write_report(args: argparse.Namespace, plan: Plan, report: ImportReport) -> Path | None:
    """Every file that could not be matched, read or brought, with the reason."""
    lines = [f"{where}\t{reason}" for where, reason in report.failed]
    lines += [f"{p.where}\t{p.reason}" for p in plan.problems]
    no_sidecar = gettext("no sidecar: its own dates and place")
    lines += [f"{where}\t{no_sidecar}" for where in plan.without_sidecar]
    alone = gettext("a sidecar without a file")
    lines += [f"{where}\t{alone}" for where in plan.sidecars_alone]
    lines += [
        f"{p.where}\t" + gettext("left out: %(reason)s") % {"reason": p.reason}
        for p in plan.left_out
    ]
    if not lines:
        return None
    stamp = datetime.now().astimezone().strftime("%Y%m%d-%H%M%S")
    path = args.report or Path(f"myphoto-{args.command}-{stamp}.tsv")
    path.write_text("where\treason\n" + "\n".join(lines) + "\n", encoding="utf-8")
    return path


def _summary(plan: Plan, report: ImportReport, path: Path | None, out: Console) -> int:
    table = Table(show_header=False, box=None)
    table.add_row(gettext("brought over"), str(len(report.done)))
    table.add_row(gettext("already there"), str(len(report.already)))
    table.add_row(gettext("given the service's facts"), str(report.updated))
    table.add_row(gettext("failed"), str(len(report.failed)))
    table.add_row(gettext("left out"), str(len(plan.left_out)))
    table.add_row(gettext("sent"), f"{report.bytes_sent / 1_000_000:.1f} MB")
    out.print(table)
    for title, added in sorted(report.albums.items()):
        out.print(album_added(title, added), highlight=False, markup=False)
    for where, reason in report.failed[:LISTED]:
        out.print(f"  {failed(where, reason)}", soft_wrap=True, highlight=False, markup=False)
    if path is not None:
        out.print(
            gettext("Every file not brought or not matched, with why: %(path)s") % {"path": path},
            highlight=False,
        )
    if report.interrupted:
        out.print(stopped())
        return 130
    return 1 if report.failed or plan.problems else 0


__all__ = ["Part", "add_parsers", "run"]
