"""Which spans of a parsed document are place names: datelines, the model's entities (see
`entities`), proper nouns it left untagged, and names a locative phrase marks as places.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from spacy.tokens import Span

from dashboard.dates import MONTHS, WEEKDAYS
from dashboard.geo.entities import Words, embedded_places, whole_entity
from dashboard.geo.gazetteer import Gazetteer, Place, fold
from dashboard.geo.locative import locative_names, name_runs
from dashboard.geo.names import (
    COMPASS_WORDS,
    EMBEDDING_LABELS,
    GENERIC_WORDS,
    PLACE_LABELS,
    admin_after,
    contained_name,
    is_generic_name,
    own_name,
    starts_alike,
    well_known,
)
from dashboard.geo.toponym import Toponym
from dashboard.geo.untagged import known_run, unlabelled
from dashboard.nlp import doc_ents, doc_text
from dashboard.rules import ALL_ON, Switches


def recognize(doc: Any, gazetteer: Gazetteer, keep_unknown: bool = False, switches: Switches = ALL_ON) -> list[Toponym]:
    """Place-name spans: NER places found in the gazetteer, plus mislabelled ORG/NORP spans that are
    unambiguous place names, plus demonyms ("Turkish forces"), plus well-known places inside the
    names of organisations and buildings ("Kentucky State Police", "the Canadian Press"; flagged
    `embedded`). With keep_unknown, NER place spans the gazetteer lacks are kept too (unresolvable,
    but still where an event may be)."""
    # Doc.text is rebuilt from the tokens at every access: read it once.
    words = Words(doc_text(doc), doc)
    # A dateline wins over what the model made of it ("BEIRUT Air strikes…" tagged ORG): it says
    # where the reporter files from, which resolution must know.
    out: list[Toponym] = _datelines(words.text, gazetteer) if switches.on("recognition.dateline") else []
    out.extend(
        _entity_toponyms(
            doc,
            gazetteer,
            words,
            keep_unknown,
            list(out),
            switches.on("recognition.embedded"),
            switches.on("recognition.whole_name"),
            switches.on("recognition.province_word"),
            switches.on("recognition.date_tail"),
        )
    )
    if switches.on("recognition.untagged"):
        for top in unlabelled(doc, gazetteer, words, switches.on("recognition.whole_name")):
            if not any(t.start < top.end and top.start < t.end for t in out):
                out.append(top)
    if switches.on("recognition.locative"):
        countries = _named_countries(out, gazetteer)
        listed = switches.on("recognition.listed_sites")
        home = countries if switches.on("recognition.home_town") else frozenset()
        found = _in_locative_phrase(doc, gazetteer, words, keep_unknown, countries, listed, home)
        if switches.on("recognition.province_word"):
            found = [_locative_with_province_word(doc, top, gazetteer) for top in found]
        out = _add_locative(out, found, gazetteer)
    out.sort(key=lambda t: t.start)
    return out


def _entity_toponyms(
    doc: Any,
    gazetteer: Gazetteer,
    words: Words,
    keep_unknown: bool,
    datelines: list[Toponym],
    embedded: bool,
    whole_name: bool = True,
    province_word: bool = True,
    date_tail: bool = True,
) -> list[Toponym]:
    """The toponyms of the model's entities (see `entities`), less those a dateline already covers."""
    out: list[Toponym] = []
    for ent in _repaired_entities(doc, gazetteer, whole_name, province_word, date_tail):
        found = whole_entity(ent, gazetteer, keep_unknown, words.text)
        tops = (
            embedded_places(ent, gazetteer, words)
            if embedded and found is None and ent.label_ in EMBEDDING_LABELS
            else [found]
            if found is not None
            else []
        )
        out.extend(t for t in tops if not any(d.start < t.end and t.start < d.end for d in datelines))
    return out


def _repaired_entities(doc: Any, gazetteer: Gazetteer, whole_name: bool, province_word: bool, date_tail: bool) -> list:
    """The model's entities with the repairs switched on: whole names, a province word, a date tail."""
    ents = _whole_names(doc, gazetteer) if whole_name else list(doc_ents(doc))
    if province_word:
        ents = [_with_province_word(doc, ent, gazetteer) for ent in ents]
    if date_tail:
        ents = [_without_date_tail(doc, ent, gazetteer) for ent in ents]
    return ents


