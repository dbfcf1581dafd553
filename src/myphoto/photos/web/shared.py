"""The pages of a share link (`/s/<key>`): no account, no app chrome.

Every view starts with `shareaccess.share_get_for_key`, as the API's do.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from .. import selectors
from ..limits import max_single_upload_bytes
from ..models import ShareLink
from ..requests import VisitorRequest
from ..services import shares
from ..shareaccess import (
    DownloadsDisabled,
    ShareLocked,
    UnlockThrottled,
    WrongPassword,
    remember_unlocked,
    require_download,
    share_get_for_key,
    share_get_for_unlock,
    share_unlock,
)
from . import timeline
from .selection import album_download_response
from .tiles import tiles_by_day


def _locked(
    request: HttpRequest, share: ShareLink, error: str = "", status: int = 401
) -> HttpResponse:
    return render(
        request, "photos/shared_locked.html", {"share": share, "error": error}, status=status
    )


def through_key(
    view: Callable[[VisitorRequest, ShareLink], HttpResponseBase],
) -> Callable[[VisitorRequest, str], HttpResponseBase]:
    """The page's share, by `share_get_for_key`; the password page while it is locked."""

    @wraps(view)
    @never_cache  # an album a link shows is nobody's to keep: not a proxy's, not the browser's
    def with_share(request: VisitorRequest, key: str) -> HttpResponseBase:
        try:
            share = share_get_for_key(key=key, request=request)
        except ShareLocked:
            return _locked(request, share_get_for_unlock(key=key))
        return view(request, share)

    return with_share


@require_GET
@through_key
def shared_album(request: VisitorRequest, share: ShareLink) -> HttpResponseBase:
    """The album's grid and viewer; the password page while the link is locked. For htmx,
    the days of one more page."""
    key = share.key
    cursor = request.GET.get("cursor")
    try:
        page = selectors.album_page(album=share.album, limit=timeline.PAGE_SIZE, cursor=cursor)
    except selectors.InvalidCursor:
        return redirect("shared-album", key=key)
    context: dict[str, object] = {
        "days": tiles_by_day(page.items, share=share),
        "older": page.next_cursor,
        "more_url": request.path,
        "share": share,
    }
    if request.htmx and not request.htmx.boosted:
        return render(request, "photos/_days.html", context)
    if not cursor:
        shares.share_record_view(share=share)
    view = selectors.album_view(share.album, user=share.album.owner)
    context.update(
        album=share.album,
        owner=share.album.owner.get_full_name() or share.album.owner.username,
        count=view.photo_count,
        taken_from=view.taken_from,
        taken_until=view.taken_until,
        max_upload_bytes=max_single_upload_bytes(),
        share_api_urls={"upload": reverse("api:shared-upload", kwargs={"key": key})}
        if share.allow_upload
        else {},
    )
    return render(request, "photos/shared_album.html", context)


@require_POST
@never_cache
def shared_unlock(request: HttpRequest, key: str) -> HttpResponse:
    """The password page's form: unlocked for this browser, or the page again saying why."""
    share = share_get_for_unlock(key=key)
    try:
        share_unlock(share=share, password=request.POST.get("password", ""), request=request)
    except WrongPassword as err:
        return _locked(request, share, str(err))
    except UnlockThrottled as err:
        return _locked(request, share, str(err), status=429)
    response = redirect("shared-album", key=key)
    remember_unlocked(response, share=share, request=request)
    return response


@require_POST
@through_key
def shared_download(request: VisitorRequest, share: ShareLink) -> HttpResponseBase:
    """The ticked photos (one: the original; several: a zip), or with none ticked the
    whole album as a zip; only when the link allows downloads."""
    key = share.key
    try:
        require_download(share)
    except DownloadsDisabled as err:
        return HttpResponse(str(err), status=403, content_type="text/plain; charset=utf-8")
    back = redirect("shared-album", key=key)
    response = album_download_response(request, share.album, back=back, share=share)
    if response is not back:
        shares.share_record_download(share=share)
    return response
