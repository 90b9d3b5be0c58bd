"""Dates in article text: explicit, month/year, weekday and relative expressions.

Two steps keep this testable: `find_date_mentions` is pure pattern matching on text;
`resolve_mention` turns a mention into (date, precision) given the publication date.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

from dashboard.regex_needs import NeedsSet, Text, needs_of
from dashboard.wordlists import table, word_set

WORDS = Path(__file__).with_name("words.toml")  # the word lists, each with why it exists
MONTHS: dict[str, int] = table(WORDS, "dates.months")
WEEKDAYS: dict[str, int] = table(WORDS, "dates.weekdays")
_NAMED = "|".join(sorted(word_set(WORDS, "dates.named_after_a_day"), key=len, reverse=True))
# A day that names a street, a square or a brigade ("April 7th Street") is no date.
_NAME_AFTER = re.compile(rf"\.?\s+(?:{_NAMED})\b", re.I)

DAY, MONTH, YEAR = "day", "month", "year"
_RANK = {DAY: 0, MONTH: 1, YEAR: 2}

MONTH_NAME = (
    r"(?P<mon>Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sept?(?:ember)?"
    r"|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_YR = r"(?P<year>(?:19|20)\d\d)"
_DAYNUM = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_WD = r"(?P<wd>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"

_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("iso", re.compile(r"\b(?P<year>(?:19|20)\d\d)-(?P<m>[01]\d)-(?P<day>[0-3]\d)\b")),
    ("mdy", re.compile(rf"\b{MONTH_NAME}\s+{_DAYNUM},?\s+{_YR}\b")),
    ("dmy", re.compile(rf"\b{_DAYNUM}\s+(?:of\s+)?{MONTH_NAME},?\s+{_YR}\b")),
    ("md", re.compile(rf"\b{MONTH_NAME}\s+{_DAYNUM}\b(?!\s*(?:,\s*)?(?:19|20)\d\d)(?![\d:])")),
    ("dm", re.compile(rf"\b{_DAYNUM}\s+(?:of\s+)?{MONTH_NAME}\b(?!,?\s*(?:19|20)\d\d)")),
    ("my", re.compile(rf"\b{MONTH_NAME}\s+(?:of\s+)?{_YR}\b")),
    ("m_rel", re.compile(rf"\b{MONTH_NAME}\s+(?P<rel>this|last|next)\s+year\b")),
    (
        "m_bare",
        re.compile(
            r"\b(?i:in|since|until|by|during|early|late|mid-?|last|next|this|from)\s+"
            r"(?P<mon>January|February|March|April|June|July|August|September|October|"
            r"November|December|May)\b(?!\s+\d)(?![’']s)"
        ),
    ),
    (
        "year",
        re.compile(
            rf"\b(?i:in|since|until|by|during|of|from|early|late|mid-?|throughout|before|after)\s+"
            rf"{_YR}\b(?![-/]\d)"
        ),
    ),
    # "Tuesday's raids", and "Tuesdays raids" in text that lost its apostrophes, are Tuesday's.
    ("weekday", re.compile(rf"\b(?:(?P<rel>last|next|this|on|late|early)\s+)?{_WD}(?:['’]?s(?=\s+[a-z]))?\b")),
    (
        "relative",
        re.compile(
            # "the previous day" / "a day earlier": the day before the story's day, as "yesterday" is
            # (not "the day before the vote": that day is another event's).
            r"\b(?P<rel>yesterday|today|tonight|last night|this morning|this week|"
            r"the previous day|the day before(?! (?:the|a|an|his|her|its|their)\b)|a day earlier|"
            r"last week|next week|this month|last month|next month|this year|last year|"
            r"next year)\b",
            re.I,
        ),
    ),
]

_FUTURE = re.compile(
    r"\b(will|shall|'ll|is to|are to|to be held|scheduled|expected to|plans? to|"
    r"going to|next|upcoming|due to)\b",
    re.I,
)


@dataclass(frozen=True)
class DateMention:
    start: int
    end: int
    text: str
    kind: str
    year: int | None = None
    month: int | None = None
    day: int | None = None
    weekday: int | None = None
    rel: str | None = None

    @property
    def absolute(self) -> bool:
        return self.kind in ("iso", "mdy", "dmy", "my", "year")

    def given(self, part: str) -> int:
        """The year, month, day or weekday, which this mention's kind always carries (its pattern
        has the group): a ValueError naming the kind, should a pattern ever lose it."""
        value = getattr(self, part)
        if value is None:
            raise ValueError(f"a {self.kind!r} date mention without its {part}: {self.text!r}")
        return int(value)


@lru_cache(maxsize=1)
def _patterns_needs() -> NeedsSet:
    """The date patterns' tests (regex_needs) answered from one scan of a text per case, where each
    pattern's own test searched the text for its words (eleven tests per new text)."""
    return NeedsSet.of([needs_of(pat) for _, pat in _PATTERNS])


