"""Where a bearing places an event ("in the village of X south of Y", "in X west of Y"): the place a
bearing is taken from is a landmark, the place the bearing is said of is the site
(`location.bearing_landmark`, `location.bearing_subject`), and how specific a place is (`fineness`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from dashboard.events.roles import name_token
from dashboard.events.site_names import LISTED_SITE_LABEL, VILLAGE_LABEL
from dashboard.events.site_places import bearing_from
from dashboard.geo.gazetteer import AREA_CODE, haversine_km
from dashboard.geo.toponyms import COMPASS_WORDS, Toponym
from dashboard.nlp import token_at
from dashboard.rules import Switches


def fineness(t: Toponym) -> int:
    """How specific a place is, to break ties between places equally close to the trigger (lower is
    finer): its precision; an unknown name is most often a small place (1); villages listed around
    the town they were put at, or one the text calls a village, are finer than it (0); a named war
    area such as a plain or a valley is no finer than the towns in it (1), whatever its precision
    code says."""
    if t.label in (LISTED_SITE_LABEL, VILLAGE_LABEL):
        return 0
    if t.place is None or t.place.feature_code == AREA_CODE:
        return 1
    return t.place.precision


def bearing_landmark(sent: Any, t: Toponym) -> bool:
    """Whether the name is only what a bearing is taken from ("south of Y", not "the south of Y",
    which is a part of Y): the event is beside it, not in it."""
    tok = name_token(sent, t)
    if tok is None or tok.dep_ != "pobj" or tok.head.lower_ != "of":
        return False
    compass = tok.head.head
    return compass.lower_ in COMPASS_WORDS and not any(c.dep_ in ("det", "poss") for c in compass.children)


# A bearing from a landmark is said of a place near it ("X west of Y" within a day's walk or drive):
# a namesake the gazetteer put farther away is not the place the text means.
BEARING_KM = 100.0


def bearing_follows(sent: Any, t: Toponym, landmark: Toponym) -> bool:
    """Whether the words right after the name of `t` put it at a bearing from `landmark`
    (site_places.bearing_from: "Atareb west of Y", "the village of X, south of Y") and `t` lies within
    BEARING_KM of it: the bearing says where that place lies."""
    last, mark = token_at(sent, t.end - 1), name_token(sent, landmark)
    if last is None or mark is None or t.place is None or landmark.place is None:
        return False
    if bearing_from(last, {mark.i: landmark}) is not landmark:
        return False
    a, b = t.place, landmark.place
    return haversine_km(a.latitude, a.longitude, b.latitude, b.longitude) <= BEARING_KM


def past_the_landmark(
    sent: Any, best: Toponym, locative: list[Toponym], key: Callable[[Toponym], tuple], switches: Switches
) -> Toponym:
    """ "in the village of X south of Y": Y is what the bearing is taken from; the finer place the
    sentence puts at that bearing is where it happened, and with `location.bearing_subject` the
    place whose name the bearing follows ("in X west of Y"), though no finer than Y."""
    if not (switches.on("location.bearing_landmark") and bearing_landmark(sent, best)):
        return best
    said = switches.on("location.bearing_subject")
    finer = [
        t
        for t in locative
        if t is not best
        and (fineness(t) < fineness(best) or said and fineness(t) == fineness(best) and bearing_follows(sent, t, best))
    ]
    return min(finer, key=key) if finer else best
