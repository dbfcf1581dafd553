"""Every error as JSON `{"detail", "code"}` with its status; each domain error mapped once."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext, gettext_lazy
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from ...common.media.facts import UnsupportedVideo
from ..limits import UploadTooLarge
from ..quotas import QuotaExceeded
from ..responses import RangeNotSatisfiable, TooManyForOneZip
from ..search import InvalidSearch
from ..selectors import InvalidCursor, InvalidPeriod, NotAllowed
from ..selectors.duplicates import InvalidDuplicatesCursor
from ..services.albums import CannotBeMember, NotInAlbum
from ..services.direct_upload import DirectUploadNotFound, DirectUploadUnavailable
from ..services.duplicates import NothingKept
from ..services.edits import InvalidEdit
from ..services.live import NotAPair
from ..services.multipart_errors import (
    ChecksumMismatch,
    InvalidPart,
    PartLinkInvalid,
    PartsMissing,
    TooManyOpenUploads,
    UploadBusy,
    UploadGone,
)
from ..services.people import InvalidPerson
from ..services.shares import InvalidExpiry
from ..services.upload import UploadRejected
from ..shareaccess import (
    DownloadsDisabled,
    ShareLocked,
    UnlockThrottled,
    UploadsDisabled,
    WrongPassword,
)
from ..storage import ObjectMissing, StorageUnavailable
from .validation import pydantic_message

logger = logging.getLogger(__name__)


class ApiError(Exception):
    """An error an endpoint raises itself, with its status and machine-readable code."""

    def __init__(self, status: int, code: str, detail: str) -> None:
        super().__init__(detail)
        self.status, self.code, self.detail = status, code, detail


# Domain errors whose message is the detail: (status, code).
_DOMAIN_ERRORS: dict[type[Exception], tuple[int, str]] = {
    InvalidCursor: (400, "invalid_cursor"),
    InvalidSearch: (400, "invalid"),
    InvalidPeriod: (400, "invalid"),
    InvalidEdit: (400, "invalid"),
    NotAPair: (400, "not_a_pair"),
    InvalidDuplicatesCursor: (400, "invalid_cursor"),
    NothingKept: (400, "invalid"),
    NotInAlbum: (400, "invalid"),
    InvalidPerson: (400, "invalid"),
    CannotBeMember: (400, "invalid"),
    NotAllowed: (403, "forbidden"),
    InvalidExpiry: (400, "invalid"),
    ShareLocked: (401, "password_required"),
    WrongPassword: (401, "wrong_password"),
    UnlockThrottled: (429, "throttled"),
    DownloadsDisabled: (403, "downloads_disabled"),
    UploadsDisabled: (403, "uploads_disabled"),
    TooManyForOneZip: (400, "too_many_photos"),
    DirectUploadNotFound: (404, "not_found"),
    DirectUploadUnavailable: (409, "direct_upload_unavailable"),
    ChecksumMismatch: (400, "checksum_mismatch"),
    InvalidPart: (400, "invalid_part"),
    # As for any id not the caller's: a bad part URL does not tell whether the upload exists.
    PartLinkInvalid: (404, "not_found"),
    UploadBusy: (409, "upload_busy"),
    UploadGone: (404, "not_found"),
    TooManyOpenUploads: (429, "too_many_uploads"),
}
_HTTP_ERROR_CODES = {400: "invalid", 403: "forbidden", 405: "method_not_allowed", 429: "throttled"}
# django-ninja's own sentences, said in the request's language.
_NINJA_SENTENCES = {
    "Cannot parse request body": gettext_lazy("Cannot parse request body"),
    "CSRF check Failed": gettext_lazy("CSRF check Failed"),
    "Forbidden": gettext_lazy("Forbidden"),
    "Too many requests.": gettext_lazy("Too many requests."),
}


def thumbnail_not_ready(size: str) -> str:
    return gettext("The %(size)s thumbnail of this photo is not made yet.") % {"size": size}


def register(api: NinjaAPI) -> None:
    """Install the handlers that turn exceptions into JSON errors on `api`."""

    def error(
        request: HttpRequest, status: int, code: str, detail: str, **extra: Any
    ) -> HttpResponse:
        body = {"detail": detail, "code": code, **extra}
        return api.create_response(request, body, status=status)

    def handle(exc_class: type[Exception]) -> Callable[[Callable[..., HttpResponse]], Any]:
        return api.exception_handler(exc_class)

    for exc_class, (status, code) in _DOMAIN_ERRORS.items():
        handle(exc_class)(
            lambda request, exc, status=status, code=code: error(request, status, code, str(exc))
        )

    @handle(ApiError)
    def _api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
        return error(request, exc.status, exc.code, exc.detail)

    @handle(UploadRejected)
    def _upload_rejected(request: HttpRequest, exc: UploadRejected) -> HttpResponse:
        if isinstance(exc.reason, UploadTooLarge):
            return error(request, 413, "too_large", str(exc))
        if isinstance(exc.reason, QuotaExceeded):
            return error(request, 413, "quota_exceeded", str(exc))
        if isinstance(exc.reason, UnsupportedVideo):
            return error(request, 415, "unsupported_video", str(exc))
        return error(request, 415, "unsupported_image", str(exc))

    @handle(PartsMissing)
    def _parts_missing(request: HttpRequest, exc: PartsMissing) -> HttpResponse:
        return error(request, 409, "parts_missing", str(exc), missing=exc.missing)

    @handle(RangeNotSatisfiable)
    def _bad_range(request: HttpRequest, exc: RangeNotSatisfiable) -> HttpResponse:
        response = error(request, 416, "range_not_satisfiable", str(exc))
        response["Content-Range"] = f"bytes */{exc.size}"
        return response

    @handle(Http404)
    def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return error(request, 404, "not_found", str(exc) or gettext("Not found."))

    @handle(AuthenticationError)
    def _not_authenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return error(
            request,
            401,
            "not_authenticated",
            gettext("Log in, or send a valid token as 'Authorization: Bearer <token>'."),
        )

    @handle(HttpError)
    def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        code = _HTTP_ERROR_CODES.get(exc.status_code, "error")
        message = str(exc)
        return error(request, exc.status_code, code, str(_NINJA_SENTENCES.get(message, message)))

    @handle(ValidationError)
    def _invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        first = exc.errors[0] if exc.errors else {}
        where = ".".join(
            str(part) for part in first.get("loc", ()) if part not in {"body", "query"}
        )
        message = pydantic_message(first)
        detail = f"{where}: {message}" if where else message
        return error(request, 400, "invalid", detail, errors=exc.errors)

    @handle(ObjectMissing)
    def _object_missing(request: HttpRequest, exc: ObjectMissing) -> HttpResponse:
        logger.error("object %s is missing from storage", exc)
        return error(
            request,
            500,
            "object_missing",
            gettext(
                "The photo's file is missing from storage; an administrator should run "
                "'myphoto fsck'."
            ),
        )

    @handle(StorageUnavailable)
    def _storage_down(request: HttpRequest, exc: StorageUnavailable) -> HttpResponse:
        logger.error("storage unavailable: %s", exc)
        return error(
            request, 503, "storage_unavailable", gettext("Photo storage is unavailable; try again.")
        )

    # The database's connection failed (a restart, a failover): not the request's fault.
    # Other database errors (an IntegrityError) are bugs and stay 500s.
    @handle(OperationalError)
    @handle(InterfaceError)
    def _database_down(request: HttpRequest, exc: Exception) -> HttpResponse:
        logger.error("database unavailable: %s", exc)
        return error(
            request, 503, "database_unavailable", gettext("The database is unavailable; try again.")
        )
