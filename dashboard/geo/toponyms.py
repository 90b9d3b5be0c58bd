"""Recognise place names in a parsed document and resolve each to a gazetteer place in context."""

from __future__ import annotations

import itertools
import math
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from geopy.location import Location

from dashboard.geo.gazetteer import Gazetteer, Place, fold, haversine_km, variants, without_article
from dashboard.geo.locative import locative_names
from dashboard.nlp import base_form, doc_ents, doc_text

PLACE_LABELS = {"GPE", "LOC", "FAC"}
MAYBE_LABELS = {"ORG", "NORP", "PERSON", "LANGUAGE"}  # the small model tags "Aleppo" LANGUAGE
# Entities whose names often hold a place name ("Kentucky State Police", "Toronto General Hospital").
EMBEDDING_LABELS = {"ORG", "FAC"}
SPEECH_VERBS = {"say", "said", "says", "tell", "told", "tells", "add", "added", "adds", "express",
                "expressed", "note", "noted", "stress", "stressed", "warn", "warned", "claim", "claimed"}
# Nouns after a demonym that make it stand for the country (its forces, state or officials).
STATE_NOUNS = {"forces", "force", "troops", "troop", "army", "military", "soldiers", "soldier", "officials",
               "official", "government", "authorities", "jets", "warplanes", "planes", "aircraft", "police",
               "ministry", "minister", "president", "convoy", "border", "navy", "air", "regime", "militia",
               "militias", "drones", "drone", "artillery", "tanks", "side", "state", "counterpart", "delegation",
               "intelligence", "embassy", "diplomats", "diplomat", "parliament", "foreign", "defense", "defence",
               "army's", "gendarmerie", "coast", "leader", "leaders", "spokesman", "spokeswoman", "administration"}
COMPASS_WORDS = {"western", "eastern", "northern", "southern", "central", "west", "east", "north", "south",
                 "northwest", "northeast", "southwest", "southeast"}
# Words that name a kind of building or institution; a town may bear one as its name
# ("University", Florida) but inside a longer name it is the kind, not the place.
FACILITY_WORDS = {"university", "college", "school", "hospital", "church", "cathedral", "museum", "gallery", "park",
                  "street", "avenue", "road", "airport", "station", "centre", "center", "hotel", "court", "square",
                  "city", "academy", "institute", "library", "stadium", "bridge", "market", "village", "tower"}
# Generic words that are never a place's name on their own, whatever village bears them.
GENERIC_WORDS = FACILITY_WORDS | {"river", "hills", "hill", "valley", "delta", "lake", "bay", "island", "coast",
                                  "republic", "union", "state", "county", "district", "region", "province", "north",
                                  "south", "east", "west", "centre", "central", "capitol", "congress", "parliament"}
ADMIN_WORDS = {"province", "governorate", "region", "state", "oblast", "district", "county", "prefecture",
               "countryside", "provinces", "regions", "governorates"}
# "the province of Idlib", "the governorate of Hama": the province is meant, as in "Idlib province".
_ADMIN_BEFORE = re.compile(r"\b(?:province|governorate|provinces|governorates|oblast|prefecture)\s+of\s+(?:the\s+)?$",
                           re.I)


def admin_before(text: str | None, start: int) -> bool:
    """Whether an administrative word and "of" stand just before a name ("the province of Idlib")."""
    return bool(text) and bool(_ADMIN_BEFORE.search(text[max(0, start - 30):start]))  # type: ignore[index]


@dataclass
class Toponym:
    """A place name in the text and the place it resolved to (None when no candidate fits)."""

    start: int
    end: int
    text: str
    label: str
    is_demonym: bool = False
    place: Place | None = None
    score: float = 0.0
    alternatives: list[tuple[Place, float]] = field(default_factory=list)
    admin_hint: bool = False
    state: bool = False  # a demonym that stands for the state: "Turkish forces", "Russian officials"
    embedded: bool = False  # part of an organisation's or a building's name: "Kentucky State Police"
    fallback: bool = False  # placed at the nearest town the text names, not by its name (`nearest_town`)
    inner: bool = False  # found inside a longer name the gazetteer lacks ("Akhtarin Turkmen Bari" → Bari)

    @property
    def resolved(self) -> bool:
        return self.place is not None


@dataclass(frozen=True)
class Context:
    countries: Counter
    anchors: tuple[tuple[float, float], ...] = ()
    preferred: frozenset[int] = frozenset()  # the user's corrections
    support: dict[int, int] = field(default_factory=dict)  # place idx → other names that agree with it


def _strip_article(span: Any, text: str | None = None) -> tuple[int, int, str]:
    toks = list(span)
    while toks and toks[0].lower_ in ("the", "a", "an") or (toks and toks[0].is_punct):
        toks = toks[1:]
    while toks and (toks[-1].is_punct or toks[-1].tag_ == "POS" or toks[-1].lower_ == "'s"):
        toks = toks[:-1]
    if not toks:
        return span.start_char, span.start_char, ""
    s, e = toks[0].idx, toks[-1].idx + len(toks[-1].text)
    return s, e, (doc_text(span.doc) if text is None else text)[s:e]


def _is_person_like(span: Any) -> bool:
    root = span.root
    if root.dep_ in ("nsubj", "nsubjpass") and base_form(root.head) in SPEECH_VERBS | {"say", "tell"}:
        return True
    nxt = span.doc[span.end] if span.end < len(span.doc) else None
    if nxt is not None and nxt.lower_ in ("said", "told", "says", "added"):
        return True
    prev = span.doc[span.start - 1] if span.start > 0 else None
    return prev is not None and prev.lower_ in ("mr", "mr.", "ms", "ms.", "mrs", "mrs.", "dr", "dr.", "president",
                                                "minister", "spokesman", "spokeswoman", "general", "gen.")


def recognize(doc: Any, gazetteer: Gazetteer, keep_unknown: bool = False) -> list[Toponym]:
    """Place-name spans: NER places found in the gazetteer, plus mislabelled ORG/NORP spans that are
    unambiguous place names, plus demonyms ("Turkish forces"), plus well-known places inside the
    names of organisations and buildings ("Kentucky State Police", "the Canadian Press"; flagged
    `embedded`). With keep_unknown, NER place spans the gazetteer lacks are kept too (unresolvable,
    but still where an event may be)."""
    # Doc.text is rebuilt from the tokens at every access: read it once.
    words = _Words(doc_text(doc), frozenset(t.text for t in doc if t.is_lower))
    # A dateline wins over what the model made of it ("BEIRUT Air strikes…" tagged ORG): it says
    # where the reporter files from, which resolution must know.
    out: list[Toponym] = _datelines(words.text, gazetteer)
    datelines = list(out)
    for ent in doc.ents:
        found = _whole_entity(ent, gazetteer, keep_unknown, words.text)
        tops = _embedded(ent, gazetteer, words) if found is None and ent.label_ in EMBEDDING_LABELS else \
            [found] if found is not None else []
        out.extend(t for t in tops if not any(d.start < t.end and t.start < d.end for d in datelines))
    for top in _unlabelled(doc, gazetteer, words):
        if not any(t.start < top.end and top.start < t.end for t in out):
            out.append(top)
    for top in _in_locative_phrase(doc, gazetteer, words, keep_unknown):
        inside = [t for t in out if t.start < top.end and top.start < t.end]
        if not inside:
            out.append(top)
        elif all(t.embedded and top.start <= t.start and t.end <= top.end and not is_generic_name(fold(t.text))
                 for t in inside) and fold(top.text) not in gazetteer:
            # "in Syrias Aleppo Monitor" (a headline's words run together, tagged ORG): a name
            # in a locative phrase is where things happen, not part of an organisation's name.
            for t in inside:
                t.embedded = False
    out.sort(key=lambda t: t.start)
    return out


