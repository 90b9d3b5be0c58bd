"""`actors.own_forces`: a side that speaks of its own forces names their author.

Wire copy attributes an act to the side that announces it: "the army said its troops repelled the
assault", "the group said in a statement that their fighters took the hill". The speaker is no actor
of the act (actor_roles: the subject of a verb of speech), and the possessive phrase names no one
on its own ("its troops" is a generic force): with the rule, the phrase "its troops" is a mention of
the speaker's actor, which the parse then gives its role. The antecedent is the nearest name before
the possessive: a name after the verb ("X said Y and its allies …") takes it, and nothing is read.
"""

from __future__ import annotations

import re
from pathlib import Path

from dashboard.events.actor_entries import Mention
from dashboard.wordlists import word_set

WORDS = Path(__file__).with_name("words.toml")
_VERBS = "|".join(sorted(word_set(WORDS, "actors.own_forces_verbs")))
_NOUNS = "|".join(sorted(word_set(WORDS, "actors.own_forces_nouns")))
# After the speaker's name: a few words at most before its verb ("X on Monday said"), then up to a
# clause's opening before the possessive ("said in a statement that its …"), all within one clause.
_SPOKEN = re.compile(
    rf"[^.;:!?\"“”]{{0,30}}?\b(?:{_VERBS})\b[^.;:!?\"“”]{{0,40}}?\b(?P<own>(?:its|their)\s+(?:{_NOUNS}))\b", re.I
)
_POSSESSIVE = re.compile(r"\b(?:its|their)\b", re.I)


def own_forces(mentions: list[Mention], text: str, offset: int) -> list[Mention]:
    """`mentions` (in text order, offsets + `offset` into `text`) with each speaker's "its/their
    forces" a mention of the speaker's actor (replacing a generic force's mention it covers)."""
    if not mentions or _POSSESSIVE.search(text) is None:
        return mentions
    added: list[Mention] = []
    for i, m in enumerate(mentions):
        got = None if m.entry.victim else _SPOKEN.match(text, m.end - offset)
        if got is None:
            continue
        start, end = got.start("own") + offset, got.end("own") + offset
        if any(m.end <= o.start < start for o in mentions[i + 1 :]):
            continue  # another name stands nearer the possessive
        added.append(Mention(start, end, m.entry))
    if not added:
        return mentions
    kept = [m for m in mentions if not any(a.start < m.end and m.start < a.end for a in added)]
    return sorted(kept + added, key=lambda m: m.start)
