"""`assemble.toll_of_parts`: a death count the article then splits into parts is no one event's toll.

News leads with a total and breaks it down later: "Shelling killed nine in two towns. Five died in
Town A, where ... In Town B four were killed." The lead's nine is the sum of two events; an analyst
codes Town A with five and Town B with four, never nine at either (the records' guidelines: a total
that spans several events belongs to none of them). The extractor puts the lead's count on the event
its lead names or places first, so the event keeps the total unless the parts are recognised:

- the event has a later count of its own below the total, and that count with the counts of the
  article's other events of the same day that the total's sentence names (by their place as written,
  or by telling them in the same sentence) adds up to the total exactly: "9 killed in A and B" …
  "5 killed in A" … "4 killed in B" gives A five;
- the event's own later count is one of the parts its sentence gives, and those parts add up to the
  total: "killed 9 in and around A" … "five were killed in A while four others died in a village
  near it" gives A five;
- the total's sentence tells two events ("killed by air strikes and rocket fire") and the others'
  counts are given apart and are below it: the event takes the rest, which the text states by
  subtraction ("the other four were killed by rockets").

Only exact sums count: a total that the parts do not add up to is another report of the event (a
later toll, a rival count) and stays to the rules that weigh those (`assemble.lead_toll`,
`assemble.lowest_report`).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from dashboard import schema as S
from dashboard.events.numbers import event_counts, is_estimate
from dashboard.events.tellers import is_firm, is_superseded, sentence_of

TOLL_PARTS_RULE = "assemble.toll_of_parts"

SameDay = Callable[[dict, dict], bool]


def split_totals(events: list[dict], reports: list[list[dict]], same_day: SameDay) -> None:
    """Give each event row whose toll is a total of parts (see the module) its own part: `events[i]`
    is the merged row of the reports `reports[i]`."""
    tolled = [(e, r) for e, r in zip(events, reports, strict=True) if _is_event(e) and e[S.FATALITIES] is not None]
    shares = []
    for event, own in tolled:
        total = _total_report(event, own)
        if total is None:
            continue
        others = [(o, rs) for o, rs in tolled if o is not event and same_day(event, o) and _told_in(rs, total)]
        share = _own_share(event, own, total, others)
        if share is not None:
            shares.append((event, share))
    # Each share is worked out from the tolls as the reports give them, before any is changed.
    for event, (count, words) in shares:
        event[S.FATALITIES], event[S.FATALITIES_TEXT] = count, words


def _is_event(row: dict) -> bool:
    return row.get(S.RECORD_KIND, "event") == "event"


def _total_report(event: dict, own: list[dict]) -> dict | None:
    """The report whose count is the event's, when it is a firm count (not "dozens", not "over 40")."""
    text = event[S.FATALITIES_TEXT] or ""
    if is_estimate(text) or not is_firm(text):
        return None
    return next(
        (r for r in sorted(own, key=lambda r: r[S.EXCERPT_START]) if r[S.FATALITIES] == event[S.FATALITIES]),
        None,
    )


def _told_in(reports: list[dict], total: dict) -> bool:
    """Whether an event is one the total's sentence tells: a report in that sentence, or its place
    named there as the text writes it."""
    sentence = str(total[S.EXCERPT] or "")
    return any(
        r[S.EXCERPT_START] == total[S.EXCERPT_START] or _names(sentence, str(r.get(S.TOPONYM) or "")) for r in reports
    )


def _names(sentence: str, name: str) -> bool:
    return len(name) > 2 and re.search(rf"(?<!\w){re.escape(name)}(?!\w)", sentence, re.I) is not None


def _own_share(
    event: dict, own: list[dict], total: dict, others: list[tuple[dict, list[dict]]]
) -> tuple[int, str] | None:
    """The event's part of the total (its count and the words behind it), or None when the total is
    not shown to be a sum of parts; `others`: the other events the total's sentence tells, each with
    its reports."""
    whole = int(event[S.FATALITIES])
    rest = sum(int(o[S.FATALITIES]) for o, _reports in others)
    parts = _own_parts(own, total, whole)
    for part in parts:
        count = int(part[S.FATALITIES])
        if (others and count + rest == whole) or _splits(part, whole):
            return count, str(part[S.FATALITIES_TEXT])
    # The rest only when the total's sentence tells each other event by other means ("by a barrel bomb
    # and rocket fire"): two places hit alike may share the count in any way.
    told_together = others and all(
        _same_sentence(reports, total) and o[S.SUB_EVENT_TYPE] != event[S.SUB_EVENT_TYPE] for o, reports in others
    )
    if not parts and told_together and 0 < rest < whole:
        return whole - rest, str(event[S.FATALITIES_TEXT])
    return None


def _own_parts(own: list[dict], total: dict, whole: int) -> list[dict]:
    """The event's other reports with a firm count below the total, in the text's order."""
    parts = [r for r in own if r is not total and r[S.FATALITIES] is not None and 0 < r[S.FATALITIES] < whole]
    return sorted((r for r in parts if is_firm(r[S.FATALITIES_TEXT] or "")), key=lambda r: r[S.EXCERPT_START])


def _same_sentence(reports: list[dict], total: dict) -> bool:
    """Whether one of an event's reports is told in the total's own sentence."""
    return any(r[S.EXCERPT_START] <= total[S.EXCERPT_START] < r[S.EXCERPT_END] for r in reports)


# The words that set a part's place apart from the event's: "in a village near the town", "on the
# outskirts", "nearby". Parts in two districts of one city are one event's, which keeps the total.
_ELSEWHERE = re.compile(r"\b(?:near|nearby|outside|outskirts|surrounding|around)\b", re.I)


def _splits(part: dict, whole: int) -> bool:
    """Whether the part's own sentence gives two counts that add up to the whole, the other of them at
    a place it sets apart from the event's ("five in the town while four others in a village near
    it"), and no superseded toll ("updated its earlier toll of 15 ... three more died")."""
    found = sentence_of(str(part[S.EXCERPT]), part[S.FATALITIES_TEXT] or "")
    if found is None or is_superseded(found[0]):
        return False
    sentence, at = found
    counts = [c for c in event_counts(sentence) if not c.vague]
    if len(counts) != 2 or sum(c.value for c in counts) != whole:
        return False
    others = [c for c in counts if not c.start <= at < c.end]
    if len(others) != 1:  # the part's own count is one of the two
        return False
    other = others[0]
    clause_end = min((c.start for c in counts if c.start > other.start), default=len(sentence))
    return _ELSEWHERE.search(sentence, other.end, clause_end) is not None
