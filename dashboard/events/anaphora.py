"""A report placed at a province at best that speaks of a town without naming it ("a town in Aleppo
province"): the next sentences may name it (`location.unnamed_town_next`); so may they the town of one
act told at a province (`location.province_town_next`), unless they tell an act of other means."""

from __future__ import annotations

import re
from typing import Any

from dashboard.events.kinds import means_named
from dashboard.events.lexicon import VIOLENT, classify_rule
from dashboard.events.where import kept_place
from dashboard.geo.locative import ATTACK_WORDS
from dashboard.geo.toponyms import Toponym
from dashboard.rules import Switches

# A settlement the sentence puts in a province without naming it: "a town in Aleppo province".
UNNAMED_SETTLEMENT = re.compile(r"\b(?:a|an|one) (?:[\w-]+ )?(?:town|village|city)\b", re.I)


# A sentence that sets its act apart from the one before ("in a separate attack", "a different
# incident", "Elsewhere, …"): a new event, whose place is not that one's (`location.separate_act`).
# Not "another attack", which a list of attacks on one target says of each ("The last attack on the
# shrine killed seven. In May another attack killed twelve.").
_SEPARATE = re.compile(
    r"\b(?:separate|different)\s+(?:[\w-]+\s+)?"
    r"(?:attacks?|incidents?|operations?|strikes?|raids?|clash(?:es)?|assaults?|bombings?|ambush(?:es)?"
    r"|explosions?|blasts?|shellings?|offensives?)\b|\belsewhere\b",
    re.I,
)


def inheritable(places: list[Toponym], sentence: str, switches: Switches) -> list[Toponym]:
    """The places of the act told before that a sentence naming none may take: none when it sets its
    act apart from that one (`location.separate_act`)."""
    return [] if switches.on("location.separate_act") and _SEPARATE.search(sentence) else places


def provinces_only(places: list[Toponym]) -> set[str]:
    """The provinces of a report placed at a province at best (and its country); empty otherwise."""
    if not places or any(kept_place(t).precision < 3 for t in places):
        return set()
    return {kept_place(t).admin1 for t in places if kept_place(t).precision == 3}


def unnamed(sentence: str) -> bool:
    return UNNAMED_SETTLEMENT.search(sentence) is not None


def other_means(sentence: str, trigger: str) -> bool:
    """Whether a sentence tells an attack by other means than the report's trigger words name ("A
    missile strike in Hama province killed nine." then "Warplanes bombed X."): another act, whose
    town is not the first's. Words that fit several means ("bombing", "bombardment") name none and
    differ from no means (the lexicon's `[weapons]`, as `assemble.distinct_weapons` compares)."""
    rule, said = classify_rule(sentence)
    if rule is None or rule.event_type not in VIOLENT:
        return False
    first, then = means_named(trigger), means_named(said)
    return bool(first and then) and first != then


def one_act(tok: Any) -> bool:
    """Whether the trigger names one act: a singular noun with "a", "an" or "one" ("An air strike
    killed 9", "a car bomb"), which happened at one place; not "air strikes", "clashes" or "the
    bombardment", which a province-wide report may spread over several."""
    while tok.dep_ == "compound" and tok.head.i != tok.i:
        tok = tok.head
    return tok.tag_ == "NN" and any(c.dep_ == "det" and c.lower_ in ("a", "an", "one") for c in tok.children)


# Determiners that make an attack noun refer back to one already told ("the strike", "this attack").
_BACK = frozenset({"the", "this", "that"})
_AGENT_VERBS = ("xcomp", "ccomp", "conj")


def names_its_author(sent: Any) -> bool:
    """`location.author_continuation`: "the raid was conducted by government helicopters", "the
    attack is thought to have been launched by X": a sentence naming no place whose attack noun refers
    back to the act just told, with its agent, names that act's author. It continues that act (takes
    its place, so the assembly joins them and the author completes the event)."""
    return any(_told_by_agent(tok) for tok in sent if tok.dep_ == "nsubjpass" and tok.lower_ in ATTACK_WORDS)


def _told_by_agent(noun: Any) -> bool:
    if not any(c.lower_ in _BACK for c in noun.children):
        return False
    verb = noun.head
    verbs = [verb, *(c for c in verb.subtree if c.dep_ in _AGENT_VERBS and c.pos_ == "VERB")]
    return any(c.dep_ == "agent" for v in verbs for c in v.children)
