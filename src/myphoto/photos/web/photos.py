"""The library's photos on the pages: upload, download (one or many), delete with undo."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_GET, require_POST

from .. import responses, selectors
from ..limits import max_single_upload_bytes
from ..requests import AuthenticatedRequest
from ..services import edits, trash, upload
from ..templatetags.counts import counted_text
from .forms import UploadForm
from .selection import back_to, ticked_photos


@login_required
def upload_photos(request: AuthenticatedRequest) -> HttpResponse:
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            # All or nothing, as the API: one refused file stores none of the request's.
            results = upload.photos_upload(owner=request.user, files=form.cleaned_data["photos"])
        except upload.UploadRejected as err:
            form.add_error("photos", _("Nothing was uploaded. %(reason)s") % {"reason": err})
            return render(
                request,
                "photos/upload.html",
                _upload_context(request, form),
                status=400,
            )
        duplicates = sum(result.duplicate for result in results)
        stored = len(results) - duplicates
        if stored:
            messages.success(
                request, _("Uploaded %(photos)s.") % {"photos": counted_text(stored, "photo")}
            )
        if duplicates:
            messages.info(
                request,
                _("Already in your library: %(photos)s.")
                % {"photos": counted_text(duplicates, "photo")},
            )
        return redirect("timeline")
    return render(request, "photos/upload.html", _upload_context(request, form))


def _upload_context(request: AuthenticatedRequest, form: UploadForm) -> dict[str, object]:
    return {
        "form": form,
        "max_upload_bytes": max_single_upload_bytes(),
        "bytes_used": selectors.usage_of(user=request.user).bytes,
    }


@login_required
@require_POST
def photos_download(request: AuthenticatedRequest) -> HttpResponseBase:
    """One selected photo: the original file. Several: one zip."""
    ids = ticked_photos(request)
    if ids is None:
        return back_to(request, request.POST.get("next"))
    try:
        responses.check_zip_size(len(ids))
    except responses.TooManyForOneZip as err:
        messages.error(request, str(err))
        return redirect("timeline")
    chosen = selectors.photos_get_for_user(user=request.user, photo_ids=ids)
    if len(chosen) == 1:
        return responses.photo_download_response(request=request, photo=chosen[0])
    layout = "by-date" if request.POST.get("layout") == "by-date" else "flat"
    return responses.photos_zip_response(photos=chosen, layout=layout)


@login_required
@require_GET
def photo_download(request: AuthenticatedRequest, photo_id: UUID) -> HttpResponseBase:
    photo = selectors.photo_get_for_viewer(user=request.user, photo_id=photo_id)
    return responses.photo_download_response(request=request, photo=photo)


@login_required
@require_POST
def photos_delete(request: AuthenticatedRequest) -> HttpResponse:
    ids = ticked_photos(request)
    if ids is not None:
        moved = trash.photos_trash(owner=request.user, photo_ids=ids)
        messages.success(
            request,
            _("Moved %(photos)s to the trash.") % {"photos": counted_text(moved, "photo")},
            extra_tags="undo",
        )
        request.session["undo_ids"] = [str(i) for i in ids]
    return redirect("timeline")


# The selection bar's marks, for pages without JavaScript: the edit and what it did.
_MARKS = {
    "favorite": (edits.Edit(favorite=True), gettext_noop("Added %(photos)s to favorites.")),
    "unfavorite": (edits.Edit(favorite=False), gettext_noop("Took %(photos)s out of favorites.")),
    "archive": (
        edits.Edit(archived=True),
        gettext_noop("Archived %(photos)s: they are off the timeline."),
    ),
    "unarchive": (edits.Edit(archived=False), gettext_noop("Put %(photos)s back on the timeline.")),
}


@login_required
@require_POST
def photos_mark(request: AuthenticatedRequest) -> HttpResponse:
    """Favorite or archive the ticked photos, or take them out (the selection bar's buttons
    without JavaScript), and go back to the page."""
    ids = ticked_photos(request)
    mark = _MARKS.get(request.POST.get("mark", ""))
    if ids is not None and mark is None:
        messages.error(request, _("Choose favorite or archive."))
    elif ids is not None and mark is not None:
        edit, done = mark
        updated, _undo = edits.photos_edit(owner=request.user, photo_ids=ids, edit=edit)
        messages.success(request, _(done) % {"photos": counted_text(updated, "photo")})
    return back_to(request, request.POST.get("next"))


@login_required
@require_POST
def photos_undo_delete(request: AuthenticatedRequest) -> HttpResponse:
    ids = request.session.pop("undo_ids", [])
    restored = trash.photos_restore(owner=request.user, photo_ids=ids)
    messages.success(
        request, _("Restored %(photos)s.") % {"photos": counted_text(restored, "photo")}
    )
    # Back to the page it was undone on (the Duplicates page, an album), else the timeline.
    return back_to(request, request.POST.get("next"))
