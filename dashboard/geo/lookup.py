"""Which gazetteer places a name may mean: the candidates a geopy-contract geocoder answers, as Places."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from geopy.location import Location

from dashboard.geo.gazetteer import Gazetteer, Place, fold
from dashboard.geo.geocoder import PlaceSource, location_to_place
from dashboard.geo.names import contained_name, starts_alike
from dashboard.geo.toponym import Toponym


def candidates(name: str, geocoder: Any, gazetteer: Gazetteer, spelling: bool = True) -> list[Place]:
    """The places a name may mean, as Places: straight from a `PlaceSource` (the offline gazetteer),
    else from any geopy-contract geocoder (`exactly_one=False`)."""
    found = geocoder.places(name) if isinstance(geocoder, PlaceSource) else _geopy_places(name, geocoder)
    if not found:
        # Transliterations vary (Sheikhun/Shaykhun, Deir ez-Zor/Dayr az Zawr): try the spelling-blind key.
        return gazetteer.lookup_spelling(name) if spelling else []
    return found


def _geopy_places(name: str, geocoder: Any) -> list[Place]:
    found = geocoder.geocode(name, exactly_one=False)
    if not found:
        return []
    return [location_to_place(loc, name) for loc in ([found] if isinstance(found, Location) else found)]


@dataclass(frozen=True)
class Lookup:
    """Every name of a document looked up once: its candidates by folded name, which names were found
    as spelled (not by the spelling-blind key), and which by the known place inside them."""

    cands: dict[str, list[Place]]
    spelled_exactly: frozenset[str]
    matched_as: dict[str, str]  # names looked up by the known place inside them ("Belfast Court")

    def name_of(self, key: str) -> str:
        """The name a candidate is matched against: the place inside it when it was looked up by that."""
        return self.matched_as.get(key, key)


def lookup_names(toponyms: list[Toponym], geocoder: Any, gazetteer: Gazetteer) -> Lookup:
    """The candidates of every name that is not a demonym, each name looked up once: as spelled, then
    by its spelling-blind key, then by the known place inside it."""
    cands: dict[str, list[Place]] = {}
    spelled_exactly: set[str] = set()
    matched_as: dict[str, str] = {}
    for t in toponyms:
        key = fold(t.text)
        if t.is_demonym or key in cands:
            continue
        cands[key] = candidates(t.text, geocoder, gazetteer, spelling=False)
        if cands[key]:
            spelled_exactly.add(key)
        else:
            # A spelling-blind match must at least start like the name (Arabic article aside):
            # the consonant skeleton alone pairs unrelated places (Mesraba with Musselburgh,
            # "Raqqa At least" with Rockwell City, Ash Shairat with Charlotte).
            cands[key] = [p for p in gazetteer.lookup_spelling(t.text, short=True) if starts_alike(p, key)]
        if not cands[key]:
            inner = contained_name(t.text, gazetteer)
            if inner is not None:
                cands[key] = candidates(inner, geocoder, gazetteer, spelling=False)
                spelled_exactly.add(key)
                matched_as[key] = fold(inner)
    return Lookup(cands, frozenset(spelled_exactly), matched_as)
