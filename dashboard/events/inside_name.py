"""`actors.inside_name`: a generic word written as a part of another name names no side.

The dictionary's generic words ("army", "people", "rebels") name a side wherever they stand.
Capitalised inside the name of a group the dictionary does not list they are that group's name, not
the side: the "Army" of the "Arakan Army" or of the "Kachin Independence Army" (rebels) read as the
state's forces, and the "People" of the "People's Defence Force" as civilians, its victims. A word
for a state's forces is inside a name when a capitalised word before it belongs to the name (not the
sentence's first word, not a country's name or demonym, "the Somali National Army" being Somalia's,
nor a word that names a state's own corps: `[actors] state_corps` in words.toml, "Special Forces",
"Republican Guard"); another generic word when "'s" and a capitalised word follow it ("People's
Defence Force"). Not in a line written in title case (a headline's "Army Troops Kill Two Gunmen").
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from dashboard.events.any_state import country_forms, country_names
from dashboard.wordlists import word_set

WORDS = Path(__file__).with_name("words.toml")
_BEFORE = re.compile(r"([A-Z][\w'’.-]*)(?:'s|’s)?\s+\Z")
_AFTER = re.compile(r"(?:'s|’s)\s+[A-Z]")
_WORD = re.compile(r"[A-Za-z][\w'’-]*")
TITLE_SHARE = 0.6  # a line of at least TITLE_WORDS words this share of which are capitalised is a title
TITLE_WORDS = 4


def inside_name(text: str, start: int, end: int, forces: bool) -> bool:
    """Whether the generic word at [start, end) of `text` is written as a part of another name: a
    word for a state's forces (`forces`) after a capitalised word of the name, any other before "'s"
    and a capitalised word. Other kinds of a word in a name stay what they name: a police named by
    its town ("Kabul Police") is still the police, a named hospital or camp still a civilian place."""
    if not text[start : start + 1].isupper() or _title_line(text, start):
        return False
    if not forces:
        return _AFTER.match(text, end) is not None
    before = _BEFORE.search(text, max(0, start - 40), start)
    if before is None or _sentence_initial(text, before.start(1)):
        return False
    word = before.group(1).rstrip(".").lower()
    return word not in _state_words() and word not in _state_corps()


def _sentence_initial(text: str, at: int) -> bool:
    """Whether the word at `at` opens its sentence or line (its capital says nothing)."""
    head = text[max(0, at - 3) : at].rstrip(" \t\"'“‘(")
    return not head or head[-1] in ".!?\n:-—–"


def _title_line(text: str, at: int) -> bool:
    """Whether the line holding `at` is written in title case."""
    lo, hi = text.rfind("\n", 0, at) + 1, text.find("\n", at)
    words = _WORD.findall(text[lo : hi if hi >= 0 else len(text)])
    return len(words) >= TITLE_WORDS and sum(w[0].isupper() for w in words) >= TITLE_SHARE * len(words)


@lru_cache(maxsize=1)
def _state_words() -> frozenset[str]:
    """Every country's name and demonym, lower-cased, or its last word ("lankan" of "Sri Lankan")."""
    forms = [form for form, _ in country_forms()]
    return frozenset(form.split()[-1].lower() for form in (*forms, *country_names().values()) if form.split())


@lru_cache(maxsize=1)
def _state_corps() -> frozenset[str]:
    return word_set(WORDS, "actors.state_corps")