def _starts_alike(place: Place, key: str) -> bool:
    """Whether a place's name and a folded name share their first three letters, Arabic article aside."""
    return any(n[:3] == k[:3] for n in variants(fold(place.name)) for k in variants(key))


def _in_locative_phrase(doc: Any, gazetteer: Gazetteer, words: _Words, keep_unknown: bool) -> list[Toponym]:
    """Names the model missed or mislabelled that their phrase marks as places ("Katarko village",
    "the settlement of al-Qasa", "in Ramadi"; see `locative`). Kept when the gazetteer knows them
    as a town or an area; with keep_unknown, also unknown ones the model did not tag as something
    else (a person or an organisation needs a kind-of-place word beside it)."""
    out = []
    for loc in locative_names(doc, words.common):
        if gazetteer.demonym_country(loc.text) or is_generic_name(fold(loc.text)):
            continue  # "in English": a language; "at University": a kind of place, not a town so named
        key = fold(loc.text)
        # A spelling-blind match counts one letter away ("Raqa"), or for a province or a city
        # whose name starts alike ("Hassakeh" for Al-Hasakah): otherwise it pairs unrelated
        # places ("Red Line" with Red Lion, "Qatrji" with Banda Aceh).
        known = [p for p in gazetteer.lookup(loc.text) if p.feature_class in ("P", "A")] or [
            p for p in gazetteer.lookup_spelling(loc.text) if p.feature_class in ("P", "A") and (
                _own_name(p, key) or (p.feature_code == "ADM1" or p.population >= 100_000) and _starts_alike(p, key))]
        if loc.text.isupper() and not any(fold(p.name) == key for p in known):
            continue  # an acronym ("SEEK"), unless a place bears it as its own name ("FLORIDA")
        # After a bare preposition, a name the model tagged ORG or PERSON is a place if the
        # gazetteer knows it well ("at Zara" ORG, "with Kelly" PERSON: a village's namesake, not
        # the village); a kind-of-place word beside it overrides the tag. A name the gazetteer
        # does not know at all and the model tagged ORG is more often a village it could not
        # place ("in Al-Bayaa") than an organisation: kept when unknown names are asked for.
        plain = loc.labels <= PLACE_LABELS | {""}
        unknown_org = keep_unknown and not known and loc.labels <= PLACE_LABELS | {"", "ORG"}
        if loc.kind == "prep" and not plain and not unknown_org and not _well_known(known, 20000, loc.text):
            continue
        # Listed after a place ("shelled Saraqib and Ariha" PERSON): a town the gazetteer knows, of
        # any size, whatever the tag; an unknown name only as the prepositions allow it.
        if loc.kind == "list" and not known and not plain and not unknown_org:
            continue
        if known or keep_unknown and (loc.kind == "site" or plain or unknown_org):
            out.append(Toponym(loc.start, loc.end, loc.text, "LOCATIVE"))
        elif (plain or loc.kind == "site") and loc.text.split()[-1].lower() not in GENERIC_WORDS and (
                inner := contained_name(loc.text, gazetteer)) is not None and _well_known(
                gazetteer.lookup(inner), 100_000, inner):
            # Words run together ("in Syrias Aleppo Monitor"): the well-known place inside them
            # (a small one is more often a namesake: "Pitman Family Farms").
            at = loc.start + loc.text.find(inner)
            out.append(Toponym(at, at + len(inner), inner, "LOCATIVE", inner=True))
    return out


# "COLUMBUS, Ohio (AP) —", "LONDON The Latest…", "WASHINGTON, April 5 (Reuters)": a line that
# opens with a place name in capitals, then a comma, a bracket, a dash or the story's first word.
_DATELINE = re.compile(r"(?m)^[ \t(]*([A-Z][A-Z.'-]*(?: [A-Z][A-Z.'-]*){0,3})(?=,| ?\(| ?[—–-]| ?:| [A-Z][a-z])")


@dataclass(frozen=True)
class _Words:
    text: str
    lower: frozenset[str]  # the words the article writes in lower case

    def common(self, word: str) -> bool:
        """Whether the article also writes the word in lower case ("the centre", "a union"): then,
        capitalised in a name, it is most likely that word, not a place."""
        low = word.lower()
        if " " not in low:
            return low in self.lower
        return re.search(rf"\b{re.escape(low)}\b", self.text) is not None


def _unlabelled(doc: Any, gazetteer: Gazetteer, words: _Words) -> list[Toponym]:
    """Proper nouns the model tagged as no entity at all ("Ukraine", "Honolulu") when they name a
    country, a province or a city of 100,000 by its own name, and the article never writes them
    in lower case."""
    # One pass over the tokens: a free proper noun is tagged PROPN and is outside every entity.
    free = [t.pos_ == "PROPN" and t.ent_iob_ == "O" and t.text[:1].isupper() for t in doc]
    out: list[Toponym] = []
    i, n = 0, len(doc)
    while i < n:
        hit = None
        if free[i]:
            for j in range(min(n, i + 4), i, -1):
                if not all(free[i:j]):
                    continue
                run = doc[i:j]
                text = run.text
                if len(text) < 4 or text.isupper() or text.lower() in COMPASS_WORDS | GENERIC_WORDS:
                    continue
                if words.common(text):
                    continue
                places = [p for p in gazetteer.lookup(text) if fold(p.name) == fold(text)]
                if places and _well_known(places, 100_000, text) and (
                        max(places, key=lambda p: p.population).population > 0):
                    hit = (j, Toponym(run.start_char, run.end_char, text, "GAZETTEER"))
                    break
        if hit is None:
            i += 1
        else:
            i = hit[0]
            out.append(hit[1])
    return out


def _datelines(text: str, gazetteer: Gazetteer) -> list[Toponym]:
    out = []
    for m in _DATELINE.finditer(text):
        name = m.group(1)
        letters = sum(c.isalpha() for c in name)
        if letters < 4 or name.lower() in COMPASS_WORDS or not gazetteer.lookup(name):
            continue
        out.append(Toponym(m.start(1), m.end(1), name, "DATELINE"))
    return out


