"""The views from the numpy EventIndex (`MemoryViews`, `CONFLICTMAP_ENGINE=memory`: the whole table
as arrays, built once per generation), and what both engines' views share: the dropdowns' chosen
values and why nothing is listed (dashboard/app/views.py)."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pandas as pd

from dashboard import schema as S
from dashboard.app import engine as E
from dashboard.app import ids
from dashboard.app import listing as RL
from dashboard.app.event_index import EventIndex
from dashboard.app.filters import CHOICE_COLUMNS, Filters, choice_values, index_mask
from dashboard.app.query import Selection, totals_by_bin

CHOICES = list(ids.CHOICE_FILTERS)


def with_chosen(options: list[str], chosen: tuple[str, ...]) -> list[str]:
    known = set(options)
    return [*options, *(v for v in chosen if v not in known)]


def choice_lists(ix: EventIndex, f: Filters) -> list[list[str]]:
    """The dropdowns' options from the store's values, plus the chosen ones the store lacks (from a link)."""
    return [
        with_chosen(choice_values(ix, ids.CHOICE_FILTERS[c]) if ix.n else [], getattr(f, ids.CHOICE_FILTERS[c]))
        for c in CHOICES
    ]


def select_masks(ix: EventIndex, filters: Filters, sel: Selection) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(filtered, in_time, listed) row masks: the events after the filters, within the time window,
    and at the selected place. Filters come first, so every view and every count agree."""
    filtered = index_mask(ix, filters)
    in_time = filtered & E.date_mask(ix, sel.start, sel.end)
    return filtered, in_time, in_time & E.place_mask(ix, sel.place)


def timeline_bars(
    ix: EventIndex, filtered: np.ndarray, sel: Selection, unit: str, measure: str
) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """The timeline's bars (the selected place's, or all filtered events') and, with a place
    selected, the totals of every place behind them; only the chosen range ± one span."""
    shown = filtered & E.around(ix, sel.start, sel.end)
    if not sel.place:
        return E.timeline_series(ix, shown, unit, measure), None
    return (
        E.timeline_series(ix, shown & E.place_mask(ix, sel.place), unit, measure),
        totals_by_bin(E.timeline_series(ix, shown, unit, measure)),
    )


class MemoryViews:
    def __init__(self, ix: EventIndex) -> None:
        self.ix = ix
        self.n = ix.n

    def choices(self, f: Filters) -> list[list[str]]:
        return choice_lists(self.ix, f)

    def extent(self, f: Filters) -> tuple[pd.Timestamp, pd.Timestamp] | None:
        return E.date_extent(self.ix, index_mask(self.ix, f))

    def series(self, f: Filters, sel: Selection, unit: str, measure: str) -> tuple[pd.DataFrame, pd.DataFrame | None]:
        return timeline_bars(self.ix, index_mask(self.ix, f), sel, unit, measure)

    def places(self, f: Filters, sel: Selection) -> pd.DataFrame:
        return E.places_aggregate(self.ix, select_masks(self.ix, f, sel)[1])

    def figures(self, f: Filters, sel: Selection) -> tuple[int, int, int, int, int]:
        return E.selection_figures(self.ix, select_masks(self.ix, f, sel)[2])

    def newest(self, f: Filters, sel: Selection, limit: int, columns: tuple[str, ...] | None = None) -> pd.DataFrame:
        """Every column whatever `columns` asks (they cost nothing more from the index)."""
        return RL.rows_frame(self.ix, RL.newest_rows(self.ix, select_masks(self.ix, f, sel)[2], limit))

    def position(self, f: Filters, sel: Selection) -> int | None:
        """Where the selected event lies among the listed rows, newest first; None when it is not listed."""
        return RL.event_position(self.ix, select_masks(self.ix, f, sel)[2], sel.event) if sel.event else None

    def chunks(self, f: Filters, sel: Selection) -> Iterator[pd.DataFrame]:
        return RL.frame_chunks(self.ix, select_masks(self.ix, f, sel)[2])

    def event_row(self, event_id: str | None) -> dict | None:
        return RL.event_row(self.ix, event_id)

    def article_rows(self, article_id: str) -> pd.DataFrame:
        return RL.rows_frame(self.ix, RL.rows_where(self.ix, S.ARTICLE_ID, article_id))

    def total(self) -> int:
        return E.total_events(self.ix)

    def labelled(self, places: pd.DataFrame) -> pd.DataFrame:
        return RL.labelled(self.ix, places)

    def place_label(self, key: str | None) -> str | None:
        return RL.place_label(self.ix, key)

    def empty_reason(self, f: Filters, sel: Selection, n_listed: int) -> str | None:
        filtered, in_time, _ = select_masks(self.ix, f, sel)
        return empty_reason(self.n, bool(filtered.any()), bool(in_time.any()), n_listed)

    def values(self, name: str) -> set[str]:
        """Every value a choice filter can match in this store (not only the dropdown's most frequent)."""
        if name == "places":
            return set(self.ix.place_code)
        out: set[str] = set()
        for col in CHOICE_COLUMNS[name]:
            out.update(self.ix.types if col == S.EVENT_TYPE else self.ix.values[col])
        return out

    def has_event(self, event_id: str) -> bool:
        return bool(RL.rows_where(self.ix, S.EVENT_ID, event_id).size)

    def after_answer(self, f: Filters | None = None) -> None:
        """Nothing to build later: the index holds every answer."""


NO_MATCH = "No events match — clear a filter"


def empty_reason(n_store: int, any_filtered: bool, any_in_time: bool, n_listed: int) -> str | None:
    """Why nothing is listed, in words the page shows instead of empty axes; None when something is."""
    if n_listed or not n_store:
        return None
    if not any_filtered:
        return NO_MATCH
    if not any_in_time:
        return "No events in this time window — widen it, or double-click the timeline"
    return "No events at this place match — clear the selection or a filter"
