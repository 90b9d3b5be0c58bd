"""Places the text names by an epithet instead of a name: "the Syrian capital", "Syria's capital".

A reporter who has named Damascus once writes "the Syrian capital" after, and a lead often says
only that ("shells fell on a market in the Syrian capital at dawn"). The epithet is no name, so the
geoparse evaluations never count it (`geoparse` adds it after recognition and resolution); the
event locator reads it as the capital it stands for (`recognition.capital_epithet`).
"""

from __future__ import annotations

import re

from dashboard.geo.gazetteer import Gazetteer, Place
from dashboard.geo.toponym import Toponym
from dashboard.regex_needs import finditer

EPITHET_LABEL = "EPITHET"
# "the Syrian capital", "Syria's capital", "Syrias capital" (a text that lost its apostrophes). Not
# a capital a name follows ("the Syrian capital Damascus", which the name itself places).
# "The" stands right before the demonym: "the group's de facto Syrian capital" is no state's.
_CAPITAL = re.compile(
    r"(?:\b[Tt]he\s+([A-Z][a-z]+)|\b([A-Z][a-z]+(?:['’]s|s)))\s+capital\b(?!\s*(?:city\s+)?,?\s*[A-Z])"
)
_POSSESSIVE = re.compile(r"['’]?s$")
_APPOSITION = re.compile(r"\s*,?\s*(?:the\s+)?$")  # "Moscow, the Russian capital": the name is there


def capital_epithets(text: str, toponyms: list[Toponym], gazetteer: Gazetteer) -> list[Toponym]:
    """The toponyms of the capitals the text names by epithet, each placed at its country's capital."""
    # A demonym inside the epithet ("Syrian" of "the Syrian capital") gives way to it.
    taken = [(t.start, t.end) for t in toponyms if not t.is_demonym]
    out = []
    for m in finditer(_CAPITAL, text):  # not run over a text without "capital" (regex_needs)
        if any(
            s < m.end() and m.start() < e or e <= m.start() and _APPOSITION.fullmatch(text, e, m.start())
            for s, e in taken
        ):
            continue
        capital = _capital_of(m.group(1) or m.group(2), m.group(1) is not None, gazetteer)
        if capital is not None:
            start = m.start(1) if m.group(1) else m.start(2)  # the span opens at the name's word, not "the"
            out.append(
                Toponym(
                    start,
                    m.end(),
                    text[start : m.end()],
                    EPITHET_LABEL,
                    place=capital,
                    score=1.0,
                    alternatives=((capital, 1.0),),
                )
            )
    return out


def with_epithets(
    named: list[Toponym], toponyms: list[Toponym], text: str, gazetteer: Gazetteer, on: bool = True
) -> list[Toponym]:
    """The named toponyms with the text's capital epithets (`on`: `recognition.capital_epithet`) in
    place of the demonyms inside them, in order of the text; `toponyms` are all the names recognised."""
    if not on:
        return named
    epithets = capital_epithets(text, toponyms, gazetteer)
    kept = [t for t in named if not any(e.start <= t.start and t.end <= e.end for e in epithets)]
    return sorted(kept + epithets, key=lambda t: t.start)


def _capital_of(word: str, demonym: bool, gazetteer: Gazetteer) -> Place | None:
    """The capital of the country a demonym ("the Syrian") or a possessive ("Syria's", "Syrias") names."""
    if demonym:
        code = gazetteer.demonym_country(word)
    else:
        country = next((p for p in gazetteer.lookup(_POSSESSIVE.sub("", word)) if p.feature_code == "PCLI"), None)
        code = country.country_code if country is not None else None
    return gazetteer.capital(code) if code else None
