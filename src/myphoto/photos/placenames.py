"""A place's name, as photos carry it: no geocoding here, nothing heavy to import."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PlaceName:
    city: str
    state: str
    country: str
    country_code: str

    def __str__(self) -> str:
        """Arezzo, Tuscany, Italy (a city-state once: Singapore, Singapore)."""
        parts = [self.city, self.state, self.country]
        return ", ".join(part for i, part in enumerate(parts) if part and part not in parts[:i])
