"""The resolution stages in order: mark hints, look every name up, a first guess per name, the
document's evidence from two rounds of guesses, the choice (or none) per name, one sense per
discourse, then the nearest-town fallback. `geoparse` runs recognition and resolution together.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace
from typing import Any

from dashboard.geo.city_regions import regions_of_cities
from dashboard.geo.epithets import with_epithets
from dashboard.geo.gazetteer import Gazetteer, Place, fold
from dashboard.geo.lookup import Lookup, lookup_names
from dashboard.geo.names import (
    admin_after,
    admin_after_list,
    admin_before,
    city_around,
    is_generic_name,
    own_name,
    people_countries,
    self_key,
)
from dashboard.geo.ranking import POOL_SIZE, Context, anchors_besides, co_support, rank
from dashboard.geo.recognition import recognize
from dashboard.geo.sides import side_before, side_bonus
from dashboard.geo.structure import (
    containers,
    district_pairs,
    in_stated_province,
    keep_parts_in_their_town,
    narrowed_options,
    nearest_town,
    stated_provinces,
)
from dashboard.geo.toponym import Toponym, unplace_fallbacks
from dashboard.geo.trust import after_preposition, called_minor, foreign_small_place, namesake_abroad, untrusted_match
from dashboard.nlp import doc_text
from dashboard.rules import ALL_ON, Switches


@dataclass
class _Evidence:
    """What a document's names say about its geography, from one round of guesses."""

    countries: Counter  # country → weight of the names placed there (demonyms too)
    own: dict[str, Counter]  # what each name adds, so it is not its own evidence
    named: Counter  # the same for places named (demonyms name actors, not places), datelines left out
    anchors: list[tuple[str, float, float]]  # (name, lat, lon) of the confidently placed towns
    counted: set[int]  # the toponyms (by index) that count
    made: dict[str, Context] = field(default_factory=dict)  # the contexts asked for so far, by name

    def context(self, key: str, preferred: frozenset[int], support: dict[int, int]) -> Context:
        """The context in which to rank the name `key`: the evidence less its own. Made once per name (asked up
        to three times, with the document's `preferred` and `support`, once the evidence no longer changes)."""
        if key not in self.made:
            mine = self.own.get(self_key(key))
            self.made[key] = Context(
                self.countries - mine if mine else self.countries,
                anchors_besides(self.anchors, self_key(key)),
                preferred,
                support,
            )
        return self.made[key]


def _gather(
    toponyms: list[Toponym],
    ranked_by_i: dict[int, list[tuple[Place, float]]],
    counted: set[int] | None,
    people: Counter,
) -> _Evidence:
    """The evidence of a round of rankings: a name counts for its best place's country when that place
    clearly wins or all its likeliest places are in one country. With `counted` (the names that
    counted in an earlier round), those names and only those count, for their new best place: a
    later round corrects guesses but does not let a context confirm itself name after name. `people`:
    the countries whose people the text names ("Palestinians": `resolution.people_countries`)."""
    ev = _Evidence(Counter(people), {}, Counter(), [], set())
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
        # Counters of float weights: typeshed types a Counter's counts as int (hence the ignores below),
        # but its arithmetic ("countries less this name's own") is what the evidence needs.
        weight = 1.0 if top.feature_code == "PCLI" else 0.5
        sure = margin > 1.0 or len({p.country_code for p, _ in ranked[:3]}) == 1
        if sure if counted is None else i in counted:
            ev.counted.add(i)
            ev.countries[top.country_code] += weight  # type: ignore[assignment]
            ev.own.setdefault(key, Counter())[top.country_code] += weight  # type: ignore[assignment]
            # A dateline says where the reporter files from, not what the story is about: BEIRUT
            # over a report on Saraqib must not make Syria's towns "foreign".
            if t.label != "DATELINE":
                ev.named[top.country_code] += weight  # type: ignore[assignment]
        # A town that clearly wins anchors its neighbours, in every round: nearness is local
        # evidence, and a town placed in context is placed better than by its size alone.
        if top.feature_class == "P" and margin > 1.0:
            ev.anchors.append((key, top.latitude, top.longitude))
    return ev


