"""The sums of a whole rollup part per date and per place, of no minimum and of every level, written
with it (store_sql.write_whole_rollup, `sums` in its manifest entry), hold what the dashboard sums
from that part (rollup_sums.stored_tables), and the DuckDB engine reads them while the
part is its generation's only one: after a compaction (of a store with a correction's overlays);
after an append or a correction the generation's rollup has deltas, and the engine derives each
table from the part's and the deltas, as the rollup of every part summed anew gives it, the files
kept for the part; a rollup write that fails leaves no file and the generation before."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from dashboard import rollup as R
from dashboard import rollup_sums as RS
from dashboard import schema as S
from dashboard import store_files as F
from dashboard.app import duck as D
from dashboard.corrections import Alternative, save_correction
from dashboard.errors import StoreError
from dashboard.store import EventsStore
from tests.test_duck_fact import batches


def stored(db: D.DuckEngine) -> dict[str, str]:
    """The tables a whole rollup part is written with, by name, each with its SELECT over the rollup."""
    db.cursor()  # the generation declared, with its rollup's measures
    return RS.stored_tables(db.rollup_measures)


def engine_sums(db: D.DuckEngine, name: str) -> pd.DataFrame:
    """The table `name` (of `stored`) the engine holds for its generation, built or read."""
    return db.query(f"SELECT * FROM {db.summed(name, stored(db)[name])} ORDER BY ALL")


def assert_sums_read_from_the_files(db: D.DuckEngine) -> None:
    db.cursor()  # the generation declared, with its rollup's measures
    m = db.store.manifest()
    (entry,) = m["rollup"]
    tables = stored(db)
    assert set(entry["sums"]) == {*tables, RS.BY_PLACE} and len(tables) == 2 + 2 * 10 + 1, (
        "per date and place: none, 10 levels; per country and date"
    )
    assert {entry["path"], *entry["sums"].values()} <= F.referenced(m)
    # The part's rows by place: its keys and plain measures, every row, sorted by place name.
    cols = ", ".join([*R.ROLLUP_KEYS, *RS.PLAIN])
    by_place = db.query(f"SELECT {cols} FROM read_parquet('{db.store.root / entry['sums'][RS.BY_PLACE]}')")
    part = db.query(f"SELECT {cols} FROM read_parquet('{db.store.root / entry['path']}')")
    assert by_place[S.LOCATION].is_monotonic_increasing and len(by_place) == len(part)
    pd.testing.assert_frame_equal(
        by_place.sort_values(list(by_place.columns)).reset_index(drop=True),
        part.sort_values(list(part.columns)).reset_index(drop=True),
    )
    for name, rel in entry["sums"].items():
        if name == RS.BY_PLACE:
            continue
        assert (db.store.root / rel).is_file() and db.stored(name)
        # The part summed anew (in any order within a key: the answers group and sort what they read).
        summed = db.query(f"SELECT * FROM ({tables[name]}) ORDER BY ALL")
        held = engine_sums(db, name)
        pd.testing.assert_frame_equal(held, summed)
        assert len(held) or "_min_" in name, name  # a high level may have no passing report here
    # Read from the files: what a fresh engine holds is theirs, whatever the select it is given.
    fresh = D.DuckEngine(db.store, threads=1)
    for name in tables:
        got = fresh.query(f"SELECT * FROM {fresh.summed(name, 'SELECT 1 AS nothing')} ORDER BY ALL")
        pd.testing.assert_frame_equal(got, engine_sums(db, name))


def assert_derived_as_summed(db: D.DuckEngine, first_sums: dict[str, Path]) -> None:
    """A generation whose rollup has later parts beside a whole first part: each table the store wrote
    with that part is derived from it and the later parts (DuckEngine.summed), and holds what the
    rollup of every part summed anew gives, not the first part's sums."""
    _, parts = db.rollup_now()
    for name, select in stored(db).items():
        assert db.stored(name), f"{name}: derived from the first part's sums"
        alone = db.query(f"SELECT * FROM ({select}) ORDER BY ALL")
        pd.testing.assert_frame_equal(engine_sums(db, name), alone)
        # Whether or not the first part's rows by place are there to read (a store written before them).
        for by_place in (None, str(first_sums[RS.BY_PLACE])):
            setup, derived = RS.summed_on_select(
                name, db.rollup_measures, parts[0], str(first_sums[name]), list(parts[1:]), "t_touched", by_place
            )
            for statement in setup:
                db.cursor().execute(statement)
            pd.testing.assert_frame_equal(db.query(f"SELECT * FROM ({derived}) ORDER BY ALL"), alone)
        first_part = db.query(f"SELECT * FROM read_parquet('{first_sums[name]}') ORDER BY ALL")
        if "_min_" not in name:  # a level may have no passing report among the write's
            assert not alone.equals(first_part), f"{name}: the write's reports counted"


