"""An append's merge over the stored clusters the merge's index keeps per key
(dashboard/merge_clusters.py) gives what the merge over every stored row gives; the clusters an
index keeps are always those of their key's rows, through appends, corrections, undos and a
compaction; and they read back as they were written, whatever their texts hold."""

from __future__ import annotations

import random
import sqlite3
from pathlib import Path

import pandas as pd
import pytest

from dashboard import merge_clusters as MC
from dashboard import merge_reps
from dashboard import rollup as R
from dashboard import schema as S
from dashboard import store_index as I
from dashboard import store_index_clusters as C
from dashboard import store_merge as SM
from dashboard.merge import CLUSTER_COLUMNS, merge_keys, merge_reports, with_cluster_sums
from dashboard.store import EventsStore
from tests.test_merge_reps import _rows, _sorted
from tests.test_store_index import _corpus


def _canonical(clusters: MC.Clusters) -> list[tuple]:
    """Each cluster (name, key, rows, one place, members, outlets, representatives' ids), sorted."""
    members: dict[int, list[str]] = {}
    for i, e in zip(clusters.member_of.tolist(), clusters.members.to_pylist(), strict=True):
        members.setdefault(i, []).append(e)
    outlets: dict[int, list[str]] = {}
    for i, o in zip(clusters.outlet_of.tolist(), clusters.outlets.to_pylist(), strict=True):
        outlets.setdefault(i, []).append(o)
    reps: dict[int, list[str]] = {}
    rep_of = MC.rep_cluster(clusters)
    for i, e in zip(rep_of.tolist(), clusters.reps[S.EVENT_ID].astype(str), strict=True):
        reps.setdefault(i, []).append(e)
    return sorted(
        (
            str(clusters.name[i]),
            clusters.key[i],
            int(clusters.size[i]),
            bool(clusters.one_place[i]),
            tuple(sorted(members.get(i, []))),
            tuple(sorted(outlets.get(i, []))),
            tuple(sorted(reps.get(i, []))),
        )
        for i in range(len(clusters))
    )


def _stored(seed: int) -> pd.DataFrame:
    """Stored rows as a read of the index gives them: merged, their cluster sums set from them."""
    return with_cluster_sums(S.coerce_events(merge_reports(_rows(400, seed, "s"))))


@pytest.mark.parametrize("seed", range(8))
def test_a_merge_over_kept_clusters_equals_one_over_every_row(seed: int) -> None:
    stored = _stored(seed)
    # New ids before the stored ones rename the clusters they join (odd seeds), after them not.
    rows = _rows(60, seed + 100, "n" if seed % 2 else "z")
    new, changed, delta, renamed = merge_reps.append_merge(stored, rows, rollup=True)
    got = MC.merge(C.decode(C.encode(MC.summarize(stored))), rows, rollup=True)
    pd.testing.assert_frame_equal(got.new, new)
    cols = [S.EVENT_ID, *CLUSTER_COLUMNS]
    pd.testing.assert_frame_equal(_sorted(got.patch[cols]), _sorted(changed[cols]), check_dtype=False)
    assert got.delta is not None and delta is not None
    assert got.delta.attrs == delta.attrs
    pd.testing.assert_frame_equal(_sorted(got.delta), _sorted(delta))
    # The stored clusters whose id changed, and their columns after: those of the rows that did.
    name = merge_reps._clusters(stored)
    assert set(name[S.isin(stored[S.EVENT_ID], set(renamed[S.EVENT_ID]))]) == set(got.renamed)
    after = got.renamed_columns.set_axis(got.renamed).loc[name[S.isin(stored[S.EVENT_ID], set(renamed[S.EVENT_ID]))]]
    pd.testing.assert_frame_equal(
        after.reset_index(drop=True), renamed[CLUSTER_COLUMNS].reset_index(drop=True), check_dtype=False
    )
    assert bool(len(renamed)) == bool(seed % 2) and len(changed) > 100
    # The keys' clusters after: those of one merge of every row.
    every = S.coerce_events(merge_reports(pd.concat([stored, rows], ignore_index=True)))
    want = MC.summarize(with_cluster_sums(every[merge_keys(every).notna()].reset_index(drop=True)))
    assert _canonical(C.decode(C.encode(got.after, got.after_reps))) == _canonical(want)


