"""What happened: the lexicon of event rules, typing a sentence by its first matching rule, and the
types the rules tell apart (violence, ACLED's types)."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from dashboard import schema as S
from dashboard.events.actor_entries import ARMED_INTER
from dashboard.regex_needs import ANY_TEXT, Needs, NeedsSet, Text, needs_of

LEXICON_PATH = Path(__file__).with_name("lexicon.toml")


@dataclass(frozen=True)
class Rule:
    event_type: str
    sub_event_type: str
    priority: int
    pattern: re.Pattern[str]
    generic: bool = False
    # The rule finds a thing named, not done in the sentence (an agreement referred to, not made).
    named_only: bool = False
    # The words `pattern` needs (regex_needs): a sentence with none of them is not searched.
    needs: Needs = field(default=ANY_TEXT, compare=False)


@lru_cache(maxsize=4)
def lexicon_data(path: Path = LEXICON_PATH) -> dict[str, Any]:
    """The lexicon file's tables, read once: the rules, and the tables the assembly reads (`weapons`,
    `distinctive_means`). Read only; never changed."""
    with Path(path).open("rb") as fh:
        return tomllib.load(fh)


@lru_cache(maxsize=4)
def load_lexicon(path: Path = LEXICON_PATH) -> tuple[Rule, ...]:
    rules = []
    for r in lexicon_data(path)["rule"]:
        pat = re.compile(r"\b(?:" + "|".join(r["patterns"]) + r")\b", re.I)
        rules.append(
            Rule(
                r["event_type"],
                r["sub_event_type"],
                int(r["priority"]),
                pat,
                bool(r.get("generic")),
                bool(r.get("named_only")),
                needs_of(pat),
            )
        )
    return tuple(sorted(rules, key=lambda r: r.priority))


_QUOTE = re.compile(r"[\"“”«»][^\"“”«»]{12,}[\"“”«»]")

_SPEECH = re.compile(r"\b(?:said|says|told|added|stressed|warned|noted|stated|declared)\b", re.I)


def classify_rule(sentence: str, rules: tuple[Rule, ...] | None = None) -> tuple[Rule | None, str]:
    """The first lexicon rule that matches the sentence, and the words that matched.

    A quotation with a speech verb outside it ('"We want a cease-fire," Kalın told reporters')
    is a statement, unless the sentence reports violence.
    """
    rules = rules or load_lexicon()
    hay = Text.of(sentence)
    if _QUOTE.search(sentence):
        outside = _QUOTE.sub(" ", sentence)
        speech = _SPEECH.search(outside)
        # Violence reported, in the quote or around it, is still the event (the speaker is the
        # source); meetings and deals around a quote are only its setting.
        violent = any(rule.event_type in VIOLENT and _found(rule, hay) for rule in rules)
        if speech and not violent:
            statement = next((r for r in rules if r.sub_event_type == "Statement"), None)
            if statement is not None:
                return statement, speech.group(0)
    for rule, maybe in zip(rules, _may_match(rules, hay), strict=True):
        m = rule.needs.search(rule.pattern, hay) if maybe else None
        if m:
            return rule, sentence[m.start() : m.end()]  # the twin's match is of the lower-cased text
    return None, ""


def _may_match(rules: tuple[Rule, ...], hay: Text) -> list[bool]:
    """Each rule's `needs.may_match(hay)`: for the lexicon's own rules from one scan of the text
    (`_lexicon_needs`), where each rule's test searched the text for its words."""
    if rules is load_lexicon():
        return _lexicon_needs().may_match(hay)
    return [rule.needs.may_match(hay) for rule in rules]


@lru_cache(maxsize=1)
def _lexicon_needs() -> NeedsSet:
    return NeedsSet.of([rule.needs for rule in load_lexicon()])


def _found(rule: Rule, hay: Text) -> bool:
    """Whether the rule's pattern matches the text (skipped when it cannot, see regex_needs)."""
    return rule.needs.may_match(hay) and rule.needs.search(rule.pattern, hay) is not None


@lru_cache(maxsize=1)
def _first_means_table() -> tuple[frozenset[str], re.Pattern[str]]:
    """The lexicon's `[first_means]`: the means a sentence may coordinate, and what may join them."""
    table = lexicon_data()["first_means"]
    heads = "|".join(table["head_nouns"])
    # "shelling and air strikes", "artillery fire, rockets", "mortars or Russian air strikes"
    joint = rf"(?:\s+(?:{heads}))?\s*(?:,\s*(?:(?:and|or)\s+)?|\s(?:and|or|as well as)\s+)(?:\w+\s+){{0,2}}"
    return frozenset(table["sub_event_types"]), re.compile(joint, re.I)


def first_means(sentence: str, rule: Rule | None, trigger: str, rules: tuple[Rule, ...]) -> tuple[Rule | None, str]:
    """The rule of the means named first when the sentence coordinates two ("Turkish shelling and air
    strikes killed…" is shelling), else the rule and trigger given."""
    means, joint = _first_means_table()
    if rule is None or rule.sub_event_type not in means:
        return rule, trigger
    at = sentence.find(trigger)
    for other in rules:
        if other.sub_event_type not in means or other.sub_event_type == rule.sub_event_type:
            continue
        m = other.pattern.search(sentence, 0, at)
        if m and joint.fullmatch(sentence[m.end() : at]):
            return other, m.group(0)
    return rule, trigger


