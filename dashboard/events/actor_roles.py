"""Which side of an attack a name is on, from the parse: the agent (actor1), the target (actor2), a
speaker who only reports the event, or unknown. See `actors.py` for the dictionary the names come
from; this module only reads the sentence around a name."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from dashboard.nlp import base_form, kept_by_offset, token_at
from dashboard.rules import ALL_ON, Switches
from dashboard.wordlists import word_set

if TYPE_CHECKING:
    from dashboard.events.actors import Actor, Mention

WORDS = Path(__file__).with_name("words.toml")  # the word lists, each with why it exists

AGENT, TARGET, UNKNOWN, SPEAKER = "agent", "target", "unknown", "speaker"
ACT_HEADS = word_set(WORDS, "actors.act_heads")
ATTACK_HEADS = ACT_HEADS | word_set(WORDS, "actors.attack_heads")
TARGET_HEADS = word_set(WORDS, "actors.target_heads")
NON_STATE_HEADS = word_set(WORDS, "actors.non_state_heads")
# "near" and "outside": a side named where a blast or a shell landed ("a bomb near a branch of the
# military intelligence", "shells fell outside the army's barracks") is what it was aimed at.
TARGET_PREPS = {"on", "against", "at", "targeting", "upon", "into", "near", "outside"}
# Participles that say who holds or guards a place ("a town held by ISIS", "a convoy escorted by the
# army"): their "by" names who is on the receiving end of an attack on it, not its author.
HOLDING_VERBS = word_set(WORDS, "actors.keeping_verbs")
SPEECH = word_set(WORDS, "actors.speech")
COMMENT_STEMS = tuple(sorted(word_set(WORDS, "actors.comment_stems")))
COUNT_NOUNS = word_set(WORDS, "actors.count_nouns")
COUNT_VERB_STEMS = tuple(sorted(word_set(WORDS, "actors.count_verb_stems")))
# Verbs that lay an attack at someone's door: "blamed on X", "attributed to X" name its author
# (stems: the cheap lemma of `base_form` cuts "blamed" to "blam").
BLAMING_STEMS = ("blam", "attribut", "ascrib")
SOURCE_NOUNS = word_set(WORDS, "actors.source_nouns")


def _head_of(doc: Any, start: int, end: int) -> Any:
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None or len(span) == 0:
        return None
    return span.root


def role(doc: Any, mention: Mention, trigger_at: int, switches: Switches = ALL_ON) -> str:
    """The mention's role in its sentence: agent, target or unknown (the trigger's offset breaks ties)."""
    tok = _head_of(doc, mention.start, mention.end)
    if tok is None:
        return UNKNOWN
    if _names_the_act(mention, tok, trigger_at, switches):
        return AGENT
    if (
        switches.on("actors.speaker_pronoun")
        and tok.lower_ in SPEAKER_PRONOUNS
        and not _in_the_acts_clause(doc, tok, trigger_at)
    ):
        return SPEAKER  # actors.speaker_pronoun: "police said they arrested two men after a bomb went off"
    if switches.on("actors.source_phrase") and _in_source_phrase(tok):
        return SPEAKER
    if holds_the_noun(doc, mention.end):
        return TARGET  # "captured government-held positions": the holder loses them
    tok = _list_head(tok, switches)
    if tok is None:
        return TARGET  # "between A and B": B is the other side
    if switches.on("actors.object_control") and _controlled_subject(tok):
        return AGENT  # "prompted Washington to launch strikes": Washington launches them
    if switches.on("actors.among_the_dead") and _among_the_dead(tok):
        return TARGET
    return _dependency_role(tok, switches.on("actors.compound_head"), switches.on("actors.of_phrase"))


# Pronouns `actors.speaker_pronoun` reads as the speaker (own_forces): the doer of its reported act
# only, an act told in another clause ("…said they arrested two men after a bomb went off") is not theirs.
SPEAKER_PRONOUNS = {"it", "they"}
# Dependencies that open a clause of its own; an xcomp or a conjoined verb shares its subject. A
# preposition of time opens one too: the parse often reads "after a shell hit the market" as "after
# a shell" and a clause of "hit".
CLAUSE_DEPS = {"ROOT", "ccomp", "advcl", "relcl", "acl", "csubj", "parataxis", "pcomp"}
TIME_PREPS = {"after", "before", "following", "since", "until", "amid"}


def _clause_head(tok: Any) -> Any:
    while tok.dep_ not in CLAUSE_DEPS and not (tok.dep_ == "prep" and tok.lower_ in TIME_PREPS) and tok.head.i != tok.i:
        tok = tok.head
    return tok


def _in_the_acts_clause(doc: Any, pronoun: Any, trigger_at: int) -> bool:
    """Whether the act at `trigger_at` is told in the clause whose subject is `pronoun`."""
    trigger = token_at(doc[:], trigger_at)
    return trigger is not None and _clause_head(trigger).i == _clause_head(pronoun).i


def _list_head(tok: Any, switches: Switches) -> Any:
    """The word a conjunct or an apposition hangs on, up the list (its role is the list's); None
    for the second side of "between A and B", which is the other side."""
    while tok.dep_ in ("conj", "appos") and tok.head.i != tok.i:
        if tok.dep_ == "conj" and _second_side(tok, 6 if switches.on("actors.between_sides") else 1):
            return None
        tok = tok.head
    return tok


def _names_the_act(mention: Mention, head: Any, trigger_at: int, switches: Switches) -> bool:
    """`actors.names_the_act`: the name and the act's own noun (`head`, the phrase's head: ACT_HEADS)
    are one phrase holding the trigger ("Russian air strikes", "government shelling"): wherever the
    phrase stands ("killed in X", "reported X on Y"), it says who acts. Not a country named alone,
    whose phrase is no act's, nor a weapon or a force, which can be what is hit."""
    if not switches.on("actors.names_the_act") or mention.bare or not mention.start <= trigger_at < mention.end:
        return False
    return head.lower_ in ACT_HEADS or base_form(head) in ACT_HEADS