@pytest.mark.parametrize("odd", ["\x1c", "\\c", "a\x1fb", "\x1e", "\\", "", "x\x1dy\\\\c"])
def test_kept_clusters_read_back_whatever_their_texts_hold(odd: str) -> None:
    stored = _stored(3)
    stored[S.SOURCE] = pd.array([odd if i % 7 == 0 else s for i, s in enumerate(stored[S.SOURCE])], dtype="string")
    stored[S.EVENT_ID] = pd.array(
        [f"{e}{odd}" if i % 5 == 0 else e for i, e in enumerate(stored[S.EVENT_ID])], "string"
    )
    stored = with_cluster_sums(S.coerce_events(merge_reports(stored)))
    clusters = MC.summarize(stored)
    assert _canonical(C.decode(C.encode(clusters))) == _canonical(clusters)
    assert odd in clusters.outlets.to_pylist() or odd == ""


def test_an_append_of_an_event_stored_already_is_merged_over_its_rows(tmp_path: Path, monkeypatch) -> None:
    """A new row whose event is stored, or keys holding fewer than CLUSTERS_AT stored rows:
    merge_in's way (over the rows, that one left out)."""
    monkeypatch.setattr(merge_reps, "REPS_AT", 0)
    monkeypatch.setattr(MC, "CLUSTERS_AT", 0)
    events, arts = _corpus(400, 4)
    store = EventsStore(tmp_path / "s")
    ids = list(arts)
    store.append(events[events[S.ARTICLE_ID].isin(ids[:30])], [arts[a] for a in ids[:30]])
    m = store.manifest()
    idx = I.open_index(store.root, m["generation"])
    assert idx is not None
    try:
        stored = events[events[S.ARTICLE_ID].isin(ids[:30])]
        again = pd.concat([events[events[S.ARTICLE_ID].isin(ids[30:])], stored.iloc[:1]], ignore_index=True)
        keys = set(merge_keys(again).dropna())
        assert SM._over_clusters(idx, keys, again, True) is None
        assert SM._over_clusters(idx, keys, again.iloc[:-1], True) is not None
        monkeypatch.setattr(MC, "CLUSTERS_AT", len(events) + 1)
        assert SM._over_clusters(idx, keys, again.iloc[:-1], True) is None, "fewer stored rows: over the rows"
    finally:
        idx.close()


def _assert_kept_clusters_are_the_rows(store: EventsStore) -> int:
    """Every key whose latest value keeps clusters: they are those of its rows. Returns how many."""
    m = store.manifest()
    idx = I.open_index(store.root, m["generation"])
    assert idx is not None
    try:
        keys = [k for (k,) in idx.con.execute("SELECT DISTINCT k FROM keyed")]
        kept, _ = idx.clustered(keys)
        for k, value in kept.items():
            rows = idx.candidates({k})
            assert _canonical(C.decode({k: value})) == _canonical(MC.summarize(rows)), k
        return len(kept)
    finally:
        idx.close()


@pytest.mark.parametrize("seed", [1, 2])
def test_appends_over_kept_clusters_keep_the_store_a_full_merge(tmp_path: Path, monkeypatch, seed: int) -> None:
    """Every append goes over the kept clusters (at any size), between corrections, undos and a
    compaction (which leave their keys' clusters out): the clusters kept are always those of their
    key's rows, the store's cluster columns those of one merge of its rows, the rollup right."""
    from dashboard.correction_log import corrections
    from dashboard.corrections import Alternative, save_correction, undo_correction

    monkeypatch.setattr(merge_reps, "REPS_AT", 0)
    monkeypatch.setattr(MC, "CLUSTERS_AT", 0)
    used: list[int] = []
    real = MC.merge
    monkeypatch.setattr(MC, "merge", lambda *a: used.append(1) or real(*a))
    events, arts = _corpus(400, seed)
    ids = list(arts)
    random.Random(seed).shuffle(ids)
    store = EventsStore(tmp_path / "s")
    rng = random.Random(seed)
    i = n = kept = 0
    while i < len(ids):
        batch = ids[i : i + rng.randint(3, 12)]
        i += len(batch)
        store.append(events[events[S.ARTICLE_ID].isin(batch)], [arts[a] for a in batch])
        n += 1
        if n % 3 == 0:
            stored = store.load_events(columns=[S.TOPONYM, S.EVENT_ID, S.ARTICLE_ID])
            name = stored[S.TOPONYM].value_counts().index[n % 3]
            other = events.iloc[rng.randrange(len(events))]
            place = Alternative(
                name=other[S.LOCATION], lat=float(other[S.LATITUDE]), lon=float(other[S.LONGITUDE]), country="Syria"
            )
            save_correction(store, name, place, folder=tmp_path / "gz", scope="all")
        if n % 4 == 0:
            undo_correction(store, corrections(store.root)[0]["id"], folder=tmp_path / "gz")
        if n == 5:
            store.compact()
        if n % 2 == 0 or i >= len(ids):
            kept = max(kept, _assert_kept_clusters_are_the_rows(store))
    # The rollup as computed from the rows (an event a correction left over two places is one).
    assert R.differences(store.root, store.manifest()).empty
    assert len(used) > n // 2 and kept > 5, "appends went over kept clusters"
    got = store.load_events()
    want = S.coerce_events(merge_reports(got.drop(columns=CLUSTER_COLUMNS)))
    assert (got[S.N_SOURCES] > 1).any()
    pd.testing.assert_frame_equal(
        got.set_index(S.EVENT_ID).sort_index()[CLUSTER_COLUMNS],
        want.set_index(S.EVENT_ID).sort_index()[CLUSTER_COLUMNS],
    )


