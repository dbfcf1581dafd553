"""REST API v1 (../shared/API.md): parse input, one selector or service call, shape output."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any, Literal
from uuid import UUID

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from ninja import File, NinjaAPI, Query, Router, Schema, Status
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.files import UploadedFile
from ninja.security import APIKeyCookie, HttpBearer
from pydantic import Field

from . import imaging, selectors, storage
from .models import ApiToken, Photo, User
from .services import direct_upload, download, tokens, trash, upload

logger = logging.getLogger(__name__)


class BearerTokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        return tokens.token_authenticate(token)


class SessionAuth(APIKeyCookie):
    """The browser's Django session; CSRF is checked only once we know who is asking."""

    param_name = "sessionid"

    def _get_key(self, request: HttpRequest) -> str | None:
        if not request.user.is_authenticated:
            return None  # so an anonymous request is a 401, not a CSRF 403
        return super()._get_key(request)

    def authenticate(self, request: HttpRequest, key: str | None) -> User | None:
        return request.user if request.user.is_authenticated else None  # type: ignore[return-value]


api = NinjaAPI(
    title="MyPhoto API",
    version="1",
    urls_namespace="api",
    auth=[BearerTokenAuth(), SessionAuth()],
    docs_url="/docs",
)


class ApiError(Exception):
    def __init__(self, status: int, code: str, detail: str) -> None:
        super().__init__(detail)
        self.status, self.code, self.detail = status, code, detail


def _error(request: HttpRequest, status: int, code: str, detail: str, **extra: Any) -> HttpResponse:
    return api.create_response(request, {"detail": detail, "code": code, **extra}, status=status)


@api.exception_handler(ApiError)
def _api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
    return _error(request, exc.status, exc.code, exc.detail)


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _error(request, 404, "not_found", str(exc) or "Not found.")


@api.exception_handler(AuthenticationError)
def _not_authenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _error(
        request,
        401,
        "not_authenticated",
        "Log in, or send a valid token as 'Authorization: Bearer <token>'.",
    )


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    codes = {403: "forbidden", 405: "method_not_allowed", 429: "throttled"}
    return _error(request, exc.status_code, codes.get(exc.status_code, "error"), str(exc))


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    first = exc.errors[0] if exc.errors else {}
    where = ".".join(str(part) for part in first.get("loc", ()) if part not in {"body", "query"})
    detail = (
        f"{where}: {first.get('msg', 'invalid')}" if where else str(first.get("msg", "Invalid."))
    )
    return _error(request, 400, "invalid", detail, errors=exc.errors)


@api.exception_handler(selectors.InvalidCursor)
def _bad_cursor(request: HttpRequest, exc: selectors.InvalidCursor) -> HttpResponse:
    return _error(request, 400, "invalid_cursor", str(exc))


@api.exception_handler(download.RangeNotSatisfiable)
def _bad_range(request: HttpRequest, exc: download.RangeNotSatisfiable) -> HttpResponse:
    response = _error(request, 416, "range_not_satisfiable", str(exc))
    response["Content-Range"] = f"bytes */{exc.size}"
    return response


@api.exception_handler(storage.ObjectMissing)
def _object_missing(request: HttpRequest, exc: storage.ObjectMissing) -> HttpResponse:
    logger.error("object %s is missing from storage", exc)
    return _error(
        request,
        500,
        "object_missing",
        "The photo's file is missing from storage; an administrator should run 'myphoto fsck'.",
    )


@api.exception_handler(storage.StorageUnavailable)
def _storage_down(request: HttpRequest, exc: storage.StorageUnavailable) -> HttpResponse:
    logger.error("storage unavailable: %s", exc)
    return _error(request, 503, "storage_unavailable", "Photo storage is unavailable; try again.")


class GpsOut(Schema):
    lat: float
    lon: float


class PhotoOut(Schema):
    id: UUID
    filename: str
    content_type: str
    size: int
    sha256: str
    width: int
    height: int
    taken_at: datetime
    taken_at_source: str
    uploaded_at: datetime
    camera: str | None
    gps: GpsOut | None
    derivatives_ready: bool
    derivatives_error: str
    thumbnail_url: str
    preview_url: str
    download_url: str
    duplicate: bool = False


class TrashedPhotoOut(PhotoOut):
    deleted_at: datetime
    purge_after: datetime


class PhotoListOut(Schema):
    items: list[PhotoOut]
    next_cursor: str | None


class TrashListOut(Schema):
    items: list[TrashedPhotoOut]
    next_cursor: str | None


class UploadOut(Schema):
    items: list[PhotoOut]


class IdsIn(Schema):
    ids: list[UUID] = Field(min_length=1, max_length=100_000)


class DownloadUrlsIn(Schema):
    ids: list[UUID] = Field(min_length=1, max_length=1000)


class DownloadUrlOut(Schema):
    id: UUID
    url: str


class DownloadUrlsOut(Schema):
    items: list[DownloadUrlOut]
    expires_in: int


class CountDeleted(Schema):
    deleted: int


