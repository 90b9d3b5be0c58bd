"""The app's read-only view of the store, rebuilt only when the store's generation changes."""

from __future__ import annotations

import threading

import pandas as pd

from dashboard import schema as S
from dashboard.app.engine import (
    DICTIONARY_COLUMNS,
    EventIndex,
    build_index,
    events_frame,
    index_from_frame,
    lowered_excerpts,
)
from dashboard.app.views import MemoryViews
from dashboard.errors import StoreError
from dashboard.store import EventsStore

# The dashboard answers from the in-memory index only. The DuckDB engine (app/duck.py, DuckViews)
# still counts reports, not events (mentions included, a cluster's reports each counted), so it is
# not offered until it gives the issue-11 figures the index gives (tests/test_duck.py, xfail).
ENGINE = "memory"


class StoreView:
    """The current generation's EventIndex (arrays for the views), and its events as pandas on demand.

    The index is what every callback reads; the pandas table (a Python string per cell, ~2 GB at a
    million events) is only built when some code asks for `events()` (tools and tests; no view does)."""

    def __init__(self, store: EventsStore) -> None:
        self.store = store
        self._lock = threading.Lock()
        self._generation = -1
        self._index: EventIndex | None = None
        self._events: pd.DataFrame | None = None

    def engine_for(self, m: dict) -> str:  # noqa: ARG002 (one engine for every store, see ENGINE)
        return ENGINE

    def views(self) -> MemoryViews:
        """The views the reader and the bench read, over the current generation's index."""
        return MemoryViews(self.index())

    def index(self) -> EventIndex:
        gen = self.store.manifest()["generation"]
        index = self._index
        if gen != self._generation or index is None:
            with self._lock:
                if gen != self._generation or self._index is None:
                    table = self.store.load_events_table(dictionary=DICTIONARY_COLUMNS)
                    self._index = index_from_frame(S.empty_events()) if table is None else build_index(table)
                    self._events = None
                    self._generation = gen
                index = self._index
        return index

    def warm(self) -> None:
        """Build the index now (in a background thread at start-up) so the first visitor does not wait
        for a large store to load, and the excerpt search's text so the first search does not either;
        a broken store is reported by the request that reads it."""
        try:
            lowered_excerpts(self.index())
        except StoreError:
            return

    def events(self) -> pd.DataFrame:
        index = self.index()
        with self._lock:
            if self._events is None or self._index is not index:
                self._events = events_frame(index)
            return self._events
