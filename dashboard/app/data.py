"""The app's read-only view of the store, reloaded only when the store's generation changes."""

from __future__ import annotations

import threading

import pandas as pd

from dashboard.app.query import with_place_key
from dashboard.store import EventsStore


class StoreView:
    def __init__(self, store: EventsStore) -> None:
        self.store = store
        self._lock = threading.Lock()
        self._generation = -1
        self._events = pd.DataFrame()

    def events(self) -> pd.DataFrame:
        gen = self.store.manifest()["generation"]
        if gen != self._generation:
            with self._lock:
                if gen != self._generation:
                    self._events = with_place_key(self.store.load_events())
                    self._generation = gen
        return self._events
