"""The held tables the store writes with a whole rollup part (store_held) are those the dashboard's
engine builds from the events (duck_listed, duck_actors), and the engine reads them only for the
generation they were written with: after an append, a correction or its undo it builds its own, after
a compaction it reads the compaction's. (A kill -9 at any point: tests/test_store_crash.py.)"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest
from actor_states import assert_actor_states_as_the_events
from background import settled
from listed_rows import assert_listed_as_the_events

from dashboard import held_sql as HQ
from dashboard import store_held as SH
from dashboard.app import duck as D
from dashboard.app import duck_actors as DAC
from dashboard.app import duck_apart as A
from dashboard.app import duck_fact as DF
from dashboard.app import duck_fact_base as FB
from dashboard.app import duck_listed as DL
from dashboard.app import duck_newest as DN
from dashboard.corrections import Alternative
from dashboard.store import EventsStore
from tests.test_duck_fact import batches, every_kind_of_write


def _built_listed(db: D.DuckEngine) -> tuple[pa.Table, pa.Table]:
    """duck_listed's two tables as the engine computes them from the events."""
    _, relation = db.events_now()
    assert relation is not None
    *steps, result = HQ.listed_sql(relation)
    return HQ.listed_tables(A.computed(steps, result))


def _rows(db: D.DuckEngine, table: str) -> pd.DataFrame:
    """The table's rows in one order (the build's ties lie in any)."""
    return db.query(f"SELECT * FROM {table} ORDER BY ALL")


def _assert_stored_as_built(db: D.DuckEngine, monkeypatch: pytest.MonkeyPatch) -> None:
    """The store's files of the current generation: the rows, order and types of the engine's build."""
    gen = int(db.store.manifest()["generation"])
    files = db.held().files_for(gen)
    assert set(files) == set(SH.KINDS), files
    by_date, by_place = _built_listed(db)
    assert SH.read(files["listed"]).equals(by_date), "the rows by date, in their order and types"
    assert SH.read(files["placed"]).equals(by_place), "the rows by place"
    _assert_fact_as_built(db)
    _assert_newest_as_built(db, view=True)
    stored = DAC.build(db, DF.build(db))
    assert stored is not None
    kinds = db.query("SELECT view_name AS t FROM duckdb_views() WHERE NOT internal")["t"].tolist()
    assert stored.table in kinds, "read where it lies, not built"
    got = _rows(db, stored.table)
    with monkeypatch.context() as m:
        m.setattr(db, "held", lambda: SH.NO_HELD)
        built = DAC.build(db, DF.build(db))
        assert built is not None
        assert built.ids == stored.ids
        pd.testing.assert_frame_equal(got, _rows(db, built.table), obj="every actor's counts, row for row")
        assert stored.sums is not None and built.sums is not None
        for mine, theirs in zip(stored.sums, built.sums, strict=True):
            pd.testing.assert_frame_equal(_rows(db, mine), _rows(db, theirs), obj="every actor's sums, row for row")
    DAC.build(db, DF.build(db))  # the view again (the build above replaced it)


def _newest_rows(db: D.DuckEngine, table: str) -> pd.DataFrame:
    """duck_newest's table as the engine holds it: every row, in one order (ties lie in any)."""
    return db.query(f"SELECT event_date, event_id, published, filename FROM {table} ORDER BY event_date, event_id")


def _assert_newest_as_built(db: D.DuckEngine, view: bool) -> None:
    """duck_newest's table of the current generation (a view over the store's file where `view`,
    else derived after appends) holds the rows the engine computes from the events, each row's part
    named as the engine names it."""
    name = DN.build(db)
    views = db.query("SELECT view_name AS t FROM duckdb_views() WHERE NOT internal")["t"].tolist()
    assert (name in views) == view, "read where it lies" if view else "derived"
    _, relation = db.events_now(filename=True)
    assert relation is not None
    db.hold("newest_built", A.computed([], HQ.newest_sql(relation)))
    got, want = _newest_rows(db, name), _newest_rows(db, "newest_built")
    assert len(want) and want["filename"].notna().all()
    pd.testing.assert_frame_equal(got, want)


