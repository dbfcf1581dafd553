"""Where and with what the photos were taken: places, countries and cameras, with counts."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from django.db.models import Count, OuterRef, QuerySet, Subquery, UUIDField
from django.http import Http404
from django.utils.translation import gettext

from ..models import Photo, Place, PlaceCount, User, camera_name


@dataclass(frozen=True)
class PlaceView:
    """A place as the Places page shows it to one person: how many of their photos were
    taken there (out of the trash), and the newest as its cover."""

    place: Place
    count: int
    cover: UUID


def places_for_user(*, user: User, country_code: str | None = None) -> list[PlaceView]:
    """The places of the user's photos (of one country, if given), most photos first.

    Counted by the database as photos change (`PlaceCount`); a cover is one seek in the
    photo_places index per place.
    """
    kept = PlaceCount.objects.filter(owner=user, count__gt=0)
    if country_code is not None:
        kept = kept.filter(place__country_code=country_code)
    counts = dict(kept.values_list("place_id", "count"))
    photos = Photo.objects.visible().filter(owner=user, part_of__isnull=True, place__isnull=False)
    newest = photos.filter(place=OuterRef("pk")).order_by("-taken_at", "-id").values("pk")[:1]
    places = Place.objects.filter(pk__in=counts).annotate(
        cover=Subquery(newest, output_field=UUIDField())
    )
    views = [PlaceView(place, counts[place.pk], place.cover) for place in places]
    return sorted(views, key=lambda view: (-view.count, view.place.city))


@dataclass(frozen=True)
class CountryView:
    country_code: str
    country: str
    count: int
    cities: int
    cover: UUID


def countries_of(places: list[PlaceView]) -> list[CountryView]:
    """The countries of these places (`places_for_user`), most photos first, each with the
    cover of its place with the most photos."""
    by_country: dict[str, list[PlaceView]] = {}
    for view in places:
        by_country.setdefault(view.place.country_code, []).append(view)
    countries = [
        CountryView(
            code,
            views[0].place.country,
            sum(view.count for view in views),
            len(views),
            views[0].cover,
        )
        for code, views in by_country.items()
    ]
    return sorted(countries, key=lambda country: (-country.count, country.country))


def place_get_for_user(*, user: User, place_id: int | str) -> Place:
    """A place where the user has taken photos, or Http404 (also for anyone else's)."""
    try:
        place = Place.objects.get(pk=place_id)
    except (Place.DoesNotExist, ValueError, TypeError):
        raise Http404(gettext("No such place.")) from None
    mine = Photo.objects.visible().filter(owner=user, place=place, part_of__isnull=True)
    if not mine.exists():
        raise Http404(gettext("No such place."))
    return place


@dataclass(frozen=True)
class CameraView:
    name: str
    count: int


def cameras_for_user(*, user: User) -> list[CameraView]:
    """The cameras of the user's photos, most photos first (from the photo_cameras index)."""
    photos = Photo.objects.visible().filter(owner=user, part_of__isnull=True)
    counted = (
        photos.exclude(camera_make="", camera_model="")
        .order_by()
        .values("camera_make", "camera_model")
        .annotate(n=Count("pk"))
        .values_list("camera_make", "camera_model", "n")
    )
    named: dict[str, int] = {}
    for make, model, count in counted:
        name = camera_name(make, model)
        if name:
            named[name] = named.get(name, 0) + count
    return sorted(
        (CameraView(name, count) for name, count in named.items()),
        key=lambda camera: (-camera.count, camera.name),
    )


def photos_to_locate(*, missing_only: bool) -> QuerySet[Photo]:
    """Photos (trash included) with GPS: all of them, or those with no place yet (uploaded
    before places were named, or far from any town when looked up)."""
    located = Photo.objects.filter(gps_lat__isnull=False, gps_lon__isnull=False)
    if missing_only:
        located = located.filter(place__isnull=True)
    return located.only("pk", "gps_lat", "gps_lon", "place", "place_text")