def _whole_entity(ent: Any, gazetteer: Gazetteer, keep_unknown: bool, doc_text: str) -> Toponym | None:
    """The entity as one toponym, or None when it is not a place name as a whole."""
    label = ent.label_
    if label not in PLACE_LABELS and label not in MAYBE_LABELS:
        return None
    s, e, text = _strip_article(ent, doc_text)
    if len(text) < 2 or not text[0].isupper() or text.lower() in GENERIC_WORDS:
        return None
    if text.lower() in COMPASS_WORDS:
        return None
    if label == "NORP" or (label in PLACE_LABELS and gazetteer.demonym_country(text)):
        code = gazetteer.demonym_country(text)
        if code:
            state = _demonym_stands_for_state(ent)
            if not state and _names_people(text, gazetteer):
                return None  # "Mexicans", "Canadians": people, not their country
            return Toponym(s, e, text, label, is_demonym=True, state=state)
    if text not in gazetteer and label in PLACE_LABELS and gazetteer.lookup_spelling(text):
        pass  # a known place spelled another way (Khan Sheikhun / Khan Shaykhun)
    elif text not in gazetteer:
        sub = _known_tail(text, gazetteer) if label in ("GPE", "LOC") else None
        if sub is None:
            return Toponym(s, e, text, label) if keep_unknown and label in PLACE_LABELS else None
        # "Syria's Raqqa", "the Kurdish-held town of Afrin" tagged as one span: keep the known tail.
        s, e, text = s + sub, e, text[sub:]
    if label in PLACE_LABELS:
        known = gazetteer.lookup(text) or gazetteer.lookup_spelling(text)
        if _is_person_like(ent) and not (known and known[0].feature_code == "PCLI"):
            return None
        if label == "FAC" and not _well_known(known, 20000, text) and not any(p.feature_code == "ADM2" for p in known):
            return None  # a building or a street that shares a village's name ("White House", "Church Street")
    elif label == "PERSON":
        if not _place_tagged_as_person(ent, text, gazetteer):
            return None
    else:
        # ORG/NORP spans: only when the name is a well-known place and reads like one
        # ("Idlib" tagged ORG, "Sochi deal" tagged NORP, a dateline "EDMONTON"), not an
        # organisation that merely contains or equals an obscure place name.
        if text.isupper() and len(text) >= 4 and text.replace(" ", "").isalpha() and (
                _opens_line(doc_text, s) or ent.sent.text.isupper()):
            pass  # a dateline in capitals ("EDMONTON"), or a headline in capitals; mid-sentence,
            # capitals are an acronym: "news agency SANA said" is not Sanaa
        elif _state_abbreviation(text, gazetteer):
            return Toponym(s, e, text, label)  # "the EU's", "UAE officials", "DPRK" tagged ORG
        elif not text[0].isupper() or text.isupper() or len(text) < 4:
            return None
        if len(ent) > 3:
            return None
        if not _well_known(gazetteer.lookup(text), 20000, text):
            return None
    nxt = doc_text[e:e + 16].strip().lower().split(" ")[0] if e < len(doc_text) else ""
    return Toponym(s, e, text, label, admin_hint=nxt.strip(".,;") in ADMIN_WORDS)


def _opens_line(text: str, start: int) -> bool:
    """Whether only spaces stand between the start of its line and `start`."""
    return not text[text.rfind("\n", 0, start) + 1:start].strip()


def _place_tagged_as_person(ent: Any, text: str, gazetteer: Gazetteer) -> bool:
    """The small model tags some places PERSON ("Tamil Nadu", "Cairns"). Take such a span for a
    place only when the name is a country, a province or a city of 100,000, nothing around it
    reads like a person, and no longer person's name in the article contains it ("Nelson" after
    "Nelson Mandela", "Jordan" after "Michael Jordan")."""
    if len(ent) > 3 or _is_person_like(ent):
        return False
    longest = _longest_person_by_word(ent.doc)
    if any(longest.get(w, 0) > len(ent) for w in set(fold(text).split())):
        return False
    return _well_known(gazetteer.lookup(text), 100_000, text)


def _longest_person_by_word(doc: Any) -> dict[str, int]:
    """Each folded word of the document's PERSON names → the token length of the longest such name
    holding it; built once per Doc (walking every entity for every entity was quadratic)."""
    longest = doc.user_data.get("conflictmap_person_words")
    if longest is None:
        longest = doc.user_data["conflictmap_person_words"] = {}
        for other in doc_ents(doc):
            if other.label_ == "PERSON":
                for w in fold(other.text).split():
                    longest[w] = max(longest.get(w, 0), len(other))
    return longest


def _state_abbreviation(text: str, gazetteer: Gazetteer) -> bool:
    """A country's or a union's initials ("EU", "UAE", "U.S."), which the model often tags ORG."""
    letters = text.replace(".", "")
    if not (2 <= len(letters) <= 4 and letters.isalpha() and letters.isupper()):
        return False
    return any(p.feature_code in ("PCLI", "CONT", "RGN") for p in gazetteer.lookup(text))


def _well_known(places: list[Place], min_population: int, text: str = "") -> bool:
    """Whether a name's best-known bearer is famous enough to be meant wherever it appears. Places
    that bear the name as their own outrank those that have it only as a translation ("White House"
    is a town in Tennessee before it is Casablanca)."""
    key = fold(text)
    # "Kut" is Al-Kut's own name too: the Arabic article does not make it a translation.
    own = [p for p in places if key in variants(fold(p.name))] if text else []
    places = own or places
    if not places:
        return False
    best = max(places, key=lambda p: p.population)
    return best.population >= min_population or best.feature_code in ("PCLI", "ADM1", "RGN", "CONT")


def _names_people(text: str, gazetteer: Gazetteer) -> bool:
    """A plural demonym ("Mexicans", "Turks") names people; the singular adjective stands for the country."""
    low = text.lower()
    if not low.endswith("s") or low.endswith(("ese", "ss")):
        return False
    return gazetteer.demonym_country(text) is not None and text not in gazetteer


def _embedded(ent: Any, gazetteer: Gazetteer, doc_words: _Words) -> list[Toponym]:
    """Well-known places and demonyms inside an organisation's or a building's name: the longest
    runs of capitalised words, left to right, that name a country, a province, a county or a city
    of at least 50,000 people ("Texas" in "Texas A&M University", "Canadian" in "The Canadian
    Press"). Obscure namesakes ("Sears", "White House") are left alone."""
    toks = [t for t in ent if not (t.is_punct and t.text not in (".", "&"))]
    out: list[Toponym] = []
    i = 0
    while i < len(toks):
        hit = None
        for j in range(min(len(toks), i + 4), i, -1):
            words = toks[i:j]
            if not all(_capitalised(w.text) for w in (words[0], words[-1])) or words[0].lower_ in ("the", "a", "an"):
                continue
            if words[-1].i - words[0].i != len(words) - 1:
                continue
            s, e = words[0].idx, words[-1].idx + len(words[-1].text)
            text = doc_words.text[s:e]
            if words[-1].lower_ == "state" and len(words) > 1 and _embedded_place(text[:words[-1].idx - s].rstrip(),
                                                                                  gazetteer):
                continue  # "Kentucky State Police": the state is Kentucky
            if _embedded_place(text, gazetteer) and not (len(words) == 1 and doc_words.common(text)):
                hit = (j, Toponym(s, e, text, ent.label_, is_demonym=gazetteer.demonym_country(text) is not None,
                                  embedded=True))
                break
        if hit is None:
            i += 1
        else:
            i, top = hit
            out.append(top)
    return out


def _capitalised(word: str) -> bool:
    return word[:1].isupper()