@dataclass(frozen=True)
class _Document:
    """What every ranking round of one document needs, computed once."""

    toponyms: list[Toponym]
    looked: Lookup
    preferred: frozenset[int]  # the user's corrections
    support: dict[int, int]  # place idx → how many other names agree with it (`co_support`)
    contained_by: dict[int, int]  # "Idlib, Syria": toponym index → the index of the name that holds it
    contains: dict[int, int]
    switches: Switches
    stated: dict[str, set[tuple[str, str]]]  # folded name → the provinces the text puts it in
    persons: frozenset[int] = frozenset()  # names tagged as persons with no preposition before them
    gazetteer: Gazetteer | None = None  # the sides of its countries (`resolution.side_word`)

    def hint(self, t: Toponym) -> bool:
        """Whether the text says the name is a province's ("Idlib province"), as ranking may take it."""
        return t.admin_hint and self.switches.on("resolution.admin_of")


def resolve(
    toponyms: list[Toponym],
    geocoder: Any,
    gazetteer: Gazetteer,
    max_alternatives: int = 5,
    text: str | None = None,
    switches: Switches = ALL_ON,
) -> list[Toponym]:
    """The toponyms resolved (new records; the ones given are not changed), in two passes: the first
    finds the document's countries and unambiguous places, the second ranks every candidate with
    that context."""
    toponyms = mark_hints(toponyms, gazetteer, text, switches)
    looked = lookup_names(toponyms, geocoder, gazetteer)
    preferred = frozenset(getattr(gazetteer, "overrides", ()))
    stated = stated_provinces(toponyms, text, looked.cands) if switches.on("resolution.stated_province") else {}
    first_ranked, pools = _first_guesses(toponyms, looked, preferred, switches, stated)
    support = (
        co_support(pools, {k: looked.cands.get(k, []) for k in pools}) if switches.on("resolution.co_support") else {}
    )
    contained_by = containers(toponyms, text) if switches.on("resolution.containers") else {}
    doc = _Document(
        toponyms,
        looked,
        preferred,
        support,
        contained_by,
        {outer: inner for inner, outer in contained_by.items()},
        switches,
        stated,
        frozenset(i for i, t in enumerate(toponyms) if t.label == "PERSON" and not after_preposition(text, t.start)),
        gazetteer,
    )
    # Evidence from each name's best guess alone, then again from the guesses made in its light: a
    # first guess that the context overturned (Edmonton, Alberta beside Enfield and London) must
    # not go on counting for its country.
    people = people_countries(text or "", gazetteer) if switches.on("resolution.people_countries") else Counter()
    ev = _gather(toponyms, first_ranked, None, people)
    ev = _gather(toponyms, _rank_in_context(doc, ev), ev.counted, people)
    toponyms = _choose(doc, _rank_in_context(doc, ev), ev, text, max_alternatives)
    toponyms = _one_sense_per_discourse(toponyms, contained_by, text, switches)
    if switches.on("resolution.nearest_town"):
        toponyms = _place_at_nearest_town(toponyms)
    return toponyms


def mark_hints(
    toponyms: list[Toponym], gazetteer: Gazetteer, text: str | None, switches: Switches = ALL_ON
) -> list[Toponym]:
    """What the words around a name say before any lookup: "the province of Idlib" means the province;
    a demonym ("Syrian") means its country, placed at once."""
    listed = switches.on("resolution.listed_provinces")
    return [_hinted(t, gazetteer, text, listed) for t in toponyms]


def _hinted(t: Toponym, gazetteer: Gazetteer, text: str | None, listed: bool = True) -> Toponym:
    admin_hint = (
        t.admin_hint
        or admin_before(text, t.start)
        or admin_after(text, t.end)
        or listed
        and admin_after_list(text, t.end)
    )
    city_hint = not admin_hint and city_around(text, t.start, t.end)
    if not (t.is_demonym or gazetteer.demonym_country(t.text)):
        side = side_before(text, t.start)
        same = admin_hint == t.admin_hint and city_hint == t.city_hint and side == t.side
        return t if same else replace(t, admin_hint=admin_hint, city_hint=city_hint, side=side)
    code = gazetteer.demonym_country(t.text)
    country = gazetteer.country(code) if code else None
    return replace(
        t,
        admin_hint=admin_hint,
        is_demonym=True,
        place=country,
        score=10.0,
        alternatives=((country, 10.0),) if country else (),
    )


