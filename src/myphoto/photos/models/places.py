"""Places photos were taken in, as GeoNames names them."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from ..placenames import PlaceName


class Place(models.Model):
    """A town that photos were taken in or near, as GeoNames names it (`geocoding`)."""

    city = models.CharField(max_length=200)
    state = models.CharField(max_length=200, blank=True)
    country = models.CharField(max_length=100)
    country_code = models.CharField(max_length=2)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["country_code", "state", "city"], name="place_unique_name"
            ),
        ]

    def __str__(self) -> str:
        return str(self.name)

    @property
    def name(self) -> PlaceName:
        return PlaceName(self.city, self.state, self.country, self.country_code)


class PlaceCount(models.Model):
    """How many of a user's photos were taken at a place: those the Places page counts (out
    of the trash, online, the archive included; a Live Photo's motion is part of its still).

    Kept by the database itself, by triggers on the photos table (`counting_sql`): every
    way a photo's row changes (an upload, the trash, an edited location, `places --missing`,
    a library going offline, bulk updates) moves the counts in the same statement, which
    no list of call sites in Python could promise. Counting the rows instead took 174 ms at
    a million photos.
    """

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="place_counts"
    )
    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="+")
    count = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["owner", "place"], name="place_count_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.place}: {self.count}"
