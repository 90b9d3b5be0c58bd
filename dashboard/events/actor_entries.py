"""The actor dictionary's records (dashboard/events/actors.py): an entry of the dictionary, a name
of it found in a text, and the actor a row names."""

from __future__ import annotations

from dataclasses import dataclass

# ACLED's interaction codes by side: state and foreign forces (air forces are easily confused for
# each other: Syrian or Russian jets), armed groups; everyone else (protesters, rioters, civilians)
# is no armed side.
SIDE_OF_INTER = {1: "state", 8: "state", 2: "armed group", 3: "armed group", 4: "armed group"}
ARMED_INTER = frozenset(SIDE_OF_INTER)


@dataclass(frozen=True)
class ActorEntry:
    name: str  # may hold {country}, {country_name} or {state_forces}, filled from the event's country
    inter: int
    generic: bool = False  # a word whose country is the event's ("the army", "civilians")
    victim: bool = False
    state: str = ""  # the country code of a state's forces
    capital: bool = False  # named by its capital ("Moscow"), as the author only


@dataclass(frozen=True)
class Mention:
    start: int  # character offsets in the document
    end: int
    entry: ActorEntry
    bare: bool = False  # a country named alone ("Russia"): an actor only as the agent


@dataclass(frozen=True)
class Actor:
    name: str
    inter: int
