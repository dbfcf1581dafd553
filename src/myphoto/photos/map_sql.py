"""The map's counts (`MapCell`): how many photos each cell of a grid holds, at every level
the map's zooms use, kept by triggers on the photos table as `counting_sql`'s are.

A level-L grid cuts the world into squares of 360 / 2**L degrees: cell x counts from
180° W eastwards, cell y from 90° S northwards. A map at zoom z shows level z + 2 (cells
of 64 screen pixels), so that a map of a million photos reads a few hundred rows, never
the photos. A photo is mapped when it has GPS and is a whole item (not a Live Photo's
motion nor a RAW beside its JPEG), out of the trash and online, as for the Places page.
"""

# ruff: noqa: S608 - SQL made of this module's own constants, never of input

from __future__ import annotations

from .trigger_sql import statement_triggers

LEVELS = range(2, 21)
# Every level as rows to join: (level, cells across the world).
_LEVELS = " UNION ALL ".join(f"SELECT {level} AS level, {2**level} AS cells" for level in LEVELS)

MAPPED = (
    "{row}.gps_lat IS NOT NULL AND {row}.gps_lon IS NOT NULL AND {row}.deleted_at IS NULL"
    " AND NOT {row}.offline AND {row}.live_of_id IS NULL"
)
MAP_COLUMNS = ("owner_id", "gps_lat", "gps_lon", "deleted_at", "offline", "live_of_id")


def _whole(value: str, least: str) -> str:
    # The floor, as an integer: PostgreSQL's cast rounds, SQLite's truncates (the values
    # here are never negative, so truncating is the floor; SQLite may have no FLOOR).
    return f"FLOOR({value})::integer" if least == "LEAST" else f"CAST({value} AS INTEGER)"


def cell_x(row: str, least: str) -> str:
    # Longitudes are -180..180 (the upload's check); 180° itself falls in the last cell.
    whole = _whole(f"({row}.gps_lon + 180.0) * levels.cells / 360.0", least)
    return f"{least}({whole}, levels.cells - 1)"


def cell_y(row: str, least: str) -> str:
    whole = _whole(f"({row}.gps_lat + 90.0) * levels.cells / 360.0", least)
    return f"{least}({whole}, levels.cells / 2 - 1)"


def _changes(row: str, sign: int, least: str, source: str = "") -> str:
    """The cells a row adds to (`sign` 1) or takes from (-1), at every level; `source`
    names the table the row is of, where it is not a trigger's OLD or NEW."""
    return (
        f"SELECT {row}.owner_id AS owner_id, levels.level AS level,"
        f" {cell_x(row, least)} AS x, {cell_y(row, least)} AS y, {sign} AS change,"
        f" {sign} * {row}.gps_lat AS lat, {sign} * {row}.gps_lon AS lon,"
        f" {row}.id AS photo FROM {source}({_LEVELS}) AS levels"
    )


_UPSERT = (
    "INSERT INTO photos_mapcell (owner_id, level, x, y, count, lat_sum, lon_sum, cover_id)"
    " {rows}"
    " ON CONFLICT (owner_id, level, x, y) DO UPDATE SET"
    " count = photos_mapcell.count + excluded.count,"
    " lat_sum = photos_mapcell.lat_sum + excluded.lat_sum,"
    " lon_sum = photos_mapcell.lon_sum + excluded.lon_sum,"
    " cover_id = COALESCE(photos_mapcell.cover_id, excluded.cover_id)"
)

