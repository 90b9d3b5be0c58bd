"""The merge index's kept clusters (dashboard/merge_clusters.py) as a key's value holds them: the
representatives' lines (store_index_lines.pack), then a line per cluster (its name, number of rows,
whether it keeps one place, its members, its outlets), LZ4's frame after their sizes in bytes. The
texts are escaped as a line's are (store_index_lines.escape), and a list's mark in an item too."""

from __future__ import annotations

import sqlite3
import struct

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from dashboard import schema as S
from dashboard.merge_clusters import Clusters, empty, narrow, rep_cluster
from dashboard.store_index_lines import CODEC, escape, pack, unescape, unpack_text

# Before each item of a cluster's list of members or outlets (an empty list is an empty text, a
# list of one empty outlet the mark alone); an item holding it has it escaped as "\c".
_ITEM = "\x1c"
_SEP, _ROW = "\x1f", "\x1d"


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
    rep_of = rep_cluster(clusters) if rep_of is None else rep_of
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


def rows_in(values: dict[str, bytes]) -> int:
    """How many stored rows the clusters of these keys' values hold (their lines per cluster alone
    read: what an append asks before it decodes them)."""
    n = 0
    for v in values.values():
        a, b = struct.unpack_from("<II", v)
        records = pa.decompress(v[8:], a + b, CODEC, asbytes=True)[a:].decode("utf-8")
        n += sum(int(r.split(_SEP, 2)[1]) for r in records.split(_ROW) if r)
    return n


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
        S.coerce_events(unpack_text(_ROW.join(reps_texts)), names=narrow()),
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
