"""The library's photos: upload, the timeline, one photo, its bytes, many as a zip."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, Literal
from uuid import UUID

from django.conf import settings
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.utils.translation import gettext
from ninja import P, QueryEx, Router, Status
from ninja.files import UploadedFile
from ninja.params import File, Form
from pydantic import ValidationError

from ...common.service_facts import ServiceFacts
from .. import responses, selectors
from ..links import photo_path
from ..models import Kind, Photo, ShareLink
from ..requests import ApiRequest
from ..services import edits, live, trash, upload
from .errors import ApiError, thumbnail_not_ready
from .schemas.common import IdsIn, errors
from .schemas.edits import MotionIn, PhotoEditIn, ServiceFactsIn
from .schemas.photos import (
    BucketsOut,
    DownloadUrlsIn,
    DownloadUrlsOut,
    IdsOut,
    PhotoListOut,
    PhotoOut,
    UploadOut,
    page_out,
    photo_out,
)
from .validation import pydantic_message

router = Router(tags=["photos"])

# `q`: words to search for, as API.md's "Search" says.
SearchWords = QueryEx[str | None, P(max_length=200)]


@router.post(
    "/photos", response={201: UploadOut, **errors(400, 413, 415, 503)}, url_name="photos-upload"
)
def photos_upload(
    request: ApiRequest,
    file: File[list[UploadedFile]],
    facts: Form[str | None] = None,
) -> Status[dict[str, Any]]:
    """Upload one or more `file` fields; a bad file fails the request and stores nothing.
    `facts` (JSON, with one file): what the service it is imported from knew, which a new
    photo takes where its file says nothing or the service says it was changed."""
    service = _service_facts(facts, files=len(file)) if facts is not None else None
    results = upload.photos_upload(owner=request.auth, files=file, service=service)
    return Status(201, {"items": [photo_out(r.photo, duplicate=r.duplicate) for r in results]})


def _service_facts(facts: str, *, files: int) -> ServiceFacts:
    if files != 1:
        raise ApiError(400, "invalid", gettext("facts go with one file at a time."))
    try:
        document = json.loads(facts)
    except ValueError:
        raise ApiError(400, "invalid", gettext("facts: not JSON.")) from None
    if not isinstance(document, dict):
        raise ApiError(400, "invalid", gettext("facts: a JSON object, please."))
    try:
        parsed = ServiceFactsIn.model_validate(document)
    except ValidationError as err:
        problem = err.errors()[0]
        where = ".".join(str(part) for part in problem["loc"]) or "facts"
        raise ApiError(400, "invalid", f"facts: {where}: {pydantic_message(problem)}") from None
    return parsed.as_facts()


@router.get("/photos", response={200: PhotoListOut, **errors(400, 404)}, url_name="photos-list")
def photos_list(
    request: ApiRequest,
    limit: QueryEx[int, P(ge=1, le=500)] = 100,
    cursor: str | None = None,
    taken_after: datetime | None = None,
    taken_before: datetime | None = None,
    album: UUID | None = None,
    kind: Kind | None = None,
    q: SearchWords = None,
    favorite: bool | None = None,
    archived: bool | None = None,
    person: UUID | None = None,
) -> dict[str, Any]:
    """The timeline: newest taken first, trash and archive excluded, paged by `next_cursor`.

    `taken_after` (inclusive) and `taken_before` (exclusive) narrow it to a period,
    `album` to one of my albums (another's: 404), `kind` to photos or videos, `q` to the
    photos whose file name, camera, place or month and year match every word (archived
    ones too, as in albums), `favorite=true` to favorites, `archived=true` to the archive,
    `person` to the photos one of my people is in (another's: 404).
    """
    found = selectors.search_of(q, user=request.auth)
    if person is not None:
        found = selectors.person_search(
            selectors.person_get_for_user(user=request.auth, person_id=person), found
        )
    page = selectors.timeline_page(
        user=request.auth,
        limit=limit,
        cursor=cursor,
        taken_after=taken_after,
        taken_before=taken_before,
        album=(selectors.album_get_for_user(user=request.auth, album_id=album) if album else None),
        kind=kind,
        search=found,
        shelf=selectors.Shelf(favorite=favorite, archived=archived),
    )
    selectors.people_in(page.items, viewer=request.auth)
    return page_out(page)


@router.get(
    "/timeline/buckets", response={200: BucketsOut, **errors(404)}, url_name="timeline-buckets"
)
def timeline_buckets(
    request: ApiRequest,
    album: UUID | None = None,
    kind: Kind | None = None,
    q: SearchWords = None,
    favorite: bool | None = None,
    archived: bool | None = None,
) -> dict[str, Any]:
    """How many photos each month holds, newest first, in the library's time zone.

    `album` counts one of my albums (another's: 404), `kind` only photos or videos, `q`
    only the photos a search finds, `favorite` and `archived` as in `GET /photos`.
    To jump to a month, ask `GET /photos?taken_before=` the first instant of the next.
    """
    buckets = selectors.timeline_buckets(
        user=request.auth,
        album=selectors.album_get_for_user(user=request.auth, album_id=album) if album else None,
        kind=kind,
        search=selectors.search_of(q, user=request.auth),
        shelf=selectors.Shelf(favorite=favorite, archived=archived),
    )
    return {"buckets": [{"month": f"{b.month:%Y-%m}", "count": b.count} for b in buckets]}


@router.get("/photos/ids", response={200: IdsOut, **errors(400)}, url_name="photo-ids")
def photo_ids(
    request: ApiRequest,
    prefix: QueryEx[str, P(pattern=r"^[0-9a-fA-F-]{4,36}$")],
    trash: bool = False,
) -> dict[str, Any]:
    """Which of my photos (in the trash with `trash=true`) have an id that begins with
    `prefix`: at most two, enough for a command line to know it is one and which."""
    if len(prefix.replace("-", "")) > 32:
        raise ApiError(400, "invalid", gettext("prefix: an id has 32 hexadecimal digits at most."))
    return {
        "ids": selectors.photo_ids_with_prefix(user=request.auth, prefix=prefix, in_trash=trash)
    }


@router.get(
    "/photos/by-hash/{sha256}", response={200: PhotoOut, **errors(404)}, url_name="photo-by-hash"
)
def photo_by_hash(request: ApiRequest, sha256: str) -> dict[str, Any]:
    """Is this content already in my library? 200 with the photo, or 404."""
    return photo_out(selectors.photo_get_by_hash(user=request.auth, sha256=sha256))


@router.post("/photos/download", response=errors(400, 404, 503), url_name="photos-download")
def photos_download(
    request: ApiRequest, body: IdsIn, layout: Literal["flat", "by-date"] = "flat"
) -> HttpResponseBase:
    """Many photos as one zip, streamed; any unknown id makes the whole request a 404."""
    responses.check_zip_size(len(body.ids))
    chosen = selectors.photos_get_for_user(user=request.auth, photo_ids=body.ids)
    return responses.photos_zip_response(photos=chosen, layout=layout)


@router.post(
    "/photos/download-urls",
    response={200: DownloadUrlsOut, **errors(400, 404)},
    url_name="photos-download-urls",
)
def photos_download_urls(request: ApiRequest, body: DownloadUrlsIn) -> dict[str, Any]:
    """Where to fetch each original, in one request: presigned storage URLs in redirect
    mode (valid `expires_in` seconds), else the API's download paths; any unknown id
    makes the whole request a 404."""
    chosen = selectors.photos_get_for_user(user=request.auth, photo_ids=body.ids)
    urls = responses.presigned_urls(chosen)
    return {
        "items": [
            {"id": photo.pk, "url": url or photo_path("api:photo-download", photo.pk)}
            for photo, url in zip(chosen, urls, strict=True)
        ],
        "expires_in": settings.MYPHOTO_PRESIGN_SECONDS,
    }


@router.get(
    "/photos/{anyuuid:photo_id}", response={200: PhotoOut, **errors(404)}, url_name="photo-detail"
)
def photo_detail(request: ApiRequest, photo_id: UUID) -> dict[str, Any]:
    photo = selectors.photo_get_for_viewer(user=request.auth, photo_id=photo_id)
    selectors.people_in([photo], viewer=request.auth)
    return photo_out(photo)


@router.patch(
    "/photos/{anyuuid:photo_id}",
    response={200: PhotoOut, **errors(400, 404)},
    url_name="photo-edit",
)
def photo_edit(request: ApiRequest, photo_id: UUID, body: PhotoEditIn) -> dict[str, Any]:
    """Change one of my photos: favorite, archived, description, `taken_at` (with its
    offset), `location` (`null` clears it), `rotate` (90, -90, 180 degrees further). The
    original's bytes never change."""
    edits.photo_edit(owner=request.auth, photo_id=photo_id, edit=body.as_edit())
    photo = selectors.photo_get_for_user(user=request.auth, photo_id=photo_id)
    selectors.people_in([photo], viewer=request.auth)
    return photo_out(photo)


@router.post(
    "/photos/{anyuuid:photo_id}/motion",
    response={200: PhotoOut, **errors(400, 404)},
    url_name="photo-motion",
)
def photo_motion(request: ApiRequest, photo_id: UUID, body: MotionIn) -> dict[str, Any]:
    """Make one of my videos the motion of this photo (a motion photo whose files do not
    say they go together, as a Pixel's in a Takeout): one Live Photo from then on."""
    live.motion_pair(owner=request.auth, still_id=photo_id, video_id=body.video)
    return photo_out(selectors.photo_get_for_user(user=request.auth, photo_id=photo_id))


@router.delete(
    "/photos/{anyuuid:photo_id}", response={204: None, **errors(404)}, url_name="photo-delete"
)
def photo_delete(request: ApiRequest, photo_id: UUID) -> Status[None]:
    """Move one photo to the trash."""
    photo = selectors.photo_get_for_user(user=request.auth, photo_id=photo_id)
    trash.photos_trash(owner=request.auth, photo_ids=[photo.pk])
    return Status(204, None)


@router.get(
    "/photos/{anyuuid:photo_id}/download", response=errors(404, 416, 503), url_name="photo-download"
)
def photo_download(request: ApiRequest, photo_id: UUID) -> HttpResponseBase:
    """The original bytes under the original name (Range, If-None-Match, redirect mode)."""
    photo = selectors.photo_get_for_viewer(user=request.auth, photo_id=photo_id)
    return responses.photo_download_response(request=request, photo=photo)


@router.get(
    "/photos/{anyuuid:photo_id}/thumbnail",
    response=errors(400, 404, 503),
    url_name="photo-thumbnail",
)
def photo_thumbnail(
    request: ApiRequest, photo_id: UUID, size: Literal["sm", "md"] = "sm"
) -> HttpResponseBase:
    """A derivative: `sm` (400 px) or `md` (1600 px) WebP; 404 while it is being made."""
    photo = selectors.photo_get_for_viewer(user=request.auth, photo_id=photo_id)
    response = responses.derivative_response(request=request, photo=photo, size=size)
    if response is None:
        if photo.derivatives_error:
            raise ApiError(404, "derivatives_failed", photo.derivatives_error)
        raise ApiError(404, "not_ready", thumbnail_not_ready(size))
    return response


@router.get(
    "/photos/{anyuuid:photo_id}/playback",
    response=errors(404, 416, 503),
    url_name="photo-playback",
)
def photo_playback(request: ApiRequest, photo_id: UUID) -> HttpResponseBase:
    """A video as browsers play it (the original, or an H.264 copy made by a job), with
    Range; a Live Photo's motion; 404 for a photo, or while the copy is being made."""
    photo = selectors.photo_get_for_viewer(user=request.auth, photo_id=photo_id)
    return playback_or_404(request, photo)


def playback_or_404(
    request: ApiRequest | HttpRequest, photo: Photo, *, share: ShareLink | None = None
) -> HttpResponseBase:
    response = responses.playback_response(request=request, photo=photo, share=share)
    if response is not None:
        return response
    video = photo if photo.is_video else selectors.live_motion_of(photo)
    if video is None:
        raise ApiError(404, "not_a_video", gettext("This is a photo: it has no playback."))
    if video.derivatives_error:
        raise ApiError(404, "playback_failed", video.derivatives_error)
    raise ApiError(
        404, "not_ready", gettext("The video is being converted for playback; try again soon.")
    )
