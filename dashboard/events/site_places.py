"""Where a name the gazetteer lacks is put: the known place its own phrase puts it in or near ("X in
Idlib", "near X north of Hama"), and what an attack is aimed at. Used by `dashboard.events.sites`."""

from __future__ import annotations

import math
from typing import Any

from dashboard.events.actor_roles import SPEECH, speaks
from dashboard.events.site_names import (
    LOCATION_VERBS,
    PART_NOUNS,
    PART_OF_NOUNS,
    SITE_NOUNS,
    VILLAGE_NOUNS,
    conj_root,
    dropped_comma_part,
)
from dashboard.geo.locative import ATTACK_WORDS, BEARING_DEGREES, DISTANCE_UNITS, KM_PER_UNIT
from dashboard.geo.toponyms import COMPASS_WORDS, Toponym
from dashboard.nlp import base_form

# The prepositions that put a name inside or beside a known place.
CONTAINER_PREPS = frozenset({"in", "near", "of", "outside", "around"})


def precision(t: Toponym) -> int:
    return t.place.precision if t.place is not None else 4


def placed_in(tok: Any, known: dict[int, Toponym], runs: bool = False) -> Toponym | None:
    """The known place a name is put in by its own "in"/"near" phrase ("X in Idlib"); with `runs`,
    also by the phrase that follows its own, where a run of names with no commas leaves it
    ("strongholds in X Y and Z in the countryside of Hama": the parse hangs it on "strongholds")."""
    found = own_container(tok, known)
    if found is None and runs and tok.dep_ == "pobj" and tok.head.dep_ == "prep":
        after = [c for c in tok.head.head.children if c.dep_ == "prep" and c.i > tok.i]
        found = next((t for c in after[:1] for t in [container_of(c, known)] if t is not None), None)
    return found


def container_of(prep: Any, known: dict[int, Toponym]) -> Toponym | None:
    """The known place inside a locative phrase ("in the eastern countryside of Hama" → Hama)."""
    if prep.lower_ not in ("in", "near", "outside", "around"):
        return None
    return next(iter(known_in(prep, known)), None)


def known_in(prep: Any, known: dict[int, Toponym]) -> list[Toponym]:
    """The known places below country level inside a prepositional phrase, in text order."""
    return [known[t.i] for t in prep.subtree if t.i in known and precision(known[t.i]) < 4]


def own_container(tok: Any, known: dict[int, Toponym]) -> Toponym | None:
    for prep in tok.children:
        if prep.dep_ == "prep" and prep.lower_ in ("in", "near", "of", "outside", "east", "west", "north", "south"):
            for obj in prep.children:
                if obj.dep_ == "pobj":
                    for t in (obj, *obj.children):
                        if t.i in known:
                            return known[t.i]
    return bearing_from(tok, known)


# The words of a distance between a name and its bearing from a known place: the units of the one
# list of them (`geo/words.toml`), the words that round a number, the marks around a conversion.
DISTANCE_WORDS = DISTANCE_UNITS | {"some", "about", "around", "roughly", "nearly", "almost", "(", ")", ",", "-"}


def bearing_from(tok: Any, known: dict[int, Toponym]) -> Toponym | None:
    """The known place a name is put at a bearing from by the words right after it ("near X north of
    Hama", which the parse hangs on the verb): the name is a site beside that place, not the place."""
    doc = tok.doc
    k = tok.i + 1
    # "X 30 km (19 miles) north of Y", "X, some 20 kilometres south of Y": a distance may stand between.
    while k < min(len(doc), tok.i + 10) and (doc[k].like_num or doc[k].lower_ in DISTANCE_WORDS):
        k += 1
    nxt = doc[k] if k < len(doc) else None
    if nxt is None or nxt.lower_ not in COMPASS_WORDS or nxt.sent != tok.sent:
        return None
    # "north of Hama", "west of Raqqa city", "south of the city of Homs"
    found = [known[t.i] for obj in _of_objects(nxt) for t in obj.subtree if t.i in known]
    return found[0] if found else None


