"""The side of its country a text puts a place on: "the southern city of Mykolaiv", "the
north-western province of Idlib" (`resolution.side_word`).

A name's namesakes often lie in one country (Ukraine has a city of 470,000 spelt Mykolayiv and a
town of 14,000 spelt Mykolaivka, both "Mykolaiv" in English), and its neighbours in the text may pull
towards the smaller one (a story that also names the Donetsk region). The words before the name say
where the writer puts it: a candidate on that side of its country gains SIDE_BONUS, one on the
opposite side loses it. A country's sides are thirds of the span of its towns' latitudes or
longitudes (from the 2nd to the 98th percentile: an overseas territory does not stretch France).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from dashboard.geo.gazetteer import Gazetteer, Place
from dashboard.geo.names import ADMIN_WORDS, COMPASS_WORDS

SIDE_BONUS = 1.5
# A compass word (names.COMPASS_WORDS, hyphens dropped: "north-western"), perhaps a word after it,
# then a town's or a division's kind with "of" ("the southern city of X", "the northeastern port
# city of Y", "the western province of Z"): the words right before the name.
_KINDS = ADMIN_WORDS | {"city", "town", "village", "port"}
_SIDE_BEFORE = re.compile(
    r"\b(?:([a-z-]+)\s+)?([a-z-]+)\s+(" + "|".join(sorted(_KINDS, key=len, reverse=True)) + r")\s+of\s+(?:the\s+)?$",
    re.I,
)
_LETTERS = (("north", "n"), ("south", "s"), ("east", "e"), ("west", "w"))
_OPPOSITE = {"n": "s", "s": "n", "e": "w", "w": "e"}


def side_before(text: str | None, start: int) -> str:
    """The side the words before a name put it on ("n", "sw", …; "" for none)."""
    m = _SIDE_BEFORE.search(text, max(0, start - 60), start) if text else None
    for word in (m.group(2), m.group(1)) if m else ():
        folded = (word or "").lower().replace("-", "")
        if folded in COMPASS_WORDS:
            return "".join(c for w, c in _LETTERS if w in folded)  # "central": none
    return ""


@dataclass(frozen=True)
class Extent:
    """The thirds of a country: latitudes south of `lat[0]` are its south, north of `lat[1]` its
    north; longitudes west of `lon[0]` its west, east of `lon[1]` its east."""

    lat: tuple[float, float]
    lon: tuple[float, float]


def country_extents(cols: dict[str, list]) -> dict[str, Extent]:
    """Each country's Extent, from its populated places (a gazetteer's columns)."""
    towns = np.array([c == "P" for c in cols["feature_class"]])
    codes = np.array(cols["country_code"], dtype=object)[towns]
    lat = np.asarray(cols["latitude"], dtype=float)[towns]
    lon = np.asarray(cols["longitude"], dtype=float)[towns]
    out: dict[str, Extent] = {}
    order = np.argsort(codes, kind="stable")
    codes, lat, lon = codes[order], lat[order], lon[order]
    starts = np.flatnonzero(np.r_[True, codes[1:] != codes[:-1]])
    for a, b in zip(starts, [*starts[1:], len(codes)], strict=True):
        if not codes[a] or b - a < 10:
            continue  # too few towns to say where its sides are
        out[str(codes[a])] = Extent(_thirds(lat[a:b]), _thirds(lon[a:b]))
    return out


@lru_cache(maxsize=2)
def extents(gazetteer: Gazetteer) -> dict[str, Extent]:
    """country_extents of a gazetteer, once per gazetteer (0.06 s): a user's few places added later
    do not move its countries' thirds."""
    return country_extents(gazetteer.cols)


def _thirds(values: np.ndarray) -> tuple[float, float]:
    lo, hi = np.percentile(values, [2, 98])
    return float(lo + (hi - lo) / 3), float(hi - (hi - lo) / 3)


def on_side(place: Place, side: str, extent: Extent | None) -> int:
    """1 where the place lies on every side named, -1 where on the opposite of one, else 0."""
    if extent is None or not side or place.feature_code in ("PCLI", "CONT", "RGN"):
        return 0
    where = {
        "n": place.latitude > extent.lat[1],
        "s": place.latitude < extent.lat[0],
        "e": place.longitude > extent.lon[1],
        "w": place.longitude < extent.lon[0],
    }
    if any(where[_OPPOSITE[c]] for c in side):
        return -1
    return 1 if all(where[c] for c in side) else 0


def side_bonus(side: str, gazetteer: Gazetteer | None) -> Callable[[Place], float] | None:
    """What the side the text names adds to a candidate's score (ranking.rank's `side`); None with no side."""
    if not side or gazetteer is None:
        return None
    found = extents(gazetteer)
    return lambda p: SIDE_BONUS * on_side(p, side, found.get(p.country_code))
