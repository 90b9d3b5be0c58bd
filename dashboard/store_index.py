"""The merge's index: the stored rows' merge columns by merge key, so a write finds the rows its new
rows can share a cluster with by key, not by scanning the store.

A batch's merge keys (class, day, place: dashboard/merge.py) are spread over every date of the store,
so the stored rows of those keys lie in every row group of every part: reading them from the Parquet
parts decodes the narrow columns of the whole store, at each append (0.3-0.6 s at a million events,
ten times that at ten million). This index is a SQLite file beside the parts (`merge-index.sqlite`)
holding, per stored row that can merge, its merge key, its event id and the other columns the merge
reads (store_merge.MERGE_READS, packed into one string), clustered by key: a write looks its keys
up in the B-tree and reads only their rows' pages.

It is a cache of what the manifest's generation holds, versioned by generation so a crash at any
point leaves it consistent with the store:
- each write adds its rows' new versions (new rows, the stored rows whose cluster columns it
  changed, the rows a correction moved, under their new keys), tagged with the generation it is
  about to commit, the events a correction moved in `moved`, and the generation itself in
  `writes`, in one SQLite transaction, after its Parquet files and before its manifest swap;
- an event's row is its latest version at or below the manifest's generation, not older than its
  latest move (older ones lie under the key it left); versions above that generation (a write
  killed before its swap) are deleted when the index is next opened;
- the index is valid for generation G only if `writes` holds G: a write that did not keep it (code
  before it; an index step that failed, which never fails the write) leaves it stale, and the next
  write builds it anew from the store (one read of the merge columns of every row: 16 CPU s at a
  million events).
Whole-store writes (a synthetic store, a rewrite) build it anew before their swap; compaction
carries it (the same rows). Superseded versions stay until then (an append adds one per row whose
cluster columns it changed). Only writers use it, under the store's write lock; readers never open it.
"""

from __future__ import annotations

import os
import re
import sqlite3
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from dashboard import schema as S
from dashboard.merge import merge_keys

INDEX = "merge-index.sqlite"
# The layout of the index's tables and of its packed rows; an index of another layout is stale (an
# index written before `meta` existed has layout 1).
LAYOUT = 1
BUILD_CHUNK = 200_000  # rows inserted per statement batch while building
LOOKUP_CHUNK = 900  # values per IN (...) of a lookup (SQLite's older builds allow 999 parameters)
WAL_PAGES = 20_000  # pages (80 MB) the write-ahead log may hold before it is folded into the file


def _columns() -> list[str]:
    from dashboard.store_merge import MERGE_READS

    return MERGE_READS


def _packed() -> list[str]:
    """The merge columns a row's `data` holds (event_id is a column of its own)."""
    return [c for c in _columns() if c != S.EVENT_ID]


_SEP, _NULL = "\x1f", "\x1e"  # between the packed columns; a missing value


def _escape(col: pa.Array) -> pa.Array:
    # A text holding the separator or the null mark (a hostile input) keeps it, escaped.
    for raw, esc in (("\\", "\\\\"), (_SEP, "\\f"), (_NULL, "\\e")):
        col = pc.replace_substring(col, raw, esc)
    return col


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", lambda m: {"f": _SEP, "e": _NULL}.get(m.group(1), m.group(1)), text)


def _pack(rows: pd.DataFrame) -> pa.Array:
    """Each row's merge columns (but event_id) as one string: SQLite binds one value per row, not
    22 (binding them one by one made a build of a million rows take 20 s), and Arrow writes it."""
    parts = []
    for c in _packed():
        col = pa.array(rows[c], from_pandas=True)
        if S.DTYPES[c] == "datetime64[ns]":
            col = col.cast(pa.int64())
        col = col.cast(pa.string())
        parts.append(_escape(col) if S.DTYPES[c] == "string" else col)
    return pc.binary_join_element_wise(*parts, _SEP, null_handling="replace", null_replacement=_NULL)


