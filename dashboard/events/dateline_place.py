"""`location.dateline_city`: "in the city", "in the capital" or "here" in a story under a dateline,
before any other place is named, is the dateline's place.

Wire copy opens with where it was filed ("MOSUL, Iraq (Agency) -", "KABUL —") and its lead may then
say "a bomb exploded at a bus station in the city", "a suicide bomber struck a mosque in the
capital" or "here". Such a definite description needs something it refers back to, and before any
other place is named the dateline is the only one. Without the rule the lead named no place, and its
event, often the story's main one, had no row.

A dateline abroad ("BEIRUT —" over a story about Syria) is no such antecedent of a lead that places its
event elsewhere, because such a lead names that place. Only the bare words are read, and only
before any other place is named. "The Syrian capital" or "the city of X" are other descriptions: they
name their own place or leave it to the text. "The capital" is read only under a national capital's
dateline. Words that place the tellers ("officials in the capital said", "said here") say where the
news was told, not where the act was: they are not read.
"""

from __future__ import annotations

import re

from dashboard.datelines import dateline_rest_end
from dashboard.events.own_forces import SPEECH_VERBS
from dashboard.geo.toponym import Toponym

# The bare description, governed by a preposition of place, or the adverb "here". Not "the city of
# X", which names X.
_DESCRIBED = re.compile(
    r"\b(?:in|at|on|near|outside|inside|across|around|into|over|against)\s+the\s+(?P<kind>city|capital|town)\b(?!\s+of\b)"
    r"|\bhere\b(?!\s+(?:and|is|are)\b)",
    re.I,
)
CAPITAL_CODE = "PPLC"  # GeoNames' feature code of a national capital
# Where the tellers are, not where the act was: "officials in the capital said …", "said here" (the
# verbs of speech of `actors.own_forces`).
_SPEECH = f"(?:{SPEECH_VERBS})"
_TELLERS_AFTER = re.compile(rf"\s+(?:[\w'’-]+\s+){{0,2}}?{_SPEECH}\b", re.I)
_TELLERS_BEFORE = re.compile(rf"\b{_SPEECH}\s+(?:[\w'’-]+\s+){{0,2}}?$", re.I)


def dateline_city(toponyms: list[Toponym], text: str, start: int, end: int) -> Toponym | None:
    """The dateline's toponym when the words in [start, end) (a sentence naming no place) refer to it
    by "the city", "the town", "the capital" (a national capital's dateline only) or "here", and the
    text names no other place between the dateline's end and those words; else None. The dateline
    must be the text's first toponym, at its start, placed at a populated place."""
    first = min(toponyms, key=lambda t: t.start, default=None)
    if first is None or first.label != "DATELINE" or text[: first.start].strip(" \t\n(") or first.place is None:
        return None
    place = first.place
    if place.feature_class != "P":
        return None
    dateline_end = dateline_rest_end(text, first.end) or first.end  # its country's name is the dateline's
    for m in _DESCRIBED.finditer(text, max(start, dateline_end), end):
        if any(dateline_end <= t.start < m.start() and not t.is_demonym for t in toponyms):
            return None  # another place named before: the words may refer to it ("Russian missiles" names none)
        if _refers(m, text, place.feature_code == CAPITAL_CODE):
            return first
    return None


def _refers(m: re.Match[str], text: str, capital: bool) -> bool:
    """Whether the description `m` can be the dateline's town: "the capital" only under a capital's
    dateline (`capital`), and none that places the tellers ("officials in the capital said")."""
    if (m.group("kind") or "").lower() == "capital" and not capital:
        return False
    return not (_TELLERS_AFTER.match(text, m.end()) or _TELLERS_BEFORE.search(text, max(0, m.start() - 40), m.start()))
