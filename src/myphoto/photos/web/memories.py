"""On this day: the cards above the timeline and a memory's own page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from .. import selectors
from ..links import photo_path
from ..requests import AuthenticatedRequest
from .dates import day_heading
from .tiles import tiles_by_day


@dataclass(frozen=True)
class Card:
    """A memory above the timeline: where it leads, its cover, how long ago, how many."""

    href: str
    thumbnail: str  # "" until the cover's thumbnail is made
    years_ago: int
    count: int


def memory_cards(memories: list[selectors.Memory]) -> list[Card]:
    cards = []
    for found in memories:
        cover = next((photo for photo in found.photos if photo.favorite), found.photos[0])
        thumbnail = photo_path("api:photo-thumbnail", cover.pk) + cover.derivative_query("sm")
        cards.append(
            Card(
                href=reverse("memory", kwargs={"day": found.day.isoformat()}),
                thumbnail=thumbnail if cover.derivatives_ready else "",
                years_ago=found.years_ago,
                count=len(found.photos),
            )
        )
    return cards


@login_required
@require_GET
def memories_cards(request: AuthenticatedRequest) -> HttpResponse:
    """On this day's cards, asked for by the timeline once it is shown: a day of 20 years
    is thousands of rows to choose from, which the timeline's own first paint never waits
    for."""
    found = selectors.memories_on(user=request.user, day=timezone.localdate())
    return render(request, "photos/_memories.html", {"memory_cards": memory_cards(found)})


@login_required
@require_GET
def memory(request: AuthenticatedRequest, day: str) -> HttpResponse:
    """A few photos of that day, with the viewer and its slideshow; 404 for a day with none
    (or no day at all)."""
    try:
        when = date.fromisoformat(day)
    except ValueError as err:
        raise Http404 from err
    found = selectors.memory_on(user=request.user, day=when)
    if found is None:
        raise Http404
    context = {
        "memory": found,
        "heading": day_heading(found.day),
        "days": tiles_by_day(found.photos, owner_id=request.user.pk),
        "count": len(found.photos),
        "month": f"{found.day:%Y-%m}",
    }
    return render(request, "photos/memory.html", context)
