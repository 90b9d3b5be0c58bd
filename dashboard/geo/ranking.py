"""Which candidate the document most likely means: the score of a place for a name in context
(population, kind, own name, the document's countries, nearby anchors, co-support of neighbours)
and the ranking it gives.
"""

from __future__ import annotations

import itertools
import math
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import numpy as np

from dashboard.geo.gazetteer import Place, fold, haversine_km, skeleton, without_article
from dashboard.rules import ALL_ON, Switches


@dataclass(frozen=True)
class Context:
    countries: Counter
    anchors: tuple[tuple[float, float], ...] = ()
    preferred: frozenset[int] = frozenset()  # the user's corrections
    support: dict[int, int] = field(default_factory=dict)  # place idx → other names that agree with it


def score(place: Place, key: str, ctx: Context, admin_hint: bool = False, overshadowed: bool = False) -> float:
    """How likely `place` is meant by the name `key` in a document with context `ctx`.
    `overshadowed`: a namesake of the name's far better-known bearer (see `overshadowed_by`)."""
    if place.idx in ctx.preferred:
        return 100.0
    # The terms are added in this order: floating-point sums depend on it, and rankings on ties.
    s = math.log10(place.population + 10)
    s += _kind_bonus(place.feature_code, admin_hint)
    s += _name_bonus(place, key)
    near = _nearness(place, ctx.anchors)
    support = min(ctx.support.get(place.idx, 0), 3)
    s += _country_bonus(place, ctx.countries, overshadowed and not support and near < 1.5)
    return s + near + SUPPORT_WEIGHT * support


# What the kind of place adds to its score. The ocean has no population to weigh, yet a bare
# "Atlantic" is the ocean before a town in Iowa.
KIND_BONUS = {
    "PCLI": 3.0,
    "CONT": 3.0,
    "RGN": 3.0,
    "OCN": 5.0,
    "SEA": 2.0,
    "GULF": 2.0,
    "MTS": 2.0,
    "STRT": 2.0,
    "PPLC": 1.0,
}
# Provinces and districts: (with a word such as "province" beside the name, without one).
ADMIN_BONUS = {"ADM1": (2.0, -0.3), "ADM2": (1.5, -0.8)}


def _kind_bonus(code: str, admin_hint: bool) -> float:
    if code in ADMIN_BONUS:
        with_hint, without = ADMIN_BONUS[code]
        return with_hint if admin_hint else without
    return KIND_BONUS.get(code, 0.0)


def _name_bonus(place: Place, key: str) -> float:
    """The place's own name beats its first words, which beat an alternate name only."""
    own = fold(place.name)
    if own == key:
        return 1.5
    if place.feature_class != "P":
        return 0.0
    # The first words of its own name: Newcastle for Newcastle upon Tyne, Enfield for Enfield Town.
    # Matched only through an alternate name: often a historical or foreign name of another town.
    return 1.0 if own.startswith(key + " ") else -0.5


# Two places this many degrees of latitude apart are at least 10 × 111.19 km from each other (no
# path between them is shorter than the meridian's arc), beyond the 1,000 km `_nearness` asks about.
FAR_LATITUDE_DEGREES = 10.0


def _nearness(place: Place, anchors: tuple[tuple[float, float], ...]) -> float:
    """Closeness to the towns the document places confidently (countries and regions are not near anything)."""
    if not anchors or place.feature_code in ("PCLI", "CONT", "RGN"):
        return 0.0
    # Only whether the nearest anchor is within 300 or 1,000 km counts: the walk stops at the first
    # within 300 (up to 50 anchors per candidate of every name, twice per document).
    lat, lon, within_1000 = place.latitude, place.longitude, False
    for a, b in anchors:
        if abs(a - lat) > FAR_LATITUDE_DEGREES:
            continue  # over 1,100 km apart whatever the longitudes: no haversine needed to know it
        d = haversine_km(lat, lon, a, b)
        if d < 300:
            return 1.5
        within_1000 = within_1000 or d < 1000
    return 0.5 if within_1000 else 0.0


def _country_bonus(place: Place, countries: Counter, damped: bool) -> float:
    """The share of the document's names that point to the place's country. `damped`: the country
    alone does not make a village the sense of a world city's name: London in a story about
    Washington is still London, England, unless something nearby points to the village (a
    neighbour named, a town placed close by)."""
    total = sum(countries.values())
    if not total or not place.country_code:
        return 0.0
    share = countries.get(place.country_code, 0) / total
    bonus = 3.0 * share + (1.0 if share > 0 else 0.0)
    return bonus * OVERSHADOWED_COUNTRY_FACTOR if damped else bonus


