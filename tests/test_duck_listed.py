"""The panel's first page of an unfiltered view (a date range, or a place over every date) read from
the table of each date's and each place's newest rows held whole (duck_listed) is the page read from
the events: over a store with both kinds of overlay, after appends, a correction, its undo and a
compaction, and with fewer rows kept than the dates and places hold; the views build it after an
answer and answer alike."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from background import settled
from listed_rows import assert_listed_as_the_events, filters, selections

from dashboard import held_sql as HQ
from dashboard import schema as S
from dashboard import store_held as SH
from dashboard.app import duck as D
from dashboard.app import duck_listed as DL
from dashboard.app.excerpts import LISTED_COLUMNS
from dashboard.app.filters import Filters
from dashboard.app.query import Selection
from dashboard.corrections import Alternative
from tests.test_duck_fact import every_kind_of_write
from tests.test_duck_newest import overlaid  # noqa: F401 (the fixture)


def test_the_table_gives_the_rows_the_events_give_over_overlays(overlaid) -> None:  # noqa: F811
    listed = assert_listed_as_the_events(overlaid)
    first = DL.newest_rows(overlaid, listed, Filters(), Selection(), 3, LISTED_COLUMNS)
    assert (first[S.PUBLISHED] == pd.Timestamp("2031-01-01")).all(), "the whole overlay rows' new dates count"


def test_the_table_after_every_kind_of_write(tmp_path: Path) -> None:
    place = Alternative(name="A town elsewhere", lat=35.25, lon=40.5, country="Iraq", country_code="IQ")
    names = [(what, assert_listed_as_the_events(db).table) for what, db in every_kind_of_write(tmp_path, 9, place)]
    assert len({name for _, name in names}) == len(names), "a table per generation"


def test_fewer_rows_kept_than_dates_and_places_hold(overlaid, monkeypatch) -> None:  # noqa: F811
    """With 3 rows kept per date and per place (days and places hold more, published dates tie within
    a day), each group's first pass bounds it and the second keeps the right rows, ties by id."""
    db = overlaid
    # Built here with fewer rows kept (store_held's SQL), not read from the files the store wrote.
    monkeypatch.setattr(db, "held", lambda: SH.NO_HELD)
    monkeypatch.setattr(HQ, "LIMIT", 3)
    monkeypatch.setattr(DL, "LIMIT", 3)
    per_day = db.query("SELECT count(*) AS n, count(DISTINCT published) AS p FROM events GROUP BY event_date")
    assert (per_day["n"] > 3).any() and (per_day["p"] < per_day["n"]).any(), "full days, ties in them"
    per_place = db.query("SELECT count(*) AS n, count(DISTINCT event_date) AS d FROM events GROUP BY place_key")
    assert (per_place["n"] > 3).any() and (per_place["d"] < per_place["n"]).any(), "full places, ties in them"
    monkeypatch.setattr(HQ, "RECENT", 0)
    listed = DL.build(db)
    assert listed.since is None, "no date whole"
    kept = db.query(f"SELECT count(*) AS n FROM {listed.table}")["n"].iloc[0]
    assert 0 < kept < len(db.query("SELECT event_id FROM events")), "the newest rows, not all"
    for sel in selections(db):
        for limit in (1, 3):
            got = DL.newest_rows(db, listed, Filters(), sel, limit, LISTED_COLUMNS)
            pd.testing.assert_frame_equal(got, D.newest_rows(db, Filters(), sel, limit, columns=LISTED_COLUMNS))
    for table in (listed.table, listed.placed):  # kept with 3 rows a group: the other tests build their own
        db.cursor().execute(f"DROP TABLE {table}")


def test_the_newest_dates_kept_whole_up_to_their_rows(overlaid, monkeypatch) -> None:  # noqa: F811
    """With fewer rows kept whole than the store holds, the newest dates whose rows fit: every
    filter's rows from one of those dates on are the events'; not from a date before them."""
    db = overlaid
    monkeypatch.setattr(db, "held", lambda: SH.NO_HELD)  # built here, as the last test
    monkeypatch.setattr(HQ, "RECENT", 300)
    per_day = db.query("SELECT event_date AS d, count(*) AS n FROM events WHERE event_date IS NOT NULL GROUP BY 1")
    per_day = per_day.sort_values("d", ascending=False).reset_index(drop=True)
    whole = per_day[per_day["n"].cumsum() <= 300]
    listed = assert_listed_as_the_events(db)
    assert listed.since == pd.Timestamp(whole["d"].min()) and len(whole) < len(per_day)
    for table in (listed.table, listed.placed):
        db.cursor().execute(f"DROP TABLE {table}")


@pytest.mark.parametrize(
    ("f", "sel", "limit", "columns", "answers"),
    [
        (Filters(), Selection("2021-01-01", "2021-02-01"), 25, LISTED_COLUMNS, True),
        (Filters(), Selection(None, None, "Aleppo|36.2|37.16"), 25, LISTED_COLUMNS, True),
        (Filters(), Selection(), DL.LIMIT + 1, LISTED_COLUMNS, False),  # the panel's second page
        (Filters(), Selection(), 25, None, False),  # every column: not held
        (Filters(), Selection(), 25, (*LISTED_COLUMNS, S.TOPONYM), False),
        (Filters(event_types=("Battles",)), Selection(), 25, LISTED_COLUMNS, False),
        (Filters(countries=("Syria",)), Selection(), 25, LISTED_COLUMNS, False),
        (Filters(), Selection("2021-01-01", None, "Aleppo|36.2|37.16"), 25, LISTED_COLUMNS, False),
        (Filters(), Selection(None, None, "Nameless|nan|nan"), 25, LISTED_COLUMNS, False),  # compared as a key
    ],
)
def test_the_table_answers_only_what_it_holds(f, sel, limit, columns, answers) -> None:
    assert DL.applies(f, sel, limit, columns) == answers


def test_the_views_build_it_after_an_answer_and_answer_alike(overlaid) -> None:  # noqa: F811
    from dashboard.app.views import DuckViews

    db = overlaid
    m = db.store.manifest()
    events = DuckViews(db, int(m["n_events"]), m["generation"])
    later = DuckViews(db, int(m["n_events"]), m["generation"], later=True)
    later.after_answer()
    settled("conflictmap-fact")
    assert later._options.get("#listed").table == DL.name_of(m["generation"])
    assert later._options.get("#listed").since is not None
    for f in filters(db):
        for sel in selections(db):
            want = events.newest(f, sel, 25, LISTED_COLUMNS)
            pd.testing.assert_frame_equal(later.newest(f, sel, 25, LISTED_COLUMNS), want)