def _embedded_place(text: str, gazetteer: Gazetteer) -> bool:
    if text.lower() in GENERIC_WORDS:
        return False
    if len(text) < 4 and not (len(text) >= 3 and text.endswith(".")):  # "U.S." yes; "AP", "BC" too ambiguous
        return False
    if text.lower() in COMPASS_WORDS:
        return False
    if gazetteer.demonym_country(text):
        return not _names_people(text, gazetteer)
    places = gazetteer.lookup(text)
    own = [p for p in places if fold(p.name) == fold(text)]
    # A translation or an old name ("Julia" for Plovdiv, "Human" for Uman) inside an
    # organisation's name is a word, not that town; a country's short forms ("U.S.") count.
    places = own or [p for p in places if p.feature_code in ("PCLI", "CONT", "RGN")]
    if not places:
        return False
    best = max(places, key=lambda p: p.population)
    if best.feature_code in ("PCLI", "CONT", "RGN") or best.feature_code == "ADM1" and best.population > 0:
        return True
    if "." in text:
        return False  # an abbreviation other than a country's or a province's ("U.N." is not Un, India)
    if best.feature_code == "ADM2":
        return " " in text  # "Adair County", not a bare district name that is also a surname
    return best.feature_class == "P" and best.population >= 50000


def _known_tail(text: str, gazetteer: Gazetteer) -> int | None:
    """Offset of the longest trailing run of words that names a well-known place ("Syria's Raqqa"),
    if any; at least one word is dropped, and obscure namesakes of common words ("Front") are not."""
    starts = [m.start() for m in re.finditer(r"(?<=\s)\S", text)]
    for st in starts:
        tail = text[st:]
        if not (tail[0].isupper() and len(tail) >= 4 and tail in gazetteer):
            continue
        best = max(gazetteer.lookup(tail), key=lambda p: p.population)
        if best.population >= 5000 or best.feature_code in ("PCLI", "ADM1", "ADM2", "RGN", "CONT"):
            return st
    return None


def _demonym_stands_for_state(ent: Any) -> bool:
    nxt = ent.doc[ent.end] if ent.end < len(ent.doc) else None
    head = ent.root.head
    words = {head.lower_}
    if nxt is not None:
        words.add(nxt.lower_)
        if ent.end + 1 < len(ent.doc):
            words.add(ent.doc[ent.end + 1].lower_)
    return bool(words & STATE_NOUNS)


# -- resolution ---------------------------------------------------------------------------------------

def candidates(name: str, geocoder: Any, gazetteer: Gazetteer, spelling: bool = True) -> list[Place]:
    """Candidates from a geopy-contract geocoder (`exactly_one=False`), as Places."""
    found = geocoder.geocode(name, exactly_one=False)
    if not found:
        # Transliterations vary (Sheikhun/Shaykhun, Deir ez-Zor/Dayr az Zawr): try the spelling-blind key.
        return gazetteer.lookup_spelling(name) if spelling else []
    if isinstance(found, Location):
        found = [found]
    out = []
    for loc in found:
        raw = loc.raw if isinstance(loc.raw, dict) else {}
        if "feature_code" in raw and "idx" in raw:
            out.append(Place(**{k: raw[k] for k in Place.__dataclass_fields__}))
        else:
            out.append(_online_place(loc, name))
    return out


def _online_place(loc: Location, name: str) -> Place:
    raw = loc.raw if isinstance(loc.raw, dict) else {}
    address = raw.get("address", {}) if isinstance(raw.get("address"), dict) else {}
    cc = (address.get("country_code") or raw.get("properties", {}).get("countrycode") or "").upper()
    return Place(idx=-1, geonameid=None, name=name, latitude=loc.latitude, longitude=loc.longitude,
                 feature_class="P", feature_code="PPL", country_code=cc, admin1=address.get("state", ""),
                 admin2="", population=0)


def contained_name(text: str, gazetteer: Gazetteer) -> str | None:
    """For a name the gazetteer lacks, the known place it is in or named after: "Karak district"
    → Karak, "Vancouver Art Gallery" → Vancouver, "North London" → London, "European Commission"
    → European (Europe), "Mexican Senate" → Mexico. The longest run of words, leftmost first, that
    names a country, a continent, a province or a town of 5,000 people or more."""
    words = text.split()
    if len(words) < 2:
        return None
    if words[-1].lower().strip(".") in ADMIN_WORDS | {"co", "city", "area"}:
        stem = " ".join(words[:-1])
        if stem in gazetteer:
            return stem
    for n in range(len(words) - 1, 0, -1):
        found = []
        for i in range(len(words) - n + 1):
            run = words[i:i + n]
            if not (run[0][:1].isupper() and run[-1][:1].isupper()) or run[0].lower() in ("the", "st", "st."):
                continue
            name = " ".join(run).strip(",.;:'’")
            if name.lower() in COMPASS_WORDS | GENERIC_WORDS or len(name) < 3 and not name.isupper():
                continue
            found_places = gazetteer.lookup(name)
            # By its own name, or a country's or a continent's other name ("U.S.", "US", "European");
            # not a translation ("Art").
            places = [p for p in found_places if fold(p.name) == fold(name)] or [
                p for p in found_places if p.feature_code in ("PCLI", "CONT", "RGN")]
            if len(name) < 3:
                places = [p for p in found_places if p.feature_code == "PCLI"]  # "US", not the village Us
            if places and _well_known(places, 5000, name):
                found.append((_prominence(places), name))
        if found:
            # "Republic of Armenia" → Armenia, not Republic (Missouri): the best-known name wins.
            return max(found)[1]
    return _state_institution(words, gazetteer)


# Words after a demonym that make a name one of the state's institutions ("Mexican Senate").
INSTITUTION_WORDS = STATE_NOUNS | {"senate", "embassy", "consulate", "ministry", "cabinet", "congress"}


def _state_institution(words: list[str], gazetteer: Gazetteer) -> str | None:
    """The country of a state institution named by its demonym ("Mexican Senate", "British Embassy"
    → Mexico, United Kingdom), for a name that holds no place name. Not "French Quarter" or
    "Frenchmen Street": the demonym must open the name and an institution's word follow it."""
    if len(words) < 2 or words[1].lower() not in INSTITUTION_WORDS:
        return None
    country = gazetteer.country(gazetteer.demonym_country(words[0]) or "")
    return None if country is None or _names_people(words[0], gazetteer) else country.name


def _prominence(places: list[Place]) -> tuple[int, int]:
    rank_of = {"PCLI": 3, "CONT": 3, "RGN": 2, "ADM1": 2}
    return max((rank_of.get(p.feature_code, 0), p.population) for p in places)


def _neighbours(toponyms: list[Toponym], text: str | None) -> Iterator[tuple[int, int, str]]:
    """Each name (index) and the next one in the text, with the text between them."""
    if text is None:
        return
    order = sorted(range(len(toponyms)), key=lambda i: toponyms[i].start)
    for a, b in zip(order, order[1:], strict=False):
        yield a, b, text[toponyms[a].end:toponyms[b].start]


def containers(toponyms: list[Toponym], text: str | None) -> dict[int, int]:
    """"Edmonton, Ky." / "Idlib, Syria": the second name contains the first (index → index)."""
    return {a: b for a, b, between in _neighbours(toponyms, text)
            if re.fullmatch(r"\s*,\s*", between) or re.fullmatch(r"\s+\(\s*", between)}


