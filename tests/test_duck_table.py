"""The table of the selection on DuckDB (app/duck_table.py) against the in-memory table (app/table.py):
the same events in the same order for every sort, with the same tolls and numbers of reports."""

from __future__ import annotations

import random

import pandas as pd
import pytest

from dashboard import schema as S
from dashboard.app import duck_table as DT
from dashboard.app.event_index import build_index
from dashboard.app.filters import Filters
from dashboard.app.query import Selection
from dashboard.app.table import COLUMNS, sorted_events, table_frame
from dashboard.app.views import select_masks
from tests.test_duck import random_state, stored  # noqa: F401 (the fixture)


def _keyed(df: pd.DataFrame, column: str) -> list[tuple]:
    """Each row's sort key and day, comparable across the two engines (ties may lie in any order). By
    place, the key only: the in-memory table orders namesakes by their labels ("Adra (2 km E of
    Damascus)"), DuckDB by the name, then newest first, so within one name the days may differ."""
    name = DT.NAMED.get(column)

    def key(r: dict) -> object:
        if column == "date":
            return None
        if column == "deaths":
            return (int(r["deaths_low"]), int(r["deaths_high"]))
        value = r[name]
        return None if not isinstance(value, str) or not value.strip() else value.casefold()

    day = pd.to_datetime(df[S.EVENT_DATE]).dt.strftime("%Y-%m-%d").fillna("")
    if column == "place":
        day = pd.Series([""] * len(df))
    return [(key(r), d) for r, d in zip(df.to_dict("records"), day, strict=True)]


def _by_event(df: pd.DataFrame) -> dict[str, tuple[int, int, int]]:
    return {
        str(r[S.EVENT_ID]): (int(r["deaths_low"]), int(r["deaths_high"]), int(r["reports"]))
        for r in df.to_dict("records")
    }


@pytest.mark.parametrize("seed", range(3))
def test_the_duckdb_table_is_the_in_memory_table(stored, seed: int) -> None:  # noqa: F811
    db, events = stored
    ix = build_index(db.store.load_events_table())
    rng = random.Random(300 + seed)
    states = [(Filters(), Selection())] + [random_state(rng, events) for _ in range(2)]
    for f, sel in states:
        order_all = None
        for column in COLUMNS:
            for desc in (True, False):
                want = table_frame(ix, sorted_events(ix, select_masks(ix, f, sel)[2], column, desc))
                got = DT.page(db, f, sel, column, desc, 0, 10**7)
                assert len(got) == len(want), (column, desc)
                assert _keyed(got, column) == _keyed(want, column), (column, desc, f, sel)
                assert _by_event(got) == _by_event(want), (column, desc)
                order_all = order_all or list(got[S.EVENT_ID])
        if order_all:
            page = DT.page(db, f, sel, "date", True, 5, 7)
            full = DT.page(db, f, sel, "date", True, 0, 10**7)
            assert list(page[S.EVENT_ID]) == list(full[S.EVENT_ID])[5:12], "a page is its slice of the whole order"


def test_the_panel_of_a_duckdb_store_shows_the_table_when_asked(stored) -> None:  # noqa: F811
    """Past the in-memory size the panel sorts and pages the table in SQL, as the in-memory index does
    (it said "the table is kept for smaller stores" and listed sentences before)."""
    import json

    from dashboard.app.table import TABLE_LIMIT, views_panel
    from dashboard.app.views import DuckViews

    db, events = stored
    views = DuckViews(db, len(events), db.store.manifest()["generation"])
    total = views.figures(Filters(), Selection())[0]
    state = {"view": "table", "sort": "deaths", "desc": True}
    panel = json.dumps(views_panel(views, Filters(), Selection(), total, None, state, None, None))
    assert '"Table"' in panel and "kept for stores" not in panel
    assert panel.count('"data-action": "row"') == TABLE_LIMIT
    want = DT.page(db, Filters(), Selection(), "deaths", True, 0, TABLE_LIMIT)
    assert all(f'"data-event": "{e}"' in panel for e in want[S.EVENT_ID])
