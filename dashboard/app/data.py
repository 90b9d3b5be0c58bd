"""The app's read-only view of the store, rebuilt only when the store's generation changes."""

from __future__ import annotations

import os
import threading
from typing import TYPE_CHECKING

import pandas as pd

from dashboard import schema as S
from dashboard.app.event_index import DICTIONARY_COLUMNS, EventIndex, build_index, index_from_frame
from dashboard.app.filter_masks import lowered_excerpts
from dashboard.app.listing import events_frame
from dashboard.app.views import DuckViews, MemoryViews
from dashboard.errors import StoreError
from dashboard.store_protocol import Store

if TYPE_CHECKING:  # imported where first used: DuckDB loads only for a store past the in-memory size
    from dashboard.app.duck_engine import DuckEngine

ENGINES = ("auto", "duckdb", "memory")
# With "auto" (the default), stores up to this many events are answered from the in-memory index
# (each answer a few milliseconds of numpy, the index built once per generation), larger ones by
# DuckDB over the store's files (nothing held or indexed; each answer a few queries). Both count
# events the same way (tests/test_duck.py holds them to the pandas oracle).
MEMORY_MAX_EVENTS = 250_000


class StoreView:
    """The current generation's views: the in-memory EventIndex or DuckDB over the files (see
    engine_for); and the events as pandas on demand (tools and tests; no view asks for them)."""

    def __init__(self, store: Store, engine: str | None = None) -> None:
        self.store = store
        self.engine = engine or os.environ.get("CONFLICTMAP_ENGINE") or "auto"
        if self.engine not in ENGINES:
            raise StoreError(f"unknown query engine {self.engine!r}; expected one of {', '.join(ENGINES)}")
        self._lock = threading.Lock()
        self._generation = -1
        self._index: EventIndex | None = None
        self._events: pd.DataFrame | None = None
        self._duck: DuckEngine | None = None
        self._duck_views: DuckViews | None = None

    def engine_for(self, m: dict) -> str:
        if self.engine != "auto":
            return self.engine
        return "memory" if int(m.get("n_events", 0)) <= MEMORY_MAX_EVENTS else "duckdb"

    def views(self) -> DuckViews | MemoryViews:
        """What the callbacks, the reader and the bench read, over the current generation."""
        m = self.store.current()
        if self.engine_for(m) == "memory":
            return MemoryViews(self.index())
        with self._lock:
            self._index = self._events = None  # grown past the in-memory size: let the index go
            self._generation = -1
            if self._duck is None:
                from dashboard.app.duck_engine import DuckEngine

                self._duck = DuckEngine(self.store)
            if self._duck_views is None or self._duck_views.generation != m["generation"]:
                self._duck_views = DuckViews(
                    self._duck,
                    int(m["n_events"]),
                    m["generation"],
                    rollup=bool(m["generation"] and m.get("rollup")),
                    later=True,
                )
            return self._duck_views

    def index(self) -> EventIndex:
        gen = self.store.current()["generation"]
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
        for a large store to load, and the excerpt search's text so the first search does not either
        (over DuckDB: what comes after an answer, DuckViews.after_answer); a broken store is reported
        by the request that reads it."""
        try:
            v = self.views()
            if isinstance(v, MemoryViews):
                lowered_excerpts(v.ix)
            else:  # the generation's view and its tolls, the counts line's total
                v.total()
                # What the next answers read, in its own thread below the requests' priority, from now
                # rather than from the first answer on (at ten million events the first brush waited
                # ~0.4 s for the rollup with integer places, read after the first answer).
                v.after_answer()
        except StoreError:
            return

    def events(self) -> pd.DataFrame:
        index = self.index()
        with self._lock:
            if self._events is None or self._index is not index:
                self._events = events_frame(index)
            return self._events
