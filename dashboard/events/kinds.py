"""What kind of attack a row reports, as the assembly compares reports: the means its trigger names
(the lexicon's `[weapons]`), how specific its sub-event type is (the lexicon's order), and which
territory or detention sub-type the side that acted gives."""

from __future__ import annotations

import re
from functools import lru_cache

from dashboard import schema as S
from dashboard.events.lexicon import lexicon_data, load_lexicon


@lru_cache(maxsize=1)
def weapons() -> tuple[tuple[str, re.Pattern[str]], ...]:
    """The means of attack the lexicon's `[weapons]` table recognises in trigger words."""
    table = lexicon_data().get("weapons", {})
    return tuple((means, re.compile(r"\b(?:" + "|".join(words) + r")\b", re.I)) for means, words in table.items())


def weapon(row: dict) -> str:
    """The means of attack a row's trigger names ("jets" air, "mortar shells" artillery), or ""."""
    return means_named(str(row.get(S.TRIGGER) or ""))


def means_named(words: str) -> str:
    """The first means of attack of the lexicon's `[weapons]` the words name, or ""."""
    return next((means for means, pattern in weapons() if pattern.search(words)), "")


@lru_cache(maxsize=1)
def type_ranks() -> dict[str, int]:
    """Each sub-event type's place in the lexicon's order: the more specific, the lower."""
    ranks: dict[str, int] = {}
    for rule in load_lexicon():
        if not rule.generic:
            ranks.setdefault(rule.sub_event_type, rule.priority)
    return ranks


GOVERNMENT_REGAINS, NON_STATE_OVERTAKES = "Government regains territory", "Non-state actor overtakes territory"


def territory_by_side(sub_type: str, inter1: object) -> str:
    """Who took the ground decides ACLED's territory sub-type: state forces (inter 1) regain territory,
    rebels and militias (2-4) overtake it. The verb alone ("captured", "retook") does not say."""
    if sub_type not in (GOVERNMENT_REGAINS, NON_STATE_OVERTAKES):
        return sub_type
    if inter1 == 1:
        return GOVERNMENT_REGAINS
    if inter1 in (2, 3, 4):
        return NON_STATE_OVERTAKES
    return sub_type


ARRESTS, ABDUCTION = "Arrests", "Abduction/forced disappearance"


def detention_by_side(row: dict) -> tuple[str, str]:
    """The row's (event type, sub-type) by who detained: ACLED's arrests are detentions by the state (or
    on its behalf); a rebel group or a militia (inter 2-4) that detains people abducts them: violence
    against civilians, abduction/forced disappearance."""
    if row[S.SUB_EVENT_TYPE] == ARRESTS and row[S.INTER1] in (2, 3, 4):
        return "Violence against civilians", ABDUCTION
    return row[S.EVENT_TYPE], row[S.SUB_EVENT_TYPE]
