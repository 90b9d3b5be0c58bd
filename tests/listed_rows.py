"""The check the tests of duck_listed share: the panel's newest rows read from the table of each
date's and each place's newest rows are the rows duck.newest_rows reads from the events."""

from __future__ import annotations

import pandas as pd

from dashboard.app import duck as D
from dashboard.app import duck_listed as DL
from dashboard.app.excerpts import LISTED_COLUMNS
from dashboard.app.filters import Filters
from dashboard.app.query import Selection


def selections(db: D.DuckEngine) -> list[Selection]:
    """Date ranges (one day, a month and more, the last days, none with events, open ends), every
    date, and places: the busiest, one with a single row, an undated row's, one no row is at."""
    days = db.query("SELECT DISTINCT event_date AS d FROM events WHERE event_date IS NOT NULL ORDER BY 1")["d"]
    last, mid = pd.Timestamp(days.iloc[-1]), pd.Timestamp(days.iloc[len(days) // 2])
    places = db.query(
        "SELECT place_key AS k, count(*) AS n, count(event_date) AS dated FROM events GROUP BY 1 ORDER BY 2 DESC, 1"
    )
    keys = [
        places["k"].iloc[0],
        places[places["n"] == 1]["k"].iloc[0],
        *places[places["dated"] < places["n"]]["k"].head(1),
        "Nowhere|1.5|2.5",
    ]
    return [
        Selection(),
        Selection(str(mid.date()), f"{mid.date()} 23:59:59"),
        Selection(str((mid - pd.Timedelta(days=40)).date()), f"{mid.date()} 23:59:59"),
        Selection(str((last - pd.Timedelta(days=10)).date()), f"{last.date()} 23:59:59"),
        Selection("1990-01-01", "1990-02-01 23:59:59"),
        Selection(str(mid.date()), None),
        Selection(None, f"{mid.date()} 23:59:59"),
        *(Selection(None, None, k) for k in keys),
    ]


def assert_listed_as_the_events(db: D.DuckEngine) -> str:
    """Build the current generation's table and hold every selection's newest rows read from it to
    those read from the events, for the limits the panel asks for (up to the table's LIMIT); its name."""
    table = DL.build(db)
    assert table == DL.name_of(int(db.store.manifest()["generation"]))
    for sel in selections(db):
        assert DL.applies(Filters(), sel, DL.LIMIT, LISTED_COLUMNS)
        for limit in (1, 7, DL.LIMIT):
            want = D.newest_rows(db, Filters(), sel, limit, columns=LISTED_COLUMNS)
            got = DL.newest_rows(db, table, Filters(), sel, limit, LISTED_COLUMNS)
            pd.testing.assert_frame_equal(got, want, obj=f"{sel} {limit}")
    return table
