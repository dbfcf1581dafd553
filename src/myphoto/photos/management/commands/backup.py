import time
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.template.defaultfilters import filesizeformat

from myphoto.photos.services.backups import (
    BackupFailed,
    backup_make,
    backup_restore,
    backups_list,
    backups_prune,
)


class Command(BaseCommand):
    help = (
        "Back the database up into storage (backups/, with a checksum beside it): "
        "PostgreSQL with pg_dump --format=custom, SQLite with its online backup API, "
        "consistent while the server runs. `backup list` lists them; `backup restore NAME` "
        "restores one into the empty database DATABASE_URL names (a new one: a restore never "
        "overwrites), then migrates it. The job worker makes one daily at MYPHOTO_BACKUP_HOUR "
        "and keeps the newest MYPHOTO_BACKUP_KEEP."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "action", nargs="?", default="make", choices=["make", "list", "restore"]
        )
        parser.add_argument("name", nargs="?", help="restore: the backup, as `list` names it")
        parser.add_argument(
            "--keep", type=int, help="make: then delete all but the newest KEEP backups"
        )

    def handle(
        self, *args: Any, action: str, name: str | None, keep: int | None, **options: Any
    ) -> None:
        try:
            if action == "list":
                self._list()
            elif action == "restore":
                self._restore(name)
            else:
                self._make(keep)
        except BackupFailed as err:
            raise CommandError(str(err)) from err

    def _list(self) -> None:
        for backup in backups_list():
            when = backup.written_at.isoformat(timespec="seconds") if backup.written_at else ""
            self.stdout.write(f"{backup.name}\t{filesizeformat(backup.size)}\t{when}")

    def _restore(self, name: str | None) -> None:
        if not name:
            raise CommandError("Name the backup to restore: myphoto backup list shows them.")
        backup_restore(name)
        # A backup made by an older MyPhoto has its tables as they were then.
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write(
            self.style.SUCCESS(f"Restored {name}. Check it with: myphoto fsck --verify")
        )

    def _make(self, keep: int | None) -> None:
        if keep is not None and keep < 1:
            raise CommandError("--keep must be 1 or more: the backup just made is kept.")
        started = time.monotonic()
        made = backup_make()
        self.stdout.write(
            self.style.SUCCESS(
                f"Backed up into backups/{made.name}: {filesizeformat(made.size)} "
                f"in {time.monotonic() - started:.1f} s."
            )
        )
        for old in backups_prune(keep=keep) if keep is not None else []:
            self.stdout.write(f"Deleted the older backup {old}.")
