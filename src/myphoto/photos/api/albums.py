"""Albums: the owner's collections of their photos (API.md, "Albums")."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from ninja import Router, Status

from .. import selectors
from ..requests import ApiRequest
from ..services import albums
from .schemas import (
    AlbumIn,
    AlbumListOut,
    AlbumOut,
    AlbumPatchIn,
    CountAdded,
    CountRemoved,
    IdsIn,
    album_out,
    errors,
)

router = Router(tags=["albums"])


@router.get("/albums", response={200: AlbumListOut, **errors()}, url_name="albums-list")
def albums_list(request: ApiRequest) -> dict[str, Any]:
    """My albums, newest first, with their counts, dates and covers."""
    return {"items": [album_out(view) for view in selectors.albums_for_user(user=request.auth)]}


@router.post("/albums", response={201: AlbumOut, **errors(400, 404)}, url_name="albums-create")
def albums_create(request: ApiRequest, body: AlbumIn) -> Status[dict[str, Any]]:
    """A new album, empty or with these of my photos (an id that is not mine: 404)."""
    album = albums.album_create(
        owner=request.auth, title=body.title, description=body.description, photo_ids=body.ids
    )
    return Status(201, album_out(selectors.album_view(album)))


@router.get(
    "/albums/{anyuuid:album_id}", response={200: AlbumOut, **errors(404)}, url_name="album-detail"
)
def album_detail(request: ApiRequest, album_id: UUID) -> dict[str, Any]:
    """One album."""
    album = selectors.album_get_for_user(user=request.auth, album_id=album_id)
    return album_out(selectors.album_view(album))


@router.patch(
    "/albums/{anyuuid:album_id}",
    response={200: AlbumOut, **errors(400, 404)},
    url_name="album-update",
)
def album_update(request: ApiRequest, album_id: UUID, body: AlbumPatchIn) -> dict[str, Any]:
    """Rename, describe, or choose the cover (one of the album's photos)."""
    album = selectors.album_get_for_user(user=request.auth, album_id=album_id)
    albums.album_update(
        album=album, title=body.title, description=body.description, cover_photo=body.cover_photo
    )
    return album_out(selectors.album_view(album))


@router.delete(
    "/albums/{anyuuid:album_id}", response={204: None, **errors(404)}, url_name="album-delete"
)
def album_delete(request: ApiRequest, album_id: UUID) -> Status[None]:
    """Delete the album; its photos stay in the library."""
    albums.album_delete(album=selectors.album_get_for_user(user=request.auth, album_id=album_id))
    return Status(204, None)


@router.post(
    "/albums/{anyuuid:album_id}/photos",
    response={200: CountAdded, **errors(400, 404)},
    url_name="album-photos-add",
)
def album_photos_add(request: ApiRequest, album_id: UUID, body: IdsIn) -> dict[str, int]:
    """Add my photos (adding one twice is harmless); an id that is not mine: 404."""
    album = selectors.album_get_for_user(user=request.auth, album_id=album_id)
    added = albums.album_add_photos(album=album, user=request.auth, photo_ids=body.ids)
    return {"added": added}


@router.delete(
    "/albums/{anyuuid:album_id}/photos",
    response={200: CountRemoved, **errors(400, 404)},
    url_name="album-photos-remove",
)
def album_photos_remove(request: ApiRequest, album_id: UUID, body: IdsIn) -> dict[str, int]:
    """Take photos out of the album; they stay in the library."""
    album = selectors.album_get_for_user(user=request.auth, album_id=album_id)
    removed = albums.album_remove_photos(album=album, user=request.auth, photo_ids=body.ids)
    return {"removed": removed}
