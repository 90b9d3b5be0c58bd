"""The tables built after the first answer on a connection of their own (duck_apart): the table of
every minimum's level per date (duck_rollup.build_levels) gives each level's days table as it is
built on first use from the rollup, after appends (a rollup of several parts), a correction, its undo and
a compaction; a table computed for a generation no longer current is not taken; the thread that
builds them runs below the requests' priority."""

from __future__ import annotations

import os
import sys
import threading
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest
from background import settled

from dashboard import rollup_sums as RS
from dashboard.app import duck as D
from dashboard.app import duck_apart as DA
from dashboard.app import duck_rollup as DR
from dashboard.app.filters import Filters
from dashboard.app.query import Selection
from dashboard.corrections import Alternative
from dashboard.store import EventsStore
from tests.test_duck_fact import batches, every_kind_of_write


def sorted_rows(db: D.DuckEngine, select: str) -> pd.DataFrame:
    return db.query(f"SELECT * FROM ({select}) ORDER BY ALL")


def assert_levels_as_built_alone(db: D.DuckEngine) -> bool:
    """After build_levels, every level's days table is a view of the table of every level, which
    holds the rows, columns in order, of the level's table summed from the rollup alone, where the
    store did not write the levels' tables (with a whole rollup part; tests/test_rollup_sums.py);
    a filter at a level reads its days table, and its map of every date the level's table per place
    where the store wrote it, else the rollup. Whether the store wrote them."""
    db.cursor()
    gen = db.rollup_now()[0]
    DR.build_levels(db)
    measures = db.rollup_measures
    levels = RS.levels(measures)
    assert levels, "the rollup counts the minima's levels"
    stored = db.stored(f"days_{levels[0]}")
    assert all(db.stored(f"{kind}_{p}") == stored for kind in ("days", "places") for p in levels)
    wide = db.built("days_levels")
    assert wide == (None if stored else f"rollup_{gen}_days_levels")
    rows = {}
    for prefix in levels:
        alone = sorted_rows(db, DR.summed_select(measures, "days", prefix)[1])
        if wide:
            pd.testing.assert_frame_equal(sorted_rows(db, RS.level_view(measures, prefix, wide)), alone)
        rows[prefix] = len(alone)
    assert rows["min_deaths_1"] and rows["min_conf_50"], f"rows where reports pass, and where none do: {rows}"
    for f in (Filters(min_fatalities=1), Filters(min_confidence=0.8)):
        prefix = DR.threshold_of(f)
        assert DR.days_source(db, f, None) == f"rollup_{gen}_days_{prefix}"
        assert DR.places_source(db, f, Selection()) == (f"rollup_{gen}_places_{prefix}" if stored else "rollup")
    return stored


def test_the_levels_table_gives_each_levels_table_after_every_kind_of_write(tmp_path: Path) -> None:
    place = Alternative(name="Another town", lat=34.5, lon=41.75, country="Iraq", country_code="IQ")
    done = [(what, assert_levels_as_built_alone(db)) for what, db in every_kind_of_write(tmp_path, 5, place)]
    # The store writes the levels' tables with a whole rollup part only (compaction's).
    assert done == [(w, w == "compaction") for w in ("first", "append", "append", "correction", "undo", "compaction")]


def test_a_table_computed_for_a_generation_gone_is_not_taken(tmp_path: Path) -> None:
    store = EventsStore(tmp_path / "s")
    (first, arts), (second, arts2) = batches(9, 2)
    store.append(first, arts)
    db = D.DuckEngine(store, threads=1)
    old = db.rollup_now()[0]
    store.append(second, arts2)
    assert db.rollup_now()[0] != old
    db.summed_held(old, "days_levels", pa.table({"n": [1, 2]}))
    assert db.built("days_levels") is None
    left = db.query("SELECT table_name FROM duckdb_tables() WHERE contains(table_name, 'days_levels')")
    assert left.empty, "the table written under another name is dropped"
    # For the current generation it is taken, once.
    gen = db.rollup_now()[0]
    db.summed_held(gen, "days_levels", pa.table({"n": [1, 2]}))
    db.summed_held(gen, "days_levels", pa.table({"n": [3]}))
    assert db.query(f"SELECT sum(n) AS s FROM {db.built('days_levels')}").iloc[0]["s"] == 3


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="a thread's own priority: Linux")
def test_the_build_thread_lowers_its_own_priority_only() -> None:
    seen: list[int] = []

    def build() -> None:
        DA.lower_priority()
        seen.append(os.getpriority(os.PRIO_PROCESS, threading.get_native_id()))

    before = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
    worker = threading.Thread(target=build)
    worker.start()
    worker.join()
    assert seen == [max(before, DA.NICE)]
    assert os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) == before, "the caller's unchanged"


