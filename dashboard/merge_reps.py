"""An append's merge and rollup delta over each stored cluster's representative rows, not all its rows.

An append's new rows join or bridge the stored clusters of their merge keys (dashboard/merge.py):
at ten million events a batch's 650 keys hold ~20,000 stored rows in ~300 clusters of ~65 rows
each. What the merge and the rollup's delta need of a stored cluster is not its rows but:
- for the components (merge._firsts): its distinct actor sets, each with its smallest event id
  (rows of one set are always linked, and a component's id is its smallest event id);
- for its cluster id: its number of rows (a component of one row keeps its own id);
- for the rollup's delta (rollup._measures): of its counted rows (mentions left out) the first
  report overall, of each event type and of each threshold level's passing rows (the smallest
  event id), and the lowest and highest toll; a stored row that is none of these counts nothing
  that depends on its cluster before or after, and its own counts (its reports) do not change.
So each stored cluster is stood for by those rows (`representatives`: ~2,000 of the 20,000 at ten
million events): the components, the cluster ids and the delta are found over them and the new rows
(`merge_append`), then each stored row takes its cluster's new id; only the cluster sums
(n_sources: the distinct outlets of every row; the tolls) and the comparison with the stored
cluster columns still read every stored row, by numpy and one groupby. An append whose keys hold
fewer stored rows (REPS_AT) merges them all (store_merge.merge_in): the same outputs, cheaper there.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from dashboard import rollup as R
from dashboard import schema as S
from dashboard.merge import CLUSTER_COLUMNS, _actor_sets, _firsts, cluster_of, merge_keys, with_cluster_sums
from dashboard.rollup import LEVELS
from dashboard.rollup_counts import passes

# Stored rows of an append's keys from which its merge goes over their clusters' representatives:
# below, the representatives' fixed cost is more than they save (timed apart on the bench's batches:
# ~2,000 stored rows at a million events, 47 -> 59 ms; ~20,000 at ten million, 124 -> 92 ms).
REPS_AT = 5_000


def _clusters(rows: pd.DataFrame) -> pd.Series:
    """Each row's cluster id as stored (its event id when it has none), as text."""
    ids = rows[S.EVENT_ID].astype("string")
    return rows[S.CLUSTER_ID].astype("string").fillna(ids).astype(str)


def representatives(rows: pd.DataFrame) -> np.ndarray:
    """Which of these rows (every row of each of their clusters, with their stored cluster ids)
    stand for their clusters in an append's merge and rollup delta (see the module's docstring):
    per cluster, the smallest event id of each actor set and a row of its lowest and of its
    highest toll; of its counted rows, the smallest event id overall, of each type and of the rows
    passing each threshold level, and a row of their lowest and of their highest toll."""
    n = len(rows)
    keep = np.zeros(n, dtype=bool)
    if not n:
        return keep
    group = pd.factorize(_clusters(rows))[0].astype("int64")
    ids = pa.array(rows[S.EVENT_ID].astype(str).to_numpy(object), pa.string())
    rank = pc.rank(ids, sort_keys="ascending", tiebreaker="first").to_numpy().astype("int64") - 1
    toll = rows[S.FATALITIES].astype("Float64").to_numpy("float64", na_value=np.nan)
    confidence = rows[S.CONFIDENCE].astype("Float64").to_numpy("float64", na_value=np.nan)
    has_toll = ~np.isnan(toll)
    counted = (rows[S.RECORD_KIND].astype("string").fillna("event") != "mention").to_numpy()
    # A row's place among the rows by toll, ties by id: the lowest and highest toll each one row.
    by_toll = np.empty(n, dtype="int64")
    by_toll[np.lexsort((rank, np.nan_to_num(toll, nan=np.inf)))] = np.arange(n)

    def first(within: np.ndarray, order: np.ndarray, among: np.ndarray) -> None:
        """Keep, per value of `within` (codes), the row of `among` with the smallest `order` (a
        permutation of the rows' positions: one row each)."""
        g, o = within[among], order[among]
        if not len(g):
            return
        least = np.full(int(g.max()) + 1, n, dtype="int64")
        np.minimum.at(least, g, o)
        keep[np.flatnonzero(among)[o == least[g]]] = True

    def by(codes: np.ndarray) -> np.ndarray:  # per cluster and another code, one group each
        return pd.factorize(group * (int(codes.max()) + 1) + codes)[0]

    every = np.ones(n, dtype=bool)
    pair, _ = _actor_sets(rows)
    first(by(pair), rank, every)
    kind = pd.factorize(rows[S.EVENT_TYPE].astype("string").fillna("\x00").to_numpy())[0].astype("int64")
    first(by(kind), rank, counted)
    deaths = np.nan_to_num(toll, nan=0.0)
    for field, level, _ in LEVELS:
        first(group, rank, counted & passes(deaths, confidence, field, level))
    for among in (every, counted):  # the smallest id overall is among those of each set or type
        first(group, by_toll, among & has_toll)
        first(group, n - 1 - by_toll, among & has_toll)
    return keep


