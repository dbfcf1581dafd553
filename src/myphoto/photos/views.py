"""Web pages: parse the request, call one selector or service, render or redirect."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from typing import TypedDict
from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.template.defaultfilters import pluralize
from django.utils.cache import patch_cache_control
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from . import responses, selectors
from .forms import SelectionForm, TokenForm, UploadForm
from .limits import max_upload_bytes
from .models import Album, Kind, Place
from .requests import AuthenticatedRequest
from .search import Search
from .selectors import encode_cursor, month_after, month_start
from .services import tokens, trash, upload
from .storage import StorageUnavailable, get_storage
from .tiles import scrubber_for, tile_for, tiles_by_day

PAGE_SIZE = 120


class Narrowed(TypedDict):
    """What narrows a timeline page, as the selectors take it."""

    album: Album | None
    kind: Kind | None
    search: Search | None
    place: Place | None


def _month(value: str | None) -> date | None:
    """`2023-10` as the first day of that month; ValueError if it is not a month."""
    if not value:
        return None
    if not re.fullmatch(r"\d{4}-\d{2}", value):
        raise ValueError(value)
    return date(int(value[:4]), int(value[5:]), 1)


@login_required
@require_GET
def timeline(request: AuthenticatedRequest) -> HttpResponse:
    """The timeline page, or for htmx the days of one page and what leads on from them."""
    return timeline_response(request, template="photos/timeline.html")


def timeline_response(
    request: AuthenticatedRequest,
    *,
    template: str,
    album: Album | None = None,
    search: Search | None = None,
    place: Place | None = None,
    context: dict[str, object] | None = None,
) -> HttpResponse:
    """A timeline page (the library's, an album's, a search's or a place's), or for htmx
    the days of one page.

    `?month=2023-10` starts at that month (the scrubber, and the place kept in
    the URL); `?cursor=` asks for the older photos after a page, `?newer=` for
    the newer ones before it, when scrolling up from a month jumped to.
    """
    cursor, newer = request.GET.get("cursor"), request.GET.get("newer")
    search_words = request.GET.get("q", "") if search else ""
    user = request.user
    # `?kind=video` (or photo) narrows the timeline; anything else shows all.
    kind = Kind(request.GET["kind"]) if request.GET.get("kind") in Kind.values else None
    narrowed = Narrowed(album=album, kind=kind, search=search, place=place)
    try:
        month = _month(request.GET.get("month"))
        if newer:
            page = selectors.timeline_newer_page(
                user=user, limit=PAGE_SIZE, cursor=newer, **narrowed
            )
        else:
            page = selectors.timeline_page(
                user=user,
                limit=PAGE_SIZE,
                cursor=cursor,
                taken_before=month_start(month_after(month)) if month else None,
                **narrowed,
            )
    except (selectors.InvalidCursor, ValueError):
        messages.error(
            request,
            "That link to a place in the timeline is not valid: here are the newest photos.",
        )
        return redirect(
            request.path + (f"?{urlencode({'q': search_words})}" if search_words else "")
        )
    # Landed below the top: the newer photos load above as the user scrolls up.
    landed = month and not cursor and page.items
    if landed and selectors.timeline_has_newer(user=user, photo=page.items[0], **narrowed):
        page = replace(page, newer_cursor=encode_cursor(page.items[0]))
    fragment = bool(request.htmx) and not request.htmx.boosted
    context = {
        **(context or {}),
        "days": tiles_by_day(page.items),
        "more_url": request.path,
        "kind": kind or "",
        # What narrows the timeline, for the links to its pages and months.
        "page_query": "".join(
            f"{urlencode({name: value})}&"
            for name, value in (("kind", kind), ("q", search_words))
            if value
        ),
        "count_noun": "video" if kind == Kind.VIDEO else "photo",
        # A fragment leads on only on the side it was asked for; a page on both.
        "older": page.next_cursor if not (fragment and newer) else None,
        "newer": page.newer_cursor if not (fragment and cursor) else None,
    }
    if newer and not fragment and page.items:
        context["older"] = encode_cursor(page.items[-1])  # without JavaScript: a link down
    if not fragment or not (cursor or newer):
        # Every whole page, and the first page's fragment (after an upload), show the
        # count: from the kept month counts (an album's: from its rows), never the photos.
        buckets = selectors.timeline_buckets(user=user, **narrowed)
        context["count"] = sum(bucket.count for bucket in buckets)
        context["scrubber"] = scrubber_for(buckets, current=month)
    if fragment:
        return render(request, "photos/_days.html", context)
    return render(request, template, context)


@login_required
@require_GET
def photo_tile(request: AuthenticatedRequest, photo_id: UUID) -> HttpResponse:
    """One tile: polled by a tile whose thumbnail is still being made."""
    photo = selectors.photo_get_for_viewer(user=request.user, photo_id=photo_id)
    return render(request, "photos/_tile.html", {"tile": tile_for(photo)})


@login_required
@require_GET
def photo_detail(request: AuthenticatedRequest, photo_id: UUID) -> HttpResponse:
    """A photo with its details: what the viewer shows, as a page of its own."""
    photo = selectors.photo_get_for_viewer(user=request.user, photo_id=photo_id)
    live = selectors.live_motion_of(photo) is not None
    return render(request, "photos/detail.html", {"photo": photo, "live": live})


@login_required
def upload_photos(request: AuthenticatedRequest) -> HttpResponse:
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            # All or nothing, as the API: one refused file stores none of the request's.
            results = upload.photos_upload(owner=request.user, files=form.cleaned_data["photos"])
        except upload.UploadRejected as err:
            form.add_error("photos", f"Nothing was uploaded. {err}")
            return render(
                request,
                "photos/upload.html",
                {"form": form, "max_upload_bytes": max_upload_bytes()},
                status=400,
            )
        duplicates = sum(result.duplicate for result in results)
        stored = len(results) - duplicates
        if stored:
            messages.success(request, f"Uploaded {stored} photo{pluralize(stored)}.")
        if duplicates:
            messages.info(
                request,
                f"{duplicates} photo{pluralize(duplicates)} {pluralize(duplicates, 'was,were')} "
                "already in your library.",
            )
        return redirect("timeline")
    return render(
        request,
        "photos/upload.html",
        {"form": form, "max_upload_bytes": max_upload_bytes()},
    )


def _back(request: HttpRequest, target: str | None) -> HttpResponse:
    """Back to `target` if it is a path of this site, else to the timeline: never elsewhere."""
    if (
        target
        and target.startswith("/")
        and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return HttpResponseRedirect(target)
    return redirect("timeline")


def ticked_photos(request: HttpRequest) -> list[UUID] | None:
    """The ticked photos' ids, or None (and a message saying why) if there are none."""
    form = SelectionForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(error) for error in form.errors["ids"]))
        return None
    ids: list[UUID] = form.cleaned_data["ids"]
    return ids


