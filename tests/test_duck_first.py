"""The first answer of a process over DuckDB builds no more than it reads: its map of every date
from the rollup summed per place (not the rollup with integer places, built after it, which gives
the same map), its place labels from that table (not the whole rollup), and no `events` view until
a query reads the events; each as the other way gives it."""

from __future__ import annotations

import pandas as pd
import pytest
from background import settled

from dashboard.app import duck as D
from dashboard.app import duck_fact as DF
from dashboard.app import duck_rollup as DR
from dashboard.app.filters import Filters
from dashboard.app.query import Selection
from dashboard.app.views import DuckViews
from dashboard.store import EventsStore
from dashboard.synth import synthetic_events
from dashboard.synth_reports import with_reports


@pytest.fixture()
def fresh(tmp_path) -> tuple[D.DuckEngine, DuckViews]:
    events, articles = synthetic_events(1500, seed=3)
    store = EventsStore(tmp_path / "store")
    store.replace_with_chunks([(with_reports(events, seed=3, report_share=0.2), articles)])
    m = store.manifest()
    db = D.DuckEngine(store, threads=1)
    return db, DuckViews(db, int(m["n_events"]), m["generation"], rollup=True, later=True)


def test_the_first_map_reads_the_rollup_per_place_and_the_rest_comes_after(fresh) -> None:
    db, views = fresh
    first = views.places(Filters(), Selection())
    labelled = views.labelled(first)
    assert not DF.held(db), "the integer places are not built for the first map"
    assert db.built("places") is not None
    assert "events" not in set(db.cursor().execute("SELECT view_name FROM duckdb_views()").df()["view_name"])
    views.after_answer()
    settled("conflictmap-fact")
    assert DF.held(db)
    # The map of every date still reads the table per place the store wrote with its rollup part
    # (cheaper to read than the integer places' table to build); the integer places' table gives the
    # same map, and the whole rollup the same labels.
    again = DuckViews(db, views.n, views.generation, rollup=True)
    assert DR.places_source(db, Filters(), Selection()) == db.built("places") and db.stored("places")
    pd.testing.assert_frame_equal(again.places(Filters(), Selection()), first)
    fact_table = DF.places_table(db, DF.build(db))
    assert fact_table.endswith("_places_fact")
    pd.testing.assert_frame_equal(
        DR.places_summary(db, Selection(), Filters(), fact_table),
        DR.places_summary(db, Selection(), Filters(), str(db.built("places"))),
    )
    whole = D.place_labels(db, DR.place_labels_sql())
    assert D.place_labels(db, DR.place_labels_sql(str(db.built("places")))) == whole
    assert dict(zip(labelled["place_key"], labelled["label"], strict=True)) == {
        k: whole.get(k, str(k).split("|")[0]) for k in labelled["place_key"]
    }


def test_the_events_view_is_declared_by_the_first_query_that_reads_it(fresh) -> None:
    db, _ = fresh
    assert DR.total_events(db) > 0
    n = int(db.query("SELECT count(*) AS n FROM events").iloc[0]["n"])
    assert n == int(db.query("SELECT count(*) AS n FROM {events}").iloc[0]["n"]) > 0
    with pytest.raises(Exception, match="no_such_table"):
        db.query("SELECT * FROM no_such_table")


def test_the_servers_start_up_thread_starts_what_comes_after_the_first_answer(tmp_path) -> None:
    """StoreView.warm (run by the server's start-up thread) starts the thread after_answer starts,
    so the first brush finds the rollup with integer places read (at ten million events it waited
    ~0.4 s for it when it was read after the first answer)."""
    from dashboard.app.data import StoreView

    events, articles = synthetic_events(1500, seed=5)
    store = EventsStore(tmp_path / "store")
    store.replace_with_chunks([(with_reports(events, seed=5, report_share=0.2), articles)])
    view = StoreView(store, engine="duckdb")
    view.warm()
    settled("conflictmap-fact")
    v = view.views()
    assert isinstance(v, DuckViews) and DF.held(v.db), "read before any answer"
