"""Sentences with resolved places → event rows: type, date, actors, fatalities, provenance."""

from __future__ import annotations

import hashlib
import re
import tomllib
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from dashboard import schema as S
from dashboard.dates import (
    DAY,
    best_mention,
    dateline_span,
    find_date_mentions,
    resolve_mention,
)
from dashboard.errors import ConflictMapError
from dashboard.events.actors import Actor, event_actors, interaction, load_dictionary
from dashboard.events.assemble import assemble
from dashboard.events.mentions import EVENT, MENTION, before_wire_dateline, mention_reason
from dashboard.events.numbers import displaced, fatalities, injured
from dashboard.events.sites import LISTED_SITE_LABEL, coordinated, under_away, unlisted_sites
from dashboard.geo.gazetteer import AREA_CODE, Gazetteer, Place, fold
from dashboard.geo.locative import DIRECTIONS, DISTANCE_UNITS
from dashboard.geo.toponym import alternatives_json
from dashboard.geo.toponyms import COMPASS_WORDS, STATE_NOUNS, Toponym
from dashboard.ingest.article import Article
from dashboard.nlp import base_form, doc_text, sent_ents, token_at
from dashboard.rules import ALL_ON, Switches
from dashboard.wordlists import word_set

LEXICON_PATH = Path(__file__).with_name("lexicon.toml")
WORDS = Path(__file__).with_name("words.toml")  # the word lists, each with why it exists

MILITARY_NOUNS = word_set(WORDS, "extract.military_nouns")
REGIME_RE = re.compile(
    r"\b(?:(?:the\s+)?(?:bashar\s+)?(?:al-)?assad(?:'s)?\s+(?:regime|government|forces)"
    r"(?:\s+forces)?"
    r"|(?:syrian\s+)?regime(?:\s+forces)?|assad\s+forces|syrian\s+government\s+forces"
    r"|pro-(?:government|regime)\s+forces)\b",
    re.I,
)


@dataclass(frozen=True)
class Rule:
    event_type: str
    sub_event_type: str
    priority: int
    pattern: re.Pattern[str]
    generic: bool = False


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
        rules.append(Rule(r["event_type"], r["sub_event_type"], int(r["priority"]), pat, bool(r.get("generic"))))
    return tuple(sorted(rules, key=lambda r: r.priority))


_QUOTE = re.compile(r"[\"“”«»][^\"“”«»]{12,}[\"“”«»]")
_SPEECH = re.compile(r"\b(?:said|says|told|added|stressed|warned|noted|stated|declared)\b", re.I)


def classify_rule(sentence: str, rules: tuple[Rule, ...] | None = None) -> tuple[Rule | None, str]:
    """The first lexicon rule that matches the sentence, and the words that matched.

    A quotation with a speech verb outside it ('"We want a cease-fire," Kalın told reporters')
    is a statement, unless the sentence reports violence.
    """
    rules = rules or load_lexicon()
    if _QUOTE.search(sentence):
        outside = _QUOTE.sub(" ", sentence)
        speech = _SPEECH.search(outside)
        # Violence reported, in the quote or around it, is still the event (the speaker is the
        # source); meetings and deals around a quote are only its setting.
        violent = any(rule.event_type in VIOLENT and rule.pattern.search(sentence) for rule in rules)
        if speech and not violent:
            statement = next((r for r in rules if r.sub_event_type == "Statement"), None)
            if statement is not None:
                return statement, speech.group(0)
    for rule in rules:
        m = rule.pattern.search(sentence)
        if m:
            return rule, m.group(0)
    return None, ""


def classify(sentence: str, rules: tuple[Rule, ...] | None = None) -> tuple[str, str, str]:
    """(event_type, sub_event_type, trigger) from the first lexicon rule that matches."""
    rule, trigger = classify_rule(sentence, rules)
    return (rule.event_type, rule.sub_event_type, trigger) if rule else ("Other", "Other", "")


SPECIFIC_VIOLENCE = {"Explosions/Remote violence", "Violence against civilians"}


def type_from_neighbours(rows: list[dict], generic: set[str], text: str) -> None:
    """Deaths reported in general terms ("12 people were killed") take the type of the attack
    a neighbouring sentence of the same paragraph describes ("Air strikes hit Saraqib...")."""
    specific = [r for r in rows if r[S.EVENT_TYPE] in SPECIFIC_VIOLENCE and r[S.EVENT_ID] not in generic]
    for r in rows:
        if r[S.EVENT_ID] not in generic:
            continue
        near = [
            o
            for o in specific
            if abs(o[S.EXCERPT_START] - r[S.EXCERPT_START]) <= 600
            and "\n\n"
            not in text[min(o[S.EXCERPT_START], r[S.EXCERPT_START]) : max(o[S.EXCERPT_START], r[S.EXCERPT_START])]
        ]
        if near:
            best = min(near, key=lambda o: abs(o[S.EXCERPT_START] - r[S.EXCERPT_START]))
            r[S.EVENT_TYPE], r[S.SUB_EVENT_TYPE] = best[S.EVENT_TYPE], best[S.SUB_EVENT_TYPE]