def _of_objects(compass: Any) -> list[Any]:
    """The objects of a bearing's "of" phrase ("south of the city of Y": "city")."""
    preps = [p for p in compass.children if p.dep_ == "prep" and p.lower_ == "of"]
    return [o for p in preps for o in p.children if o.dep_ == "pobj"]


KM_PER_DEGREE = 111.32  # of latitude; of longitude, times the cosine of the latitude
# The tokens after a name its distance and bearing may span ("X, which lies some 12 km (7 miles) north of Y").
OFFSET_WINDOW = 16


def offset_point(tok: Any, where: Toponym) -> tuple[float, float] | None:
    """`location.distance_bearing`: the point the words after a name give it from the known place it
    is put at ("X 40 km (25 miles) south of Y", "X, which lies 12 kilometres north-east of Y"): that
    far from Y's point on that bearing. None without a distance in a unit of length ("two hours north
    of Y"), or from a province or a country, whose point is no place the distance was measured from."""
    place = where.place
    if place is None or place.precision >= 3:
        return None
    doc = tok.doc
    for k in range(tok.i + 1, min(tok.sent.end, tok.i + OFFSET_WINDOW)):
        if doc[k].lower_ in BEARING_DEGREES and _of_place(doc[k], where):
            km = _distance(doc[tok.i + 1 : k])
            if km is None:
                return None
            bearing = math.radians(BEARING_DEGREES[doc[k].lower_])
            lat = place.latitude + km * math.cos(bearing) / KM_PER_DEGREE
            lon = place.longitude + km * math.sin(bearing) / (KM_PER_DEGREE * math.cos(math.radians(place.latitude)))
            return round(lat, 5), round(lon, 5)
    return None


def _of_place(compass: Any, where: Toponym) -> bool:
    """Whether the bearing's "of" phrase names the known place ("south of the city of Y")."""
    return any(where.start <= t.idx < where.end for obj in _of_objects(compass) for t in obj.subtree)


def _distance(words: Any) -> float | None:
    """The first number a unit of length follows ("40 km", "12.5 kilometres"), in kilometres."""
    for number, unit in zip(words, words[1:], strict=False):
        if number.like_num and unit.lower_ in KM_PER_UNIT:
            try:
                return float(number.text.replace(",", "")) * KM_PER_UNIT[unit.lower_]
            except ValueError:  # a number in words ("forty km"): no point from it
                return None
    return None


def part_container(part: Any, known: dict[int, Toponym], split: bool) -> Toponym | None:
    """ "in the village of X part of Y": the finest known place of the "of" (or "in", "near") phrase
    after "part", else the place the phrase of "part" puts it in."""
    for prep in part.children:
        if prep.dep_ == "prep" and prep.lower_ in CONTAINER_PREPS:
            found = known_in(prep, known)
            if found:
                return min(found, key=precision)
    return placed_in(part, known, split)


def part_of_apposition(tok: Any, dropped_part: bool) -> bool:
    """ "X, part of Y" (or, with `dropped_part`, "X part of Y" without its comma)."""
    if dropped_part and dropped_comma_part(tok) is not None:
        return True
    return any(c.dep_ == "appos" and c.lower_ in PART_OF_NOUNS for c in tok.children)


def appositive_site(tok: Any, known: dict[int, Toponym]) -> Toponym | None:
    """ "X, a village near Hama", "the village of X, part of the Y district": an apposition that calls
    the name a site (or a part of a place) and puts it in a known place (`location.appositive_site`)."""
    for noun in tok.children:
        if noun.dep_ == "appos" and (noun.lower_ in SITE_NOUNS or noun.lower_ in PART_OF_NOUNS):
            for prep in _where_phrases(noun):
                found = known_in(prep, known)
                if found:
                    return min(found, key=precision)
    return None


def _where_phrases(noun: Any) -> list[Any]:
    """The phrases that say where a site noun is: "a village near Y", "a village north of Y" (the
    parse may hang "north" on the noun as an adverb, with "of Y" under it)."""
    phrases = []
    for c in noun.children:
        if c.dep_ == "prep" and (c.lower_ in CONTAINER_PREPS or c.lower_ in COMPASS_WORDS):
            phrases.append(c)
        elif c.lower_ in COMPASS_WORDS:
            phrases += [p for p in c.children if p.dep_ == "prep" and p.lower_ == "of"]
    return phrases