def _first_guesses(
    toponyms: list[Toponym],
    looked: Lookup,
    preferred: frozenset[int],
    switches: Switches,
    stated: dict[str, set[tuple[str, str]]],
) -> tuple[dict[int, list[tuple[Place, float]]], dict[str, list[Place]]]:
    """Each name ranked with no context (toponym index → ranking), and each name's pool of likeliest
    candidates, the evidence for co-support."""
    pools: dict[str, list[Place]] = {}
    first_ranked: dict[int, list[tuple[Place, float]]] = {}
    for i, t in enumerate(toponyms):
        if t.is_demonym:
            continue
        key = fold(t.text)
        # A name looked up by the place inside it ("Florida Atlantic University" → Florida) is matched
        # against that place's name: Florida the state bears it as its own name, Valle Vista only as an
        # alternate one.
        name = looked.name_of(key)
        hint = t.admin_hint and switches.on("resolution.admin_of")
        options = in_stated_province(looked.cands.get(key, []), stated.get(key))
        city = t.city_hint and switches.on("resolution.city_word")
        ranked = rank(options, name, Context(Counter(), (), preferred), hint, switches, city)
        if not ranked:
            continue
        first_ranked[i] = ranked
        # Places that bear the name as their own: a translation ("Washington" for Watervliet)
        # should not gather support from the neighbours of a famous namesake.
        pools.setdefault(
            key, [p for p, _ in ranked if fold(p.name) == name][:POOL_SIZE] or [p for p, _ in ranked[:POOL_SIZE]]
        )
    return first_ranked, pools


def _rank_in_context(doc: _Document, ev: _Evidence) -> dict[int, list[tuple[Place, float]]]:
    """Every name that is not a demonym ranked in the light of the evidence (toponym index → ranking)."""
    out: dict[int, list[tuple[Place, float]]] = {}
    for i, t in enumerate(doc.toponyms):
        if t.is_demonym:
            continue
        key = fold(t.text)
        options = narrowed_options(i, doc.toponyms, doc.looked.cands, doc.contained_by, doc.contains)
        # "Hader in Quneitra province": not the Hader of another province.
        options = in_stated_province(options, doc.stated.get(key))
        if key not in doc.looked.spelled_exactly:
            # A spelling-blind match is trusted only inside the document's countries: Tall Tawil
            # (Syria) is not Toli-Toli (Indonesia); with `resolution.spelling_in_context`, only inside
            # the countries the document is about (a "UK-based monitor" does not make a Syrian village
            # Aberdeen).
            countries = ev.countries
            if doc.switches.on("resolution.spelling_in_context"):
                countries = main_countries(countries)
            options = [
                p for p in options if p.country_code and countries.get(p.country_code, 0) > 0 or p.idx in doc.preferred
            ]
        out[i] = rank(
            options,
            doc.looked.name_of(key),
            ev.context(key, doc.preferred, doc.support),
            doc.hint(t),
            doc.switches,
            t.city_hint and doc.switches.on("resolution.city_word"),
            side_bonus(t.side, doc.gazetteer) if doc.switches.on("resolution.side_word") else None,
        )
    return out


MAIN_COUNTRY_SHARE = 0.5  # a country the document is about weighs at least this share of the weightiest one


def main_countries(countries: Counter) -> Counter:
    """The countries a document is about: those whose names and demonyms weigh at least
    MAIN_COUNTRY_SHARE of the weightiest country's."""
    top = max(countries.values(), default=0)
    return Counter({c: w for c, w in countries.items() if c and w > 0 and w >= MAIN_COUNTRY_SHARE * top})


def _choose(
    doc: _Document, final: dict[int, list[tuple[Place, float]]], ev: _Evidence, text: str | None, max_alternatives: int
) -> list[Toponym]:
    """Each name takes its best candidate, unless that is not to be trusted: then none (not the next
    best, which fits the name or the document still less); its ranking stays as the alternatives."""
    # Names the text calls a village or a neighbourhood, or found inside a longer unknown name,
    # are weakly tied to any namesake abroad: see `unnamed_country`.
    minor = {fold(t.text) for t in doc.toponyms if called_minor(t, text) or t.inner}
    out = list(doc.toponyms)
    for i, t in enumerate(doc.toponyms):
        ranked = [] if t.is_demonym else final[i]
        if not ranked:
            continue
        is_minor = fold(t.text) in minor
        place: Place | None  # None: left unresolved, its ranking kept as the alternatives
        if _trusted(doc, i, ranked[0][0], ev, is_minor):
            place, score = ranked[0]
        else:
            place, score = _own_name_runner_up(doc, i, ranked, ev, is_minor) or (t.place, t.score)
        out[i] = replace(t, place=place, score=score, alternatives=tuple(ranked[:max_alternatives]))
    return out


