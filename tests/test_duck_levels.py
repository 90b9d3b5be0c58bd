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
