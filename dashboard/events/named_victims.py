"""A death told by the victim's name, not by a count (`tolls.named_victim`).

Wire copy counts the dead of an attack ("killed four"), but a killing of one person is told by
naming them: "gunmen shot dead Musa Ali, a local councillor", "the activist Lina Haddad was
assassinated". The count patterns (numbers.py) find no number there, so the row had no toll; ACLED
codes one death per person killed. Here the victims are the people the parse names as the object
of a verb of killing (its direct object, or the subject of its passive), each name a person's
(`_is_person`), and each such name joined to them by "and" another.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from dashboard.events.numbers import Count
from dashboard.wordlists import word_set

WORDS = Path(__file__).with_name("words.toml")
KILL_VERBS = word_set(WORDS, "tolls.kill_verbs")
# "shot:dead" -> {"shot": "dead"}: the verb kills only with that word among its next two tokens.
KILL_WITH = dict(pair.split(":", 1) for pair in word_set(WORDS, "tolls.kill_with"))
_VICTIM_DEPS = frozenset({"dobj", "nsubjpass"})
_UNSURE = frozenset({"ORG", ""})  # entity types a person's name is often given by mistake


def named_victims(verb: Any, start: int) -> Count | None:
    """The people `verb` (a token) kills by name, counted, with offsets from `start` (the sentence's
    first character in the Doc); None when it kills nobody named."""
    if not _kills(verb):
        return None
    victims = [c for c in verb.children if c.dep_ in _VICTIM_DEPS and _is_person(c)]
    if not victims:
        return None
    named = {t.i: t for v in victims for t in (v, *v.conjuncts) if _is_person(t)}.values()
    first = min(v.left_edge.idx for v in named)
    last = max(v.idx + len(v.text) for v in named)
    phrase = verb.doc.text[first:last]
    return Count(len(named), first - start, last - start, phrase)


def _kills(verb: Any) -> bool:
    if verb.lower_ in KILL_VERBS:
        return True
    word = KILL_WITH.get(verb.lower_)
    return word is not None and any(t.lower_ == word for t in verb.doc[verb.i + 1 : verb.i + 3])


def _is_person(tok: Any) -> bool:
    """Whether the token heads a person's name: a singular name the parse calls a person, or one it
    calls an organisation or nothing that an apposition says is one person ("Tunde Bakare, a ward
    chairman": the small model takes many African and Asian names for organisations)."""
    if tok.tag_ != "NNP":
        return False
    if tok.ent_type_ == "PERSON":
        return True
    return tok.ent_type_ in _UNSURE and any(c.dep_ == "appos" and c.tag_ == "NN" for c in tok.children)
