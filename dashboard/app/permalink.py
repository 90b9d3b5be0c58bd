"""What a link asks for that this store does not have: dropped, with a note the page shows.

state.parse_query checks a link's form (numbers, dates, known words); this checks its values
against the store's: a type, country or source no event has, a place or an event id the store
lacks. Keeping them would show an empty map with no reason given.
"""

from __future__ import annotations

from dataclasses import replace

from dashboard import schema as S
from dashboard.app import engine as E
from dashboard.app.engine import EventIndex
from dashboard.app.filters import CHOICE_COLUMNS, Filters
from dashboard.app.state import CHOICE_PARAMS, ViewState, _shown

PARAM_OF = {name: param for param, name in CHOICE_PARAMS.items()}


def store_values(ix: EventIndex, name: str) -> set[str]:
    """Every value a choice filter can match in this store (not only the dropdown's most frequent)."""
    if name == "places":
        return set(ix.place_code)
    out: set[str] = set()
    for col in CHOICE_COLUMNS[name]:
        out.update(ix.types if col == S.EVENT_TYPE else ix.values[col])
    return out


def known_state(state: ViewState, ix: EventIndex) -> tuple[ViewState, list[str]]:
    """`state` without the values this store lacks, and a note for each one dropped."""
    notes: list[str] = []
    f = state.filters
    kept = {}
    for name in CHOICE_COLUMNS:
        chosen = getattr(f, name)
        if not chosen:
            continue
        known = store_values(ix, name)
        kept[name] = tuple(v for v in chosen if v in known)
        notes.extend(f"{PARAM_OF[name]}={_shown(v)}: no such value in these events" for v in chosen if v not in known)
    sel = state.selection
    if sel.place and sel.place not in ix.place_code:
        notes.append(f"place={_shown(sel.place)}: no such place in these events")
        sel = replace(sel, place=None)
    if sel.event and not E.rows_where(ix, S.EVENT_ID, sel.event).size:
        notes.append(f"event={_shown(sel.event)}: no such event")
        sel = replace(sel, event=None)
    filters: Filters = replace(f, **kept)
    return replace(state, filters=filters, selection=sel), notes


def note_text(notes: list[str]) -> str:
    """One line for the page: what the link asked for that was left out."""
    if not notes:
        return ""
    return "Left out of the link: " + "; ".join(notes[:6]) + (f"; and {len(notes) - 6} more" if len(notes) > 6 else "")
