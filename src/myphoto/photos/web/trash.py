"""The trash page: restore, or delete for good."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from .. import selectors
from ..requests import AuthenticatedRequest
from ..services import trash
from ..templatetags.counts import counted_text
from .selection import ticked_photos
from .tiles import tile_for
from .timeline import PAGE_SIZE


@login_required
@require_GET
def trash_list(request: AuthenticatedRequest) -> HttpResponse:
    try:
        page = selectors.trash_page(
            user=request.user, limit=PAGE_SIZE, cursor=request.GET.get("cursor")
        )
    except selectors.InvalidCursor:
        return redirect("trash")
    return render(
        request,
        "photos/trash.html",
        {
            "tiles": [tile_for(photo) for photo in page.items],
            "next_cursor": page.next_cursor,
            "trash_days": settings.MYPHOTO_TRASH_DAYS,
        },
    )


@login_required
@require_POST
def trash_restore(request: AuthenticatedRequest) -> HttpResponse:
    ids = ticked_photos(request)
    if ids is not None:
        restored = trash.photos_restore(owner=request.user, photo_ids=ids)
        messages.success(
            request, _("Restored %(photos)s.") % {"photos": counted_text(restored, "photo")}
        )
    return redirect("trash")


@login_required
@require_POST
def trash_empty(request: AuthenticatedRequest) -> HttpResponse:
    """Purge the trash once confirmed: by the script's dialog, or by a page of its own."""
    if request.POST.get("confirmed") != "yes":
        return render(request, "photos/trash_confirm.html")
    purged = trash.trash_purge(owner=request.user)
    messages.success(
        request, _("Deleted %(photos)s for good.") % {"photos": counted_text(purged, "photo")}
    )
    return redirect("trash")
