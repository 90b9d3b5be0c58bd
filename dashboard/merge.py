"""One event, many reports: rows of different articles about the same event share a cluster.

The rules (issue 11). Two rows report the same event when
- their types are of one class: the three violent ACLED types (Battles, Explosions/Remote violence,
  Violence against civilians) form one class, because outlets type the same attack differently;
  any other type only matches itself;
- they are at the same place (the same place key: name and coordinates);
- they happened on the same day, both dated to the day (different days are never chained: a week of
  daily shelling at one town is seven events);
- their actors are compatible: the non-empty actors of one row are a subset of the other's (a row
  naming no actor is compatible with any), so "regime forces shelled X" and "rebels shelled X" on
  one day stay two events.
A cluster is a connected component of that relation. Statements, "Other" and undated rows are never
merged. Since a component never leaves its (class, day, place) key, merging the rows of a few keys
gives exactly what merging the whole table gives for those rows: that is what makes the store's
merge incremental (dashboard/store.py).
"""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from dashboard import schema as S

VIOLENT = frozenset({"Battles", "Explosions/Remote violence", "Violence against civilians"})
UNMERGED_TYPES = frozenset({"Other"})
UNMERGED_SUBTYPES = frozenset({"Other", "Statement"})
# What the merge reads of a row, and what it writes.
MERGE_COLUMNS = [
    S.EVENT_ID,
    S.ARTICLE_ID,
    S.EVENT_DATE,
    S.DATE_PRECISION,
    S.EVENT_TYPE,
    S.SUB_EVENT_TYPE,
    S.ACTOR1,
    S.ACTOR2,
    S.LOCATION,
    S.LATITUDE,
    S.LONGITUDE,
    S.SOURCE,
    S.FATALITIES,
]
CLUSTER_COLUMNS = [S.CLUSTER_ID, S.N_SOURCES, S.FATALITIES_LOW, S.FATALITIES_HIGH]


def type_class(event_type: pd.Series) -> pd.Series:
    t = event_type.astype("string").fillna("")
    return t.where(~t.isin(VIOLENT), "violent")


def merge_keys(df: pd.DataFrame) -> pd.Series:
    """Each row's "class|day|place key", or <NA> for a row that is never merged. The parts are
    joined by Arrow, the classes and days formatted once each: pandas' sums of text columns and
    strftime row by row were most of it (a correction at ten million events reads the keys of
    ~10,000 rows seven times: 89 -> 48 ms in all)."""
    date = df[S.EVENT_DATE]
    precision = df[S.DATE_PRECISION].astype("string").fillna("day")
    mergeable = (
        date.notna()
        & (precision == "day")
        & ~df[S.EVENT_TYPE].astype("string").fillna("").isin(UNMERGED_TYPES)
        & ~df[S.SUB_EVENT_TYPE].astype("string").fillna("").isin(UNMERGED_SUBTYPES)
    )
    kinds, kind_texts = pd.factorize(type_class(df[S.EVENT_TYPE]))
    days, day_values = pd.factorize(date.dt.normalize())
    day_texts = pd.Series(day_values).dt.strftime("%Y-%m-%d").to_numpy(object)
    key = pc.binary_join_element_wise(
        S.coded(kinds, np.asarray(kind_texts, dtype=object)), S.coded(days, day_texts), *S.place_key_parts(df), "|"
    )
    key = pc.if_else(pa.array(mergeable.to_numpy(dtype=bool, na_value=False)), key, pa.scalar(None, pa.string()))
    return pd.Series(pd.array(key, dtype=pd.StringDtype()), index=df.index)


