"""Which part of one spaCy entity is a place name: the whole span, its known tail ("Syria's Raqqa"),
a demonym that stands for the state, or places inside an organisation's or a building's name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from dashboard.geo.gazetteer import Gazetteer, fold
from dashboard.geo.names import (
    COMPASS_WORDS,
    GENERIC_WORDS,
    MAYBE_LABELS,
    PLACE_LABELS,
    SPEECH_VERBS,
    STATE_NOUNS,
    admin_after,
    names_people,
    well_known,
)
from dashboard.geo.toponym import Toponym
from dashboard.nlp import base_form, doc_ents, doc_text, lower_case_words, span_text


@dataclass(frozen=True)
class Words:
    text: str  # the Doc's text
    doc: Any = field(repr=False, compare=False)

    @cached_property
    def lower(self) -> frozenset[str]:
        """The words the article writes in lower case (read from the Doc once, when first asked)."""
        return lower_case_words(self.doc)

    def common(self, word: str) -> bool:
        """Whether the article also writes the word in lower case ("the centre", "a union"): then,
        capitalised in a name, it is most likely that word, not a place."""
        low = word.lower()
        if " " not in low:
            # A lower-case token is a piece of the text: a word the text never spells in lower case
            # is none, and most articles' words are answered without reading their tokens (1,214 of
            # 1,278 asks per 100 articles; 60 of them never read them).
            return low in self.text and low in self.lower
        # Most names are not in the text in lower case: then no pattern is compiled for them (each
        # worker compiles the names of its own articles anew, at every ingest).
        return low in self.text and re.search(rf"\b{re.escape(low)}\b", self.text) is not None


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
    return prev is not None and prev.lower_ in (
        "mr",
        "mr.",
        "ms",
        "ms.",
        "mrs",
        "mrs.",
        "dr",
        "dr.",
        "president",
        "minister",
        "spokesman",
        "spokeswoman",
        "general",
        "gen.",
    )


def whole_entity(ent: Any, gazetteer: Gazetteer, keep_unknown: bool, doc_text: str) -> Toponym | None:
    """The entity as one toponym, or None when it is not a place name as a whole."""
    label = ent.label_
    if label not in PLACE_LABELS and label not in MAYBE_LABELS:
        return None
    s, e, text = _strip_article(ent, doc_text)
    if not _could_name_a_place(text):
        return None
    if (label == "NORP" or label in PLACE_LABELS) and gazetteer.demonym_country(text):
        return _demonym(ent, s, e, text, gazetteer)
    known = _known_span(s, e, text, label, gazetteer)
    if known is None:
        return Toponym(s, e, text, label) if keep_unknown and label in PLACE_LABELS else None
    s, e, text = known
    if label in PLACE_LABELS:
        ok = _place_label_holds(ent, text, label, gazetteer)
    elif label == "PERSON":
        ok = _place_tagged_as_person(ent, text, gazetteer)
    else:
        return _org_toponym(ent, s, e, text, doc_text, gazetteer)
    return _with_admin_hint(s, e, text, label, doc_text) if ok else None


def _with_admin_hint(s: int, e: int, text: str, label: str, doc_text: str) -> Toponym:
    """The toponym, flagged when an administrative word follows it ("Idlib province")."""
    return Toponym(s, e, text, label, admin_hint=admin_after(doc_text, e))


def _org_toponym(ent: Any, s: int, e: int, text: str, doc_text: str, gazetteer: Gazetteer) -> Toponym | None:
    """ORG/NORP spans: only when the name is a well-known place and reads like one ("Idlib" tagged
    ORG, "Sochi deal" tagged NORP, a dateline "EDMONTON"), not an organisation that merely contains
    or equals an obscure place name."""
    capitals = _capitals_heading(ent, s, text, doc_text)
    if not capitals and _state_abbreviation(text, gazetteer):
        return Toponym(s, e, text, ent.label_)  # "the EU's", "UAE officials", "DPRK" tagged ORG
    if not capitals and (text.isupper() or len(text) < 4):
        return None
    if len(ent) > 3 or not well_known(gazetteer.lookup(text), 20000, text):
        return None
    return _with_admin_hint(s, e, text, ent.label_, doc_text)


def _could_name_a_place(text: str) -> bool:
    """Two letters or more, capitalised, and not a generic or a compass word on its own."""
    low = text.lower()
    return len(text) >= 2 and text[0].isupper() and low not in GENERIC_WORDS and low not in COMPASS_WORDS


def _demonym(ent: Any, s: int, e: int, text: str, gazetteer: Gazetteer) -> Toponym | None:
    """A demonym as its country's toponym, flagged when it stands for the state ("Turkish forces");
    None for a plural that names people ("Mexicans", "Canadians"), not their country."""
    state = _demonym_stands_for_state(ent)
    if not state and names_people(text, gazetteer):
        return None
    return Toponym(s, e, text, ent.label_, is_demonym=True, state=state)


def _known_span(s: int, e: int, text: str, label: str, gazetteer: Gazetteer) -> tuple[int, int, str] | None:
    """The part of the span the gazetteer knows: all of it, all of it spelled another way (Khan
    Sheikhun / Khan Shaykhun), or the known tail of a place entity ("Syria's Raqqa", "the
    Kurdish-held town of Afrin" tagged as one span); None when it knows none."""
    if text in gazetteer or label in PLACE_LABELS and gazetteer.lookup_spelling(text):
        return s, e, text
    sub = _known_tail(text, gazetteer) if label in ("GPE", "LOC") else None
    return None if sub is None else (s + sub, e, text[sub:])


def _place_label_holds(ent: Any, text: str, label: str, gazetteer: Gazetteer) -> bool:
    """Whether a span the model tagged as a place is one: not a person's name nor a building or a
    street that shares a village's name ("White House", "Church Street")."""
    known = gazetteer.lookup(text) or gazetteer.lookup_spelling(text)
    if _is_person_like(ent) and not (known and known[0].feature_code == "PCLI"):
        return False
    return label != "FAC" or well_known(known, 20000, text) or any(p.feature_code == "ADM2" for p in known)


def _capitals_heading(ent: Any, s: int, text: str, doc_text: str) -> bool:
    """A dateline in capitals ("EDMONTON"), or a headline in capitals; mid-sentence, capitals are
    an acronym: "news agency SANA said" is not Sanaa."""
    return (
        text.isupper()
        and len(text) >= 4
        and text.replace(" ", "").isalpha()
        and (_opens_line(doc_text, s) or span_text(ent.sent).isupper())
    )


def _opens_line(text: str, start: int) -> bool:
    """Whether only spaces stand between the start of its line and `start`."""
    return not text[text.rfind("\n", 0, start) + 1 : start].strip()


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
    return well_known(gazetteer.lookup(text), 100_000, text)


def _longest_person_by_word(doc: Any) -> dict[str, int]:
    """Each folded word of the document's PERSON names → the token length of the longest such name
    holding it; built once per Doc (walking every entity for every entity was quadratic)."""
    longest: dict[str, int] | None = doc.user_data.get("conflictmap_person_words")
    if longest is None:
        longest = {}
        doc.user_data["conflictmap_person_words"] = longest
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


def _demonym_stands_for_state(ent: Any) -> bool:
    nxt = ent.doc[ent.end] if ent.end < len(ent.doc) else None
    head = ent.root.head
    words = {head.lower_}
    if nxt is not None:
        words.add(nxt.lower_)
        if ent.end + 1 < len(ent.doc):
            words.add(ent.doc[ent.end + 1].lower_)
    return bool(words & STATE_NOUNS)


def embedded_places(ent: Any, gazetteer: Gazetteer, doc_words: Words) -> list[Toponym]:
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
            if (
                words[-1].lower_ == "state"
                and len(words) > 1
                and _embedded_place(text[: words[-1].idx - s].rstrip(), gazetteer)
            ):
                continue  # "Kentucky State Police": the state is Kentucky
            if _embedded_place(text, gazetteer) and not (len(words) == 1 and doc_words.common(text)):
                hit = (
                    j,
                    Toponym(
                        s, e, text, ent.label_, is_demonym=gazetteer.demonym_country(text) is not None, embedded=True
                    ),
                )
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
        return not names_people(text, gazetteer)
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