@lru_cache(maxsize=1)
def _support_markers() -> re.Pattern[str]:
    """The lexicon's `[support_phrase]` markers ("backed by", "under the cover of")."""
    words = "|".join(lexicon_data()["support_phrase"]["markers"])
    return re.compile(rf"\b(?:{words})\s", re.I)


def _support_spans(sentence: str, rules: tuple[Rule, ...]) -> list[tuple[int, int]]:
    """Each support phrase: from its marker to the next comma, semicolon or stop, or to the first
    words of a rule that is not remote violence (the action the help was for)."""
    spans = []
    markers = _support_markers()
    needs, hay = needs_of(markers), Text.of(sentence)
    for m in needs.finditer(markers, hay) if needs.may_match(hay) else ():
        stop = re.search(r"[,;.]", sentence[m.end() :])
        end = m.end() + stop.start() if stop else len(sentence)
        for rule in rules:
            if rule.event_type != "Explosions/Remote violence":
                action = rule.pattern.search(sentence, m.end(), end)
                if action:
                    end = action.start()
        spans.append((m.start(), end))
    return spans


def past_support(sentence: str, rule: Rule | None, trigger: str, rules: tuple[Rule, ...]) -> tuple[Rule | None, str]:
    """The rule the sentence's own action gives when its first trigger only names the help that action
    had ("Troops backed by air strikes retook the village" is the retaking, not an air strike)."""
    if rule is None:
        return rule, trigger
    return typed_without(sentence, _support_spans(sentence, rules), rule, trigger, rules)


def typed_without(
    sentence: str, spans: list[tuple[int, int]], rule: Rule | None, trigger: str, rules: tuple[Rule, ...]
) -> tuple[Rule | None, str]:
    """The rule and trigger of the sentence with `spans` (offsets in it) left out, when its trigger
    stands in one of them and the rest names an event; else those given (`past_support`,
    `adjuncts.own_act`)."""
    at = sentence.find(trigger)
    if not any(a <= at < b for a, b in spans):
        return rule, trigger
    masked = list(sentence)
    for a, b in spans:
        masked[a:b] = " " * (b - a)
    other, found = classify_rule("".join(masked), rules)
    return (other, found) if other is not None else (rule, trigger)


def classify(sentence: str, rules: tuple[Rule, ...] | None = None) -> tuple[str, str, str]:
    """(event_type, sub_event_type, trigger) from the first lexicon rule that matches."""
    rule, trigger = classify_rule(sentence, rules)
    return (rule.event_type, rule.sub_event_type, trigger) if rule else ("Other", "Other", "")


REMOTE = "Explosions/Remote violence"
CIVILIAN_VIOLENCE = "Violence against civilians"
SPECIFIC_VIOLENCE = {REMOTE, CIVILIAN_VIOLENCE}


def type_from_neighbours(rows: list[dict], generic: set[str], text: str, armed_target: bool = True) -> None:
    """Deaths reported in general terms ("12 people were killed"), and a bombing, which names no
    means, take the type of the attack a neighbouring sentence of the same paragraph describes ("Air
    strikes hit Saraqib..."); a bombing only that of another means of remote violence. With
    `armed_target` (`types.armed_target`), deaths of a side's men (actor2 state forces, rebels or a
    militia: "killing 30 soldiers") do not take a neighbour's violence against civilians."""
    specific = [r for r in rows if r[S.EVENT_TYPE] in SPECIFIC_VIOLENCE and r[S.EVENT_ID] not in generic]
    not_civilian = [o for o in specific if o[S.EVENT_TYPE] != CIVILIAN_VIOLENCE]
    for r in rows:
        if r[S.EVENT_ID] not in generic:
            continue
        # Deaths of a side's men are no violence against civilians, whatever the neighbour.
        near = _neighbours(r, not_civilian if armed_target and r.get(S.INTER2) in ARMED_INTER else specific, text)
        if near:
            best = min(near, key=lambda o: abs(o[S.EXCERPT_START] - r[S.EXCERPT_START]))
            r[S.EVENT_TYPE], r[S.SUB_EVENT_TYPE] = best[S.EVENT_TYPE], best[S.SUB_EVENT_TYPE]


def _neighbours(r: dict, specific: list[dict], text: str) -> list[dict]:
    """The rows of `specific` within 600 characters of `r` in the same paragraph that may type it."""
    return [
        o
        for o in specific
        # A bombing is remote violence whatever else: only another means types it, not a killing.
        if (r[S.EVENT_TYPE] != REMOTE or o[S.EVENT_TYPE] == REMOTE)
        and abs(o[S.EXCERPT_START] - r[S.EXCERPT_START]) <= 600
        and "\n\n"
        not in text[min(o[S.EXCERPT_START], r[S.EXCERPT_START]) : max(o[S.EXCERPT_START], r[S.EXCERPT_START])]
    ]


def civilian_targets(rows: list[dict], generic: set[str]) -> None:
    """`types.civilian_target`: deaths reported in general terms ("the group killed 30 men"), typed an
    armed clash for want of a weapon or a neighbouring attack, whose target is civilians, are violence
    against civilians: ACLED's battles are fought between armed, organised sides."""
    for r in rows:
        if r[S.EVENT_ID] in generic and r[S.SUB_EVENT_TYPE] == "Armed clash" and r[S.INTER2] == 7:
            if r[S.INTER1] not in (6, 7):
                r[S.EVENT_TYPE], r[S.SUB_EVENT_TYPE] = "Violence against civilians", "Attack"


VIOLENT = {"Battles", "Explosions/Remote violence", "Violence against civilians"}

ACLED_TYPES = VIOLENT | {"Protests", "Riots", "Strategic developments"}
