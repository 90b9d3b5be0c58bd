"""A merge key's stored clusters as an append needs them (`Clusters`), kept beside the key's rows in
the merge's index, and an append's merge over them (`merge`).

An append's new rows join or bridge the stored clusters of their merge keys (dashboard/merge.py).
At ten million events a batch's ~650 keys hold ~20,000 stored rows in ~300 clusters; reading them
from the index (unpacking every row's line) and going over each of them was most of what an append
into the big store cost beyond one into an empty store. What the merge and the rollup's delta need
of a stored cluster (dashboard/merge_reps.py) is:
- its representative rows (merge_reps.representatives: the smallest event id of each actor set, its
  first reports, its lowest and highest tolls), whole (their lines);
- its number of rows (a component of one row keeps its own id);
- its members' event ids (the patch of its cluster columns names each member);
- its distinct outlets (its count of sources, merge.with_cluster_sums);
- whether its reports, mentions left out, share one place (rollup.share_place).
A key's value in the index (store_index.MergeIndex) carries those of all the key's clusters
(store_index_clusters: its representatives' lines and one line per cluster) beside its rows, written by the
append that wrote the value; any other write to the key (a correction, a compaction, a build, code
before this) leaves them out, and the key is read from its rows then (`summarize`). A store's
clusters never span merge keys, so a key's clusters are a function of the key's rows alone.

`merge` gives what merge_reps.append_merge gives over every stored row: the new rows' cluster
columns, the patch (every member of a stored cluster whose cluster columns changed), the rollup's
delta, which stored clusters' ids changed (their rows are read whole: the index takes them again),
and the keys' clusters after the append (their new values).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa

from dashboard import rollup as R
from dashboard import schema as S
from dashboard.merge import CLUSTER_COLUMNS, _firsts, cluster_of, group_tolls, merge_keys
from dashboard.merge_reps import _clusters, representatives
from dashboard.rollup_counts import value_codes
from dashboard.store_index_lines import merge_columns

# Stored rows of an append's keys from which it merges over their kept clusters; below, over the
# rows (store_merge.merge_in): at a million events (~2,000 stored rows) the clusters' way took
# 0.21-0.23 CPU s an append against 0.19-0.21 over the rows.
CLUSTERS_AT = 5_000


def narrow() -> tuple[str, ...]:
    """The columns of the representatives an append's merge keeps (store_merge.MERGE_READS, what a
    line of the index holds): the other 30 of the 53 are missing in every stored row it reads, and
    each frame of the representatives and the new rows built, taken and joined over all 53 cost
    pandas' work per column (~10 ms an append at ten million events)."""
    return tuple(merge_columns())


@dataclass
class Clusters:
    """Stored clusters (every cluster of some merge keys): `reps`, their representative rows
    (schema-typed; MERGE_READS columns, their cluster columns as a read sets them); per cluster
    (in `name`'s order: merge_reps._clusters, its cluster id or its one event's id) its merge key,
    its number of rows, whether its reports share one place; its members' event ids and its distinct outlets,
    each a flat array with each item's cluster (its position in `name`)."""

    reps: pd.DataFrame
    name: np.ndarray
    key: np.ndarray
    size: np.ndarray
    one_place: np.ndarray
    members: pa.Array
    member_of: np.ndarray
    outlets: pa.Array
    outlet_of: np.ndarray

    def __len__(self) -> int:
        return len(self.name)


def empty() -> Clusters:
    none = np.zeros(0, dtype="int64")
    return Clusters(
        S.coerce_events(S.empty_events(), names=narrow()),
        np.zeros(0, dtype=object),
        np.zeros(0, dtype=object),
        none,
        np.zeros(0, dtype=bool),
        pa.array([], pa.string()),
        none,
        pa.array([], pa.string()),
        none,
    )


def concat(parts: list[Clusters]) -> Clusters:
    """Clusters of several sets as one (no cluster in two)."""
    parts = [p for p in parts if len(p)] or [empty()]
    # One set (the usual append: every key's clusters kept) as it is: no frame built again.
    return parts[0] if len(parts) == 1 else _joined(parts)


def _joined(parts: list[Clusters]) -> Clusters:
    shift = np.cumsum([0, *[len(p) for p in parts[:-1]]])
    member_of = [p.member_of + a for p, a in zip(parts, shift, strict=True)]
    outlet_of = [p.outlet_of + a for p, a in zip(parts, shift, strict=True)]
    return Clusters(
        S.coerce_events(pd.concat([p.reps for p in parts], ignore_index=True), names=narrow()),
        np.concatenate([p.name for p in parts]),
        np.concatenate([p.key for p in parts]),
        np.concatenate([p.size for p in parts]),
        np.concatenate([p.one_place for p in parts]),
        pa.concat_arrays([p.members for p in parts]),
        np.concatenate(member_of),
        pa.concat_arrays([p.outlets for p in parts]),
        np.concatenate(outlet_of),
    )


