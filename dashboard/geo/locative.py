"""Place names the small NER model misses, found by the phrase around them.

en_core_web_sm tags well-known names but misses or mislabels many small towns, villages and
districts ("a truck in Chitaun district", "the village of Rasm Al-Abed", "near Huddur"). The
phrase around a capitalised name says it is a place whatever the model made of it: a word for a
kind of place after it ("Katarko village"), an "of" phrase completing one ("the settlement of
al-Qasa"), or a locative preposition before it ("in Ramadi"). This module only finds the spans;
`toponyms.recognize` decides what to keep.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dashboard.nlp import span_text, token_table
from dashboard.wordlists import table, word_set

# The word lists; why each exists is written above it in words.toml.
WORDS = Path(__file__).with_name("words.toml")
SITE_WORDS = word_set(WORDS, "site_words")
LOCATIVE_PREPS = word_set(WORDS, "locative_preps")
ATTACK_WORDS = word_set(WORDS, "attack_words")
GROUND_VERBS = word_set(WORDS, "ground_verbs")
ATTACK_VERBS = word_set(WORDS, "attack_verbs")
CONNECTORS = word_set(WORDS, "connectors")
# Words between a name and the kind-of-place noun of its apposition: ", a popular West Bank
# shopping town", ", an IRA stronghold".
APPOSITION_MAX = 5
# Labels the small model gets right often enough to rule a word out; its ORG, PERSON, NORP and
# WORK_OF_ART tags on small towns are often wrong ("Allok village" NORP, "in Thessaloniki" WORK_OF_ART).
NON_PLACE_ENTS = {"DATE", "TIME", "PERCENT", "MONEY", "QUANTITY", "ORDINAL", "CARDINAL", "EVENT", "LAW"}
MAX_WORDS = 5
# A capitalised adjective the model tags so is a nationality or a language ("the English city of
# Salisbury"); untagged, it may be a name the model read as an adjective ("the Kyiv region").
NATIONALITY_LABELS = {"NORP", "LANGUAGE"}


@dataclass(frozen=True)
class Locative:
    """A capitalised name, where it is, and how strongly its phrase says it is a place:
    'site' (a kind-of-place noun beside it), 'prep' (only a locative preposition before it) or
    'list' (listed right after a name so marked)."""

    start: int
    end: int
    text: str
    kind: str
    labels: frozenset[str]  # the NER labels of its words ("" for none)
    adjective: bool = False  # tagged an adjective only ("the Kyiv region"): a place if well known


# Months and weekdays, full and abbreviated: capitalised, and after "in"/"at", yet dates ("at Nov
# 01 2017"); the model misses them when the date is written oddly.
CALENDAR_WORDS = {
    w.lower() for w in (*calendar.month_name, *calendar.month_abbr, *calendar.day_name, *calendar.day_abbr) if w
} | {"sept"}


def _capitalised(tok: Any) -> bool:
    text = tok.text
    return (
        text[:1].isupper()
        # The first character first: nearly always the letter, and no generator made for it.
        and (text[0].isalpha() or any(c.isalpha() for c in text))
        and (tok.ent_type_ not in NON_PLACE_ENTS or _swallowed_by_date(tok))
        and not tok.is_stop
        and tok.lower_.rstrip(".") not in CALENDAR_WORDS
    )


def _swallowed_by_date(tok: Any) -> bool:
    """A capitalised word that opens a date span without being a date word ("the village of Sogam
    last September": the model tags "Sogam last September" DATE). Only a kind-of-place word before
    it makes it a place (see locative_names)."""
    return tok.ent_type_ == "DATE" and tok.ent_iob_ == "B" and tok.text.isalpha() and not tok.text.isupper()


def _glued(tok: Any) -> bool:
    """A hyphen or apostrophe written without spaces inside a name ("Al-Sina’a")."""
    return tok.text in ("-", "‐", "’", "'") and not tok.whitespace_ and tok.i > 0 and not tok.doc[tok.i - 1].whitespace_


def _article_prefix(doc: Any, i: int) -> bool:
    """An Arabic article glued to a capitalised name: "al-Hassakeh", "el-Arish"."""
    return doc[i].lower_ in CONNECTORS and i + 2 < len(doc) and _glued(doc[i + 1]) and _capitalised(doc[i + 2])


def name_runs(doc: Any) -> list[tuple[int, int]]:
    """Token ranges [i, j) of capitalised words, joined by name particles and glued hyphens, that
    start and end with a capitalised word and span at most MAX_WORDS capitalised words (worked out
    once per Doc: recognition reads them twice)."""
    runs = doc.user_data.get("conflictmap_name_runs")
    if runs is None:
        runs = doc.user_data["conflictmap_name_runs"] = _name_runs(doc)
    return list(runs)


def _name_runs(doc: Any) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    n, i = len(doc), 0
    # A run opens on a capital, or on an article whose second token on has one ("al-Hassakeh"): a
    # token with neither is passed over in the Doc's table, with no Token made for it.
    upper = token_table(doc)["upper_initial"]
    while i < n:
        # Without a capital a token is no capitalised word (the table's test is `_capitalised`'s first).
        opens = upper[i] and _capitalised(doc[i]) or i + 2 < n and upper[i + 2] and _article_prefix(doc, i)
        if not opens:
            i += 1  # nor a stop word: "In Londonderry"
            continue
        j, last, words = i + 1, i + 1, 1
        while j < n and words < MAX_WORDS:
            tok = doc[j]
            if upper[j] and _capitalised(tok):
                words += 1
                j += 1
                last = j
            elif (tok.lower_ in CONNECTORS or _glued(tok)) and j + 1 < n:
                j += 1
            else:
                break
        out.append((i, last))
        i = last
    return out


def _word(doc: Any, i: int, step: int) -> Any:
    """The nearest word from token i on in direction step, skipping runs of spaces ("of  Al-Bayaa").
    The spaces are read from the Doc's table: a Token is made only for the word returned (~300
    asks per article, each of which made one or two)."""
    space, n = token_table(doc)["space"], len(doc)
    while 0 <= i < n and space[i]:
        i += step
    return doc[i] if 0 <= i < n else None


def _singular(word: str) -> str:
    """The singular of a plural noun ("areas" -> "area", "cities" -> "city"); the word itself otherwise."""
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    return word[:-1] if word.endswith("s") else word


def _is_site(tok: Any) -> bool:
    """A kind-of-place noun, singular or plural ("areas", "neighbourhoods", "cities")."""
    return tok.lower_ in SITE_WORDS or _singular(tok.lower_) in SITE_WORDS


def _sites_listed_before(doc: Any, runs: list[tuple[int, int]]) -> set[int]:
    """The starts of names listed before a plural kind-of-place noun that follows the list's last
    name ("shells hit Karta and Bilal villages", "the Sabil, Faraj and Nour neighbourhoods"): the
    plural noun is said of each name, as "the villages of Karta and Bilal" would be. The last name
    is a site by `_site_after`; this marks the ones before it."""
    out: set[int] = set()
    chain: list[int] = []
    for k, (i, j) in enumerate(runs):
        nxt = runs[k + 1] if k + 1 < len(runs) else None
        chain.append(i)
        if nxt is not None and _listed_after(doc, j, nxt[0]):
            continue  # the list goes on
        noun = _word(doc, j, 1)
        if len(chain) > 1 and noun is not None and noun.lower_ != _singular(noun.lower_) and _is_site(noun):
            out.update(chain[:-1])
        chain = []
    return out


def _site_after(doc: Any, j: int) -> bool:
    nxt = _word(doc, j, 1)
    return nxt is not None and _is_site(nxt)


def _site_of_before(doc: Any, i: int) -> bool:
    """ "the (strategic) village of X", "the Algiers suburb of X"."""
    of = _word(doc, i - 1, -1)
    site = _word(doc, of.i - 1, -1) if of is not None else None
    return of is not None and of.lower_ == "of" and site is not None and _is_site(site)


# Kind-of-place nouns written straight before a name, without "of": "laid at village Lassipora".
SITE_BEFORE = {"village", "town", "city", "district", "camp", "governorate", "province", "township", "hamlet"}


def _site_before(doc: Any, i: int) -> bool:
    prev = _word(doc, i - 1, -1)
    return prev is not None and prev.lower_ in SITE_BEFORE and prev.text.islower()


def _apposition_site(doc: Any, i: int, j: int) -> bool:
    """ "Tortuguero, a community in…", "Bidya, a popular West Bank shopping town", "the capital,
    Sana": a name in apposition to a kind-of-place noun."""
    comma = _word(doc, j, 1)
    if (
        comma is not None
        and comma.text == ","
        and comma.i + 1 < len(doc)
        and doc[comma.i + 1].lower_ in ("a", "an", "the")
    ):
        for tok in doc[comma.i + 2 : comma.i + 2 + APPOSITION_MAX]:
            if tok.pos_ in ("VERB", "AUX", "ADP", "PUNCT", "CCONJ"):
                return False
            if _is_site(tok) and tok.pos_ == "NOUN":
                return True
        return False
    comma = _word(doc, i - 1, -1)
    site = _word(doc, comma.i - 1, -1) if comma is not None and comma.text == "," else None
    return site is not None and _is_site(site) and site.pos_ == "NOUN"


