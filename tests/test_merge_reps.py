"""An append's merge and rollup delta over each stored cluster's representative rows
(dashboard/merge_reps.py) give what the merge of every row and the delta over every row give."""

from __future__ import annotations

import random
from pathlib import Path

import pandas as pd
import pytest

from dashboard import merge_reps, store_merge
from dashboard import rollup as R
from dashboard import schema as S
from dashboard.merge import CLUSTER_COLUMNS, merge_reports
from dashboard.merge_reps import append_merge, cluster_changes, representatives
from dashboard.store import EventsStore
from tests.test_rollup import assert_rollup_right, batches

TYPES = ["Battles", "Explosions/Remote violence", "Violence against civilians", "Protests"]


def _rows(n: int, seed: int, prefix: str) -> pd.DataFrame:
    """Rows crowded onto two places, two days and four types, with actors, outlets, tolls and
    confidences drawn so that clusters bridge, tolls tie and go missing, and some rows are
    mentions."""
    from dashboard.synth import synthetic_events

    events, _ = synthetic_events(n, seed=seed)
    rng = random.Random(seed)
    events[S.EVENT_ID] = [f"{prefix}{rng.randrange(10**6):06d}-{i}" for i in range(n)]
    events[S.ARTICLE_ID] = [f"art-{rng.randrange(n)}" for _ in range(n)]
    events[S.EVENT_DATE] = [pd.Timestamp("2022-03-01") + pd.Timedelta(days=rng.randrange(2)) for _ in range(n)]
    events[S.DATE_PRECISION] = "day"
    events[S.EVENT_TYPE] = [rng.choice(TYPES) for _ in range(n)]
    events[S.SUB_EVENT_TYPE] = "Armed clash"
    place = [rng.randrange(2) for _ in range(n)]
    events[S.LOCATION] = [f"Town {p}" for p in place]
    events[S.LATITUDE] = [35.0 + p for p in place]
    events[S.LONGITUDE] = 38.0
    events[S.COUNTRY] = "Syria"
    events[S.GEO_PRECISION] = 2
    # Odd seeds: some reports give another province (an event over two places).
    events[S.ADMIN1] = [rng.choice(["North", "North", "North", "East"][: 4 if seed % 2 else 1]) for _ in range(n)]
    events[S.ACTOR1] = [rng.choice(["", "", "A", "B"]) for _ in range(n)]
    events[S.ACTOR2] = [rng.choice(["", "", "", "A", "C"]) for _ in range(n)]
    events[S.SOURCE] = [rng.choice(["", "outlet-1", "outlet-2", "outlet-3", "outlet-4"]) for _ in range(n)]
    tolls = [None, 0, 0, 2, 5, 12, 57, 60, 130, 131]
    events[S.FATALITIES] = pd.array([rng.choice(tolls) for _ in range(n)], dtype="Int64")
    events[S.CONFIDENCE] = [rng.choice([None, 0.55, 0.75, 0.85, 0.95]) for _ in range(n)]
    events[S.RECORD_KIND] = [rng.choice(["event", "event", "event", "mention"]) for _ in range(n)]
    return S.coerce_events(events)


def _everything(stored: pd.DataFrame, rows: pd.DataFrame) -> tuple:
    """What store_merge.merge_in did for an append before merge_reps: every row merged, the delta
    over every row of the joined clusters."""
    merged = S.coerce_events(merge_reports(pd.concat([stored, rows], ignore_index=True)))
    old, new = merged.iloc[: len(stored)].reset_index(drop=True), merged.iloc[len(stored) :].reset_index(drop=True)
    differs, renamed = cluster_changes(stored, old)
    joined = S.isin(old[S.CLUSTER_ID], set(new[S.CLUSTER_ID].dropna()))
    delta = R.delta(stored[joined], pd.concat([old[joined], new], ignore_index=True), aligned=True)
    return new, old[differs], delta, old[renamed]


def _sorted(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.sort_values(list(frame.columns)).reset_index(drop=True)


@pytest.mark.parametrize("seed", range(6))
def test_an_append_over_representatives_equals_one_over_every_row(seed: int) -> None:
    stored = S.coerce_events(merge_reports(_rows(400, seed, "s")))
    rows = _rows(60, seed + 100, "n")
    new, changed, delta, renamed = append_merge(stored, rows, rollup=True)
    want_new, want_changed, want_delta, want_renamed = _everything(stored, rows)
    cols = [S.EVENT_ID, *CLUSTER_COLUMNS]
    pd.testing.assert_frame_equal(new, want_new)
    pd.testing.assert_frame_equal(
        _sorted(changed[cols]), _sorted(want_changed[cols].reset_index(drop=True)), check_dtype=False
    )
    pd.testing.assert_frame_equal(renamed, want_renamed.reset_index(drop=True))
    assert delta is not None
    assert delta.attrs == want_delta.attrs
    pd.testing.assert_frame_equal(_sorted(delta), _sorted(want_delta))
    assert len(want_changed) and len(want_delta), "the new rows joined stored clusters"
    assert (stored[S.N_SOURCES] > 2).sum() > 100, "stored clusters of several reports"


def test_a_cluster_is_stood_for_by_few_of_its_rows() -> None:
    stored = S.coerce_events(merge_reports(_rows(400, 7, "s")))
    reps = representatives(stored)
    big = stored[S.N_SOURCES] > 2
    assert reps.sum() < len(stored) / 2
    assert (~reps & big.to_numpy()).any()
    # Each cluster keeps its smallest event id (its first report) among its representatives.
    first = stored.groupby(S.CLUSTER_ID)[S.EVENT_ID].transform("min")
    assert reps[(stored[S.EVENT_ID] == first).to_numpy()].all()


@pytest.mark.parametrize("seed", range(3))
def test_appends_over_representatives_keep_the_store_a_full_merge(tmp_path: Path, monkeypatch, seed: int) -> None:
    """Every append goes over the representatives of stored rows read whole (at any size, the
    index's kept clusters left unread): the store's rows equal one merge of every row, and its
    rollup the one computed from them."""
    monkeypatch.setattr(merge_reps, "REPS_AT", 0)
    monkeypatch.setattr(store_merge, "_over_clusters", lambda *a: None)
    used = []
    real = merge_reps.append_merge
    monkeypatch.setattr(merge_reps, "append_merge", lambda *a: used.append(1) or real(*a))
    store = EventsStore(tmp_path / "s")
    every = []
    for events, arts in batches(seed, 5):
        store.append(events, arts)
        every.append(events)
        assert_rollup_right(store)
    assert len(used) >= 3, "appends merged with stored rows over their representatives"
    _assert_full_merge(store, every)


def _assert_full_merge(store: EventsStore, every: list[pd.DataFrame]) -> None:
    want = S.coerce_events(merge_reports(pd.concat(every, ignore_index=True)))
    got = store.load_events()
    assert (got[S.N_SOURCES] > 1).any()
    pd.testing.assert_frame_equal(
        got.set_index(S.EVENT_ID).sort_index(), want.set_index(S.EVENT_ID).sort_index(), check_like=True
    )
