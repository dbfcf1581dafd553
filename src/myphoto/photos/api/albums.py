"""Albums: collections of photos, shared with other accounts (API.md, "Albums")."""

from __future__ import annotations

from typing import Any, Literal
from uuid import UUID

from django.http.response import HttpResponseBase
from ninja import Router, Status

from .. import responses, selectors
from ..models import AlbumRole
from ..requests import ApiRequest
from ..services import albums
from .schemas.albums import (
    AlbumDownloadIn,
    AlbumIn,
    AlbumListOut,
    AlbumOut,
    AlbumPatchIn,
    CountAdded,
    CountRemoved,
    MemberIn,
    MemberListOut,
    MemberOut,
    album_out,
    member_out,
)
from .schemas.common import IdsIn, errors

router = Router(tags=["albums"])


@router.get("/albums", response={200: AlbumListOut, **errors()}, url_name="albums-list")
def albums_list(request: ApiRequest) -> dict[str, Any]:
    """My albums and those shared with me, newest first, with their counts, dates and covers."""
    return {"items": [album_out(view) for view in selectors.albums_for_user(user=request.auth)]}


@router.post("/albums", response={201: AlbumOut, **errors(400, 404)}, url_name="albums-create")
def albums_create(request: ApiRequest, body: AlbumIn) -> Status[dict[str, Any]]:
    """A new album, empty or with these of my photos (an id that is not mine: 404)."""
    album = albums.album_create(
        owner=request.auth, title=body.title, description=body.description, photo_ids=body.ids
    )
    return Status(201, album_out(selectors.album_view(album, user=request.auth)))


@router.get(
    "/albums/{anyuuid:album_id}", response={200: AlbumOut, **errors(404)}, url_name="album-detail"
)
def album_detail(request: ApiRequest, album_id: UUID) -> dict[str, Any]:
    """One album I own or that is shared with me."""
    album = selectors.album_get_for_user(user=request.auth, album_id=album_id)
    return album_out(selectors.album_view(album, user=request.auth))


@router.patch(
    "/albums/{anyuuid:album_id}",
    response={200: AlbumOut, **errors(400, 403, 404)},
    url_name="album-update",
)
def album_update(request: ApiRequest, album_id: UUID, body: AlbumPatchIn) -> dict[str, Any]:
    """Rename, describe, or choose the cover (one of the album's photos). Owner only."""
    album = selectors.album_get_for_user(user=request.auth, album_id=album_id, role=AlbumRole.OWNER)
    albums.album_update(
        album=album, title=body.title, description=body.description, cover_photo=body.cover_photo
    )
    return album_out(selectors.album_view(album, user=request.auth))


@router.delete(
    "/albums/{anyuuid:album_id}",
    response={204: None, **errors(403, 404)},
    url_name="album-delete",
)
def album_delete(request: ApiRequest, album_id: UUID) -> Status[None]:
    """Delete the album; its photos stay in the library. Owner only."""
    albums.album_delete(
        album=selectors.album_get_for_user(
            user=request.auth, album_id=album_id, role=AlbumRole.OWNER
        )
    )
    return Status(204, None)


@router.post(
    "/albums/{anyuuid:album_id}/photos",
    response={200: CountAdded, **errors(400, 403, 404)},
    url_name="album-photos-add",
)
def album_photos_add(request: ApiRequest, album_id: UUID, body: IdsIn) -> dict[str, int]:
    """Add my photos (adding one twice is harmless); an id that is not mine: 404.
    The owner and contributors."""
    album = selectors.album_get_for_user(
        user=request.auth, album_id=album_id, role=AlbumRole.CONTRIBUTOR
    )
    added = albums.album_add_photos(album=album, user=request.auth, photo_ids=body.ids)
    return {"added": added}


@router.delete(
    "/albums/{anyuuid:album_id}/photos",
    response={200: CountRemoved, **errors(400, 403, 404)},
    url_name="album-photos-remove",
)
def album_photos_remove(request: ApiRequest, album_id: UUID, body: IdsIn) -> dict[str, int]:
    """Take photos out of the album; they stay in the library. The owner takes out any,
    a contributor their own."""
    album = selectors.album_get_for_user(
        user=request.auth, album_id=album_id, role=AlbumRole.CONTRIBUTOR
    )
    removed = albums.album_remove_photos(album=album, user=request.auth, photo_ids=body.ids)
    return {"removed": removed}


@router.post(
    "/albums/{anyuuid:album_id}/download",
    response=errors(400, 404, 503),
    url_name="album-download",
)
def album_download(
    request: ApiRequest,
    album_id: UUID,
    body: AlbumDownloadIn,
    layout: Literal["flat", "by-date"] = "flat",
) -> HttpResponseBase:
    """The album (or these of its photos) as one zip, streamed."""
    album = selectors.album_get_for_user(user=request.auth, album_id=album_id)
    if body.ids is not None:
        responses.check_zip_size(len(body.ids))
    photos = selectors.album_photos(album=album, photo_ids=body.ids)
    return responses.photos_zip_response(photos=photos, layout=layout, name=album.title)


@router.get(
    "/albums/{anyuuid:album_id}/members",
    response={200: MemberListOut, **errors(404)},
    url_name="album-members",
)
def album_members(request: ApiRequest, album_id: UUID) -> dict[str, Any]:
    """Who the album is shared with."""
    album = selectors.album_get_for_user(user=request.auth, album_id=album_id)
    return {"items": [member_out(m) for m in selectors.album_members(album=album)]}


@router.post(
    "/albums/{anyuuid:album_id}/members",
    response={201: MemberOut, **errors(400, 403, 404)},
    url_name="album-members-add",
)
def album_members_add(
    request: ApiRequest, album_id: UUID, body: MemberIn
) -> Status[dict[str, str]]:
    """Share the album with another account of this server (or change its role). Owner only."""
    album = selectors.album_get_for_user(user=request.auth, album_id=album_id, role=AlbumRole.OWNER)
    member = albums.album_member_set(album=album, username=body.username, role=AlbumRole(body.role))
    return Status(201, member_out(member))


@router.delete(
    "/albums/{anyuuid:album_id}/members/{username}",
    response={204: None, **errors(403, 404)},
    url_name="album-member-remove",
)
def album_member_remove(request: ApiRequest, album_id: UUID, username: str) -> Status[None]:
    """Stop sharing the album with an account: the owner, or members leaving it themselves."""
    album = selectors.album_get_for_user(user=request.auth, album_id=album_id)
    if username != request.auth.username:
        album = selectors.album_get_for_user(
            user=request.auth, album_id=album_id, role=AlbumRole.OWNER
        )
    albums.album_member_remove(album=album, username=username)
    return Status(204, None)
