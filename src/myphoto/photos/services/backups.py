"""Backups of the database, the one thing storage cannot rebuild (who owns what, albums,
edits, shares), into storage under backups/ with a checksum beside each; and restoring
one into an empty database.

PostgreSQL is dumped by `pg_dump --format=custom` (a snapshot: uploads go on while it
runs) and restored by `pg_restore`; both must be installed where the command runs, at the
server's version or newer. SQLite is copied by its online backup API, consistent while
the server writes. Either is written to a temporary file first, for its size and checksum.
"""

from __future__ import annotations

import hashlib
import io
import logging
import sqlite3
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connections, transaction
from django.utils import timezone
from django.utils.translation import gettext

from .. import keys
from ..models import BackupRun
from ..storage import CHUNK_SIZE, ObjectMissing, get_storage

logger = logging.getLogger(__name__)

_NAME_PREFIX = "myphoto-"
_EXTENSIONS = {"postgresql": ".pgdump", "sqlite": ".sqlite3"}
_CHECKSUM = ".sha256"


class BackupFailed(Exception):
    """The backup could not be made or restored; the message says why."""


class RestoreRefused(BackupFailed):
    """The database to restore into is not empty, or the backup is not one to restore."""


@dataclass(frozen=True)
class Backup:
    name: str
    size: int
    written_at: datetime | None

    @property
    def key(self) -> str:
        return keys.BACKUPS + self.name


def _vendor() -> str:
    vendor = connections["default"].vendor
    if vendor not in _EXTENSIONS:
        raise BackupFailed(f"MyPhoto backs up PostgreSQL and SQLite, not {vendor}.")
    return vendor


def backup_name(now: datetime) -> str:
    stamp = now.astimezone(UTC).strftime("%Y%m%d-%H%M%S")
    return f"{_NAME_PREFIX}{stamp}{_EXTENSIONS[_vendor()]}"


def backup_make(*, now: datetime | None = None) -> Backup:
    """Back the database up into storage now; return the backup."""
    vendor = _vendor()
    name = backup_name(now or timezone.now())
    with tempfile.TemporaryDirectory(prefix="myphoto-backup-") as folder:
        path = Path(folder) / name
        if vendor == "postgresql":
            _pg_run(
                "pg_dump",
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                f"--file={path}",
                folder=Path(folder),
            )
        else:
            _sqlite_copy(Path(connections["default"].settings_dict["NAME"]), path)
        size, digest = _size_and_sha256(path)
        storage = get_storage()
        with path.open("rb") as dump:
            storage.put(keys.BACKUPS + name, dump, size=size, sha256=digest)
        line = f"{digest}  {name}\n".encode()
        storage.put(keys.BACKUPS + name + _CHECKSUM, io.BytesIO(line), size=len(line))
    logger.info("backed the database up: %s, %d bytes", name, size)
    return Backup(name, size, timezone.now())


def backups_list() -> list[Backup]:
    """The backups in storage, newest first."""
    found = [
        Backup(stored.key.removeprefix(keys.BACKUPS), stored.size, stored.modified)
        for stored in get_storage().list_objects(keys.BACKUPS + _NAME_PREFIX)
        if not stored.key.endswith(_CHECKSUM)
    ]
    # The names hold their UTC time: in name order is in time order.
    return sorted(found, key=lambda backup: backup.name, reverse=True)


def backups_prune(*, keep: int) -> list[str]:
    """Delete all but the newest `keep` backups (and their checksums); return their names."""
    old = [backup.name for backup in backups_list()[max(keep, 1) :]]
    get_storage().delete_many(
        [key for name in old for key in (keys.BACKUPS + name, keys.BACKUPS + name + _CHECKSUM)]
    )
    return old


def backup_daily_claim(now: datetime) -> BackupRun | None:
    """Today's run, claimed for this worker, if the day's backup is due and unclaimed."""
    if not settings.MYPHOTO_BACKUP_DAILY:
        return None
    local = timezone.localtime(now)
    if local.hour < settings.MYPHOTO_BACKUP_HOUR:
        return None
    if BackupRun.objects.filter(scheduled_for=local.date()).exists():
        return None
    try:
        with transaction.atomic():
            return BackupRun.objects.create(scheduled_for=local.date(), started_at=now)
    except IntegrityError:
        return None  # another worker claimed it a moment before


def backup_daily_if_due(now: datetime | None = None) -> BackupRun | None:
    """Make the day's backup and prune the old ones, if due; record how it went."""
    now = now or timezone.now()
    run = backup_daily_claim(now)
    if run is None:
        return None
    try:
        made = backup_make(now=now)
        backups_prune(keep=settings.MYPHOTO_BACKUP_KEEP)
    except Exception as err:
        logger.exception("the daily backup failed")
        run.error = str(err) or type(err).__name__
    else:
        run.name = made.name
    run.finished_at = timezone.now()
    run.save(update_fields=["error", "name", "finished_at"])
    return run


