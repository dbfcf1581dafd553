"""Uploads that go straight to storage: one file by presigned POST, or in parts."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

from ninja import Schema
from pydantic import Field

from .common import Integer, Text
from .photos import PhotoOut


class DirectUploadIn(Schema):
    filename: Text = Field(max_length=255)
    size: Integer = Field(gt=0)


class DirectUploadOut(Schema):
    key: str
    url: str
    fields: dict[str, str]
    expires_at: datetime


class DirectUploadDoneIn(Schema):
    key: Text
    filename: Text = Field(max_length=255)


Sha256 = Annotated[str, Field(pattern=r"^([0-9a-fA-F]{64})?$")]


class MultipartStartIn(Schema):
    filename: Text = Field(min_length=1, max_length=255)
    size: Integer = Field(gt=0)
    sha256: Sha256 = ""


class MultipartStartOut(Schema):
    id: UUID
    part_size: int
    part_count: int
    expires_at: datetime


class MultipartDuplicateOut(Schema):
    duplicate: bool
    photo: PhotoOut


class MultipartPartsIn(Schema):
    numbers: list[Integer] = Field(min_length=1, max_length=1000)


class PartTargetOut(Schema):
    number: int
    url: str
    method: str
    headers: dict[str, str]


class MultipartPartsOut(Schema):
    parts: list[PartTargetOut]


class MultipartOut(Schema):
    id: UUID
    filename: str
    size: int
    part_size: int
    part_count: int
    received: list[int]
    expires_at: datetime


class MultipartCompleteIn(Schema):
    sha256: Sha256 = ""
