"""Who acted, for rows the ACLED actor dictionary does not code (talks, statements): states, the
Syrian regime, organisations and people the sentence names."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from dashboard.events.actors import Actor, event_actors, find_mentions, reporter_spans
from dashboard.events.adjuncts import time_phrase_spans
from dashboard.events.site_names import SITE_NOUNS
from dashboard.geo.gazetteer import Gazetteer, Place, fold, name_variants, without_article
from dashboard.geo.names import ADMIN_WORDS
from dashboard.geo.toponyms import STATE_NOUNS, Toponym
from dashboard.nlp import base_form, doc_ents, doc_text, sent_ents, span_text
from dashboard.rules import ALL_ON, Switches
from dashboard.wordlists import word_set

WORDS = Path(__file__).with_name("words.toml")  # the word lists, each with why it exists


MILITARY_NOUNS = word_set(WORDS, "extract.military_nouns")
# The nouns of a place a country's possessive can qualify ("Syria's Hama province", "its northern
# countryside"): the kinds of places written after a name and the administrative divisions.
PLACE_NOUNS = word_set(WORDS, "extract.name_sites") | ADMIN_WORDS

# "Assad's forces", and "Assads forces" where a feed dropped the apostrophe.
REGIME_RE = re.compile(
    r"\b(?:(?:the\s+)?(?:bashar\s+)?(?:al-)?assad(?:'s|’s|s)?\s+(?:regime|government|forces|troops)"
    r"(?:\s+forces)?"
    r"|(?:syrian\s+)?regime(?:\s+forces)?|assad\s+forces|syrian\s+government\s+forces"
    r"|pro-(?:government|regime)\s+forces)\b",
    re.I,
)


def people_index(doc: Any) -> dict[str, str]:
    """Each person's full name by its folded forms, so "Kalın", "Kalin" and "Ibrahim Kalın" are one actor."""
    full: dict[str, str] = {}
    for ent in doc_ents(doc):  # spaCy makes every entity span again at each `doc.ents`
        if ent.label_ != "PERSON":
            continue
        name = " ".join(span_text(ent).split())
        for key in (fold(name), fold(name.split()[-1])):
            if len(name) > len(full.get(key, "")):
                full[key] = name
    return full


def actors(
    sent: Any,
    toponyms: list[Toponym],
    gazetteer: Gazetteer,
    people: dict[str, str] | None = None,
    switches: Switches = ALL_ON,
    skip_before: int = 0,
) -> list[str]:
    """Actors named in the sentence, in order: state forces from demonyms, the Syrian regime,
    organisations, people (by their full name in the article), and countries acting as subjects.
    With `actors.named_parties`, an organisation the actor dictionary lists takes its canonical name
    and one that is a monitor or an outlet, or a place the model tagged an organisation, is none.
    None named before `skip_before` (an article offset: where a wire dateline ends) is read."""
    people = people or {}
    regime = [(sent.start_char + m.start(), sent.start_char + m.end()) for m in REGIME_RE.finditer(span_text(sent))]
    found = [(start, "Military Forces of Syria (2000-)") for start, _end in regime]
    found += _state_actors(sent, toponyms, gazetteer, switches.on("actors.place_possessor"))
    found += _parties(sent, toponyms, gazetteer, people, switches.on("actors.named_parties"), regime)
    found = sorted(f for f in found if f[0] >= skip_before)
    out: list[str] = []
    for _pos, name in found:
        if name not in out and not any(name in o or o in name for o in out if ent_overlap(name, o)):
            out.append(name)
    return out


def _parties(
    sent: Any,
    toponyms: list[Toponym],
    gazetteer: Gazetteer,
    people: dict[str, str],
    named: bool,
    regime: list[tuple[int, int]],
) -> list[tuple[int, str]]:
    """The organisations and people the sentence names, with `named` (`actors.named_parties`) as the
    table lists them (`party_name`), and none the article writes as a place elsewhere ("in X"): one
    sense per discourse, whatever the model took the name for."""
    places: set[str] | None = None  # read only for a sentence that names a party: most name none
    found = []
    for pos, name, label in _named_actors(sent, toponyms, people, regime, named):
        party = party_name(name, label, gazetteer) if named else name
        if party and named:
            places = _place_names(sent.doc, toponyms) if places is None else places
            if fold(without_article(party)) in places or fold(party) in places:
                continue
        if party:
            found.append((pos, party))
    return found