def backup_daily_latest(today: date) -> BackupRun | None:
    return BackupRun.objects.filter(scheduled_for__lte=today).order_by("-scheduled_for").first()


def backup_restore(name: str) -> None:
    """Restore the backup `name` into the configured database, which must be empty (a new
    one: restoring never overwrites). Checks its checksum first."""
    vendor = _vendor()
    if not name.endswith(_EXTENSIONS[vendor]) or "/" in name:
        raise RestoreRefused(
            gettext("%(name)s is not a backup of a %(vendor)s database (they end in %(ext)s).")
            % {"name": name, "vendor": vendor, "ext": _EXTENSIONS[vendor]}
        )
    _refuse_unless_empty(vendor)
    storage = get_storage()
    with tempfile.TemporaryDirectory(prefix="myphoto-restore-") as folder:
        path = Path(folder) / name
        try:
            with path.open("wb") as local:
                for chunk in storage.stream(keys.BACKUPS + name):
                    local.write(chunk)
            expected = storage.read_bytes(keys.BACKUPS + name + _CHECKSUM).decode().split()[0]
        except ObjectMissing:
            raise RestoreRefused(
                gettext("There is no backup named %(name)s (with its checksum) in storage.")
                % {"name": name}
            ) from None
        if _size_and_sha256(path)[1] != expected:
            raise RestoreRefused(
                gettext("%(name)s is damaged: its bytes do not match its checksum.")
                % {"name": name}
            )
        connections["default"].close()
        if vendor == "postgresql":
            _pg_run(
                "pg_restore",
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                str(path),
                folder=Path(folder),
            )
        else:
            _sqlite_copy(path, Path(connections["default"].settings_dict["NAME"]))
    logger.info("restored the database from %s", name)


def _refuse_unless_empty(vendor: str) -> None:
    with connections["default"].cursor() as cursor:
        if vendor == "postgresql":
            cursor.execute(
                "SELECT count(*) FROM information_schema.tables"
                " WHERE table_schema NOT IN ('pg_catalog', 'information_schema')"
            )
        else:
            cursor.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'")
        tables = cursor.fetchone()[0]
    if tables:
        raise RestoreRefused(
            gettext(
                "The database is not empty (it has %(tables)d tables): a backup is restored "
                "only into an empty one, never over one. Make a new database, point "
                "DATABASE_URL at it and run `myphoto backup restore` again."
            )
            % {"tables": tables}
        )


def _pg_run(program: str, *arguments: str, folder: Path) -> None:
    """Run pg_dump or pg_restore against the configured database. Its password goes in a
    password file of this run's own (never on a command line others could list)."""
    database = connections["default"].settings_dict
    password = str(database.get("PASSWORD") or "")
    passfile = folder / "pgpass"
    passfile.touch(mode=0o600)
    passfile.write_text(f"*:*:*:*:{_pgpass_escaped(password)}\n")
    parameters: dict[str, Any] = {
        "host": database.get("HOST"),
        "port": database.get("PORT"),
        "user": database.get("USER"),
        "dbname": database["NAME"],
        "passfile": passfile,
        **{
            name: value
            for name, value in database.get("OPTIONS", {}).items()
            if name in {"sslmode", "sslrootcert", "sslcert", "sslkey"}
        },
    }
    conninfo = " ".join(
        f"{name}={_conninfo_quoted(str(value))}" for name, value in parameters.items() if value
    )
    try:
        # The program and its arguments are ours.
        finished = subprocess.run(  # noqa: S603
            [program, *arguments, f"--dbname={conninfo}"],
            capture_output=True,
            text=True,
            check=False,
        )
    except FileNotFoundError:
        raise BackupFailed(
            f"{program} is not installed here: install PostgreSQL's client programs "
            f"(Debian: apt-get install postgresql-client), at the server's version or newer."
        ) from None
    if finished.returncode != 0:
        raise BackupFailed(f"{program} failed: {finished.stderr.strip()[-2000:]}")


def _conninfo_quoted(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace("'", "\\'")
    return f"'{escaped}'"


def _pgpass_escaped(value: str) -> str:
    return value.replace("\\", "\\\\").replace(":", "\\:")


def _sqlite_copy(source: Path, target: Path) -> None:
    """Copy a SQLite database page by page with its online backup API: a consistent copy
    while other connections write."""
    with _closing(sqlite3.connect(source)) as reading, _closing(sqlite3.connect(target)) as into:
        reading.backup(into)


@contextmanager
def _closing(connection: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    try:
        yield connection
    finally:
        connection.close()


def _size_and_sha256(path: Path) -> tuple[int, str]:
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as file:
        while chunk := file.read(CHUNK_SIZE):
            digest.update(chunk)
            size += len(chunk)
    return size, digest.hexdigest()
