"""A region named after its city: "the Odesa region" is the province whose centre Odesa is.

Ukraine's oblasts, Russia's oblasts and many provinces elsewhere are called after their main city in
the news ("the Odesa region", "the Zaporizhzhia region"), while the gazetteer's province table names
them otherwise ("Odeska", "Zaporizka"): no province bears the text's name, the town does, and the
text said "region". The town's province (the one GeoNames files it under, `gazetteer_admin1`) is
meant when the town is that province's centre: it holds a large share of the province's people
(Odesa about two fifths of the towns of its oblast). A small town's "region" is its surroundings, not
its province ("the region of a village" stays the village). Rule `resolution.region_of_city`.
"""

from __future__ import annotations

import re
from dataclasses import replace

from dashboard.geo.gazetteer import Gazetteer
from dashboard.geo.names import WORDS
from dashboard.geo.toponym import Toponym
from dashboard.wordlists import word_set

# The share of its province's people a town holds to be the centre the province is named after.
CENTRE_SHARE = 1 / 3
# The words that call a name a first-level division's (words.toml `region_words`): not "district" (a
# city's quarter: "a Homs district") nor "countryside" ("Damascus countryside" is another province).
_WORDS = "|".join(sorted(word_set(WORDS, "region_words")))
_AFTER = re.compile(rf"\s+(?:{_WORDS})\b", re.I)
_BEFORE = re.compile(rf"\b(?:{_WORDS})\s+of\s+$", re.I)


def regions_of_cities(toponyms: list[Toponym], gazetteer: Gazetteer, text: str) -> list[Toponym]:
    """Each toponym the text calls a region or a province ("the X region", "X province", "the
    province of X") that resolved to a town which is its province's centre, placed at that province."""
    return [_region_of(t, gazetteer, text) for t in toponyms]


def _region_of(t: Toponym, gazetteer: Gazetteer, text: str) -> Toponym:
    town = t.place
    if not t.admin_hint or town is None or town.feature_class != "P" or not town.admin1:
        return t
    if not (_AFTER.match(text, t.end) or _BEFORE.search(text[max(0, t.start - 30) : t.start])):
        return t
    province = gazetteer.admin1_place(town.country_code, town.admin1)
    if province is None or not province.population or town.population < CENTRE_SHARE * province.population:
        return t
    return replace(t, place=province)