def _whole_names(doc: Any, gazetteer: Gazetteer) -> list[Any]:
    """The model's entities, each place entity cut inside a longer name grown to the whole name when
    the gazetteer knows it: the model often splits a name at its glued article ("Deir ez-Zor" tagged
    as "Deir" alone, or "Zor"), and a piece of a name is no place of its own."""
    cover = {k: (i, j) for i, j in name_runs(doc) if j - i > 1 for k in range(i, j)}
    out: list[Any] = []
    for ent in doc_ents(doc):  # read once per Doc: spaCy makes the entity spans again at each `doc.ents`
        span = _grown(doc, ent, cover.get(ent.start), gazetteer) or ent
        if not out or out[-1].end <= span.start:
            out.append(span)
    return out


PROVINCE_WORDS = frozenset({"province", "governorate"})
DAY_WORDS = frozenset(WEEKDAYS) | frozenset(MONTHS)


def _without_date_tail(doc: Any, ent: Any, gazetteer: Gazetteer) -> Any:
    """`recognition.date_tail`: a day or a month the model glued to a place where the text has no
    comma ("mortars hit southern Hama Sunday", tagged as one entity) is cut off, and the rest
    is the place when the gazetteer knows it well (a town of 100,000 or more by that name)."""
    if len(ent) < 2 or doc[ent.end - 1].lower_ not in DAY_WORDS:
        return ent
    rest = doc[ent.start : ent.end - 1]
    if not well_known(gazetteer.lookup(rest.text), 100_000, rest.text):
        return ent
    return Span(doc, ent.start, ent.end - 1, label=ent.label_ if ent.label_ in PLACE_LABELS else "GPE")


def _with_province_word(doc: Any, ent: Any, gazetteer: Gazetteer) -> Any:
    """`recognition.province_word`: a place entity the model cut before "province" or "governorate"
    ("Hasakeh" of "Hasakeh province") grows over the word when the gazetteer spells the name only as
    a town's (Al Ḩasakah) and knows the grown name as a province: "X province" is the province, and
    looked up as such it is one."""
    if ent.label_ not in PLACE_LABELS or not _grows_to_province(doc, ent, gazetteer):
        return ent
    return Span(doc, ent.start, ent.end + 1, label=ent.label_)


def _locative_with_province_word(doc: Any, top: Toponym, gazetteer: Gazetteer) -> Toponym:
    """The same rule for a name a locative phrase marks and the model left untagged ("in the village
    of X in Hasakeh province", "Hasakeh" no entity): whatever found the name, the word after it says
    it is the province."""
    span = doc.char_span(top.start, top.end)
    if span is None or not _grows_to_province(doc, span, gazetteer):
        return top
    word = doc[span.end]
    return replace(top, end=word.idx + len(word.text), text=doc_text(doc)[top.start : word.idx + len(word.text)])


def _grows_to_province(doc: Any, span: Any, gazetteer: Gazetteer) -> bool:
    """Whether "province"/"governorate" follows the span, the name alone reaches no province and the
    grown name is one."""
    if span.end >= len(doc) or doc[span.end].lower_ not in PROVINCE_WORDS:
        return False
    if any(p.feature_code == "ADM1" for p in gazetteer.lookup(span.text)):
        return False  # the name alone reaches the province: the word after it already says which is meant
    grown = doc[span.start : span.end + 1]
    return any(p.feature_code == "ADM1" for p in gazetteer.lookup_spelling(grown.text))


def _grown(doc: Any, ent: Any, run: tuple[int, int] | None, gazetteer: Gazetteer) -> Any:
    """The name run around a place entity as an entity of its label, when the run is longer and known."""
    if ent.label_ not in PLACE_LABELS or run is None or run[1] < ent.end or run == (ent.start, ent.end):
        return None
    return Span(doc, run[0], run[1], label=ent.label_) if known_run(doc, run, gazetteer) else None


