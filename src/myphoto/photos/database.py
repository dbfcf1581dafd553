"""Whether the database is there for this release: reachable, and holding its tables."""

from __future__ import annotations

from functools import lru_cache

from django.db import DatabaseError, InterfaceError, OperationalError, connection


@lru_cache(maxsize=1)
def _newest_migrations() -> tuple[tuple[str, str], ...]:
    """Each app's newest migration, as this release ships them (read from disk once)."""
    from django.db.migrations.loader import MigrationLoader

    loader = MigrationLoader(None, ignore_no_migrations=True)
    return tuple(sorted(loader.graph.leaf_nodes()))


def migrations_missing() -> list[str]:
    """The newest migrations this database has not had (all of them where it has no tables
    at all: a new or wrongly restored database). Raises DatabaseError when it cannot be
    reached."""
    newest = _newest_migrations()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT app, name FROM django_migrations")
            applied = set(cursor.fetchall())
    except (OperationalError, InterfaceError):
        raise
    except DatabaseError:
        applied = set()  # no table of migrations: nothing was ever applied here
    return [f"{app}.{name}" for app, name in newest if (app, name) not in applied]


def is_outage(error: BaseException) -> bool:
    """Whether a failure is the database's being away or not ready, rather than a bug: the
    connection failed, or a table is missing from a database that lacks its migrations."""
    if isinstance(error, OperationalError | InterfaceError):
        return True
    if not isinstance(error, DatabaseError):
        return False
    try:
        return bool(migrations_missing())
    except DatabaseError:
        return True