# "the Ferdous neighbourhood of east Aleppo", "the east Aleppo district of Marjeh", "Aleppo's Ferdous
# district": one name is a part of the town the other names (which is which: see `district_pairs`).
PART_WORDS = r"(?:neighbou?rhoods?|districts?|quarters?|suburbs?)"
PART_BETWEEN = re.compile(rf"\s+{PART_WORDS}\s+(?:of|in)\s+(?:[a-z][\w-]*\s+){{0,3}}")
PART_AFTER = re.compile(rf"\s+{PART_WORDS}\b")
PART_NEAR_KM = 30.0  # a town's neighbourhoods and suburbs lie within this of its point
PART_TOWN_POPULATION = 100_000  # the part is the smaller name; the whole is a town at least this big


def district_pairs(toponyms: list[Toponym], text: str | None) -> list[tuple[int, int]]:
    """Pairs of names (index, index) that the text makes one part of the other by a neighbourhood,
    district, quarter or suburb word; which one is the town is left to `part_of_town`."""
    return [(a, b) for a, b, between in _neighbours(toponyms, text)
            if PART_BETWEEN.fullmatch(between)
            or re.fullmatch(r"['’]s\s+", between) and PART_AFTER.match(text or "", toponyms[b].end)]


def _whole(place: Place | None) -> bool:
    """A place that has districts: a town of PART_TOWN_POPULATION or more, or a province ("the east
    Aleppo district of Marjeh" when the model reads "east Aleppo" as the governorate)."""
    return place is not None and (place.feature_class == "P" and place.population >= PART_TOWN_POPULATION
                                  or place.feature_code in ("ADM1", "ADM2"))


def part_of_town(pair: tuple[int, int], toponyms: list[Toponym]) -> tuple[int, int] | None:
    """(part, whole) of a district pair: the whole is the name resolved to a town or province
    (`_whole`), the part the other one; None when that does not tell them apart."""
    wholes = [i for i in pair if _whole(toponyms[i].place)]
    if len(wholes) != 1:
        return None
    whole = wholes[0]
    return (pair[1] if whole == pair[0] else pair[0]), whole


def _in_whole(place: Place, whole: Place) -> bool:
    if whole.feature_class == "P":
        return haversine_km(place.latitude, place.longitude, whole.latitude, whole.longitude) <= PART_NEAR_KM
    return _inside(place, [whole])


def keep_parts_in_their_town(toponyms: list[Toponym],
                             pairs: list[tuple[int, int]]) -> dict[str, tuple[Place | None, float]]:
    """A neighbourhood of a named town is in that town: its best candidate inside the town (within
    PART_NEAR_KM) or the province, else none (the nearest-town fallback may then place it in the
    town, flagged). Ferdous, a district of Aleppo, is not Ferdows in Iran. Returns the settled
    sense of each such name (folded), for its other mentions."""
    settled: dict[str, tuple[Place | None, float]] = {}
    for pair in pairs:
        split = part_of_town(pair, toponyms)
        if split is None:
            continue
        part, whole = toponyms[split[0]], toponyms[split[1]].place
        near = [(p, sc) for p, sc in part.alternatives if _in_whole(p, whole)]
        part.place, part.score = near[0] if near else (None, 0.0)
        settled[fold(part.text)] = (part.place, part.score)
    return settled


def _inside(place: Place, container: list[Place]) -> bool:
    for c in container:
        if c.feature_code == "PCLI" and place.country_code == c.country_code and place.feature_code != "PCLI":
            return True
        if c.feature_code == "ADM1" and place.country_code == c.country_code and fold(place.admin1) == fold(c.name):
            return True
        if c.feature_code == "ADM2" and place.country_code == c.country_code and fold(place.admin2) == fold(c.name):
            return True
    return False


def score(place: Place, key: str, ctx: Context, admin_hint: bool = False, overshadowed: bool = False) -> float:
    """How likely `place` is meant by the name `key` in a document with context `ctx`.
    `overshadowed`: a namesake of the name's far better-known bearer (see `overshadowed_by`)."""
    if place.idx in ctx.preferred:
        return 100.0
    s = math.log10(place.population + 10)
    code = place.feature_code
    if code == "PCLI":
        s += 3.0
    elif code in ("CONT", "RGN"):
        s += 3.0
    elif code == "OCN":
        s += 5.0  # no population to weigh, yet a bare "Atlantic" is the ocean before a town in Iowa
    elif code in ("SEA", "GULF", "MTS", "STRT"):
        s += 2.0
    elif code == "ADM1":
        s += 2.0 if admin_hint else -0.3
    elif code == "ADM2":
        s += 1.5 if admin_hint else -0.8
    elif code == "PPLC":
        s += 1.0
    own = fold(place.name)
    if own == key:
        s += 1.5
    elif place.feature_class == "P" and own.startswith(key + " "):
        s += 1.0  # the first words of its own name: Newcastle for Newcastle upon Tyne, Enfield for Enfield Town
    elif place.feature_class == "P":
        # Matched only through an alternate name: often a historical or foreign name of another town.
        s -= 0.5
    near = 0.0
    if ctx.anchors and place.feature_code not in ("PCLI", "CONT", "RGN"):
        d = min(haversine_km(place.latitude, place.longitude, a, b) for a, b in ctx.anchors)
        near = 1.5 if d < 300 else (0.5 if d < 1000 else 0.0)
    support = min(ctx.support.get(place.idx, 0), 3)
    total = sum(ctx.countries.values())
    if total and place.country_code:
        share = ctx.countries.get(place.country_code, 0) / total
        bonus = 3.0 * share + (1.0 if share > 0 else 0.0)
        # The country alone does not make a village the sense of a world city's name: London in a
        # story about Washington is still London, England, unless something nearby points to the
        # village (a neighbour named, a town placed close by).
        if overshadowed and not support and near < 1.5:
            bonus *= OVERSHADOWED_COUNTRY_FACTOR
        s += bonus
    return s + near + SUPPORT_WEIGHT * support


OVERSHADOWED_COUNTRY_FACTOR = 0.5
OVERSHADOW_RATIO = 100  # how many times more people the famous bearer of the name must have


def overshadowed_by(cands: Iterable[Place], key: str) -> int:
    """Population of the best-known town or city that bears the name `key` as its own; its namesakes
    with a hundredth of its people or fewer are 'overshadowed'."""
    return max((p.population for p in cands if p.feature_class == "P" and fold(p.name) == key), default=0)


SUPPORT_WEIGHT = 0.8
SIBLINGS = "\x00provinces"  # stands for all the sibling provinces a document names, as one supporter
MIN_SIBLINGS = 2
SUPPORT_KM = 100.0
POOL_SIZE = 10


