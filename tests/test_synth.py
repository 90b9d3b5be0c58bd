"""The synthetic events generator: valid, reproducible, clustered like real reporting, offsets that hold."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from dashboard import schema as S
from dashboard import store_files as F
from dashboard.store import EventsStore
from dashboard.synth import synthetic_chunks, synthetic_events, write_synthetic_store
from dashboard.synth_world import START_DAY


@pytest.fixture(scope="module")
def tables() -> tuple[pd.DataFrame, pd.DataFrame]:
    return synthetic_events(4000, seed=11)


def test_exactly_n_events_with_the_schema(tables) -> None:
    events, articles = tables
    assert len(events) == 4000
    pd.testing.assert_frame_equal(events, S.coerce_events(events))
    assert events[S.EVENT_ID].is_unique
    assert set(events[S.ARTICLE_ID]) == set(articles["article_id"])
    assert articles["article_id"].is_unique
    for col in (
        S.EVENT_TYPE,
        S.LOCATION,
        S.LATITUDE,
        S.LONGITUDE,
        S.COUNTRY,
        S.EXCERPT,
        S.TITLE,
        S.SOURCE,
        S.PUBLISHED,
        S.GEO_PRECISION,
        S.ALTERNATIVES,
        S.URL,
    ):
        assert events[col].notna().all(), col


def test_alternatives_are_filled_as_an_ingest_fills_them(tables) -> None:
    from dashboard.corrections import parse_alternatives

    events, _ = tables
    for row in events.sample(200, random_state=1).to_dict("records"):
        alts = parse_alternatives(row[S.ALTERNATIVES])
        assert len(alts) >= 2, row[S.ALTERNATIVES]
        first = alts[0]
        assert (first.name, first.lat, first.lon) == (row[S.LOCATION], row[S.LATITUDE], row[S.LONGITUDE])
        assert all(a.country and a.feature_code and a.geo_precision for a in alts)


def test_same_seed_same_store_other_seed_other_store(tables) -> None:
    again, _ = synthetic_events(4000, seed=11)
    pd.testing.assert_frame_equal(tables[0], again)
    other, _ = synthetic_events(4000, seed=12)
    assert not other[S.EVENT_ID].equals(tables[0][S.EVENT_ID])


def test_every_offset_points_into_the_article_text(tables) -> None:
    events, articles = tables
    text = articles.set_index("article_id")["text"]
    for r in events.sample(500, random_state=0).to_dict("records"):
        t = text[r[S.ARTICLE_ID]]
        assert t[r[S.EXCERPT_START] : r[S.EXCERPT_END]] == r[S.EXCERPT]
        assert t[r[S.TOPONYM_START] : r[S.TOPONYM_END]] == r[S.TOPONYM]
        assert t[r[S.TRIGGER_START] : r[S.TRIGGER_END]] == r[S.TRIGGER]
        assert r[S.EXCERPT_START] <= r[S.TRIGGER_START] < r[S.TRIGGER_END] <= r[S.EXCERPT_END]
        if pd.notna(r[S.FATALITIES]):
            assert r[S.FATALITIES_TEXT] in r[S.EXCERPT] and str(r[S.FATALITIES]) in r[S.FATALITIES_TEXT]


def test_events_cluster_in_space(tables) -> None:
    events, _ = tables
    per_place = events.groupby([S.LOCATION, S.LATITUDE, S.LONGITUDE]).size().sort_values(ascending=False)
    top = per_place.head(max(1, len(per_place) // 10)).sum() / len(events)
    assert top > 0.5, f"the busiest 10 % of places hold only {top:.0%} of the events"
    assert len(per_place) > 300, "and there is a long tail of places"
    assert set(events[S.GEO_PRECISION].dropna().astype(int)) == {1, 3, 4}, "towns, provinces and countries"
    assert events[S.COUNTRY].nunique() >= 6


def test_events_come_in_bursts(tables) -> None:
    events, _ = tables
    weekly = events.set_index(S.EVENT_DATE).resample("W").size()
    assert weekly.max() > 3 * weekly.median(), "some weeks are far busier than a typical week"
    assert events[S.EVENT_DATE].min() >= pd.Timestamp("2021-01-01")
    assert events[S.EVENT_DATE].isna().any() and (events[S.DATE_PRECISION] == "month").any()
    month_rows = events[events[S.DATE_PRECISION] == "month"]
    assert (month_rows[S.EVENT_DATE].dt.day == 1).all()


def test_chunks_are_bounded_and_add_up() -> None:
    chunks = list(synthetic_chunks(2500, seed=1, chunk_events=1000))
    assert len(chunks) >= 2
    assert sum(len(e) for e, _ in chunks) == 2500
    assert all(len(e) <= 1000 + 50 for e, _ in chunks), "a chunk ends at an article boundary"
    ids = pd.concat([e[S.EVENT_ID] for e, _ in chunks])
    assert ids.is_unique
    assert list(synthetic_chunks(0)) == []


def test_write_synthetic_store(tmp_path) -> None:
    manifest = write_synthetic_store(tmp_path / "store", 1500, seed=2)
    assert manifest["n_events"] == 1500 and manifest["generation"] == 1
    store = EventsStore(tmp_path / "store")
    events = store.load_events()
    assert len(events) == 1500
    # The store keeps each month's rows in date order: the same rows, in another order.
    by_id = lambda df: df.sort_values(S.EVENT_ID).reset_index(drop=True)  # noqa: E731
    pd.testing.assert_frame_equal(by_id(events), by_id(synthetic_events(1500, seed=2)[0]))
    assert len(store.load_articles()) == manifest["n_articles"]
    assert store.load_events_table(dictionary=(S.EVENT_TYPE,)).num_rows == 1500
    # A second write is a new generation that replaces the first.
    assert write_synthetic_store(tmp_path / "store", 10, seed=2)["generation"] == 2
    assert len(store.load_events()) == 10
    m = store.manifest()
    named = F.referenced(m)  # the parts, and a whole rollup part's sums
    assert all("-000002" in e["path"] for e in m["events"] + m["articles"] + m["rollup"])
    # The first generation's files stay until the next write, for readers that had read its manifest.
    files = {p.relative_to(store.root).as_posix() for p in store.root.rglob("*") if p.suffix in (".parquet", ".arrow")}
    assert files > named and all("-000001" in f for f in files - named)
    write_synthetic_store(tmp_path / "store", 10, seed=3)
    files = {p.relative_to(store.root).as_posix() for p in store.root.rglob("*") if p.suffix in (".parquet", ".arrow")}
    assert not any("-000001" in f for f in files), "the generation before the previous one is gone"


def test_start_day_is_2021() -> None:
    assert str(np.datetime64(START_DAY, "D")) == "2021-01-01"


@pytest.mark.parametrize("n, seed", [(100, 103), (100, 112), (300, 1139), (50, 100)])
def test_small_stores_whose_first_draw_falls_short_are_written(n: int, seed: int) -> None:
    from dashboard.synth import synthetic_events

    events, articles = synthetic_events(n, seed=seed)
    assert len(events) == n and len(articles) >= 1
