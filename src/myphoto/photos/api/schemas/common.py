"""What every operation shares: stored text, errors, lists of ids."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from django.utils.translation import gettext
from ninja import Schema
from pydantic import AfterValidator, BaseModel, Field, Strict

# A request may name this many photos (delete, restore, zip; a zip is also
# bounded by MYPHOTO_ZIP_MAX_PHOTOS).
MAX_IDS_PER_REQUEST = 100_000


def _storable(text: str) -> str:
    if "\x00" in text:
        # PostgreSQL text cannot hold it (and no name or title needs it).
        raise ValueError(gettext("must not contain NUL characters"))
    return text


# Text a client sends that is stored: every str field of a request body is one.
Text = Annotated[str, AfterValidator(_storable)]
# Numbers and yes-or-no in a request body are those JSON types, nothing taken for them:
# `"size": true` is no size, `"allow_upload": "no"` no answer.
Integer = Annotated[int, Strict()]
Flag = Annotated[bool, Strict()]


class Built(BaseModel):
    """An answer the API builds as a dict itself (`photo_out`), checked by pydantic alone.

    ninja's `Schema` reads every field through a getter made for model instances: over a
    page of 100 photos, 3,000 reads and a fifth of `GET /photos` (14.8 -> 11.6 ms p50 at
    a million photos). The photos' shapes, read in pages, are `Built`; the rest `Schema`.
    """


class ErrorOut(Schema):
    """Every error: a sentence for people and a code for programs."""

    detail: str
    code: str


def errors(*statuses: int) -> dict[int, type[ErrorOut]]:
    """The error answers an operation documents (all are `ErrorOut`); 401 goes with every one."""
    return dict.fromkeys(sorted({401, *statuses}), ErrorOut)


class IdsIn(Schema):
    ids: list[UUID] = Field(min_length=1, max_length=MAX_IDS_PER_REQUEST)
