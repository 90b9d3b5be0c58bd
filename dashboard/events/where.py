"""Where it happened: the places of a sentence that can locate its event (`event_places`), the
one its trigger is tied to (`choose_event_location`), and a finer place the next sentences give."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from dashboard.dates import find_date_mentions, resolve_mention
from dashboard.errors import ConflictMapError
from dashboard.events.bearings import fineness, past_the_landmark
from dashboard.events.nonsites import acts, elsewhere, is_destination, said_at, spans_countries, speaks
from dashboard.events.roles import another_attack, name_token, place_anchor, place_role
from dashboard.events.when import clause_verb, told_days, trigger_token
from dashboard.geo.gazetteer import Place, fold
from dashboard.geo.toponyms import COMPASS_WORDS, Toponym
from dashboard.nlp import doc_text, span_text, token_at
from dashboard.rules import ALL_ON, Switches

WORDS = Path(__file__).with_name("words.toml")  # the word lists, each with why it exists


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
    tok = name_token(sent, t)
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
    tok = name_token(sent, t)
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


def choose_event_location(
    sent: Any, trigger_start: int, toponyms: list[Toponym], switches: Switches = ALL_ON
) -> Toponym | None:
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
    locative = _placing(sent, inside, roles, verb)
    goals = {verb.i, trig.i}
    if _describes_noun(verb):
        # "the town of Jenin, where troops shot two men": the noun the clause describes is the site.
        goals.add(verb.head.i)
        locative += [
            t
            for t in inside
            if t not in locative
            and roles[id(t)] not in ("actor", "topic")
            and verb.head.i in {x.i for x in (place_anchor(sent, t), name_token(sent, t)) if x is not None}
        ]
    if not locative:
        return None

    def key(t: Toponym) -> tuple:
        return _closeness(sent, t, roles[id(t)], goals, trig, trigger_start)

    best = min(locative, key=key)
    best = past_the_landmark(sent, best, locative, key, switches)
    best = _town_before(sent, best, inside, switches)
    # A country named far down the tree from the trigger ("...a war that has killed thousands
    # in Syria") is the story's setting, not where this event happened.
    depth, country = key(best)[1], key(best)[3]
    return None if country and depth >= FAR_ARCS and not _part_of_country(sent, best) else best


# What stands between a town and the province or country named after it as its container: "Saraqib,
# in Idlib province", "Celaya, Guanajuato state", "Aleppo in northern Syria".
_CONTAINER_GAP = re.compile(r",?\s+(?:in\s+(?:the\s+)?(?:(?:north|south|east|west|central)\w*\s+)?)?\Z|,\s*\Z", re.I)


def _town_before(sent: Any, best: Toponym, inside: list[Toponym], switches: Switches) -> Toponym:
    """`location.container_after`: a province or a country named right after a town that lies in it
    ("a cafe in the town of Saraqib, in Idlib province") says where the town is, not where else the
    event was: the town locates it, however the parse hangs the province's phrase (on the verb, it
    was fewer arcs from the trigger than the town)."""
    if not switches.on("location.container_after") or best.place is None or best.place.precision < 3:
        return best
    text = doc_text(sent.doc)
    for t in inside:
        if t.place is None or t.end > best.start or fineness(t) >= fineness(best):
            continue
        within = t.place.country_code == best.place.country_code and (
            best.place.precision >= 4 or bool(best.place.admin1) and t.place.admin1 == best.place.admin1
        )
        if within and _CONTAINER_GAP.match(text[t.end : best.start]):
            return t
    return best


def _placing(sent: Any, inside: list[Toponym], roles: dict[int, str], verb: Any) -> list[Toponym]:
    """The names put in a locative phrase, then those the trigger's own verb aims at."""
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
        and token_at(sent, t.start) is not None
        and clause_verb(place_anchor(sent, t)).i == verb.i
    ]
    return locative


def _describes_noun(verb: Any) -> bool:
    """Whether the verb heads a relative "where"/"which" clause ("Jenin, where troops shot two men",
    "the village in which...")."""
    return verb.dep_ == "relcl" and any(
        c.lower_ in ("where", "which") or c.dep_ == "prep" and any(g.lower_ == "which" for g in c.children)
        for c in verb.children
    )