OVERSHADOWED_COUNTRY_FACTOR = 0.5


OVERSHADOW_RATIO = 100  # how many times more people the famous bearer of the name must have


def overshadowed_by(cands: Iterable[Place], key: str) -> int:
    """Population of the best-known town or city that bears the name `key` as its own; its namesakes
    with a hundredth of its people or fewer are 'overshadowed'."""
    return max((p.population for p in cands if p.feature_class == "P" and fold(p.name) == key), default=0)


def rank(
    cands: Iterable[Place],
    key: str,
    ctx: Context,
    admin_hint: bool = False,
    switches: Switches = ALL_ON,
    city_hint: bool = False,
    side: Callable[[Place], float] | None = None,
) -> list[tuple[Place, float]]:
    """The candidates of the name `key`, best first, with their scores; with `city_hint` ("Hama city",
    `resolution.city_word`) the province's namesake town comes first however GeoNames spells it;
    `side`, what the side of its country the text names adds to a candidate (geo/sides.py)."""
    cands = list(cands)
    famous = overshadowed_by(cands, key)
    ranked = sorted(
        (
            (
                p,
                score(p, key, ctx, admin_hint, p.feature_class == "P" and p.population * OVERSHADOW_RATIO <= famous)
                + (side(p) if side else 0.0),
            )
            for p in cands
        ),
        key=lambda t: -t[1],
    )
    if switches.on("resolution.water_first") and not admin_hint:
        ranked = _water_first(ranked, key)
    # A governorate and its capital share a name (Idlib, Aleppo, Moscow): without a word such
    # as "province" after it the city is meant; both lie in the same country either way. A user's
    # correction (preferred) that names the governorate stays on top.
    if (
        (switches.on("resolution.city_first") or city_hint)
        and len(ranked) > 1
        and not admin_hint
        and ranked[0][0].feature_code in ("ADM1", "ADM2")
        and ranked[0][0].idx not in ctx.preferred
    ):
        top = ranked[0][0]
        for i, (p, _sc) in enumerate(ranked[1:], start=1):
            if _capital_of(p, top, city_hint):
                ranked.insert(0, ranked.pop(i))
                break
    return ranked


# A sea's, a gulf's or a strait's name ends in the word for it; the provinces named after the water
# ("Red Sea" in Sudan and Egypt) bear it too, and their people outweigh the sea's none.
WATER_WORDS = frozenset({"sea", "gulf", "ocean", "strait", "straits"})
WATER_CODES = frozenset({"SEA", "GULF", "OCN", "STRT", "BAY"})


def _water_first(ranked: list[tuple[Place, float]], key: str) -> list[tuple[Place, float]]:
    """A name ending in a word for a body of water ("the Red Sea", "the Gulf of Aden" ends it in
    its first word) is the water that bears it as its own name, before a province named after it:
    a province is "Red Sea state" (`admin_hint`)."""
    words = key.split()
    if not (words and (words[-1] in WATER_WORDS or words[0] in WATER_WORDS)):
        return ranked
    for i, (p, _sc) in enumerate(ranked):
        if p.feature_code in WATER_CODES and fold(p.name) == key:
            return [ranked[i], *ranked[:i], *ranked[i + 1 :]]
    return ranked


def _capital_of(p: Place, top: Place, city_hint: bool) -> bool:
    """Whether `p` is the town province `top` is named after: the same name, spelled with another
    article or none ("Ar Raqqah" the city, "Al-Raqqah" the province), or — when the text calls the
    name a city — spelled otherwise by GeoNames ("Ḩamāh", `_bare`)."""
    same = (
        without_article(fold(p.name)) == without_article(fold(top.name))
        or city_hint
        and _bare(p.name) == _bare(top.name)
    )
    return (
        p.feature_class == "P"
        and p.country_code == top.country_code
        and same
        and haversine_km(p.latitude, p.longitude, top.latitude, top.longitude) < 250
    )


def _bare(name: str) -> str:
    """The name's spelling-blind skeleton, however short, without a final "h": a province and its
    capital as GeoNames spells them ("Hama" and "Ḩamāh", "Daraa" and "Dar‘ā") are one name."""
    return skeleton(fold(name), min_len=1).removesuffix("h")


SUPPORT_WEIGHT = 0.8


SIBLINGS = "\x00provinces"  # stands for all the sibling provinces a document names, as one supporter


MIN_SIBLINGS = 2


SUPPORT_KM = 100.0


POOL_SIZE = 10