class CountPurged(Schema):
    purged: int


class TokenIn(Schema):
    name: str = Field(default="", max_length=100)


class TokenOut(Schema):
    id: UUID
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None


class TokenCreatedOut(TokenOut):
    token: str


def _api_path(photo: Photo, action: str) -> str:
    return f"/api/v1/photos/{photo.pk}/{action}"


def photo_out(photo: Photo, *, duplicate: bool = False) -> dict[str, Any]:
    data = {
        "id": photo.pk,
        "filename": photo.original_name,
        "content_type": photo.content_type,
        "size": photo.size,
        "sha256": photo.sha256,
        "width": photo.width,
        "height": photo.height,
        "taken_at": photo.taken_at,
        "taken_at_source": photo.taken_at_source,
        "uploaded_at": photo.uploaded_at,
        "camera": photo.camera,
        "gps": (
            {"lat": photo.gps_lat, "lon": photo.gps_lon} if photo.gps_lat is not None else None
        ),
        "derivatives_ready": photo.derivatives_ready,
        "derivatives_error": photo.derivatives_error,
        "thumbnail_url": _api_path(photo, "thumbnail?size=sm"),
        "preview_url": _api_path(photo, "thumbnail?size=md"),
        "download_url": _api_path(photo, "download"),
        "duplicate": duplicate,
    }
    if photo.in_trash:
        data.update(deleted_at=photo.deleted_at, purge_after=photo.purge_after)
    return data


def _page_out(page: selectors.Page) -> dict[str, Any]:
    return {"items": [photo_out(photo) for photo in page.items], "next_cursor": page.next_cursor}


photos = Router(tags=["photos"])


@photos.post("/photos", response={201: UploadOut})
def photos_upload(request: HttpRequest, file: list[UploadedFile] = File(...)):  # noqa: B008
    """Upload one or more `file` fields; a bad file fails the request and stores nothing."""
    try:
        results = upload.photos_upload(owner=request.auth, files=file)
    except upload.UploadRejected as err:
        if isinstance(err.error, upload.UploadTooLarge):
            raise ApiError(413, "too_large", str(err)) from err
        raise ApiError(415, "unsupported_image", str(err)) from err
    return Status(201, {"items": [photo_out(r.photo, duplicate=r.duplicate) for r in results]})


class DirectUploadIn(Schema):
    filename: str = Field(max_length=255)
    size: int = Field(gt=0)


class DirectUploadOut(Schema):
    key: str
    url: str
    fields: dict[str, str]
    expires_at: datetime


class DirectUploadDoneIn(Schema):
    key: str
    filename: str = Field(max_length=255)


@photos.post("/uploads", response={201: DirectUploadOut})
def direct_upload_start(request: HttpRequest, body: DirectUploadIn):
    """Ask for a presigned POST to send one big file straight to S3 (409 off S3)."""
    try:
        started = direct_upload.direct_upload_start(owner=request.auth, size=body.size)
    except upload.UploadTooLarge as err:
        raise ApiError(413, "too_large", f"{body.filename}: {err}") from err
    except direct_upload.DirectUploadUnavailable as err:
        raise ApiError(409, "direct_upload_unavailable", str(err)) from err
    return Status(201, started)


@photos.post("/uploads/complete", response={201: UploadOut})
def direct_upload_complete(request: HttpRequest, body: DirectUploadDoneIn):
    """The file is in S3: check it like any upload and add it to the library."""
    try:
        result = direct_upload.direct_upload_complete(
            owner=request.auth, key=body.key, filename=body.filename
        )
    except direct_upload.DirectUploadNotFound as err:
        raise ApiError(404, "not_found", str(err)) from err
    except upload.UploadTooLarge as err:
        raise ApiError(413, "too_large", f"{body.filename}: {err}") from err
    except imaging.UnsupportedImage as err:
        raise ApiError(415, "unsupported_image", f"{body.filename}: {err}") from err
    return Status(201, {"items": [photo_out(result.photo, duplicate=result.duplicate)]})


@photos.get("/photos", response=PhotoListOut)
def photos_list(
    request: HttpRequest,
    limit: int = Query(100, ge=1, le=500),  # noqa: B008
    cursor: str | None = None,
    taken_after: datetime | None = None,
    taken_before: datetime | None = None,
):
    """The timeline: newest taken first, trash excluded, paged by `next_cursor`.

    `taken_after` (inclusive) and `taken_before` (exclusive) narrow it to a period.
    """
    return _page_out(
        selectors.timeline_page(
            user=request.auth,
            limit=limit,
            cursor=cursor,
            taken_after=taken_after,
            taken_before=taken_before,
        )
    )


@photos.get("/photos/by-hash/{sha256}", response=PhotoOut)
def photo_by_hash(request: HttpRequest, sha256: str):
    """Is this content already in my library? 200 with the photo, or 404."""
    return photo_out(selectors.photo_get_by_hash(user=request.auth, sha256=sha256))


