"""Recognise place names in a parsed document and resolve each to a gazetteer place in context."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from geopy.location import Location

from dashboard.geo.gazetteer import Gazetteer, Place, fold, haversine_km
from dashboard.nlp import base_form

PLACE_LABELS = {"GPE", "LOC", "FAC"}
MAYBE_LABELS = {"ORG", "NORP", "PERSON", "LANGUAGE"}  # the small model tags "Aleppo" LANGUAGE
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
ADMIN_WORDS = {"province", "governorate", "region", "state", "oblast", "district", "county", "prefecture",
               "countryside", "provinces", "regions", "governorates"}


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

    @property
    def resolved(self) -> bool:
        return self.place is not None


@dataclass(frozen=True)
class Context:
    countries: Counter
    anchors: tuple[tuple[float, float], ...] = ()
    preferred: frozenset[int] = frozenset()  # the user's corrections


def _strip_article(span: Any) -> tuple[int, int, str]:
    toks = list(span)
    while toks and toks[0].lower_ in ("the", "a", "an") or (toks and toks[0].is_punct):
        toks = toks[1:]
    while toks and (toks[-1].is_punct or toks[-1].tag_ == "POS" or toks[-1].lower_ == "'s"):
        toks = toks[:-1]
    if not toks:
        return span.start_char, span.start_char, ""
    s, e = toks[0].idx, toks[-1].idx + len(toks[-1].text)
    return s, e, span.doc.text[s:e]


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
    unambiguous place names, plus demonyms ("Turkish forces"). With keep_unknown, NER place spans the
    gazetteer lacks are kept too (unresolvable, but still where an event may be)."""
    out: list[Toponym] = []
    for ent in doc.ents:
        label = ent.label_
        if label not in PLACE_LABELS and label not in MAYBE_LABELS:
            continue
        s, e, text = _strip_article(ent)
        if len(text) < 2 or not text[0].isupper():
            continue
        if text.lower() in COMPASS_WORDS:
            continue
        if label == "NORP" or (label in PLACE_LABELS and gazetteer.demonym_country(text)):
            code = gazetteer.demonym_country(text)
            if code:
                out.append(Toponym(s, e, text, label, is_demonym=True, state=_demonym_stands_for_state(ent)))
                continue
        if text not in gazetteer and label in PLACE_LABELS and gazetteer.lookup_spelling(text):
            pass  # a known place spelled another way (Khan Sheikhun / Khan Shaykhun)
        elif text not in gazetteer:
            sub = _known_tail(text, gazetteer) if label in ("GPE", "LOC") else None
            if sub is not None:
                # "Syria's Raqqa", "the Kurdish-held town of Afrin" tagged as one span: keep the known tail.
                s, e, text = s + sub, e, text[sub:]
            else:
                if keep_unknown and label in ("GPE", "LOC", "FAC"):
                    out.append(Toponym(s, e, text, label))
                continue
        if label in PLACE_LABELS:
            known = gazetteer.lookup(text) or gazetteer.lookup_spelling(text)
            if _is_person_like(ent) and not (known and known[0].feature_code == "PCLI"):
                continue
        elif label == "PERSON":
            continue
        else:
            # ORG/NORP spans: only when the name is a well-known place and reads like one
            # ("Idlib" tagged ORG, "Sochi deal" tagged NORP), not an organisation that merely
            # contains or equals an obscure place name.
            if not text[0].isupper() or text.isupper() or len(text) < 4 or len(ent) > 3:
                continue
            best = max(gazetteer.lookup(text), key=lambda p: p.population)
            if best.population < 20000 and best.feature_code not in ("PCLI", "ADM1", "RGN", "CONT"):
                continue
        nxt = doc.text[e:e + 16].strip().lower().split(" ")[0] if e < len(doc.text) else ""
        out.append(Toponym(s, e, text, label, admin_hint=nxt.strip(".,;") in ADMIN_WORDS))
    return out


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


def containers(toponyms: list[Toponym], text: str | None) -> dict[int, int]:
    """"Edmonton, Ky." / "Idlib, Syria": the second name contains the first (index → index)."""
    out: dict[int, int] = {}
    if text is None:
        return out
    order = sorted(range(len(toponyms)), key=lambda i: toponyms[i].start)
    for a, b in zip(order, order[1:], strict=False):
        between = text[toponyms[a].end:toponyms[b].start]
        if re.fullmatch(r"\s*,\s*", between) or re.fullmatch(r"\s+\(\s*", between):
            out[a] = b
    return out


def _inside(place: Place, container: list[Place]) -> bool:
    for c in container:
        if c.feature_code == "PCLI" and place.country_code == c.country_code and place.feature_code != "PCLI":
            return True
        if c.feature_code == "ADM1" and place.country_code == c.country_code and fold(place.admin1) == fold(c.name):
            return True
        if c.feature_code == "ADM2" and place.country_code == c.country_code and fold(place.admin2) == fold(c.name):
            return True
    return False


