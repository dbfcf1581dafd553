"""`/dav/` for backup apps: who is asking (Basic authentication with an app password: an
API token, never the account's password), a PUT stored as an upload through every
check an upload goes through, and every other method handed to wsgidav.

A refused file answers 415 with the reason, a file past the quota 507 (RFC 4918's
Insufficient Storage), and in neither case is anything kept.
"""

from __future__ import annotations

import base64
import binascii
import itertools
import logging
from collections.abc import Iterable
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.utils.translation import gettext
from django.views.decorators.csrf import csrf_exempt

from ..dav import listing
from ..dav.content import moment
from ..dav.paths import BadPath, dav_path
from ..dav.provider import MOUNT, dav_application
from ..dav.uploads import lock_space
from ..limits import UploadTooLarge, check_size
from ..models import User
from ..quotas import QuotaExceeded
from ..services import dav as dav_service
from ..services.multipart_errors import (
    InvalidPart,
    PartLinkInvalid,
    PartsMissing,
    TooManyOpenUploads,
    UploadBusy,
    UploadGone,
)
from ..services.tokens import token_authenticate
from ..services.upload import UploadRejected

logger = logging.getLogger(__name__)

# A PROPFIND, PROPPATCH or LOCK body is a little XML: more is not a client's.
MAX_XML_BYTES = 256 * 1024
_REALM = 'Basic realm="MyPhoto", charset="UTF-8"'
_INFINITY_REFUSED = (
    '<?xml version="1.0" encoding="utf-8"?>\n'
    '<D:error xmlns:D="DAV:"><D:propfind-finite-depth/></D:error>\n'
)


def _said(status: int, text: str, **headers: str) -> HttpResponse:
    return HttpResponse(
        text + "\n", status=status, content_type="text/plain; charset=utf-8", headers=headers
    )


def _person(request: HttpRequest) -> User | None:
    """The app password's owner, when the name given is theirs."""
    kind, _, encoded = request.headers.get("Authorization", "").partition(" ")
    if kind.lower() != "basic":
        return None
    try:
        name, _, password = base64.b64decode(encoded.strip(), validate=True).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return None
    user = token_authenticate(password)
    if user is None or user.get_username().lower() != name.lower():
        return None
    return user


@csrf_exempt
def dav(request: HttpRequest, path: str = "") -> HttpResponseBase:
    user = _person(request)
    if user is None:
        return _said(
            401,
            gettext("Sign in with your user name and an app password made in Settings."),
            **{"WWW-Authenticate": _REALM},
        )
    try:
        names = dav_path(request.path_info[len(MOUNT) :])
    except BadPath as err:
        return _said(400, str(err))
    if request.method == "PUT":
        return _put(request, user, names)
    length = _length(request)
    if length is not None and length > MAX_XML_BYTES:
        return _said(413, gettext("A WebDAV request's body is at most 256 KB."))
    if request.method == "PROPFIND" and request.headers.get("Depth", "1") == "infinity":
        # A whole library in one answer: refused, as RFC 4918 allows (ask one folder at
        # a time). Without a Depth, one folder too.
        return HttpResponse(
            _INFINITY_REFUSED, status=403, content_type="application/xml; charset=utf-8"
        )
    if request.method == "PROPFIND":
        try:
            return listing.propfind(request, user, names, mount=MOUNT, locked=_locks_held(user))
        except listing.NotHere:
            pass
    return _wsgidav(request, user)


def _locks_held(user: User) -> bool:
    storage = dav_application().lock_manager.storage
    held = storage.get_lock_list(
        lock_space(user), include_root=True, include_children=True, token_only=True
    )
    return bool(held)


def _length(request: HttpRequest) -> int | None:
    try:
        return int(request.META["CONTENT_LENGTH"])
    except (KeyError, ValueError):
        return None


def _put(request: HttpRequest, user: User, names: tuple[str, ...]) -> HttpResponse:
    length = _length(request)
    if length is None:
        return _said(411, gettext("Send the file with its Content-Length."))
    modified_at = None
    if "X-OC-Mtime" in request.headers:
        modified_at = moment(request.headers["X-OC-Mtime"])
        if modified_at is None:
            return _said(400, gettext("X-OC-Mtime is seconds since 1970."))
    try:
        # Before a byte is read: its size here, where it goes in the store. The quota: a
        # big file's at once, a small one's once its hash shows whether it is new (a
        # backup app sending a photo again to someone at their quota is told it is there).
        check_size(length)
        entry, created, result = dav_service.dav_file_store(
            owner=user, path=names, content=request, length=length, modified_at=modified_at
        )
    except dav_service.DavReadOnly as err:
        return _said(403, str(err))
    except dav_service.DavConflict as err:
        return _said(409, str(err))
    except dav_service.DavExists as err:
        return _said(405, str(err))
    except UploadTooLarge as err:
        return _said(413, str(err))
    except QuotaExceeded as err:
        return _said(507, str(err))
    except TooManyOpenUploads as err:
        return _said(429, str(err))
    except (PartsMissing, UploadBusy, UploadGone, InvalidPart, PartLinkInvalid) as err:
        # The parts went astray in the storage meanwhile (nothing is kept): send it again.
        return _said(503, str(err) or gettext("Send the file again."), **{"Retry-After": "5"})
    except dav_service.BodyCutShort as err:
        return _said(400, str(err))
    except UploadRejected as err:
        return _rejected(err)
    logger.info(
        "dav: %s %s/%s (%s)",
        user.get_username(),
        entry.parent,
        entry.name,
        "the same bytes again" if result.duplicate else "stored",
    )
    headers = {"ETag": f'"{result.photo.sha256[:32]}"'}
    if modified_at is not None:
        headers["X-OC-Mtime"] = "accepted"  # what ownCloud answers, which clients look for
    return HttpResponse(status=201 if created else 204, headers=headers)


def _rejected(err: UploadRejected) -> HttpResponse:
    if isinstance(err.reason, QuotaExceeded):
        return _said(507, str(err))
    if isinstance(err.reason, UploadTooLarge):
        return _said(413, str(err))
    return _said(415, str(err))  # UnsupportedImage: not a photo or video we can read


def _wsgidav(request: HttpRequest, user: User) -> HttpResponseBase:
    environ: dict[str, Any] = dict(request.META)  # Django's META is the WSGI environ
    environ["SCRIPT_NAME"] = request.META.get("SCRIPT_NAME", "") + MOUNT
    environ["PATH_INFO"] = request.META["PATH_INFO"][len(MOUNT) :] or "/"
    environ["wsgi.input"] = request  # Django's stream: never past the Content-Length
    environ["HTTP_HOST"] = request.get_host()  # checked against ALLOWED_HOSTS
    if request.method == "PROPFIND":
        environ.setdefault("HTTP_DEPTH", "1")
    environ["myphoto.user"] = user
    environ["wsgidav.auth.user_name"] = user.get_username()
    environ["wsgidav.auth.realm"] = "/"
    environ["wsgidav.auth.roles"] = ["editor"]
    answered: dict[str, Any] = {}

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> None:
        answered["status"], answered["headers"] = int(status.split()[0]), headers

    body: Iterable[bytes] = dav_application()(environ, start_response)
    if "status" not in answered:  # an app may answer only once its body is asked for
        chunks = iter(body)
        first = next(chunks, b"")
        body = itertools.chain([first], chunks)
    response = StreamingHttpResponse(body, status=answered["status"])
    for name, value in answered["headers"]:
        response[name] = value
    return response