def co_support(pools: dict[str, list[Place]], targets: dict[str, list[Place]] | None = None) -> dict[int, int]:
    """For each candidate, how many of the document's other names could be a place beside it
    (within SUPPORT_KM) or the province that holds it, or lie inside it. Small towns named
    together are usually neighbours: Holliday, Paris and Monroe County in one story are all in
    Missouri; Edmonton beside Enfield is the one in London. `pools` holds each name's likeliest
    candidates, which are the evidence; `targets` (by default the pools) the candidates to score:
    all of a name's candidates, so that the small Monroe County beside Paris, Missouri is supported
    even when a dozen larger Monroe Counties crowd it out of its name's pool."""
    evidence = _support_points(pools)
    scored = evidence if targets is None else _support_points(targets)
    if not evidence or not scored:
        return {}
    e_names = np.array([n for n, _ in evidence])
    e_point = np.array([p.feature_code != "ADM1" for _, p in evidence])
    near = _within_km(scored, evidence, SUPPORT_KM) & e_point[None, :]
    holders: dict[tuple[str, str], set[str]] = {}
    members: dict[tuple[str, str], set[str]] = {}
    for n, p in evidence:
        if p.feature_code == "ADM1":
            holders.setdefault((p.country_code, fold(p.name)), set()).add(n)
        elif p.admin1:
            members.setdefault((p.country_code, fold(p.admin1)), set()).add(n)
    sibling_provinces: dict[str, set[str]] = {}
    for n, places in pools.items():
        if places and places[0].feature_code == "ADM1":
            sibling_provinces.setdefault(places[0].country_code, set()).add(n)
    out: dict[int, int] = {}
    for k, (n, p) in enumerate(scored):
        others = set(e_names[near[k]].tolist()) if p.feature_code != "ADM1" else set()
        if p.feature_code != "ADM1" and p.admin1:
            others |= holders.get((p.country_code, fold(p.admin1)), set())
        elif p.feature_code == "ADM1":
            others |= members.get((p.country_code, fold(p.name)), set())
            # A list of a country's provinces: "Alaska, Hawaii and Georgia" are all states. It takes
            # a list (MIN_SIBLINGS others), and it counts as one name: a story that names a state or
            # two may still mean the capital (Washington) rather than a state that shares its name.
            if len(sibling_provinces.get(p.country_code, set()) - {n}) >= MIN_SIBLINGS:
                others.add(SIBLINGS)
        others.discard(n)
        if others:
            out[p.idx] = max(out.get(p.idx, 0), len(others))
    return out


def _support_points(pools: dict[str, list[Place]]) -> list[tuple[str, Place]]:
    """(name, place) for the places that can support or be supported: not countries, continents or seas."""
    return [(n, p) for n, places in pools.items() for p in places
            if p.feature_code not in ("PCLI", "CONT", "RGN", "OCN", "SEA", "GULF") and p.country_code]


def _within_km(a: list[tuple[str, Place]], b: list[tuple[str, Place]], km: float) -> np.ndarray:
    """Which places of `a` lie within `km` of which of `b` (haversine for every pair at once)."""
    lat_a = np.radians([p.latitude for _, p in a])[:, None]
    lon_a = np.radians([p.longitude for _, p in a])[:, None]
    lat_b = np.radians([p.latitude for _, p in b])[None, :]
    lon_b = np.radians([p.longitude for _, p in b])[None, :]
    h = np.sin((lat_b - lat_a) / 2) ** 2 + np.cos(lat_a) * np.cos(lat_b) * np.sin((lon_b - lon_a) / 2) ** 2
    return 2 * 6371.0 * np.arcsin(np.sqrt(np.clip(h, 0, 1))) <= km


def _foreign_small_place(place: Place, ctx: Context) -> bool:
    """A village abroad in a document about one country is more often a local place the gazetteer
    lacks (Madaya, Syria → only Madaya, Myanmar is known) than a foreign one: leave it unresolved.
    A hamlet (under VILLAGE_POPULATION) in a country the document never names is no more likely
    when the document is about several countries (Ash, Kent in a story on the US, Russia and Syria)."""
    total = sum(ctx.countries.values())
    if not total or place.feature_code in ("PCLI", "CONT", "RGN", "OCN", "SEA") or not place.country_code:
        return False
    if ctx.countries.get(place.country_code, 0) > 0 or place.population >= 100_000:
        return False
    return max(ctx.countries.values()) / total >= 0.5 or place.population < VILLAGE_POPULATION


VILLAGE_POPULATION = 10_000


WIDE_CODES = {"PCLI", "CONT", "RGN", "OCN", "SEA", "GULF"}


def untrusted_match(place: Place, key: str, others: Counter) -> bool:
    """Whether a candidate is too weakly tied to the name and the document to be trusted: matched
    only through an alternate name (a translation, an old or foreign name: Jibrin → Gaborone,
    Qurtuba → Curitiba), or a bare generic name ("City", "East", "Northern Province"), in a
    country that the document's other names never point to. `others` counts the countries the
    rest of the document names (this name's own contribution removed); a document with no other
    country evidence gives no reason to distrust anything. Countries, continents and seas are
    known by many names and stay trusted. A generic name needs both: the place's own name and
    a country the document names."""
    if place.feature_code in WIDE_CODES or not place.country_code:
        return False
    own_name = _own_name(place, key)
    named = others.get(place.country_code, 0) > 0
    if is_generic_name(key):
        return not (own_name and named)
    if place.feature_code == "ADM1" and len(key.replace(" ", "")) <= 3:
        return False  # a province's usual abbreviation: "B.C.", "NSW"
    return sum(others.values()) > 0 and not named and not own_name


def _own_name(place: Place, key: str) -> bool:
    """The place's own name, its first words ("Clacton" for Clacton-on-Sea), or its own name
    spelled one letter apart (Raqqa for Ar Raqqah): not a translation."""
    names = variants(fold(place.name))
    return any(n == v or n.startswith(v + " ") or _one_edit(n, v) for v in variants(key) for n in names)


def _one_edit(a: str, b: str) -> bool:
    """Whether two names of four letters or more differ by one letter added, dropped or changed."""
    if min(len(a), len(b)) < 4 or abs(len(a) - len(b)) > 1:
        return False
    if len(a) > len(b):
        a, b = b, a
    i = next((k for k, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), len(a))
    return a[i + (len(a) == len(b)):] == b[i + 1:]


def is_generic_name(key: str) -> bool:
    """A name made only of generic, compass and administrative words ("city", "east", "northern
    province"): a description, not a place's name."""
    words = key.split()
    return bool(words) and all(w in GENERIC_WORDS | COMPASS_WORDS | ADMIN_WORDS for w in words)


def rank(cands: Iterable[Place], key: str, ctx: Context, admin_hint: bool = False) -> list[tuple[Place, float]]:
    cands = list(cands)
    famous = overshadowed_by(cands, key)
    ranked = sorted(((p, score(p, key, ctx, admin_hint, p.feature_class == "P"
                                and p.population * OVERSHADOW_RATIO <= famous)) for p in cands),
                    key=lambda t: -t[1])
    # A governorate and its capital share a name (Idlib, Aleppo, Moscow): without a word such
    # as "province" after it the city is meant; both lie in the same country either way. A user's
    # correction (preferred) that names the governorate stays on top.
    if len(ranked) > 1 and not admin_hint and ranked[0][0].feature_code in ("ADM1", "ADM2") \
            and ranked[0][0].idx not in ctx.preferred:
        top = ranked[0][0]
        for i, (p, _sc) in enumerate(ranked[1:], start=1):
            if p.feature_class == "P" and p.country_code == top.country_code and fold(p.name) == fold(top.name) \
                    and haversine_km(p.latitude, p.longitude, top.latitude, top.longitude) < 250:
                ranked.insert(0, ranked.pop(i))
                break
    return ranked


