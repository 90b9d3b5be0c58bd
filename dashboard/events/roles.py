"""What part a place name plays in its sentence: a locative phrase, a target, a modifier, a topic,
an actor's home, a dateline (`place_role`), and the tokens that carry it."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from dashboard.datelines import dateline_rest_end
from dashboard.events.site_names import SITE_LABELS, dislodged_from, dropped_comma_part
from dashboard.geo.locative import ATTACK_WORDS, DIRECTIONS, DISTANCE_UNITS
from dashboard.geo.toponyms import Toponym
from dashboard.nlp import base_form, doc_text, token_at
from dashboard.wordlists import word_set

WORDS = Path(__file__).with_name("words.toml")  # the word lists, each with why it exists


LOC_PREPS = word_set(WORDS, "extract.loc_preps")

AREA_NOUNS = word_set(WORDS, "extract.area_nouns")

SITE_NOUNS = AREA_NOUNS | word_set(WORDS, "extract.site_nouns")

ABSTRACT_NOUNS = word_set(WORDS, "extract.abstract_nouns")

TOPIC_NOUNS = word_set(WORDS, "extract.topic_nouns")


def _token_at(sent: Any, offset: int) -> Any:
    """The first token of the sentence whose text (or the character after it) holds `offset`."""
    return token_at(sent, offset)


# "X-based", "X-led", "X-backed": the place qualifies an actor ("the London-based monitor").
AFFILIATION = {"based", "led", "backed", "born", "run", "funded", "supported", "controlled", "held", "allied"}

NAME_SITES = word_set(WORDS, "extract.name_sites")


def is_dateline(sent: Any, t: Toponym) -> bool:
    """A place name in capitals followed by the agency or a dash ("BEIRUT (AFP) -", "WASHINGTON -"),
    perhaps after its country or day ("MOSUL, Iraq (Agency) -", "KYIV, May 3 -")."""
    text = doc_text(sent.doc)
    if not (t.text.isupper() and len(t.text) > 3):
        return False
    return (
        dateline_rest_end(text, t.end) is not None
        or t.end < len(text)
        and text[t.end : t.end + 1] == " "
        and text[t.end + 1 : t.end + 2].isupper()
        and not text[t.end + 1 : t.end + 4].isupper()
    )


_ATTRIBUTION_BEFORE = re.compile(r"\s[-–—]\s*$")


def is_attribution(sent: Any, t: Toponym) -> bool:
    """A place name that ends a headline after a dash ("Rocket Fire on Border Town Meant to Distract
    From Talks - Ankara"): who says it (the outlet's or the government's city), not the site."""
    text = doc_text(sent.doc)
    # The name ends its sentence (the headline runs into the story without a stop) or its line.
    ends = not text[t.end : sent.end_char].strip(" .") or text[t.end : t.end + 1] == "\n"
    return ends and bool(_ATTRIBUTION_BEFORE.search(text[max(0, t.start - 4) : t.start]))


def _kept(sent: Any, t: Toponym, what: str, work: Callable[[Any, Toponym], Any]) -> Any:
    """`work(sent, t)` worked out once per sentence and name and kept with the Doc: the roles, anchors
    and sites of a sentence's names ask for the same ones again and again (`name_token` 10,457 times
    for 1,228 of them per 100 articles). For a `work` that reads only the sentence's tokens and the
    name's offsets, label and text, and gives a token, a string or None (kept as plain data: a Doc
    may be serialised)."""
    kept = sent.doc.user_data.setdefault(f"conflictmap_{what}", {})
    key = f"{sent.start}:{sent.end}:{t.start}:{t.end}:{t.label}:{t.text}"
    if key not in kept:
        found = work(sent, t)
        kept[key] = found if found is None or isinstance(found, str) else (found.i,)  # a token by its index
    found = kept[key]
    return sent.doc[found[0]] if isinstance(found, tuple) else found


def name_token(sent: Any, t: Toponym) -> Any:
    """The token that carries a place name's dependency to the rest of the sentence."""
    return _kept(sent, t, "name_tokens", _name_token)


def _name_token(sent: Any, t: Toponym) -> Any:
    tok = _token_at(sent, t.start)
    if tok is None:
        return None
    # The last token of a multi-word name carries the dependency to the rest of the sentence.
    while tok.head.i != tok.i and tok.head.idx < t.end and tok.dep_ in ("compound", "flat", "amod"):
        tok = tok.head
    # A site read through a dropped comma ("the village of X part of Y", `location.dropped_comma_part`):
    # "part" stands where the name does.
    part = dropped_comma_part(tok) if t.label in SITE_LABELS else None
    if part is not None:
        tok = part
    while tok.dep_ in ("conj", "appos") and tok.head.i != tok.i:
        tok = tok.head
    # "in Aleppo city", "of Raqqa province", "in Raqqa and Hama provinces": the site noun carries
    # the name's role.
    if tok.dep_ == "compound" and tok.head.i != tok.i and base_form(tok.head) in NAME_SITES:
        tok = tok.head
        while tok.dep_ in ("conj", "appos") and tok.head.i != tok.i:
            tok = tok.head
    return tok


def _completed_noun(tok: Any) -> Any:
    """The noun an "of X" phrase completes ("the streets of Bucharest", "much of Liberia", "the
    town of Marea"), climbing at most three such phrases; the token itself when there is none."""
    for _ in range(3):
        if tok.dep_ != "pobj" or tok.head.lower_ != "of" or tok.head.head.i == tok.head.i:
            break
        noun = tok.head.head
        if noun.pos_ not in ("NOUN", "PRON", "ADJ") or base_form(noun) in ABSTRACT_NOUNS | TOPIC_NOUNS:
            break
        tok = noun
        while tok.dep_ in ("conj", "appos") and tok.head.i != tok.i:
            tok = tok.head
    return tok


def head_noun(tok: Any) -> Any:
    head = tok.head
    while head.dep_ == "compound" and head.head.i != head.i:
        head = head.head  # "the Idlib conflict zone": the zone is the head noun
    return head


def place_anchor(sent: Any, t: Toponym) -> Any:
    """The token whose attachment places the name: the name itself, the site noun it modifies
    ("the Vedeno region"), or the noun its "of" phrase completes ("the streets of Bucharest")."""
    return _kept(sent, t, "place_anchors", _place_anchor)


def _place_anchor(sent: Any, t: Toponym) -> Any:
    tok = name_token(sent, t)
    if tok is None:
        return None
    if tok.dep_ in ("compound", "amod", "nmod", "poss"):
        return head_noun(tok)
    return _completed_noun(tok)


def gerund_subject_of_prep(tok: Any) -> bool:
    """A name the parser made the subject of a gerund that completes a preposition: "fired rockets on
    Damascus killing three" parsed as "on [Damascus killing three]". No name is the subject there:
    a preposition's clause takes no subject of its own before a participle that follows without a
    comma, so the name is the preposition's object and the participle adds what the attack did."""
    head = tok.head
    return tok.dep_ == "nsubj" and head.tag_ == "VBG" and head.dep_ == "pcomp" and head.head.lower_ in LOC_PREPS


def place_role(sent: Any, t: Toponym) -> str:
    """'locative' (in/at/near X, the east of X, in X's streets, in the Vedeno region, in the
    streets of X), 'target' (the object of a verb or the subject of a passive one: "shelled
    Mardes", "Nawa was targeted", "captured much of Liberia"), 'modifier' (the Sochi deal),
    'actor' (the London-based monitor) or 'other' (subject, object of a non-locative phrase)."""
    return str(_kept(sent, t, "place_roles", _place_role))


def _place_role(sent: Any, t: Toponym) -> str:
    tok = name_token(sent, t)
    if tok is None:
        return "other"
    if is_dateline(sent, t) or is_attribution(sent, t):
        # "WASHINGTON (Sputnik) -": where the reporter files from, not the site; so is the
        # "… - Moscow" that ends a headline.
        return "actor"
    if _affiliated(tok):
        return "actor"
    if tok.dep_ in ("compound", "amod", "nmod", "poss"):
        return _modifier_role(tok)
    if tok.dep_ == "pobj":
        role = _object_role(tok)
        if role:
            return role
    if gerund_subject_of_prep(tok):
        return "locative"
    return _completed_role(tok)


def _affiliated(tok: Any) -> bool:
    """ "the London-based monitor", "US-led strikes", "the London based monitor" (hyphen lost): an
    actor's home, not a site."""
    nxt = tok.doc[tok.i + 1] if tok.i + 1 < len(tok.doc) else None
    return nxt is not None and (
        nxt.text == "-"
        and tok.i + 2 < len(tok.doc)
        and tok.doc[tok.i + 2].lower_ in AFFILIATION
        or nxt.lower_ in ("based", "led", "backed", "funded")
    )


def _modifier_role(tok: Any) -> str:
    """The role of a name that modifies a noun."""
    # A name that modifies the object of a locative preposition places the event too:
    # "in the Vedeno region", "at her Reshimbagh residence", "to Sarajevo's streets".
    head = head_noun(tok)
    # "in a district of Burundi's capital": the phrase the modified noun completes.
    outer = _completed_noun(head)
    if (
        outer.dep_ == "pobj"
        and outer.head.lower_ in LOC_PREPS
        and (base_form(head) in SITE_NOUNS or base_form(head) not in ABSTRACT_NOUNS)
    ):
        return "locative"
    # "the Idlib crisis" is a topic; "the Sochi agreement" is where the agreement was made.
    if base_form(head) in TOPIC_NOUNS:
        return "topic"
    # "patrolled Venezuela's oil installations", "bombed Madrid airport", "patrolled the
    # streets of Abidjan's neighbourhoods".
    if any(n.dep_ == "dobj" and n.head.pos_ == "VERB" and base_form(n) not in ABSTRACT_NOUNS for n in (head, outer)):
        return "target"
    return "modifier"


def _object_role(tok: Any) -> str | None:
    """The role of a name a preposition governs, or None when the preposition does not settle it."""
    prep = tok.head
    if prep.lower_ in LOC_PREPS:
        # "to discuss the Idlib crisis in Syria": the phrase places the topic, not the event.
        if prep.head.pos_ == "NOUN" and base_form(prep.head) in TOPIC_NOUNS:
            return "topic"
        return "locative"
    if prep.lower_ in ("of", "from") and _is_distance(prep.head):
        return "reference"  # "30 kilometres north of Mallawi": a landmark, not the site
    if dislodged_from(prep):
        return "locative"  # "ousted the group from X": X is where the ground changed hands
    if prep.lower_ == "of" and (
        prep.head.lower_ in AREA_NOUNS
        or base_form(prep.head) in AREA_NOUNS
        or base_form(prep.head) in ("city", "town", "village", "locality", "neighbourhood", "neighborhood")
    ):
        return "locative"
    return None


def _completed_role(tok: Any) -> str:
    """The role of a name through the noun its "of" phrase completes, or of the name itself."""
    noun = _completed_noun(tok)
    if noun.i != tok.i:
        # "in the streets of Bucharest", "captured much of Liberia": the noun the name completes
        # carries the role.
        if (
            noun.dep_ == "pobj"
            and noun.head.lower_ in LOC_PREPS
            and not (noun.head.head.pos_ == "NOUN" and base_form(noun.head.head) in TOPIC_NOUNS)
        ):
            return "locative"
        tok = noun
    if tok.dep_ in ("dobj", "nsubjpass") and tok.head.pos_ == "VERB":
        return "target"
    return "other"


COMPASS = DIRECTIONS | {"away", "outside", "short"}


def _is_distance(tok: Any) -> bool:
    """Whether a token heads a distance ("30 km north (of)", "20 miles (from)")."""
    if tok.lower_ not in COMPASS | DISTANCE_UNITS:
        return False
    window = tok.doc[max(0, tok.i - 3) : tok.i + 1]
    return any(w.lower_ in DISTANCE_UNITS for w in window) and any(w.like_num for w in window)


# Prepositions that put another event beside the sentence's: "killed days after the X attack".
OTHER_TIME_PREPS = frozenset({"after", "before", "since", "following"})


def another_attack(noun: Any, trigger: Any) -> bool:
    """Whether `noun` is an attack word that tells another attack than the trigger's: it hangs from
    the trigger through a preposition of another time ("killed days after the X attack"), or it
    neither governs the trigger nor hangs from it ("the X strike prompted missile strikes"). An attack
    noun the trigger governs otherwise ("killed in X market air strikes") is the sentence's own
    attack told twice."""
    if noun.i == trigger.i or noun.pos_ != "NOUN" or noun.lower_ not in ATTACK_WORDS:
        return False
    if noun in trigger.subtree:
        tok = noun
        while tok.i != trigger.i and tok.head.i != tok.i:
            if tok.dep_ == "pobj" and tok.head.lower_ in OTHER_TIME_PREPS:
                return True
            tok = tok.head
        return False
    return trigger not in noun.subtree