def _unpack(data: list[str]) -> pd.DataFrame:
    """The merge columns of `_pack`'s strings, schema-typed."""
    cols = _packed()
    split = pd.Series(data, dtype=object).str.split(_SEP, expand=True, regex=False)
    split.columns = cols[: split.shape[1]]
    out = {}
    for c in cols:
        v = split[c].where(split[c] != _NULL, None)
        dtype = S.DTYPES[c]
        if dtype == "datetime64[ns]":
            out[c] = pd.to_numeric(v).astype("Int64").to_numpy("int64", na_value=np.iinfo("int64").min).view("M8[ns]")
        elif dtype == "float64":
            out[c] = pd.to_numeric(v).astype("float64")
        elif dtype == "Int64":
            out[c] = pd.to_numeric(v).astype("Int64")
        else:
            out[c] = v.map(lambda t: t if t is None or "\\" not in t else _unescape(t))
    return pd.DataFrame(out)


def _records(rows: pd.DataFrame, gen: int) -> list[tuple]:
    """(merge key, event_id, generation, the packed merge columns) per row that can merge.
    A row that can never merge is left out: it is never a candidate, and no write makes it
    mergeable (a correction moves a row's place, not its date, type or precision)."""
    rows = S.coerce_events(rows, names=tuple(_columns()))
    keys = merge_keys(rows)
    can = keys.notna().to_numpy()
    rows, keys = rows[can], keys[can]
    if not len(rows):
        return []
    data = _pack(rows).to_pylist()
    ids = rows[S.EVENT_ID].astype(str).tolist()
    return list(zip(keys.astype(str).tolist(), ids, [gen] * len(ids), data, strict=True))


def _by_key(record: tuple) -> tuple:
    return record[0], record[1]


def _latest(got: list[tuple], moved: dict[str, int]) -> list[tuple]:
    """Of (event_id, generation, data) versions, each event's latest not older than its last move."""
    latest: dict[str, tuple] = {}
    for r in got:
        if r[1] >= moved.get(r[0], -1) and (r[0] not in latest or r[1] > latest[r[0]][1]):
            latest[r[0]] = r
    return list(latest.values())


class MergeIndex:
    """The index of one store, opened for generation `gen` (the manifest's, under the write lock)."""

    def __init__(self, con: sqlite3.Connection, gen: int) -> None:
        self.con = con
        self.gen = gen

    def candidates(self, keys: set[str], exclude: frozenset[str] | set[str] = frozenset()) -> pd.DataFrame:
        """The effective stored rows (their MERGE_READS columns, the others <NA>) whose merge key is
        one of `keys`, but those of the events in `exclude`: each event's latest version filed
        under those keys, unless a correction moved the event after it (`moved`)."""
        wanted = sorted(str(k) for k in keys if k is not None and k is not pd.NA)
        got: list[tuple] = []
        for lo in range(0, len(wanted), LOOKUP_CHUNK):
            some = wanted[lo : lo + LOOKUP_CHUNK]
            sql = f"SELECT event_id, gen, data FROM rows WHERE k IN ({', '.join('?' * len(some))})"
            got += [r for r in self.con.execute(sql, some).fetchall() if r[0] not in exclude]
        live = _latest(got, self._moved({r[0] for r in got}))
        if not live:
            return S.coerce_events(S.empty_events())
        return S.coerce_events(_unpack([r[2] for r in live]).assign(**{S.EVENT_ID: [r[0] for r in live]}))

    def _moved(self, ids: set[str]) -> dict[str, int]:
        """The generation of each of these events' latest move (a correction): its versions before
        it lie under the key it left."""
        if not ids or self.con.execute("SELECT 1 FROM moved LIMIT 1").fetchone() is None:
            return {}
        out: dict[str, int] = {}
        listed = sorted(ids)
        for lo in range(0, len(listed), LOOKUP_CHUNK):
            some = listed[lo : lo + LOOKUP_CHUNK]
            sql = f"SELECT event_id, max(gen) FROM moved WHERE event_id IN ({', '.join('?' * len(some))}) GROUP BY 1"
            out.update(self.con.execute(sql, some).fetchall())
        return out

    def record(self, gen: int, frames: Iterable[pd.DataFrame | None], moved: pd.DataFrame | None = None) -> None:
        """The rows of `frames` (each with the MERGE_READS columns) as their versions of generation
        `gen`, the events of `moved` (rows a correction moved) as moved in `gen`, and `gen` in
        `writes`: one transaction, committed before the manifest names `gen`."""
        frames = [f for f in frames if f is not None and len(f)]
        with self.con:
            if moved is not None and len(moved):
                ids = sorted(set(moved[S.EVENT_ID].astype(str)))
                self.con.executemany("INSERT OR REPLACE INTO moved VALUES (?, ?)", [(i, gen) for i in ids])
            for f in frames:
                self._insert(_records(f, gen))
            self.con.execute("INSERT OR REPLACE INTO writes VALUES (?)", (gen,))

    def _insert(self, records: list[tuple]) -> None:
        self.con.executemany("INSERT OR REPLACE INTO rows VALUES (?, ?, ?, ?)", records)

    def close(self) -> None:
        self.con.close()