@dataclass
class _Evidence:
    """What a document's names say about its geography, from one round of guesses."""

    countries: Counter  # country → weight of the names placed there (demonyms too)
    own: dict[str, Counter]  # what each name adds, so it is not its own evidence
    named: Counter  # the same for places named (demonyms name actors, not places), datelines left out
    anchors: list[tuple[str, float, float]]  # (name, lat, lon) of the confidently placed towns
    counted: set[int]  # the toponyms (by index) that count

    def context(self, key: str, preferred: frozenset[int], support: dict[int, int]) -> Context:
        """The context in which to rank the name `key`: the evidence less its own."""
        mine = self.own.get(self_key(key))
        return Context(self.countries - mine if mine else self.countries,
                       anchors_besides(self.anchors, self_key(key)), preferred, support)


def self_key(key: str) -> str:
    """A folded name without its Arabic article: "al-Karima" and "Karima" are one name, so neither
    is evidence for the other (their one namesake abroad, Kuraymah in Sudan, would confirm itself)."""
    return without_article(key)


def _gather(toponyms: list[Toponym], ranked_by_i: dict[int, list[tuple[Place, float]]],
            counted: set[int] | None = None) -> _Evidence:
    """The evidence of a round of rankings: a name counts for its best place's country when that place
    clearly wins or all its likeliest places are in one country. With `counted` (the names that
    counted in an earlier round), those names and only those count, for their new best place: a
    later round corrects guesses but does not let a context confirm itself name after name."""
    ev = _Evidence(Counter(), {}, Counter(), [], set())
    for i, t in enumerate(toponyms):
        if t.is_demonym and t.place:
            ev.countries[t.place.country_code] += 1
            continue
        ranked = ranked_by_i.get(i)
        if not ranked:
            continue
        key = self_key(fold(t.text))
        top = ranked[0][0]
        margin = ranked[0][1] - (ranked[1][1] if len(ranked) > 1 else 0)
        weight = 1.0 if top.feature_code == "PCLI" else 0.5
        sure = margin > 1.0 or len({p.country_code for p, _ in ranked[:3]}) == 1
        if sure if counted is None else i in counted:
            ev.counted.add(i)
            ev.countries[top.country_code] += weight
            ev.own.setdefault(key, Counter())[top.country_code] += weight
            # A dateline says where the reporter files from, not what the story is about: BEIRUT
            # over a report on Saraqib must not make Syria's towns "foreign".
            if t.label != "DATELINE":
                ev.named[top.country_code] += weight
        # A town that clearly wins anchors its neighbours, in every round: nearness is local
        # evidence, and a town placed in context is placed better than by its size alone.
        if top.feature_class == "P" and margin > 1.0:
            ev.anchors.append((key, top.latitude, top.longitude))
    return ev


def _options(i: int, toponyms: list[Toponym], cands: dict[str, list[Place]], contained_by: dict[int, int],
             contains: dict[int, int]) -> list[Place]:
    """The candidates of toponym i, narrowed by the name that contains it or that it contains."""
    t = toponyms[i]
    options = cands.get(fold(t.text), [])
    if i in contained_by:
        outer = toponyms[contained_by[i]]
        outer_cands = [outer.place] if outer.is_demonym and outer.place else cands.get(fold(outer.text), [])
        # "in Russia, U.S. officials said": two countries side by side are a list, not Russia, Ohio.
        if not (_has_country(options) and _has_country(outer_cands)):
            inside = [p for p in options if _inside(p, outer_cands)]
            options = inside or options
    if i in contains:
        # "Atlanta, Georgia": the container is the Georgia that holds an Atlanta.
        inner = cands.get(fold(toponyms[contains[i]].text), [])
        holding = [c for c in options if any(_inside(p, [c]) for p in inner)]
        options = holding or options
    return options


def _has_country(places: list[Place]) -> bool:
    return any(p.feature_code == "PCLI" for p in places)


MAX_ANCHORS = 50


def anchors_besides(anchors: list[tuple[str, float, float]], key: str) -> tuple[tuple[float, float], ...]:
    """The towns the first pass placed confidently, less those placed for `key` itself: a name's own
    first guess is no evidence for it (London, England would otherwise anchor London against the
    London, Ontario that the rest of the story points to)."""
    # islice stops at the first MAX_ANCHORS: a long article's hundreds of anchors are not walked per name.
    return tuple(itertools.islice(((lat, lon) for k, lat, lon in anchors if k != key), MAX_ANCHORS))


