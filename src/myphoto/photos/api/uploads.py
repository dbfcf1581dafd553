"""Uploads that send the bytes straight to storage, then are checked like any upload:
one file by presigned POST, or any size in parts (resumable multipart uploads)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from ninja import Router, Status

from .. import selectors
from ..requests import ApiRequest
from ..services import direct_upload, multipart
from ..services.upload import UploadResult
from .schemas.common import errors
from .schemas.photos import UploadOut, photo_out
from .schemas.uploads import (
    DirectUploadDoneIn,
    DirectUploadIn,
    DirectUploadOut,
    MultipartCompleteIn,
    MultipartDuplicateOut,
    MultipartOut,
    MultipartPartsIn,
    MultipartPartsOut,
    MultipartStartIn,
    MultipartStartOut,
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


@router.post(
    "/uploads/multipart",
    response={200: MultipartDuplicateOut, 201: MultipartStartOut, **errors(400, 413, 429, 503)},
    url_name="uploads-multipart-start",
)
def multipart_start(request: ApiRequest, body: MultipartStartIn) -> Status[Any]:
    """Begin a resumable upload in parts; with the file's `sha256`, a photo I have
    already answers at once (200, `"duplicate": true`)."""
    started = multipart.multipart_start(
        owner=request.auth, filename=body.filename, size=body.size, sha256=body.sha256
    )
    if isinstance(started, UploadResult):
        return Status(200, {"duplicate": True, "photo": photo_out(started.photo, duplicate=True)})
    return Status(201, started)


@router.get(
    "/uploads/multipart/{anyuuid:upload_id}",
    response={200: MultipartOut, **errors(404, 503)},
    url_name="uploads-multipart",
)
def multipart_status(request: ApiRequest, upload_id: UUID) -> dict[str, Any]:
    """What has arrived: send the other parts to resume."""
    upload = selectors.multipart_upload_get_for_user(user=request.auth, upload_id=upload_id)
    return {
        "id": upload.pk,
        "filename": upload.filename,
        "size": upload.size,
        "part_size": upload.part_size,
        "part_count": upload.part_count,
        "received": multipart.multipart_received(upload=upload),
        "expires_at": upload.expires_at,
    }


@router.delete(
    "/uploads/multipart/{anyuuid:upload_id}",
    response={204: None, **errors(404, 503)},
    url_name="uploads-multipart-abort",
)
def multipart_abort(request: ApiRequest, upload_id: UUID) -> Status[None]:
    """Give up the upload; its parts are removed."""
    upload = selectors.multipart_upload_get_for_user(user=request.auth, upload_id=upload_id)
    multipart.multipart_abort(upload=upload)
    return Status(204, None)


@router.post(
    "/uploads/multipart/{anyuuid:upload_id}/parts",
    response={200: MultipartPartsOut, **errors(400, 404, 503)},
    url_name="uploads-multipart-parts",
)
def multipart_parts(request: ApiRequest, upload_id: UUID, body: MultipartPartsIn) -> dict[str, Any]:
    """Where to PUT these parts (1-based): presigned bucket URLs on S3, the app's on disk."""
    upload = selectors.multipart_upload_get_for_user(user=request.auth, upload_id=upload_id)
    targets = multipart.multipart_part_targets(upload=upload, numbers=body.numbers)
    return {
        "parts": [
            {"number": target.number, "url": target.url, "method": target.method, "headers": {}}
            for target in targets
        ]
    }


@router.post(
    "/uploads/multipart/{anyuuid:upload_id}/complete",
    response={201: UploadOut, **errors(400, 404, 409, 413, 415, 503)},
    url_name="uploads-multipart-complete",
)
def multipart_complete(
    request: ApiRequest, upload_id: UUID, body: MultipartCompleteIn | None = None
) -> Status[Any]:
    """Assemble the parts and check the file like any upload (409 `parts_missing` lists
    the parts still to send). Again after it worked: the same photo."""
    try:
        upload = selectors.multipart_upload_get_for_user(user=request.auth, upload_id=upload_id)
    except Http404:
        # Completed already (its answer lost on the way): the same answer again.
        photo = selectors.photo_completed_from_upload(user=request.auth, upload_id=upload_id)
        return Status(201, {"items": [photo_out(photo)]})
    result = multipart.multipart_complete(upload=upload, sha256=body.sha256 if body else "")
    return Status(201, {"items": [photo_out(result.photo, duplicate=result.duplicate)]})


@router.put(
    "/uploads/multipart/{anyuuid:upload_id}/parts/{int:number}",
    auth=None,
    response={200: None, **errors(400, 404, 409, 503)},
    url_name="uploads-multipart-part",
)
def multipart_put_part(request: HttpRequest, upload_id: UUID, number: int, token: str = "") -> Any:
    """A part's bytes, to the app (storage on disk); the URL's signature is the permission,
    as a presigned URL's is on S3. The body is streamed to disk as it arrives."""
    upload = multipart.multipart_upload_for_part_link(
        upload_id=str(upload_id), number=number, token=token
    )
    length = request.headers.get("Content-Length", "")
    etag = multipart.multipart_put_part(
        upload=upload,
        number=number,
        content=request,
        length=int(length) if length.isdigit() else None,
    )
    response: HttpResponse = JsonResponse({"number": number})
    response["ETag"] = etag
    return response