def _second_side(conj: Any, depth: int) -> bool:
    """Whether a conjunct is the second side of "between A and B": "between" governs its first
    conjunct (depth 1) or, with `actors.between_sides`, a word a few steps above it, where the parse
    hangs B on a phrase inside A ("clashes between troops backed by tanks and Kurdish fighters": the
    fighters, not the tanks' partner, are the other side)."""
    head = conj.head
    for _ in range(depth):
        if head.head.i == head.i:
            return False
        head = head.head
        if head.lower_ == "between":
            return True
    return False


def _among_the_dead(tok: Any) -> bool:
    """Whether the name is the subject of "be among" ("two soldiers were among those killed", "rebels
    were among the 40 executed"): it counts the victims, whoever the verb's own subject is."""
    head = tok.head
    return (
        tok.dep_ == "nsubj"
        and head.lower_ in ("is", "are", "was", "were", "be", "been", "being")
        and any(c.dep_ == "prep" and c.lower_ == "among" for c in head.children)
    )


def _controlled_subject(tok: Any) -> bool:
    """Whether the name is the object of a verb whose infinitive it carries out ("prompted X to
    strike", "forced X to withdraw", "ordered X to shell"): the understood subject of that verb."""
    if tok.dep_ != "dobj":
        return False
    return any(c.dep_ == "xcomp" and c.i > tok.i and base_form(c) not in SPEECH for c in tok.head.children)


def _dependency_role(tok: Any, compound_head: bool = True, of_phrase: bool = True) -> str:
    """The role the mention's dependency gives it."""
    dep, head = tok.dep_, tok.head
    if dep in ("nsubj", "csubj"):
        return SPEAKER if speaks(head) else AGENT
    if dep == "pobj":
        by_prep = _object_role(head, of_phrase)
        if by_prep:
            return by_prep
    if dep in ("dobj", "nsubjpass", "attr", "oprd"):
        return TARGET
    if dep in ("amod", "compound", "poss", "nmod", "npadvmod"):
        # A compound is named by its last noun: "the ISIL group stronghold" is a stronghold.
        return _noun_role(_last_noun(head) if compound_head else head, of_phrase)
    return UNKNOWN


def origin_of_fighters(doc: Any, mention: Mention) -> bool:
    """Whether a bare country word qualifies fighters no state commands ("Syrian rebels")."""
    tok = _head_of(doc, mention.start, mention.end)
    if tok is None or tok.dep_ not in ("amod", "compound", "nmod"):
        return False
    return base_form(_last_noun(tok.head)) in NON_STATE_HEADS


def speaks(verb: Any) -> bool:
    """Whether a verb reports speech or comments on the event ("condemned the bombing"): not "claimed
    the attack" or "claimed responsibility", which name the author."""
    if base_form(verb).startswith(COMMENT_STEMS):
        return True
    if base_form(verb).startswith(COUNT_VERB_STEMS) and any(
        c.dep_ == "dobj" and base_form(c) in COUNT_NOUNS for c in verb.children
    ):
        return True  # "police put the death toll at nine": a teller of the count
    if base_form(verb) not in SPEECH:
        return False
    owned = base_form(verb) == "claim" and any(
        c.dep_ == "dobj" and (base_form(c) in ATTACK_HEADS or c.lower_ == "responsibility") for c in verb.children
    )
    return not owned


def _last_noun(tok: Any) -> Any:
    """The last noun of the noun compound a word stands in ("stronghold" for "group" in "the ISIS group
    stronghold"), or the word itself."""
    while tok.dep_ == "compound" and tok.head.i != tok.i and tok.head.pos_ in ("NOUN", "PROPN"):
        tok = tok.head
    return tok


