"""The check the tests of duck_listed share: the panel's newest rows read from the table of each
date's and each place's newest rows are the rows duck.newest_rows reads from the events."""

from __future__ import annotations

import pandas as pd

from dashboard.app import duck as D
from dashboard.app import duck_listed as DL
from dashboard.app import duck_newest as DN
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


def filters(db: D.DuckEngine) -> list[Filters]:
    """One of each kind a condition reads (duck_where), and several together."""
    top = db.query(
        "SELECT any_value(event_type) AS t, any_value(country) AS c, any_value(actor1) AS a, "
        "any_value(place_key) AS p FROM (SELECT * FROM events WHERE actor1 <> '' AND country IS NOT NULL LIMIT 1)"
    ).iloc[0]
    word = str(db.query("SELECT excerpt FROM events WHERE excerpt IS NOT NULL LIMIT 1")["excerpt"].iloc[0]).split()[0]
    return [
        Filters(),
        Filters(event_types=(top["t"],)),
        Filters(countries=(top["c"],)),
        Filters(actors=(top["a"],)),
        Filters(places=(top["p"],)),
        Filters(min_fatalities=1),
        Filters(min_confidence=0.7),
        Filters(precise_only=True),
        Filters(text=word),
        Filters(event_types=(top["t"],), min_fatalities=1, countries=(top["c"],)),
    ]


def assert_listed_as_the_events(db: D.DuckEngine) -> DL.Listed:
    """Build the current generation's tables and hold every selection's newest rows read from them
    to those read from the events, for the limits the panel asks for (up to the tables' LIMIT), and
    every filter's newest rows from each date on that they hold whole, and the second page's from
    duck_newest's table; duck_listed's tables."""
    listed = DL.build(db)
    assert listed.table == DL.name_of(int(db.store.manifest()["generation"]))
    assert listed.since is not None, "the newest dates' rows are held"
    days = db.query("SELECT DISTINCT event_date AS d FROM events WHERE event_date >= ? ORDER BY 1", [listed.since])
    assert not DL.holds_since(listed, listed.since - pd.Timedelta(days=1), LISTED_COLUMNS)
    for since in (pd.Timestamp(d) for d in days["d"].iloc[[0, len(days) // 2, -1]]):
        assert DL.holds_since(listed, since, LISTED_COLUMNS)
        for f in filters(db):
            for sel in (Selection(), Selection(str(since.date()), None)):
                want = D.newest_rows(db, f, sel, DL.LIMIT, since, LISTED_COLUMNS)
                got = DL.rows_since(db, listed, f, sel, DL.LIMIT, since, LISTED_COLUMNS)
                pd.testing.assert_frame_equal(got, want, obj=f"{f} {sel} from {since}")
    for sel in selections(db):
        assert DL.applies(Filters(), sel, DL.LIMIT, LISTED_COLUMNS)
        for limit in (1, 7, DL.LIMIT):
            want = D.newest_rows(db, Filters(), sel, limit, columns=LISTED_COLUMNS)
            got = DL.newest_rows(db, listed, Filters(), sel, limit, LISTED_COLUMNS)
            pd.testing.assert_frame_equal(got, want, obj=f"{sel} {limit}")
    # The second page's rows: duck_newest's table (the store's file, or derived, or built).
    newest = DN.build(db)
    for sel in selections(db):
        if DN.applies(Filters(), sel, DN.LIMIT):
            want = D.newest_rows(db, Filters(), sel, DN.LIMIT, columns=LISTED_COLUMNS)
            pd.testing.assert_frame_equal(DN.newest_rows(db, newest, Filters(), sel, DN.LIMIT, LISTED_COLUMNS), want)
    return listed
