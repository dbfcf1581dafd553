"""The SQL that keeps counts in the database (`PlaceCount`, `Usage`): triggers on the photos
table, so that every change of a photo's row moves them in the same statement.

PostgreSQL's are made by their migrations (0018, 0019) and stay. SQLite's are made here
after every migration of this app (`post_migrate`), as the search index's are
(`sqlite_search`): Django remakes a SQLite table to alter it (a copy under the same name),
and the copy has none of the old table's triggers. Adding a column to the photos table
(0019) would otherwise have silently stopped the counts.
"""

# ruff: noqa: S608 - SQL made of this module's own constants, never of input

from __future__ import annotations

from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper

from . import map_sql
from .sqlite_search import photos_migrated_on_sqlite
from .trigger_sql import run_by_vendor as run_by_vendor  # where migrations 0018, 0019 find it
from .trigger_sql import statement_triggers

# What one photos row adds to its owner's usage ({row} is OLD, NEW, or a transition
# table's alias): in storage unless from an adopted library; counted as a photo or video
# when also out of the trash and a whole item. A playback copy is its own object unless
# the original plays as it is (then its key is the original's).
STORED = "{row}.library_id IS NULL"
ITEM = f"{STORED} AND {{row}}.deleted_at IS NULL AND {{row}}.live_of_id IS NULL"
PHOTOS = f"CASE WHEN {ITEM} AND {{row}}.kind = 'photo' THEN 1 ELSE 0 END"
VIDEOS = f"CASE WHEN {ITEM} AND {{row}}.kind = 'video' THEN 1 ELSE 0 END"
BYTES = (
    f"CASE WHEN {STORED} THEN {{row}}.size + {{row}}.images_size + CASE WHEN"
    " {row}.playback_key <> {row}.storage_key THEN COALESCE({row}.playback_size, 0) ELSE 0 END"
    " ELSE 0 END"
)


def _shares(row: str, sign: str = "") -> str:
    return ", ".join(
        f"{sign}({part.format(row=row)}) AS {name}"
        for name, part in (("photos", PHOTOS), ("videos", VIDEOS), ("bytes", BYTES))
    )


ADD = (
    "INSERT INTO photos_usage (owner_id, photos, videos, bytes) {rows}"
    " ON CONFLICT (owner_id) DO UPDATE SET photos = photos_usage.photos + excluded.photos,"
    " videos = photos_usage.videos + excluded.videos, bytes = photos_usage.bytes + excluded.bytes"
)
USAGE_FILL = ADD.format(
    rows="SELECT owner_id, SUM(photos), SUM(videos), SUM(bytes) FROM"
    f" (SELECT owner_id, {_shares('photos_photo')} FROM photos_photo) AS shares GROUP BY owner_id"
)

# PostgreSQL (made by migration 0019): once per statement, over its transition tables:
# what the new rows add less what the old ones did, per owner (an update that changes
# none of it nets to nothing).
_PG_ROWS = {
    "INSERT": f"SELECT owner_id, {_shares('now')} FROM new_rows AS now",
    "DELETE": f"SELECT owner_id, {_shares('was', '-')} FROM old_rows AS was",
    "UPDATE": f"SELECT owner_id, {_shares('now')} FROM new_rows AS now"
    f" UNION ALL SELECT owner_id, {_shares('was', '-')} FROM old_rows AS was",
}


# Only for people still here: Django's test flush on SQLite deletes the people before
# their photos (a person's own deletion purges the photos first).
LIVING = "SELECT 1 FROM photos_user WHERE photos_user.id = {owner}"


def _pg_function(event: str) -> str:
    summed = (
        "SELECT owner_id, SUM(photos), SUM(videos), SUM(bytes)"
        f" FROM ({_PG_ROWS[event]}) AS shares"
        f" WHERE EXISTS ({LIVING.format(owner='shares.owner_id')}) GROUP BY owner_id"
        " HAVING SUM(photos) <> 0 OR SUM(videos) <> 0 OR SUM(bytes) <> 0"
    )
    return f"""
    CREATE FUNCTION photos_usage_{event.lower()}() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        {ADD.format(rows=summed)};
        RETURN NULL;
    END
    $$"""


USAGE_POSTGRESQL, USAGE_POSTGRESQL_UNDO = statement_triggers("usage", _pg_function)

# SQLite: per row (it changes a row in place), IS NOT for IS DISTINCT FROM; IF NOT EXISTS,
# as they are made again after every migration.

