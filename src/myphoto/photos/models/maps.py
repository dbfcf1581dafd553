"""The map's counts: how many of a user's photos each cell of a grid holds, per zoom level."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class MapCell(models.Model):
    """A cell of the level-`level` grid (squares of 360 / 2**level degrees; x from 180° W
    eastwards, y from 90° S northwards): the user's mapped photos in it, the sums of their
    coordinates (the cluster's centre is their mean) and one of them to show (`cover_id`,
    found again when that photo has gone).

    Kept by the database itself, by triggers on the photos table (`map_sql`), as the
    places' counts are: every way a photo's row changes moves them in the same statement.
    A map of a million photos reads a few hundred of these rows, never the photos.
    """

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="map_cells"
    )
    level = models.SmallIntegerField()
    x = models.IntegerField()
    y = models.IntegerField()
    count = models.IntegerField(default=0)
    lat_sum = models.FloatField(default=0)
    lon_sum = models.FloatField(default=0)
    # No foreign key: a photo's row goes without touching this one (its triggers' work).
    cover_id = models.UUIDField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["owner", "level", "x", "y"], name="map_cell_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.owner_id} L{self.level} ({self.x}, {self.y}): {self.count}"
