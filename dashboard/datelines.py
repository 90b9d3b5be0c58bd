"""Datelines: the date an article's text opens with (a site's "Published May 3 2016", a wire
dateline's "KABUL, May 3 (Agency) -", an agency byline under the headline), which dates the
publication and not what the story tells."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from dashboard.dates import MONTH_NAME, MONTHS, WORDS, find_date_mentions
from dashboard.rules import Switches
from dashboard.wordlists import phrase_list

# A dateline: the date an article opens with, after an optional "Published", "Posted on", "Date of
# publication" or "Last updated at" and a weekday. Numeric datelines are read day first (10-09-2014,
# 24.07.2016): news sites that write the month first spell it out.
_DATELINE_LEAD = re.compile(
    r"\s*(?:(?:published|posted|updated|last updated|date of publication)(?:\s+(?:on|at|:))?\s*)?"
    r"(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+)?",
    re.I,
)
_NUMERIC_DATELINE = re.compile(r"(?P<day>[0-3]?\d)[-./](?P<m>[01]?\d)[-./](?P<year>(?:19|20)\d\d)(?!\d)")
_GLUED_DATELINE = re.compile(rf"{MONTH_NAME}\s+(?P<day>[0-3]?\d)(?P<year>(?:19|20)\d\d)\b")
DATELINE_CHARS = 40  # a dateline sits at the very start, before the headline


def dateline(text: str) -> date | None:
    """The date an article's text opens with, when it opens with one (None otherwise)."""
    return dateline_span(text)[0]


def article_dateline(text: str, switches: Switches) -> tuple[date | None, int]:
    """`dateline_span` with the dates rules as `switches` has them (`dates.dateline` off: none)."""
    if not switches.on("dates.dateline"):
        return None, 0
    return dateline_span(text, switches.on("dates.byline"), switches.on("dates.wire_dateline"))


def dateline_span(text: str, byline: bool = True, wire: bool = True) -> tuple[date | None, int]:
    """The date an article's text opens with and where that dateline ends ((None, 0) without one).

    The end lets a reader of the first sentence skip the dateline: it dates the publication, not
    what the headline after it reports ("Published May 3 2016 Shelling kills four on Monday").
    A wire dateline's day ("KABUL, May 3 (Agency) -") is the filing day (`wire`: `wire_dateline`).
    Without a date at the very start, an agency byline under the headline is the dateline (`byline`)."""
    lead = _DATELINE_LEAD.match(text)
    at = lead.end() if lead else 0
    if at > DATELINE_CHARS:
        return None, 0
    if wire and (filed := wire_dateline(text)) is not None:
        return filed
    head = text[at : at + DATELINE_CHARS]
    for pattern, month_of in (
        (_NUMERIC_DATELINE, lambda m: int(m["m"])),
        (_GLUED_DATELINE, lambda m: MONTHS[m["mon"].lower().rstrip(".")]),
    ):
        m = pattern.match(head)  # GLUED: "Apr 152017", the space between day and year lost
        if m:
            try:
                return date(int(m["year"]), month_of(m), int(m["day"])), at + m.end()
            except ValueError:
                return None, 0
    for mention in find_date_mentions(head):
        if mention.start > 0:
            break
        if mention.kind in ("iso", "mdy", "dmy"):
            return date(mention.given("year"), mention.given("month"), mention.given("day")), at + mention.end
    return byline_date(text) if byline else (None, 0)


# A wire dateline: the place the reporter files from (a capitalised word or a few, a country after a
# comma), the day after a comma, then the agency in brackets or a dash ("KABUL, May 3 (Agency) -",
# "Kabul, Afghanistan, 3 May 2019 —"); without a day, the agency and a dash ("KABUL, Afghanistan
# (Agency) —"). Its day is the day the story was filed, not the day of what the story tells: "on
# Tuesday" after it is the Tuesday before it. Its place is where the reporter is, not who acts.
_NAME = r"[A-Z][\w'’.-]*(?: [A-Z][\w'’.-]*){0,2}"
# The city and its country, or the city alone ("KYIV, March 9": March is the day's, no country).
_WIRE_PLACES = (re.compile(rf"\s*{_NAME}, {_NAME}"), re.compile(rf"\s*{_NAME}"))
_WIRE_END = re.compile(r",? *(?:\([^()\n]{2,40}\) *[-–—]?|[-–—])")
_WIRE_UNDATED_END = re.compile(r" *\([^()\n]{2,40}\) *[-–—]")  # no day: the agency and the dash both
_WIRE_COMMA = re.compile(r", *")  # between the place and its day
_WIRE_DAYS = ("md", "dm", "mdy", "dmy")


