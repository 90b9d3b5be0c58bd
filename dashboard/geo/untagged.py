"""Proper nouns the model tagged as no entity at all that name a well-known place (`recognition.untagged`),
and a name run the gazetteer knows as one name (`recognition.whole_name`): dashboard/geo/recognition.py's."""

from __future__ import annotations

from typing import Any

from dashboard.geo.entities import Words
from dashboard.geo.gazetteer import Gazetteer, fold
from dashboard.geo.locative import name_runs
from dashboard.geo.names import COMPASS_WORDS, GENERIC_WORDS, well_known
from dashboard.geo.toponym import Toponym
from dashboard.nlp import token_table


def known_run(doc: Any, run: tuple[int, int], gazetteer: Gazetteer) -> bool:
    """Whether the name run [i, j) is one name the gazetteer knows. A possessive joins two names,
    the container and its part ("Cairo's Abbasiya"), not one name."""
    if any(tok.lower_ in ("'s", "’s") for tok in doc[run[0] : run[1]]):
        return False
    return doc[run[0] : run[1]].text in gazetteer


def _untagged_place(
    doc: Any, i: int, free: list[bool], gazetteer: Gazetteer, words: Words
) -> tuple[int, Toponym] | None:
    """The longest run of up to four free proper nouns from token i that names a well-known place by
    its own name, as (the token after it, its toponym)."""
    n = len(doc)
    for j in range(min(n, i + 4), i, -1):
        if not all(free[i:j]):
            continue
        run = doc[i:j]
        text = run.text
        if len(text) < 4 or text.isupper() or text.lower() in COMPASS_WORDS | GENERIC_WORDS:
            continue
        if words.common(text):
            continue
        places = [p for p in gazetteer.lookup(text) if fold(p.name) == fold(text)]
        if places and well_known(places, 100_000, text) and (max(places, key=lambda p: p.population).population > 0):
            return j, Toponym(run.start_char, run.end_char, text, "GAZETTEER")
    return None


def unlabelled(doc: Any, gazetteer: Gazetteer, words: Words, whole: bool = True) -> list[Toponym]:
    """Proper nouns the model tagged as no entity at all ("Ukraine", "Honolulu") when they name a
    country, a province or a city of 100,000 by its own name, and the article never writes them
    in lower case. With `whole` (`recognition.whole_name`), such a noun inside a longer name the
    gazetteer knows, joined by a particle ("Praia" of "Mocimboa da Praia"), is that whole name:
    a piece of a name is no place of its own."""
    # One pass over the tokens: a free proper noun is tagged PROPN and is outside every entity.
    table = token_table(doc)  # from the Doc's arrays, no Token made
    free = [p and o and u for p, o, u in zip(table["propn"], table["no_ent"], table["upper_initial"], strict=True)]
    out: list[Toponym] = []
    i, n = 0, len(doc)
    while i < n:
        hit = _untagged_place(doc, i, free, gazetteer, words) if free[i] else None
        if hit is None:
            i += 1
            continue
        run = _run_around(doc, i, hit[0], table["no_ent"], free) if whole else None
        # Not over the name before it (a run reaching back into a toponym taken already).
        if run is not None and known_run(doc, run, gazetteer) and not (out and out[-1].end > doc[run[0]].idx):
            span = doc[run[0] : run[1]]
            hit = (run[1], Toponym(span.start_char, span.end_char, span.text, "GAZETTEER"))
        i = hit[0]
        out.append(hit[1])
    return out


def _run_around(doc: Any, i: int, j: int, no_ent: list[bool], free: list[bool]) -> tuple[int, int] | None:
    """The name run (locative.name_runs) holding tokens [i, j) and longer, joined by a particle or a
    glued hyphen (a token of it no free proper noun: runs of those alone are _untagged_place's), where
    no token of it is in an entity; None where there is none."""
    for a, b in name_runs(doc):
        if a <= i and j <= b and (a, b) != (i, j):
            return (a, b) if all(no_ent[a:b]) and not all(free[a:b]) else None
    return None