def album_download_response(
    request: HttpRequest, album: Album, *, back: HttpResponse
) -> HttpResponseBase:
    """The ticked photos of the album (one: the original; several: a zip), or with none
    ticked the whole album as one zip named after it; `back` (with a message saying why)
    when the selection or the zip cannot be."""
    ids = None
    if request.POST.getlist("ids"):
        ids = ticked_photos(request)
        if ids is None:
            return back
    photos = selectors.album_photos(album=album, photo_ids=ids)
    try:
        responses.check_zip_size(len(photos))
    except responses.TooManyForOneZip as err:
        messages.error(request, str(err))
        return back
    if ids is not None and len(photos) == 1:
        return responses.photo_download_response(request=request, photo=photos[0])
    layout = "by-date" if request.POST.get("layout") == "by-date" else "flat"
    return responses.photos_zip_response(photos=photos, layout=layout, name=album.title)


@login_required
@require_POST
def photos_download(request: AuthenticatedRequest) -> HttpResponseBase:
    """One selected photo: the original file. Several: one zip."""
    ids = ticked_photos(request)
    if ids is None:
        return _back(request, request.POST.get("next"))
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
            request, f"Moved {moved} photo{pluralize(moved)} to the trash.", extra_tags="undo"
        )
        request.session["undo_ids"] = [str(i) for i in ids]
    return redirect("timeline")


