"""Libraries kept where they are (staff only; anyone else is told there is nothing here)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext
from ninja import Router, Status

from ..models import User
from ..requests import ApiRequest
from ..selectors import libraries_for_staff, library_get_for_staff, library_view
from ..services.libraries import (
    LibraryInvalid,
    library_add,
    library_remove,
    library_scan_request,
)
from ..storage.sources import S3Access, SourceNotAllowed, SourceUnreachable
from .errors import ApiError
from .schemas.common import errors
from .schemas.libraries import LibraryIn, LibraryListOut, LibraryOut, ScanIn, library_out

router = Router(tags=["libraries"])


@router.get("/libraries", response={200: LibraryListOut, **errors(404)}, url_name="libraries")
def libraries_list(request: ApiRequest) -> dict[str, Any]:
    """The adopted libraries and their last scans."""
    return {
        "items": [
            library_out(library_view(library, listed=20))
            for library in libraries_for_staff(user=request.auth)
        ]
    }


@router.post("/libraries", response={201: LibraryOut, **errors(400, 404)}, url_name="libraries-add")
def libraries_add(request: ApiRequest, body: LibraryIn) -> Status[dict[str, Any]]:
    """Adopt a folder (under MYPHOTO_LIBRARY_ROOTS) or an S3 prefix in place, for `owner`
    (me by default), and start its first scan. Its keys are stored encrypted and never
    answered back."""
    libraries_for_staff(user=request.auth)  # 404 for anyone but staff
    owner = request.auth
    if body.owner is not None:
        found = User.objects.filter(username=body.owner, is_active=True).first()
        if found is None:
            raise ApiError(
                400,
                "invalid",
                gettext("owner: no user is named “%(name)s”.") % {"name": body.owner},
            )
        owner = found
    access = None
    if body.s3 is not None:
        access = S3Access(
            body.s3.endpoint_url or None,
            body.s3.region or "us-east-1",
            body.s3.access_key_id or None,
            body.s3.secret_access_key or None,
        )
    try:
        library = library_add(
            name=body.name,
            source=body.source,
            owner=owner,
            s3=access,
            scan_interval_minutes=body.scan_interval_minutes,
            albums_from_folders=body.albums_from_folders,
        )
    except SourceNotAllowed as err:
        raise ApiError(400, "source_not_allowed", str(err)) from err
    except SourceUnreachable as err:
        raise ApiError(400, "source_unreachable", str(err)) from err
    except LibraryInvalid as err:
        raise ApiError(400, "invalid", str(err)) from err
    library.refresh_from_db()
    return Status(201, library_out(library_view(library)))


@router.get(
    "/libraries/{int:library_id}", response={200: LibraryOut, **errors(404)}, url_name="library"
)
def library_detail(request: ApiRequest, library_id: int) -> dict[str, Any]:
    return library_out(
        library_view(library_get_for_staff(user=request.auth, library_id=library_id))
    )


@router.post(
    "/libraries/{int:library_id}/scan",
    response={202: LibraryOut, **errors(400, 404)},
    url_name="library-scan",
)
def library_scan_now(
    request: ApiRequest, library_id: int, body: ScanIn | None = None
) -> Status[dict[str, Any]]:
    """Scan now (a full scan reads every file again); a scan running already goes on."""
    library = library_get_for_staff(user=request.auth, library_id=library_id)
    library_scan_request(library=library, full=body.full if body else False)
    library.refresh_from_db()
    return Status(202, library_out(library_view(library)))


@router.delete(
    "/libraries/{int:library_id}", response={204: None, **errors(404)}, url_name="library-remove"
)
def library_delete(request: ApiRequest, library_id: int) -> Status[None]:
    """Forget the library: its photos' rows and thumbnails go; its files stay."""
    library_remove(library=library_get_for_staff(user=request.auth, library_id=library_id))
    return Status(204, None)
