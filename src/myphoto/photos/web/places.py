"""The Places pages: the countries of the library, their towns, each town's timeline."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from .. import selectors
from ..requests import AuthenticatedRequest
from .timeline import timeline_response


@login_required
@require_GET
def places(request: AuthenticatedRequest) -> HttpResponse:
    """The countries my photos were taken in, each with a count and a cover."""
    countries = selectors.countries_of(selectors.places_for_user(user=request.user))
    return render(request, "photos/places.html", {"countries": countries})


@login_required
@require_GET
def country(request: AuthenticatedRequest, country_code: str) -> HttpResponse:
    """The towns of one country my photos were taken in."""
    towns = selectors.places_for_user(user=request.user, country_code=country_code.upper())
    if not towns:
        raise Http404("No photos from there.")
    return render(
        request,
        "photos/country.html",
        {"towns": towns, "country": towns[0].place.country, "count": sum(t.count for t in towns)},
    )


@login_required
@require_GET
def place_timeline(request: AuthenticatedRequest, country_code: str, place_id: int) -> HttpResponse:
    """The photos taken in one town, as a timeline."""
    place = selectors.place_get_for_user(user=request.user, place_id=place_id)
    if place.country_code != country_code.upper():
        return redirect("place", country_code=place.country_code, place_id=place.pk)
    return timeline_response(
        request,
        template="photos/place.html",
        place=place,
        context={"place": place, "place_query": urlencode({"place": place.pk})},
    )