def _actor_sets(df: pd.DataFrame) -> tuple[np.ndarray, list[frozenset[str]]]:
    """(each row's code of its set of non-empty actors, the sets by code), a set built once per
    distinct pair (a set per row was a sixth of the merge of a correction's 20,000 rows)."""
    a1 = df[S.ACTOR1].astype("string").fillna("").str.strip()
    a2 = df[S.ACTOR2].astype("string").fillna("").str.strip()
    c1, u1 = pd.factorize(a1)
    c2, u2 = pd.factorize(a2)
    t1, t2, n = list(u1), list(u2), len(u2) + 1
    pair, first = pd.factorize(c1.astype("int64") * n + c2)
    return pair.astype("int64"), [frozenset(x for x in (t1[p // n], t2[p % n]) if x) for p in first.tolist()]


def compatible(a: frozenset[str], b: frozenset[str]) -> bool:
    return a <= b or b <= a


def _components(ids: list[str], actors: list[frozenset[str]]) -> list[str]:
    """The smallest event id of each row's component (rows of one key; pairs linked when compatible).

    Rows with the same actors are always linked (a set is its own subset), so the components are
    found over the key's distinct actor sets, not its rows: a key of n rows with d sets costs d²
    tests, not n² (a key's stored rows grow with the store: 1.7 of a 2.6 s merge at 10M events)."""
    sets = list(dict.fromkeys(actors))
    slot = {a: i for i, a in enumerate(sets)}
    parent = list(range(len(sets)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i in range(len(sets)):
        for j in range(i + 1, len(sets)):
            if compatible(sets[i], sets[j]):
                ri, rj = root(i), root(j)
                if ri != rj:
                    parent[max(ri, rj)] = min(ri, rj)
    roots = [root(slot[a]) for a in actors]
    first: dict[int, str] = {}
    for r, e in zip(roots, ids, strict=True):
        first[r] = min(first.get(r, e), e)
    return [first[r] for r in roots]


def _firsts(key: np.ndarray, rows: pd.DataFrame) -> pd.Series:
    """The smallest event id of each row's component (`key`: each row's merge key as a code), on
    `rows`' index. What _components finds key by key, with a key's rows taken as its distinct
    actor sets: a key of one set (most are) is one component without a test; a key of several
    sets has them linked over its sets alone; each component's smallest id is then found by numpy
    over the ids' ranks (the per-row Python of _components was a third of a merge of 20,000 rows)."""
    pair, sets = _actor_sets(rows)
    combo, row_combo = np.unique(key.astype("int64") * (len(sets) + 1) + pair, return_inverse=True)
    combo_key, combo_set = combo // (len(sets) + 1), combo % (len(sets) + 1)
    root = np.arange(len(combo))  # each (key, set)'s component, as the position of one of them
    starts = np.flatnonzero(np.r_[True, np.diff(combo_key) != 0])
    ends = np.r_[starts[1:], len(combo)]
    for lo, hi in zip(starts[ends - starts > 1].tolist(), ends[ends - starts > 1].tolist(), strict=True):
        ones = _components([str(i) for i in range(hi - lo)], [sets[c] for c in combo_set[lo:hi].tolist()])
        root[lo:hi] = lo + np.array([int(x) for x in ones])
    comp = root[np.asarray(row_combo).reshape(-1)]
    ids = pa.array(rows[S.EVENT_ID].astype(str).to_numpy(object), pa.string())
    rank = pc.rank(ids, sort_keys="ascending", tiebreaker="dense").to_numpy().astype("int64") - 1
    lowest = np.full(len(combo), np.iinfo(np.int64).max)
    np.minimum.at(lowest, comp, rank)
    at_rank = np.empty(int(rank.max()) + 1, dtype="int64")
    at_rank[rank] = np.arange(len(rank))
    return pd.Series(np.asarray(ids.to_pylist(), dtype=object)[at_rank[lowest[comp]]], index=rows.index)


def cluster_of(first_id: str) -> str:
    return hashlib.sha1(f"cluster|{first_id}".encode()).hexdigest()[:16]


def merge_reports(events: pd.DataFrame) -> pd.DataFrame:
    """Set cluster_id, n_sources and fatalities_low/high over these rows (see the module's rules).

    A row alone keeps its event id as cluster id; a cluster's id is derived from its smallest event
    id, so it depends only on the cluster's members, not on the order or company they came in.
    Conflicting death counts are kept side by side as the cluster's low and high."""
    df = events.copy()
    ids = df[S.EVENT_ID].astype(str)
    cid = ids.copy()
    key = merge_keys(df)
    shared = key.notna() & key.duplicated(keep=False)
    if shared.any():
        # The three columns the components need, not the rows' 53: taking every column of the
        # 20,000 rows of an append's keys (filter, then sort) was a fifth of the merge at 10M.
        sub = df.loc[shared, [S.EVENT_ID, S.ACTOR1, S.ACTOR2]]
        first = _firsts(pd.factorize(key[shared])[0], sub)
        # A row whose component is itself keeps its own id, as an unmerged row does.
        merged = first[first.groupby(first).transform("size") > 1]
        cid.loc[merged.index] = merged.map({f: cluster_of(f) for f in merged.unique()})
    df[S.CLUSTER_ID] = cid.astype("string")
    return with_cluster_sums(df)


def with_cluster_sums(df: pd.DataFrame) -> pd.DataFrame:
    """`df` (changed in place, and returned) with n_sources and fatalities_low/high set from its
    cluster ids: each cluster's number of outlets and lowest and highest toll over its rows in
    `df`, which must hold every row of each of its clusters (the rows of whole merge keys do). A
    row without a cluster id gets none of the three. Grouped by numpy over codes: pandas' grouped
    transforms (a distinct count over texts among them) were ~5 ms for the ~20,000 stored rows of
    an append's keys at ten million events, and an append sums them twice (read, merge)."""
    cluster, clusters = pd.factorize(df[S.CLUSTER_ID].astype("string"))
    k, missing = len(clusters), cluster < 0
    if not k:  # no row has a cluster id
        for c in (S.N_SOURCES, S.FATALITIES_LOW, S.FATALITIES_HIGH):
            df[c] = pd.arrays.IntegerArray(np.zeros(len(df), dtype="int64"), np.ones(len(df), dtype=bool))
        return df
    at = np.where(missing, 0, cluster)
    source = df[S.SOURCE].astype("string").fillna("")
    outlet = pd.factorize(source.where(source != "", df[S.ARTICLE_ID].astype("string")))[0].astype("int64")
    # Distinct (cluster, outlet) pairs of rows with both, counted per cluster (as nunique: a missing
    # outlet is none).
    both = ~missing & (outlet >= 0)
    span = int(outlet.max(initial=0)) + 1
    pair = np.sort(cluster[both].astype("int64") * span + outlet[both])  # np.unique hashes: 3 ms
    count = np.bincount(pair[np.r_[True, pair[1:] != pair[:-1]]] // span if len(pair) else pair, minlength=k)
    low, high, tolled = group_tolls(cluster, df[S.FATALITIES], k)
    untolled = ~tolled[at] | missing
    df[S.N_SOURCES] = pd.arrays.IntegerArray(np.where(missing, 0, count[at]), missing)
    df[S.FATALITIES_LOW] = pd.arrays.IntegerArray(np.where(untolled, 0, low[at]), untolled)
    df[S.FATALITIES_HIGH] = pd.arrays.IntegerArray(np.where(untolled, 0, high[at]), untolled.copy())
    return df


def group_tolls(group: np.ndarray, tolls: pd.Series, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(lowest toll, highest toll, whether any) per group of `n` (`group`: each row's, -1 for none)
    over the rows' known tolls."""
    toll = tolls.astype("Int64")
    known = (group >= 0) & ~toll.isna().to_numpy()
    value = toll.to_numpy("int64", na_value=0)[known]
    low, high = np.zeros(n, dtype="int64"), np.zeros(n, dtype="int64")
    if known.any():
        low[:], high[:] = value.max(), value.min()
        np.minimum.at(low, group[known], value)
        np.maximum.at(high, group[known], value)
    return low, high, np.bincount(group[known], minlength=n) > 0
