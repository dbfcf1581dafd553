import sys
from getpass import getpass
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.http import Http404
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from myphoto.photos.models import User
from myphoto.photos.selectors import library_get_by_name, library_view
from myphoto.photos.services.libraries import LibraryInvalid, library_add, library_remove
from myphoto.photos.services.scan import ScanCounts, library_scan
from myphoto.photos.storage.sources import S3Access, SourceNotAllowed, SourceUnreachable


class Command(BaseCommand):
    help = (
        "Adopt a folder (under MYPHOTO_LIBRARY_ROOTS) or an S3 prefix in place: its files are "
        "indexed where they are, never copied, moved or written. "
        "add NAME SOURCE --owner USER | scan NAME [--full] | list | remove NAME."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        add = actions.add_parser("add", help="adopt a source and scan it")
        add.add_argument("name")
        add.add_argument("source", help="s3://bucket/prefix/ or a folder's absolute path")
        add.add_argument("--owner", required=True, help="whose library its photos join")
        add.add_argument("--albums-from-folders", action="store_true")
        add.add_argument("--scan-interval", type=int, default=60, help="minutes between scans")
        add.add_argument("--endpoint-url", default="", help="the S3 endpoint (not AWS)")
        add.add_argument("--region", default="us-east-1")
        add.add_argument(
            "--access-key-id",
            default="",
            help="S3 key id; its secret is asked for, or read from standard input when it is "
            "not a terminal (never an argument: it would stay in the shell's history)",
        )
        scan = actions.add_parser("scan", help="scan a library now")
        scan.add_argument("name")
        scan.add_argument("--full", action="store_true", help="read every file again")
        actions.add_parser("list", help="the libraries and their last scans")
        remove = actions.add_parser("remove", help="forget a library (its files stay)")
        remove.add_argument("name")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        try:
            getattr(self, f"_{action}")(**options)
        except Http404 as err:
            raise CommandError(str(err)) from err
        except (LibraryInvalid, SourceNotAllowed, SourceUnreachable) as err:
            raise CommandError(str(err)) from err

    def _add(self, *, name: str, source: str, owner: str, **options: Any) -> None:
        person = User.objects.filter(username=owner).first()
        if person is None:
            raise CommandError(f"No user is named {owner!r}.")
        access = None
        if source.startswith("s3://"):
            secret = ""
            if options["access_key_id"]:
                secret = (
                    getpass("Secret access key: ")
                    if sys.stdin.isatty()
                    else sys.stdin.readline().strip()
                )
            access = S3Access(
                options["endpoint_url"] or None,
                options["region"],
                options["access_key_id"] or None,
                secret or None,
            )
        library = library_add(
            name=name,
            source=source,
            owner=person,
            s3=access,
            scan_interval_minutes=options["scan_interval"],
            albums_from_folders=options["albums_from_folders"],
            queue_scan=False,
        )
        self.stdout.write(f"Adopted {library.source} as {library.name!r} for {owner}.")
        self._run_scan(library.pk, full=False)

    def _scan(self, *, name: str, full: bool, **options: Any) -> None:
        self._run_scan(library_get_by_name(name=name).pk, full=full)

    def _run_scan(self, library_id: int, *, full: bool) -> None:
        columns = (SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn())
        with Progress(*columns, transient=True) as progress:
            bar = progress.add_task("Listing")

            def show(counts: ScanCounts) -> None:
                progress.update(bar, description=_said(counts))

            counts = library_scan(library_id=library_id, full=full, progress=show)
        if counts is None:
            self.stdout.write("A scan of this library is running already; it goes on alone.")
            return
        view = library_view(library_get_by_name(name=_name_of(library_id)))
        self.stdout.write(_said(counts))
        for failed in view.failed:
            self.stdout.write(f"  refused {failed['path']}: {failed['reason']}")
        if view.library.error:
            raise CommandError(view.library.error)

    def _list(self, **options: Any) -> None:
        from myphoto.photos.models import Library

        libraries = list(Library.objects.select_related("owner").order_by("name"))
        if not libraries:
            self.stdout.write("No libraries yet: myphoto library add NAME SOURCE --owner USER")
        for library in libraries:
            view = library_view(library, listed=0)
            scan = library.last_scan or {}
            self.stdout.write(
                f"{library.name}\t{library.source}\t{library.owner.username}\t"
                f"{view.photo_count} photos, {view.offline_count} offline\t{library.status}"
                + (f": {library.error}" if library.error else "")
                + (f"\tlast scan {scan['finished_at']}" if scan.get("finished_at") else "")
            )

    def _remove(self, *, name: str, **options: Any) -> None:
        library = library_get_by_name(name=name)
        forgotten = library_remove(library=library)
        self.stdout.write(
            f"Forgot {name!r}: {forgotten} photos and their thumbnails; its files stay in "
            f"{library.source}."
        )


def _name_of(library_id: int) -> str:
    from myphoto.photos.models import Library

    return Library.objects.values_list("name", flat=True).get(pk=library_id)


def _said(counts: ScanCounts) -> str:
    return (
        f"Listed {counts.listed}: {counts.added} added, {counts.changed} changed, "
        f"{counts.removed} gone, {counts.returned} back, {counts.failed} refused"
    )