def _connect(path: Path) -> sqlite3.Connection:
    # Write-ahead log, synced at checkpoints only: a transaction killed half-way is not seen on the
    # next open, and one lost with the machine's power leaves the index stale (its generation not
    # in `writes`), not wrong. A synced rollback journal cost 0.15 s of a write at 1M events.
    con = sqlite3.connect(path)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=NORMAL")
    con.execute(f"PRAGMA wal_autocheckpoint={WAL_PAGES}")
    return con


def _create(con: sqlite3.Connection) -> None:
    # Clustered by key: the rows of one key (a write's lookups and its new versions) share pages.
    with con:
        con.execute(
            "CREATE TABLE IF NOT EXISTS rows (k TEXT NOT NULL, event_id TEXT NOT NULL, gen INTEGER NOT NULL, "
            "data TEXT, PRIMARY KEY (k, event_id, gen)) WITHOUT ROWID"
        )
        # The events corrections moved, and when: their versions before that are under a key they left.
        con.execute(
            "CREATE TABLE IF NOT EXISTS moved (event_id TEXT NOT NULL, gen INTEGER NOT NULL, "
            "PRIMARY KEY (event_id, gen)) WITHOUT ROWID"
        )
        con.execute("CREATE TABLE IF NOT EXISTS writes (gen INTEGER PRIMARY KEY)")
        con.execute("CREATE TABLE IF NOT EXISTS meta (layout INTEGER NOT NULL)")
        if con.execute("SELECT count(*) FROM meta").fetchone() == (0,):
            con.execute("INSERT INTO meta VALUES (?)", (LAYOUT,))


def open_index(root: Path, gen: int) -> MergeIndex | None:
    """The store's index for generation `gen` (the manifest's), without the versions of writes that
    never committed; None when it is missing, unreadable or stale."""
    path = root / INDEX
    if not path.is_file():
        return None
    try:
        con = _connect(path)
        has = con.execute("SELECT count(*) FROM sqlite_master WHERE name IN ('rows', 'moved', 'writes')").fetchone()
        newest = (
            con.execute("SELECT max(gen) FROM writes").fetchone() if has == (3,) and _layout(con) == LAYOUT else None
        )
        if newest is None or newest[0] is None or newest[0] < gen:
            con.close()
            return None
        if newest[0] > gen:  # a write killed after its index transaction, before its manifest swap
            with con:
                for table in ("rows", "moved", "writes"):
                    con.execute(f"DELETE FROM {table} WHERE gen > ?", (gen,))
        if con.execute("SELECT 1 FROM writes WHERE gen = ?", (gen,)).fetchone() is None:
            con.close()
            return None
        return MergeIndex(con, gen)
    except sqlite3.Error:
        return None


