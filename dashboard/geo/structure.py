"""What the text says between two names: "Idlib, Syria" (the second contains the first), "the
Ferdous district of Aleppo" (one is a part of the other's town), and which town is named nearest
to a name that could not be placed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace

from dashboard.geo.gazetteer import Place, fold, haversine_km
from dashboard.geo.names import ADMIN_WORDS
from dashboard.geo.toponym import Toponym


def _neighbours(toponyms: list[Toponym], text: str | None) -> Iterator[tuple[int, int, str]]:
    """Each name (index) and the next one in the text, with the text between them."""
    if text is None:
        return
    order = sorted(range(len(toponyms)), key=lambda i: toponyms[i].start)
    for a, b in zip(order, order[1:], strict=False):
        yield a, b, text[toponyms[a].end : toponyms[b].start]


def containers(toponyms: list[Toponym], text: str | None) -> dict[int, int]:
    """ "Edmonton, Ky." / "Idlib, Syria": the second name contains the first (index → index)."""
    return {
        a: b
        for a, b, between in _neighbours(toponyms, text)
        if re.fullmatch(r"\s*,\s*", between) or re.fullmatch(r"\s+\(\s*", between)
    }


# "the Ferdous neighbourhood of east Aleppo", "the east Aleppo district of Marjeh", "Aleppo's Ferdous
# district": one name is a part of the town the other names (which is which: see `district_pairs`).
PART_WORDS = r"(?:neighbou?rhoods?|districts?|quarters?|suburbs?)"


# Up to four words between, a demonym only before "city" or "town": "the X neighbourhood of the
# Syrian city of Y".
PART_BETWEEN = re.compile(
    rf"\s+{PART_WORDS}\s+(?:of|in)\s+(?:(?:[a-z][\w-]*|[A-Z][a-z]+(?=\s+(?:city|town)\b))\s+){{0,4}}"
)


PART_AFTER = re.compile(rf"\s+{PART_WORDS}\b")


PART_NEAR_KM = 30.0  # a town's neighbourhoods and suburbs lie within this of its point


PART_TOWN_POPULATION = 100_000  # the part is the smaller name; the whole is a town at least this big


def district_pairs(toponyms: list[Toponym], text: str | None) -> list[tuple[int, int]]:
    """Pairs of names (index, index) that the text makes one part of the other by a neighbourhood,
    district, quarter or suburb word; which one is the town is left to `part_of_town`. A demonym
    between them ("the X district of the Syrian city of Y") is no part of either."""
    names = [t for t in toponyms if not t.is_demonym]
    index = {id(t): i for i, t in enumerate(toponyms)}
    return [
        (index[id(names[a])], index[id(names[b])])
        for a, b, between in _neighbours(names, text)
        if PART_BETWEEN.fullmatch(between)
        or re.fullmatch(r"['’]s\s+", between)
        and PART_AFTER.match(text or "", names[b].end)
    ]


def _whole(place: Place | None) -> bool:
    """A place that has districts: a town of PART_TOWN_POPULATION or more, or a province ("the east
    Aleppo district of Marjeh" when the model reads "east Aleppo" as the governorate)."""
    return place is not None and (
        place.feature_class == "P"
        and place.population >= PART_TOWN_POPULATION
        or place.feature_code in ("ADM1", "ADM2")
    )


def part_of_town(pair: tuple[int, int], toponyms: list[Toponym]) -> tuple[int, int] | None:
    """(part, whole) of a district pair: the whole is the name resolved to a town or province
    (`_whole`), the part the other one; None when that does not tell them apart."""
    wholes = [i for i in pair if _whole(toponyms[i].place)]
    if len(wholes) == 2:  # both could hold districts (X a city abroad): the part is the smaller name
        wholes = [max(pair, key=lambda i: toponyms[i].place.population)]  # type: ignore[union-attr]
    if len(wholes) != 1:
        return None
    whole = wholes[0]
    return (pair[1] if whole == pair[0] else pair[0]), whole


def _in_whole(place: Place, whole: Place) -> bool:
    if whole.feature_class == "P":
        return haversine_km(place.latitude, place.longitude, whole.latitude, whole.longitude) <= PART_NEAR_KM
    return _inside(place, [whole])


def keep_parts_in_their_town(
    toponyms: list[Toponym], pairs: list[tuple[int, int]]
) -> tuple[list[Toponym], dict[str, tuple[Place | None, float]]]:
    """A neighbourhood of a named town is in that town: its best candidate inside the town (within
    PART_NEAR_KM) or the province, else none (the nearest-town fallback may then place it in the
    town, flagged). Ferdous, a district of Aleppo, is not Ferdows in Iran. Returns the toponyms with
    the parts so placed, and the settled sense of each such name (folded), for its other mentions."""
    out = list(toponyms)
    settled: dict[str, tuple[Place | None, float]] = {}
    for pair in pairs:
        split = part_of_town(pair, out)
        if split is None:
            continue
        part, whole = out[split[0]], out[split[1]].place
        near = [(p, sc) for p, sc in part.alternatives if _in_whole(p, whole)]  # type: ignore[arg-type]
        place, score = near[0] if near else (None, 0.0)
        out[split[0]] = replace(part, place=place, score=score)
        settled[fold(part.text)] = (place, score)
    return out, settled


def _inside(place: Place, container: list[Place]) -> bool:
    for c in container:
        if c.feature_code == "PCLI" and place.country_code == c.country_code and place.feature_code != "PCLI":
            return True
        if c.feature_code == "ADM1" and place.country_code == c.country_code and fold(place.admin1) == fold(c.name):
            return True
        if c.feature_code == "ADM2" and place.country_code == c.country_code and fold(place.admin2) == fold(c.name):
            return True
    return False


def narrowed_options(
    i: int,
    toponyms: list[Toponym],
    cands: dict[str, list[Place]],
    contained_by: dict[int, int],
    contains: dict[int, int],
) -> list[Place]:
    """The candidates of toponym i, narrowed by the name that contains it or that it contains."""
    t = toponyms[i]
    options = cands.get(fold(t.text), [])
    if i in contained_by:
        outer = toponyms[contained_by[i]]
        outer_cands = [outer.place] if outer.is_demonym and outer.place else cands.get(fold(outer.text), [])
        # "in Russia, U.S. officials said": two countries side by side are a list, not Russia, Ohio.
        if not (_has_country(options) and _has_country(outer_cands)):
            inside = [p for p in options if _inside(p, outer_cands)]
            options = inside or options
    if i in contains:
        # "Atlanta, Georgia": the container is the Georgia that holds an Atlanta.
        inner = cands.get(fold(toponyms[contains[i]].text), [])
        holding = [c for c in options if any(_inside(p, [c]) for p in inner)]
        options = holding or options
    return options


def _has_country(places: list[Place]) -> bool:
    return any(p.feature_code == "PCLI" for p in places)


def nearest_town(towns: list[Toponym], offset: int) -> Place | None:
    """The place of the town (or district) named nearest to `offset` in the text, the earlier on a tie;
    None when there is none. Countries and provinces are too coarse to place a street."""
    if not towns:
        return None
    return min(towns, key=lambda t: (abs(t.start - offset), t.start)).place


# "Hader in Quneitra province", "Kafr Nabl in rural Idlib", "a village in the northern Hama
# countryside", "in Syria's Idlib province": the words between a name and a province that the text
# says it lies in (a possessive country and up to three lower-case words: "northern", "the", "rural").
_IN_BEFORE = re.compile(r"\s(?:in|inside)\s+(?:the\s+)?(?:[A-Z][\w-]*['’]s\s+)?(?:[a-z-]+\s+){0,3}$")
_RURAL_BEFORE = re.compile(r"\b(?:rural|countryside\s+of)\s+(?:the\s+)?$", re.I)


def _names_a_province(t: Toponym, text: str) -> bool:
    """Whether the text calls the name a province: a province word after or before it ("Idlib
    province", "the province of Idlib", "Hama countryside"), inside the entity ("Quneitra province"),
    or "rural" before it ("rural Idlib")."""
    words = fold(t.text).split()
    return (
        t.admin_hint
        or bool(words)
        and words[-1] in ADMIN_WORDS
        or bool(_RURAL_BEFORE.search(text[max(0, t.start - 25) : t.start]))
    )


def stated_provinces(
    toponyms: list[Toponym], text: str | None, cands: dict[str, list[Place]]
) -> dict[str, set[tuple[str, str]]]:
    """The provinces the text says a name lies in ("X in Y province"): folded name → the (country,
    folded province name) pairs the province name may mean. Said once, it holds for every mention of
    the name in the article (one sense per discourse), also when the model missed the name at the
    place where the province is said: the name is matched in the words before "in"."""
    out: dict[str, set[tuple[str, str]]] = {}
    if text is None:
        return out
    keys = {fold(t.text) for t in toponyms if not t.is_demonym and fold(t.text)}
    for b in toponyms:
        before = _words_before_in(b, text)
        if before is None:
            continue
        provinces = {(p.country_code, fold(p.name)) for p in cands.get(fold(b.text), []) if p.feature_code == "ADM1"}
        for key in keys:
            if provinces and key != fold(b.text) and before.endswith(" " + key):
                out.setdefault(key, set()).update(provinces)
    return out


def _words_before_in(b: Toponym, text: str) -> str | None:
    """The folded words before "in" when `b` names a province right after it ("X in Y province" →
    " ... x"), else None."""
    if b.is_demonym or not _names_a_province(b, text):
        return None
    phrase = _IN_BEFORE.search(text, max(0, b.start - 60), b.start)
    if phrase is None:
        return None
    return " " + fold(text[max(0, phrase.start() - 60) : phrase.start()])


def in_stated_province(places: list[Place], provinces: set[tuple[str, str]] | None) -> list[Place]:
    """The candidates that lie in a province the text states (all of them when it states none). A
    namesake elsewhere is refused even when it is the only candidate: the text says otherwise, and a
    village the gazetteer lacks is better left unresolved than put in the wrong province."""
    if not provinces:
        return places
    # Only towns, districts and areas are held to it: "in Syria in Idlib province" says nothing against Syria.
    return [p for p in places if p.precision > 2 or (p.country_code, fold(p.admin1)) in provinces]
