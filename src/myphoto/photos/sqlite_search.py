"""SQLite's search index: an FTS5 table over the photos' terms, kept in step by triggers.

It is keyed by the photos table's rowid. Django remakes a SQLite table to alter it
(a copy, under the same name, with new rowids, without the old table's triggers), so
after every migration of this app the triggers are made again and the index rebuilt
from the rows (`post_migrate`); a rebuild reads every row once.
"""

from __future__ import annotations

from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper

# Tokens are the words `search.words` makes, separated by spaces: letters, digits and
# combining marks, emoji (symbols and the zero-width joiner), and `-` in `2023-10`.
# Case and accents are folded before the terms are written, so the tokenizer leaves them.
_TABLE = """
CREATE VIRTUAL TABLE IF NOT EXISTS photos_search USING fts5(
    search_text, place_text, content='photos_photo', content_rowid='rowid',
    tokenize="unicode61 remove_diacritics 0 tokenchars '-' categories 'L* N* Co Mc Me S* Cf'"
)
"""
_OLD = (
    "INSERT INTO photos_search(photos_search, rowid, search_text, place_text)"
    " VALUES ('delete', old.rowid, old.search_text, old.place_text);"
)
_NEW = (
    "INSERT INTO photos_search(rowid, search_text, place_text)"
    " VALUES (new.rowid, new.search_text, new.place_text);"
)
_TRIGGERS = (
    "CREATE TRIGGER IF NOT EXISTS photos_search_insert AFTER INSERT ON photos_photo"
    f" BEGIN {_NEW} END",
    "CREATE TRIGGER IF NOT EXISTS photos_search_delete AFTER DELETE ON photos_photo"
    f" BEGIN {_OLD} END",
    "CREATE TRIGGER IF NOT EXISTS photos_search_update AFTER UPDATE OF search_text, place_text"
    f" ON photos_photo BEGIN {_OLD} {_NEW} END",
)


def install(connection: BaseDatabaseWrapper, *, rebuild: bool = True) -> None:
    """Make the table and its triggers if they are missing; rebuild it from the rows
    unless told not to."""
    with connection.cursor() as cursor:
        cursor.execute(_TABLE)
        for trigger in _TRIGGERS:
            cursor.execute(trigger)
        if rebuild:
            cursor.execute("INSERT INTO photos_search(photos_search) VALUES ('rebuild')")


def photos_migrated_on_sqlite(
    using: str, plan: list[tuple[Any, bool]] | None
) -> BaseDatabaseWrapper | None:
    """The SQLite database that a `post_migrate` with this plan ran this app's migrations
    on (Django remade its tables without their triggers), or None."""
    from django.db import connections

    connection = connections[using]
    if connection.vendor != "sqlite" or not plan:
        return None
    if not any(migration.app_label == "photos" for migration, _backwards in plan):
        return None
    return connection


def reinstall_after_migrate(
    sender: Any, *, using: str, plan: list[tuple[Any, bool]] | None = None, **kwargs: Any
) -> None:
    """After this app's migrations ran on SQLite: triggers back, the index rebuilt."""
    connection = photos_migrated_on_sqlite(using, plan)
    if connection is None:
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM sqlite_master WHERE name = 'photos_search'")
        made = cursor.fetchone() is not None
    if made:  # else the migration that makes it has not run (migrating backwards)
        install(connection)