@dataclass(frozen=True)
class WireDateline:
    day: date | None  # None: no day, or one without its year
    day_end: int  # where the day ends (0: no day)
    end: int  # where the whole dateline ends, its agency and dash read


def read_wire_dateline(text: str) -> WireDateline | None:
    """The wire dateline the text opens with, if it does."""
    for pattern in _WIRE_PLACES:
        place = pattern.match(text)
        wire = _after_place(text, place.end()) if place is not None and place.end() <= DATELINE_CHARS else None
        if wire is not None:
            return wire
    return None


def _after_place(text: str, place_end: int) -> WireDateline | None:
    """The wire dateline whose place ends at `place_end`: its day and agency, or its agency alone."""
    undated = _WIRE_UNDATED_END.match(text, place_end)
    if undated is not None:
        return WireDateline(None, 0, undated.end())
    comma = _WIRE_COMMA.match(text, place_end)
    if comma is None:
        return None
    at = comma.end()
    mentions = find_date_mentions(text[at : at + DATELINE_CHARS])
    if not mentions or mentions[0].start != 0 or mentions[0].kind not in _WIRE_DAYS:
        return None
    day, day_end = mentions[0], at + mentions[0].end
    closing = _WIRE_END.match(text, day_end)
    if closing is None:
        return None
    if day.kind in ("md", "dm"):
        return WireDateline(None, day_end, closing.end())
    try:
        return WireDateline(date(day.given("year"), day.given("month"), day.given("day")), day_end, closing.end())
    except ValueError:
        return WireDateline(None, day_end, closing.end())


# After the place of a dateline: perhaps its country or its day after a comma ("MOSUL, Iraq", "KYIV,
# May 3"), then the agency or a dash. Without the country's words, "BEIRUT, Lebanon (Agency) -" was
# not known as a dateline, and a lead naming no place ("Syrian forces shelled rebel positions") was
# placed in Beirut.
_DATELINE_REST = re.compile(
    r"(?:,[ \t]*[A-Z][\w.'’-]*(?:[ \t]+(?:[A-Z][\w.'’-]*|\d{1,4}),?){0,4})?\s*(?:\([^)]{1,40}\)|[-–—:]\s)"
)


def dateline_rest_end(text: str, place_end: int) -> int | None:
    """Where the rest of a dateline whose place ends at `place_end` ends (its country or day, then its
    agency or dash: the names in it are the dateline's), None when no such rest follows the place."""
    rest = _DATELINE_REST.match(text, place_end)
    return rest.end() if rest is not None else None


def wire_dateline(text: str) -> tuple[date | None, int] | None:
    """The day of the wire dateline the text opens with (None when its year is not written) and where
    that day ends; None without a dated one (`dates.wire_dateline`)."""
    wire = read_wire_dateline(text)
    return (wire.day, wire.day_end) if wire is not None and wire.day_end else None


def wire_dateline_end(text: str) -> int:
    """Where the wire dateline the text opens with ends, its agency and dash read (0 without one)."""
    wire = read_wire_dateline(text)
    return wire.end if wire is not None else 0


# A news agency's byline after the headline: "Four killed in Homs  AFP Sunday 15 Oct 2017 Shelling
# killed…" (`dates.byline`). Pages flattened to text keep it where the page shows it, under the
# headline; it is the story's own date, however the article's supplied date was recorded.
AGENCIES = phrase_list(WORDS, "dates.agencies")
_BYLINE = re.compile(
    rf"\b(?:{'|'.join(re.escape(a) for a in AGENCIES)})\s+"
    r"(?:(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day,?\s+)?(?=\d{1,2}\s+[A-Za-z]{3})"
)
BYLINE_CHARS = 300  # a byline sits under the headline, not in the story


def byline_date(text: str) -> tuple[date | None, int]:
    """The date of an agency byline near the top ("AFP Thursday 6 Mar 2014") and where it ends."""
    for m in _BYLINE.finditer(text[:BYLINE_CHARS]):
        mentions = find_date_mentions(text[m.end() : m.end() + DATELINE_CHARS])
        if mentions and mentions[0].start == 0 and mentions[0].kind == "dmy":
            d = mentions[0]
            return date(d.given("year"), d.given("month"), d.given("day")), m.end() + d.end
    return None, 0