def _state_actors(
    sent: Any, toponyms: list[Toponym], gazetteer: Gazetteer, place_possessor: bool = True
) -> list[tuple[int, str]]:
    """State forces from demonyms ("Turkish troops"), and countries acting as subjects (with
    `place_possessor`, `actors.place_possessor`: not a country whose possessive names a place)."""
    text = span_text(sent)
    base = sent.start_char
    found: list[tuple[int, str]] = []
    starts = tuple(t.start for t in toponyms if sent.start_char <= t.start < sent.end_char) if place_possessor else None
    for t in toponyms:
        if not (sent.start_char <= t.start < sent.end_char) or t.place is None:
            continue
        country = gazetteer.country_name(t.place.country_code)
        if t.is_demonym and t.state:
            following = text[t.end - base : t.end - base + 30].lower().split()
            noun = following[0].strip(".,;") if following else ""
            kind = "Military Forces of" if noun in MILITARY_NOUNS else "Government of"
            found.append((t.start, f"{kind} {country}"))
        elif not t.is_demonym and t.place.feature_code == "PCLI" and _is_subject_or_agent(sent, t, starts):
            found.append((t.start, f"Government of {country}"))
    return found


def _named_actors(
    sent: Any, toponyms: list[Toponym], people: dict[str, str], regime: list[tuple[int, int]], possessive: bool
) -> list[tuple[int, str, str]]:
    """Organisations and people the sentence names (people by their full name in the article), each
    with where it starts and its entity label; none inside the spans `regime` (REGIME_RE's, which
    name the regime: "Assad's forces"). With `possessive`, a person's name glued to the "s" of a
    possessive whose apostrophe the feed dropped ("Assads envoy") is the person's."""
    found: list[tuple[int, str, str]] = []
    # Only names overlapping the sentence can hold one of its entities: checking each entity against
    # every name of a long article was quadratic.
    local = [(t.start, t.end) for t in toponyms if t.start < sent.end_char and sent.start_char < t.end] + regime
    for ent in sent_ents(sent):
        if any(a <= ent.start_char < b for a, b in local):
            continue
        person = _person(ent, people, possessive)
        if person:
            # The small model sometimes tags a person GPE or ORG ("According to Kalın,").
            found.append((ent.start_char, person, "PERSON"))
            continue
        if ent.label_ in ("ORG", "PERSON"):
            name = " ".join(ent.text.split())
            if ent.label_ == "ORG" and (len(name) < 3 or name.lower() in ("ap photo", "reuters", "afp")):
                continue
            found.append((ent.start_char, name, ent.label_))
    return found


# "the village of X", "the town of X": the text itself calls X a place (its site nouns: `sites.site_nouns`).
_CALLED_PLACE = re.compile(
    rf"\b(?:{'|'.join(sorted(SITE_NOUNS, key=lambda w: -len(w)))})\s+of\s+"
    r"((?:al-)?[A-Z][\w'-]*(?:\s+(?:al-)?[A-Z][\w'-]*)*)"
)


def _place_names(doc: Any, toponyms: list[Toponym]) -> set[str]:
    """The folded names the article writes as places: its toponyms and the names it calls a village,
    a town or a district (read once per article: the parties of each sentence are checked against them)."""
    called = doc.user_data.get("conflictmap_called_places")
    if called is None:
        called = doc.user_data["conflictmap_called_places"] = {
            fold(m.group(1)) for m in _CALLED_PLACE.finditer(doc_text(doc))
        }
    return called | {fold(t.text) for t in toponyms if not t.is_demonym}


def _person(ent: Any, people: dict[str, str], possessive: bool) -> str | None:
    """The article's full name of the person an entity names (through a glued possessive too)."""
    glued = _glued_possessive(ent, people) if possessive else None
    return glued or people.get(fold(" ".join(ent.text.split())))


def _glued_possessive(ent: Any, people: dict[str, str]) -> str | None:
    """ "Assads forces": a name ending in "s" before a noun, whose stem the article names as a person."""
    text = " ".join(ent.text.split())
    after = ent.doc[ent.end] if ent.end < len(ent.doc) else None
    if not text.endswith("s") or text.endswith("ss") or after is None or after.pos_ != "NOUN":
        return None
    return people.get(fold(text[:-1]))


