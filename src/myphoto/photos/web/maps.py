"""The Map page, and a spot of it opened as a timeline."""

from __future__ import annotations

import math

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from ..requests import AuthenticatedRequest
from ..selectors.map import Box
from .timeline import timeline_response


@login_required
@require_GET
def map_page(request: AuthenticatedRequest) -> HttpResponse:
    """Every photo with GPS on a map, in clusters the server makes for the view."""
    return render(request, "photos/map.html")


def box_of_bounds(value: str) -> Box | None:
    """`south,west,north,east` (a cluster's cell, as the map sends it), or None."""
    try:
        south, west, north, east = (float(part) for part in value.split(","))
    except ValueError:
        return None
    if not all(math.isfinite(number) for number in (south, west, north, east)):
        return None
    return Box.of(west, south, east, north)


@login_required
@require_GET
def map_spot(request: AuthenticatedRequest) -> HttpResponse:
    """The photos of a spot of the map, as a timeline: selection, download, albums."""
    box = box_of_bounds(request.GET.get("bounds", ""))
    if box is None:
        messages.error(request, _("That link to a spot of the map is not valid."))
        return redirect("map")
    return timeline_response(
        request, template="photos/map_spot.html", box=box, context={"box": box}
    )
