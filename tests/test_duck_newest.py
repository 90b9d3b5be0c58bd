"""The newest rows of the unfiltered views from the table of each date's newest rows (duck_newest)
are the rows duck.newest_rows reads from the events, in the same order, over a store with both kinds
of overlay: a correction's patches and whole rows that moved events' publication dates."""

from __future__ import annotations

import pandas as pd
import pytest
from background import settled

from dashboard import held_sql as HQ
from dashboard import schema as S
from dashboard.app import duck as D
from dashboard.app import duck_newest as DN
from dashboard.app.excerpts import LISTED_COLUMNS
from dashboard.app.filters import Filters
from dashboard.app.query import Selection
from dashboard.store import EventsStore
from dashboard.synth import synthetic_events
from dashboard.synth_reports import with_reports


@pytest.fixture(scope="module")
def overlaid(tmp_path_factory) -> D.DuckEngine:
    """A store with a correction's patch and whole overlay rows, some of them published later than
    any other row of their day (they must come first) and some undated."""
    from dashboard.corrections import Alternative, save_correction

    root = tmp_path_factory.mktemp("newest") / "store"
    events, articles = synthetic_events(2000, seed=11)
    EventsStore(root).replace_with_chunks([(with_reports(events, seed=11, report_share=0.2), articles)])
    store = EventsStore(root)
    toponym = str(store.load_events()[S.TOPONYM].value_counts().index[0])
    save_correction(store, toponym, Alternative(name="Elsewhere", lat=30.5, lon=40.25), folder=root.parent / "gz")
    now = store.load_events()
    told = now[now[S.RECORD_KIND].astype("string").fillna("event") != "mention"]
    dated = told[told[S.EVENT_DATE].notna()]
    moved = dated[dated[S.EVENT_DATE] == dated[S.EVENT_DATE].max()].tail(3)  # the newest day's
    later = moved.assign(**{S.PUBLISHED: pd.Timestamp("2031-01-01")})
    undated = dated.head(3).assign(**{S.EVENT_DATE: pd.NaT})
    store._commit(store.manifest(), overlay=pd.concat([later, undated]))
    kinds = {e["path"].split("/")[-1].split("-")[0] for e in store.manifest()["overlays"]}
    assert len(kinds) > 1, f"whole rows and patches: {kinds}"
    return D.DuckEngine(store, threads=1)


def selections(db: D.DuckEngine) -> list[Selection]:
    days = db.query("SELECT DISTINCT event_date AS d FROM events WHERE event_date IS NOT NULL ORDER BY 1")["d"]
    last, mid = pd.Timestamp(days.iloc[-1]), pd.Timestamp(days.iloc[len(days) // 2])
    return [
        Selection(),
        Selection(str(mid.date()), f"{mid.date()} 23:59:59"),
        Selection(str((mid - pd.Timedelta(days=40)).date()), f"{mid.date()} 23:59:59"),
        Selection(str((last - pd.Timedelta(days=10)).date()), f"{last.date()} 23:59:59"),
        Selection("1990-01-01", "1990-02-01 23:59:59"),  # no events
        Selection(str(mid.date()), None),
        Selection(None, f"{mid.date()} 23:59:59"),
    ]


def test_the_newest_table_gives_the_rows_the_events_give(overlaid) -> None:
    db = overlaid
    table = DN.build(db)
    assert table == f"newest_{db.store.manifest()['generation']}"
    for sel in selections(db):
        for limit in (1, 25, DN.LIMIT):
            for columns in (None, LISTED_COLUMNS):
                want = D.newest_rows(db, Filters(), sel, limit, columns=columns)
                got = DN.newest_rows(db, table, Filters(), sel, limit, columns)
                pd.testing.assert_frame_equal(got, want)
    first = DN.newest_rows(db, table, Filters(), Selection(), 3)
    assert (first[S.PUBLISHED] == pd.Timestamp("2031-01-01")).all(), "the whole overlay rows' new dates count"


def test_the_table_answers_only_unfiltered_views_of_no_place() -> None:
    assert DN.applies(Filters(), Selection("2021-01-01", "2021-02-01"), 25)
    assert not DN.applies(Filters(), Selection(), DN.LIMIT + 1)
    assert not DN.applies(Filters(event_types=("Battles",)), Selection(), 25)
    assert not DN.applies(Filters(countries=("Syria",)), Selection(), 25)
    assert not DN.applies(Filters(), Selection(None, None, "Aleppo|36.2|37.16"), 25)


def test_the_views_build_it_after_an_answer_and_answer_alike(overlaid) -> None:
    """DuckViews.after_answer builds the newest table in a thread of its own (and the rollup with
    integer places where there is a rollup); the newest rows come from the table then, as from the
    events."""
    from dashboard.app.views import DuckViews

    db = overlaid
    m = db.store.manifest()
    events = DuckViews(db, int(m["n_events"]), m["generation"])
    assert not m.get("rollup"), "the raw write of whole rows leaves no rollup: the events answer"
    later = DuckViews(db, int(m["n_events"]), m["generation"], later=True)
    later.after_answer()
    settled("conflictmap-fact")
    assert later._options.get("#newest") == f"newest_{m['generation']}"
    for sel in selections(db):
        want = events.newest(Filters(), sel, 25, LISTED_COLUMNS)
        pd.testing.assert_frame_equal(later.newest(Filters(), sel, 25, LISTED_COLUMNS), want)


def test_a_date_with_more_rows_than_kept_keeps_its_newest(overlaid, monkeypatch) -> None:
    """With fewer rows kept per date than the days hold (published dates tie within a day), the
    table's first pass bounds each day by its LIMIT-th publication and the second keeps the right
    rows, ties ordered by id."""
    db = overlaid
    monkeypatch.setattr(DN, "LIMIT", 3)
    monkeypatch.setattr(HQ, "NEWEST", 3)  # the SQL's (held_sql: the store's too)
    per_day = db.query("SELECT count(*) AS n, count(DISTINCT published) AS p FROM events GROUP BY event_date")
    assert (per_day["n"] > 3).any() and (per_day["p"] < per_day["n"]).any(), "full days, ties in them"
    table = DN.build(db)
    kept = db.query(f"SELECT event_date, count(*) AS n FROM {table} GROUP BY ALL")
    assert kept["n"].max() == 3
    for sel in selections(db):
        for limit in (1, 3):
            got = DN.newest_rows(db, table, Filters(), sel, limit, LISTED_COLUMNS)
            pd.testing.assert_frame_equal(got, D.newest_rows(db, Filters(), sel, limit, columns=LISTED_COLUMNS))
    db.cursor().execute(f"DROP TABLE {table}")  # kept with 3 rows a date: the other tests build their own
