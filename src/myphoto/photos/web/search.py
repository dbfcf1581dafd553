"""The search page (a timeline of what the words find) and its suggestions while typing."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from .. import search, selectors
from ..requests import AuthenticatedRequest
from ..selectors import EVERYTHING
from ..templatetags.counts import counted_text
from .tiles import count_and_scrubber
from .timeline import count_noun, kind_of_query, month_of_query, page_query, timeline_response

# Suggestions come from counts of the whole library, which take a moment to make at a
# million photos: each person's are kept this long, a keystroke needing none of them anew.
SUGGESTION_COUNTS_SECONDS = 300
SUGGESTIONS = 8


@login_required
@require_GET
def search_results(request: AuthenticatedRequest) -> HttpResponse:
    """`/search/?q=seoul 2023`: the photos every word finds, as a timeline."""
    words = request.GET.get("q", "").strip()
    try:
        found = selectors.search_of(words, user=request.user)
    except search.InvalidSearch as err:
        messages.error(request, str(err))
        return redirect("timeline")
    if not found:
        return render(request, "photos/search.html", {"q": words, "count": 0, "days": []})
    return timeline_response(
        request,
        template="photos/search.html",
        search=found,
        context={"q": words, "search_query": urlencode({"q": words})},
    )


@login_required
@require_GET
def search_months(request: AuthenticatedRequest) -> HttpResponse:
    """The count and the scrubber of a search's page, which asks for them once its photos
    are shown: counting a common word's months reads every photo it finds."""
    try:
        found = selectors.search_of(request.GET.get("q", ""), user=request.user)
    except search.InvalidSearch as err:
        return HttpResponse(str(err), status=400, content_type="text/plain; charset=utf-8")
    kind = kind_of_query(request.GET.get("kind"))
    try:
        month = month_of_query(request.GET.get("month"))
    except ValueError:
        month = None
    buckets = (
        selectors.timeline_buckets(
            user=request.user, album=None, kind=kind, search=found, place=None, shelf=EVERYTHING
        )
        if found
        else []
    )
    return render(
        request,
        "photos/_search_months.html",
        {
            **count_and_scrubber(buckets, current=month),
            "count_noun": count_noun(kind),
            "page_query": page_query(kind=kind, words=request.GET.get("q", "")),
        },
    )


@login_required
@require_GET
def search_suggestions(request: AuthenticatedRequest) -> JsonResponse:
    """The people named, places and cameras of the library that begin with the last word
    typed, with counts: each suggestion is the whole query with that word completed."""
    typed = request.GET.get("q", "")[:200]
    # Nothing to complete once a word is finished (a space typed after it).
    if not typed.strip() or typed[-1].isspace():
        return JsonResponse({"items": []})
    chunk = typed.split()[-1]
    typing = search.words(chunk)
    if not typing:
        return JsonResponse({"items": []})
    last, before = typing[-1], typed[: len(typed) - len(chunk)]
    items: dict[str, dict[str, object]] = {}  # by query: Singapore the town and the country
    named = [
        (view.person.name, _("Person: %(name)s") % {"name": view.person.name}, view.photo_count)
        for view in selectors.people_for_user(user=request.user, named=True)
    ]
    for name, detail, count in named + _facets(request):
        query = f"{before}{name}".strip()
        if query not in items and any(word.startswith(last) for word in search.words(name)):
            # A camera's detail is its name; a place's, its whole name ("Seoul, South Korea").
            what = _("Camera: %(name)s") % {"name": name} if detail is None else detail
            label = f"{what} · {counted_text(count, 'photo')}"
            items[query] = {"query": query, "label": label, "count": count}
        if len(items) == SUGGESTIONS:
            break
    return JsonResponse({"items": list(items.values())})


def _facets(request: AuthenticatedRequest) -> list[tuple[str, str | None, int]]:
    """(name, its whole name, photos) of the user's towns and countries, and (name, None,
    photos) of their cameras, most photos first."""
    key = f"myphoto:facets:{request.user.pk}"
    facets: list[tuple[str, str | None, int]] | None = cache.get(key)
    if facets is None:
        places = selectors.places_for_user(user=request.user)
        countries = selectors.countries_of(places)
        cameras = selectors.cameras_for_user(user=request.user)
        facets = sorted(
            [(str(view.place.city), str(view.place.name), view.count) for view in places]
            + [(country.country, country.country, country.count) for country in countries]
            + [(camera.name, None, camera.count) for camera in cameras],
            key=lambda facet: -facet[2],
        )
        cache.set(key, facets, SUGGESTION_COUNTS_SECONDS)
    return facets
