"""What a link asks for that this store does not have: dropped, with a note the page shows.

state.parse_query checks a link's form (numbers, dates, known words); this checks its values
against the store's: a type, country or source no event has, a place or an event id the store
lacks. Keeping them would show an empty map with no reason given.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any, Protocol

from dashboard.app.event_index import EventIndex
from dashboard.app.filters import CHOICE_COLUMNS, Filters
from dashboard.app.state import CHOICE_PARAMS, ViewState, quoted_param
from dashboard.app.views import MemoryViews

PARAM_OF = {name: param for param, name in CHOICE_PARAMS.items()}


class KnownValues(Protocol):
    """What a link's values are checked against (views.MemoryViews and views.DuckViews)."""

    def values(self, name: str) -> set[str]: ...

    def has_event(self, event_id: str) -> bool: ...


def known_state(state: ViewState, source: KnownValues | EventIndex) -> tuple[ViewState, list[str]]:
    """`state` without the values this store lacks, and a note for each one dropped. `source` is the
    store's views (views.MemoryViews or DuckViews), or an EventIndex."""
    v: KnownValues = MemoryViews(source) if isinstance(source, EventIndex) else source
    notes: list[str] = []
    f = state.filters
    kept: dict[str, Any] = {}  # column -> the chosen values the store has
    for name in CHOICE_COLUMNS:
        chosen = getattr(f, name)
        if not chosen:
            continue
        known = v.values(name)
        kept[name] = tuple(x for x in chosen if x in known)
        notes.extend(
            f"{PARAM_OF[name]}={quoted_param(x)}: no such value in these events" for x in chosen if x not in known
        )
    sel = state.selection
    if sel.place and sel.place not in v.values("places"):
        notes.append(f"place={quoted_param(sel.place)}: no such place in these events")
        sel = replace(sel, place=None)
    if sel.event and not v.has_event(sel.event):
        notes.append(f"event={quoted_param(sel.event)}: no such event")
        sel = replace(sel, event=None)
    filters: Filters = replace(f, **kept)
    return replace(state, filters=filters, selection=sel), notes


def note_text(notes: list[str]) -> str:
    """One line for the page: what the link asked for that was left out."""
    if not notes:
        return ""
    return "Left out of the link: " + "; ".join(notes[:6]) + (f"; and {len(notes) - 6} more" if len(notes) > 6 else "")