@photos.post("/photos/download")
def photos_download(
    request: HttpRequest, body: IdsIn, layout: Literal["flat", "by-date"] = "flat"
) -> HttpResponse:
    """Many photos as one zip, streamed; any unknown id makes the whole request a 404."""
    chosen = selectors.photos_get_for_user(user=request.auth, photo_ids=body.ids)
    return download.photos_zip_response(photos=chosen, layout=layout)


@photos.post("/photos/download-urls", response=DownloadUrlsOut)
def photos_download_urls(request: HttpRequest, body: DownloadUrlsIn):
    """Where to fetch each original, in one request: presigned storage URLs in redirect
    mode (valid `expires_in` seconds), else the API's download paths; any unknown id
    makes the whole request a 404."""
    chosen = selectors.photos_get_for_user(user=request.auth, photo_ids=body.ids)
    return {
        "items": [
            {"id": photo.pk, "url": url or _api_path(photo, "download")}
            for photo, url in zip(chosen, download.presigned_urls(chosen), strict=True)
        ],
        "expires_in": settings.MYPHOTO_PRESIGN_SECONDS,
    }


@photos.post("/photos/delete", response=CountDeleted)
def photos_delete(request: HttpRequest, body: IdsIn):
    """Move photos to the trash."""
    return {"deleted": trash.photos_trash(owner=request.auth, photo_ids=body.ids)}


@photos.get("/photos/{uuid:photo_id}", response=PhotoOut)
def photo_detail(request: HttpRequest, photo_id: UUID):
    return photo_out(selectors.photo_get_for_user(user=request.auth, photo_id=photo_id))


@photos.get("/photos/{uuid:photo_id}/download")
def photo_download(request: HttpRequest, photo_id: UUID) -> HttpResponse:
    """The original bytes under the original name (Range, If-None-Match, redirect mode)."""
    photo = selectors.photo_get_for_user(user=request.auth, photo_id=photo_id)
    return download.photo_download_response(request=request, photo=photo)


@photos.get("/photos/{uuid:photo_id}/thumbnail")
def photo_thumbnail(
    request: HttpRequest, photo_id: UUID, size: Literal["sm", "md"] = "sm"
) -> HttpResponse:
    photo = selectors.photo_get_for_user(user=request.auth, photo_id=photo_id)
    response = download.derivative_response(request=request, photo=photo, size=size)
    if response is None:
        if photo.derivatives_error:
            raise ApiError(404, "derivatives_failed", photo.derivatives_error)
        raise ApiError(404, "not_ready", f"The {size} thumbnail of this photo is not made yet.")
    return response


@photos.delete("/photos/{uuid:photo_id}", response={204: None})
def photo_delete(request: HttpRequest, photo_id: UUID):
    """Move one photo to the trash."""
    photo = selectors.photo_get_for_user(user=request.auth, photo_id=photo_id)
    trash.photos_trash(owner=request.auth, photo_ids=[photo.pk])
    return Status(204, None)


@photos.post("/photos/{uuid:photo_id}/restore", response=PhotoOut)
def photo_restore(request: HttpRequest, photo_id: UUID):
    """Bring one photo back from the trash."""
    photo = selectors.photo_get_for_user(user=request.auth, photo_id=photo_id, in_trash=True)
    trash.photos_restore(owner=request.auth, photo_ids=[photo.pk])
    return photo_out(selectors.photo_get_for_user(user=request.auth, photo_id=photo_id))


@photos.get("/trash", response=TrashListOut)
def trash_list(
    request: HttpRequest,
    limit: int = Query(100, ge=1, le=500),  # noqa: B008
    cursor: str | None = None,
):
    """Photos in the trash, with when they will be purged."""
    return _page_out(selectors.trash_page(user=request.auth, limit=limit, cursor=cursor))


@photos.delete("/trash", response=CountPurged)
def trash_empty(request: HttpRequest):
    """Purge the whole trash now: the files are deleted for good."""
    return {"purged": trash.trash_purge(owner=request.auth)}


account = Router(tags=["tokens"])


def _token_out(token: ApiToken) -> dict[str, Any]:
    return {
        "id": token.pk,
        "name": token.name,
        "prefix": token.prefix,
        "created_at": token.created_at,
        "last_used_at": token.last_used_at,
    }


@account.get("/tokens", response=list[TokenOut])
def tokens_list(request: HttpRequest):
    return [_token_out(t) for t in selectors.tokens_get_for_user(user=request.auth)]


@account.post("/tokens", response={201: TokenCreatedOut})
def token_create(request: HttpRequest, body: TokenIn):
    """Create a token; the secret is in this answer only."""
    token, raw = tokens.token_create(user=request.auth, name=body.name)
    return Status(201, {**_token_out(token), "token": raw})


@account.delete("/tokens/{uuid:token_id}", response={204: None})
def token_revoke(request: HttpRequest, token_id: UUID):
    if not tokens.token_revoke(user=request.auth, token_id=token_id):
        raise Http404("No such token.")
    return Status(204, None)


api.add_router("", photos)
api.add_router("", account)