def _layout(con: sqlite3.Connection) -> int:
    if con.execute("SELECT 1 FROM sqlite_master WHERE name = 'meta'").fetchone() is None:
        return 1
    got = con.execute("SELECT max(layout) FROM meta").fetchone()
    return int(got[0]) if got and got[0] is not None else 0


def keep(
    root: Path,
    m: dict,
    gen: int,
    out: dict,
    whole: bool,
    rows: list[pd.DataFrame] | None,
    moved: pd.DataFrame | None = None,
) -> None:
    """The index's part of a write of generation `gen` after `m` (called before its manifest swap):
    built anew from the new generation's files (`whole`: a whole-store write), or `rows` (the rows
    the write changed, with their merge columns; [] when it changed none; `moved`: the rows a
    correction moved) recorded as its versions when the index holds `m`'s generation (on a store's first write,
    built from them). A write that
    gives no `rows` leaves the index stale, built anew by the next write that needs it. Failures
    leave it stale too, never the write failed: it is a cache."""
    try:
        if whole or not out["events"]:
            build(root, gen, effective_chunks(root, out))
        elif rows is not None:
            idx = open_index(root, int(m["generation"]))
            if idx is not None:
                try:
                    idx.record(gen, rows, moved)
                finally:
                    idx.close()
            elif not int(m["generation"]):
                build(root, gen, rows)
    except (sqlite3.Error, OSError):
        return


def build(root: Path, gen: int, tables: Iterable[pd.DataFrame]) -> None:
    """The index anew for generation `gen` from the effective rows in `tables` (each with the
    MERGE_READS columns), written to a temporary file and renamed into place (before the manifest
    names `gen`: until then the index is stale for the current generation, and rebuilt if needed)."""
    tmp = root / (INDEX + ".build.tmp")
    tmp.unlink(missing_ok=True)
    con = sqlite3.connect(tmp)  # no log while building: the file is renamed into place when done
    con.execute("PRAGMA journal_mode=OFF")
    con.execute("PRAGMA synchronous=OFF")
    _create(con)
    with con:
        for t in tables:
            for lo in range(0, len(t), BUILD_CHUNK):
                MergeIndex(con, gen)._insert(sorted(_records(t.iloc[lo : lo + BUILD_CHUNK], gen), key=_by_key))
        con.execute("INSERT OR REPLACE INTO writes VALUES (?)", (gen,))
    con.close()
    fd = os.open(tmp, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
    _settle(root / INDEX)
    os.replace(tmp, root / INDEX)


def _settle(path: Path) -> None:
    """Before the index file is replaced: fold its write-ahead log in (SQLite does on the last
    close) and drop what is left of it, which SQLite would otherwise apply to the new file."""
    if path.is_file():
        try:
            con = _connect(path)
            con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            con.close()
        except sqlite3.Error:
            pass  # unreadable: replaced below all the same
    for suffix in ("-wal", "-shm", "-journal"):
        Path(str(path) + suffix).unlink(missing_ok=True)


def effective_chunks(root: Path, m: dict) -> Iterable[pd.DataFrame]:
    """The effective rows of generation `m` (its MERGE_READS columns), a base part at a time: the
    rows whole-row overlays supersede left out, then those overlays' latest rows; patches applied."""
    from dashboard import store_files as F

    cols = _columns()
    overlays = [e["path"] for e in m["overlays"]]
    whole, _ = F.split_overlays(overlays)
    patches = F.latest_patches(root, overlays)
    over = F.read_files(root, whole, "events", cols)
    over = None if over is None else F.latest_rows(over)
    for e in m["events"]:
        t = F.read_files(root, [e["path"]], "events", [c for c in cols if c in _names(root / e["path"])])
        if t is None:
            continue
        if over is not None:
            t = t.filter(pc.invert(pc.is_in(t[S.EVENT_ID], value_set=over[S.EVENT_ID])))
        yield F.apply_patches(t, patches).to_pandas()
    if over is not None:
        yield F.apply_patches(over, patches).to_pandas()


def _names(path: Path) -> set[str]:
    import pyarrow.parquet as pq

    return set(pq.read_schema(path).names)
