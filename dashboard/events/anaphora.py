"""A report placed at a province at best that speaks of a town without naming it ("a town in Aleppo
province"): the next sentences may name it (`location.unnamed_town_next`)."""

from __future__ import annotations

import re

from dashboard.events.where import kept_place
from dashboard.geo.toponyms import Toponym

# A settlement the sentence puts in a province without naming it: "a town in Aleppo province".
UNNAMED_SETTLEMENT = re.compile(r"\b(?:a|an|one) (?:[\w-]+ )?(?:town|village|city)\b", re.I)


def provinces_only(places: list[Toponym]) -> set[str]:
    """The provinces of a report placed at a province at best (and its country); empty otherwise."""
    if not places or any(kept_place(t).precision < 3 for t in places):
        return set()
    return {kept_place(t).admin1 for t in places if kept_place(t).precision == 3}


def unnamed(sentence: str) -> bool:
    return UNNAMED_SETTLEMENT.search(sentence) is not None