def _outlet(rows: pd.DataFrame) -> pa.Array:
    """Each row's outlet as merge.with_cluster_sums counts them: its source, else its article."""
    source = rows[S.SOURCE].astype("string").fillna("")
    return pa.array(source.where(source != "", rows[S.ARTICLE_ID].astype("string")), pa.string(), from_pandas=True)


def _one_place(rows: pd.DataFrame, code: np.ndarray, n: int) -> np.ndarray:
    """Per cluster (`code`: each row's, of `n`), whether its reports (mentions left out) have one
    value of each PLACE_FILTERED column, as rollup.share_place tells values apart."""
    one = np.ones(n, dtype=bool)
    counted = (rows[S.RECORD_KIND].astype("string").fillna("event") != "mention").to_numpy()
    if not counted.any():
        return one
    at = code[counted]
    for c in R.PLACE_FILTERED:
        values = value_codes(rows[c][counted])
        lo = np.full(n, np.iinfo(np.int64).max)
        hi = np.full(n, -1)
        np.minimum.at(lo, at, values)
        np.maximum.at(hi, at, values)
        one &= (lo == hi) | (hi < 0)
    return one


def _distinct_pairs(group: np.ndarray, items: pa.Array) -> tuple[np.ndarray, pa.Array]:
    """(group, item) of each distinct pair of a group and a non-missing item."""
    has = ~np.asarray(items.is_null().to_numpy(zero_copy_only=False), dtype=bool)
    code, uniques = pd.factorize(items.filter(pa.array(has)).to_numpy(zero_copy_only=False))
    g = group[has].astype("int64")
    span = max(len(uniques), 1)
    pair = np.sort(g * span + code)
    pair = pair[np.r_[True, pair[1:] != pair[:-1]]] if len(pair) else pair
    return pair // span, pa.array(np.asarray(uniques, dtype=object)[pair % span], pa.string())


def summarize(rows: pd.DataFrame) -> Clusters:
    """The clusters of these rows (schema-typed, their cluster columns as a read sets them: every
    row of each of their clusters, as the rows of whole merge keys are)."""
    if not len(rows):
        return empty()
    code, names = pd.factorize(_clusters(rows))
    n = len(names)
    outlet_of, outlets = _distinct_pairs(code, _outlet(rows))
    reps = representatives(rows)
    key = np.full(n, None, dtype=object)
    key[code[reps]] = _texts(merge_keys(rows[reps]))
    return Clusters(
        rows.loc[reps, list(narrow())].reset_index(drop=True),
        np.asarray(names, dtype=object),
        key,
        np.bincount(code, minlength=n),
        _one_place(rows, code, n),
        pa.array(rows[S.EVENT_ID].astype("string"), pa.string(), from_pandas=True),
        code.astype("int64"),
        outlets,
        outlet_of,
    )


def _texts(keys: pd.Series) -> np.ndarray:
    """Merge keys as an object array, None for a row never merged."""
    return keys.astype(object).where(keys.notna(), None).to_numpy(object)


def rep_cluster(clusters: Clusters) -> np.ndarray:
    """Each representative's cluster (its position in `clusters.name`)."""
    got = pd.Index(clusters.name).get_indexer(_clusters(clusters.reps).to_numpy(object))
    if (got < 0).any() or (len(clusters) and np.bincount(got, minlength=len(clusters)).min() == 0):
        raise sqlite3.DatabaseError("kept clusters without their representatives")
    return got


def stored_columns(clusters: Clusters, rep_of: np.ndarray) -> pd.DataFrame:
    """Per cluster, its cluster columns as a read of its rows sets them (merge.with_cluster_sums over
    its rows: its id as stored; without one, none of the sums): its outlets, and the tolls of its
    representatives, which hold its lowest and highest."""
    n = len(clusters)
    first = np.full(n, -1)
    first[rep_of[::-1]] = np.arange(len(rep_of))[::-1]
    raw = clusters.reps[S.CLUSTER_ID].astype("string").array[first]
    missing = pd.isna(raw) if n else np.zeros(0, dtype=bool)
    missing = np.asarray(missing, dtype=bool)
    count = np.bincount(clusters.outlet_of, minlength=n)
    low, high, tolled = group_tolls(rep_of, clusters.reps[S.FATALITIES], n)
    untolled = ~tolled | missing
    return pd.DataFrame(
        {
            S.CLUSTER_ID: pd.array(raw, dtype="string"),
            S.N_SOURCES: pd.arrays.IntegerArray(np.where(missing, 0, count), missing),
            S.FATALITIES_LOW: pd.arrays.IntegerArray(np.where(untolled, 0, low), untolled),
            S.FATALITIES_HIGH: pd.arrays.IntegerArray(np.where(untolled, 0, high), untolled.copy()),
        }
    )