def people_index(doc: Any) -> dict[str, str]:
    """Each person's full name by its folded forms, so "Kalın", "Kalin" and "Ibrahim Kalın" are one actor."""
    full: dict[str, str] = {}
    for ent in doc.ents:
        if ent.label_ != "PERSON":
            continue
        name = " ".join(ent.text.split())
        for key in (fold(name), fold(name.split()[-1])):
            if len(name) > len(full.get(key, "")):
                full[key] = name
    return full


def actors(sent: Any, toponyms: list[Toponym], gazetteer: Gazetteer, people: dict[str, str] | None = None) -> list[str]:
    """Actors named in the sentence, in order: state forces from demonyms, the Syrian regime,
    organisations, people (by their full name in the article), and countries acting as subjects."""
    people = people or {}
    found: list[tuple[int, str]] = []
    text = sent.text
    base = sent.start_char
    for m in REGIME_RE.finditer(text):
        found.append((base + m.start(), "Military Forces of Syria (2000-)"))
    for t in toponyms:
        if not (sent.start_char <= t.start < sent.end_char) or t.place is None:
            continue
        country = gazetteer.country_name(t.place.country_code)
        if t.is_demonym and t.state:
            following = text[t.end - base : t.end - base + 30].lower().split()
            noun = following[0].strip(".,;") if following else ""
            kind = "Military Forces of" if noun in MILITARY_NOUNS else "Government of"
            found.append((t.start, f"{kind} {country}"))
        elif not t.is_demonym and t.place.feature_code == "PCLI" and _is_subject_or_agent(sent, t):
            found.append((t.start, f"Government of {country}"))
    # Only names overlapping the sentence can hold one of its entities: checking each entity against
    # every name of a long article was quadratic.
    local = [t for t in toponyms if t.start < sent.end_char and sent.start_char < t.end]
    for ent in sent_ents(sent):
        person = people.get(fold(" ".join(ent.text.split())))
        if person and not any(t.start <= ent.start_char < t.end for t in local):
            # The small model sometimes tags a person GPE or ORG ("According to Kalın,").
            found.append((ent.start_char, person))
            continue
        if ent.label_ in ("ORG", "PERSON") and not any(t.start <= ent.start_char < t.end for t in local):
            name = " ".join(ent.text.split())
            if ent.label_ == "ORG" and (len(name) < 3 or name.lower() in ("ap photo", "reuters", "afp")):
                continue
            if REGIME_RE.fullmatch(name):
                continue
            found.append((ent.start_char, name))
    found.sort()
    out: list[str] = []
    for _pos, name in found:
        if name not in out and not any(name in o or o in name for o in out if ent_overlap(name, o)):
            out.append(name)
    return out


def ent_overlap(a: str, b: str) -> bool:
    return a.lower() in b.lower() or b.lower() in a.lower()


def _is_subject_or_agent(sent: Any, t: Toponym) -> bool:
    for tok in sent:
        if tok.idx == t.start:
            if tok.dep_ in ("nsubj", "nsubjpass", "poss"):
                return True
            if tok.dep_ == "pobj" and tok.head.lower_ == "by":
                return True
            nxt = tok.nbor(1) if tok.i + 1 < len(tok.doc) else None
            return nxt is not None and nxt.lower_ in STATE_NOUNS
    return False


VIOLENT = {"Battles", "Explosions/Remote violence", "Violence against civilians"}
ACLED_TYPES = VIOLENT | {"Protests", "Riots", "Strategic developments"}


def _event_id(article_id: str, start: int, place_key: str) -> str:
    return hashlib.sha1(f"{article_id}|{start}|{place_key}".encode()).hexdigest()[:16]


FUTURE_AUX = {"will", "shall", "'ll", "wo"}
SPEECH_LEMMAS = {"say", "tell", "announce", "add", "state", "declare", "report", "confirm", "claim", "note"}
LOC_PREPS = word_set(WORDS, "extract.loc_preps")
AREA_NOUNS = word_set(WORDS, "extract.area_nouns")


def clause_verb(tok: Any) -> Any:
    """The verb that governs a token (the token itself for a verb), or the sentence root."""
    while tok.pos_ not in ("VERB", "AUX") and tok.head.i != tok.i:
        tok = tok.head
    return tok


def is_future_verb(verb: Any) -> bool:
    if any(c.dep_ in ("aux", "auxpass") and c.lower_ in FUTURE_AUX for c in verb.children):
        return True
    return base_form(verb) in ("plan", "schedule", "expect", "intend") and any(c.dep_ == "xcomp" for c in verb.children)


def trigger_token(sent: Any, trigger_start: int) -> Any:
    """The token at a character offset of the sentence (its root when the offset is < 0)."""
    if trigger_start < 0:
        return sent.root
    for tok in sent:
        if tok.idx >= sent.start_char + trigger_start:
            return tok
    return sent.root


def sentence_mentions(sent: Any, verb: Any, skip_before: int = 0) -> list:
    """Date mentions of the sentence; those governed by the trigger's verb first.

    Mentions that end before `skip_before` (an article offset: where the dateline ends) are not
    read: the dateline dates the publication, not the event the headline after it reports."""
    mentions = [m for m in find_date_mentions(sent.text) if sent.start_char + m.end > skip_before]
    if len(mentions) < 2:
        return mentions
    same = []
    for m in mentions:
        tok = trigger_token(sent, m.start)
        if clause_verb(tok).i == verb.i:
            same.append(m)
    return same or mentions


