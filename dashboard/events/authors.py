"""Who acted, when no report of an event names its author: the defaults `assemble.merge_group` applies.

- `actors.air_power`: an air strike with no named author is by the air force the article names for
  its other air strikes, else by the state forces of the country hit;
- `actors.same_means`: an attack by a means few parties use (the lexicon's `[distinctive_means]`) is
  by the one author the article names for that means;
- `actors.unidentified`: other violence with no named author is by an "Unidentified Armed Group";
- `actors.named_over_generic`: a named group one report gives wins over another's generic word;
- `actors.no_ground_flyers`: an armed group read as an air strike's author is its target (such groups
  fly no combat aircraft), and the air force above is the author;
- `actors.crowd`: a protest with no named author is by "Protesters (country)", a riot by "Rioters
  (country)", as ACLED codes them; the people, residents or students the parse read as a protest's
  target are its crowd, not someone it hit;
- `types.armed_target`: an attack told by the place it hit (the lexicon's `armed_target` rule: "gunmen
  attacked a village") whose target is an armed side (state forces, rebels, militias: actor2's code 1-4
  or 8) is an armed clash; a massacre or an execution keeps its type whoever its victims were (deaths
  of a side's men take no neighbour's violence against civilians either: `lexicon.type_from_neighbours`);
- `types.crowd_clash`: a crowd that fights ("protesters clashed with police") riots: a "Violent
  demonstration" by "Rioters (country)", not an armed clash;
- `types.civilian_clash`: civilians who clash with a state's forces or with each other ("police
  clashed with students", "traders clashed with riot police") riot too: ACLED's "Violent
  demonstration" where a report of the event tells a protest (`[types] protest_told`), else "Mob
  violence", by "Rioters (country)";
- `types.excessive_force`: protesters killed by a state's forces ("security forces killed three
  protesters", "police shot dead two demonstrators") are ACLED's "Excessive force against protesters",
  by the crowd, the force actor2; by anyone else violence against civilians (a crowd is no armed side);
- `actors.civilian_target`: violence against civilians whose reports name no target is against
  "Civilians (country)" (ACLED's actor2 of every such event: "gunmen attacked a village");
- `types.protest_intervention`: a protest its sentences tell was met with force short of killing (tear
  gas, water cannon, rubber bullets, arrests, dispersal: `[types] intervention` in words.toml) is
  ACLED's "Protest with intervention", by its crowd, and the state's force that met it (named as the
  act's author by the parse: "police fired tear gas at the protesters") is actor2.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

from dashboard import schema as S
from dashboard.events.actor_entries import ARMED_INTER, SIDE_OF_INTER
from dashboard.events.actor_groups import is_generic_group
from dashboard.events.actors import UNIDENTIFIED, VICTIM_INTER, load_dictionary
from dashboard.events.lexicon import CIVILIAN_VIOLENCE, lexicon_data
from dashboard.rules import Switches
from dashboard.wordlists import phrase_list

WORDS = Path(__file__).with_name("words.toml")  # the word lists, each with why it exists
VIOLENT = frozenset({"Battles", "Explosions/Remote violence", "Violence against civilians"})
BATTLES, ARMED_CLASH = "Battles", "Armed clash"


# ACLED's crowds (`actors.crowd`): who protests or riots, named by the country, with their code.
CROWDS = {"Protests": ("Protesters ({country})", 6), "Riots": ("Rioters ({country})", 5)}

AIR_STRIKE = "Air/drone strike"
PEACEFUL_PROTEST = "Peaceful protest"
PROTEST_WITH_INTERVENTION = "Protest with intervention"
EXCESSIVE_FORCE = "Excessive force against protesters"
VIOLENT_DEMONSTRATION = "Violent demonstration"
PROTESTERS_INTER = 6  # ACLED's code of protesters
MOB_VIOLENCE = "Mob violence"
_PROTEST_TOLD = re.compile(r"\b(?:" + "|".join(phrase_list(WORDS, "types.protest_told")) + r")\b", re.I)
_INTERVENTION = re.compile(r"\b(?:" + "|".join(phrase_list(WORDS, "types.intervention")) + r")\b", re.I)
STATE_FORCES = "Military Forces of "


def air_force_of(rows: list[dict], country: str, country_code: str) -> tuple[str, int] | None:
    """Who flies the article's air strikes: the state forces it names most as their author, else the
    state forces of the country hit."""
    named: dict[tuple[str, int], int] = {}
    for r in rows:
        if (
            r[S.SUB_EVENT_TYPE] == AIR_STRIKE
            and str(r.get(S.ACTOR1) or "").startswith(STATE_FORCES)
            and r.get(S.INTER1) in (1, 8)
        ):
            key = (r[S.ACTOR1], r[S.INTER1])
            named[key] = named.get(key, 0) + 1
    if named:
        return max(named, key=lambda k: named[k])
    if not country:
        return None
    canonical = load_dictionary().state_canonical.get(country_code, f"{STATE_FORCES}{country}")
    return canonical, 1


@lru_cache(maxsize=1)
def distinctive_means() -> frozenset[str]:
    """The sub-event types whose means of attack few parties use (the lexicon's `[distinctive_means]`)."""
    return frozenset(lexicon_data().get("distinctive_means", {}).get("sub_event_types", []))


def means_authors(rows: list[dict]) -> dict[str, tuple[str, int]]:
    """For each distinctive means of attack, the one author the article names for it (a means whose
    reports name two different authors gets none: the article does not say which one it was). Only
    events name it: a mention's author did not do this ("the group has carried out similar bombings",
    "the army denied shelling the town")."""
    named: dict[str, set[tuple[str, int]]] = {}
    for r in rows:
        actor, inter = str(r.get(S.ACTOR1) or ""), r.get(S.INTER1)
        if (
            r.get(S.RECORD_KIND, "event") == "event"
            and r[S.SUB_EVENT_TYPE] in distinctive_means()
            and actor
            and inter in SIDE_OF_INTER
            and not actor.startswith(UNIDENTIFIED.split("(")[0])
        ):
            named.setdefault(r[S.SUB_EVENT_TYPE], set()).add((actor, int(inter)))
    return {means: next(iter(authors)) for means, authors in named.items() if len(authors) == 1}


def named_group(rows: list[dict], actor: str, inter: str, informativeness: Callable[[dict], tuple]) -> dict | None:
    """The most informative report of the event that names an armed group in this slot, if any."""
    named = [
        r
        for r in rows
        if r.get(actor)
        and r.get(inter) in (2, 3)
        and not is_generic_group(str(r[actor]))
        and r.get(S.RECORD_KIND, "event") == "event"
    ]
    return max(named, key=informativeness) if named else None


def complete_authors(
    out: dict,
    rows: list[dict],
    switches: Switches,
    air_force: tuple[str, int] | None,
    authors: dict[str, tuple[str, int]],
) -> None:
    """The author rules after the reports' own names (`assemble._complete_actors`): the striker
    grounded, a protest met with force, the defaults when no report names an author."""
    if switches.on("actors.no_ground_flyers"):
        ground_the_striker(out, rows)
    if switches.on("types.protest_intervention"):
        _met_with_force(out, rows)
    if switches.on("types.crowd_clash"):
        _crowd_clash(out)
    if switches.on("types.civilian_clash"):
        _civilian_clash(out, rows)
    if switches.on("types.excessive_force"):
        _killed_protesters(out)
    if not out[S.ACTOR1]:
        default_author(out, switches, air_force, authors)
    if switches.on("types.armed_target"):
        _armed_target(out, rows)
    if switches.on("actors.civilian_target") and out[S.EVENT_TYPE] == CIVILIAN_VIOLENCE and not out[S.ACTOR2]:
        out[S.ACTOR2], out[S.INTER2] = _victims().format(country=out[S.COUNTRY] or "unknown country"), VICTIM_INTER


def _armed_target(out: dict, rows: list[dict]) -> None:
    """`types.armed_target`: an attack told by the place it hit, on a side's men there, is a battle
    ("attacked the village" in one report, "the attack on military posts there" in another)."""
    if out[S.SUB_EVENT_TYPE] != "Attack" or out[S.INTER2] not in ARMED_INTER:
        return
    told_by_place = _armed_target_triggers()
    if told_by_place is not None and any(told_by_place.search(str(r.get(S.TRIGGER) or "")) for r in rows):
        out[S.EVENT_TYPE], out[S.SUB_EVENT_TYPE] = BATTLES, ARMED_CLASH


@lru_cache(maxsize=1)
def _armed_target_triggers() -> re.Pattern[str] | None:
    """The lexicon's patterns of attacks told by the place they hit (`armed_target = true`), as one."""
    pats = [p for r in lexicon_data()["rule"] if r.get("armed_target") for p in r["patterns"]]
    return re.compile("|".join(f"(?:{p})" for p in pats), re.I) if pats else None


@lru_cache(maxsize=1)
def _victims() -> str:
    """The actor dictionary's name for the victims of violence ("Civilians ({country})")."""
    return next(entry.name for _, entry, _ in load_dictionary().patterns if entry.victim)


def _crowd_clash(out: dict) -> None:
    """`types.crowd_clash`: a crowd that fights ("protesters clashed with police", "demonstrators
    attacked the riot police") riots: ACLED's battles are between armed, organised sides, and a crowd
    that turns violent is a "Violent demonstration" by "Rioters (country)" (code 5), the side it
    fought actor2. So is a clash told from the other side ("police clashed with protesters") where
    nobody died; deaths there are the force's (`types.excessive_force`). The protesters a riot's
    parse names ("stone-throwing demonstrators") are its rioters."""
    name, inter = CROWDS["Riots"]
    crowd = (CROWDS["Protests"][1], inter)
    if out[S.EVENT_TYPE] == BATTLES:
        if out[S.INTER2] in crowd and out[S.INTER1] not in crowd and not out.get(S.FATALITIES):
            _swap_sides(out)
        if out[S.INTER1] in crowd:
            out[S.EVENT_TYPE], out[S.SUB_EVENT_TYPE] = "Riots", VIOLENT_DEMONSTRATION
    if out[S.EVENT_TYPE] == "Riots" and out[S.INTER1] in crowd:
        out[S.ACTOR1], out[S.INTER1] = name.format(country=out[S.COUNTRY] or "unknown country"), inter


def _swap_sides(out: dict) -> None:
    """The row's actor1 and actor2 (and their codes) exchanged: the parse read the sides the other way."""
    out[S.ACTOR1], out[S.ACTOR2] = out[S.ACTOR2], out[S.ACTOR1]
    out[S.INTER1], out[S.INTER2] = out[S.INTER2], out[S.INTER1]


def _civilian_clash(out: dict, rows: list[dict]) -> None:
    """`types.civilian_clash`: an armed clash one of whose sides is civilians ("police clashed with
    students", "residents clashed with soldiers"), the other a state's forces or civilians too, is no
    battle (ACLED's battles are between armed, organised sides): civilians who fight riot. Its
    civilians become "Rioters (country)" (actor1, the force actor2); a "Violent demonstration" where
    a report of it tells a protest, else "Mob violence". Not against rebels or militias (villagers
    who fight an armed group may be a militia of their own, or its victims), nor with deaths
    ("soldiers killed 40 civilians" read as a clash: who killed whom is not a riot's)."""
    sides = (out[S.INTER1], out[S.INTER2])
    if out[S.EVENT_TYPE] != BATTLES or VICTIM_INTER not in sides or out.get(S.FATALITIES):
        return  # civilians killed: their deaths, not a fight, are what the reports tell
    other = sides[1] if sides[0] == VICTIM_INTER else sides[0]
    if other != VICTIM_INTER and SIDE_OF_INTER.get(other) != "state":
        return  # an armed group's, or a side no report names (its default author is armed)
    if out[S.INTER1] != VICTIM_INTER:
        _swap_sides(out)
    name, inter = CROWDS["Riots"]
    rioters = name.format(country=out[S.COUNTRY] or "unknown country")
    if out[S.INTER2] == VICTIM_INTER:
        out[S.ACTOR2], out[S.INTER2] = rioters, inter
    out[S.ACTOR1], out[S.INTER1] = rioters, inter
    told = any(_PROTEST_TOLD.search(str(r.get(S.EXCERPT) or "")) for r in rows)
    out[S.EVENT_TYPE], out[S.SUB_EVENT_TYPE] = "Riots", VIOLENT_DEMONSTRATION if told else MOB_VIOLENCE


def _killed_protesters(out: dict) -> None:
    """`types.excessive_force`: protesters killed ("security forces killed three protesters", "police
    shot dead two demonstrators") by a state's forces are ACLED's "Excessive force against
    protesters", by the crowd, the force actor2 (as a protest with intervention); by anyone else,
    violence against civilians, not the armed clash deaths told in general terms are typed (a crowd
    is no armed side)."""
    if out[S.SUB_EVENT_TYPE] not in (ARMED_CLASH, "Attack") or out[S.INTER2] != PROTESTERS_INTER:
        return
    if SIDE_OF_INTER.get(out[S.INTER1]) == "state":
        out[S.EVENT_TYPE], out[S.SUB_EVENT_TYPE] = "Protests", EXCESSIVE_FORCE
        _swap_sides(out)
    elif out[S.INTER1] != PROTESTERS_INTER:
        out[S.EVENT_TYPE], out[S.SUB_EVENT_TYPE] = CIVILIAN_VIOLENCE, "Attack"


def _met_with_force(out: dict, rows: list[dict]) -> None:
    """`types.protest_intervention`: a protest whose reports tell force short of killing used on it is
    a protest with intervention; a state's force read as its author met it (actor2), and its crowd is
    the author (`_crowd`). Not with deaths: lethal force is another sub-type, and its own words
    ("shot dead", "killed") type such a sentence an attack before any protest word."""
    if out[S.EVENT_TYPE] != "Protests" or out.get(S.FATALITIES):
        return
    if not any(_INTERVENTION.search(str(r.get(S.EXCERPT) or "")) for r in rows):
        return
    out[S.SUB_EVENT_TYPE] = PROTEST_WITH_INTERVENTION
    if out[S.INTER1] == 1:
        out[S.ACTOR2], out[S.INTER2] = out[S.ACTOR1], out[S.INTER1]
        out[S.ACTOR1], out[S.INTER1] = "", None


def default_author(
    out: dict, switches: Switches, air_force: tuple[str, int] | None, authors: dict[str, tuple[str, int]]
) -> None:
    """actor1 when no report names one (see `_complete_actors`)."""
    if not out[S.ACTOR1] and out[S.SUB_EVENT_TYPE] == AIR_STRIKE and switches.on("actors.air_power") and air_force:
        out[S.ACTOR1], out[S.INTER1] = air_force
    if not out[S.ACTOR1] and out[S.SUB_EVENT_TYPE] in authors and switches.on("actors.same_means"):
        out[S.ACTOR1], out[S.INTER1] = authors[out[S.SUB_EVENT_TYPE]]
    _crowd(out, switches)
    if not out[S.ACTOR1] and out[S.EVENT_TYPE] in VIOLENT and switches.on("actors.unidentified"):
        out[S.ACTOR1] = UNIDENTIFIED.format(country=out[S.COUNTRY] or "unknown country")
        out[S.INTER1] = 3


def _crowd(out: dict, switches: Switches) -> None:
    """`actors.crowd`: a protest's or a riot's crowd as its author when none is named; the people a
    protest's parse read as its target ("hundreds of people protested") are that crowd."""
    if out[S.ACTOR1] or out[S.EVENT_TYPE] not in CROWDS or not switches.on("actors.crowd"):
        return
    name, inter = CROWDS[out[S.EVENT_TYPE]]
    if out[S.EVENT_TYPE] == "Protests" and out.get(S.INTER2) == VICTIM_INTER:
        out[S.ACTOR2], out[S.INTER2] = "", None
    out[S.ACTOR1], out[S.INTER1] = name.format(country=out[S.COUNTRY] or "unknown country"), inter


def ground_the_striker(out: dict, rows: list[dict]) -> None:
    """`actors.no_ground_flyers`: an air strike's actor1 that is an armed group flying no combat aircraft
    ("jets pounded IS-held villages" read with IS as the striker) is its target when none is named, and
    actor1 is left to `default_author` (the article's air force)."""
    # Every report must tell an air strike: a group that fired the rockets one report tells and a raid
    # another tells, merged into one row, may be the author of the row's event after all. Armed
    # groups do fly drones.
    if (
        out[S.SUB_EVENT_TYPE] == AIR_STRIKE
        and SIDE_OF_INTER.get(out[S.INTER1]) == "armed group"  # rebels and militias: no combat aircraft
        and all(r[S.SUB_EVENT_TYPE] == AIR_STRIKE for r in rows)
        and not any("drone" in str(r.get(S.TRIGGER) or "").lower() for r in rows)
    ):
        if not out[S.ACTOR2]:
            out[S.ACTOR2], out[S.INTER2] = out[S.ACTOR1], out[S.INTER1]
        out[S.ACTOR1], out[S.INTER1] = "", None