def score(place: Place, key: str, ctx: Context, admin_hint: bool = False) -> float:
    """How likely `place` is meant by the name `key` in a document with context `ctx`."""
    if place.idx in ctx.preferred:
        return 100.0
    s = math.log10(place.population + 10)
    code = place.feature_code
    if code == "PCLI":
        s += 3.0
    elif code in ("CONT", "RGN"):
        s += 3.0
    elif code in ("SEA", "OCN", "GULF", "MTS", "STRT"):
        s += 2.0
    elif code == "ADM1":
        s += 2.0 if admin_hint else -0.3
    elif code == "ADM2":
        s += 1.5 if admin_hint else -0.8
    elif code == "PPLC":
        s += 1.0
    if fold(place.name) == key:
        s += 1.5
    elif place.feature_class == "P":
        # Matched only through an alternate name: often a historical or foreign name of another town.
        s -= 0.5
    total = sum(ctx.countries.values())
    if total and place.country_code:
        share = ctx.countries.get(place.country_code, 0) / total
        s += 3.0 * share + (1.0 if share > 0 else 0.0)
    if ctx.anchors and place.feature_code not in ("PCLI", "CONT", "RGN"):
        d = min(haversine_km(place.latitude, place.longitude, a, b) for a, b in ctx.anchors)
        s += 1.5 if d < 300 else (0.5 if d < 1000 else 0.0)
    return s


def _foreign_small_place(place: Place, ctx: Context) -> bool:
    """A village abroad in a document about one country is more often a local place the gazetteer
    lacks (Madaya, Syria → only Madaya, Myanmar is known) than a foreign one: leave it unresolved."""
    total = sum(ctx.countries.values())
    if not total or place.feature_code in ("PCLI", "CONT", "RGN", "OCN", "SEA") or not place.country_code:
        return False
    top_share = max(ctx.countries.values()) / total
    return (ctx.countries.get(place.country_code, 0) == 0 and top_share >= 0.5
            and place.population < 100_000)


def rank(cands: Iterable[Place], key: str, ctx: Context, admin_hint: bool = False) -> list[tuple[Place, float]]:
    ranked = sorted(((p, score(p, key, ctx, admin_hint)) for p in cands), key=lambda t: -t[1])
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


def resolve(toponyms: list[Toponym], geocoder: Any, gazetteer: Gazetteer,
            max_alternatives: int = 5, text: str | None = None) -> list[Toponym]:
    """Resolve every toponym in place, in two passes: the first finds the document's countries
    and unambiguous places, the second ranks every candidate with that context."""
    cands: dict[str, list[Place]] = {}
    spelled_exactly: set[str] = set()
    for t in toponyms:
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
                cands[key] = gazetteer.lookup_spelling(t.text)

    first: Counter = Counter()
    own: dict[str, Counter] = {}  # what each name adds to the context, so it is not its own evidence
    named: Counter = Counter()  # countries of the places named (demonyms name actors, not places)
    anchors: list[tuple[float, float]] = []
    preferred = frozenset(getattr(gazetteer, "overrides", ()))
    for t in toponyms:
        if t.is_demonym and t.place:
            first[t.place.country_code] += 1
            continue
        ranked = rank(cands.get(fold(t.text), []), fold(t.text), Context(Counter(), (), preferred), t.admin_hint)
        if not ranked:
            continue
        top = ranked[0][0]
        margin = ranked[0][1] - (ranked[1][1] if len(ranked) > 1 else 0)
        weight = 1.0 if top.feature_code == "PCLI" else 0.5
        if margin > 1.0 or len({p.country_code for p, _ in ranked[:3]}) == 1:
            first[top.country_code] += weight
            own.setdefault(fold(t.text), Counter())[top.country_code] += weight
            named[top.country_code] += weight
            if top.feature_class == "P" and margin > 1.0:
                anchors.append((top.latitude, top.longitude))
    ctx = Context(first, tuple(anchors[:50]), preferred)
    contained_by = containers(toponyms, text)
    contains = {outer: inner for inner, outer in contained_by.items()}
    for i, t in enumerate(toponyms):
        if t.is_demonym:
            continue
        key = fold(t.text)
        options = cands.get(key, [])
        if i in contained_by:
            outer = toponyms[contained_by[i]]
            outer_cands = [outer.place] if outer.is_demonym and outer.place else cands.get(fold(outer.text), [])
            inside = [p for p in options if _inside(p, outer_cands)]
            options = inside or options
        if i in contains:
            # "Atlanta, Georgia": the container is the Georgia that holds an Atlanta.
            inner = cands.get(fold(toponyms[contains[i]].text), [])
            holding = [c for c in options if any(_inside(p, [c]) for p in inner)]
            options = holding or options
        if key not in spelled_exactly:
            # A spelling-blind match is trusted only inside the document's countries: Tall Tawil
            # (Syria) is not Toli-Toli (Indonesia).
            options = [p for p in options if p.country_code and first.get(p.country_code, 0) > 0
                       or p.idx in preferred]
        mine = own.get(key)
        here = Context(first - mine, ctx.anchors, preferred) if mine else ctx
        ranked = rank(options, key, here, t.admin_hint)
        others = Context(named - mine if mine else named)
        if ranked and (not _foreign_small_place(ranked[0][0], others) or i in contained_by
                       or ranked[0][0].idx in preferred):
            t.place, t.score = ranked[0]
        if ranked:
            t.alternatives = ranked[:max_alternatives]
    return toponyms


def geoparse(doc: Any, geocoder: Any, gazetteer: Gazetteer) -> list[Toponym]:
    """Recognise and resolve the toponyms of a parsed document."""
    return resolve(recognize(doc, gazetteer), geocoder, gazetteer, text=doc.text)


def spans_as_toponyms(text: str, spans: Iterable[tuple[int, int]]) -> list[Toponym]:
    """Gold spans (for evaluation given the gold spans) as unresolved toponyms."""
    out = []
    for s, e in spans:
        name = text[s:e]
        nxt = re.match(r"\s*(\w+)", text[e:e + 20])
        out.append(Toponym(s, e, name, "GOLD", admin_hint=bool(nxt and nxt.group(1).lower() in ADMIN_WORDS)))
    return out