# A place's count (PlaceCount): a photo counts at its place when it is out of the trash,
# online, a whole item (not a Live Photo's motion) and placed ({row}: OLD or NEW, or a
# transition table's alias); it moves when one of PLACE_COLUMNS changes.
PLACED = (
    "{row}.place_id IS NOT NULL AND {row}.deleted_at IS NULL AND NOT {row}.offline"
    " AND {row}.live_of_id IS NULL"
)
PLACE_COLUMNS = ("owner_id", "place_id", "deleted_at", "offline", "live_of_id")
_PLACE_CHANGED = " OR ".join(f"OLD.{column} IS NOT NEW.{column}" for column in PLACE_COLUMNS)
_PLACE_DECREMENT = (
    "UPDATE photos_placecount SET count = count - 1"
    " WHERE owner_id = OLD.owner_id AND place_id = OLD.place_id;"
)
_PLACE_INCREMENT = (
    "INSERT INTO photos_placecount (owner_id, place_id, count)"
    " VALUES (NEW.owner_id, NEW.place_id, 1)"
    " ON CONFLICT (owner_id, place_id) DO UPDATE SET count = photos_placecount.count + 1;"
)
_PLACE_TRIGGERS = [
    "CREATE TRIGGER IF NOT EXISTS photos_place_count_insert AFTER INSERT ON photos_photo"
    f" WHEN {PLACED.format(row='NEW')} BEGIN {_PLACE_INCREMENT} END",
    "CREATE TRIGGER IF NOT EXISTS photos_place_count_delete AFTER DELETE ON photos_photo"
    f" WHEN {PLACED.format(row='OLD')} BEGIN {_PLACE_DECREMENT} END",
    "CREATE TRIGGER IF NOT EXISTS photos_place_count_update_old AFTER UPDATE ON photos_photo"
    f" WHEN ({_PLACE_CHANGED}) AND {PLACED.format(row='OLD')} BEGIN {_PLACE_DECREMENT} END",
    "CREATE TRIGGER IF NOT EXISTS photos_place_count_update_new AFTER UPDATE ON photos_photo"
    f" WHEN ({_PLACE_CHANGED}) AND {PLACED.format(row='NEW')} BEGIN {_PLACE_INCREMENT} END",
]

# A person's usage: an update moves it only when a column it reads changed. (The WHERE is
# also what SQLite's parser needs between a SELECT and its ON CONFLICT.)
_USAGE_READ = (
    "owner_id",
    "library_id",
    "deleted_at",
    "live_of_id",
    "kind",
    "size",
    "images_size",
    "playback_key",
    "playback_size",
    "storage_key",
)
_USAGE_CHANGED = " OR ".join(f"OLD.{column} IS NOT NEW.{column}" for column in _USAGE_READ)


def _sqlite_add_new() -> str:
    living = LIVING.format(owner="NEW.owner_id")
    return ADD.format(rows=f"SELECT NEW.owner_id, {_shares('NEW')} WHERE EXISTS ({living})")


# What an old row added is taken from the row it was added to (never a row made for it:
# Django's test flush on SQLite may have emptied the usage table before the photos).
_SQLITE_TAKE_OLD = (
    "UPDATE photos_usage SET "
    + ", ".join(
        f"{name} = {name} - ({part.format(row='OLD')})"
        for name, part in (("photos", PHOTOS), ("videos", VIDEOS), ("bytes", BYTES))
    )
    + " WHERE owner_id = OLD.owner_id"
)

_USAGE_TRIGGERS = [
    "CREATE TRIGGER IF NOT EXISTS photos_usage_insert AFTER INSERT ON photos_photo"
    f" BEGIN {_sqlite_add_new()}; END",
    "CREATE TRIGGER IF NOT EXISTS photos_usage_delete AFTER DELETE ON photos_photo"
    f" BEGIN {_SQLITE_TAKE_OLD}; END",
    "CREATE TRIGGER IF NOT EXISTS photos_usage_update AFTER UPDATE ON photos_photo"
    f" WHEN {_USAGE_CHANGED} BEGIN {_SQLITE_TAKE_OLD}; {_sqlite_add_new()}; END",
]
USAGE_SQLITE_UNDO = [
    f"DROP TRIGGER IF EXISTS photos_usage_{name}" for name in ("insert", "delete", "update")
]


# Each counts table with the triggers that keep it.
SQLITE_TRIGGERS = {
    "photos_placecount": _PLACE_TRIGGERS,
    "photos_usage": _USAGE_TRIGGERS,
    "photos_mapcell": map_sql.SQLITE_TRIGGERS,
}


def install(connection: BaseDatabaseWrapper) -> None:
    """Make the triggers of each counts table there is, if they are missing."""
    with connection.cursor() as cursor:
        for table, triggers in SQLITE_TRIGGERS.items():
            cursor.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = %s", [table]
            )
            if cursor.fetchone() is None:
                continue  # its migration has not run (or was undone)
            for trigger in triggers:
                cursor.execute(trigger)


def reinstall_after_migrate(
    sender: Any, *, using: str, plan: list[tuple[Any, bool]] | None = None, **kwargs: Any
) -> None:
    """After this app's migrations ran on SQLite: the counts' triggers back."""
    connection = photos_migrated_on_sqlite(using, plan)
    if connection is not None:
        install(connection)
