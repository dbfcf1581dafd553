"""The People pages: the people in my photos, and each one's photos as a timeline, with
their name, hiding, merging and "not this person". Mine alone: never a share link's."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from .. import selectors
from ..requests import AuthenticatedRequest
from ..services import people
from .timeline import timeline_response


@login_required
@require_GET
def people_page(request: AuthenticatedRequest) -> HttpResponse:
    """Everyone seen in two photos or more (or named), most photos first; hidden ones apart."""
    context = {
        "people": selectors.people_for_user(user=request.user),
        "hidden_people": selectors.people_for_user(user=request.user, hidden=True),
    }
    return render(request, "photos/people.html", context)


@login_required
@require_GET
def person_page(request: AuthenticatedRequest, person_id: UUID) -> HttpResponse:
    """A person's photos as a timeline, with their name, their faces and what to do."""
    view = selectors.person_view(user=request.user, person_id=person_id)
    others = [
        other
        for other in selectors.people_for_user(user=request.user)
        if other.person.pk != view.person.pk
    ]
    return timeline_response(
        request,
        template="photos/person.html",
        search=selectors.person_search(view.person),
        context={"person": view, "others": others, "faces": selectors.faces_of(view.person)},
    )


@login_required
@require_POST
def person_edit(request: AuthenticatedRequest, person_id: UUID) -> HttpResponse:
    """Name a person, or hide or show them again."""
    hidden = {"hide": True, "show": False}.get(request.POST.get("hidden", ""))
    name = request.POST.get("name")
    try:
        person = people.person_edit(
            owner=request.user, person_id=person_id, name=name, hidden=hidden
        )
    except people.InvalidPerson as err:
        messages.error(request, str(err))
        return redirect("person", person_id=person_id)
    if hidden is True:
        messages.success(request, _("Hidden from People. Their photos stay where they are."))
        return redirect("people")
    return redirect("person", person_id=person.pk)


@login_required
@require_POST
def person_merge(request: AuthenticatedRequest, person_id: UUID) -> HttpResponse:
    """ "Same person as…": this person's faces join the one chosen, whose page follows."""
    into = request.POST.get("into", "")
    try:
        kept = people.people_merge(owner=request.user, into_id=into, person_ids=[person_id])
    except people.InvalidPerson as err:
        messages.error(request, str(err))
        return redirect("person", person_id=person_id)
    messages.success(request, _("Merged: one person now."))
    return redirect("person", person_id=kept.pk)


@login_required
@require_POST
def face_move_out(request: AuthenticatedRequest, face_id: UUID) -> HttpResponse:
    """ "Not this person": the face leaves the person whose page it was on."""
    face = selectors.face_get_for_user(user=request.user, face_id=face_id)
    was = face.person_id
    people.face_move_out(owner=request.user, face_id=face.pk)
    messages.success(request, _("Taken out. That face is nobody's you know for now."))
    return redirect("person", person_id=was) if was else redirect("people")