# Words between a locative preposition and the name, and relative positions (words.toml).
PREP_MODIFIERS = word_set(WORDS, "prep_modifiers")
# A distance and a bearing from a place: kilometres per unit of length, degrees clockwise from north.
KM_PER_UNIT = {unit: float(km) for unit, km in table(WORDS, "km_per_unit").items()}
BEARING_DEGREES = {word: float(deg) for word, deg in table(WORDS, "bearing_degrees").items()}
DIRECTIONS = frozenset(BEARING_DEGREES)
DISTANCE_UNITS = frozenset(KM_PER_UNIT) | word_set(WORDS, "time_units")
RELATIVE_WORDS = DIRECTIONS | DISTANCE_UNITS | word_set(WORDS, "position_words")


def _prep_before(doc: Any, i: int) -> bool:
    prev = _word(doc, i - 1, -1)
    for _ in range(2):
        if prev is None or prev.lower_ not in PREP_MODIFIERS:
            break
        prev = _word(doc, prev.i - 1, -1)
    if prev is not None and prev.lower_ in ("of", "from"):
        rel = _word(doc, prev.i - 1, -1)
        return rel is not None and rel.lower_ in RELATIVE_WORDS
    return prev is not None and prev.lower_ in LOCATIVE_PREPS


def _object_of(doc: Any, i: int, j: int) -> str:
    """The verb (lower case) of which the name is the direct object ("" when it is none)."""
    head = doc[j - 1]
    while head.dep_ in ("compound", "flat") and head.head.i != head.i and i <= head.head.i < j:
        head = head.head
    while head.dep_ == "conj" and head.head.i != head.i:
        head = head.head  # "captured Surjah Kabira and Surjah Saghira"
    return head.head.lower_ if head.dep_ == "dobj" else ""


