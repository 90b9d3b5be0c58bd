"""The synthetic store's clusters are a merge over all its rows (synth_merge), as an ingest leaves
them, not a merge of each chunk the writer drew on its own."""

from __future__ import annotations

import numpy as np
import pandas as pd

from dashboard import schema as S
from dashboard.merge import CLUSTER_COLUMNS, merge_keys, merge_reports
from dashboard.store import EventsStore
from dashboard.synth import STAGE, synthetic_events, write_synthetic_store
from dashboard.synth_merge import merged_chunks
from dashboard.synth_reports import with_reports


def _cluster_columns(events: pd.DataFrame) -> pd.DataFrame:
    out = events.set_index(S.EVENT_ID).sort_index()[CLUSTER_COLUMNS]
    return out.astype({S.CLUSTER_ID: "string"})


def test_a_store_of_several_chunks_holds_the_whole_merge(tmp_path) -> None:
    # Five chunks: a key's rows come from articles of several of them.
    write_synthetic_store(tmp_path / "s", 3000, seed=5, reports=True, chunk_events=600)
    stored = S.coerce_events(EventsStore(tmp_path / "s").load_events_table().to_pandas())
    full = merge_reports(stored)
    pd.testing.assert_frame_equal(_cluster_columns(stored), _cluster_columns(full))
    key = merge_keys(stored)
    per_key = stored[key.notna()].groupby(key[key.notna()])[S.CLUSTER_ID].nunique()
    assert per_key.max() == 1  # the synthetic actors always chain: a key is one event
    assert (stored.groupby(S.CLUSTER_ID).size() > 1).any()
    assert not (tmp_path / "s" / STAGE).exists()


def test_keys_of_incompatible_actors_are_split_as_the_merge_splits_them(tmp_path) -> None:
    events, articles = synthetic_events(1500, seed=6)
    rows = with_reports(events, seed=6, report_share=0.3, merge=False)
    # Give the rows of keyed events actors that do not chain: {x}, {y}, {x, y} or none, so that
    # some keys hold two components and others one.
    rng = np.random.default_rng(6)
    pick = rng.integers(0, 4, len(rows))
    rows[S.ACTOR1] = np.array(["Northern militia", "", "Northern militia", ""], dtype=object)[pick]
    rows[S.ACTOR2] = np.array(["", "River brigade", "River brigade", ""], dtype=object)[pick]
    rows = S.coerce_events(rows)
    thirds = np.array_split(np.arange(len(rows)), 3)
    chunks = [(rows.iloc[t].reset_index(drop=True), articles) for t in thirds]
    out = pd.concat([e for e, _ in merged_chunks(chunks, tmp_path / "stage")], ignore_index=True)
    assert len(out) == len(rows)
    pd.testing.assert_frame_equal(_cluster_columns(out), _cluster_columns(merge_reports(rows)))
    key = merge_keys(out)
    per_key = out[key.notna()].groupby(key[key.notna()])[S.CLUSTER_ID].nunique()
    assert per_key.max() > 1  # the split path ran
    assert not (tmp_path / "stage").exists()


def test_no_chunks_no_rows(tmp_path) -> None:
    assert list(merged_chunks([], tmp_path / "stage")) == []