def is_future_sentence(sent: Any) -> bool:
    """Whether the sentence's main clause (or what a speech verb reports) is about the future."""
    root = sent.root
    clauses = [root]
    if base_form(root) in SPEECH_LEMMAS:
        clauses += [c for c in root.children if c.dep_ in ("ccomp", "xcomp")]
    for verb in clauses:
        for child in verb.children:
            if child.dep_ in ("aux", "auxpass") and child.lower_ in FUTURE_AUX:
                return True
        if base_form(verb) in ("plan", "schedule", "expect", "intend") and any(
            c.dep_ == "xcomp" for c in verb.children
        ):
            return True
    return False


def sentence_date(
    sentence: str, published: date | None, future: bool = False, mentions: list | None = None
) -> tuple[date | None, str, str, bool]:
    """(date, precision, source, is_future) for a sentence."""
    mention = best_mention(find_date_mentions(sentence) if mentions is None else mentions)
    if mention is not None:
        resolved = resolve_mention(mention, published, future)
        if resolved is not None:
            d, precision = resolved
            is_future = bool(future and published is not None and d >= published)
            return d, precision, "sentence", is_future
    return published, DAY, "published", bool(future and published is not None)


SITE_NOUNS = AREA_NOUNS | word_set(WORDS, "extract.site_nouns")


ABSTRACT_NOUNS = word_set(WORDS, "extract.abstract_nouns")


TOPIC_NOUNS = word_set(WORDS, "extract.topic_nouns")


def _token_at(sent: Any, offset: int) -> Any:
    """The first token of the sentence whose text (or the character after it) holds `offset`."""
    return token_at(sent, offset)


# "X-based", "X-led", "X-backed": the place qualifies an actor ("the London-based monitor").
AFFILIATION = {"based", "led", "backed", "born", "run", "funded", "supported", "controlled", "held", "allied"}
NAME_SITES = word_set(WORDS, "extract.name_sites")


_DATELINE_AFTER = re.compile(r"\s*(?:\([^)]{1,40}\)|[-–—:]\s)")


