"""The store's rollup (dashboard/rollup.py) kept by delta parts equals the rollup computed from the
events, after any sequence of appends (whose reports join stored events) and corrections."""

from __future__ import annotations

import random
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from dashboard import rollup as R
from dashboard import schema as S
from dashboard import store_files as F
from dashboard import store_sql as Q
from dashboard.ingest.article import Article
from dashboard.rollup_counts import sum_type
from dashboard.store import EventsStore
from dashboard.synth import synthetic_events
from dashboard.synth_reports import with_reports


def articles_of(frame: pd.DataFrame) -> list[Article]:
    return [
        Article(text=t, title=ti, source=s, article_id=a)
        for a, t, ti, s in zip(frame["article_id"], frame["text"], frame["title"], frame["source"], strict=True)
    ]


def batches(seed: int, n_batches: int) -> list[tuple[pd.DataFrame, list[Article]]]:
    """The synthetic corpus (second reports of some events, mentions) cut into batches of articles
    at random: an event's reports land in different batches, so appends merge with stored rows."""
    events, articles = synthetic_events(600, seed=seed)
    events = with_reports(events, seed=seed, report_share=0.3, mention_share=0.05)
    rng = np.random.default_rng(seed)
    which = rng.integers(0, n_batches, len(articles))
    out = []
    for b in range(n_batches):
        mine = articles[which == b]
        out.append((events[events[S.ARTICLE_ID].isin(set(mine["article_id"]))], articles_of(mine)))
    return out


def assert_rollup_right(store: EventsStore) -> None:
    m = store.manifest()
    diff = R.differences(store.root, m)
    assert diff.empty, diff.head().to_string()
    # Every part says whether the events its write left share their place; the merge makes them.
    with duckdb.connect() as con:
        whole = con.execute(R.share_place_sql(Q.events_sql(*store.files(m)))).fetchone()[0]
    assert [e.get("same_place") for e in m["rollup"]] == [True] * len(m["rollup"]) and whole


def test_an_event_over_two_places_is_seen_by_the_delta_and_the_whole_rollup(tmp_path: Path, make_events) -> None:
    rows = make_events(
        dict(event_id="a", cluster_id="c1"),
        dict(event_id="b", cluster_id="c1", country="Iraq"),
        dict(event_id="c", event_date="2020-03-09"),
    )
    assert not R.share_place(rows) and R.share_place(rows.iloc[[0, 2]])
    assert R.delta(rows.iloc[:0], rows).attrs["same_place"] is False
    store = EventsStore(tmp_path / "s")
    store.replace_events(rows)
    assert [e["same_place"] for e in store.manifest()["rollup"]] == [False]
    store.replace_events(rows.iloc[[0, 2]])
    assert [e["same_place"] for e in store.manifest()["rollup"]] == [True]


@pytest.mark.parametrize("seed", range(5))
def test_the_kept_rollup_equals_the_computed_one_after_appends_and_corrections(tmp_path: Path, seed: int) -> None:
    from dashboard.corrections import Alternative, save_correction

    rng = random.Random(seed)
    store = EventsStore(tmp_path / "s")
    merged_any = False
    for i, (events, arts) in enumerate(batches(seed, 4)):
        store.append(events, arts)
        assert_rollup_right(store)
        if i and rng.random() < 0.7:
            stored = store.load_events()
            toponym = rng.choice(sorted(stored[S.TOPONYM].dropna().unique()))
            place = Alternative(name=f"Moved {i}", lat=30.0 + i, lon=40.0, country="Syria", country_code="SY")
            save_correction(store, toponym, place, folder=tmp_path / f"gz{i}")
            assert_rollup_right(store)
        merged_any |= bool((store.load_events()[S.N_SOURCES].fillna(1) > 1).any())
    assert merged_any, "some events were told by articles of different batches"
    assert len(store.manifest()["rollup"]) > 4, "kept by delta parts, not rewritten"
    store.compact()
    assert len(store.manifest()["rollup"]) == 1
    assert_rollup_right(store)


def _counted_as_sql(tmp_path: Path, events: pd.DataFrame) -> pd.DataFrame:
    """contributions(events), sorted by key, once each of its measures is held to the SQL rollup's."""
    path = tmp_path / "e.parquet"
    F.write_table(tmp_path, "e.parquet", pa.Table.from_pandas(events, preserve_index=False))
    with duckdb.connect() as con:
        sql = con.execute(R.rollup_sql(f"read_parquet('{path}')")).df()
    key = R.ROLLUP_KEYS
    a = sql.astype({S.GEO_PRECISION: "Int64"}).sort_values(key).reset_index(drop=True)
    b = R.contributions(events).sort_values(key).reset_index(drop=True)
    assert len(a) == len(b) and len(a) < len(events)
    for m in R.MEASURES:
        assert a[m].astype("int64").tolist() == b[m].astype("int64").tolist(), m
    return b


def test_contributions_equal_the_sql_rollup(tmp_path: Path) -> None:
    """The pandas contributions (a write's delta) and the SQL rollup (compaction) count alike."""
    events, articles = synthetic_events(800, seed=9)
    events = S.coerce_events(with_reports(events, seed=9, report_share=0.3, mention_share=0.05))
    b = _counted_as_sql(tmp_path, events)
    assert int(b["events"].sum()) < int(b["reports"].sum()), "events told twice count once"


def test_a_write_that_cannot_keep_the_rollup_drops_it(tmp_path: Path) -> None:
    """A store whose rollup went missing is seen as one without (the app then reads the events),
    and the difference check notices a wrong rollup."""
    store = EventsStore(tmp_path / "s")
    events, arts = batches(1, 2)[0]
    store.append(events, arts)
    m = store.manifest()
    assert R.differences(store.root, m).empty
    wrong = {**m, "rollup": m["rollup"] + m["rollup"]}  # every part counted twice
    assert not R.differences(store.root, wrong).empty
    store._commit(m, overlay=store.load_events().head(3))  # rows changed, no delta given
    assert store.manifest().get("rollup") is None


def test_the_measures_are_summed_in_int32_only_when_no_sum_can_overflow(tmp_path: Path) -> None:
    """A write's measures are summed in int32 while n rows times their largest toll fit (half the
    memory); tolls of a billion take int64, and every sum is still the SQL rollup's."""
    toll = np.array([3.0, np.nan, 250.0])
    assert sum_type(1000, toll) is np.int32
    assert sum_type(1000, toll, np.array([3e6])) is np.int64
    assert sum_type(10, np.array([np.nan, np.nan])) is np.int32
    events, _ = synthetic_events(300, seed=4)
    events = S.coerce_events(with_reports(events, seed=4, report_share=0.3, mention_share=0.05))
    events[S.FATALITIES] = events[S.FATALITIES].astype("Float64")
    big = events.index[: len(events) // 2]
    events.loc[big, S.FATALITIES] = 1_500_000_000.0
    for c in R.ROLLUP_KEYS:  # all at one place, date and type: their events' tolls sum there
        events[c] = events[c].astype(object)
        events.loc[big, c] = events.loc[big[0], c]
    events = S.coerce_events(events)
    b = _counted_as_sql(tmp_path, events)
    assert int(b["high"].max()) > np.iinfo(np.int32).max, "a sum beyond int32's range"
    # A write's delta of those rows against none: the same sums.
    delta = R.delta(events.iloc[:0], events).sort_values(R.ROLLUP_KEYS).reset_index(drop=True)
    pd.testing.assert_frame_equal(delta[R.MEASURES], b[R.MEASURES])