def _object_role(prep_tok: Any, of_phrase: bool = True) -> str:
    """The role of a mention a preposition governs ("" when the preposition does not settle it)."""
    prep, head = prep_tok.lower_, prep_tok
    if prep == "by":
        # "strikes on a town held by ISIS": the holder of the place the attack hit.
        holder = head.head.dep_ == "acl" and base_form(head.head) in HOLDING_VERBS
        return TARGET if holder else AGENT
    if prep == "between":
        return AGENT
    if prep in ("on", "to") and head.head.lower_.startswith(BLAMING_STEMS):
        return AGENT  # "an attack blamed on the regime", "strikes attributed to Russia"
    if prep in TARGET_PREPS:
        return TARGET
    if prep == "of" and head.head.pos_ in ("NOUN", "PROPN"):
        return _noun_role(head.head, of_phrase)
    return ""


def _in_source_phrase(tok: Any) -> bool:
    """Whether the name sits inside the phrase of a source that speaks: "a source at the police
    command said", "according to an official in the army" (the police and the army tell of the
    event; they are not its sides). The path must go through a preposition: a name glued to the noun
    ("... coalition operation security sources said", where the text lost its commas) may be a side."""
    through_prep = False
    for _ in range(5):
        if tok.dep_ not in ("compound", "amod", "nmod", "poss", "pobj", "prep", "conj", "appos") or tok.head.i == tok.i:
            return False
        through_prep = through_prep or tok.dep_ == "pobj"
        tok = tok.head
        if through_prep and tok.pos_ in ("NOUN", "PROPN") and base_form(tok) in SOURCE_NOUNS:
            speaks = tok.dep_ in ("nsubj", "nsubjpass") and base_form(tok.head) in SPEECH
            cited = tok.dep_ == "pobj" and tok.head.lower_ == "to" and tok.head.head.lower_ == "according"
            return speaks or cited
    return False


@kept_by_offset("holds_the_noun")  # asked twice per name on average (its role, the targets' order)
def holds_the_noun(doc: Any, end: int) -> bool:
    """Whether a holding participle follows the name, hyphenated or not ("government-held
    positions", "an IS controlled town"): the name says who holds the place, as "held by X" does."""
    last = doc.char_span(end - 1, end, alignment_mode="expand") if end > 0 else None
    i = last.end if last is not None else len(doc)
    hyphen = i < len(doc) and doc[i].text in ("-", "‐")
    tok = doc[i + 1] if hyphen and i + 1 < len(doc) else doc[i] if i < len(doc) else None
    # Glued by a hyphen it qualifies the noun whatever its tag; alone it must be a participle, not
    # the sentence's verb ("the regime held talks").
    tags = ("VBN", "VBD", "JJ") if hyphen else ("VBN",)
    return tok is not None and tok.tag_ in tags and base_form(tok) in HOLDING_VERBS


def _noun_role(noun: Any, of_phrase: bool = True, depth: int = 3) -> str:
    """The role a name takes from the noun it qualifies: the attack's author or its target. With
    `actors.of_phrase` a noun that completes another through "of" is a target when that noun is: in
    "killed eleven members of the X group" the group is named by its members, who were hit (the word
    "group" alone would make it an author)."""
    completed = _completed_by_of(noun)
    # Only a hit is taken up the chain: a subject there is as often a parse's accident ("south of X"
    # read as the sentence's subject) as the group's own fighters.
    if of_phrase and depth and completed is not None and _noun_role(completed, of_phrase, depth - 1) == TARGET:
        return TARGET
    lemma = base_form(noun)
    if lemma in TARGET_HEADS:
        return TARGET
    if noun.dep_ in ("dobj", "nsubjpass") or noun.dep_ == "pobj" and noun.head.lower_ in TARGET_PREPS:
        return TARGET
    if lemma in ATTACK_HEADS or noun.dep_ in ("nsubj",) or noun.dep_ == "pobj" and noun.head.lower_ == "by":
        return AGENT
    return UNKNOWN


def _completed_by_of(noun: Any) -> Any:
    """The noun that `noun` completes through "of" ("members" for "group" in "members of the group"), or None."""
    if noun.dep_ != "pobj" or noun.head.lower_ != "of":
        return None
    completed = noun.head.head
    return completed if completed.i != noun.i and completed.pos_ in ("NOUN", "PROPN") else None


def sides(
    doc: Any, named: list[tuple[Mention, Actor]], trigger_at: int, switches: Switches
) -> tuple[list[Actor], list[Actor], list[tuple[int, Actor]]]:
    """The actors the parse makes agents, those it makes targets, and those it gives no role (with
    where they stand). `named`: each mention with the actor it names."""
    agents: list[Actor] = []
    targets: list[Actor] = []
    loose: list[tuple[int, Actor]] = []
    for m, a in named:
        r = role(doc, m, trigger_at, switches)
        if m.entry.capital and not switches.on("actors.acting_capital"):
            continue
        if m.bare and r != AGENT or r == SPEAKER:
            continue  # "in Syria", "Turkey said", "the army said": a country named or a speaker, not an actor
        if m.bare and switches.on("actors.origin_word") and origin_of_fighters(doc, m):
            continue  # "Syrian rebels", "US-backed Syrian fighters": where they come from, not the state
        if r == AGENT and not m.entry.victim:
            agents.append(a)
        elif r == TARGET or m.entry.victim:
            targets.append(a)
        else:
            loose.append((m.start, a))
    return agents, targets, loose
