"""An event named only to say when another happened: "days after a chemical attack, a woman was
killed", "a week before the bombing of the market, rebels retook the town" (`types.time_reference`).

The phrase of "before" or "since", or of "after" or "following" with a stretch of time before it
("days after"), whose object is an event, dates the sentence's own act against it; its attack noun
is not the act's means ("killed after an air strike" without one tells the cause: it is left). The
sentence is typed by its own words with that phrase left out; when they name no event it keeps its
type.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from dashboard.events.lexicon import Rule, typed_without
from dashboard.geo.locative import ATTACK_WORDS
from dashboard.nlp import doc_text
from dashboard.rules import Switches
from dashboard.wordlists import word_set

WORDS = Path(__file__).with_name("words.toml")
TIME_STRETCHES = word_set(WORDS, "extract.time_stretches")
UNDERTAKING_NOUNS = word_set(WORDS, "mentions.undertaking_nouns")
# The words right before a trigger an undertaking aims at: "an offensive to ", "a push to ".
AIM_BEFORE = re.compile(
    r"\b(?:" + "|".join(sorted((re.escape(w) for w in UNDERTAKING_NOUNS), key=len, reverse=True)) + r")\s+(to\s+)$",
    re.I,
)
AIM_WINDOW = 40  # characters before the trigger the undertaking's words are looked for in
# A stretch of time, a time preposition and the attack it names, up to six words on ("days after a
# deadly regime chemical attack"): the phrase the parse of a sentence without commas may not find.
_ATTACKS = "|".join(sorted((re.escape(w) for w in ATTACK_WORDS), key=len, reverse=True))
# The prepositions that set one event against another in time.
_TIME_PREPS = frozenset({"after", "before", "following", "since"})
_MEASURED_ATTACK = re.compile(
    r"\b(?:" + "|".join(sorted(TIME_STRETCHES)) + r")\s+(?:" + "|".join(sorted(_TIME_PREPS)) + r")\s+"
    r"(?:[\w'’-]+\s+){0,6}?(?:" + _ATTACKS + r")\b",
    re.I,
)
_RELATIVES = frozenset({"that", "which", "who", "whom", "whose", "where", "when"})
# "Killed after an air strike", "dead following bombings": these also give the cause, so they tell a
# different event only with a stretch of time between ("days after", "hours following").
_CAUSAL = frozenset({"after", "following"})


def _measured(prep: Any) -> bool:
    """Whether a stretch of time stands before the preposition ("two days after", "hours after"), as
    its modifier or as the word the parse hangs it on."""
    near = [c for c in prep.children if c.dep_ in ("npadvmod", "advmod") and c.i < prep.i]
    if prep.head.i == prep.i - 1:
        near.append(prep.head)
    return any(t.lower_ in TIME_STRETCHES for t in near)


def time_reference_spans(sent: Any) -> list[tuple[int, int]]:
    """The spans (offsets in the document) of the sentence's phrases that use an event to tell a
    time: the preposition and its object's words. A date or a span of time ("after Friday", "since
    2012", "after three days") is a time already, not an event, and is left."""
    spans = []
    for tok in sent:
        obj = _event_object(tok)
        if obj is not None:
            # The noun phrase with its phrases and relative clauses ("since the attack that killed 87"),
            # but not a main clause the parse hangs on it ("after a chemical attack a woman was killed").
            kept = [c for c in obj.children if not _main_clause(c) and c.dep_ not in ("cc", "conj")]
            last = max(t.i for c in (obj, *kept) for t in (c.subtree if c is not obj else (c,)))
            spans.append((tok.idx, tok.doc[last].idx + len(tok.doc[last])))
    return spans


def _event_object(prep: Any) -> Any | None:
    """The noun a time preposition sets the act against, or None ("after Friday", "since 2012": a time)."""
    if prep.lower_ not in _TIME_PREPS or prep.dep_ != "prep" or prep.lower_ in _CAUSAL and not _measured(prep):
        return None
    objs = [c for c in prep.children if c.dep_ == "pobj" and c.pos_ == "NOUN" and not c.ent_type_]
    return objs[0] if objs else None


