"""What anyone with a share link uses, no account needed (API.md, "Share links").

Every operation starts with `share_get_for_key`: an unknown, revoked or expired key is
a 404, a locked link a 401, whatever the operation; photos are reached only through
`share_photo` / `selectors.album_photos` of the share's album.
"""

from __future__ import annotations

from typing import Any, Literal
from uuid import UUID

from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from ninja import P, QueryEx, Router, Status
from ninja.files import UploadedFile
from ninja.params import File

from .. import responses, search, selectors
from ..links import share_photo_path
from ..services import shares
from ..shareaccess import (
    remember_unlocked,
    require_download,
    require_upload,
    share_get_for_key,
    share_get_for_unlock,
    share_photo,
    share_unlock,
)
from .errors import ApiError, thumbnail_not_ready
from .photos import SearchWords, playback_or_404
from .schemas.albums import AlbumDownloadIn
from .schemas.common import errors
from .schemas.shared import (
    SharedAlbumOut,
    SharedPhotoListOut,
    SharedUploadOut,
    UnlockIn,
    shared_photo_out,
)

# No account: a key is the credential. `errors()` documents 401, here a locked link.
router = Router(tags=["shared"], auth=None)


@router.get(
    "/shared/{sharekey:key}",
    response={200: SharedAlbumOut, **errors(404)},
    url_name="shared-detail",
)
def shared_detail(request: HttpRequest, key: str) -> dict[str, Any]:
    """The shared album's title, description, count and what the link allows."""
    share = share_get_for_key(key=key, request=request)
    shares.share_record_view(share=share)
    view = selectors.album_view(share.album, user=share.album.owner)
    cover = view.cover_photo
    return {
        "title": share.album.title,
        "description": share.album.description,
        "owner": share.album.owner.get_full_name() or share.album.owner.username,
        "photo_count": view.photo_count,
        "taken_from": view.taken_from,
        "taken_until": view.taken_until,
        "cover_thumbnail_url": (
            f"{share_photo_path('api:shared-photo-thumbnail', key, cover)}?size=sm"
            if cover
            else None
        ),
        "expires_at": share.expires_at,
        "allow_download": share.allow_download,
        "allow_upload": share.allow_upload,
        "show_location": share.show_location,
    }


@router.post(
    "/shared/{sharekey:key}/unlock",
    response={200: None, **errors(400, 404, 429)},
    url_name="shared-unlock",
)
def shared_unlock(request: HttpRequest, key: str, body: UnlockIn) -> HttpResponse:
    """Unlock a link's password for this client: a cookie sent with every later request."""
    share = share_get_for_unlock(key=key)
    share_unlock(share=share, password=body.password, request=request)
    response = HttpResponse(status=200)
    remember_unlocked(response, share=share, request=request)
    return response


@router.get(
    "/shared/{sharekey:key}/photos",
    response={200: SharedPhotoListOut, **errors(400, 404)},
    url_name="shared-photos",
)
def shared_photos(
    request: HttpRequest,
    key: str,
    limit: QueryEx[int, P(ge=1, le=500)] = 100,
    cursor: str | None = None,
    q: SearchWords = None,
) -> dict[str, Any]:
    """The album's photos, newest taken first, paged by `next_cursor`; `q` searches them
    (by place only where the link shows places)."""
    share = share_get_for_key(key=key, request=request)
    found = search.parse(q, places=share.show_location)
    page = selectors.album_page(album=share.album, limit=limit, cursor=cursor, search=found)
    return {
        "items": [shared_photo_out(photo, share) for photo in page.items],
        "next_cursor": page.next_cursor,
    }


@router.get(
    "/shared/{sharekey:key}/photos/{anyuuid:photo_id}/thumbnail",
    response=errors(400, 404, 503),
    url_name="shared-photo-thumbnail",
)
def shared_photo_thumbnail(
    request: HttpRequest, key: str, photo_id: UUID, size: Literal["sm", "md"] = "sm"
) -> HttpResponseBase:
    """A derivative of one of the album's photos (WebP, no metadata); 404 while it is made."""
    share = share_get_for_key(key=key, request=request)
    photo = share_photo(share=share, photo_id=photo_id)
    response = responses.derivative_response(request=request, photo=photo, size=size)
    if response is None:
        raise ApiError(404, "not_ready", thumbnail_not_ready(size))
    return response


@router.get(
    "/shared/{sharekey:key}/photos/{anyuuid:photo_id}/playback",
    response=errors(404, 416, 503),
    url_name="shared-photo-playback",
)
def shared_photo_playback(request: HttpRequest, key: str, photo_id: UUID) -> HttpResponseBase:
    """One of the album's videos as browsers play it, with Range (links without downloads
    play too: watching is what they are for); a link that hides places blanks the place
    written in the video's bytes."""
    share = share_get_for_key(key=key, request=request)
    photo = share_photo(share=share, photo_id=photo_id)
    return playback_or_404(request, photo, share=share)


@router.get(
    "/shared/{sharekey:key}/photos/{anyuuid:photo_id}/download",
    response=errors(403, 404, 416, 503),
    url_name="shared-photo-download",
)
def shared_photo_download(request: HttpRequest, key: str, photo_id: UUID) -> HttpResponseBase:
    """One original, when the link allows downloads."""
    share = share_get_for_key(key=key, request=request)
    require_download(share)
    photo = share_photo(share=share, photo_id=photo_id)
    response = responses.photo_download_response(request=request, photo=photo, share=share)
    if response.status_code in (200, 206, 302):
        shares.share_record_download(share=share)
    return response


@router.post(
    "/shared/{sharekey:key}/download",
    response=errors(400, 403, 404, 503),
    url_name="shared-download",
)
def shared_download(
    request: HttpRequest,
    key: str,
    body: AlbumDownloadIn,
    layout: Literal["flat", "by-date"] = "flat",
) -> HttpResponseBase:
    """The album (or these of its photos) as one zip, when the link allows downloads."""
    share = share_get_for_key(key=key, request=request)
    require_download(share)
    if body.ids is not None:
        responses.check_zip_size(len(body.ids))
    photos = selectors.album_photos(album=share.album, photo_ids=body.ids)
    response = responses.photos_zip_response(photos=photos, layout=layout, name=share.album.title)
    shares.share_record_download(share=share)
    return response


@router.post(
    "/shared/{sharekey:key}/photos",
    response={201: SharedUploadOut, **errors(400, 403, 404, 413, 415, 503)},
    url_name="shared-upload",
)
def shared_upload(
    request: HttpRequest, key: str, file: File[list[UploadedFile]]
) -> Status[dict[str, Any]]:
    """Add photos to the album, when the link allows uploads: checked like any upload,
    kept in the album owner's library."""
    share = share_get_for_key(key=key, request=request)
    require_upload(share)
    results = shares.share_upload(share=share, files=file)
    items = [shared_photo_out(r.photo, share, duplicate=r.duplicate) for r in results]
    return Status(201, {"items": items})