# SQLite: per row, made again after every migration (`counting_sql.install`).
_SQLITE_CHANGED = " OR ".join(f"OLD.{column} IS NOT NEW.{column}" for column in MAP_COLUMNS)
_SQLITE_ADD = _UPSERT.format(
    rows="SELECT owner_id, level, x, y, change, lat, lon, photo"
    f" FROM ({_changes('NEW', 1, 'MIN')}) WHERE true"
)
_SQLITE_TAKE = (
    "UPDATE photos_mapcell SET count = count - 1, lat_sum = lat_sum - OLD.gps_lat,"
    " lon_sum = lon_sum - OLD.gps_lon"
    " WHERE owner_id = OLD.owner_id AND (level, x, y) IN"
    f" (SELECT level, x, y FROM ({_changes('OLD', -1, 'MIN')}))"
)
SQLITE_TRIGGERS = [
    "CREATE TRIGGER IF NOT EXISTS photos_map_cell_insert AFTER INSERT ON photos_photo"
    f" WHEN {MAPPED.format(row='NEW')} BEGIN {_SQLITE_ADD}; END",
    "CREATE TRIGGER IF NOT EXISTS photos_map_cell_delete AFTER DELETE ON photos_photo"
    f" WHEN {MAPPED.format(row='OLD')} BEGIN {_SQLITE_TAKE}; END",
    "CREATE TRIGGER IF NOT EXISTS photos_map_cell_update_old AFTER UPDATE ON photos_photo"
    f" WHEN ({_SQLITE_CHANGED}) AND {MAPPED.format(row='OLD')} BEGIN {_SQLITE_TAKE}; END",
    "CREATE TRIGGER IF NOT EXISTS photos_map_cell_update_new AFTER UPDATE ON photos_photo"
    f" WHEN ({_SQLITE_CHANGED}) AND {MAPPED.format(row='NEW')} BEGIN {_SQLITE_ADD}; END",
]
SQLITE_UNDO = [
    f"DROP TRIGGER IF EXISTS photos_map_cell_{name}"
    for name in ("insert", "delete", "update_old", "update_new")
]

# PostgreSQL: once per statement over its transition tables (a bulk update of a million
# rows would otherwise update a cell's row a million times), only the rows whose mapped
# columns changed.
_PG_CHANGED = " OR ".join(f"was.{column} IS DISTINCT FROM now.{column}" for column in MAP_COLUMNS)
_BOTH = "old_rows AS was JOIN new_rows AS now USING (id), "
_PG_DELTAS = {
    "INSERT": f"{_changes('now', 1, 'LEAST', 'new_rows AS now, ')}"
    f" WHERE {MAPPED.format(row='now')}",
    "DELETE": f"{_changes('was', -1, 'LEAST', 'old_rows AS was, ')}"
    f" WHERE {MAPPED.format(row='was')}",
    "UPDATE": f"""
        {_changes("was", -1, "LEAST", _BOTH)}
        WHERE ({_PG_CHANGED}) AND {MAPPED.format(row="was")}
        UNION ALL
        {_changes("now", 1, "LEAST", _BOTH)}
        WHERE ({_PG_CHANGED}) AND {MAPPED.format(row="now")}""",
}


def _pg_function(event: str) -> str:
    grouped = (
        "SELECT owner_id, level, x, y, SUM(change) AS change, SUM(lat) AS lat,"
        " SUM(lon) AS lon, MAX(photo::text)::uuid AS photo"
        f" FROM ({_PG_DELTAS[event]}) AS deltas GROUP BY owner_id, level, x, y"
        " HAVING SUM(change) <> 0 OR SUM(lat) <> 0 OR SUM(lon) <> 0"
    )
    rows = f"SELECT owner_id, level, x, y, change, lat, lon, photo FROM ({grouped}) AS cells"
    return f"""
    CREATE FUNCTION photos_map_cell_{event.lower()}() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        {_UPSERT.format(rows=rows)};
        RETURN NULL;
    END
    $$"""


POSTGRESQL, POSTGRESQL_UNDO = statement_triggers("map_cell", _pg_function)


def fill(vendor: str) -> str:
    """The cells of the photos there are (a migration's first fill)."""
    least = "LEAST" if vendor == "postgresql" else "MIN"
    photo = "MAX(photo::text)::uuid" if vendor == "postgresql" else "MAX(photo)"
    return _UPSERT.format(
        rows=f"SELECT owner_id, level, x, y, SUM(change), SUM(lat), SUM(lon), {photo}"
        f" FROM ({_changes('photos_photo', 1, least, 'photos_photo, ')}"
        f" WHERE {MAPPED.format(row='photos_photo')}) AS cells"
        " GROUP BY owner_id, level, x, y"
    )