def party_name(name: str, label: str, gazetteer: Gazetteer) -> str | None:
    """The name of a party to talks or a statement as the table lists it: the actor dictionary's
    canonical name for one it lists ("ISIL" → "Islamic State (ISIS)"; a state, "the Kremlin", is its
    government), none for a monitor or an outlet (who reports is no party) or for an organisation's
    name that is a place the gazetteer knows ("Eastern Ghouta" tagged ORG); else the name as written."""
    bare = re.sub(r"^the\s+", "", name, flags=re.I)
    if any(s == 0 and e == len(bare) for s, e in reporter_spans(bare)):
        return None
    listed = _listed_party(bare, gazetteer)
    if listed:
        return listed
    # Not an acronym ("U.N.", "HNC"): a village somewhere bears most short names.
    acronym = "." in bare or bare.isupper()
    if label == "ORG" and not acronym and any(_named_place(p, bare) for p in gazetteer.lookup(bare)):
        return None
    return name


def _listed_party(bare: str, gazetteer: Gazetteer) -> str | None:
    """The dictionary's name for a party it lists whole (not a generic word, which takes a country)."""
    whole = [m for m in find_mentions(bare) if m.start == 0 and m.end == len(bare)]
    if not whole:
        return None
    entry = whole[0].entry
    if entry.state:
        return f"Government of {gazetteer.country_name(entry.state)}"
    return None if entry.generic or "{" in entry.name else entry.name


def _named_place(place: Place, name: str) -> bool:
    """Whether a place bears the name as its own and is an area or a town of 1,000 people or more."""
    own = fold(name) in name_variants(fold(place.name))
    return own and (place.feature_code == "AREA" or place.feature_class == "A" or place.population >= 1000)


def ent_overlap(a: str, b: str) -> bool:
    return a.lower() in b.lower() or b.lower() in a.lower()


def _is_subject_or_agent(sent: Any, t: Toponym, toponyms: tuple[int, ...] | None) -> bool:
    """Whether a country acts in the sentence: its subject, the "by" of a passive, the possessor of
    what it has ("Syria's envoy"), or before a state's noun. With `toponyms` (where the sentence's
    toponyms start; None: `actors.place_possessor` off), not the possessor of a place, which says
    where ("Syria's Hama province", "Egypt's North Sinai": a division's noun, or a toponym)."""
    for tok in sent:
        if tok.idx == t.start:
            possessed = tok.head
            if (
                tok.dep_ == "poss"
                and toponyms is not None
                and (base_form(possessed) in PLACE_NOUNS or _place_head(possessed, toponyms))
            ):
                return False
            if tok.dep_ in ("nsubj", "nsubjpass", "poss"):
                return True
            if tok.dep_ == "pobj" and tok.head.lower_ == "by":
                return True
            nxt = tok.nbor(1) if tok.i + 1 < len(tok.doc) else None
            return nxt is not None and nxt.lower_ in STATE_NOUNS
    return False


def _place_head(noun: Any, starts: tuple[int, ...]) -> bool:
    """Whether a possessed noun is a place the sentence names ("Egypt's North Sinai": the toponym
    starts at the noun or at the first word of its compound)."""
    first = min((c.idx for c in noun.children if c.dep_ == "compound" and c.i < noun.i), default=noun.idx)
    return first in starts or noun.idx in starts


def row_actors(
    doc: Any,
    s0: int,
    s1: int,
    trigger_at: int,
    event_type: str,
    country_code: str,
    country: str,
    switches: Switches,
    sent: Any = None,
) -> tuple[Actor | None, Actor | None]:
    """(actor1, actor2) of a sentence's event by the actor dictionary and the rules that complete it.
    With `actors.time_reference`, the names in a phrase of the sentence `sent` that names another event
    only to tell when ("days after a regime air strike, a bomb killed…") are not the act's actors."""
    skip: tuple[tuple[int, int], ...] = ()
    if sent is not None and switches.on("actors.time_reference"):
        skip = tuple((a, b) for a, b in time_phrase_spans(sent) if not a <= trigger_at < b)
    a1, a2 = event_actors(doc, s0, s1, trigger_at, country_code, country, switches, skip)
    if a2 is not None and a2.inter == 7 and not switches.on("actors.victims"):
        a2 = None
    return a1, a2