def _own_name_runner_up(
    doc: _Document, i: int, ranked: list[tuple[Place, float]], ev: _Evidence, minor: bool
) -> tuple[Place, float] | None:
    """When the best candidate is not trusted, a later one that bears the name as its own, in a
    country the rest of the document names, and is itself trusted (`resolution.own_name_runner_up`):
    it fits both the name and the document better than the one refused. "Ras al-Ain" in a story on
    Syria: the larger namesake in Israel has it only as an alternate name."""
    if not doc.switches.on("resolution.own_name_runner_up"):
        return None
    key = fold(doc.toponyms[i].text)
    if is_generic_name(doc.looked.name_of(key)):
        return None  # "West Coast", "South East": many places bear such names as their own
    named = ev.context(key, doc.preferred, doc.support).countries
    for place, score in ranked[1:]:
        if (
            named.get(place.country_code, 0) > 0
            and own_name(place, doc.looked.name_of(key))
            and _trusted(doc, i, place, ev, minor)
        ):
            return place, score
    return None


def _trusted(doc: _Document, i: int, best: Place, ev: _Evidence, minor: bool) -> bool:
    """Whether toponym i may take its best candidate `best` (see `trust`)."""
    if best.idx in doc.preferred:
        return True
    key = fold(doc.toponyms[i].text)
    here = ev.context(key, doc.preferred, doc.support)
    mine = ev.own.get(self_key(key))
    others = Context(ev.named - mine if mine else ev.named)
    contained = i in doc.contained_by
    on = doc.switches.on
    if on("resolution.untrusted") and untrusted_match(best, doc.looked.name_of(key), here.countries):
        return False
    if on("resolution.foreign_village") and foreign_small_place(best, others) and not contained:
        return False
    name, person = doc.looked.name_of(key), i in doc.persons
    return not namesake_abroad(best, name, person, here.countries, minor and not contained, not contained, doc.switches)


def _one_sense_per_discourse(
    toponyms: list[Toponym], contained_by: dict[int, int], text: str | None, switches: Switches
) -> list[Toponym]:
    """Once the text says "London, Ontario" (or "the Ferdous district of Aleppo"), a bare "London"
    ("Ferdous") later in the same article is that one too."""
    settled = {
        fold(toponyms[i].text): (toponyms[i].place, toponyms[i].score)
        for i in contained_by
        if toponyms[i].place is not None
    }
    if switches.on("resolution.districts"):
        toponyms, parts = keep_parts_in_their_town(toponyms, district_pairs(toponyms, text))
        settled.update(parts)
    if not switches.on("resolution.one_sense"):
        return toponyms
    return [
        replace(t, place=sense[0], score=sense[1])
        if not t.is_demonym and (sense := settled.get(fold(t.text))) is not None
        else t
        for t in toponyms
    ]


def _place_at_nearest_town(toponyms: list[Toponym]) -> list[Toponym]:
    """A name the gazetteer lacks, or knows only far away from the story (a street, a building, a
    hamlet), is most likely in the town the story speaks of there: place it at the nearest town
    named, flagged, rather than nowhere."""
    towns = [t for t in toponyms if t.place is not None and not t.is_demonym and t.place.precision <= 2]
    out = []
    for t in toponyms:
        focus = nearest_town(towns, t.start) if t.place is None and not t.is_demonym else None
        out.append(t if focus is None else replace(t, place=focus, score=0.0, fallback=True))
    return out


def geoparse(doc: Any, geocoder: Any, gazetteer: Gazetteer, switches: Switches = ALL_ON) -> list[Toponym]:
    """Recognise and resolve the toponyms of a parsed document.

    Places inside organisations' names help resolve the others (a "Kentucky State Police" puts
    Kentucky in context) but are not returned: the event extractor reads the organisation as an
    actor, and a name inside it does not locate an event. Names placed only by the document's
    focus (`Toponym.fallback`) are returned unplaced, for the same reason. Epithets of capitals ("the
    Syrian capital") are added for the event extractor (`dashboard.geo.epithets`)."""
    text = doc_text(doc)
    toponyms = unplace_fallbacks(
        resolve(recognize(doc, gazetteer, switches=switches), geocoder, gazetteer, text=text, switches=switches)
    )
    toponyms = regions_of_cities(toponyms, gazetteer, text) if switches.on("resolution.region_of_city") else toponyms
    named = [t for t in toponyms if not t.embedded]
    return with_epithets(named, toponyms, text, gazetteer, switches.on("recognition.capital_epithet"))
