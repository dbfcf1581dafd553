"""Places photos were taken in, as GeoNames names them."""

from __future__ import annotations

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
