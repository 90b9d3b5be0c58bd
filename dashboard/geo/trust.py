"""Whether to believe the best candidate: the tests that leave a name unresolved rather than placed
at a namesake abroad (an alternate name only, a village in a country the story never names, a
place the text calls a village that the gazetteer knows only elsewhere).
"""

from __future__ import annotations

import re
from collections import Counter

from dashboard.geo.gazetteer import Place
from dashboard.geo.names import WIDE_CODES, is_generic_name, own_name, without_kind
from dashboard.geo.ranking import Context
from dashboard.geo.toponym import Toponym
from dashboard.rules import Switches


def foreign_small_place(place: Place, ctx: Context) -> bool:
    """A village abroad in a document about one country is more often a local place the gazetteer
    lacks (Madaya, Syria → only Madaya, Myanmar is known) than a foreign one: leave it unresolved.
    A hamlet (under VILLAGE_POPULATION) in a country the document never names is no more likely
    when the document is about several countries (Ash, Kent in a story on the US, Russia and Syria).
    A document is about one country when that country holds more than half of the evidence: one
    that names two countries as often (talks in two capitals) is about neither alone. A region
    across countries ("Kashmir", "Kurdistan", counted under no code) is evidence of no country, as in
    `untrusted_match`: it counts in the whole but never as the one country a story is about (a story
    naming it alone made "Kashmir's Pulwama district" a village abroad, and the gunfight there had
    no row)."""
    total = sum(ctx.countries.values())
    if not total or place.feature_code in ("PCLI", "CONT", "RGN", "OCN", "SEA") or not place.country_code:
        return False
    if ctx.countries.get(place.country_code, 0) > 0 or place.population >= 100_000:
        return False
    most = max((weight for code, weight in ctx.countries.items() if code), default=0)
    return most / total > 0.5 or place.population < VILLAGE_POPULATION


VILLAGE_POPULATION = 10_000


def untrusted_match(place: Place, key: str, others: Counter) -> bool:
    """Whether a candidate is too weakly tied to the name and the document to be trusted: matched
    only through an alternate name (a translation, an old or foreign name: Jibrin → Gaborone,
    Qurtuba → Curitiba), or a bare generic name ("City", "East", "Northern Province"), in a
    country that the document's other names never point to. A division named by its own name and
    its kind ("Ghazni province") is matched by its own name: before, a story whose only other name
    matched a village abroad (that country its one evidence) left the province unresolved, and the
    act it placed had no row. `others` counts the countries the
    rest of the document names (this name's own contribution removed); a document with no other
    country evidence gives no reason to distrust anything. Countries, continents and seas are
    known by many names and stay trusted. A generic name needs both: the place's own name and
    a country the document names."""
    if place.feature_code in WIDE_CODES or not place.country_code:
        return False
    by_own_name = own_name(place, key)
    named = others.get(place.country_code, 0) > 0
    if is_generic_name(key):
        return not (by_own_name and named)
    if place.feature_code == "ADM1" and len(key.replace(" ", "")) <= 3:
        return False  # a province's usual abbreviation: "B.C.", "NSW"
    return _names_a_country(others) and not named and not by_own_name and not _own_name_and_kind(place, key)


def _own_name_and_kind(place: Place, key: str) -> bool:
    """A division named by its own name and its kind ("Ghazni province", "Kherson oblast"): no
    translation, however the gazetteer lists the whole."""
    stem = without_kind(key) if place.feature_class == "A" else None
    return stem is not None and own_name(place, stem)


def _names_a_country(counts: Counter) -> bool:
    """Whether the document's names point to some country: a region across countries ("Kurdistan",
    counted under no code) names none, and a story naming it alone has no country to be foreign to."""
    return any(weight > 0 for code, weight in counts.items() if code)


# "the village of Hatla", "the neighborhood of Fardos", "Katarko village": the text itself calls the
# place a village or a part of a town. "The village of X" only: in "the Salihiah neighbourhood of
# Hasakeh" Hasakeh is the town.
MINOR_BEFORE = re.compile(r"\b(?:the|a)\s+(?:village|hamlet|neighbou?rhood|district|quarter)\s+of\s+$")