def own_act(
    sent: Any, s0: int, own: str, rule: Rule | None, trigger: str, rules: tuple[Rule, ...]
) -> tuple[Rule | None, str]:
    """The rule and trigger of the sentence's own act when its trigger stands in a phrase that only
    tells when (`time_reference_spans`); else those given. `s0`: the offset of `own` in the document."""
    if rule is None or not trigger or not _time_prep_up_to(own, own.find(trigger)):
        return rule, trigger
    return typed_without(own, [(a - s0, b - s0) for a, b in time_phrase_spans(sent)], rule, trigger, rules)


def time_phrase_spans(sent: Any) -> list[tuple[int, int]]:
    """The spans (document offsets) of the sentence's phrases that name an event only to tell when:
    those the parse finds (`time_reference_spans`) and, read from the words, a stretch of time and a
    time preposition before an attack noun ("days after a regime air strike a bomb killed…", where the
    parse of a sentence without commas takes the attack for the subject)."""
    text = doc_text(sent.doc)[sent.start_char : sent.end_char]
    if not _time_prep_up_to(text, len(text)):
        return []  # every such phrase has one of them: most sentences need no walk of their tokens
    found = [(sent.start_char + m.start(), sent.start_char + m.end()) for m in _MEASURED_ATTACK.finditer(text)]
    return time_reference_spans(sent) + found


_LONGEST_PREP = max(len(p) for p in _TIME_PREPS)


def _time_prep_up_to(own: str, at: int) -> bool:
    """Whether a time preposition may begin at or before offset `at` of the sentence `own` (-1: the
    trigger is not in it). Each phrase `time_reference_spans` finds begins at one, and `typed_without`
    keeps the rule unless the trigger stands inside a phrase: with no such word up to the trigger
    (three sentences in four) the sentence's tokens need not be walked. A token whose lower case is a
    preposition spells its letters in ASCII (up to case), so its text is in the sentence's first
    `at + _LONGEST_PREP` characters, lower-cased."""
    head = own[: at + _LONGEST_PREP].lower() if at >= 0 else ""
    return any(p in head for p in _TIME_PREPS)


def own_words_act(
    sent: Any, s0: int, own: str, rule: Rule | None, trigger: str, rules: tuple[Rule, ...], switches: Switches
) -> tuple[Rule | None, str]:
    """The rule and trigger of the act the sentence tells, not of an event it names only to tell when
    (`types.time_reference`, `own_act`) or as an undertaking's aim (`types.aim`, `aimed_act`)."""
    if switches.on("types.time_reference"):
        rule, trigger = own_act(sent, s0, own, rule, trigger, rules)
    if switches.on("types.aim"):
        rule, trigger = aimed_act(own, rule, trigger, rules)
    return rule, trigger


def aimed_act(own: str, rule: Rule | None, trigger: str, rules: tuple[Rule, ...]) -> tuple[Rule | None, str]:
    """`types.aim`: a trigger an undertaking's infinitive names ("launched an offensive to retake the
    town") is what the undertaking aims at, not what happened: the sentence is typed by its other
    words ("offensive": a battle) when they name an event; else it keeps the trigger, which the
    mention rules then read as an aim (`mentions.py`)."""
    if rule is None or not trigger:
        return rule, trigger
    at = own.find(trigger)
    aim = AIM_BEFORE.search(own[max(0, at - AIM_WINDOW) : at])
    if aim is None:
        return rule, trigger
    # The aim, "to recapture", is left out; the undertaking ("an offensive") may type the sentence.
    return typed_without(own, [(max(0, at - AIM_WINDOW) + aim.start(1), at + len(trigger))], rule, trigger, rules)


def _main_clause(c: Any) -> bool:
    """A clause the parse hangs on a noun that has a subject of its own and no relative word: the
    sentence's own clause, not one that describes the noun."""
    if c.dep_ not in ("relcl", "acl"):
        return False
    subject = any(k.dep_ in ("nsubj", "nsubjpass") and k.lower_ not in _RELATIVES for k in c.children)
    return subject and not any(k.lower_ in _RELATIVES for k in c.subtree if k.i < c.i)
