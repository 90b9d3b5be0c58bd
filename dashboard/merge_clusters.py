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
(`encode`: its representatives' lines and one line per cluster) beside its rows, written by the
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
import struct
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from dashboard import rollup as R
from dashboard import schema as S
from dashboard.merge import CLUSTER_COLUMNS, _firsts, cluster_of, group_tolls, merge_keys
from dashboard.merge_reps import _clusters, representatives
from dashboard.store_index_lines import CODEC, escape, pack, unescape, unpack_text

# Before each item of a cluster's list of members or outlets (an empty list is an empty text, a
# list of one empty outlet the mark alone); an item holding it has it escaped as "\c".
_ITEM = "\x1c"
_SEP, _ROW = "\x1f", "\x1d"


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
        S.coerce_events(S.empty_events()),
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
    parts = [p for p in parts if len(p)]
    if not parts:
        return empty()
    if len(parts) == 1:
        return parts[0]
    at = np.cumsum([0, *[len(p) for p in parts[:-1]]])
    return Clusters(
        S.coerce_events(pd.concat([p.reps for p in parts], ignore_index=True)),
        np.concatenate([p.name for p in parts]),
        np.concatenate([p.key for p in parts]),
        np.concatenate([p.size for p in parts]),
        np.concatenate([p.one_place for p in parts]),
        pa.concat_arrays([p.members for p in parts]),
        np.concatenate([p.member_of + a for p, a in zip(parts, at, strict=True)]),
        pa.concat_arrays([p.outlets for p in parts]),
        np.concatenate([p.outlet_of + a for p, a in zip(parts, at, strict=True)]),
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
        values = R._codes(rows[c][counted])
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
        rows[reps].reset_index(drop=True),
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


def _rep_cluster(clusters: Clusters) -> np.ndarray:
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
    after: dict[str, bytes]  # each touched key's clusters after, encoded


def merge(stored: Clusters, rows: pd.DataFrame, rollup: bool, row_keys: pd.Series | None = None) -> Merged:
    """An append's merge of new `rows` with the `stored` clusters of their keys (every cluster of
    each key; no event in both; `row_keys`: the rows' merge keys, when known). A representative's
    merge key is its cluster's (the key whose value it came from), not found again from its row."""
    rows = S.coerce_events(rows)
    reps, k = stored.reps, len(stored)
    n_reps = len(reps)
    rep_of = _rep_cluster(stored)
    some = pd.concat([reps, rows], ignore_index=True) if n_reps else rows
    key_of = np.concatenate([stored.key[rep_of], _texts(merge_keys(rows) if row_keys is None else row_keys)])
    key = pd.Series(key_of, dtype=object)
    comp = some[S.EVENT_ID].astype(str)
    shared = key.notna() & key.duplicated(keep=False)
    if shared.any():
        comp.loc[shared] = _firsts(pd.factorize(key[shared])[0], some.loc[shared, [S.EVENT_ID, S.ACTOR1, S.ACTOR2]])
    at, comps = pd.factorize(comp)
    m = len(comps)
    # A stored cluster's representatives hold its actor sets: they lie in one component.
    old_comp = np.zeros(k, dtype="int64")
    old_comp[rep_of] = at[:n_reps]
    rows_in = np.bincount(old_comp, weights=stored.size, minlength=m).astype("int64")
    rows_in += np.bincount(at[n_reps:], minlength=m)
    cid = np.array([cluster_of(c) if r > 1 else c for c, r in zip(comps, rows_in.tolist(), strict=True)], dtype=object)
    # The sums of each cluster after: its outlets (its stored clusters' and its new rows'), its tolls
    # (the representatives hold each stored cluster's lowest and highest).
    group = np.concatenate([old_comp[stored.outlet_of], at[n_reps:]])
    outlet_of, outlets = _distinct_pairs(group, pa.concat_arrays([stored.outlets, _outlet(rows)]))
    n_sources = np.bincount(outlet_of, minlength=m)
    low, high, tolled = group_tolls(at, some[S.FATALITIES], m)
    now = pd.DataFrame(
        {
            S.CLUSTER_ID: pd.array(cid, dtype="string"),
            S.N_SOURCES: pd.arrays.IntegerArray(n_sources, np.zeros(m, dtype=bool)),
            S.FATALITIES_LOW: pd.arrays.IntegerArray(np.where(tolled, low, 0), ~tolled),
            S.FATALITIES_HIGH: pd.arrays.IntegerArray(np.where(tolled, high, 0), ~tolled),
        }
    )
    new = rows.assign(**{c: now[c].array[at[n_reps:]] for c in CLUSTER_COLUMNS})
    # Each stored cluster's columns before (as a read of its rows sets them) and after.
    was, becomes = stored_columns(stored, rep_of), now.iloc[old_comp].reset_index(drop=True)
    changed = np.zeros(k, dtype=bool)
    for c in CLUSTER_COLUMNS:
        changed |= _differs(becomes[c], was[c])
    renamed = _differs(becomes[S.CLUSTER_ID], was[S.CLUSTER_ID])
    members = np.asarray(changed[stored.member_of], dtype=bool)
    patch = becomes.iloc[stored.member_of[members]].reset_index(drop=True)
    ids = stored.members.filter(pa.array(members)).to_numpy(zero_copy_only=False)
    patch.insert(0, S.EVENT_ID, pd.array(ids, dtype="string"))
    delta = None
    if rollup:
        # Every report of each event the new rows touch, before and after (rollup.py): only the
        # representatives of the joined clusters count anything that changes (merge_reps); an event
        # keeps one place when each stored cluster it holds did and their representatives and its
        # new rows agree.
        joined = np.bincount(at[n_reps:], minlength=m)[old_comp] > 0
        mine = joined[rep_of]
        before = reps[mine]
        after = before.assign(**{c: now[c].array[at[:n_reps][mine]] for c in CLUSTER_COLUMNS})
        both = pd.concat([after, new], ignore_index=True)
        delta = R.delta(before, both, aligned=True)
        delta.attrs["same_place"] = bool(delta.attrs["same_place"] and stored.one_place[joined].all())
    # The clusters after, per touched key: each component's stored clusters and new rows.
    comp_key = np.full(m, None, dtype=object)
    comp_key[at[::-1]] = key_of[::-1]
    one = np.ones(m, dtype=bool)
    np.logical_and.at(one, old_comp, stored.one_place)
    grown = some.assign(**{c: now[c].array[at] for c in CLUSTER_COLUMNS})
    one &= _one_place(grown, at, m)
    after_members = pa.concat_arrays([stored.members, pa.array(rows[S.EVENT_ID].astype("string"), pa.string())])
    grown_reps = representatives(grown)
    after = Clusters(
        grown[grown_reps].reset_index(drop=True),
        cid,
        comp_key,
        rows_in,
        one,
        after_members,
        np.concatenate([old_comp[stored.member_of], at[n_reps:]]),
        outlets,
        outlet_of,
    )
    return Merged(
        new,
        patch,
        delta,
        stored.name[renamed],
        becomes[renamed].reset_index(drop=True),
        {str(x) for x in stored.key[renamed] if x is not None},
        encode(after, at[grown_reps]),
    )


def _items(values: pa.Array) -> pa.Array:
    """Each text with the list mark before it, escaped (store_index_lines.escape, and the mark as
    "\\c")."""
    values = escape(values)
    if len(values) and pc.any(pc.match_substring(values, _ITEM)).as_py():
        values = pc.replace_substring(values, _ITEM, "\\c")
    return pc.binary_join_element_wise(pa.scalar(_ITEM), values, "")


def _by_group(group: np.ndarray, texts: pa.Array | pa.ChunkedArray, n: int, sep: str) -> pa.Array:
    """Per group of `n` (each text's: `group`), its texts joined by `sep`, in one Arrow call."""
    order = np.argsort(group, kind="stable")
    offsets = np.r_[0, np.cumsum(np.bincount(group, minlength=n))].astype("int32")
    if isinstance(texts, pa.ChunkedArray):
        texts = texts.combine_chunks()
    return pc.binary_join(pa.ListArray.from_arrays(pa.array(offsets), texts.take(pa.array(order))), sep)


def encode(clusters: Clusters, rep_of: np.ndarray | None = None) -> dict[str, bytes]:
    """Each merge key's value of these clusters (a cluster whose key is None is never merged, and is
    left out; `rep_of`: each representative's cluster, when known): its
    representatives' lines, then a line per cluster (its name, number of rows, whether it keeps one
    place, its members, its outlets), LZ4's frame after their sizes."""
    n = len(clusters)
    if not n:
        return {}
    rep_of = _rep_cluster(clusters) if rep_of is None else rep_of
    key_of = clusters.key
    has = np.array([k is not None for k in key_of], dtype=bool)
    code, keys = pd.factorize(np.where(has, key_of, ""))
    records = pc.binary_join_element_wise(
        escape(pa.array(clusters.name, pa.string())),
        pa.array(clusters.size.astype(str), pa.string()),
        pa.array(np.where(clusters.one_place, "1", "0"), pa.string()),
        _by_group(clusters.member_of, _items(clusters.members), n, ""),
        _by_group(clusters.outlet_of, _items(clusters.outlets), n, ""),
        _SEP,
    )
    per_key = _by_group(code, records, len(keys), _ROW).to_pylist()
    lines = _by_group(code[rep_of], pack(clusters.reps), len(keys), _ROW).to_pylist()
    out = {}
    for k, a, b in zip(keys.tolist(), lines, per_key, strict=True):
        if k:  # "": the clusters of rows never merged
            raw_a, raw_b = a.encode("utf-8"), b.encode("utf-8")
            out[k] = struct.pack("<II", len(raw_a), len(raw_b)) + pa.compress(raw_a + raw_b, CODEC, asbytes=True)
    return out


def decode(values: dict[str, bytes]) -> Clusters:
    """The clusters of these keys' values ({key: `encode`'s value}), as one."""
    reps_texts, records, keys = [], [], []
    for k, v in values.items():
        a, b = struct.unpack_from("<II", v)
        raw = pa.decompress(v[8:], a + b, CODEC, asbytes=True)
        if a:
            reps_texts.append(raw[:a].decode("utf-8"))
        if b:
            got = raw[a:].decode("utf-8").split(_ROW)
            records += got
            keys += [k] * len(got)
    if not records:
        return empty()
    fields = [r.split(_SEP) for r in records]
    if any(len(f) != 5 for f in fields):
        raise sqlite3.DatabaseError("the index holds clusters of another layout")
    name = np.array([unescape(f[0]) if "\\" in f[0] else f[0] for f in fields], dtype=object)
    members, member_of = _split([f[3] for f in fields])
    outlets, outlet_of = _split([f[4] for f in fields])
    return Clusters(
        S.coerce_events(unpack_text(_ROW.join(reps_texts))),
        name,
        np.array(keys, dtype=object),
        np.array([int(f[1]) for f in fields], dtype="int64"),
        np.array([f[2] == "1" for f in fields], dtype=bool),
        members,
        member_of,
        outlets,
        outlet_of,
    )


def _split(texts: list[str]) -> tuple[pa.Array, np.ndarray]:
    """(the items, each item's text's position) of texts of marked items (`_items`)."""
    lists = pc.list_slice(pc.split_pattern(pa.array(texts, pa.string()), _ITEM), 1)
    items = pc.list_flatten(lists)
    of = pc.list_parent_indices(lists).to_numpy().astype("int64")
    if len(items) and pc.any(pc.match_substring(items, "\\")).as_py():
        items = pa.array([_unescape_all(x) for x in items.to_pylist()], pa.string())
    return items, of


def _unescape_all(text: str) -> str:
    """unescape with the list mark's escape too (store_index_lines.unescape knows the others)."""
    out, i = [], 0
    while i < len(text):
        if text[i] == "\\" and i + 1 < len(text):
            out.append(_ITEM if text[i + 1] == "c" else unescape(text[i : i + 2]))
            i += 2
        else:
            out.append(text[i])
            i += 1
    return "".join(out)
