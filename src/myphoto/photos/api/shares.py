"""The owner's share links: make, list, change and revoke (API.md, "Share links")."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from ninja import Router, Status

from .. import selectors
from ..models import AlbumRole
from ..requests import ApiRequest
from ..selectors import usable_time
from ..services import shares
from .schemas.common import errors
from .schemas.shares import ShareIn, ShareListOut, ShareOut, SharePatchIn, share_out

router = Router(tags=["shares"])


@router.post(
    "/albums/{anyuuid:album_id}/shares",
    response={201: ShareOut, **errors(400, 403, 404)},
    url_name="album-shares-create",
)
def album_shares_create(
    request: ApiRequest, album_id: UUID, body: ShareIn
) -> Status[dict[str, Any]]:
    """A link to the album for anyone who has it. Owner only."""
    album = selectors.album_get_for_user(user=request.auth, album_id=album_id, role=AlbumRole.OWNER)
    share = shares.share_create(
        album=album,
        expires_at=usable_time(body.expires_at) if body.expires_at else None,
        expires_in_days=body.expires_in_days,
        allow_download=body.allow_download,
        allow_upload=body.allow_upload,
        show_location=body.show_location,
        password=body.password,
    )
    return Status(201, share_out(share, request))


@router.get(
    "/albums/{anyuuid:album_id}/shares",
    response={200: ShareListOut, **errors(403, 404)},
    url_name="album-shares",
)
def album_shares(request: ApiRequest, album_id: UUID) -> dict[str, Any]:
    """The album's links, newest first. Owner only."""
    album = selectors.album_get_for_user(user=request.auth, album_id=album_id, role=AlbumRole.OWNER)
    found = selectors.shares_for_user(user=request.auth, album=album)
    return {"items": [share_out(share, request) for share in found]}


@router.get("/shares", response={200: ShareListOut, **errors()}, url_name="shares-list")
def shares_list(request: ApiRequest) -> dict[str, Any]:
    """All my links, newest first, with their views, downloads and last access."""
    found = selectors.shares_for_user(user=request.auth)
    return {"items": [share_out(share, request) for share in found]}


@router.patch(
    "/shares/{anyuuid:share_id}",
    response={200: ShareOut, **errors(400, 404)},
    url_name="share-update",
)
def share_update(request: ApiRequest, share_id: UUID, body: SharePatchIn) -> dict[str, Any]:
    """Change what a link allows; the fields not sent stay as they are."""
    share = selectors.share_get_for_user(user=request.auth, share_id=share_id)
    changes: dict[str, Any] = {
        name: getattr(body, name)
        for name in ("allow_download", "allow_upload", "show_location", "password")
        if getattr(body, name) is not None
    }
    fields = body.model_fields_set
    shares.share_update(
        share=share,
        set_expiry="expires_at" in fields or body.expires_in_days is not None,
        expires_at=usable_time(body.expires_at) if body.expires_at else None,
        expires_in_days=body.expires_in_days,
        **changes,
    )
    return share_out(share, request)


@router.delete(
    "/shares/{anyuuid:share_id}", response={204: None, **errors(404)}, url_name="share-revoke"
)
def share_revoke(request: ApiRequest, share_id: UUID) -> Status[None]:
    """Revoke a link: it answers 404 from this moment on."""
    shares.share_revoke(share=selectors.share_get_for_user(user=request.auth, share_id=share_id))
    return Status(204, None)