def _add_locative(out: list[Toponym], found: list[Toponym], gazetteer: Gazetteer) -> list[Toponym]:
    """The toponyms with the names a locative phrase marks added where they overlap none; where they
    cover only places embedded in an organisation's name, those places are no longer embedded."""
    out = list(out)
    for top in found:
        inside = [k for k, t in enumerate(out) if t.start < top.end and top.start < t.end]
        if not inside:
            out.append(top)
        elif (
            all(
                out[k].embedded
                and top.start <= out[k].start
                and out[k].end <= top.end
                and not is_generic_name(fold(out[k].text))
                for k in inside
            )
            and fold(top.text) not in gazetteer
        ):
            # "in Syrias Aleppo Monitor" (a headline's words run together, tagged ORG): a name
            # in a locative phrase is where things happen, not part of an organisation's name.
            for k in inside:
                out[k] = replace(out[k], embedded=False)
    return out


def _named_countries(toponyms: list[Toponym], gazetteer: Gazetteer) -> frozenset[str]:
    """The countries the names found so far name by themselves ("Syria", "Syrian")."""
    out = set()
    for t in toponyms:
        code = gazetteer.demonym_country(t.text)
        if code is None:
            code = next((p.country_code for p in gazetteer.lookup(t.text) if p.feature_code == "PCLI"), None)
        if code:
            out.add(code)
    return frozenset(out)


def _in_locative_phrase(
    doc: Any,
    gazetteer: Gazetteer,
    words: Words,
    keep_unknown: bool,
    countries: frozenset[str] = frozenset(),
    listed_sites: bool = True,
    home: frozenset[str] = frozenset(),
) -> list[Toponym]:
    """Names the model missed or mislabelled that their phrase marks as places ("Katarko village",
    "the settlement of al-Qasa", "in Ramadi"; see `locative`). Kept when the gazetteer knows them
    as a town or an area; with keep_unknown, also unknown ones the model did not tag as something
    else (a person or an organisation needs a kind-of-place word beside it)."""
    out = []
    for loc in locative_names(doc, words.common, listed_sites):
        if gazetteer.demonym_country(loc.text) or is_generic_name(fold(loc.text)):
            continue  # "in English": a language; "at University": a kind of place, not a town so named
        known = _known_towns_and_areas(loc.text, gazetteer, countries if loc.kind == "site" else frozenset())
        top = _locative_toponym(loc, known, gazetteer, keep_unknown, home)
        if top is not None:
            out.append(top)
    return out


def _known_towns_and_areas(
    text: str, gazetteer: Gazetteer, site_countries: frozenset[str] = frozenset()
) -> list[Place]:
    """The towns and areas a locative name may be. A spelling-blind match counts one letter away
    ("Raqa"), or for a province or a city whose name starts alike ("Hassakeh" for Al-Hasakah), or,
    when a kind-of-place word calls the name a place ("the town of Maaret al-Nouman"), for any town
    whose name starts alike in a country the article names (`site_countries`): otherwise it pairs
    unrelated places ("Red Line" with Red Lion, "Qatrji" with Banda Aceh)."""
    key = fold(text)
    # A named area inside a province (code AREA: "in Eastern Ghouta") is where things happen, as a town is.
    return [p for p in gazetteer.lookup(text) if p.feature_class in ("P", "A") or p.feature_code == "AREA"] or [
        p
        for p in gazetteer.lookup_spelling(text, short=True)
        if p.feature_class in ("P", "A")
        and (
            own_name(p, key)
            or (p.feature_code == "ADM1" or p.population >= 100_000)
            and starts_alike(p, key)
            # A transliteration keeps the name's words: "Syrias Hama" run together is not Syresham.
            or p.country_code in site_countries
            and starts_alike(p, key)
            and len(fold(p.name).split()) == len(key.split())
        )
    ]


# A town this large in a country the article names is what a name after a locative preposition or a
# verb of attack means there, whatever the model tagged it (`recognition.home_town`).
HOME_TOWN_POPULATION = 20_000
# A name the model tagged as an adjective only, with no entity ("the Kyiv region"), is a place when
# a place this large bears it: capitalised adjectives before a kind of place ("the Holy city", "the
# Old town") are descriptions, and small namesakes of them abound.
ADJECTIVE_POPULATION = 100_000