def located_site(tok: Any, known: dict[int, Toponym]) -> Toponym | None:
    """ "X is located 14 km south of Y", "X lies near Y", "X, which is situated in Y": a verb of
    location whose subject is the name (or a relative clause on it) puts it at the known place after
    the verb (`location.located_site`)."""
    verb = location_verb(tok)
    if verb is None:
        return None
    after = [known[t.i] for t in verb.subtree if t.i > verb.i and t.i in known and precision(known[t.i]) < 4]
    return after[0] if after else None


def location_verb(tok: Any) -> Any | None:
    """The verb of location a name is the subject of ("X is located…", "X, which lies…"), if any: such
    a name is a place of its own, away from the place it is located by (a settlement, `called_village`)."""
    if tok.dep_ in ("nsubj", "nsubjpass") and tok.head.lower_ in LOCATION_VERBS:
        return tok.head
    return next((c for c in tok.children if c.dep_ == "relcl" and c.lower_ in LOCATION_VERBS), None)


def called_village(tok: Any, located: bool = False) -> bool:
    """ "the village of X", "X village", "X, a hamlet near Y" (with `located`, "X is located 14 km
    south of Y"): the text calls the name a village, or a place of its own away from a town."""
    root = conj_root(tok)  # "the villages of X and Y": Y is called a village as X is
    return (
        located
        and location_verb(tok) is not None
        or root.dep_ == "pobj"
        and root.head.lower_ == "of"
        and root.head.head.lower_ in VILLAGE_NOUNS
        or tok.dep_ == "compound"
        and tok.head.lower_ in VILLAGE_NOUNS
        or any(c.dep_ == "appos" and c.lower_ in VILLAGE_NOUNS for c in tok.children)
    )


def site_beside(tok: Any, known: dict[int, Toponym], appositive: bool, located: bool) -> Toponym | None:
    """The known place an apposition (`location.appositive_site`) or a verb of location
    (`location.located_site`) puts a name at or near."""
    found = appositive_site(tok, known) if appositive else None
    return found if found is not None or not located else located_site(tok, known)


def attacked_site(tok: Any) -> bool:
    """ "the raid on X", "strikes against X" (`location.attacked_site`): what an attack noun is aimed
    at is a place the gazetteer may lack (an actor's name is blocked as a site before)."""
    prep = tok.head
    return (
        tok.dep_ == "pobj"
        and prep.lower_ in ("on", "against")
        and prep.head.lower_ in ATTACK_WORDS
        # "attacks on X and other neighbourhoods", "on the X and Y districts": parts of a town, coded at it.
        and not any(t.lower_ in PART_NOUNS for t in prep.subtree)
        # "shelling on Friday Siege Watch reported": a name right before a told verb of speech is who
        # speaks ("…on X, saying…" is the sentence's speaker's participle).
        and not (tok.i + 1 < len(tok.doc) and _told(tok.doc[tok.i + 1]))
    )


def _told(verb: Any) -> bool:
    return verb.tag_ in ("VBD", "VBZ", "VBP") and base_form(verb) in SPEECH


def abroad_speaker(tok: Any, t: Toponym, previous: Toponym | None) -> bool:
    """A place (`t`, at token `tok`) in the phrase of who speaks, in another country than the place
    told before it (`location.source_place`)."""
    if previous is None or previous.place is None or t.place is None:
        return False
    return t.place.country_code != previous.place.country_code and in_speaker(tok)


def in_speaker(tok: Any) -> bool:
    """Whether a name stands in the phrase of who speaks ("the ministry in Moscow said", "Ankara
    said"): the place of the teller, not of the sentence's sites (`location.source_place`)."""
    for t in (tok, *tok.ancestors):
        if t.dep_ in ("nsubj", "nsubjpass") and speaks(t.head):
            return True
        if t.pos_ in ("VERB", "AUX"):
            return False
    return False
