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
    from dashboard.geo.gazetteer import load_gazetteer

    with _lock:
        if "gaz" not in _loaded:
            gaz = load_gazetteer()
            _loaded["keys"] = sorted(set(gaz._key_pos) | set(gaz._extra))
            _loaded["gaz"] = gaz
        return _loaded["gaz"], _loaded["keys"]


def as_alternative(gaz: Gazetteer, i: int) -> Alternative:
    p = gaz.place(i)
    return Alternative(name=p.name, lat=p.latitude, lon=p.longitude, geonameid=p.geonameid,
                       feature_code=p.feature_code, country_code=p.country_code,
                       country=gaz.country_name(p.country_code) if p.country_code else "", admin1=p.admin1,
                       geo_precision=p.precision)


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
    for k in keys[start:start + 400]:
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