def _locative_toponym(
    loc: Any, known: list[Place], gazetteer: Gazetteer, keep_unknown: bool, home: frozenset[str] = frozenset()
) -> Toponym | None:
    """The toponym a locative name gives, if its tag, its phrase and the gazetteer allow one. With
    `home` (the countries the article names, `recognition.home_town`), a name the model tagged a
    person's or an organisation's is a place when a town of that name, its own or another it is
    known by, is large in one of them ("freed Palmyra" in a story on Syria: Tadmur, not a small
    Australian Palmyra)."""
    if loc.text.isupper() and not any(fold(p.name) == fold(loc.text) for p in known):
        return None  # an acronym ("SEEK"), unless a place bears it as its own name ("FLORIDA")
    if loc.adjective and not well_known(known, ADJECTIVE_POPULATION, loc.text):
        return None  # "the Holy city", "the Ancient town": a word the model read as an adjective
    # After a bare preposition, a name the model tagged ORG or PERSON is a place if the
    # gazetteer knows it well ("at Zara" ORG, "with Kelly" PERSON: a village's namesake, not
    # the village); a kind-of-place word beside it overrides the tag. A name the gazetteer
    # does not know at all and the model tagged ORG is more often a village it could not
    # place ("in Al-Bayaa") than an organisation: kept when unknown names are asked for.
    plain = loc.labels <= PLACE_LABELS | {""}
    tag_allows = plain or keep_unknown and not known and loc.labels <= PLACE_LABELS | {"", "ORG"}
    # A named area of the project's own table ("in Ghouta" tagged ORG) is listed because the news
    # names it as a place: it counts as well known.
    curated = any(p.feature_code == "AREA" for p in known)
    at_home = bool(home) and well_known([p for p in known if p.country_code in home], HOME_TOWN_POPULATION)
    if loc.kind == "prep" and not tag_allows and not curated and not at_home and not well_known(known, 20000, loc.text):
        return None
    # Listed after a place ("shelled Saraqib and Ariha" PERSON): a town the gazetteer knows, of
    # any size, whatever the tag; an unknown name only as the prepositions allow it.
    if loc.kind == "list" and not known and not tag_allows:
        return None
    if known or keep_unknown and (loc.kind == "site" or tag_allows):
        return Toponym(loc.start, loc.end, loc.text, "LOCATIVE")
    if (plain or loc.kind == "site") and loc.text.split()[-1].lower() not in GENERIC_WORDS:
        return _well_known_inside(loc, gazetteer)
    return None


def _well_known_inside(loc: Any, gazetteer: Gazetteer) -> Toponym | None:
    """Words run together ("in Syrias Aleppo Monitor"): the well-known place inside them (a small
    one is more often a namesake: "Pitman Family Farms")."""
    inner = contained_name(loc.text, gazetteer)
    if inner is None or not well_known(gazetteer.lookup(inner), 100_000, inner):
        return None
    at = loc.start + loc.text.find(inner)
    return Toponym(at, at + len(inner), inner, "LOCATIVE", inner=True)


# "COLUMBUS, Ohio (AP) —", "LONDON The Latest…", "WASHINGTON, April 5 (Reuters)": a line that
# opens with a place name in capitals, then a comma, a bracket, a dash or the story's first word.
_DATELINE = re.compile(r"(?m)^[ \t(]*([A-Z][A-Z.'-]*(?: [A-Z][A-Z.'-]*){0,3})(?=,| ?\(| ?[—–-]| ?:| [A-Z][a-z])")


def _datelines(text: str, gazetteer: Gazetteer) -> list[Toponym]:
    out = []
    for m in _DATELINE.finditer(text):
        name = m.group(1)
        letters = sum(c.isalpha() for c in name)
        if letters < 4 or name.lower() in COMPASS_WORDS or not gazetteer.lookup(name):
            continue
        out.append(Toponym(m.start(1), m.end(1), name, "DATELINE"))
    return out


def spans_as_toponyms(text: str, spans: Iterable[tuple[int, int]]) -> list[Toponym]:
    """Gold spans (for evaluation given the gold spans) as unresolved toponyms."""
    out = []
    for s, e in spans:
        name = text[s:e]
        out.append(Toponym(s, e, name, "GOLD", admin_hint=admin_after(text, e)))
    return out
