"""Who gives a death count, and whether two counts of one event are conflicting reports.

ACLED codes the lowest figure when reports of an event's deaths conflict. Reports conflict when
different tellers give different full counts of the same event: a monitor's "at least five killed"
and state television's "four people had been killed". A later count is not a conflicting report
when it is a part of the first ("among them three children", "seven others in a nearby village"),
a toll the text itself says was superseded ("an earlier toll of 12"), or a bound or an estimate
("more than 40", "some 40"), which does not contradict a firm count above it.

The tellers are data (`words.toml`, `[tellers]`): each kind of source with the names news gives it.
A teller is read from the toll's own sentence, from its attribution ("according to X", "X said",
"said X", "X reported"); a sentence that names none has no teller, and two counts whose tellers are
unknown or the same are one source's update or breakdown, never a conflict.
"""

from __future__ import annotations

import re
from pathlib import Path

from dashboard import schema as S
from dashboard.wordlists import table

WORDS = Path(__file__).with_name("words.toml")  # the word tables, each with why it exists
_KINDS: dict[str, list[str]] = table(WORDS, "tellers.kinds")
# Each alias once, longest first, so "state news agency" is read before "agency" could be.
_ALIASES = sorted(((a.lower(), k) for k, names in _KINDS.items() for a in names), key=lambda p: -len(p[0]))
_ALIAS = re.compile(r"\b(?:" + "|".join(re.escape(a) for a, _ in _ALIASES) + r")\b", re.I)
_KIND_OF = dict(_ALIASES)

_VERBS = r"said|says|say|told|tells|reported|reports|report|confirmed|confirming|gave|put|stated|announced|added"
_VERB = re.compile(rf"\b(?:according to|reported by|{_VERBS})\b", re.I)
# The words either side of a verb, cut at the clause's punctuation, hold the teller's name.
_CLAUSE_END = re.compile(r"[.;:!?\"]")

# A count that is a part of another: after "including", "of whom", "another" ("including five
# children", "of those killed six were children", "another 12"); itself "seven others", "six more"; or
# followed by "were among" ("14 children were among the dead").
_PART_BEFORE = re.compile(
    r"\b(?:including|included|includes|remaining|another|among (?:them|whom|those|the dead|the victims)"
    r"|of (?:them|whom|those(?: killed)?))\b[^.;]{0,30}$",
    re.I,
)
_PART_ITSELF = re.compile(
    r"\b(?:including|of (?:them|whom|those)|among (?:them|whom))\b|^\s*(?:\w+\s+){0,2}(?:others|more)\b", re.I
)
_PART_AFTER = re.compile(r"^[^.;]{0,20}?\bwere among\b", re.I)
# A sentence that splits a toll by place or group gives parts: "12 died in the town while seven others
# were killed in a village", "five in the city and another three nearby".
_BREAKDOWN = re.compile(
    r"\b(?:while|and|as|with)\s+(?:another\s+\w+|(?:\w+\s+){0,2}(?:others|more))\b[^.;]{0,60}?"
    r"\b(?:killed|died|dead|lost their lives)\b",
    re.I,
)
_SUPERSEDED = re.compile(r"\b(?:earlier|initial|previous|preliminary|first)\s+(?:death\s+)?toll\b|\bupdated\b", re.I)
# Only a plain or "at least" count is firm; "more than 40", "nearly 40", "some 40" bound or estimate.
_NOT_FIRM = re.compile(
    r"\b(?:more than|over|nearly|almost|about|around|some|up to|as many as|roughly|approximately)\s+\S+"
    r"|\b(?:dozens?|scores?|hundreds|thousands)\b",
    re.I,
)


