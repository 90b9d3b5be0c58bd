"""Any gazetteer place by name, for the correction dialog: the geoparser's own candidates are not
always enough (a town of the same name in another country was chosen and the right one is not
among them).

The gazetteer (numpy columns and a name index, no spaCy) is loaded on the first search, not when the
server starts; a sorted list of its name keys answers prefixes ("tell ab" finds Tell Abyad).
"""

from __future__ import annotations

import bisect
import threading
from difflib import SequenceMatcher
from typing import TYPE_CHECKING

import numpy as np

from dashboard.corrections import Alternative

if TYPE_CHECKING:
    from dashboard.geo.gazetteer import Gazetteer

SEARCH_LIMIT = 25
MIN_QUERY = 2  # characters: one letter would list half the world

_lock = threading.Lock()
_loaded: dict = {}


def gazetteer() -> tuple[Gazetteer, list[str]]:
    """The gazetteer and its sorted name keys, loaded once per process."""
    # Imported here: the app does not load the geoparser's package until someone searches.
    from dashboard.geo.gazetteer_cache import load_gazetteer

    with _lock:
        if "gaz" not in _loaded:
            gaz = load_gazetteer()
            _loaded["keys"] = sorted(set(gaz._key_pos) | set(gaz._extra))
            _loaded["gaz"] = gaz
        return _loaded["gaz"], _loaded["keys"]


def as_alternative(gaz: Gazetteer, i: int) -> Alternative:
    p = gaz.place(i)
    return Alternative(
        name=p.name,
        lat=p.latitude,
        lon=p.longitude,
        geonameid=p.geonameid,
        feature_code=p.feature_code,
        country_code=p.country_code,
        country=gaz.country_name(p.country_code) if p.country_code else "",
        admin1=p.admin1,
        geo_precision=p.precision,
    )


def search_places(query: str, limit: int = SEARCH_LIMIT) -> list[tuple[int, Alternative]]:
    """(gazetteer row, place) of the places called `query`, then spelled alike, then starting with
    it; within each, the most populous first. Any country."""
    from dashboard.geo.gazetteer import fold

    key = fold(query or "")
    if len(key) < MIN_QUERY:
        return []
    gaz, keys = gazetteer()
    exact = [p.idx for p in gaz.lookup(query)]
    alike = [p.idx for p in gaz.lookup_spelling(query)]
    prefixed: list[int] = []
    start = bisect.bisect_left(keys, key)
    for k in keys[start : start + 400]:
        if not k.startswith(key):
            break
        prefixed.extend(gaz._ids(k))
    population = gaz.cols["population"]
    # Spelled alike is loose (a consonant skeleton): the closest spellings first.
    alike = sorted(alike, key=lambda i: -SequenceMatcher(None, fold(gaz.cols["name"][i]), key).ratio())[:8]
    by_population = [sorted(dict.fromkeys(g), key=lambda i: -int(population[i])) for g in (exact, prefixed)]
    out: list[int] = []
    for ranked in (by_population[0], alike, by_population[1]):
        for i in ranked:
            if i not in out:
                out.append(i)
            if len(out) >= limit:
                return [(i, as_alternative(gaz, i)) for i in out]
    return [(i, as_alternative(gaz, i)) for i in out]


def place_by_row(i: object) -> Alternative | None:
    """The place of a gazetteer row a search offered (the dialog's value "gaz:<row>"); None if it is no row."""
    gaz, _ = gazetteer()
    try:
        row = int(str(i))
    except (TypeError, ValueError):
        return None
    return as_alternative(gaz, row) if 0 <= row < len(gaz) else None


NEAR_KM = 100.0  # a picked point takes the country and province of a town at most this far away


def nearest_town(lat: float, lon: float) -> tuple[Alternative, float] | None:
    """The populated place nearest to (lat, lon) and its distance in km, or None past NEAR_KM."""
    gaz, _ = gazetteer()
    with _lock:
        if "towns" not in _loaded:
            towns = np.flatnonzero(np.asarray(gaz.cols["feature_class"], dtype=object) == "P")
            _loaded["towns"] = (
                towns,
                np.asarray(gaz.cols["latitude"], float)[towns],
                np.asarray(gaz.cols["longitude"], float)[towns],
            )
        towns, tlat, tlon = _loaded["towns"]
    if towns.size == 0:
        return None
    # Equirectangular distance: exact enough within NEAR_KM; the longitude gap wraps at ±180.
    dlon = (tlon - lon + 180.0) % 360.0 - 180.0
    km = 111.2 * np.hypot(tlat - lat, dlon * np.cos(np.radians((tlat + lat) / 2)))
    i = int(np.argmin(km))
    return (as_alternative(gaz, int(towns[i])), float(km[i])) if km[i] <= NEAR_KM else None


def picked_place(name: str, lat: float, lon: float) -> tuple[Alternative, tuple[Alternative, float] | None]:
    """The place a point picked on the map makes of the toponym `name`: those coordinates, a town's
    precision, and the country and province of the nearest town (if one is within NEAR_KM); and that
    town with its distance (nearest_town)."""
    near = nearest_town(lat, lon)
    town = near[0] if near else None
    return Alternative(
        name=name,
        lat=round(lat, 5),
        lon=round(lon, 5),
        feature_code="PPL",
        geo_precision=1,
        country_code=town.country_code if town else "",
        country=town.country if town else "",
        admin1=town.admin1 if town else "",
    ), near