def find_date_mentions(text: str) -> list[DateMention]:
    """All date expressions in text, longest first where they overlap, in text order."""
    return list(_date_mentions(text))


# The event rules read one sentence's dates several times (the toll, injured and displaced counts
# each hide them, the event's date reads them): a third of the calls are new texts. A mention is
# frozen, so the cached tuple is shared; each caller gets its own list.
@lru_cache(maxsize=512)
def _date_mentions(text: str) -> tuple[DateMention, ...]:
    found: list[DateMention] = []
    taken: list[tuple[int, int]] = []
    hay = Text.of(text)
    for (kind, pat), maybe in zip(_PATTERNS, _patterns_needs().may_match(hay), strict=True):
        if not maybe:
            continue  # none of the words each of its dates holds (a month's name, a weekday's)
        needs = needs_of(pat)
        # By the pattern `fronted` where it has a front (the same matches), never by a twin: a date's
        # words are read from the match as written.
        for m in (needs.front or pat).finditer(text):
            s, e = m.span()
            if any(s < te and ts < e for ts, te in taken) or _no_date(kind, m):
                continue
            g = m.groupdict()
            try:
                mention = _mention(kind, m.group(0), s, e, g)
            except ValueError:
                continue
            if mention is not None:
                found.append(mention)
                taken.append((s, e))
    return tuple(sorted(found, key=lambda d: d.start))


def _no_date(kind: str, m: re.Match[str]) -> bool:
    """A match that is no date: a day that names a street ("April 7th Street"), or "on Tuesdays"
    (every Tuesday, unlike "Tuesday's raids")."""
    if kind in ("md", "dm"):
        return _NAME_AFTER.match(m.string, m.end()) is not None
    txt = m.group(0)
    return kind == "weekday" and (m.group("rel") or "").lower() == "on" and txt.endswith("s") and txt[-2] not in "'’"


def _mention(kind: str, txt: str, s: int, e: int, g: dict) -> DateMention | None:
    year = int(g["year"]) if g.get("year") else None
    month = MONTHS[g["mon"].lower().rstrip(".")] if g.get("mon") else (int(g["m"]) if g.get("m") else None)
    day = int(g["day"]) if g.get("day") else None
    if day is not None and not 1 <= day <= 31:
        return None
    if year and month and day:
        date(year, month, day)  # raises ValueError for 30 Feb
    weekday = WEEKDAYS[g["wd"].lower()] if g.get("wd") else None
    rel = (g.get("rel") or "").lower() or None
    return DateMention(s, e, txt, kind, year, month, day, weekday, rel)


def is_future_context(sentence: str) -> bool:
    return bool(_FUTURE.search(sentence))


def resolve_mention(m: DateMention, published: date | None, future: bool = False) -> tuple[date, str] | None:
    """(date, precision) of a mention; relative ones need the publication date."""
    if m.absolute:
        return _resolve_absolute(m)
    if published is None:
        return None
    if m.kind in ("md", "dm"):
        return _month_day(m, published, future), DAY
    if m.kind in ("m_rel", "m_bare"):
        return date(_month_year(m, published, future), m.given("month"), 1), MONTH
    if m.kind == "weekday":
        return _weekday(published, m.given("weekday"), m.rel, future), DAY
    if m.kind == "relative":
        return _relative(published, (m.rel or "").lower())
    return None


def _resolve_absolute(m: DateMention) -> tuple[date, str]:
    if m.kind in ("iso", "mdy", "dmy"):
        return date(m.given("year"), m.given("month"), m.given("day")), DAY
    if m.kind == "my":
        return date(m.given("year"), m.given("month"), 1), MONTH
    return date(m.given("year"), 1, 1), YEAR


def _month_day(m: DateMention, published: date, future: bool) -> date:
    d = date(published.year, m.given("month"), m.given("day"))
    # A month-day without a year in past tense that would lie well after publication
    # belongs to the previous year (an article in January speaking of "December 28").
    if not future and d > published + timedelta(days=7):
        d = date(published.year - 1, m.given("month"), m.given("day"))
    return d


def _month_year(m: DateMention, published: date, future: bool) -> int:
    """The year of a month named without one: "March last year", or a bare "in March" (the month of that name up to
    publication, or from it on in a sentence about the future)."""
    if m.kind == "m_rel":
        return published.year + {"this": 0, "last": -1, "next": 1}[m.rel or "this"]
    y = published.year
    if future and m.given("month") < published.month:
        y += 1
    elif not future and m.given("month") > published.month:
        y -= 1
    return y