def teller(sentence: str) -> str | None:
    """The kind of source the sentence attributes what it says to, or None when it names none: for
    each verb of speech in turn, the name nearest before it ("a monitor said", the army's shelling
    before it being what the monitor said), else the first after it ("according to", "said SANA")."""
    for verb in _VERB.finditer(sentence):
        before = sentence[max(0, verb.start() - 80) : verb.start()]
        before = before[max((m.end() for m in _CLAUSE_END.finditer(before)), default=0) :]
        names = [] if verb.group(0).lower() in ("according to", "reported by") else list(_ALIAS.finditer(before))
        if names:
            return _KIND_OF[names[-1].group(0).lower()]
        after = _CLAUSE_END.split(sentence[verb.end() : verb.end() + 80], maxsplit=1)[0]
        first = _ALIAS.search(after)
        if first is not None:
            return _KIND_OF[first.group(0).lower()]
    return None


def sentence_of(excerpt: str, phrase: str) -> tuple[str, int] | None:
    """The sentence of the excerpt that holds the count's phrase, and the phrase's offset in it."""
    at = excerpt.find(phrase) if phrase else -1
    if at < 0:
        return None
    start = max(excerpt.rfind(". ", 0, at) + 2, 0) if excerpt.rfind(". ", 0, at) >= 0 else 0
    end = excerpt.find(". ", at + len(phrase))
    sentence = excerpt[start : end if end >= 0 else len(excerpt)]
    return sentence, at - start


def is_firm(phrase: str) -> bool:
    """Whether a count phrase gives a firm number ("killed 12", "at least 12"), not a bound or estimate."""
    return _NOT_FIRM.search(phrase) is None and any(ch.isdigit() or ch.isalpha() for ch in phrase)


def is_part_or_superseded(sentence: str, at: int, phrase: str) -> bool:
    """Whether the count at `at` in the sentence is a part of another count (of a group, or of a toll
    the sentence splits by place) or a toll the sentence says was superseded."""
    before, after = sentence[:at], sentence[at + len(phrase) :]
    return bool(
        _PART_BEFORE.search(before)
        or _PART_ITSELF.search(phrase)
        or _PART_AFTER.match(after)
        or _BREAKDOWN.search(after)
        or is_superseded(sentence)
    )


def is_superseded(sentence: str) -> bool:
    """Whether the sentence gives a toll it says was replaced ("updated its earlier toll of 12")."""
    return _SUPERSEDED.search(sentence) is not None


def conflicting_reports(lead: dict, rows: list[dict]) -> list[dict]:
    """`assemble.lowest_report`: the rows whose firm count of the event is lower than the lead's and
    comes from another kind of teller (`events.tellers`): conflicting reports, of which ACLED codes the
    lowest. Parts of the count, superseded tolls, bounds and untold counts never conflict."""
    lead_teller = _lead_teller(lead, rows)
    # Only two named tellers can be said to disagree, and only about a firm count.
    if lead_teller is None or not is_firm(lead[S.FATALITIES_TEXT] or ""):
        return []
    out = []
    for r in rows:
        # Rival tallies of the same dead differ by a margin; a count under a third of the lead's is of a
        # smaller event told beside it.
        lower = lead[S.FATALITIES] > r[S.FATALITIES] >= lead[S.FATALITIES] / 3
        if not lower or not is_firm(r[S.FATALITIES_TEXT] or ""):
            continue
        found = sentence_of(str(r[S.EXCERPT]), r[S.FATALITIES_TEXT] or "")
        if found is None or is_part_or_superseded(found[0], found[1], r[S.FATALITIES_TEXT]):
            continue
        told_by = teller(found[0])
        if told_by not in (None, lead_teller):
            out.append(r)
    return out


def _lead_teller(lead: dict, rows: list[dict]) -> str | None:
    """Who tells the lead's count: the lead's own teller, else (a lead names none) whoever the
    article gives the same count to ("six killed" … "six killed, AFP reports")."""
    same = (r for r in rows if r is not lead and r[S.FATALITIES] == lead[S.FATALITIES])
    return _teller(lead) or next((t for t in map(_teller, same) if t), None)


def _teller(row: dict) -> str | None:
    found = sentence_of(str(row[S.EXCERPT]), row[S.FATALITIES_TEXT] or "")
    return teller(found[0]) if found is not None else None
