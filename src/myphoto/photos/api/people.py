"""People: the faces in my photos grouped by whom they show; named, hidden, merged."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.http import HttpResponse
from ninja import Router

from .. import selectors
from ..requests import ApiRequest
from ..services import faces, people
from .schemas.common import errors
from .schemas.people import MergeIn, PeopleOut, PersonEditIn, PersonOut, person_out

router = Router(tags=["people"])


@router.get("/people", response={200: PeopleOut, **errors()}, url_name="people")
def people_list(request: ApiRequest, hidden: bool = False) -> dict[str, Any]:
    """The people in my photos, in most photos first: those in two photos or more, or
    named; `hidden=true` lists those I hid instead."""
    found = selectors.people_for_user(user=request.auth, hidden=hidden)
    return {"items": [person_out(view) for view in found]}


@router.get(
    "/people/{anyuuid:person_id}", response={200: PersonOut, **errors(404)}, url_name="person"
)
def person_detail(request: ApiRequest, person_id: UUID) -> dict[str, Any]:
    return person_out(selectors.person_view(user=request.auth, person_id=person_id))


@router.patch(
    "/people/{anyuuid:person_id}",
    response={200: PersonOut, **errors(400, 404)},
    url_name="person-edit",
)
def person_edit(request: ApiRequest, person_id: UUID, body: PersonEditIn) -> dict[str, Any]:
    """Name a person (`""` takes the name away) or hide them (`hidden`)."""
    people.person_edit(owner=request.auth, person_id=person_id, name=body.name, hidden=body.hidden)
    return person_out(selectors.person_view(user=request.auth, person_id=person_id))


@router.post(
    "/people/{anyuuid:person_id}/merge",
    response={200: PersonOut, **errors(400, 404)},
    url_name="person-merge",
)
def person_merge(request: ApiRequest, person_id: UUID, body: MergeIn) -> dict[str, Any]:
    """Make the people `ids` one with this person: their faces, and their name if this
    person has none. Merging a person into themselves is a 400; another's person a 404."""
    people.people_merge(owner=request.auth, into_id=person_id, person_ids=body.ids)
    return person_out(selectors.person_view(user=request.auth, person_id=person_id))


@router.get(
    "/faces/{anyuuid:face_id}/crop", response={200: None, **errors(404)}, url_name="face-crop"
)
def face_crop(request: ApiRequest, face_id: UUID) -> HttpResponse:
    """A face of my photos, square (WebP, 192 pixels)."""
    face = selectors.face_get_for_user(user=request.auth, face_id=face_id)
    response = HttpResponse(faces.face_crop(face), content_type="image/webp")
    # A face's box never changes (found again, it is another face).
    response["Cache-Control"] = "private, max-age=31536000, immutable"
    return response