def _closeness(sent: Any, t: Toponym, role: str, goals: set[int], trig: Any, trigger_start: int) -> tuple:
    """How a candidate ranks as the trigger's place (lower first; see `choose_event_location`)."""
    anchor = place_anchor(sent, t)
    container = name_token(sent, t).dep_ in ("poss", "compound")
    depth = _arcs_to(anchor, goals) if anchor is not None else 99
    if depth == 99 and anchor is not None:
        # Not under the trigger ("…killing two, as fighting raged in Idlib"): the place
        # fewest arcs away through their common head is the likelier one.
        depth = 50 + _tree_distance(anchor, trig)
    # A passive subject ("Downey was captured") is more often a victim than a site: it
    # places the event only when no locative phrase does.
    second = role == "target" and not (anchor is not None and anchor.dep_ == "dobj")
    country = t.place is not None and t.place.precision >= 4
    precision = fineness(t)
    return (second, depth, container, country, precision, abs(t.start - trigger_start))


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
        inside = [t for t in inside if _may_site_violence(sent, t)]
    chosen = _by_role(sent, inside)
    finer = [t for t in chosen if kept_place(t).precision < 4]
    return distinct_places(finer or chosen)


def _by_role(sent: Any, inside: list[Toponym]) -> list[Toponym]:
    """The names in locative phrases or aimed at; else towns and provinces named otherwise; else
    those used as modifiers."""
    roles = {id(t): place_role(sent, t) for t in inside}
    locative = [
        t for t in inside if roles[id(t)] == "locative" or roles[id(t)] == "target" and kept_place(t).precision < 4
    ]
    other = [t for t in inside if roles[id(t)] in ("other", "reference") and kept_place(t).precision < 4]
    modifier = [t for t in inside if roles[id(t)] == "modifier" and kept_place(t).precision < 4]
    return locative or other or modifier


def _may_site_violence(sent: Any, t: Toponym) -> bool:
    """Whether a placed name may be where violence happened: not a state acting, a place of talk, a
    speaker, a region across countries or a destination (`nonsites`)."""
    return (
        not acts(sent, t)
        and not elsewhere(sent, t)
        and not speaks(sent, t)
        and not spans_countries(t.place)
        and not is_destination(sent, t)
    )


def distinct_places(chosen: list[Toponym]) -> list[Toponym]:
    """The names in order, one per place."""
    seen: set[tuple[str, int | None]] = set()
    out = []
    for t in chosen:
        key = (kept_place(t).name, kept_place(t).geonameid)
        if key not in seen:
            seen.add(key)
            out.append(t)
    return out


def names_another_attack(sent: Any, t: Toponym, trigger: Any) -> bool:
    """Whether the place only modifies an attack noun other than the trigger ("The Kafr Zita
    strike prompted Washington to fire missiles at an air base"): it says where that other attack
    happened, not where the sentence's event did (`location.other_event_place`)."""
    tok = name_token(sent, t)
    if tok is None or tok.dep_ not in ("compound", "nmod", "amod", "poss"):
        return False
    return another_attack(tok.head, trigger)


def kept_place(t: Toponym) -> Place:
    """The place of a toponym the event rules kept (`event_places` keeps only placed ones)."""
    if t.place is None:
        raise ConflictMapError(f"the toponym {t.text!r} reached the event rules unplaced")
    return t.place


FINER_WINDOW = 5  # sentences after a country-level or unplaced report that may say where it happened
OTHER_TIME_DAYS = 30  # a sentence dated this long before the article tells of another time


def set_in_another_time(sent: Any, published: date | None) -> bool:
    """Whether a sentence dates what it tells more than a month before the article ("since sarin
    killed hundreds in Ghouta in August 2013", "the town fell in 2014"): history, not the news."""
    if published is None:
        return False
    limit = published - timedelta(days=OTHER_TIME_DAYS)
    for m in find_date_mentions(sent.text):
        resolved = resolve_mention(m, published)
        if resolved is not None and resolved[0] < limit:
            return True
    return False