def test_an_index_without_kept_clusters_gets_the_column_and_is_read_by_rows(tmp_path: Path, monkeypatch) -> None:
    """An index written before the clusters were kept (no `clusters` column) is carried: the
    column added, its keys read from their rows, and the next append keeps its keys' clusters."""
    monkeypatch.setattr(merge_reps, "REPS_AT", 0)
    monkeypatch.setattr(MC, "CLUSTERS_AT", 0)
    events, arts = _corpus(300, 5)
    ids = list(arts)
    thirds = [ids[: len(ids) // 3], ids[len(ids) // 3 : 2 * len(ids) // 3], ids[2 * len(ids) // 3 :]]
    store = EventsStore(tmp_path / "s")
    store.append(events[events[S.ARTICLE_ID].isin(thirds[0])], [arts[a] for a in thirds[0]])
    con = sqlite3.connect(store.root / I.INDEX)
    with con:
        con.execute("ALTER TABLE keyed DROP COLUMN clusters")
    con.close()
    store.append(events[events[S.ARTICLE_ID].isin(thirds[1])], [arts[a] for a in thirds[1]])
    assert _assert_kept_clusters_are_the_rows(store) > 0
    store.append(events[events[S.ARTICLE_ID].isin(thirds[2])], [arts[a] for a in thirds[2]])
    got = store.load_events()
    want = S.coerce_events(merge_reports(events))
    pd.testing.assert_frame_equal(
        got.set_index(S.EVENT_ID).sort_index()[CLUSTER_COLUMNS],
        want.set_index(S.EVENT_ID).sort_index()[CLUSTER_COLUMNS],
    )


def test_ensure_index_keeps_the_clusters_of_larger_keys_once(tmp_path: Path, monkeypatch) -> None:
    """A store whose appends kept no clusters (code before them) gets those of its keys from
    `ensure_index` (store_index_build.fill), once; appends then go over them."""
    from dashboard import store_index_build

    events, arts = _corpus(400, 6)
    ids = list(arts)
    half = len(ids) // 2
    store = EventsStore(tmp_path / "s")
    monkeypatch.setattr(SM, "_over_clusters", lambda *a: None)
    for lo in range(0, half, 5):
        batch = ids[lo : min(lo + 5, half)]
        store.append(events[events[S.ARTICLE_ID].isin(batch)], [arts[a] for a in batch])
    assert _assert_kept_clusters_are_the_rows(store) == 0
    monkeypatch.undo()
    monkeypatch.setattr(store_index_build, "FILL_BYTES", 0)
    monkeypatch.setattr(merge_reps, "REPS_AT", 0)
    monkeypatch.setattr(MC, "CLUSTERS_AT", 0)
    assert not store.ensure_index()
    kept = _assert_kept_clusters_are_the_rows(store)
    idx = I.open_index(store.root, store.manifest()["generation"])
    assert idx is not None
    try:
        assert kept == idx.con.execute("SELECT count(DISTINCT k) FROM keyed").fetchone()[0] > 10
        assert store_index_build.fill(idx) == 0, "filled once"
    finally:
        idx.close()
    store.append(events[events[S.ARTICLE_ID].isin(ids[half:])], [arts[a] for a in ids[half:]])
    got = store.load_events()
    want = S.coerce_events(merge_reports(events))
    pd.testing.assert_frame_equal(
        got.set_index(S.EVENT_ID).sort_index()[CLUSTER_COLUMNS],
        want.set_index(S.EVENT_ID).sort_index()[CLUSTER_COLUMNS],
    )
