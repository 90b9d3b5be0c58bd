"""The selection as a table (app/table.py): one row per event, sorted on the server, paged, text as text."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest

from dashboard.app import engine as E
from dashboard.app import event_index as EI
from dashboard.app import listing as RL
from dashboard.app.filters import Filters
from dashboard.app.query import Selection
from dashboard.app.table import TABLE_LIMIT, side_panel, sort_state, sorted_events, table_frame


@pytest.fixture
def index(make_events):
    # Two reports of one attack (one cluster, 3 and 5 dead), an older clash with no toll, and a
    # shelling whose source is hostile markup.
    return EI.index_from_frame(
        make_events(
            dict(
                event_id="a1",
                article_id="x",
                cluster_id="c1",
                fatalities=3,
                source="Outlet B",
                event_date="2021-05-03",
                event_type="Violence against civilians",
                sub_event_type="Attack",
                actor1="Zeta Group",
            ),
            dict(
                event_id="a2",
                article_id="y",
                cluster_id="c1",
                fatalities=5,
                source="Outlet C",
                event_date="2021-05-03",
                event_type="Violence against civilians",
                sub_event_type="Attack",
                actor1="Zeta Group",
            ),
            dict(
                event_id="b",
                article_id="z",
                event_date="2020-01-01",
                fatalities=None,
                source="Outlet A",
                actor1="Alpha Army",
                location="Homs",
                toponym="Homs",
                latitude=34.72,
                longitude=36.72,
            ),
            dict(
                event_id="c",
                article_id="w",
                event_date="2022-02-02",
                fatalities=1,
                source="<img src=x onerror=alert(1)>",
                event_type="Explosions/Remote violence",
                sub_event_type="Shelling/artillery/missile attack",
                actor1="Mid Force",
                location="Hama",
                toponym="Hama",
                latitude=35.13,
                longitude=36.75,
            ),
        )
    )


def ids_in(ix, order):
    return [str(v) for v in RL.rows_frame(ix, order)["event_id"]]


def test_one_row_per_event_newest_first_by_default(index):
    order = sorted_events(index, E.all_rows(index), *sort_state(None))
    assert ids_in(index, order) == ["c", "a1", "b"]


@pytest.mark.parametrize(
    ("column", "desc", "expected"),
    [
        ("deaths", True, ["a1", "c", "b"]),
        ("deaths", False, ["b", "c", "a1"]),
        ("actors", False, ["b", "c", "a1"]),
        ("source", False, ["c", "b", "a1"]),
        ("place", False, ["c", "b", "a1"]),
        ("date", False, ["b", "a1", "c"]),
    ],
)
def test_every_column_sorts_both_ways(index, column, desc, expected):
    assert ids_in(index, sorted_events(index, E.all_rows(index), column, desc)) == expected


def test_an_event_shows_its_lowest_and_highest_toll_and_its_reports(index):
    df = table_frame(index, sorted_events(index, E.all_rows(index), "date", True))
    attack = df[df["event_id"] == "a1"].iloc[0]
    assert (attack["deaths_low"], attack["deaths_high"], attack["reports"]) == (3, 5, 2)


def panel_json(index, **kw):
    sel = kw.pop("sel", Selection())
    n = E.selection_figures(index, E.all_rows(index))[0]
    return json.dumps(
        side_panel(
            index,
            E.all_rows(index),
            n,
            sel,
            Filters(),
            kw.get("page"),
            {"view": "table", **kw.get("state", {})},
            None,
            None,
        ),
        ensure_ascii=False,
    )


def test_the_panel_lists_text_as_text_and_selects_by_row(index):
    body = panel_json(index, state={"sort": "deaths", "desc": True})
    # The hostile source is a string child (React renders it as text), never an element.
    assert '"children": "<img src=x onerror=alert(1)>"' in body
    assert '"type": "Img"' not in body
    assert "3–5" in body and "Outlet B +1" in body and "—" in body
    assert '"data-action": "row"' in body and '"data-event": "a1"' in body
    assert '"aria-sort": "descending"' in body


def test_pages_of_the_table(make_events):
    rows = [dict(event_id=f"e{i}", article_id=f"a{i}", event_date=f"2021-01-{1 + i % 28:02d}") for i in range(60)]
    ix = EI.index_from_frame(make_events(*rows))
    first = panel_json(ix)
    assert f"showing 1–{TABLE_LIMIT}" in first and '"data-page": "1"' in first
    token = re.search(r'"data-token": "([^"]+)"', first)[1]
    third = panel_json(ix, page={"page": 2, "token": token})
    assert f"showing {2 * TABLE_LIMIT + 1}–60" in third
    # A page chosen for another sort is not carried over.
    assert "showing 1–" in panel_json(ix, page={"page": 2, "token": token}, state={"sort": "place"})
    assert int(np.count_nonzero(E.counted_rows(ix, E.all_rows(ix)))) == 60