def _assert_fact_as_built(db: D.DuckEngine) -> None:
    """duck_fact_base's tables of the generation's first rollup part, read from the store's files, are
    those it builds from the part."""
    gen, parts = db.rollup_now()
    read = FB.base_of(db, parts[0])
    built = FB.built(db, FB.Base(parts[0], read.tag + 100, False, {}, (), 0, {}), HQ.part_source(parts[0]))
    assert (read.uniform, read.ids, read.names, read.top, read.per_type) == (
        built.uniform,
        built.ids,
        built.names,
        built.top,
        built.per_type,
    )
    for table in ("rows", "places", "types"):
        got = db.cursor().sql(f"SELECT * FROM {getattr(read, table)}").to_arrow_table()
        assert got.equals(db.cursor().sql(f"SELECT * FROM {getattr(built, table)}").to_arrow_table()), table


def test_a_whole_write_holds_the_tables_the_engine_builds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = EventsStore(tmp_path / "s")
    events = [e for e, _ in batches(5, 2)]
    store.replace_events(events[0])
    db = D.DuckEngine(store, threads=1)
    _assert_stored_as_built(db, monkeypatch)
    assert_actor_states_as_the_events(db)
    assert_listed_as_the_events(db)


def test_an_actors_file_written_before_a_count_is_counted_anew(tmp_path: Path) -> None:
    """A store whose actors' file lacks a count the engine now reads (`tolled`, added after such stores
    were written): the engine counts the actors' table from the events instead of reading a column the
    file has not got (a query error, a failed answer, before), and every actor's state is as the events'."""
    import pyarrow.parquet as pq

    store = EventsStore(tmp_path / "s")
    store.replace_events(batches(5, 2)[0][0])
    db = D.DuckEngine(store, threads=1)
    path = db.held().files_for(int(store.manifest()["generation"]))["actors"]
    pq.write_table(pq.read_table(path).drop(["tolled"]), path)
    actors = assert_actor_states_as_the_events(db)
    tables = db.query("SELECT table_name AS t FROM duckdb_tables()")["t"].tolist()
    assert actors.table in tables, "counted from the events, not a view over the older file"


def test_a_store_copied_elsewhere_names_its_own_parts(tmp_path: Path) -> None:
    """The newest rows' parts are stored under the store's root: a copy of the store reads its own."""
    import shutil

    store = EventsStore(tmp_path / "s")
    store.replace_events(batches(8, 1)[0][0])
    shutil.copytree(tmp_path / "s", tmp_path / "copy")
    db = D.DuckEngine(EventsStore(tmp_path / "copy"), threads=1)
    parts = set(_newest_rows(db, DN.build(db))["filename"])
    assert parts and parts <= {str(tmp_path / "copy" / e["path"]) for e in db.store.manifest()["events"]}


