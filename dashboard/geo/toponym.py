"""The record that travels from recognition to the event extractor: a place name in the text and the
place it resolved to.
"""

from __future__ import annotations

from dataclasses import dataclass

from dashboard.geo.gazetteer import Place


@dataclass(frozen=True)
class Toponym:
    """A place name in the text and the place it resolved to (None when no candidate fits).

    Immutable: each stage of the geoparser hands on new records (`dataclasses.replace`), so a
    toponym the caller holds never changes under it."""

    start: int
    end: int
    text: str
    label: str
    is_demonym: bool = False
    place: Place | None = None
    score: float = 0.0
    alternatives: tuple[tuple[Place, float], ...] = ()  # the ranked candidates, best first
    admin_hint: bool = False
    state: bool = False  # a demonym that stands for the state: "Turkish forces", "Russian officials"
    embedded: bool = False  # part of an organisation's or a building's name: "Kentucky State Police"
    fallback: bool = False  # placed at the nearest town the text names, not by its name (`nearest_town`)
    inner: bool = False  # found inside a longer name the gazetteer lacks ("Akhtarin Turkmen Bari" → Bari)

    @property
    def resolved(self) -> bool:
        return self.place is not None
