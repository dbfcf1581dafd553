"""The timeline page, and what every timeline-shaped page shares (`timeline_response`):
the library's, an album's, a search's, a place's. One photo's tile and its own page."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from typing import TypedDict
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from .. import selectors
from ..models import Album, Kind, Place
from ..requests import AuthenticatedRequest
from ..search import Search
from ..selectors import EVERYTHING, Shelf, encode_cursor, month_after, month_start
from ..selectors.map import Box
from .tile_markup import tile_html
from .tiles import count_and_scrubber, tile_for, tiles_by_day

# Photos a page shows, and each scroll loads more of (share links' pages too). A phone adds
# a page to the grid in one task: 120 tiles took up to 117 ms there, 60 about 55.
PAGE_SIZE = 60


class Narrowed(TypedDict):
    """What narrows a timeline page, as the selectors take it."""

    album: Album | None
    kind: Kind | None
    search: Search | None
    place: Place | None
    shelf: Shelf
    box: Box | None


def month_of_query(value: str | None) -> date | None:
    """`2023-10` as the first day of that month; ValueError if it is not a month."""
    if not value:
        return None
    if not re.fullmatch(r"\d{4}-\d{2}", value):
        raise ValueError(value)
    return date(int(value[:4]), int(value[5:]), 1)


def kind_of_query(value: str | None) -> Kind | None:
    """`?kind=video` (or photo) narrows a timeline; anything else shows all."""
    return Kind(value) if value in Kind.values else None


def count_noun(kind: Kind | None) -> str:
    """What a timeline counts: its videos when narrowed to them, else its photos."""
    return "video" if kind == Kind.VIDEO else "photo"


def page_query(*, kind: Kind | None, words: str) -> str:
    """`kind=video&q=seoul&`: what narrows a timeline, for the links to its pages and
    months."""
    return "".join(
        f"{urlencode({name: value})}&" for name, value in (("kind", kind), ("q", words)) if value
    )


@login_required
@require_GET
def timeline(request: AuthenticatedRequest) -> HttpResponse:
    """The timeline page, or for htmx the days of one page and what leads on from them;
    the whole page's top opens with "on this day" (its cards asked for after the page)."""
    top = not (request.htmx or set(request.GET) & {"cursor", "newer", "month", "kind"})
    return timeline_response(
        request, template="photos/timeline.html", context={"memories_later": top}
    )


def timeline_response(
    request: AuthenticatedRequest,
    *,
    template: str,
    album: Album | None = None,
    search: Search | None = None,
    place: Place | None = None,
    shelf: Shelf = EVERYTHING,
    box: Box | None = None,
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
    kind = kind_of_query(request.GET.get("kind"))
    narrowed = Narrowed(album=album, kind=kind, search=search, place=place, shelf=shelf, box=box)
    try:
        month = month_of_query(request.GET.get("month"))
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
            _("That link to a place in the timeline is not valid: here are the newest photos."),
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
        "days": tiles_by_day(page.items, owner_id=user.pk),
        "more_url": request.path,
        "kind": kind or "",
        "page_query": page_query(kind=kind, words=search_words),
        "count_noun": count_noun(kind),
        # Which photos leave the page when archived or brought back (the scripts' Undo).
        "shelf_name": _shelf_name(narrowed),
        "archive_page": shelf.archived is True,
        # A fragment leads on only on the side it was asked for; a page on both.
        "older": page.next_cursor if not (fragment and newer) else None,
        "newer": page.newer_cursor if not (fragment and cursor) else None,
    }
    if newer and not fragment and page.items:
        context["older"] = encode_cursor(page.items[-1])  # without JavaScript: a link down
    context["current_month"] = f"{month:%Y-%m}" if month else ""
    if search and search_words and not fragment:
        # A search's months are counted from its matching rows (half a million for a
        # home town's name): the page asks for them after its photos (`search_months`).
        context["months_later"] = f"{reverse('search-months')}?{context['page_query']}" + (
            f"month={month:%Y-%m}" if month else ""
        )
    elif not fragment or not (cursor or newer):
        # Every whole page, and the first page's fragment (after an upload), show the
        # count: from the kept month counts (an album's: from its rows), never the photos.
        buckets = selectors.timeline_buckets(user=user, **narrowed)
        context.update(count_and_scrubber(buckets, current=month))
    if fragment:
        return render(request, "photos/_days.html", context)
    return render(request, template, context)


def _shelf_name(narrowed: Narrowed) -> str:
    if narrowed["shelf"].archived:
        return "archive"
    whole = narrowed["album"] or narrowed["search"] or narrowed["place"] or narrowed["box"]
    return "" if whole or narrowed["shelf"].favorite else "timeline"


@login_required
@require_GET
def favorites(request: AuthenticatedRequest) -> HttpResponse:
    """The photos with a heart, archived ones too."""
    return timeline_response(request, template="photos/favorites.html", shelf=Shelf(favorite=True))


@login_required
@require_GET
def archive(request: AuthenticatedRequest) -> HttpResponse:
    """The photos kept off the timeline."""
    return timeline_response(request, template="photos/archive.html", shelf=Shelf(archived=True))


@login_required
@require_GET
def photo_tile(request: AuthenticatedRequest, photo_id: UUID) -> HttpResponse:
    """One tile: polled by a tile whose thumbnail is still being made."""
    photo = selectors.photo_get_for_viewer(user=request.user, photo_id=photo_id)
    tile = tile_for(photo, owner_id=request.user.pk)
    return HttpResponse(tile_html(tile))


@login_required
@require_GET
def photo_detail(request: AuthenticatedRequest, photo_id: UUID) -> HttpResponse:
    """A photo with its details: what the viewer shows, as a page of its own."""
    photo = selectors.photo_get_for_viewer(user=request.user, photo_id=photo_id)
    live = selectors.live_motion_of(photo) is not None
    stack = selectors.stack_of(photo) if photo.owner_id == request.user.pk else []
    context = {
        "photo": photo,
        "live": live,
        "raw": stack[1] if stack else None,
        "photo_md_query": photo.derivative_query("md"),
    }
    return render(request, "photos/detail.html", context)