def _differs(a: pd.Series, b: pd.Series) -> np.ndarray:
    """Where two columns differ (two missing values are equal), as merge_reps.cluster_changes."""
    return ~((a == b).fillna(False).astype(bool) | (a.isna() & b.isna())).to_numpy()


@dataclass
class Merged:
    """What `merge` gives (see the module's docstring)."""

    new: pd.DataFrame
    patch: pd.DataFrame
    delta: pd.DataFrame | None
    renamed: np.ndarray  # the names of the stored clusters whose cluster id changed
    renamed_columns: pd.DataFrame  # their cluster columns after, in that order
    renamed_keys: set[str]  # their keys
    after: Clusters  # the touched keys' clusters after
    after_reps: np.ndarray  # each of their representatives' cluster


@dataclass
class _Join:
    """The components of an append's new rows and the stored clusters' representatives (`some`,
    those first): each row's merge key and component (`at`, of `m`), each stored cluster's
    component, each component's number of rows and its cluster id after."""

    some: pd.DataFrame
    n_reps: int
    rep_of: np.ndarray
    key_of: np.ndarray
    at: np.ndarray
    m: int
    old_comp: np.ndarray
    rows_in: np.ndarray
    cid: np.ndarray


def _join(stored: Clusters, rows: pd.DataFrame, row_keys: pd.Series | None) -> _Join:
    reps, n_reps = stored.reps, len(stored.reps)
    rep_of = rep_cluster(stored)
    mine = rows[list(narrow())]
    some = pd.concat([reps, mine], ignore_index=True) if n_reps else mine
    key_of = np.concatenate([stored.key[rep_of], _texts(merge_keys(rows) if row_keys is None else row_keys)])
    key = pd.Series(key_of, dtype=object)
    comp = some[S.EVENT_ID].astype(str)
    shared = key.notna() & key.duplicated(keep=False)
    if shared.any():
        comp.loc[shared] = _firsts(pd.factorize(key[shared])[0], some.loc[shared, [S.EVENT_ID, S.ACTOR1, S.ACTOR2]])
    at, comps = pd.factorize(comp)
    m = len(comps)
    # A stored cluster's representatives hold its actor sets: they lie in one component.
    old_comp = np.zeros(len(stored), dtype="int64")
    old_comp[rep_of] = at[:n_reps]
    rows_in = np.bincount(old_comp, weights=stored.size, minlength=m).astype("int64")
    rows_in += np.bincount(at[n_reps:], minlength=m)
    cid = np.array([cluster_of(c) if r > 1 else c for c, r in zip(comps, rows_in.tolist(), strict=True)], dtype=object)
    return _Join(some, n_reps, rep_of, key_of, at, m, old_comp, rows_in, cid)


def _sums(stored: Clusters, rows: pd.DataFrame, j: _Join) -> tuple[pd.DataFrame, np.ndarray, pa.Array]:
    """(each component's cluster columns after, (component, outlet) of each of its distinct
    outlets): its outlets are its stored clusters' and its new rows', its tolls its rows' (the
    representatives hold each stored cluster's lowest and highest)."""
    group = np.concatenate([j.old_comp[stored.outlet_of], j.at[j.n_reps :]])
    outlet_of, outlets = _distinct_pairs(group, pa.concat_arrays([stored.outlets, _outlet(rows)]))
    low, high, tolled = group_tolls(j.at, j.some[S.FATALITIES], j.m)
    now = pd.DataFrame(
        {
            S.CLUSTER_ID: pd.array(j.cid, dtype="string"),
            S.N_SOURCES: pd.arrays.IntegerArray(np.bincount(outlet_of, minlength=j.m), np.zeros(j.m, dtype=bool)),
            S.FATALITIES_LOW: pd.arrays.IntegerArray(np.where(tolled, low, 0), ~tolled),
            S.FATALITIES_HIGH: pd.arrays.IntegerArray(np.where(tolled, high, 0), ~tolled),
        }
    )
    return now, outlet_of, outlets


def _changes(stored: Clusters, j: _Join, now: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray, pd.DataFrame]:
    """(the patch: each member of a stored cluster whose cluster columns changed, its event id and
    those columns; which stored clusters' id changed; each stored cluster's columns after)."""
    was, becomes = stored_columns(stored, j.rep_of), now.iloc[j.old_comp].reset_index(drop=True)
    changed = np.zeros(len(stored), dtype=bool)
    for c in CLUSTER_COLUMNS:
        changed |= _differs(becomes[c], was[c])
    members = np.asarray(changed[stored.member_of], dtype=bool)
    patch = becomes.iloc[stored.member_of[members]].reset_index(drop=True)
    ids = stored.members.filter(pa.array(members)).to_numpy(zero_copy_only=False)
    patch.insert(0, S.EVENT_ID, pd.array(ids, dtype="string"))
    return patch, _differs(becomes[S.CLUSTER_ID], was[S.CLUSTER_ID]), becomes


