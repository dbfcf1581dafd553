"""The trash: move photos there, bring them back, empty it."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from ninja import P, QueryEx, Router

from .. import selectors
from ..requests import ApiRequest
from ..services import trash
from .schemas.common import IdsIn, errors
from .schemas.photos import (
    CountDeleted,
    CountPurged,
    CountRestored,
    PhotoOut,
    TrashListOut,
    page_out,
    photo_out,
)

router = Router(tags=["trash"])


@router.post(
    "/photos/delete", response={200: CountDeleted, **errors(400)}, url_name="photos-delete"
)
def photos_delete(request: ApiRequest, body: IdsIn) -> dict[str, int]:
    """Move photos to the trash; ids that are not yours, or already there, are not counted."""
    return {"deleted": trash.photos_trash(owner=request.auth, photo_ids=body.ids)}


@router.post(
    "/photos/restore", response={200: CountRestored, **errors(400)}, url_name="photos-restore"
)
def photos_restore(request: ApiRequest, body: IdsIn) -> dict[str, int]:
    """Bring photos back from the trash (the undo of a delete)."""
    return {"restored": trash.photos_restore(owner=request.auth, photo_ids=body.ids)}


@router.post(
    "/photos/{anyuuid:photo_id}/restore",
    response={200: PhotoOut, **errors(404)},
    url_name="photo-restore",
)
def photo_restore(request: ApiRequest, photo_id: UUID) -> dict[str, Any]:
    """Bring one photo back from the trash."""
    photo = selectors.photo_get_for_user(user=request.auth, photo_id=photo_id, in_trash=True)
    trash.photos_restore(owner=request.auth, photo_ids=[photo.pk])
    return photo_out(selectors.photo_get_for_user(user=request.auth, photo_id=photo_id))


@router.get("/trash", response={200: TrashListOut, **errors(400)}, url_name="trash-list")
def trash_list(
    request: ApiRequest,
    limit: QueryEx[int, P(ge=1, le=500)] = 100,
    cursor: str | None = None,
) -> dict[str, Any]:
    """Photos in the trash, with when they will be purged."""
    return page_out(selectors.trash_page(user=request.auth, limit=limit, cursor=cursor))


@router.delete("/trash", response={200: CountPurged, **errors(503)}, url_name="trash-empty")
def trash_empty(request: ApiRequest) -> dict[str, int]:
    """Purge the whole trash now: the files are deleted for good."""
    return {"purged": trash.trash_purge(owner=request.auth)}
