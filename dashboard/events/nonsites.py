"""Places a sentence names that are no site of its violence: a state acting (`acts`), a place of
talk, report or meeting (`elsewhere`), a speaker, a destination, a region across countries."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from dashboard.events.actor_roles import SOURCE_NOUNS
from dashboard.events.roles import gerund_subject_of_prep, head_noun, name_token, place_anchor
from dashboard.events.sites import under_away
from dashboard.events.when import SPEECH_LEMMAS
from dashboard.events.who import MILITARY_NOUNS
from dashboard.geo.toponyms import Toponym
from dashboard.nlp import base_form, token_at
from dashboard.wordlists import word_set

WORDS = Path(__file__).with_name("words.toml")  # the word lists, each with why it exists


ATTACK_NOUNS = MILITARY_NOUNS | word_set(WORDS, "extract.attack_nouns")

ELSEWHERE_VERBS = SPEECH_LEMMAS | word_set(WORDS, "extract.elsewhere_verbs")

MEETING_NOUNS = word_set(WORDS, "extract.meeting_nouns")
BUILDINGS = word_set(WORDS, "extract.building_meeting_nouns")

ADDRESSED_VERBS = word_set(WORDS, "extract.addressed_verbs")


def acts(sent: Any, t: Toponym) -> bool:
    """Whether a country or a national capital stands for its state as an actor: the subject of an
    active verb or a possessor ("Washington has blamed…", "Moscow's raids"), or the modifier of an
    attack or an attacker ("U.S. raids", "US airstrikes on Raqqa")."""
    if t.place is None or not (t.place.precision >= 4 or t.place.feature_code == "PPLC"):
        return False
    tok = name_token(sent, t)
    if tok is None:
        return False
    while tok.dep_ == "conj" and tok.head.i != tok.i:  # "Washington and Moscow blamed…": both act
        tok = tok.head
    if tok.dep_ in ("nsubj", "poss", "agent"):
        return not gerund_subject_of_prep(tok)
    if _before_active_aux(sent, t) or _addressed(tok):
        return True
    return tok.dep_ in ("compound", "amod", "nmod") and (
        base_form(head_noun(tok)) in ATTACK_NOUNS or tok.head.lower_ in ATTACK_NOUNS
    )


def _addressed(tok: Any) -> bool:
    """A state one addresses, urges or accuses: "prompted Washington to act", "accused Moscow of…",
    "placed Washington and Moscow at loggerheads", "calling on Washington to weigh in"."""
    if tok.dep_ == "dobj" and base_form(tok.head) in ADDRESSED_VERBS:
        return True
    return tok.dep_ == "pobj" and tok.head.lower_ in ("on", "upon") and base_form(tok.head.head) in ("call", "press")


def _before_active_aux(sent: Any, t: Toponym) -> bool:
    """A name followed at once by the auxiliary of an active verb after it ("…the Fateh al-Sham Front
    and Moscow has repeatedly demanded…"): the verb's subject, whatever list the parser joined it
    to. Not a passive one ("Moscow was hit"), whose subject is the target."""
    tok = token_at(sent, t.end - 1)
    # "Attacks in Damascus have killed…": a name a preposition governs is no subject.
    if tok is None or tok.i + 1 >= sent.end or tok.dep_ == "pobj":
        return False
    nxt = tok.doc[tok.i + 1]
    verb = nxt.head
    return (
        nxt.dep_ == "aux"
        and nxt.lower_ in ("has", "have", "had", "will", "would")
        and verb.i > tok.i
        and verb.pos_ == "VERB"
        and not any(c.dep_ == "auxpass" for c in verb.children)
    )


SPEAKING = SPEECH_LEMMAS | {"reported", "said"}  # and the forms the cheap lemma misses


def speaks(sent: Any, t: Toponym) -> bool:
    """Whether the name is the subject of a verb of saying ("Youkhana reported", "Aleppo Media
    Center said"): a speaker, a person or an outlet the gazetteer shares a name with, not a site."""
    tok = name_token(sent, t)
    return tok is not None and tok.dep_ == "nsubj" and base_form(tok.head) in SPEAKING


def elsewhere(sent: Any, t: Toponym) -> bool:
    """Whether a place's phrase hangs on something other than the violence: a verb of saying,
    reporting, banning, basing or meeting ("In Washington the Pentagon confirmed…", "banned in
    Russia", "based in the UK", "Speaking in Moscow"), a meeting ("an emergency meeting in New York",
    "its London embassy"), words aimed at a country ("a jab at the United States"), or a clause
    whose subject is talks or a meeting ("as peace talks entered a second day in Astana")."""
    tok = place_anchor(sent, t)
    if tok is None:
        return False
    last = token_at(sent, t.end - 1)  # the name's own last word, not a site noun after it
    if base_form(tok) in MEETING_NOUNS and tok.idx >= t.end and last is not None and last.head.i == tok.i:
        # The name only qualifies a meeting or a mission: "the Astana talks", "protests at its London
        # embassy" (the place of the embassy, not of the airstrikes protested against).
        return True
    if tok.dep_ != "pobj":
        return False
    head = tok.head.head  # the word the preposition hangs on
    if head.pos_ in ("NOUN", "PROPN"):
        return _meeting_or_aimed(tok, t, head)
    if head.pos_ not in ("VERB", "AUX"):
        return False
    return _elsewhere_verb(head) or _meeting_subject(head)


def _meeting_or_aimed(tok: Any, t: Toponym, head: Any) -> bool:
    """Whether the noun a place's phrase hangs on is a meeting, or words aimed at a state."""
    # One is in a country, not at it: "a jab at the United States", "anger at Turkey" aim words
    # at a state ("strikes at Syria" still place the strikes).
    aimed = (
        tok.head.lower_ == "at"
        and t.place is not None
        and t.place.precision >= 4
        and not (base_form(head) in ATTACK_NOUNS or head.lower_ in ATTACK_NOUNS)
    )
    return base_form(head) in MEETING_NOUNS and not _building_hit(head) or aimed


def _building_hit(noun: Any) -> bool:
    """Whether a building that is also a meeting noun is what the clause's act hit: the object of its
    verb ("stormed the embassy") or of a preposition on it ("killed 30 at the court")."""
    if base_form(noun) not in BUILDINGS:
        return False
    if noun.dep_ == "dobj":
        return noun.head.pos_ == "VERB"
    return noun.dep_ == "pobj" and noun.head.head.pos_ in ("VERB", "AUX")


def _meeting_subject(head: Any) -> bool:
    """Whether the subject of a verb's clause is talks or a meeting."""
    # The clause's subject: its nsubj, or (for a subordinate clause the parser left without one,
    # "as peace talks entered…") the words between the word it hangs on and its verb.
    subject = [c for c in head.children if c.dep_ in ("nsubj", "nsubjpass")]
    if not subject and head.dep_ == "advcl" and head.head.i < head.i:
        subject = list(head.doc[head.head.i + 1 : head.i])
    return any(base_form(c) in MEETING_NOUNS for c in subject + _subordinate_subject(head))


def locates_source(sent: Any, t: Toponym) -> bool:
    """Whether the place only says where a teller of the news is ("according to a medical source in
    X", "an official in X said"): the place of the words, which a later toll that names no place of
    its own does not continue (`location.source_place`)."""
    tok = place_anchor(sent, t)
    if tok is None or tok.dep_ != "pobj" or tok.head.lower_ not in ("in", "at"):
        return False
    noun = tok.head.head
    return noun.pos_ in ("NOUN", "PROPN") and base_form(noun) in SOURCE_NOUNS


def said_at(sent: Any, t: Toponym) -> bool:
    """Whether the place's phrase hangs on a verb of saying, reporting, publishing, basing or meeting
    (`ELSEWHERE_VERBS`): "a report issued in New York", "Speaking in Moscow"."""
    tok = place_anchor(sent, t)
    if tok is None or tok.dep_ != "pobj":
        return False
    head = tok.head.head
    return head.pos_ in ("VERB", "AUX") and _elsewhere_verb(head)


def _elsewhere_verb(verb: Any) -> bool:
    return base_form(verb) in ELSEWHERE_VERBS or verb.lower_ in ELSEWHERE_VERBS


SUBORDINATORS = {"as", "while", "when", "whilst"}

FINITE_TAGS = {"VBD", "VBZ", "VBP", "MD"}


def _subordinate_subject(verb: Any) -> list:
    """The words between the "as"/"while"/"when" that opens a verb's clause and the verb, when no
    other finite verb stands between them: the clause's subject, however the parser attached it
    ("as the latest round of negotiations over the war went into its third day in Vienna", where
    the parser may make "war" the subject)."""
    sent = verb.sent
    words: list[Any] = []
    for tok in reversed(list(sent.doc[sent.start : verb.i])):
        if tok.lower_ in SUBORDINATORS:
            return words
        if tok.tag_ in FINITE_TAGS or tok.is_punct and tok.text in ",;:":
            return []
        words.append(tok)
    return []


def is_destination(sent: Any, t: Toponym) -> bool:
    """A place violence did not happen in: where people went or came from ("on their way to X", "fled
    from the towns of Y and Z")."""
    tok = name_token(sent, t)
    return tok is not None and under_away(tok)


def spans_countries(place: Any) -> bool:
    """A continent, an ocean or a region across countries (the gazetteer gives it no country) is no
    site of violence one can map: "anyone in Europe", "acted in Americas [sic] interest", "al-Qaeda
    in the Arabian Peninsula". A region inside one country (the Golan Heights) is."""
    return place.feature_code in ("CONT", "OCN") or place.feature_code == "RGN" and not place.country_code
