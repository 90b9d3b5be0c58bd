"""Whether the act a trigger names is told as done, read from the parse: the cues of an act only
scheduled or only asked for, for events of every type (talks and deals as much as strikes).

`mention.scheduled`: "a summit is set to open", "talks are due to begin", "the upcoming meeting",
"a meeting to be held on Monday" tell what is to come, not what happened.
`mention.asked_for`: the act is the infinitive of a verb of asking, wanting or refusing ("urged the
army to allow inspectors to visit the site", "called on both sides to hold talks"): what someone
wants done is not done. Not "tried to storm the base" (an attempt is an event) nor "moved to take
the town" (a purpose the mention rules' other cues read).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from dashboard.nlp import base_form, token_from
from dashboard.wordlists import word_set

WORDS = Path(__file__).with_name("words.toml")  # the word lists, each with why it exists
SCHEDULE_HEADS = word_set(WORDS, "mentions.schedule_heads")
PLANNED_ADJECTIVES = word_set(WORDS, "mentions.planned_adjectives")
ASKING_VERBS = word_set(WORDS, "mentions.asking_verbs")
HAPPEN_VERBS = word_set(WORDS, "mentions.happen_verbs")


def scheduled(trigger: Any, verb: Any) -> bool:
    """Whether the trigger (a token) is told as scheduled: its verb `verb` (or None) is "set"/"due"
    to do it, the noun is "upcoming"/"planned" (`_planned`), or an infinitive qualifies it ("a
    meeting to be held")."""
    if _planned(trigger, verb):
        return True
    if any(c.dep_ in ("acl", "relcl") and _infinitive(c) and _happening(c) for c in trigger.children):
        return True  # "a meeting to be held", "talks to begin on Monday"; not "a battle to defend the town"
    return verb is not None and _set_to(verb)


def _planned(trigger: Any, verb: Any) -> bool:
    """Whether the noun, or the noun it is "of" ("the next round of talks"), is "upcoming"/"planned",
    and no verb tells it done in the past ("the expected assault began", "the next wave of strikes
    hit X": the wave's verb tells the strikes')."""
    nouns = [trigger] + ([trigger.head.head] if trigger.dep_ == "pobj" and trigger.head.lower_ == "of" else [])
    owner = nouns[-1]
    if owner.dep_ in ("nsubj", "nsubjpass", "dobj") and owner.head.pos_ in ("VERB", "AUX"):
        verb = owner.head
    if verb is not None and verb.tag_ == "VBD":
        return False  # "the planned talks took place": they did
    return any(c.dep_ == "amod" and c.lower_ in PLANNED_ADJECTIVES for n in nouns for c in n.children)


def _set_to(verb: Any) -> bool:
    """ "is set to open", "are due to begin", "slated to start": the verb or its complement is one
    of SCHEDULE_HEADS with an infinitive after it."""
    heads = [verb] + [
        c for c in verb.children if c.dep_ in ("acomp", "xcomp", "oprd") and base_form(c) in SCHEDULE_HEADS
    ]
    return any(base_form(h) in SCHEDULE_HEADS and any(c.dep_ == "xcomp" for c in h.children) for h in heads)


def asked_for(verb: Any) -> bool:
    """Whether the trigger's verb `verb` is an infinitive a verb of asking, wanting or refusing
    governs, directly or through another such infinitive ("urged them to allow the team to visit")."""
    while verb is not None and _infinitive(verb) and verb.dep_ in ("xcomp", "ccomp", "advcl") and verb.head.i != verb.i:
        if base_form(verb.head) in ASKING_VERBS or verb.head.lower_ in ASKING_VERBS:
            return True
        verb = verb.head
    return False


def _happening(verb: Any) -> bool:
    """A verb that tells a noun's act taking place: a passive ("to be held") or one of HAPPEN_VERBS."""
    return any(c.dep_ == "auxpass" for c in verb.children) or base_form(verb) in HAPPEN_VERBS


def _infinitive(verb: Any) -> bool:
    return any(c.dep_ in ("aux", "auxpass") and c.lower_ == "to" for c in verb.children)


def cue_governs(cues: re.Pattern, sentence: str, start: int, sent: Any, trigger_at: int) -> bool:
    """Whether a match of `cues` in `sentence` (at article offset `start`) governs the trigger at
    `trigger_at`: the verb the cue is (or is the auxiliary, marker or particle of) is the trigger's
    token or one of its heads ("would meet", "called for talks"; not "talks, after which they said a
    truce would begin")."""
    trigger = token_from(sent, trigger_at)
    if trigger is None:
        return False
    heads = {trigger.i} | {t.i for t in trigger.ancestors}
    for m in cues.finditer(sentence):
        cue = token_from(sent, start + m.start())
        if cue is not None and (cue.i if cue.pos_ == "VERB" else cue.head.i) in heads:
            return True
    return False