def _delta(stored: Clusters, j: _Join, grown: pd.DataFrame) -> pd.DataFrame:
    """The rollup's delta: every report of each event the new rows touch, before and after
    (rollup.py), of which only the representatives of the joined clusters count anything that
    changes (merge_reps); an event keeps one place when each stored cluster it holds did and their
    representatives and its new rows agree. `grown`: the representatives and the new rows with
    their cluster columns after (_grown)."""
    joined = np.bincount(j.at[j.n_reps :], minlength=j.m)[j.old_comp] > 0
    mine = joined[j.rep_of]
    if mine.all():  # every stored cluster joined (the usual append): no frame taken again
        before, after = stored.reps, grown
    else:
        before = stored.reps[mine]
        after = grown[np.r_[mine, np.ones(len(grown) - j.n_reps, dtype=bool)]].reset_index(drop=True)
    delta = R.delta(before, after, aligned=True)
    delta.attrs["same_place"] = bool(delta.attrs["same_place"] and stored.one_place[joined].all())
    return delta


def _grown(j: _Join, now: pd.DataFrame) -> pd.DataFrame:
    """The representatives and the new rows (their merge columns, `narrow`) with their cluster
    columns after: what the clusters after are found from (_after) and the rollup's delta counts."""
    return j.some.assign(**{c: now[c].array[j.at] for c in CLUSTER_COLUMNS})


def _after(
    stored: Clusters, rows: pd.DataFrame, j: _Join, grown: pd.DataFrame, outlets: tuple[np.ndarray, pa.Array]
) -> tuple[Clusters, np.ndarray]:
    """(the touched keys' clusters after: each component's stored clusters and new rows, each of
    their representatives' cluster; `grown`: _grown)."""
    comp_key = np.full(j.m, None, dtype=object)
    comp_key[j.at[::-1]] = j.key_of[::-1]
    one = np.ones(j.m, dtype=bool)
    np.logical_and.at(one, j.old_comp, stored.one_place)
    one &= _one_place(grown, j.at, j.m)
    reps = representatives(grown)
    after = Clusters(
        grown[reps].reset_index(drop=True),
        j.cid,
        comp_key,
        j.rows_in,
        one,
        pa.concat_arrays([stored.members, pa.array(rows[S.EVENT_ID].astype("string"), pa.string())]),
        np.concatenate([j.old_comp[stored.member_of], j.at[j.n_reps :]]),
        outlets[1],
        outlets[0],
    )
    return after, j.at[reps]


def merge(stored: Clusters, rows: pd.DataFrame, rollup: bool, row_keys: pd.Series | None = None) -> Merged:
    """An append's merge of new `rows` with the `stored` clusters of their keys (every cluster of
    each key; no event in both; `row_keys`: the rows' merge keys, when known). A representative's
    merge key is its cluster's (the key whose value it came from), not found again from its row."""
    rows = S.coerce_events(rows)
    j = _join(stored, rows, row_keys)
    now, outlet_of, outlets = _sums(stored, rows, j)
    new = rows.assign(**{c: now[c].array[j.at[j.n_reps :]] for c in CLUSTER_COLUMNS})
    patch, renamed, becomes = _changes(stored, j, now)
    grown = _grown(j, now)
    after, after_reps = _after(stored, rows, j, grown, (outlet_of, outlets))
    return Merged(
        new,
        patch,
        _delta(stored, j, grown) if rollup else None,
        stored.name[renamed],
        becomes[renamed].reset_index(drop=True),
        {str(x) for x in stored.key[renamed] if x is not None},
        after,
        after_reps,
    )


def renamed_members(stored: Clusters, got: Merged) -> pd.DataFrame:
    """The members of the stored clusters whose cluster id `merge` changed: each one's event id and
    its cluster columns after (CLUSTER_COLUMNS)."""
    which = pd.Index(stored.name).get_indexer(got.renamed)
    of = np.full(len(stored), -1, dtype="int64")
    of[which] = np.arange(len(which))
    at = of[stored.member_of]
    mine = at >= 0
    out = got.renamed_columns.iloc[at[mine]].reset_index(drop=True)
    ids = stored.members.filter(pa.array(mine)).to_numpy(zero_copy_only=False)
    out.insert(0, S.EVENT_ID, pd.array(ids, dtype="string"))
    return out
