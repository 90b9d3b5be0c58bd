"""The store seam: EventsStore has what the Store protocol says the app and the pipeline need, with
the same signatures, and the app's views run on any object that has it (here a store held in memory)."""

from __future__ import annotations

import inspect
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest

from dashboard import schema as S
from dashboard.app.data import StoreView
from dashboard.app.filters import Filters
from dashboard.app.query import Selection
from dashboard.store import EventsStore
from dashboard.store_protocol import Store, StoreReader


def _members(protocol: type) -> list[str]:
    return [name for name, _ in inspect.getmembers(protocol) if not name.startswith("_")]


@pytest.mark.parametrize("protocol", [StoreReader, Store])
def test_events_store_has_what_the_protocol_asks(tmp_path: Path, protocol: type) -> None:
    store = EventsStore(tmp_path / "store")
    assert isinstance(store, protocol)
    for name in _members(protocol):
        wanted = getattr(protocol, name)
        if isinstance(wanted, property):
            assert isinstance(getattr(store, name), Path)
            continue
        have = inspect.signature(getattr(EventsStore, name))
        assert list(have.parameters.items()) == list(inspect.signature(wanted).parameters.items()), name


def test_the_protocols_list_what_the_app_and_the_ingest_call() -> None:
    assert set(_members(StoreReader)) == {
        "root",
        "manifest",
        "current",
        "files",
        "load_events",
        "load_events_table",
        "load_article",
        "article_ids",
    }
    assert set(_members(Store)) - set(_members(StoreReader)) == {"append", "patch_events", "finish_pending"}


class MemoryStore:
    """A store that holds one generation of events in memory: enough for the app's in-memory views."""

    def __init__(self, events: pd.DataFrame, root: Path) -> None:
        self._table = pa.Table.from_pandas(S.coerce_events(events), preserve_index=False)
        self._root = root

    @property
    def root(self) -> Path:
        return self._root

    def manifest(self) -> dict:
        return {"generation": 1, "n_events": self._table.num_rows, "n_articles": 1}

    def current(self) -> dict:
        return self.manifest()

    def files(self, m: dict | None = None) -> tuple[list[str], list[str]]:
        return [], []

    def load_events(self, columns: list[str] | None = None) -> pd.DataFrame:
        df = S.coerce_events(self._table.to_pandas())
        return df if columns is None else df[columns]

    def load_events_table(self, dictionary: tuple[str, ...] = (), columns: list[str] | None = None) -> pa.Table | None:
        table = self._table if columns is None else self._table.select(columns)
        return pa.table({n: table[n].dictionary_encode() if n in dictionary else table[n] for n in table.column_names})

    def load_article(self, article_id: str) -> dict | None:
        return None

    def article_ids(self) -> set[str]:
        return set(self._table[S.ARTICLE_ID].to_pylist())

    def append(self, events: pd.DataFrame, articles: object) -> tuple[int, int]:
        raise NotImplementedError("read-only in this test")

    def patch_events(self, condition: str, params: list, transform: object, pending: dict | None = None) -> int:
        raise NotImplementedError("read-only in this test")

    def finish_pending(self, apply: object) -> bool:
        return False


def test_the_app_views_answer_from_any_store_with_the_protocol(tmp_path: Path, make_events) -> None:
    events = make_events(
        dict(event_id="a", fatalities=3),
        dict(event_id="b", fatalities=4, event_date="2020-03-06"),
        dict(event_id="c", location="Aleppo", latitude=36.2, longitude=37.16, toponym="Aleppo"),
    )
    memory = MemoryStore(events, tmp_path)
    assert isinstance(memory, Store)
    on_disk = EventsStore(tmp_path / "store")
    on_disk.replace_events(events)
    answers = []
    for store in (memory, on_disk):
        views = StoreView(store, engine="memory").views()
        newest = views.newest(Filters(), Selection(), 10)
        answers.append(
            (
                views.figures(Filters(), Selection()),
                newest[S.EVENT_ID].tolist(),
                views.places(Filters(), Selection())[[S.LOCATION, "n_events", "fatalities", "tolled"]]
                .sort_values(S.LOCATION)
                .to_dict("records"),
            )
        )
    assert answers[0] == answers[1]
    figures, newest_ids, places = answers[0]
    assert figures == (3, 2, 7, 7, 2) and newest_ids == ["b", "a", "c"]
    assert places == [
        {S.LOCATION: "Aleppo", "n_events": 1, "fatalities": 0, "tolled": 0},
        {S.LOCATION: "Idlib", "n_events": 2, "fatalities": 7, "tolled": 2},
    ]