def _another_day(event_days: set[date], sent: Any, published: date | None) -> bool:
    """`location.same_day_next`: the sentence dates what it tells to other days than the report's
    own ("… struck an air base on Friday. Also on Saturday a bomb went off near X"): another
    event, and where it happened is not where the report's did."""
    days = told_days(sent, published) if event_days else set()
    return bool(days) and not days & event_days


def towns_of_event(sent: Any, toponyms: list[Toponym]) -> list[Toponym]:
    """The sentence's places below country level that may say where an event was: not where words
    were spoken, nor a capital acting for its state."""
    return [
        t
        for t in event_places(sent, toponyms)
        if kept_place(t).precision < 4 and not said_at(sent, t) and not acts(sent, t)
    ]


def kept_towns(
    towns: list[Toponym], countries: set[str], within: set[str] | None, named: list[Toponym]
) -> list[Toponym]:
    """The towns of the report's countries (when known) and, with `within`, of those provinces."""
    kept = [t for t in towns if not countries or kept_place(t).country_code in countries]
    return kept if within is None else [t for t in kept if _town_within(t, within, named)]


def new_paragraph(sents: list, j: int, text: str) -> bool:
    """Whether a blank line comes before sentence j (a sentence's span may end with the blank line
    after it: look from its last word)."""
    last_word = sents[j - 1].start_char + len(span_text(sents[j - 1]).rstrip())
    return "\n\n" in text[last_word : sents[j].start_char + 1]


def _town_within(t: Toponym, provinces: set[str], named: list[Toponym]) -> bool:
    """A town of one of the provinces, not the province's own name again ("a town in Aleppo
    province. … Aleppo's Atarib district": Atarib, not the city of Aleppo)."""
    place = kept_place(t)
    key = fold(t.text)
    again = any(
        name in (key, key.removesuffix("s")) for n in named for name in (fold(n.text), fold(kept_place(n).name))
    )
    return place.precision < 3 and place.admin1 in provinces and not again


def _all_abroad(towns: list[Toponym], countries: set[str]) -> bool:
    """Whether every one of the towns (at least one) lies outside the countries (when known)."""
    return bool(countries) and bool(towns) and all(kept_place(t).country_code not in countries for t in towns)


def finer_in_next(
    sents: list,
    k: int,
    places: list[Toponym],
    toponyms: list[Toponym],
    text: str,
    published: date | None = None,
    stop_abroad: bool = False,
    other_day_after: int | None = None,
    within: set[str] | None = None,
) -> tuple[Toponym, int] | None:
    """A town or province (of the same country, when the sentence names one) in the next few
    sentences of the paragraph, and where the sentence naming it ends. With the article's day
    (`location.same_time_next`), a sentence set in another time is passed over: the place of a past
    event it recalls ("the deadliest since sarin killed hundreds in Ghouta in August 2013") is not
    where today's happened. With `stop_abroad` (`location.same_country_next`), a sentence whose
    towns all lie in other countries ends the search: the story has moved on to other events
    ("… killed in northern Syria. Rockets from Syria have hit the Turkish town of Kilis …"), and a
    town named after it is theirs. With `other_day_after` (`location.same_day_next`: where the
    dateline ends), so does a sentence dated to another day than the report's own (`_another_day`).
    With `within` (provinces: `location.unnamed_town_next`), only a town of those provinces."""
    countries = {t.place.country_code for t in places if t.place is not None}
    days = told_days(sents[k], published, other_day_after, said=False) if other_day_after is not None else set()
    for j in range(k + 1, min(len(sents), k + 1 + FINER_WINDOW)):
        if new_paragraph(sents, j, text):
            return None
        if set_in_another_time(sents[j], published):
            continue
        if _another_day(days, sents[j], published):
            return None
        # The place a report was issued or words were spoken in ("a report issued in New York"),
        # or a capital acting for its state ("Moscow and Beijing have vetoed…"), does not say
        # where the attack was (`towns_of_event`).
        below = towns_of_event(sents[j], toponyms)
        if stop_abroad and _all_abroad(below, countries):
            return None
        finer = kept_towns(below, countries, within, places)
        if finer:
            # The most specific place of that sentence ("Khan Touman in Aleppo" → the town).
            best = min(finer, key=lambda t: kept_place(t).precision)
            return best, sents[j].start_char + len(span_text(sents[j]).rstrip())
    return None