def co_support(pools: dict[str, list[Place]], targets: dict[str, list[Place]] | None = None) -> dict[int, int]:
    """For each candidate, how many of the document's other names could be a place beside it
    (within SUPPORT_KM) or the province that holds it, or lie inside it. Small towns named
    together are usually neighbours: Holliday, Paris and Monroe County in one story are all in
    Missouri; Edmonton beside Enfield is the one in London. `pools` holds each name's likeliest
    candidates, which are the evidence; `targets` (by default the pools) the candidates to score:
    all of a name's candidates, so that the small Monroe County beside Paris, Missouri is supported
    even when a dozen larger Monroe Counties crowd it out of its name's pool."""
    evidence = _support_points(pools)
    scored = evidence if targets is None else _support_points(targets)
    if not evidence or not scored:
        return {}
    e_names = np.array([n for n, _ in evidence])
    e_point = np.array([p.feature_code != "ADM1" for _, p in evidence])
    near = _within_km(scored, evidence, SUPPORT_KM) & e_point[None, :]
    holders, members = _provinces_and_members(evidence)
    sibling_provinces: dict[str, set[str]] = {}
    for n, places in pools.items():
        if places and places[0].feature_code == "ADM1":
            sibling_provinces.setdefault(places[0].country_code, set()).add(n)
    out: dict[int, int] = {}
    for k, (n, p) in enumerate(scored):
        if p.feature_code != "ADM1":
            others = set(e_names[near[k]].tolist())
            if p.admin1:
                others |= holders.get((p.country_code, fold(p.admin1)), set())
        else:
            others = set(members.get((p.country_code, fold(p.name)), set()))
            # A list of a country's provinces: "Alaska, Hawaii and Georgia" are all states. It takes
            # a list (MIN_SIBLINGS others), and it counts as one name: a story that names a state or
            # two may still mean the capital (Washington) rather than a state that shares its name.
            if len(sibling_provinces.get(p.country_code, set()) - {n}) >= MIN_SIBLINGS:
                others.add(SIBLINGS)
        others.discard(n)
        if others:
            out[p.idx] = max(out.get(p.idx, 0), len(others))
    return out


def _provinces_and_members(
    evidence: list[tuple[str, Place]],
) -> tuple[dict[tuple[str, str], set[str]], dict[tuple[str, str], set[str]]]:
    """(country, folded province) → the names that could be that province, and → the names that
    could be a place inside it."""
    holders: dict[tuple[str, str], set[str]] = {}
    members: dict[tuple[str, str], set[str]] = {}
    for n, p in evidence:
        if p.feature_code == "ADM1":
            holders.setdefault((p.country_code, fold(p.name)), set()).add(n)
        elif p.admin1:
            members.setdefault((p.country_code, fold(p.admin1)), set()).add(n)
    return holders, members


def _support_points(pools: dict[str, list[Place]]) -> list[tuple[str, Place]]:
    """(name, place) for the places that can support or be supported: not countries, continents or seas."""
    return [
        (n, p)
        for n, places in pools.items()
        for p in places
        if p.feature_code not in ("PCLI", "CONT", "RGN", "OCN", "SEA", "GULF") and p.country_code
    ]


def _within_km(a: list[tuple[str, Place]], b: list[tuple[str, Place]], km: float) -> np.ndarray:
    """Which places of `a` lie within `km` of which of `b` (haversine for every pair at once)."""
    lat_a = np.radians([p.latitude for _, p in a])[:, None]
    lon_a = np.radians([p.longitude for _, p in a])[:, None]
    lat_b = np.radians([p.latitude for _, p in b])[None, :]
    lon_b = np.radians([p.longitude for _, p in b])[None, :]
    h = np.sin((lat_b - lat_a) / 2) ** 2 + np.cos(lat_a) * np.cos(lat_b) * np.sin((lon_b - lon_a) / 2) ** 2
    return 2 * 6371.0 * np.arcsin(np.sqrt(np.clip(h, 0, 1))) <= km


MAX_ANCHORS = 50


def anchors_besides(anchors: list[tuple[str, float, float]], key: str) -> tuple[tuple[float, float], ...]:
    """The towns the first pass placed confidently, less those placed for `key` itself: a name's own
    first guess is no evidence for it (London, England would otherwise anchor London against the
    London, Ontario that the rest of the story points to)."""
    # islice stops at the first MAX_ANCHORS: a long article's hundreds of anchors are not walked per name.
    return tuple(itertools.islice(((lat, lon) for k, lat, lon in anchors if k != key), MAX_ANCHORS))