def merge_append(stored: pd.DataFrame, new: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, np.ndarray]:
    """(the stored rows' cluster columns after the merge, in their order; the new rows with their
    cluster columns; which stored rows are representatives) for new rows merged with the stored
    rows of their keys (`stored`: schema-typed, every row of those keys with its cluster columns as
    stored; no event in both). The same clusters as merge.merge_reports over every row gives: the
    components and the cluster ids are found over the representatives and the new rows, the sums
    over every row's outlet and toll."""
    new = S.coerce_events(new)
    reps = representatives(stored)
    old_cluster = _clusters(stored).to_numpy(object)
    some = pd.concat([stored[reps], new], ignore_index=True)
    key = merge_keys(some)
    comp = some[S.EVENT_ID].astype(str)
    shared = key.notna() & key.duplicated(keep=False)
    if shared.any():
        comp.loc[shared] = _firsts(pd.factorize(key[shared])[0], some.loc[shared, [S.EVENT_ID, S.ACTOR1, S.ACTOR2]])
    # Each component's rows: those of the stored clusters it holds (each counted once) and its new rows.
    size = pd.Series(old_cluster).value_counts()
    n_reps = int(reps.sum())
    of_old = pd.DataFrame({"comp": comp.iloc[:n_reps].to_numpy(object), "old": old_cluster[reps]}).drop_duplicates()
    rows_in = of_old.assign(n=size.reindex(of_old["old"]).to_numpy()).groupby("comp")["n"].sum()
    rows_in = rows_in.add(comp.iloc[n_reps:].value_counts(), fill_value=0)
    cid = comp.map({c: cluster_of(c) if k > 1 else c for c, k in rows_in.items()}).to_numpy(object)
    # A stored cluster's rows all lie in the component of its representatives (they hold its actor sets).
    code, uniques = pd.factorize(old_cluster)
    now = pd.Series(cid[of_old.index.to_numpy()], index=of_old["old"].to_numpy()).reindex(uniques).to_numpy(object)
    cols = [S.CLUSTER_ID, S.SOURCE, S.ARTICLE_ID, S.FATALITIES]
    every = pd.concat([stored[cols], new[cols]], ignore_index=True)
    every[S.CLUSTER_ID] = pd.array(np.concatenate([now[code], cid[n_reps:]]), dtype="string")
    every = S.coerce_events(with_cluster_sums(every), names=tuple(CLUSTER_COLUMNS))
    new = new.assign(**{c: every[c].iloc[len(stored) :].array for c in CLUSTER_COLUMNS})
    return every.iloc[: len(stored)].reset_index(drop=True), new, reps


def cluster_changes(before: pd.DataFrame, after: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """(which rows' cluster columns differ, which rows' cluster id does) between the same rows'
    cluster columns `before` and `after` a merge (two missing values are equal)."""
    differs = np.zeros(len(before), dtype=bool)
    renamed = differs
    for c in CLUSTER_COLUMNS:
        a, b = after[c], before[c]
        differs |= ~((a == b).fillna(False).astype(bool) | (a.isna() & b.isna())).to_numpy()
        if c == S.CLUSTER_ID:
            renamed = differs.copy()
    return differs, renamed


def append_merge(
    stored: pd.DataFrame, rows: pd.DataFrame, rollup: bool
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame | None, pd.DataFrame]:
    """store_merge.merge_in of an append: (the new rows with their cluster columns, the stored rows
    whose cluster columns changed (their event id and cluster columns: the patch), the rollup's
    delta (with `rollup`), those stored rows whose cluster id changed (every column of `stored`:
    the merge's index takes them again)). Only the cluster columns of the stored rows change, so
    the ~20,000 stored rows at ten million events are compared by those columns and taken whole
    only where their cluster id changed (a few hundred)."""
    clusters, new, reps = merge_append(stored, rows)
    differs, renamed = cluster_changes(stored, clusters)
    changed = pd.concat(
        [stored[[S.EVENT_ID]][differs].reset_index(drop=True), clusters[differs].reset_index(drop=True)], axis=1
    )
    now = stored[renamed].assign(**{c: clusters[c][renamed].array for c in CLUSTER_COLUMNS})
    delta = None
    if rollup:
        # Every report of each event the new rows touch, before and after (rollup.py): a stored row
        # whose cluster has no new row is in the same cluster as before, and its contribution cancels
        # out; of the joined clusters only the representatives count anything that changes.
        joined = S.isin(clusters[S.CLUSTER_ID], set(new[S.CLUSTER_ID].dropna()))
        at = joined & reps
        before = stored[at]  # taken once: a take of the stored rows' 23 columns costs ~1-2 ms
        after = before.assign(**{c: clusters[c][at].array for c in CLUSTER_COLUMNS})
        # Whether each event keeps one place reads every report of it (their place columns alone).
        seen = [S.EVENT_ID, S.RECORD_KIND, *R.PLACE_FILTERED]
        was = stored.loc[joined, seen].assign(**{S.CLUSTER_ID: clusters[S.CLUSTER_ID][joined].array})
        places = pd.concat([was, new[[*seen, S.CLUSTER_ID]]], ignore_index=True)
        delta = R.delta(before, pd.concat([after, new], ignore_index=True), aligned=True, places=places)
    return new, changed, delta, now.reset_index(drop=True)
