"""A named group with a generic noun is one mention of the group (actors.find_mentions): "Daesh
militants", "fighters of Jund al-Aqsa", with `actors.affiliation` "gunmen affiliated with X", with
`actors.described_name` "the rebel group X". The noun carries the parse role; the name says who."""

from __future__ import annotations

import re
from pathlib import Path

from dashboard.events.actor_entries import Mention
from dashboard.rules import ALL_ON, Switches
from dashboard.wordlists import phrase_list, word_set

WORDS = Path(__file__).with_name("words.toml")
AFFILIATION = frozenset(phrase_list(WORDS, "actors.affiliation"))
DESCRIPTOR_NOUNS = word_set(WORDS, "actors.descriptor_nouns")
HELD_AFTER = re.compile(r"\s*[-‐]?\s*(?:held|controlled|run|occupied)\b", re.I)


def named_with_noun(mentions: list[Mention], text: str, offset: int, switches: Switches = ALL_ON) -> list[Mention]:
    """A named group with a generic noun is one mention of the group: "Daesh militants", "IS
    gunmen", "Nusra fighters", and the other way round "militants of the Islamic State", "fighters of
    Jund al-Aqsa" (the noun carries the parse role; the name says who), and with the rule
    `actors.affiliation` "gunmen affiliated with X", "militants belonging to X", and with
    `actors.described_name` "the rebel group X"."""
    out: list[Mention] = []
    affiliation, described = switches.on("actors.affiliation"), switches.on("actors.described_name")
    for m in mentions:
        prev = out[-1] if out else None
        between = text[prev.end - offset : m.start - offset].strip().lower() if prev is not None else ""
        joined = _joined(prev, m, between) if prev is not None else None
        if joined is None and prev is not None and affiliation:
            joined = _affiliated(prev, m, between, text[m.end - offset :])
        if joined is None and prev is not None and described:
            joined = _described(prev, m, between, text[prev.start - offset : prev.end - offset])
        if joined is not None:
            out[-1] = joined
        else:
            out.append(m)
    return out


def _joined(prev: Mention, m: Mention, between: str) -> Mention | None:
    """Two neighbouring mentions as one, or None when they name two actors."""
    if m.entry.generic and not prev.entry.generic and not prev.bare and between in ("", "'s", "’s"):
        return Mention(prev.start, m.end, prev.entry)
    if prev.entry.generic and not m.entry.generic and not m.bare and between in ("of", "of the"):
        return Mention(prev.start, m.end, m.entry)
    if prev.bare and prev.entry.state and not m.entry.state and between == "":
        # "Syrian rebels", "Iraqi civilians": the country's name says whose rebels, not that its
        # state acted.
        return Mention(prev.start, m.end, m.entry, m.bare)
    return None


def _affiliated(prev: Mention, m: Mention, between: str, after: str) -> Mention | None:
    """ "Gunmen affiliated with X", "militants belonging to X", "armed groups linked to X": a generic
    word for armed men (with its noun, DESCRIPTOR_NOUNS) tied to a named group is that group. Not for
    victims ("civilians from X") nor a place the group holds ("militants from X-held towns"), and
    never a country named alone."""
    armed = prev.entry.generic and not prev.entry.victim and prev.entry.inter in (2, 3)
    named = not m.entry.generic and not m.bare and not m.entry.state
    tie = between.removesuffix(" the")  # "affiliated with the Nusra Front"
    noun, _, rest = tie.partition(" ")
    if noun in DESCRIPTOR_NOUNS and rest:
        tie = rest  # "terrorist groups affiliated to X": the noun of the generic word, then the tie
    if armed and named and tie in AFFILIATION and not HELD_AFTER.match(after):
        return Mention(prev.start, m.end, m.entry)
    return None


def _described(prev: Mention, m: Mention, between: str, said: str) -> Mention | None:
    """ "The rebel group X", "the armed group X": a generic word for armed men and a descriptor noun
    (DESCRIPTOR_NOUNS, between the mentions or ending the generic one, `said`) before a name are it."""
    armed = prev.entry.generic and not prev.entry.victim and prev.entry.inter in (2, 3)
    named = not m.entry.generic and not m.bare and not m.entry.state
    noun = between or (said.lower().split() or [""])[-1]
    return Mention(prev.start, m.end, m.entry) if armed and named and noun in DESCRIPTOR_NOUNS else None
