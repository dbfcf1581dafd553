"""The search page (a timeline of what the words find) and its suggestions while typing."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import pluralize
from django.views.decorators.http import require_GET

from .. import search, selectors
from ..requests import AuthenticatedRequest
from .timeline import timeline_response

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
        found = search.parse(words)
    except search.InvalidSearch as err:
        messages.error(request, str(err))
        return redirect("timeline")
    if not found:
        return render(request, "photos/search.html", {"q": words, "count": 0, "days": []})
    return timeline_response(
        request, template="photos/search.html", search=found, context={"q": words}
    )


@login_required
@require_GET
def search_suggestions(request: AuthenticatedRequest) -> JsonResponse:
    """Places and cameras of the library that begin with the last word typed, with counts:
    each suggestion is the whole query with that word completed."""
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
    for name, detail, count in _facets(request):
        query = f"{before}{name}".strip()
        if query not in items and any(word.startswith(last) for word in search.words(name)):
            photos = f"{count:,} photo{pluralize(count)}"
            items[query] = {"query": query, "label": f"{detail} · {photos}", "count": count}
        if len(items) == SUGGESTIONS:
            break
    return JsonResponse({"items": list(items.values())})


def _facets(request: AuthenticatedRequest) -> list[tuple[str, str, int]]:
    """(name, what it is, photos) of the user's towns, countries and cameras, most first."""
    key = f"myphoto:facets:{request.user.pk}"
    facets: list[tuple[str, str, int]] | None = cache.get(key)
    if facets is None:
        places = selectors.places_for_user(user=request.user)
        countries = selectors.countries_of(places)
        cameras = selectors.cameras_for_user(user=request.user)
        facets = sorted(
            [(str(view.place.city), str(view.place.name), view.count) for view in places]
            + [(country.country, country.country, country.count) for country in countries]
            + [(camera.name, f"Camera: {camera.name}", camera.count) for camera in cameras],
            key=lambda facet: -facet[2],
        )
        cache.set(key, facets, SUGGESTION_COUNTS_SECONDS)
    return facets