@login_required
@require_POST
def photos_undo_delete(request: AuthenticatedRequest) -> HttpResponse:
    ids = request.session.pop("undo_ids", [])
    restored = trash.photos_restore(owner=request.user, photo_ids=ids)
    messages.success(request, f"Restored {restored} photo{pluralize(restored)}.")
    return redirect("timeline")


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
        messages.success(request, f"Restored {restored} photo{pluralize(restored)}.")
    return redirect("trash")


@login_required
@require_POST
def trash_empty(request: AuthenticatedRequest) -> HttpResponse:
    """Purge the trash once confirmed: by the script's dialog, or by a page of its own."""
    if request.POST.get("confirmed") != "yes":
        return render(request, "photos/trash_confirm.html")
    purged = trash.trash_purge(owner=request.user)
    messages.success(request, f"Deleted {purged} photo{pluralize(purged)} for good.")
    return redirect("trash")


@login_required
def account(request: AuthenticatedRequest) -> HttpResponse:
    """API tokens (create, revoke) and the password."""
    token_form = TokenForm(prefix="token")
    password_form = PasswordChangeForm(request.user, prefix="password")
    new_token = None
    if request.method == "POST" and "token-name" in request.POST:
        token_form = TokenForm(request.POST, prefix="token")
        if token_form.is_valid():
            # Shown on this response only: never stored in clear, never in a cookie.
            _token, new_token = tokens.token_create(
                user=request.user, name=token_form.cleaned_data["name"]
            )
    elif request.method == "POST" and "password-old_password" in request.POST:
        password_form = PasswordChangeForm(request.user, request.POST, prefix="password")
        if password_form.is_valid():
            update_session_auth_hash(request, password_form.save())
            messages.success(request, "Your password has been changed.")
            return redirect("account")
    response = render(
        request,
        "photos/account.html",
        {
            "tokens": selectors.tokens_get_for_user(user=request.user),
            "token_form": token_form,
            "password_form": password_form,
            "new_token": new_token,
        },
    )
    if new_token:
        # The secret is in this page: no cache may keep it, the browser's included.
        patch_cache_control(response, no_store=True)
    return response


@login_required
@require_POST
def token_revoke(request: AuthenticatedRequest, token_id: UUID) -> HttpResponse:
    if not tokens.token_revoke(user=request.user, token_id=token_id):
        raise Http404("No such token.")  # another user's, or none: the same answer
    messages.success(request, "The token is revoked; scripts using it get 401 from now on.")
    return redirect("account")


@require_GET
@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    return JsonResponse({"status": "ok"})


@require_GET
@never_cache
def readyz(request: HttpRequest) -> HttpResponse:
    """Ready when the database and the storage both answer."""
    checks: dict[str, str] = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception as err:  # noqa: BLE001  any failure means not ready; the reason is reported
        checks["database"] = f"error: {err.__class__.__name__}"
    try:
        get_storage().ping()
        checks["storage"] = "ok"
    except StorageUnavailable as err:
        checks["storage"] = f"error: {err}"
    ready = all(value == "ok" for value in checks.values())
    return JsonResponse(
        {"status": "ok" if ready else "unavailable", **checks}, status=200 if ready else 503
    )


def login_locked_out(
    request: HttpRequest, original_response: HttpResponse | None, credentials: object = None
) -> HttpResponse:
    """django-axes' answer once an account or an address has failed too often: the login
    page again, with the time to wait, as 429. A view that has answered the lockout itself
    (a share link's unlock, as JSON) keeps its answer."""
    if original_response is not None and original_response.status_code == 429:
        return original_response
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(
        request,
        "registration/login.html",
        {"form": AuthenticationForm(request), "locked_out_minutes": minutes},
        status=429,
    )
