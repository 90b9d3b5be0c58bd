"""`actors.claimant`: a group that claims a bombing is its author when no report of it names one.

Bombings are often told without their author ("a car bomb went off near the market, killing nine")
and claimed in a later sentence ("the group announced that one of its men blew
himself up", "X claimed responsibility for the attack"). An analyst codes the claimant as actor1
(ACLED does). Only an armed group the actor dictionary lists, only when the article's claims name
one group, and only for the means groups claim: a bomb, a suicide attack.
"""

from __future__ import annotations

import re
from typing import Any

from dashboard import schema as S
from dashboard.events.actors import ActorEntry, actor_of, find_mentions, load_dictionary
from dashboard.nlp import doc_text
from dashboard.regex_needs import search

CLAIMED_MEANS = frozenset({"Suicide bomb", "Remote explosive/landmine/IED"})
ARMED_GROUPS = frozenset({2, 3, 4})
# A claim: responsibility taken, the attack claimed, the attacker called "one of its" men, or the
# attack said to be the group's work ("said its fighters carried out the attack", "said it was behind
# the bombing").
_ACT = r"(?:attack|bombing|blast|explosion)"
_CLAIM = re.compile(
    rf"\b(?:claim(?:ed|s|ing)?\s+(?:responsibility|the\s+{_ACT}s?)"
    rf"|responsibility\s+for\s+the\s+{_ACT}"
    rf"|carr(?:ied|ies|y|ying)\s+out\s+the\s+(?:suicide\s+)?{_ACT}|(?:was|were|is|are)\s+behind\s+the\s+{_ACT}"
    r"|one\s+of\s+(?:its|the\s+group['’]?s)\s+(?:fighters|members|militants|men|operatives|suicide\s+bombers))\b",
    re.I,
)
# "did not claim", "no one has claimed", "denied": no claim; nor a suspicion ("officials suspected X
# carried out the attack"), which names no claimant.
_DENIED = re.compile(
    r"\b(?:not|no\s+(?:one|group)|nobody|denied|deny|denies|suspect(?:ed|s)?|believed|may\s+have|might\s+have)\b",
    re.I,
)


def claimant(doc: Any) -> ActorEntry | None:
    """The one armed group the article's claims of an attack name (None: none, or several)."""
    text = doc_text(doc)
    d = load_dictionary()
    groups: dict[str, ActorEntry] = {}
    for sent in doc.sents:
        s = text[sent.start_char : sent.end_char]
        claim = search(_CLAIM, s)  # by regex_needs: the same span (only its start is read)
        if claim is None or _DENIED.search(s):
            continue
        # The claimant is named before its claim ("X said one of its fighters …"); a group after it
        # is the attack's target ("… fired on a gathering of Kurdish fighters").
        before = [
            m
            for m in find_mentions(s[: claim.start()], sent.start_char, d)
            if m.entry.inter in ARMED_GROUPS and not m.entry.victim and not m.entry.generic
        ]
        if before:
            groups[before[-1].entry.name] = before[-1].entry
    return next(iter(groups.values())) if len(groups) == 1 else None


def with_claimant(authors: dict[str, tuple[str, int]], claim: ActorEntry | None, rows: list[dict]) -> None:
    """Give the claimed means with no author the article names (`means_authors`) the claimant."""
    if claim is None or not rows:
        return
    actor = actor_of(claim, rows[0][S.COUNTRY_CODE], rows[0][S.COUNTRY])
    for means in CLAIMED_MEANS:
        authors.setdefault(means, (actor.name, actor.inter))
