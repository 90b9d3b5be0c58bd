"""The dashboard counts events, not reports: an event told by several articles counts once, with its
deaths as the range its reports give; mentions are not drawn or counted."""

from __future__ import annotations

import re

import numpy as np
import query_oracle as O

from dashboard.app import engine as E
from dashboard.app import event_index as EI
from dashboard.app import query as Q


def reads(hover: str) -> str:
    """A hover text as it reads: its wrapped lines (map_hover.HOVER_CHARS) joined, tags dropped."""
    return re.sub(r"<[^>]+>", "", hover.replace("<br>", " ").replace("\u00a0", " "))


def reports(make_events):
    return make_events(
        {"event_id": "r1", "article_id": "a1", "cluster_id": "c1", "fatalities": 10, "source": "Outlet A"},
        {"event_id": "r2", "article_id": "a2", "cluster_id": "c1", "fatalities": 12, "source": "Outlet B"},
        {
            "event_id": "r3",
            "article_id": "a3",
            "cluster_id": "c2",
            "fatalities": None,
            "location": "Saraqib",
            "latitude": 35.86,
            "longitude": 36.8,
            "source": "Outlet C",
        },
        {
            "event_id": "r4",
            "article_id": "a3",
            "cluster_id": "c3",
            "fatalities": 300,
            "record_kind": "mention",
            "mention_reason": "mention.running_total",
        },
    )


def test_two_reports_of_one_attack_are_one_event_with_a_range(make_events) -> None:
    ix = EI.index_from_frame(reports(make_events))
    assert ix.n == 3, "the mention is not in the dashboard's index"
    assert E.total_events(ix) == 2
    n, places, low, high, tolled = E.selection_figures(ix, E.all_rows(ix))
    assert (n, places, low, high, tolled) == (2, 2, 10, 12, 1), "Saraqib's event gives no toll"
    assert (
        Q.counts_line(n, places, low, high, tolled, E.total_events(ix))
        == "2 of 2 events · 2 places · 10–12 deaths · tolls known for 1 of 2 events"
    )
    agg = E.places_aggregate(ix, E.all_rows(ix)).set_index("location")
    idlib = agg.loc["Idlib"]
    assert (idlib["n_events"], idlib["fatalities"], idlib["fatalities_high"], idlib["tolled"]) == (1, 10, 12, 1)
    assert (agg.loc["Saraqib", "fatalities"], agg.loc["Saraqib", "tolled"]) == (0, 0)
    assert E.timeline_counts(ix, E.all_rows(ix))["n"].sum() == 2


def test_a_filter_that_keeps_a_later_report_still_counts_the_event_once(make_events) -> None:
    df = reports(make_events)
    ix = EI.index_from_frame(df)
    only_b = np.array([False, True, False])
    assert E.selection_figures(ix, only_b) == (1, 1, 10, 12, 1)
    events = df[df["record_kind"].fillna("event") != "mention"].reset_index(drop=True)
    events = O.with_place_key(events)
    assert O.selection_counts(events[only_b], 2, events) == Q.counts_line(1, 1, 10, 12, 1, 2)


def test_the_pandas_oracle_agrees(make_events) -> None:
    df = reports(make_events)
    events = O.with_place_key(df[df["record_kind"].fillna("event") != "mention"].reset_index(drop=True))
    ix = EI.index_from_frame(df)
    got = E.places_aggregate(ix, E.all_rows(ix)).set_index("place_key").sort_index()
    want = O.places_summary(events).set_index("place_key").sort_index()
    for col in ("n_events", "fatalities", "fatalities_high", "tolled"):
        assert got[col].tolist() == want[col].tolist(), col
    assert O.selection_counts(events, 2) == "2 of 2 events · 2 places · 10–12 deaths · tolls known for 1 of 2 events"


def test_the_timeline_draws_one_bar_per_event(make_events) -> None:
    df = reports(make_events)
    ix = EI.index_from_frame(df)
    series = E.timeline_series(ix, E.all_rows(ix))
    assert series["n"].sum() == 2
    deaths = E.timeline_series(ix, E.all_rows(ix), measure="deaths")
    assert deaths["n"].sum() == 10, "one toll per event, the lowest its reports give"
    events = O.with_place_key(df[df["record_kind"].fillna("event") != "mention"].reset_index(drop=True))
    assert O.timeline_series(events)["n"].sum() == 2
    assert O.timeline_series(events, measure="deaths")["n"].sum() == 10


def test_an_event_without_a_toll_is_not_an_event_without_deaths(make_events) -> None:
    """A place whose events give no toll reads "toll unknown", not "0 killed"; a toll of 0 is a toll;
    an event of which one report of two gives a toll has one."""
    from dashboard.app.map_hover import place_hover

    rows = make_events(
        {"event_id": "u1", "cluster_id": "k1", "fatalities": None, "location": "Saraqib", "latitude": 35.86},
        {"event_id": "u2", "cluster_id": "k2", "fatalities": None, "location": "Saraqib", "latitude": 35.86},
        {"event_id": "z1", "cluster_id": "k3", "fatalities": 0, "location": "Binnish", "latitude": 35.95},
        {"event_id": "p1", "article_id": "a1", "cluster_id": "k4", "fatalities": None},
        {"event_id": "p2", "article_id": "a2", "cluster_id": "k4", "fatalities": 5},
        {"event_id": "p3", "cluster_id": "k5", "fatalities": None, "event_date": "2020-03-03"},
    )
    ix = EI.index_from_frame(rows)
    agg = E.places_aggregate(ix, E.all_rows(ix)).set_index("location")
    assert agg.loc[["Saraqib", "Binnish", "Idlib"], ["n_events", "tolled"]].values.tolist() == [[2, 0], [1, 1], [2, 1]]
    hover = dict(zip(agg.index, place_hover(agg.reset_index()), strict=True))
    assert "2 event(s), toll unknown" in reads(hover["Saraqib"]) and "killed" not in hover["Saraqib"]
    assert "1 event(s), 0 killed<br>" in hover["Binnish"]
    assert "2 event(s), 5 killed (toll known for 1 of 2 events)" in reads(hover["Idlib"])
    events = O.with_place_key(rows)
    want = O.places_summary(events).set_index("location")
    assert want.loc[agg.index, "tolled"].tolist() == agg["tolled"].tolist()
    saraqib = E.place_mask(ix, agg.loc["Saraqib", "place_key"])
    assert Q.counts_line(*E.selection_figures(ix, saraqib), 6) == "2 of 6 events · 1 place · toll unknown"
