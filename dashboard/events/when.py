"""When it happened: the verb a trigger hangs on, whether it is told as future, and the sentence's date."""

from __future__ import annotations

from datetime import date
from typing import Any

from dashboard.dates import (
    DAY,
    best_mention,
    find_date_mentions,
    resolve_mention,
)
from dashboard.nlp import base_form, span_text, token_from

FUTURE_AUX = {"will", "shall", "'ll", "wo"}

SPEECH_LEMMAS = {"say", "tell", "announce", "add", "state", "declare", "report", "confirm", "claim", "note"}


def clause_verb(tok: Any) -> Any:
    """The verb that governs a token (the token itself for a verb), or the sentence root."""
    while tok.pos_ not in ("VERB", "AUX") and tok.head.i != tok.i:
        tok = tok.head
    return tok


def is_future_verb(verb: Any) -> bool:
    if any(c.dep_ in ("aux", "auxpass") and c.lower_ in FUTURE_AUX for c in verb.children):
        return True
    return base_form(verb) in ("plan", "schedule", "expect", "intend") and any(c.dep_ == "xcomp" for c in verb.children)


def trigger_token(sent: Any, trigger_start: int) -> Any:
    """The token at a character offset of the sentence (its root when the offset is < 0)."""
    if trigger_start < 0:
        return sent.root
    tok = token_from(sent, sent.start_char + trigger_start)
    return sent.root if tok is None else tok


def sentence_mentions(sent: Any, verb: Any, skip_before: int = 0, trigger: Any = None) -> list:
    """Date mentions of the sentence; those governed by the trigger's verb first.

    Mentions that end before `skip_before` (an article offset: where the dateline ends) are not
    read: the dateline dates the publication, not the event the headline after it reports. A
    weekday's possessive dates the noun it qualifies ("Tuesday's deaths come after raids on Monday":
    the raids are Monday's), so it gives way to the sentence's other days unless that noun is the
    `trigger` token or the noun it is the first part of ("During Sunday's operation 23 fighters were
    killed" is Sunday's, and "Monday's air strikes killed 25, a monitor said on Tuesday" Monday's)."""
    mentions = [m for m in find_date_mentions(span_text(sent)) if sent.start_char + m.end > skip_before]
    if trigger is not None:
        own = (None, trigger.i, trigger.head.i if trigger.dep_ == "compound" else trigger.i)
        mentions = [m for m in mentions if _possessed(sent, m) in own] or mentions
    if len(mentions) < 2:
        return mentions
    same = []
    for m in mentions:
        tok = trigger_token(sent, m.start)
        if clause_verb(tok).i == verb.i:
            same.append(m)
    return same or mentions


def _possessed(sent: Any, mention: Any) -> int | None:
    """The index of the noun a possessive weekday qualifies ("Tuesday's raids" → raids), else None."""
    if not mention.text.endswith("s") or mention.weekday is None:
        return None
    tok = trigger_token(sent, mention.start)
    return tok.head.i if tok.dep_ in ("poss", "compound", "nmod", "npadvmod") else None


def dated_by_report(sent: Any, mentions: list, verb: Any) -> bool:
    """Whether the day that dates the sentence hangs from a verb of saying other than the trigger's
    ("a blast killed six, the monitor said on Sunday"): the day the source spoke, on or after the
    event's (`dates.report_day`)."""
    m = best_mention(mentions)
    if m is None:
        return False
    said = clause_verb(trigger_token(sent, m.start))
    return said.i != verb.i and said.pos_ in ("VERB", "AUX") and base_form(said) in SPEECH_LEMMAS


# The word before a day that makes it the bound of a span: "since 3 May" starts a state or a count,
# "between 2 and 4 May", "from 2 to 4 May", "until Friday" close one. None dates a single act.
SPAN_BOUNDS = frozenset({"since", "until", "till", "and", "to", "through", "between"})


def bounds_a_span(before: str) -> bool:
    words = before.lower().split()
    return bool(words) and words[-1] in SPAN_BOUNDS


def told_days(sent: Any, published: date | None, skip_before: int = 0, said: bool = True) -> set[date]:
    """The days a sentence dates what it tells by ("on Friday", "April 7"), resolved against the
    article's day; not the bound of a span ("killed since Tuesday"), nor one ending before
    `skip_before` (where the dateline ends: it dates the publication), nor, unless `said`, the day a
    source spoke ("…, the monitor said on Sunday"; "Also on Saturday state TV reported a bomb
    exploded" tells the bomb's day too)."""
    if published is None:
        return set()
    text, days = span_text(sent), set()
    for m in find_date_mentions(text):
        if sent.start_char + m.end <= skip_before or bounds_a_span(text[: m.start]):
            continue
        verb = clause_verb(trigger_token(sent, m.start))
        if not said and verb.pos_ in ("VERB", "AUX") and base_form(verb) in SPEECH_LEMMAS:
            continue
        resolved = resolve_mention(m, published)
        if resolved is not None and resolved[1] == DAY:
            days.add(resolved[0])
    return days


def is_future_sentence(sent: Any) -> bool:
    """Whether the sentence's main clause (or what a speech verb reports) is about the future."""
    root = sent.root
    clauses = [root]
    if base_form(root) in SPEECH_LEMMAS:
        clauses += [c for c in root.children if c.dep_ in ("ccomp", "xcomp")]
    for verb in clauses:
        for child in verb.children:
            if child.dep_ in ("aux", "auxpass") and child.lower_ in FUTURE_AUX:
                return True
        if base_form(verb) in ("plan", "schedule", "expect", "intend") and any(
            c.dep_ == "xcomp" for c in verb.children
        ):
            return True
    return False


def sentence_date(
    sentence: str, published: date | None, future: bool = False, mentions: list | None = None
) -> tuple[date | None, str, str, bool]:
    """(date, precision, source, is_future) for a sentence."""
    mention = best_mention(find_date_mentions(sentence) if mentions is None else mentions)
    if mention is not None:
        resolved = resolve_mention(mention, published, future)
        if resolved is not None:
            d, precision = resolved
            is_future = bool(future and published is not None and d >= published)
            return d, precision, "sentence", is_future
    return published, DAY, "published", bool(future and published is not None)


def span_bound(sent: Any, mentions: list) -> bool:
    """Whether the day that dates the sentence only bounds a span ("killed since Saturday"): the
    sentence names no day of one event."""
    m = best_mention(mentions)
    return m is not None and bounds_a_span(span_text(sent)[: m.start])
