"""Edits of many photos at once, all or nothing, and their undo."""

from __future__ import annotations

from typing import Any

from ninja import Router

from ..requests import ApiRequest
from ..services import edits
from .schemas.common import errors
from .schemas.edits import EditedOut, PhotosEditIn, UndoIn, UndoneOut

router = Router(tags=["photos"])


@router.post("/photos/edit", response={200: EditedOut, **errors(400, 404)}, url_name="photos-edit")
def photos_edit(request: ApiRequest, body: PhotosEditIn) -> dict[str, Any]:
    """Favorite, archive, describe, date (set or `shift_seconds`) or place many of my photos
    at once: all or nothing (any id not mine: 404, nothing changed)."""
    updated, undo = edits.photos_edit(owner=request.auth, photo_ids=body.ids, edit=body.as_edit())
    return {"updated": updated, "undo": undo}


@router.post(
    "/photos/edit/undo", response={200: UndoneOut, **errors(400, 404)}, url_name="photos-edit-undo"
)
def photos_edit_undo(request: ApiRequest, body: UndoIn) -> dict[str, Any]:
    """Put back what an edit of many changed (for a day after it)."""
    return {"restored": edits.photos_edit_undo(owner=request.auth, undo_id=body.undo)}