def test_the_tables_after_every_kind_of_write(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The files are read for the generation they were written with only: after a compaction (a
    whole rollup part), not after an append, a correction or its undo (which build as before)."""
    place = Alternative(name="A hamlet further", lat=34.5, lon=41.25, country="Iraq", country_code="IQ")
    for done, db in every_kind_of_write(tmp_path, 11, place):
        gen = int(db.store.manifest()["generation"])
        assert bool(db.held().files_for(gen)) == (done == "compaction"), done
        if done == "compaction":
            _assert_stored_as_built(db, monkeypatch)
        assert_actor_states_as_the_events(db)
        assert_listed_as_the_events(db)
        assert DL.build(db).table == DL.name_of(gen)


def test_no_actors_file_where_the_engine_builds_no_table(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """More actors than the table numbers: the listed rows only (the engine then answers an actor
    from the events, as before)."""
    monkeypatch.setattr(HQ, "ACTORS_LIMIT", 3)
    store = EventsStore(tmp_path / "s")
    store.replace_events(batches(6, 1)[0][0])
    db = D.DuckEngine(store, threads=1)
    assert set(db.held().files_for(int(store.manifest()["generation"]))) == set(SH.KINDS) - {
        "actors",
        "actor_names",
        "actor_places",
        "actor_days",
        "actor_placed",
    }
    assert DAC.build(db, DF.build(db)) is None


def test_after_appends_the_listed_rows_derive_from_the_held_ones(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After appends (base parts and patches of cluster columns), duck_listed's tables derive from the
    held ones and the parts written since (store_held.derived_sql), and duck_newest's from its file
    (held_sql.newest_derived_sql): the engine's build, row for row, with 3 rows kept per date and
    place and the newest 60 rows' dates whole (so that appends push rows out of a group and move the
    dates kept whole). After a correction they are built anew."""
    monkeypatch.setattr(HQ, "LIMIT", 3)
    monkeypatch.setattr(DL, "LIMIT", 3)
    monkeypatch.setattr(HQ, "RECENT", 60)
    monkeypatch.setattr(HQ, "NEWEST", 3)  # duck_newest's rows per date: appends push rows out
    place = Alternative(name="A farm far off", lat=36.75, lon=43.5, country="Iraq", country_code="IQ")
    patched = False
    for done, db in every_kind_of_write(tmp_path, 13, place, compacted=True):
        gen = int(db.store.manifest()["generation"])
        since = db.held().since_for(gen)
        assert (since is not None) == (done == "append"), done
        if since is not None:
            patched = patched or bool(since[2])
        listed = DL.build(db)
        by_date, by_place = _built_listed(db)
        assert _same(db, listed.table, by_date), done
        assert _same(db, listed.placed, by_place), done
        if done in ("append", "compaction"):  # after a correction or its undo: built as before
            _assert_newest_as_built(db, view=done == "compaction")
    assert patched, "an append patched stored rows' cluster columns"


def _same(db: D.DuckEngine, table: str, want: pa.Table) -> bool:
    """Whether the engine's table holds `want`'s rows in its order, with its types."""
    got = db.cursor().sql(f"SELECT * FROM {table}").to_arrow_table()
    return got.equals(want)


def test_the_actors_files_are_read_after_the_first_answer_where_the_store_wrote_them(tmp_path: Path) -> None:
    """Views over them, made by the thread after the generation's first answer (not by the first
    filter of an actor, whose answer waited for them); where the store wrote none for the generation
    (after an append) that thread counts nothing: the actors' table is a filter's to count."""
    from dashboard.app.filters import Filters
    from dashboard.app.views import DuckViews

    store = EventsStore(tmp_path / "s")
    (first, _), (more, arts) = batches(5, 2)
    store.replace_events(first)
    for appended in (False, True):
        if appended:
            store.append(more, arts)
        db = D.DuckEngine(store, threads=1)
        m = store.manifest()
        views = DuckViews(db, int(m["n_events"]), int(m["generation"]), rollup=True, later=True)
        views.after_answer(Filters())
        settled()
        got = views._options.get("#actors")
        if appended:
            assert got is None, "nothing counted after an append"
            continue
        assert isinstance(got, DAC.Actors), "read after the answer"
        kinds = db.query("SELECT view_name AS t FROM duckdb_views() WHERE NOT internal")["t"].tolist()
        assert got.table in kinds and got.sums is not None and set(got.sums) <= set(kinds), "the store's files"


@pytest.mark.parametrize("kind", ["actors", "actor_names", "actor_places", "actor_days"])
def test_an_actors_file_cut_short_is_the_stores_error_naming_it_and_the_rest_is_read_after_the_answer(
    tmp_path: Path, kind: str
) -> None:
    """The thread after the first answer leaves a broken actors' file to the actor's filter, which
    reports it as the store's error naming the file, and reads the rest (the excerpts' word index)."""
    from dashboard.app.filters import Filters
    from dashboard.app.query import Selection
    from dashboard.app.views import DuckViews
    from dashboard.errors import StoreError

    store = EventsStore(tmp_path / "s")
    store.replace_events(batches(5, 2)[0][0])
    db = D.DuckEngine(store, threads=1)
    m = store.manifest()
    path = Path(db.held().files_for(int(m["generation"]))[kind])
    path.write_bytes(path.read_bytes()[:100])
    views = DuckViews(db, int(m["n_events"]), int(m["generation"]), rollup=True, later=True)
    views.after_answer(Filters())
    settled()
    assert "#actors" not in views._options and "#search" in views._options, "the thread's other work done"
    actor = str(db.query("SELECT actor1 FROM events WHERE actor1 IS NOT NULL LIMIT 1").iloc[0]["actor1"])
    with pytest.raises(StoreError, match=rf"{path.name}: cannot read the actors' table"):
        views.places(Filters(actors=(actor,)), Selection())
