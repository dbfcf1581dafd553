"""Uploads that send the bytes straight to storage, then are checked like any upload."""

from __future__ import annotations

from typing import Any

from ninja import Router, Status

from ..requests import ApiRequest
from ..services import direct_upload
from .schemas import (
    DirectUploadDoneIn,
    DirectUploadIn,
    DirectUploadOut,
    UploadOut,
    errors,
    photo_out,
)

router = Router(tags=["uploads"])


@router.post(
    "/uploads", response={201: DirectUploadOut, **errors(400, 409, 413)}, url_name="uploads-start"
)
def direct_upload_start(request: ApiRequest, body: DirectUploadIn) -> Status[Any]:
    """Ask for a presigned POST to send one big file straight to S3 (409 off S3)."""
    started = direct_upload.direct_upload_start(
        owner=request.auth, filename=body.filename, size=body.size
    )
    return Status(201, started)


@router.post(
    "/uploads/complete",
    response={201: UploadOut, **errors(400, 404, 413, 415, 503)},
    url_name="uploads-complete",
)
def direct_upload_complete(request: ApiRequest, body: DirectUploadDoneIn) -> Status[Any]:
    """The file is in S3: check it like any upload and add it to the library."""
    result = direct_upload.direct_upload_complete(
        owner=request.auth, key=body.key, filename=body.filename
    )
    return Status(201, {"items": [photo_out(result.photo, duplicate=result.duplicate)]})
