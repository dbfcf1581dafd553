"""The Duplicates page: groups of look-alike photos side by side, the best one chosen, and
"Keep this one" for each (the others to the trash, with Undo)."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from ..links import photo_path
from ..models import Photo
from ..requests import AuthenticatedRequest
from ..selectors.duplicates import InvalidDuplicatesCursor, duplicate_groups
from ..services.duplicates import duplicates_resolve
from .forms import SelectionForm

GROUPS_PER_PAGE = 20


@dataclass(frozen=True)
class Candidate:
    """One photo of a group, with what tells the look-alikes apart."""

    photo: Photo
    thumbnail: str
    facts: str  # "4032 × 3024 · 2.9 MB · JPEG · 11 Oct 2023, 14:15"


def _candidate(photo: Photo) -> Candidate:
    taken = photo.taken_at_local
    width, height = photo.shown_size
    kind = photo.content_type.split("/")[-1].upper().replace("QUICKTIME", "MOV")
    return Candidate(
        photo=photo,
        thumbnail=photo_path("api:photo-thumbnail", photo.pk) + photo.derivative_query("sm"),
        facts=(
            f"{width} × {height} · {filesizeformat(photo.size)} · {kind} · "
            f"{formats.date_format(taken, 'DATETIME_FORMAT')}"
        ),
    )


@login_required
@require_GET
def duplicates(request: AuthenticatedRequest) -> HttpResponse:
    try:
        page = duplicate_groups(
            user=request.user, limit=GROUPS_PER_PAGE, cursor=request.GET.get("cursor")
        )
    except InvalidDuplicatesCursor:
        return redirect("duplicates")
    groups = [[_candidate(photo) for photo in group.photos] for group in page.groups]
    return render(
        request, "photos/duplicates.html", {"groups": groups, "next_cursor": page.next_cursor}
    )


@login_required
@require_POST
def duplicates_keep(request: AuthenticatedRequest) -> HttpResponse:
    """Keep the chosen photo of a group and move the group's others to the trash."""
    form = SelectionForm(request.POST)
    try:
        keep = UUID(request.POST.get("keep", ""))
    except ValueError:
        keep = None
    if not form.is_valid() or keep is None or keep not in form.cleaned_data["ids"]:
        messages.error(request, _("Choose the photo to keep."))
        return redirect("duplicates")
    others = [pk for pk in form.cleaned_data["ids"] if pk != keep]
    if not others:
        raise Http404("Nothing else in that group.")
    trashed = duplicates_resolve(owner=request.user, keep=[keep], trash=others)
    messages.success(
        request,
        ngettext(
            "Kept one; moved %(n)s look-alike to the trash.",
            "Kept one; moved %(n)s look-alikes to the trash.",
            trashed,
        )
        % {"n": trashed},
        extra_tags="undo",
    )
    request.session["undo_ids"] = [str(pk) for pk in others]
    return redirect("duplicates")
