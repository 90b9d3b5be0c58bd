"""The record that travels from recognition to the event extractor: a place name in the text and the
place it resolved to, with its ranked alternatives (which the event row carries as JSON).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from functools import lru_cache

from dashboard.geo.gazetteer import Gazetteer, Place


@dataclass(frozen=True)
class Toponym:
    """A place name in the text and the place it resolved to (None when no candidate fits).

    Immutable: each stage of the geoparser hands on new records (`dataclasses.replace`), so a
    toponym the caller holds never changes under it."""

    start: int
    end: int
    text: str
    label: str
    is_demonym: bool = False
    place: Place | None = None
    score: float = 0.0
    alternatives: tuple[tuple[Place, float], ...] = ()  # the ranked candidates, best first
    admin_hint: bool = False
    city_hint: bool = False  # "Hama city", "the city of Hama": the town, not the province of its name
    side: str = ""  # "the southern city of X": the side of its country the text puts it on (geo/sides.py)
    state: bool = False  # a demonym that stands for the state: "Turkish forces", "Russian officials"
    embedded: bool = False  # part of an organisation's or a building's name: "Kentucky State Police"
    fallback: bool = False  # placed at the nearest town the text names, not by its name (`nearest_town`)
    inner: bool = False  # found inside a longer name the gazetteer lacks ("Akhtarin Turkmen Bari" → Bari)

    @property
    def resolved(self) -> bool:
        return self.place is not None


def alternatives_json(toponym: Toponym, gazetteer: Gazetteer) -> str:
    """The toponym's ranked candidates as the events table's `alternatives` column, best first: a
    JSON list of one object per candidate, "score" its last member. What `json.dumps` writes for the
    whole list, put together from each place's object written once (`_place_json`): a list is its
    items' texts joined by ", " between brackets, an object its members' by ", " between braces."""
    items = [
        f"{_place_json(p, gazetteer.country_name(p.country_code) if p.country_code else '')}, "
        f'"score": {json.dumps(round(float(score), 3))}}}'
        for p, score in toponym.alternatives
        if p is not None
    ]
    return "[" + ", ".join(items) + "]"


# A candidate's place is written again in every row of every name it may be (~10 per name).
@lru_cache(maxsize=4096)
def _place_json(p: Place, country: str) -> str:
    """The place's object of `alternatives_json` without its score and closing brace."""
    whole = {
        "name": p.name,
        "lat": round(p.latitude, 5),
        "lon": round(p.longitude, 5),
        "geonameid": p.geonameid,
        "feature_code": p.feature_code,
        "country_code": p.country_code,
        "country": country,
        "admin1": p.admin1,
        "geo_precision": p.precision,
    }
    return json.dumps(whole, ensure_ascii=False)[:-1]


def unplace_fallbacks(toponyms: list[Toponym]) -> list[Toponym]:
    """The toponyms as the event extractor takes them: a guess from the story's focus places no
    event ("shelling in Mesraba" in a report on the Geneva talks is not an event in Geneva), so a
    name placed only by the fallback is handed over unknown (its `fallback` flag stays)."""
    return [replace(t, place=None, score=0.0) if t.fallback else t for t in toponyms]
