"""`actors.own_forces`: a side that speaks of its own forces names their author.

Wire copy attributes an act to the side that announces it: "the army said its troops repelled the
assault", "the group said in a statement that their fighters took the hill". The speaker is no actor
of the act (actor_roles: the subject of a verb of speech), and the possessive phrase names no one
on its own ("its troops" is a generic force): with the rule, the phrase "its troops" is a mention of
the speaker's actor, which the parse then gives its role. The antecedent is the nearest name before
the possessive: a name after the verb ("X said Y and its allies …") takes it, and nothing is read.

`actors.speaker_pronoun`: the same for a pronoun that is the subject of the reported clause, "the army
said it had killed 14 militants", "the rebels said they shot down a drone". A speaker tells its own
acts so; without the rule the pronoun named no one, and the act had no author. The pronoun is taken
only before an active verb: the subject of "they were killed" or "it was hit" is as often someone
the speaker tells of ("medics said they were killed by shelling": the dead). With another name
between the speaker and the pronoun, the pronoun is not read.
"""

from __future__ import annotations

import re
from pathlib import Path

from dashboard.events.actor_entries import Mention
from dashboard.wordlists import word_set

WORDS = Path(__file__).with_name("words.toml")
SPEECH_VERBS = "|".join(sorted(word_set(WORDS, "actors.own_forces_verbs")))
_NOUNS = "|".join(sorted(word_set(WORDS, "actors.own_forces_nouns")))
# After the speaker's name: a few words at most before its verb ("X on Monday said"), then up to a
# clause's opening before the possessive ("said in a statement that its …"), all within one clause.
_SPEAKS = rf"[^.;:!?\"“”]{{0,30}}?\b(?:{SPEECH_VERBS})\b[^.;:!?\"“”]{{0,40}}?\b"
_SPOKEN = re.compile(rf"{_SPEAKS}(?P<own>(?:its|their)\s+(?:{_NOUNS}))\b", re.I)
_POSSESSIVE = re.compile(r"\b(?:its|their)\b", re.I)
# The subject pronoun of the reported clause, before an active verb: perhaps one auxiliary of tense,
# then a word that is no form of "be" (a passive's or a copula's, whose subject is no doer).
_SPOKEN_PRONOUN = re.compile(
    rf"{_SPEAKS}(?P<own>it|they)\s+"
    r"(?:(?:had|has|have|would|will)\s+)?(?!(?:been|being|be|was|were|is|are|had|has|have|would|will)\b)[a-z]",
    re.I,
)
_PRONOUN = re.compile(r"\b(?:it|they)\b", re.I)
# A name right after a preposition is governed by it, so no speaker.
_NOT_AFTER = "|".join(sorted(word_set(WORDS, "actors.own_forces_not_after")))
_GOVERNED = re.compile(rf"\b(?:{_NOT_AFTER})\s+(?:the\s+)?$", re.I)


def own_forces(
    mentions: list[Mention], text: str, offset: int, pronouns: bool = False, forces: bool = True
) -> list[Mention]:
    """`mentions` (in text order, offsets + `offset` into `text`) with each speaker's "its/their
    forces" (`forces`: actors.own_forces) a mention of the speaker's actor (replacing a generic
    force's mention it covers), and with `pronouns` (actors.speaker_pronoun) its "it/they" that does
    the reported act."""
    cues = [*([(_SPOKEN, _POSSESSIVE)] if forces else []), *([(_SPOKEN_PRONOUN, _PRONOUN)] if pronouns else [])]
    spoken = [pattern for pattern, cue in cues if cue.search(text) is not None] if mentions else []
    if not spoken:
        return mentions
    added = [got for i, m in enumerate(mentions) for got in _spoken_of(mentions, i, text, offset, spoken)]
    if not added:
        return mentions
    kept = [m for m in mentions if not any(a.start < m.end and m.start < a.end for a in added)]
    return sorted(kept + added, key=lambda m: m.start)


def _spoken_of(mentions: list[Mention], i: int, text: str, offset: int, spoken: list[re.Pattern[str]]) -> list[Mention]:
    """The phrases (`spoken`'s group "own") that the speaker `mentions[i]` says are its own, each a
    mention of its actor: none for a victim, a name a preposition governs, or a phrase that another
    name stands nearer to."""
    m = mentions[i]
    if m.entry.victim or _GOVERNED.search(text, max(0, m.start - offset - 20), m.start - offset):
        return []
    out = []
    for pattern in spoken:
        got = pattern.match(text, m.end - offset)
        if got is None:
            continue
        start, end = got.start("own") + offset, got.end("own") + offset
        if not any(m.end <= o.start < start for o in mentions[i + 1 :]):
            out.append(Mention(start, end, m.entry))
    return out
