from pathlib import Path
from typing import Any

from django.core.files import File
from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from myphoto.common.folders import walk
from myphoto.photos.models import User
from myphoto.photos.services.upload import UploadRejected, photo_upload
from myphoto.photos.storage import StorageUnavailable


class Command(BaseCommand):
    help = (
        "Add every photo under DIR to a user's library, through the same checks and "
        "de-duplication as an upload; thumbnails are made by the worker."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("dir", type=Path)
        parser.add_argument("--user", required=True, help="whose library")

    def handle(self, *args: Any, dir: Path, user: str, **options: Any) -> None:
        owner = User.objects.filter(username__iexact=user).first()
        if owner is None:
            raise CommandError(f"No user named {user!r}; create one with `myphoto createuser`.")
        if not dir.is_dir():
            raise CommandError(f"{dir} is not a folder.")
        paths = list(walk([dir]))
        added = already = 0
        refused: list[str] = []
        console = Console(stderr=True, highlight=False)
        columns = (
            TextColumn("Importing"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
        )
        with Progress(*columns, console=console, disable=not paths) as progress:
            bar = progress.add_task("import", total=len(paths))
            for path in paths:
                try:
                    with path.open("rb") as source:
                        result = photo_upload(owner=owner, file=File(source, name=path.name))
                except UploadRejected as err:
                    refused.append(f"{path}: {err.reason}")
                except StorageUnavailable as err:
                    # Every file after this one would fail the same way.
                    raise CommandError(
                        f"Photo storage is unavailable ({err}); imported {added} photos "
                        "so far. Run the same command again once it is back."
                    ) from err
                except OSError as err:
                    # Unreadable, vanished meanwhile, a dangling link: this file, not the rest.
                    refused.append(f"{path}: {err.strerror or err}")
                else:
                    added += not result.duplicate
                    already += result.duplicate
                progress.advance(bar)
        self.stdout.write(
            f"Imported {added} photos for {owner}; {already} were already there; "
            f"{len(refused)} files were not imported."
        )
        for line in refused:
            self.stdout.write(f"  {line}")
