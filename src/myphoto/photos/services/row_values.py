"""Writing values of their own to many photos' rows in a few statements: PostgreSQL joins
them in as a VALUES list (one UPDATE ... FROM per thousand rows, where Django's
bulk_update makes each row look through a CASE of every row); elsewhere bulk_update."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast
from uuid import UUID

from django.db import connection
from django.db.models import Field

from ..models import Photo

BATCH = 1000


def photos_write(columns: Sequence[str], rows: Sequence[tuple[UUID, Any]]) -> None:
    """Write each row's values: `rows` are (photo id, value of each column in order)."""
    fields = [cast(Field[Any, Any], Photo._meta.get_field(name)) for name in columns]
    for start in range(0, len(rows), BATCH):
        batch = rows[start : start + BATCH]
        if connection.vendor != "postgresql":
            photos = []
            for pk, *values in batch:
                photo = Photo(pk=pk)
                for field, value in zip(fields, values, strict=True):
                    setattr(photo, field.attname, value)
                photos.append(photo)
            Photo.objects.bulk_update(photos, [field.name for field in fields])
            continue
        types = [field.db_type(connection) for field in fields]
        row = "(%s::uuid, " + ", ".join(f"%s::{kind}" for kind in types) + ")"
        params: list[Any] = []
        for pk, *values in batch:
            params.append(pk)
            params += [
                field.get_db_prep_value(value, connection)
                for field, value in zip(fields, values, strict=True)
            ]
        assignments = ", ".join(f'"{field.column}" = v."{field.column}"' for field in fields)
        names = ", ".join(f'"{field.column}"' for field in fields)
        with connection.cursor() as cursor:
            cursor.execute(
                f'UPDATE "{Photo._meta.db_table}" AS p SET {assignments} '  # noqa: S608  names are the model's own
                f"FROM (VALUES {', '.join([row] * len(batch))}) AS v(id, {names}) "
                "WHERE p.id = v.id",
                params,
            )
