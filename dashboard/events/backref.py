"""`assemble.back_reference`: a sentence that names an event by its day ("Saturday's blast",
"Tuesday's assault", "Thursdays attack" where scraped text lost the apostrophe) refers back to an
event the article has already told: a definite description, not a new event. Its row joins the first
row of the article of the same kind and place told before it within a day, and the group takes its
day: the lead is often dated by the day the monitor spoke or the story ran, the back-reference by the
day it happened."""

from __future__ import annotations

import re
from collections.abc import Callable

import pandas as pd

from dashboard import schema as S
from dashboard.dates import WEEKDAYS

# A weekday's possessive before a lower-case word: "Saturday's blast", "Fridays raids".
_POSSESSIVE_DAY = re.compile(
    r"\b(?:" + "|".join(sorted((d.capitalize() for d in WEEKDAYS if len(d) > 3), key=len, reverse=True)) + r")"
    r"(?:['’]s|s)\s+[a-z]"
)


def back_reference(row: dict) -> bool:
    """Whether the row's sentence names its event by the day it happened."""
    return bool(_POSSESSIVE_DAY.search(str(row.get(S.EXCERPT) or "")))


def _days_apart(a: dict, b: dict) -> int | None:
    try:
        return abs((pd.Timestamp(a[S.EVENT_DATE]) - pd.Timestamp(b[S.EVENT_DATE])).days)
    except (TypeError, ValueError):
        return None


def join_back_references(
    rows: list[dict],
    idx: list[int],
    same: Callable[[dict, dict], bool],
    fits: Callable[[int, int], bool],
    join: Callable[[int, int], None],
) -> None:
    """Join each back-referring row to the first earlier row of its event (`same`: kind and place)."""
    for i in idx:
        if not back_reference(rows[i]):
            continue
        earlier = [
            j
            for j in idx
            if rows[j][S.EXCERPT_START] < rows[i][S.EXCERPT_START]
            and same(rows[j], rows[i])
            and _days_apart(rows[j], rows[i]) in (0, 1)
            and fits(j, i)
        ]
        if earlier:
            join(min(earlier, key=lambda j: rows[j][S.EXCERPT_START]), i)