def _weekday(published: date, wd: int, rel: str | None, future: bool) -> date:
    if rel == "next" or (future and rel != "last"):
        delta = (wd - published.weekday()) % 7
        return published + timedelta(days=delta or (7 if rel == "next" else 0))
    delta = (published.weekday() - wd) % 7
    if rel == "last" and delta == 0:
        delta = 7
    return published - timedelta(days=delta)


def _relative(p: date, rel: str) -> tuple[date, str] | None:
    if rel in ("today", "tonight", "this morning"):
        return p, DAY
    if rel in ("yesterday", "last night", "the previous day", "the day before", "a day earlier"):
        return p - timedelta(days=1), DAY
    if rel in ("this week", "last week", "next week"):
        shift = {"this week": 0, "last week": -7, "next week": 7}[rel]
        start = p - timedelta(days=p.weekday()) + timedelta(days=shift)
        return start, DAY
    if rel in ("this month", "last month", "next month"):
        m = p.month + {"this month": 0, "last month": -1, "next month": 1}[rel]
        y = p.year + (m - 1) // 12
        return date(y, (m - 1) % 12 + 1, 1), MONTH
    if rel in ("this year", "last year", "next year"):
        return date(p.year + {"this year": 0, "last year": -1, "next year": 1}[rel], 1, 1), YEAR
    return None


def infer_published(text: str, sentences: list[tuple[int, int]] | None = None) -> date | None:
    """Guess the publication date of an undated article.

    The latest explicit day-precision date is a lower bound; a later weekday mentioned in
    past tense ("said Wednesday") is the first such weekday after it. Weekdays in sentences
    about the future ("will meet on Thursday") say nothing about the publication date.
    """
    mentions = find_date_mentions(text)
    explicit = [m for m in mentions if m.kind in ("iso", "mdy", "dmy")]
    if not explicit:
        return _latest_month_or_year(mentions)
    anchor_m = max(explicit, key=lambda m: (m.year, m.month, m.day))
    anchor = date(anchor_m.given("year"), anchor_m.given("month"), anchor_m.given("day"))
    best = anchor
    for m in mentions:
        if _past_weekday(m, text, explicit, sentences):
            delta = (m.given("weekday") - anchor.weekday()) % 7
            candidate = anchor + timedelta(days=delta or 7)
            best = max(best, candidate)
    return best


def _latest_month_or_year(mentions: list[DateMention]) -> date | None:
    years = [m for m in mentions if m.kind in ("my", "year")]
    if not years:
        return None
    # A month or a year resolves without a publication date: never None here.
    return max(r[0] for m in years if (r := resolve_mention(m, None)) is not None)


def _past_weekday(
    m: DateMention, text: str, explicit: list[DateMention], sentences: list[tuple[int, int]] | None
) -> bool:
    """Whether m is a weekday on its own ("said Wednesday") in a sentence not about the future."""
    if m.kind != "weekday" or m.rel in ("next", "last"):
        return False
    sent = _sentence_of(text, m.start, sentences)
    if is_future_context(sent):
        return False
    # A weekday written beside an explicit date ("Friday, Feb. 28, 2020") names that date.
    near = text[m.end : m.end + 30]
    return not (any(e.start >= m.end and e.start - m.end <= 4 for e in explicit) or re.match(r",?\s*\w+\.?\s+\d", near))


def _sentence_of(text: str, pos: int, sentences: list[tuple[int, int]] | None) -> str:
    if sentences:
        for s, e in sentences:
            if s <= pos < e:
                return text[s:e]
    start = max(text.rfind(". ", 0, pos), text.rfind("\n", 0, pos)) + 1
    end_candidates = [i for i in (text.find(". ", pos), text.find("\n", pos)) if i != -1]
    end = min(end_candidates) if end_candidates else len(text)
    return text[start:end]


def best_mention(mentions: list[DateMention]) -> DateMention | None:
    """The mention that dates a sentence: the most precise, then the first."""
    if not mentions:
        return None

    def rank(m: DateMention) -> int:
        # A full date outranks the weekday written beside it ("Friday, Feb. 28, 2020").
        if m.kind in ("iso", "mdy", "dmy"):
            return -1
        if m.kind in ("md", "dm", "weekday") or (
            m.kind == "relative" and m.rel in ("yesterday", "today", "tonight", "last night", "this morning")
        ):
            return 0
        if m.kind in ("my", "m_rel", "m_bare") or (m.kind == "relative" and "month" in (m.rel or "")):
            return 1
        return 2

    return min(mentions, key=lambda m: (rank(m), m.start))