def resolve(toponyms: list[Toponym], geocoder: Any, gazetteer: Gazetteer,
            max_alternatives: int = 5, text: str | None = None) -> list[Toponym]:
    """Resolve every toponym in place, in two passes: the first finds the document's countries
    and unambiguous places, the second ranks every candidate with that context."""
    cands: dict[str, list[Place]] = {}
    spelled_exactly: set[str] = set()
    matched_as: dict[str, str] = {}  # names looked up by the known place inside them ("Belfast Court")
    for t in toponyms:
        if not t.admin_hint and admin_before(text, t.start):
            t.admin_hint = True
        if not t.is_demonym and gazetteer.demonym_country(t.text):
            t.is_demonym = True
        if t.is_demonym:
            code = gazetteer.demonym_country(t.text)
            country = gazetteer.country(code) if code else None
            t.place, t.score = country, 10.0
            t.alternatives = [(country, 10.0)] if country else []
            continue
        key = fold(t.text)
        if key not in cands:
            cands[key] = candidates(t.text, geocoder, gazetteer, spelling=False)
            if cands[key]:
                spelled_exactly.add(key)
            else:
                # A spelling-blind match must at least start like the name (Arabic article aside):
                # the consonant skeleton alone pairs unrelated places (Mesraba with Musselburgh,
                # "Raqqa At least" with Rockwell City, Ash Shairat with Charlotte).
                cands[key] = [p for p in gazetteer.lookup_spelling(t.text) if _starts_alike(p, key)]
            if not cands[key]:
                inner = contained_name(t.text, gazetteer)
                if inner is not None:
                    cands[key] = candidates(inner, geocoder, gazetteer, spelling=False)
                    spelled_exactly.add(key)
                    matched_as[key] = fold(inner)

    preferred = frozenset(getattr(gazetteer, "overrides", ()))
    pools: dict[str, list[Place]] = {}
    first_ranked: dict[int, list[tuple[Place, float]]] = {}
    for i, t in enumerate(toponyms):
        if t.is_demonym:
            continue
        key = fold(t.text)
        # A name looked up by the place inside it ("Florida Atlantic University" → Florida) is matched
        # against that place's name: Florida the state bears it as its own name, Valle Vista only as an
        # alternate one.
        name = matched_as.get(key, key)
        ranked = rank(cands.get(key, []), name, Context(Counter(), (), preferred), t.admin_hint)
        if not ranked:
            continue
        first_ranked[i] = ranked
        # Places that bear the name as their own: a translation ("Washington" for Watervliet)
        # should not gather support from the neighbours of a famous namesake.
        pools.setdefault(key, [p for p, _ in ranked if fold(p.name) == name][:POOL_SIZE]
                         or [p for p, _ in ranked[:POOL_SIZE]])
    support = co_support(pools, {k: cands.get(k, []) for k in pools})
    contained_by = containers(toponyms, text)
    contains = {outer: inner for inner, outer in contained_by.items()}

    def rank_in_context(ev: _Evidence) -> dict[int, list[tuple[Place, float]]]:
        out: dict[int, list[tuple[Place, float]]] = {}
        for i, t in enumerate(toponyms):
            if t.is_demonym:
                continue
            key = fold(t.text)
            options = _options(i, toponyms, cands, contained_by, contains)
            if key not in spelled_exactly:
                # A spelling-blind match is trusted only inside the document's countries: Tall Tawil
                # (Syria) is not Toli-Toli (Indonesia).
                options = [p for p in options if p.country_code and ev.countries.get(p.country_code, 0) > 0
                           or p.idx in preferred]
            out[i] = rank(options, matched_as.get(key, key), ev.context(key, preferred, support), t.admin_hint)
        return out

    # Evidence from each name's best guess alone, then again from the guesses made in its light: a
    # first guess that the context overturned (Edmonton, Alberta beside Enfield and London) must
    # not go on counting for its country.
    ev = _gather(toponyms, first_ranked)
    ev = _gather(toponyms, rank_in_context(ev), ev.counted)
    final = rank_in_context(ev)
    # Names the text calls a village or a neighbourhood, or found inside a longer unknown name,
    # are weakly tied to any namesake abroad: see `_unnamed_country`.
    minor = {fold(t.text) for t in toponyms if called_minor(t, text) or t.inner}
    for i, t in enumerate(toponyms):
        if t.is_demonym:
            continue
        key = fold(t.text)
        ranked = final[i]
        here = ev.context(key, preferred, support)
        mine = ev.own.get(self_key(key))
        others = Context(ev.named - mine if mine else ev.named)
        # The best candidate, unless it is not to be trusted: then none (not the next best, which
        # fits the name or the document still less).
        if ranked and (ranked[0][0].idx in preferred or not untrusted_match(
                ranked[0][0], matched_as.get(key, key), here.countries) and (
                not _foreign_small_place(ranked[0][0], others) or i in contained_by) and not (
                key in minor and _unnamed_country(ranked[0][0], here.countries) and i not in contained_by)):
            t.place, t.score = ranked[0]
        if ranked:
            t.alternatives = ranked[:max_alternatives]
    # One sense per discourse: once the text says "London, Ontario" (or "the Ferdous district of
    # Aleppo"), a bare "London" ("Ferdous") later in the same article is that one too.
    settled = {fold(toponyms[i].text): (toponyms[i].place, toponyms[i].score)
               for i in contained_by if toponyms[i].place is not None}
    settled.update(keep_parts_in_their_town(toponyms, district_pairs(toponyms, text)))
    for t in toponyms:
        if not t.is_demonym and (sense := settled.get(fold(t.text))) is not None:
            t.place, t.score = sense
    # A name the gazetteer lacks, or knows only far away from the story (a street, a building, a
    # hamlet), is most likely in the town the story speaks of there: place it at the nearest town
    # named, flagged, rather than nowhere.
    towns = [t for t in toponyms if t.place is not None and not t.is_demonym and t.place.precision <= 2]
    for t in toponyms:
        if t.place is None and not t.is_demonym:
            focus = nearest_town(towns, t.start)
            if focus is not None:
                t.place, t.score, t.fallback = focus, 0.0, True
    return toponyms


# "the village of Hatla", "the neighborhood of Fardos", "Katarko village": the text itself calls the
# place a village or a part of a town. "The village of X" only: in "the Salihiah neighbourhood of
# Hasakeh" Hasakeh is the town.
MINOR_BEFORE = re.compile(r"\b(?:the|a)\s+(?:village|hamlet|neighbou?rhood|district|quarter)\s+of\s+$")
# "Katarko village", but not "the Aleppo neighbourhood of Salaheddin", where Aleppo is the town.
MINOR_AFTER = re.compile(r"\s+(?:village|hamlet|neighbou?rhood)\b(?!\s+of\b)")


def called_minor(t: Toponym, text: str | None) -> bool:
    """Whether the text calls the name a village, a hamlet, a neighbourhood or a district (in lower
    case: "District of Columbia" is a name, not a description)."""
    if text is None or t.is_demonym:
        return False
    return bool(MINOR_BEFORE.search(text[max(0, t.start - 40):t.start]) or MINOR_AFTER.match(text, t.end))


def _unnamed_country(place: Place, named: Counter) -> bool:
    """A town in a country the rest of the document never names (demonyms count: "Syrian"), in a
    document that names some. A name the text calls a village or a neighbourhood and that the
    gazetteer knows only as such a town (Hatla → Hatta, India; Fardos → Fardis, Iran; Binan → Biñan,
    the Philippines, in a report on Syria) is a local place the gazetteer lacks, whatever the
    namesake's size; so is a town's name found inside a longer name the gazetteer lacks ("Akhtarin
    Turkmen Bari" → Bari, Italy)."""
    return (place.feature_code not in WIDE_CODES and place.feature_code not in ("ADM1", "PCLI")
            and bool(place.country_code) and sum(named.values()) > 0 and named.get(place.country_code, 0) <= 0)


def nearest_town(towns: list[Toponym], offset: int) -> Place | None:
    """The place of the town (or district) named nearest to `offset` in the text, the earlier on a tie;
    None when there is none. Countries and provinces are too coarse to place a street."""
    if not towns:
        return None
    return min(towns, key=lambda t: (abs(t.start - offset), t.start)).place


def geoparse(doc: Any, geocoder: Any, gazetteer: Gazetteer) -> list[Toponym]:
    """Recognise and resolve the toponyms of a parsed document.

    Places inside organisations' names help resolve the others (a "Kentucky State Police" puts
    Kentucky in context) but are not returned: the event extractor reads the organisation as an
    actor, and a name inside it does not locate an event. Names placed only by the document's
    focus (`Toponym.fallback`) are returned unplaced, for the same reason."""
    toponyms = unplace_fallbacks(resolve(recognize(doc, gazetteer), geocoder, gazetteer, text=doc_text(doc)))
    return [t for t in toponyms if not t.embedded]


def unplace_fallbacks(toponyms: list[Toponym]) -> list[Toponym]:
    """The toponyms as the event extractor takes them: a guess from the story's focus places no
    event ("shelling in Mesraba" in a report on the Geneva talks is not an event in Geneva), so a
    name placed only by the fallback is handed over unknown (its `fallback` flag stays)."""
    for t in toponyms:
        if t.fallback:
            t.place, t.score = None, 0.0
    return toponyms


def spans_as_toponyms(text: str, spans: Iterable[tuple[int, int]]) -> list[Toponym]:
    """Gold spans (for evaluation given the gold spans) as unresolved toponyms."""
    out = []
    for s, e in spans:
        name = text[s:e]
        nxt = re.match(r"\s*(\w+)", text[e:e + 20])
        out.append(Toponym(s, e, name, "GOLD", admin_hint=bool(nxt and nxt.group(1).lower() in ADMIN_WORDS)))
    return out
