"""The fast synthetic store (synth_fast) against one the ordinary path writes (synth.write_synthetic_store):
the same files, schema and manifest, the same kinds of rows in the same proportions, and the
invariants an ingest keeps (the merge's cluster columns, the rollup, offsets into the article text)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from dashboard import rollup as R
from dashboard import schema as S
from dashboard import store_files as F
from dashboard.merge import CLUSTER_COLUMNS, merge_reports
from dashboard.store import EventsStore
from dashboard.synth import write_synthetic_store
from dashboard.synth_fast import write_fast_store

N = 4000


@pytest.fixture(scope="module")
def stores(tmp_path_factory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("fast")
    write_synthetic_store(root / "ordinary", N, seed=3, reports=True)
    write_fast_store(root / "fast", N, seed=3, chunk_events=1500)  # several chunks, merged as one
    return root / "ordinary", root / "fast"


def _schemas(root: Path, kind: str) -> set:
    return {pq.read_schema(root / e["path"]) for e in EventsStore(root).manifest()[kind]}


def test_same_files_schema_and_manifest(stores) -> None:
    ordinary, fast = stores
    for kind in ("events", "articles", "rollup"):
        a, b = _schemas(ordinary, kind), _schemas(fast, kind)
        assert len(a) == len(b) == 1 and a == b, kind
        assert next(iter(a)).metadata == next(iter(b)).metadata, f"{kind}: the pandas metadata too"
    m = EventsStore(fast).manifest()
    assert set(m) == set(EventsStore(ordinary).manifest())
    assert {e["path"].split("/")[1] for e in m["events"]} == {"2020", "2021", "2022", "2023", F.UNDATED}
    events = EventsStore(fast).load_events()
    assert m["n_events"] == len(events) == events[S.EVENT_ID].nunique()
    assert m["hash"] == F.ids_hash("", events[S.EVENT_ID].astype(str))
    assert m["n_articles"] == len(EventsStore(fast).load_articles()) == events[S.ARTICLE_ID].nunique()
    for e in m["events"]:
        dates = pd.read_parquet(fast / e["path"], columns=[S.EVENT_DATE])[S.EVENT_DATE]
        assert dates.is_monotonic_increasing or dates.isna().all(), "each part sorted by date"
        assert e["rows"] == len(dates)
        assert e["min"] == (None if dates.isna().all() else dates.min().isoformat())


def test_the_rollup_is_the_events_rollup(stores) -> None:
    for root in stores:
        assert R.differences(root, EventsStore(root).manifest()).empty


def test_the_cluster_columns_are_the_full_merge(stores) -> None:
    """What merge_reports gives over the whole table (one merge over every chunk)."""
    events = EventsStore(stores[1]).load_events().sort_values(S.EVENT_ID).reset_index(drop=True)
    again = merge_reports(events)
    for c in CLUSTER_COLUMNS:
        pd.testing.assert_series_equal(events[c], again[c], check_names=False)
    assert (events[S.CLUSTER_ID] != events[S.EVENT_ID]).mean() > 0.1, "events told by several reports"


def _shares(root: Path) -> dict:
    events = EventsStore(root).load_events()
    articles = EventsStore(root).load_articles().set_index("article_id")["text"]
    text = articles.reindex(events[S.ARTICLE_ID]).to_numpy()
    kind = events[S.RECORD_KIND].astype("string").fillna("event")
    at = [
        t[s:e] == x
        for t, s, e, x in zip(text, events[S.EXCERPT_START], events[S.EXCERPT_END], events[S.EXCERPT], strict=True)
    ]
    top = [
        t[s:e] == x
        for t, s, e, x in zip(text, events[S.TOPONYM_START], events[S.TOPONYM_END], events[S.TOPONYM], strict=True)
    ]
    return {
        "mention": (kind == "mention").mean(),
        "told_twice": (events[S.CLUSTER_ID] != events[S.EVENT_ID]).mean(),
        "excerpt_in_text": sum(at) / len(at),
        "toponym_in_text": sum(top) / len(top),
        "undated": events[S.EVENT_DATE].isna().mean(),
        "deaths_given": events[S.FATALITIES].notna().mean(),
        "per_article": len(events) / len(articles),
        "rows_per_event": len(events) / N,
    }


def test_the_same_rows_in_the_same_proportions(stores) -> None:
    ordinary, fast = (_shares(r) for r in stores)
    for k, v in ordinary.items():
        assert fast[k] == pytest.approx(v, rel=0.25, abs=0.01), k
    assert fast["excerpt_in_text"] > 0.85 and fast["toponym_in_text"] > 0.85
    a, b = (EventsStore(r).load_events() for r in stores)
    for c in (
        S.EVENT_TYPE,
        S.SUB_EVENT_TYPE,
        S.COUNTRY,
        S.DATE_PRECISION,
        S.RECORD_KIND,
        S.ACTOR1,
        S.FEATURE_CODE,
        S.DATE_SOURCE,
        S.GEO_PRECISION,
    ):
        assert set(a[c].dropna()) == set(b[c].dropna()), c
    for c in S.NAMES:  # every column the ordinary path fills, filled here
        assert a[c].notna().any() == b[c].notna().any(), c