# "Katarko village", but not "the Aleppo neighbourhood of Salaheddin", where Aleppo is the town.
MINOR_AFTER = re.compile(r"\s+(?:village|hamlet|neighbou?rhood)\b(?!\s+of\b)")


def called_minor(t: Toponym, text: str | None) -> bool:
    """Whether the text calls the name a village, a hamlet, a neighbourhood or a district (in lower
    case: "District of Columbia" is a name, not a description)."""
    if text is None or t.is_demonym:
        return False
    return bool(MINOR_BEFORE.search(text[max(0, t.start - 40) : t.start]) or MINOR_AFTER.match(text, t.end))


def unnamed_country(place: Place, named: Counter) -> bool:
    """A town in a country the rest of the document never names (demonyms count: "Syrian"), in a
    document that names some. A name the text calls a village or a neighbourhood and that the
    gazetteer knows only as such a town (Hatla → Hatta, India; Fardos → Fardis, Iran; Binan → Biñan,
    the Philippines, in a report on Syria) is a local place the gazetteer lacks, whatever the
    namesake's size; so is a town's name found inside a longer name the gazetteer lacks ("Akhtarin
    Turkmen Bari" → Bari, Italy)."""
    return (
        place.feature_code not in WIDE_CODES
        and place.feature_code not in ("ADM1", "PCLI")
        and bool(place.country_code)
        and _names_a_country(named)
        and named.get(place.country_code, 0) <= 0
    )


TOWN_ABROAD_POPULATION = 100_000


def town_abroad(place: Place, key: str, named: Counter) -> bool:
    """A town (under TOWN_ABROAD_POPULATION people) that bears the text's name only spelled one letter
    apart, in a country the rest of the document never names, in a document that names some: in a
    report on one war such a name is far more often a local place the gazetteer lacks or spells
    otherwise (Zafarana → Zaafarana, Egypt; Hatla → Hatta, India, in reports on Syria) than a foreign
    town the story never situates. A town that bears the name exactly (Cannes in a story on a film
    festival), a city that size or larger, or a town in a country the story names keeps its reading
    (`resolution.town_abroad`)."""
    if place.population >= TOWN_ABROAD_POPULATION or not unnamed_country(place, named):
        return False
    return not own_name(place, key, exact=True)


# The preposition of a place right before a name ("the shelling of X", "in the X"): with one, a name
# the model tags as a person is as likely a place.
_PLACE_PREPOSITION = re.compile(
    r"\b(?:in|of|on|at|near|from|to|into|outside|around|toward|towards)\s+(?:the\s+)?$", re.I
)
# A verb of bombardment right before a name ("Russian forces pounded X", "jets bombed X"): what it
# takes is a place, not a person, whatever the model tagged it. Not "hit", "attacked" or "killed",
# whose objects are people as often.
_BOMBARDED = re.compile(
    r"\b(?:shell(?:ed|s|ing)?|pound(?:ed|s|ing)?|bomb(?:ed|s|ing)?|bombard(?:ed|s|ing)?|strafe[ds]?|strafing|"
    r"struck)\s+(?:the\s+)?$",
    re.I,
)


def after_preposition(text: str | None, start: int) -> bool:
    """Whether a preposition of place, or a verb of bombardment, stands right before the name at
    `start` of `text`: a name the model tags as a person is then as likely a place."""
    if text is None:
        return False
    before = text[max(0, start - 20) : start]
    return _PLACE_PREPOSITION.search(before) is not None or _BOMBARDED.search(before) is not None


def namesake_abroad(
    place: Place, key: str, person: bool, named: Counter, minor: bool, free: bool, switches: Switches
) -> bool:
    """Whether a name's best candidate is a namesake abroad, in a country the document never names:
    for a name the model tags as a person with no preposition of place before it ("a witness named
    Ahmad", not "the shelling of X": `person`, `resolution.person_abroad`), a town
    spelt one letter apart (`town_abroad`), or a name the text calls a village or a neighbourhood
    (`minor`, `resolution.minor_abroad`); `free`: the text puts the name in no container."""
    unnamed = unnamed_country(place, named)
    if switches.on("resolution.person_abroad") and person and unnamed:
        return True
    if switches.on("resolution.town_abroad") and free and town_abroad(place, key, named):
        return True
    return switches.on("resolution.minor_abroad") and minor and unnamed
