"""The rollup with integer places (duck_fact) of a write's generation, derived from its first rollup
part's tables and the generation's delta (duck_fact_base), holds what the tables built from the
whole rollup hold: after appends, a correction, and its undo."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd

from dashboard import schema as S
from dashboard.app import duck as D
from dashboard.app import duck_fact as DF
from dashboard.app import duck_fact_base as FB
from dashboard.app import duck_rollup as DR
from dashboard.app.filters import Filters
from dashboard.app.query import Selection
from dashboard.correction_log import corrections
from dashboard.corrections import Alternative, save_correction, undo_correction
from dashboard.ingest.article import Article
from dashboard.store import EventsStore
from dashboard.synth import synthetic_events
from dashboard.synth_reports import with_reports

PLACE = "p.location, p.lat_i, p.lon_i, p.place_key, p.latitude, p.longitude, p.country"


def shape(db: D.DuckEngine, fact: DF.Fact) -> tuple[pd.DataFrame, pd.DataFrame, set]:
    """A Fact's rows with their places' columns for the integer, the places that have rows, and
    those places' keys in `ids`: what the answers read, whatever integers the places got."""
    cols = FB.ROW_COLUMNS.replace("pid, ", "r.").replace(", ", ", r.")
    rows = db.query(f"SELECT {PLACE}, {cols} FROM {fact.rows} r JOIN {fact.places} p USING (pid)")
    rows = rows.sort_values(list(rows.columns)).reset_index(drop=True)
    places = db.query(f"SELECT {PLACE} FROM {fact.places} p WHERE pid IN (SELECT pid FROM {fact.rows})")
    places = places.sort_values(list(places.columns)).reset_index(drop=True)
    pids = set(db.query(f"SELECT DISTINCT pid FROM {fact.rows}")["pid"].tolist())
    return rows, places, {k for k, v in fact.ids.items() if v in pids}


def assert_derived_as_whole(db: D.DuckEngine) -> DF.Fact:
    """The derived Fact holds what the whole build holds; and the map of no filter from its places
    table (duck_fact.places_table) is the one from the rollup."""
    done, fact = FB.derived(db)
    whole = DF.build_whole(db)
    assert done and fact is not None and whole is not None
    assert fact.types == whole.types
    for a, b in zip(shape(db, fact), shape(db, whole), strict=True):
        if isinstance(a, pd.DataFrame):
            pd.testing.assert_frame_equal(a, b)
        else:
            assert a == b
    assert DF.build(db) is DF.build(db), "held per generation"
    # The map of no filter reads the table per place the store's files give where they give it
    # (rollup_sums: written with a whole rollup part), else the Fact's; each is the rollup's map.
    table = DR.places_source(db, Filters(), Selection())
    assert table.endswith("_places" if db.stored("places") else "_places_fact")
    for source in {table, DF.places_table(db, fact)}:
        pd.testing.assert_frame_equal(
            DR.places_summary(db, Selection(), Filters(), source),
            DR.places_summary(db, Selection(), Filters(), "rollup"),
        )
    return fact


def batches(seed: int, n: int) -> list[tuple[pd.DataFrame, list[Article]]]:
    events, articles = synthetic_events(500, seed=seed)
    events = with_reports(events, seed=seed, report_share=0.3, mention_share=0.05)
    which = np.random.default_rng(seed).integers(0, n, len(articles))
    out = []
    for b in range(n):
        mine = articles[which == b]
        arts = [
            Article(text=t, title=ti, source=s, article_id=a)
            for a, t, ti, s in zip(mine["article_id"], mine["text"], mine["title"], mine["source"], strict=True)
        ]
        out.append((events[events[S.ARTICLE_ID].isin(set(mine["article_id"]))], arts))
    return out


def every_kind_of_write(
    tmp_path: Path, seed: int, place: Alternative, compacted: bool = False
) -> Iterator[tuple[str, D.DuckEngine]]:
    """A store through appends, a correction that moves its most named toponym to `place`, its undo
    and a compaction: (what was just done, the store's engine) after each. With `compacted`, the
    first append is compacted before the others (its generation then has a whole rollup part)."""
    store = EventsStore(tmp_path / "s")
    (first, arts), *later = batches(seed, 3)
    store.append(first, arts)
    if compacted:
        store.compact()
    db = D.DuckEngine(store, threads=1)
    yield "compaction" if compacted else "first", db
    for events, arts in later:
        store.append(events, arts)
        yield "append", db
    toponym = store.load_events()[S.TOPONYM].value_counts().index[0]
    save_correction(store, toponym, place, folder=tmp_path / "gz")
    assert store.manifest()["overlays"], "the correction's overlay"
    yield "correction", db
    (saved,) = corrections(store.root)
    undo_correction(store, saved["id"], folder=tmp_path / "gz")
    assert len(store.manifest()["rollup"]) > 3, "the generations read the first part and deltas"
    yield "undo", db
    store.compact()
    assert len(store.manifest()["rollup"]) == 1
    yield "compaction", db


def test_a_generation_derives_the_tables_the_whole_rollup_gives(tmp_path: Path) -> None:
    place = Alternative(name="Somewhere new", lat=33.125, lon=42.5, country="Iraq", country_code="IQ")
    for done, db in every_kind_of_write(tmp_path, 7, place):
        fact = assert_derived_as_whole(db)
        if done == "correction":
            assert ("Somewhere new", 331250, 425000) in fact.ids, "a place the write brought, numbered after the base's"
        if done == "undo":
            assert [b.tag for b in db.fact_bases] == [0], "the first part's tables built once"
        if done == "compaction":
            assert [b.tag for b in db.fact_bases] == [0, 1], "a compaction's part gets its own"


def test_a_write_that_gives_a_place_a_second_latitude_reads_the_whole_rollup(tmp_path: Path) -> None:
    """A correction to a place the base has, with coordinates that round to it but differ: the
    whole rollup's places are not one each, so no Fact (the rollup answers), as build_whole says."""
    store = EventsStore(tmp_path / "s")
    (first, arts), _ = batches(3, 2)
    store.append(first, arts)
    db = D.DuckEngine(store, threads=1)
    stored = store.load_events()
    counts = stored[S.TOPONYM].value_counts()
    kept, moved = counts.index[0], counts.index[1]
    row = stored[stored[S.TOPONYM] == kept].iloc[0]
    lat = float(row[S.LATITUDE]) + 0.000001
    assert DF.build(db) is not None
    place = Alternative(name=str(row[S.LOCATION]), lat=lat, lon=float(row[S.LONGITUDE]), country=str(row[S.COUNTRY]))
    save_correction(store, moved, place, folder=tmp_path / "gz")
    assert FB.derived(db) == (False, None)
    assert DF.build(db) is None and DF.build_whole(db) is None