def assert_country_days_answer_as_the_rollup(db: D.DuckEngine) -> None:
    """After build_country_days, a filter on countries (alone, with one type or towns only, over every
    date or a range) reads the table per country and date for its date extent, timeline and newest
    rows' bound, and each is the rollup's own answer; with a minimum, a province or a place
    selected, the rollup as before."""
    from dashboard.app.views import DuckViews

    db.cursor()
    gen = db.rollup_now()[0]
    assert db.built(DR.COUNTRY_DAYS) is None
    DR.build_country_days(db)
    table = db.built(DR.COUNTRY_DAYS)
    assert table == f"rollup_{gen}_{DR.COUNTRY_DAYS}"
    # The file the store wrote with a whole rollup part, read as it lies while that part is the only one.
    views = set(db.query("SELECT view_name AS v FROM duckdb_views() WHERE NOT internal")["v"])
    assert (table in views) is (db.stored(DR.COUNTRY_DAYS) and len(db.rollup_now()[1]) == 1)
    sums = db.query(f"SELECT sum(reports) AS r, sum(events) AS e, sum(high) AS h FROM {table}")
    whole = db.query("SELECT sum(reports) AS r, sum(events) AS e, sum(high) AS h FROM rollup")
    pd.testing.assert_frame_equal(sums, whole)
    countries = db.query(f"SELECT country FROM {table} WHERE country IS NOT NULL GROUP BY 1 ORDER BY sum(reports) DESC")
    two = tuple(countries["country"].head(2))
    span = Selection("2021-03-01", "2021-09-30 23:59:59")
    place = db.query("SELECT location, latitude, longitude FROM rollup WHERE location IS NOT NULL LIMIT 1")
    picked = Selection(None, None, "|".join(str(v) for v in place.iloc[0]))
    cases = [
        (Filters(countries=two[:1]), Selection(), True),
        (Filters(countries=two), span, True),
        (Filters(countries=two[:1], event_types=("Battles",)), span, True),
        (Filters(countries=two[:1], precise_only=True), Selection(), True),
        (Filters(countries=two[:1], min_fatalities=1), Selection(), False),
        (Filters(countries=two[:1], admin1s=("Idlib",)), Selection(), False),
        (Filters(countries=two[:1]), picked, False),
    ]
    for f, sel, by_country in cases:
        assert (DR.days_source(db, f, sel) == table) is by_country, (f, sel)
        views, plain = DuckViews(db, 1, gen, rollup=True), DuckViews(db, 1, gen, rollup=True)
        got = (
            views.extent(f),
            views.newest(f, sel, 7)["event_id"].tolist(),
            views.series(f, sel, "week", "deaths"),
        )
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(DR, "days_source", lambda *_: "rollup")
            want = (
                plain.extent(f),
                plain.newest(f, sel, 7)["event_id"].tolist(),
                plain.series(f, sel, "week", "deaths"),
            )
        assert got[:2] == want[:2], (f, sel)
        pd.testing.assert_frame_equal(got[2][0], want[2][0])


def test_the_country_days_table_answers_as_the_rollup_after_every_kind_of_write(tmp_path: Path) -> None:
    place = Alternative(name="Elsewhere", lat=35.25, lon=40.5, country="Syria", country_code="SY")
    for _, db in every_kind_of_write(tmp_path, 11, place):
        assert db.clusters_share_place(), "the synthetic store's clusters share their place"
        assert_country_days_answer_as_the_rollup(db)


def test_the_first_answer_under_a_filter_builds_the_country_days_table_after_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Not after the first answer (its thread would take the cores from the first brushes): after
    the generation's first answer under a filter, in a thread of its own, once."""
    from dashboard.app.views import DuckViews

    store = EventsStore(tmp_path / "s")
    (first, arts), *_ = batches(13, 1)
    store.append(first, arts)
    db = D.DuckEngine(store, threads=1)
    views = DuckViews(db, len(first), store.manifest()["generation"], rollup=True, later=True)
    ran: list[str] = []

    real = DR.build_country_days
    monkeypatch.setattr(DR, "build_country_days", lambda db: (ran.append("built"), real(db)))
    views.after_answer(Filters())
    settled()
    assert db.built(DR.COUNTRY_DAYS) is None and ran == []
    for f in (Filters(event_types=("Battles",)), Filters(countries=("Syria",))):
        views.after_answer(f)
        settled()
    assert db.built(DR.COUNTRY_DAYS) is not None and ran == ["built"]


def test_the_levels_tables_the_store_wrote_are_held_after_the_answer_as_a_request_builds_them(
    tmp_path: Path,
) -> None:
    """hold_levels (after the first answer) takes each level's tables per date and per place that the
    store wrote, whole or derived after appends, on a connection of its own: the same rows as the
    tables a request builds on first use; where the store wrote none, it builds nothing."""
    place = Alternative(name="A third town", lat=35.25, lon=40.5, country="Syria", country_code="SY")
    seen = []
    for what, db in every_kind_of_write(tmp_path, 6, place, compacted=True):
        other = D.DuckEngine(db.store, threads=1)  # the same generation, nothing held beforehand
        DR.hold_levels(db)
        gen, parts = db.rollup_now()
        rows = 0
        measures = db.rollup_measures
        for prefix in RS.levels(measures):
            for kind in ("days", "places"):
                suffix = f"{kind}_{prefix}"
                if not db.stored(suffix):
                    assert db.built(suffix) is None, (what, suffix)
                    continue
                assert db.built(suffix) == f"rollup_{gen}_{suffix}", (what, suffix)
                built = other.summed(suffix, DR.summed_select(measures, kind, prefix)[1])
                held = sorted_rows(db, f"SELECT * FROM rollup_{gen}_{suffix}")
                pd.testing.assert_frame_equal(held, sorted_rows(other, f"SELECT * FROM {built}"))
                rows += len(held)
        seen.append((what, len(parts), db.stored(f"places_{RS.levels(measures)[0]}")))
        assert rows or not seen[-1][2], f"{what}: the levels' tables hold rows"
    # Held whole (one part) after a compaction, derived after the appends that follow one.
    assert (("compaction", 1, True) in seen) and any(w == "append" and n > 1 and s for w, n, s in seen), seen