def _attacked(doc: Any, i: int, j: int) -> bool:
    """ "an assault on X", "strikes against X", or X the object of a verb of attack."""
    prev = _word(doc, i - 1, -1)
    before = _word(doc, prev.i - 1, -1) if prev is not None else None
    if prev is not None and prev.lower_ in ("on", "against") and before is not None and before.lower_ in ATTACK_WORDS:
        return True
    return _object_of(doc, i, j) in ATTACK_VERBS


def _listed_after(doc: Any, previous_end: int, i: int) -> bool:
    """A name listed right after one a locative phrase marked: "shelled Saraqib and Ariha", "in
    Kafr Nabl, Hass and Kansafra" (the phrase governs the whole list)."""
    # The tokens between by index: a Span made per name (`doc[previous_end:i]`) cost more than the test.
    end = min(i, len(doc))
    return 0 <= previous_end < end and all(_joins_list(doc[k]) for k in range(previous_end, end))


def _joins_list(tok: Any) -> bool:
    return tok.is_space or tok.lower_ in ("and", "or", ",")


def locative_names(doc: Any, common: Callable[[str], bool], listed_sites: bool = True) -> list[Locative]:
    """Capitalised names that a locative phrase marks as places. `common(word)` says whether the
    article also writes a word in lower case: "in Parliament" beside "the parliament" is the
    institution. A name is skipped when it starts the sentence (capitalised anyway) unless a
    kind-of-place word follows it, or when it is a single word the article writes in lower case."""
    out: list[Locative] = []
    previous_end = -1  # the token after the last name a locative phrase marked
    runs = name_runs(doc)
    listed = _sites_listed_before(doc, runs) if listed_sites else set()
    for i, j in runs:
        span = doc[i:j]
        last_site = span[-1].lower_ in SITE_WORDS and len(span) > 1  # "Deir Ezzor Governorate"
        if any(_swallowed_by_date(t) for t in span):
            # A word the model dated is a place only after a kind-of-place word ("the village of
            # Sogam"), not before one: "a Christmas market" is a holiday's.
            if not (_site_of_before(doc, i) or _site_before(doc, i)):
                continue
            kind = "site"
        elif (
            _site_after(doc, j)
            or _site_of_before(doc, i)
            or _site_before(doc, i)
            or last_site
            or _object_of(doc, i, j) in GROUND_VERBS
            or _apposition_site(doc, i, j)
            or i in listed
        ):
            kind = "site"
        elif _listed_after(doc, previous_end, i) and any(t.pos_ == "PROPN" for t in span):
            kind = "list"
        elif (
            (_prep_before(doc, i) or _attacked(doc, i, j))
            and any(t.pos_ == "PROPN" for t in span)
            and not (j < len(doc) and doc[j].tag_ == "POS")
        ):
            kind = "prep"  # but "at Block's residence": a possessor is more often a person
        else:
            continue
        previous_end = j
        labels = frozenset(t.ent_type_ for t in span)
        adjective = all(t.pos_ == "ADJ" for t in span)
        if adjective and labels & NATIONALITY_LABELS:
            continue  # "the English city of Salisbury": an adjective of nationality, not a name
        text = span_text(span)
        if len(text) < 3 or text.isupper() and len(text) < 4 or len(span) == 1 and common(text):
            continue
        out.append(Locative(span.start_char, span.end_char, text, kind, labels, adjective))
    return out