def is_dateline(sent: Any, t: Toponym) -> bool:
    """A place name in capitals followed by the agency or a dash ("BEIRUT (AFP) -", "WASHINGTON -")."""
    text = doc_text(sent.doc)
    if not (t.text.isupper() and len(t.text) > 3):
        return False
    return (
        bool(_DATELINE_AFTER.match(text, t.end))
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


def _name_token(sent: Any, t: Toponym) -> Any:
    """The token that carries a place name's dependency to the rest of the sentence."""
    tok = _token_at(sent, t.start)
    if tok is None:
        return None
    # The last token of a multi-word name carries the dependency to the rest of the sentence.
    while tok.head.i != tok.i and tok.head.idx < t.end and tok.dep_ in ("compound", "flat", "amod"):
        tok = tok.head
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


def _head_noun(tok: Any) -> Any:
    head = tok.head
    while head.dep_ == "compound" and head.head.i != head.i:
        head = head.head  # "the Idlib conflict zone": the zone is the head noun
    return head


def place_anchor(sent: Any, t: Toponym) -> Any:
    """The token whose attachment places the name: the name itself, the site noun it modifies
    ("the Vedeno region"), or the noun its "of" phrase completes ("the streets of Bucharest")."""
    tok = _name_token(sent, t)
    if tok is None:
        return None
    if tok.dep_ in ("compound", "amod", "nmod", "poss"):
        return _head_noun(tok)
    return _completed_noun(tok)


def place_role(sent: Any, t: Toponym) -> str:
    """'locative' (in/at/near X, the east of X, in X's streets, in the Vedeno region, in the
    streets of X), 'target' (the object of a verb or the subject of a passive one: "shelled
    Mardes", "Nawa was targeted", "captured much of Liberia"), 'modifier' (the Sochi deal),
    'actor' (the London-based monitor) or 'other' (subject, object of a non-locative phrase)."""
    tok = _name_token(sent, t)
    if tok is None:
        return "other"
    if is_dateline(sent, t) or is_attribution(sent, t):
        # "WASHINGTON (Sputnik) -": where the reporter files from, not the site; so is the
        # "… - Moscow" that ends a headline.
        return "actor"
    nxt = tok.doc[tok.i + 1] if tok.i + 1 < len(tok.doc) else None
    if nxt is not None and (
        nxt.text == "-"
        and tok.i + 2 < len(tok.doc)
        and tok.doc[tok.i + 2].lower_ in AFFILIATION
        or nxt.lower_ in ("based", "led", "backed", "funded")
    ):
        # "the London-based monitor", "US-led strikes", "the London based monitor" (hyphen
        # lost): an actor's home, not a site.
        return "actor"
    if tok.dep_ in ("compound", "amod", "nmod", "poss"):
        # A name that modifies the object of a locative preposition places the event too:
        # "in the Vedeno region", "at her Reshimbagh residence", "to Sarajevo's streets".
        head = _head_noun(tok)
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
        if any(
            n.dep_ == "dobj" and n.head.pos_ == "VERB" and base_form(n) not in ABSTRACT_NOUNS for n in (head, outer)
        ):
            return "target"
        return "modifier"
    if tok.dep_ == "pobj":
        prep = tok.head
        if prep.lower_ in LOC_PREPS:
            # "to discuss the Idlib crisis in Syria": the phrase places the topic, not the event.
            if prep.head.pos_ == "NOUN" and base_form(prep.head) in TOPIC_NOUNS:
                return "topic"
            return "locative"
        if prep.lower_ in ("of", "from") and _is_distance(prep.head):
            return "reference"  # "30 kilometres north of Mallawi": a landmark, not the site
        if prep.lower_ == "of" and (
            prep.head.lower_ in AREA_NOUNS
            or base_form(prep.head) in AREA_NOUNS
            or base_form(prep.head) in ("city", "town", "village", "locality", "neighbourhood", "neighborhood")
        ):
            return "locative"
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


def _arcs_to(tok: Any, goals: set[int]) -> int:
    """Dependency arcs from a token up to the nearest of the goal tokens (a large number when none governs it)."""
    n = 0
    while tok.i not in goals:
        if tok.head.i == tok.i or n > 40:
            return 99
        tok, n = tok.head, n + 1
    return n


# "fled to X", "fighting between X and Y", "evacuated from X": a destination, the sides, an origin.
AWAY_PREPS = {"to", "between", "from"}


def _governing_prep(sent: Any, t: Toponym) -> str:
    """The preposition whose object places the name ("" when none does)."""
    anchor = place_anchor(sent, t)
    return anchor.head.lower_ if anchor is not None and anchor.dep_ == "pobj" else ""


def _owner_country(sent: Any, t: Toponym) -> bool:
    """A country that modifies a noun ("outside the US embassy in London", "a US military base")
    says whose the thing is, not where it stands."""
    if t.place is None or t.place.feature_code != "PCLI":
        return False
    tok = _name_token(sent, t)
    return tok is not None and tok.dep_ in ("compound", "amod", "nmod") and tok.head.pos_ in ("NOUN", "PROPN")


def _tree_distance(a: Any, b: Any) -> int:
    """Arcs on the dependency path between two tokens of one sentence."""
    up: dict[int, int] = {}
    tok, n = a, 0
    while True:
        up[tok.i] = n
        if tok.head.i == tok.i or n > 40:
            break
        tok, n = tok.head, n + 1
    tok, n = b, 0
    while tok.i not in up:
        if tok.head.i == tok.i or n > 40:
            return 99
        tok, n = tok.head, n + 1
    return n + up[tok.i]


def _part_of_country(sent: Any, t: Toponym) -> bool:
    """ "in southern Afghanistan", "in north Iraq": a part of the country is named, which a
    sentence does to say where something happened, not to set the story's scene."""
    tok = _name_token(sent, t)
    return tok is not None and any(c.dep_ in ("amod", "compound") and c.lower_ in COMPASS_WORDS for c in tok.children)


FAR_ARCS = 5  # dependency arcs beyond which a country no longer places the trigger's event


def location_candidates(sent: Any, toponyms: list[Toponym]) -> list[Toponym]:
    """The names of the sentence that could say where its event happened."""
    return [
        t
        for t in toponyms
        if sent.start_char <= t.start < sent.end_char
        and not t.is_demonym
        # A nationality or a faith the gazetteer does not know ("a Jewish neighborhood") is no place.
        and not (t.label == "NORP" and t.place is None)
    ]


def fineness(t: Toponym) -> int:
    """How specific a place is, to break ties between places equally close to the trigger (lower is
    finer): its precision; an unknown name is most often a small place (1); villages listed around
    the town they were put at are finer than it (0); a named war area such as a plain or a valley is
    no finer than the towns in it (1), whatever its precision code says."""
    if t.label == LISTED_SITE_LABEL:
        return 0
    if t.place is None or t.place.feature_code == AREA_CODE:
        return 1
    return t.place.precision


def choose_event_location(sent: Any, trigger_start: int, toponyms: list[Toponym]) -> Toponym | None:
    """The one place where the event at trigger_start (an offset in the document) happened, or None.

    Among the places put in a locative phrase (or aimed at by the trigger's own verb), the one
    closest to the trigger in the dependency tree wins: "captured in Afghanistan" beats "from
    San Francisco's suburbs" further down; at equal depth the name an "of" phrase gives beats
    its container ("Manila's province of Pampanga"), then the most specific place ("Saraqib,
    Idlib"), then the nearest. A passive subject ("Downey was captured") comes after locative
    phrases. A relative "where" clause happens in the place it describes ("Jenin, where troops
    shot two men"). A place that is only a subject, object or modifier ("Turkey", "the Sochi deal"),
    a landmark a distance is measured from ("30 km north of Mallawi"), or a country FAR_ARCS or
    more arcs away from the trigger does not locate the event.
    """
    inside = location_candidates(sent, toponyms)
    if not inside:
        return None
    trig = trigger_token(sent, trigger_start - sent.start_char)
    verb = clause_verb(trig)
    roles = {id(t): place_role(sent, t) for t in inside}
    # "transferred to Bagram", "fighting between X and Y": a destination or a pair of sides
    # is not where the event happened.
    locative = [
        t
        for t in inside
        if roles[id(t)] == "locative" and _governing_prep(sent, t) not in AWAY_PREPS and not _owner_country(sent, t)
    ]
    # The place an attack is aimed at locates it ("militants shelled Mardes").
    locative += [
        t
        for t in inside
        if roles[id(t)] == "target"
        and _token_at(sent, t.start) is not None
        and clause_verb(place_anchor(sent, t)).i == verb.i
    ]
    goals = {verb.i, trig.i}
    if verb.dep_ == "relcl" and any(
        c.lower_ in ("where", "which") or c.dep_ == "prep" and any(g.lower_ == "which" for g in c.children)
        for c in verb.children
    ):
        # "the town of Jenin, where troops shot two men": the noun the clause describes is the site.
        goals.add(verb.head.i)
        locative += [
            t
            for t in inside
            if t not in locative
            and roles[id(t)] not in ("actor", "topic")
            and verb.head.i in {x.i for x in (place_anchor(sent, t), _name_token(sent, t)) if x is not None}
        ]
    if not locative:
        return None

    def key(t: Toponym) -> tuple:
        anchor = place_anchor(sent, t)
        container = _name_token(sent, t).dep_ in ("poss", "compound")
        depth = _arcs_to(anchor, goals) if anchor is not None else 99
        if depth == 99 and anchor is not None:
            # Not under the trigger ("…killing two, as fighting raged in Idlib"): the place
            # fewest arcs away through their common head is the likelier one.
            depth = 50 + _tree_distance(anchor, trig)
        # A passive subject ("Downey was captured") is more often a victim than a site: it
        # places the event only when no locative phrase does.
        second = roles[id(t)] == "target" and not (anchor is not None and anchor.dep_ == "dobj")
        country = t.place is not None and t.place.precision >= 4
        precision = fineness(t)
        return (second, depth, container, country, precision, abs(t.start - trigger_start))

    best = min(locative, key=key)
    # A country named far down the tree from the trigger ("...a war that has killed thousands
    # in Syria") is the story's setting, not where this event happened.
    depth, country = key(best)[1], key(best)[3]
    return None if country and depth >= FAR_ARCS and not _part_of_country(sent, best) else best


ATTACK_NOUNS = MILITARY_NOUNS | word_set(WORDS, "extract.attack_nouns")
ELSEWHERE_VERBS = SPEECH_LEMMAS | word_set(WORDS, "extract.elsewhere_verbs")
MEETING_NOUNS = word_set(WORDS, "extract.meeting_nouns")


ADDRESSED_VERBS = word_set(WORDS, "extract.addressed_verbs")


def acts(sent: Any, t: Toponym) -> bool:
    """Whether a country or a national capital stands for its state as an actor: the subject of an
    active verb or a possessor ("Washington has blamed…", "Moscow's raids"), or the modifier of an
    attack or an attacker ("U.S. raids", "US airstrikes on Raqqa")."""
    if t.place is None or not (t.place.precision >= 4 or t.place.feature_code == "PPLC"):
        return False
    tok = _name_token(sent, t)
    if tok is None:
        return False
    while tok.dep_ == "conj" and tok.head.i != tok.i:  # "Washington and Moscow blamed…": both act
        tok = tok.head
    if tok.dep_ in ("nsubj", "poss", "agent"):
        return True
    if _before_active_aux(sent, t):
        return True
    # A state one addresses, urges or accuses: "prompted Washington to act", "accused Moscow of…",
    # "placed Washington and Moscow at loggerheads", "calling on Washington to weigh in".
    if tok.dep_ == "dobj" and base_form(tok.head) in ADDRESSED_VERBS:
        return True
    if tok.dep_ == "pobj" and tok.head.lower_ in ("on", "upon") and base_form(tok.head.head) in ("call", "press"):
        return True
    return tok.dep_ in ("compound", "amod", "nmod") and (
        base_form(_head_noun(tok)) in ATTACK_NOUNS or tok.head.lower_ in ATTACK_NOUNS
    )


def _before_active_aux(sent: Any, t: Toponym) -> bool:
    """A name followed at once by the auxiliary of an active verb after it ("…the Fateh al-Sham Front
    and Moscow has repeatedly demanded…"): the verb's subject, whatever list the parser joined it
    to. Not a passive one ("Moscow was hit"), whose subject is the target."""
    tok = _token_at(sent, t.end - 1)
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
    tok = _name_token(sent, t)
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
    last = _token_at(sent, t.end - 1)  # the name's own last word, not a site noun after it
    if base_form(tok) in MEETING_NOUNS and tok.idx >= t.end and last is not None and last.head.i == tok.i:
        # The name only qualifies a meeting or a mission: "the Astana talks", "protests at its London
        # embassy" (the place of the embassy, not of the airstrikes protested against).
        return True
    if tok.dep_ != "pobj":
        return False
    head = tok.head.head  # the word the preposition hangs on
    if head.pos_ in ("NOUN", "PROPN"):
        # One is in a country, not at it: "a jab at the United States", "anger at Turkey" aim words
        # at a state ("strikes at Syria" still place the strikes).
        aimed = (
            tok.head.lower_ == "at"
            and t.place is not None
            and t.place.precision >= 4
            and not (base_form(head) in ATTACK_NOUNS or head.lower_ in ATTACK_NOUNS)
        )
        return base_form(head) in MEETING_NOUNS or aimed
    if head.pos_ not in ("VERB", "AUX"):
        return False
    if _elsewhere_verb(head):
        return True
    # The clause's subject: its nsubj, or (for a subordinate clause the parser left without one,
    # "as peace talks entered…") the words between the word it hangs on and its verb.
    subject = [c for c in head.children if c.dep_ in ("nsubj", "nsubjpass")]
    if not subject and head.dep_ == "advcl" and head.head.i < head.i:
        subject = list(head.doc[head.head.i + 1 : head.i])
    return any(base_form(c) in MEETING_NOUNS for c in subject + _subordinate_subject(head))


def _said_at(sent: Any, t: Toponym) -> bool:
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


def event_places(sent: Any, toponyms: list[Toponym], violent: bool = False) -> list[Toponym]:
    """The places of a sentence that can locate its event.

    Places the sentence puts its action in (in/at/near X) win; else towns and provinces named
    otherwise; else those used as modifiers ("the Sochi deal"). A country is a location only
    when the sentence puts something in it; as a subject or object it is an actor. A country
    beside a finer place in the same sentence is context, not a second location. For violence,
    a country or capital that acts (`acts`) and a place of talk, report or meeting
    (`elsewhere`) do not locate it.
    """
    inside = [t for t in location_candidates(sent, toponyms) if t.place is not None]
    if violent:
        inside = [
            t
            for t in inside
            if not acts(sent, t)
            and not elsewhere(sent, t)
            and not speaks(sent, t)
            and not _spans_countries(t.place)
            and not _destination(sent, t)
        ]
    roles = {id(t): place_role(sent, t) for t in inside}
    locative = [t for t in inside if roles[id(t)] == "locative" or roles[id(t)] == "target" and _place(t).precision < 4]
    other = [t for t in inside if roles[id(t)] in ("other", "reference") and _place(t).precision < 4]
    modifier = [t for t in inside if roles[id(t)] == "modifier" and _place(t).precision < 4]
    chosen = locative or other or modifier
    finer = [t for t in chosen if _place(t).precision < 4]
    chosen = finer or chosen
    seen: set[tuple[str, int | None]] = set()
    out = []
    for t in chosen:
        key = (_place(t).name, _place(t).geonameid)
        if key not in seen:
            seen.add(key)
            out.append(t)
    return out


def _place(t: Toponym) -> Place:
    """The place of a toponym the event rules kept (`event_places` keeps only placed ones)."""
    if t.place is None:
        raise ConflictMapError(f"the toponym {t.text!r} reached the event rules unplaced")
    return t.place


def _destination(sent: Any, t: Toponym) -> bool:
    """A place violence did not happen in: where people went or came from ("on their way to X", "fled
    from the towns of Y and Z")."""
    tok = _name_token(sent, t)
    return tok is not None and under_away(tok)


def _spans_countries(place: Any) -> bool:
    """A continent, an ocean or a region across countries (the gazetteer gives it no country) is no
    site of violence one can map: "anyone in Europe", "acted in Americas [sic] interest", "al-Qaeda
    in the Arabian Peninsula". A region inside one country (the Golan Heights) is."""
    return place.feature_code in ("CONT", "OCN") or place.feature_code == "RGN" and not place.country_code


FINER_WINDOW = 5  # sentences after a country-level or unplaced report that may say where it happened


def _finer_in_next(
    sents: list, k: int, places: list[Toponym], toponyms: list[Toponym], text: str
) -> tuple[Toponym, int] | None:
    """A town or province (of the same country, when the sentence names one) in the next few
    sentences of the paragraph, and where the sentence naming it ends."""
    countries = {t.place.country_code for t in places if t.place is not None}
    for j in range(k + 1, min(len(sents), k + 1 + FINER_WINDOW)):
        # A sentence's span may end with the blank line after it: look from its last word.
        last_word = sents[j - 1].start_char + len(sents[j - 1].text.rstrip())
        if "\n\n" in text[last_word : sents[j].start_char + 1]:
            return None
        # The place a report was issued or words were spoken in ("a report issued in New York"),
        # or a capital acting for its state ("Moscow and Beijing have vetoed…"), does not say
        # where the attack was.
        finer = [
            t
            for t in event_places(sents[j], toponyms)
            if _place(t).precision < 4
            and (not countries or _place(t).country_code in countries)
            and not _said_at(sents[j], t)
            and not acts(sents[j], t)
        ]
        if finer:
            # The most specific place of that sentence ("Khan Touman in Aleppo" → the town).
            best = min(finer, key=lambda t: _place(t).precision)
            return best, sents[j].start_char + len(sents[j].text.rstrip())
    return None


def _page_furniture(sentence: str, start: int, trigger_at: int, switches: Switches) -> bool:
    """Whether the sentence's violence stands before a wire dateline (a headline or a related link's
    title the page glued to the story): its place is no context for the story's next sentence."""
    return switches.on("mention.before_dateline") and before_wire_dateline(sentence, start, trigger_at)


def row_actors(
    doc: Any, s0: int, s1: int, trigger_at: int, event_type: str, country_code: str, country: str, switches: Switches
) -> tuple[Actor | None, Actor | None]:
    """(actor1, actor2) of a sentence's event by the actor dictionary and the rules that complete it."""
    a1, a2 = event_actors(doc, s0, s1, trigger_at, country_code, country, switches)
    if a2 is not None and a2.inter == 7 and not switches.on("actors.victims"):
        a2 = None
    return a1, a2


def extract_events(
    doc: Any, article: Article, toponyms: list[Toponym], gazetteer: Gazetteer, switches: Switches = ALL_ON
) -> list[dict]:
    """One row per event the article reports (and per mention of one), with its evidence spans."""
    if switches.on("location.unlisted_site"):
        split = switches.on("location.unpunctuated_list")
        toponyms = sorted([*toponyms, *unlisted_sites(doc, toponyms, split)], key=lambda t: t.start)
    rows = sentence_rows(doc, article, toponyms, gazetteer, switches)
    return assemble(rows, switches)


def sentence_rows(
    doc: Any, article: Article, toponyms: list[Toponym], gazetteer: Gazetteer, switches: Switches = ALL_ON
) -> list[dict]:
    """One row per (sentence, place that can locate its event)."""
    rules = load_lexicon()
    rows: list[dict] = []
    opening, dateline_end = (
        dateline_span(article.text, switches.on("dates.byline")) if switches.on("dates.dateline") else (None, 0)
    )
    if not switches.on("dates.dateline_not_event"):
        dateline_end = 0
    published = opening or article.published  # what relative days in the text count from
    if switches.on("actors.dictionary"):
        load_dictionary()
    previous: list[Toponym] = []
    fit_for_violence: list[Toponym] = []  # the places of `previous` that could locate violence
    previous_end = previous_start = -1
    previous_type = ""
    since_previous = 0
    generic_ids: set[str] = set()
    sents = list(doc.sents)
    people = people_index(doc)
    for k, sent in enumerate(sents):
        from_context = False
        forward_end = -1  # where the excerpt ends when a later sentence names the place
        since_previous += 1
        # Offsets point at the words, not the whitespace around them.
        stext = sent.text
        s0 = sent.start_char + (len(stext) - len(stext.lstrip()))
        s1 = sent.start_char + len(stext.rstrip())
        own = article.text[s0:s1]  # the sentence that types and dates the event
        rule, trigger = classify_rule(own, rules)
        event_type, sub_type = (rule.event_type, rule.sub_event_type) if rule else ("Other", "Other")
        places = event_places(sent, toponyms, violent=event_type in VIOLENT)
        at = own.find(trigger) if trigger else -1  # the trigger's offset in `own`
        split = False  # several listed sites share the sentence's event
        if places and rule is not None and at >= 0:
            # A typed event happens in one place: the one its trigger is tied to in the parse (the
            # rule `eval event-location` measures); when the parse ties none, the places above.
            site = choose_event_location(sent, s0 + at, places)
            if site is not None:
                # "Shells hit X and Y": one event per site (`location.coordinated_sites`).
                listed = (
                    coordinated(sent, site, places, switches.on("location.unpunctuated_list"))
                    if switches.on("location.coordinated_sites")
                    else []
                )
                places = sorted([site, *listed], key=lambda t: t.start)
                split = bool(listed)
        if not places:
            # A sentence that names no place where its event happens continues the located
            # sentence just before it: deaths reported in general terms in the same paragraph
            # ("At least 12 people were killed, the monitor said."), or the same kind of
            # diplomacy ("Turkey is heading to Moscow for a summit." → "Erdoğan will meet Putin
            # on Thursday to discuss the Idlib crisis."). The event takes that place, with
            # lower confidence.
            same_paragraph = previous and "\n\n" not in doc_text(doc)[previous_end : sent.start_char]
            violent_toll = same_paragraph and (
                event_type in VIOLENT
                and fatalities(own) is not None
                or event_type == "Displacement"
                and displaced(own) is not None
            )
            same_talks = (
                previous and sub_type == "Meeting/summit" and previous_type == "Diplomacy" and since_previous <= 2
            )
            lead_toll = not previous and event_type in VIOLENT and fatalities(own) is not None
            inherited = fit_for_violence if event_type in VIOLENT else previous
            if (violent_toll or same_talks) and inherited:
                places, from_context = inherited[:1], True
            elif lead_toll and (ahead := _finer_in_next(sents, k, [], toponyms, doc_text(doc))) is not None:
                # The lead's toll before any place is named ("A missile slammed into a rebel-held
                # town, killing 23.") happened where the next sentences of the paragraph say.
                places, from_context, forward_end = [ahead[0]], True, ahead[1]
            else:
                continue
        elif not _page_furniture(own, s0, s0 + at if at >= 0 else -1, switches):
            # Deaths reported next are inherited only by a place that could locate violence: not
            # one of talks or of a report ("talks in Berlin" → "Russian airstrikes have killed
            # thousands" did not happen in Berlin), nor of a headline or link the page glued on.
            previous, previous_end = places, s1
            fit_for_violence = places if event_type in VIOLENT else event_places(sent, places, violent=True)
            previous_start, previous_type = s0, event_type
            since_previous = 0
        # An event placed from context quotes the sentence that names the place too, so the
        # excerpt shows both the place and what happened there.
        excerpt_start = previous_start if from_context and forward_end < 0 else s0
        excerpt_end = max(s1, forward_end)
        if not from_context and event_type in VIOLENT and all(_place(t).precision >= 4 for t in places):
            # "Air strikes killed 12 people in northwest Syria." followed, in the same paragraph,
            # by "The strikes hit Saraqib…": the next sentence says where in that country.
            finer = _finer_in_next(sents, k, places, toponyms, doc_text(doc))
            if finer is not None:
                places, from_context = [finer[0]], True
                excerpt_end = finer[1]
        excerpt = article.text[excerpt_start:excerpt_end]
        # trigger_token counts from the sentence's start, `own` from its first word.
        verb = clause_verb(trigger_token(sent, s0 - sent.start_char + at if at >= 0 else -1))
        future = is_future_verb(verb) or is_future_sentence(sent)
        ev_date, precision, date_source, is_future = sentence_date(
            own, published, future, sentence_mentions(sent, verb, dateline_end)
        )
        killed, hurt, fled = fatalities(own), injured(own), displaced(own)
        # ACLED's actor dictionary codes political violence, protests and strategic developments; the
        # parties to talks and statements are the people and governments the sentence names.
        coded = switches.on("actors.dictionary") and event_type in ACLED_TYPES
        names = [] if coded else actors(sent, toponyms, gazetteer, people)
        reason = mention_reason(
            own,
            s0,
            event_type,
            sub_type,
            precision,
            event_type in VIOLENT,
            sent,
            s0 + at if at >= 0 else -1,
            switches,
            names_day=date_source == "sentence" and precision == DAY,
            credit=article.text[s1 : s1 + 24],
        )
        for t in places:
            p = _place(t)
            country = gazetteer.country_name(p.country_code) if p.country_code else ""
            if coded:
                a1, a2 = row_actors(
                    doc, s0, s1, s0 + at if at >= 0 else s0, event_type, p.country_code, country, switches
                )
            else:
                a1 = Actor(names[0], None) if names else None  # type: ignore[arg-type]
                a2 = Actor(names[1], None) if len(names) > 1 else None  # type: ignore[arg-type]
            margin = t.score - (t.alternatives[1][1] if len(t.alternatives) > 1 else 0.0)
            confidence = (
                0.35
                + 0.15 * min(1.0, max(0.0, margin) / 3)
                + (0.2 if trigger else 0.0)
                + (0.15 if p.precision < 4 else 0.0)
                + (0.15 if date_source == "sentence" else 0.05)
                - (0.2 if from_context else 0.0)
            )
            if rule is not None and rule.generic:
                generic_ids.add(_event_id(article.article_id, s0, f"{p.name}|{p.geonameid}"))
            rows.append(
                {
                    S.EVENT_ID: _event_id(article.article_id, s0, f"{p.name}|{p.geonameid}"),
                    S.ARTICLE_ID: article.article_id,
                    S.EVENT_DATE: ev_date,
                    S.DATE_PRECISION: precision,
                    S.DATE_SOURCE: date_source,
                    S.IS_FUTURE: is_future,
                    S.EVENT_TYPE: event_type,
                    S.SUB_EVENT_TYPE: sub_type,
                    S.TRIGGER: trigger,
                    S.TRIGGER_START: s0 + at if at >= 0 else None,
                    S.TRIGGER_END: s0 + at + len(trigger) if at >= 0 else None,
                    S.ACTOR1: a1.name if a1 else "",
                    S.INTER1: a1.inter if a1 else None,
                    S.ACTOR2: a2.name if a2 else "",
                    S.INTER2: a2.inter if a2 else None,
                    S.INTERACTION: interaction(a1.inter if a1 else None, a2.inter if a2 else None),
                    S.RECORD_KIND: MENTION if reason else EVENT,
                    S.MENTION_REASON: reason or "",
                    S.LOCATION: p.name,
                    S.TOPONYM: t.text,
                    S.TOPONYM_START: t.start,
                    S.TOPONYM_END: t.end,
                    S.LATITUDE: p.latitude,
                    S.LONGITUDE: p.longitude,
                    S.GEONAMEID: p.geonameid,
                    S.FEATURE_CODE: p.feature_code,
                    S.COUNTRY: country,
                    S.COUNTRY_CODE: p.country_code,
                    S.ADMIN1: p.admin1,
                    S.GEO_PRECISION: p.precision,
                    S.ALTERNATIVES: alternatives_json(t, gazetteer),  # its ranked candidates, best first
                    # A toll given for several sites together belongs to none of them.
                    S.FATALITIES: killed.value if killed and not split else None,
                    S.FATALITIES_TEXT: killed.phrase if killed else "",
                    S.FATALITIES_SHARED: killed.value if killed and split else None,
                    S.INJURED: hurt.value if hurt else None,
                    S.INJURED_TEXT: hurt.phrase if hurt else "",
                    S.DISPLACED: fled.value if fled else None,
                    S.DISPLACED_TEXT: fled.phrase if fled else "",
                    S.EXCERPT: excerpt,
                    S.EXCERPT_START: excerpt_start,
                    S.EXCERPT_END: excerpt_end,
                    S.TITLE: article.title,
                    S.SOURCE: article.source,
                    S.URL: article.url,
                    S.PUBLISHED: article.published,
                    S.DATELINE: opening,
                    S.PUBLISHED_INFERRED: article.published_inferred,
                    S.CONFIDENCE: round(min(1.0, confidence), 3),
                }
            )
    type_from_neighbours(rows, generic_ids, article.text)
    return rows
