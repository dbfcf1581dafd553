"""What the counts' triggers share (`counting_sql`, `map_sql`): PostgreSQL's triggers once per
statement over its transition tables, and a migration's statements by database."""

# ruff: noqa: S608 - SQL made of this module's own constants, never of input

from __future__ import annotations

from collections.abc import Callable
from typing import Any

# The transition tables each event has: the rows a statement made, removed, or changed.
PG_TABLES = {
    "INSERT": "NEW TABLE AS new_rows",
    "DELETE": "OLD TABLE AS old_rows",
    "UPDATE": "OLD TABLE AS old_rows NEW TABLE AS new_rows",
}


def statement_triggers(
    name: str, create_function: Callable[[str], str]
) -> tuple[list[str], list[str]]:
    """PostgreSQL's triggers `photos_<name>_<event>` on the photos table, one per event, each
    running once per statement the function `create_function(event)` makes; and their undoing."""
    made = [
        statement
        for event, tables in PG_TABLES.items()
        for statement in (
            create_function(event),
            f"CREATE TRIGGER photos_{name}_{event.lower()} AFTER {event} ON photos_photo"
            f" REFERENCING {tables} FOR EACH STATEMENT"
            f" EXECUTE FUNCTION photos_{name}_{event.lower()}()",
        )
    ]
    undone = [
        statement
        for event in PG_TABLES
        for statement in (
            f"DROP TRIGGER photos_{name}_{event.lower()} ON photos_photo",
            f"DROP FUNCTION photos_{name}_{event.lower()}()",
        )
    ]
    return made, undone


def run_by_vendor(statements: dict[str, list[str]]) -> Any:
    """A migration's RunPython function: the statements of the database it runs on."""

    def run(apps: Any, schema_editor: Any) -> None:
        for statement in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run