def test_a_whole_rollup_parts_sums_are_written_with_it_and_read(tmp_path: Path) -> None:
    (first, arts), (second, arts2), (third, arts3) = batches(4, 3)
    store = EventsStore(tmp_path / "s")
    store.append(first, arts)
    store.compact()  # a whole rollup part
    db = D.DuckEngine(store, threads=1)
    assert_sums_read_from_the_files(db)
    kept = store.manifest()["rollup"][0]
    store.append(second, arts2)
    m = store.manifest()
    assert len(m["rollup"]) == 2 and m["rollup"][0] == kept, "the append's delta beside the whole part"
    assert all((store.root / rel).is_file() for rel in kept["sums"].values()), "kept with their part"
    assert_derived_as_summed(db, {name: store.root / rel for name, rel in kept["sums"].items()})
    toponym = store.load_events()[S.TOPONYM].value_counts().index[0]
    save_correction(store, toponym, Alternative(name="A third town", lat=35.5, lon=40.25), folder=tmp_path / "gz")
    assert store.manifest()["overlays"] and len(store.manifest()["rollup"]) == 3
    assert_derived_as_summed(db, {name: store.root / rel for name, rel in kept["sums"].items()})
    store.compact()
    m = store.manifest()
    assert not m["overlays"] and m["rollup"][0]["sums"] != kept["sums"]
    assert_sums_read_from_the_files(db)
    store.append(third, arts3)  # a write: the files of generations before the previous one go
    assert not any((store.root / rel).exists() for rel in kept["sums"].values())


def test_a_rollup_write_that_fails_leaves_no_file_and_the_generation_before(tmp_path: Path, monkeypatch) -> None:
    (first, arts), _ = batches(6, 2)
    store = EventsStore(tmp_path / "s")
    store.append(first, arts)
    before = store.manifest()
    real = RS.sums_select

    def failing(kind: str, measures: frozenset[str], prefix: str | None = None, source: str = "rollup") -> str:
        return "SELECT no_such_column FROM nothing" if kind == "places" else real(kind, measures, prefix, source)

    monkeypatch.setattr(RS, "sums_select", failing)
    with pytest.raises(StoreError):
        store.compact()
    assert store.manifest() == before
    assert not list(store.root.rglob("*.tmp")), "the rollup's and the sums' temporary files removed"
    assert not list((store.root / "rollup").glob("*.*.parquet")), "no sums of a generation that is not"
    monkeypatch.setattr(RS, "sums_select", real)
    store.compact()
    assert_sums_read_from_the_files(D.DuckEngine(store, threads=1))


def test_the_first_answer_after_a_write_reads_the_sums_not_the_rollups_view(tmp_path: Path) -> None:
    """After a write beside a whole rollup part, the page's first answer (map, timeline, extent,
    counts) reads the sums derived from the part's and the write's delta: the rollup's view, whose
    tables read the first part's rows the delta touches, is declared when a query first reads it,
    and then answers as the sums do."""
    from dashboard.app.filters import Filters
    from dashboard.app.query import Selection
    from dashboard.app.views import DuckViews

    (first, arts), (second, arts2) = batches(8, 2)
    store = EventsStore(tmp_path / "s")
    store.append(first, arts)
    store.compact()
    store.append(second, arts2)
    m = store.manifest()
    assert len(m["rollup"]) == 2
    db = D.DuckEngine(store, threads=1)
    views = DuckViews(db, int(m["n_events"]), m["generation"], rollup=True)
    f, sel = Filters(), Selection()
    views.extent(f), views.series(f, sel, "month", "events"), views.places(f, sel), views.newest(f, sel, 30)
    total = views.total()

    def tables() -> set[str]:
        return set(db.query("SELECT table_name FROM duckdb_tables()")["table_name"])

    skip = f"rollup_{m['generation']}_skip"
    assert skip not in tables(), "the view's tables not built for the first answer"
    from_rollup = int(db.query("SELECT sum(events) AS n FROM rollup").iloc[0]["n"])
    assert from_rollup == total == D.total_events(db), "the sums, the rollup and the events count alike"
    assert skip in tables(), "declared on the first query that reads the rollup"
