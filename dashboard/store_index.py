"""The merge's index: the stored rows' merge columns by merge key, so a write finds the rows its new
rows can share a cluster with by key, not by scanning the store.

A batch's merge keys (class, day, place: dashboard/merge.py) are spread over every date of the store,
so their stored rows lie in every row group of every part: reading them from the parts decodes the
narrow columns of the whole store at each append (0.3-0.6 s at a million events, ten times that at
ten million). This index is a SQLite file beside the parts (`merge-index.sqlite`) holding, per merge
key, the key's rows that can merge (event id and the other columns the merge reads, MERGE_READS,
each row one line of text) as one compressed value: a write reads and writes a few hundred values,
not tens of thousands of rows (layout 1 held one SQLite row per stored row: 3.45 GB for 11.2M rows,
1.37 GB so, beside 0.79 GB of events' Parquet).

A cache of the manifest's generation, versioned so a crash at any point leaves it consistent:
- each write stores, tagged with the generation it is about to commit, the new value of every key
  it touches (the key's rows with the write's rows put in: new rows, stored rows whose cluster
  columns it changed, moved rows under their new keys; the rows a correction moved out taken out)
  and the generation in `writes`, in one SQLite transaction after its Parquet files and before its
  manifest swap, dropping the key's values older than the one it replaces;
- a key's rows are its latest value at or below the manifest's generation; values above it (a write
  killed before its swap) are deleted when the index is next opened;
- it is valid for generation G only if `writes` holds G: a write that did not keep it (code before
  it; an index step that failed, which never fails the write) leaves it stale, and the next write
  builds it anew from the store; so is an index of another layout.
Whole-store writes build it anew before their swap; compaction carries it (the same rows). Only
writers use it, under the store's write lock; readers never open it.
"""

from __future__ import annotations

import itertools
import os
import re
import sqlite3
import struct
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from dashboard import schema as S
from dashboard.merge import merge_keys

INDEX = "merge-index.sqlite"
# The layout of the index's tables and of its packed rows; an index of another layout is stale (an
# index written before `meta` existed has layout 1).
LAYOUT = 2
BUILD_CHUNK = 200_000  # rows packed per statement batch while building
LOOKUP_CHUNK = 900  # values per IN (...) of a lookup (SQLite's older builds allow 999 parameters)
WAL_PAGES = 20_000  # pages (80 MB) the write-ahead log may hold before it is folded into the file
# A key's value is compressed with LZ4 (a few hundred bytes at a million events, 1.4x smaller): zlib
# gets 1.8x but its set-up per value made it 8 of the 20 s a build of a million rows took, LZ4 1.
CODEC = "lz4"


def _columns() -> list[str]:
    from dashboard.store_merge import MERGE_READS

    return MERGE_READS


def _packed() -> list[str]:
    """The merge columns a row's line holds, event_id first (what a write matches lines by)."""
    return [S.EVENT_ID, *(c for c in _columns() if c != S.EVENT_ID)]


# Between a line's columns, a missing value, between a key's lines.
_SEP, _NULL, _ROW = "\x1f", "\x1e", "\x1d"
_ESCAPES = (("\\", "\\\\"), (_SEP, "\\f"), (_NULL, "\\e"), (_ROW, "\\g"))


def _escape(col: pa.Array) -> pa.Array:
    # A text holding a separator or the null mark (a hostile input) keeps it, escaped.
    for raw, esc in _ESCAPES:
        col = pc.replace_substring(col, raw, esc)
    return col


def _escaped(text: str) -> str:
    """_escape of one text (an event id, as a line starts with it)."""
    for raw, esc in _ESCAPES:
        text = text.replace(raw, esc)
    return text


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", lambda m: {"f": _SEP, "e": _NULL, "g": _ROW}.get(m.group(1), m.group(1)), text)


def _pack(rows: pd.DataFrame) -> pa.Array:
    """Each row's merge columns as one line of text: SQLite would bind 23 values per row one by one
    (binding them so made a build of a million rows take 20 s), and Arrow writes it."""
    parts = []
    for c in _packed():
        col = pa.array(rows[c], from_pandas=True)
        if S.DTYPES[c] == "datetime64[ns]":
            col = col.cast(pa.int64())
        col = col.cast(pa.string())
        parts.append(_escape(col) if S.DTYPES[c] == "string" else col)
    return pc.binary_join_element_wise(*parts, _SEP, null_handling="replace", null_replacement=_NULL)


def _unpack(data: list[str]) -> pd.DataFrame:
    """The merge columns of `_pack`'s lines, schema-typed. Split and converted by Arrow: every line
    has the same number of fields, so the column of field i is every n-th value from i on (pandas'
    split and conversions were 0.4 s for the 20,000 rows of a batch's keys at 10M events)."""
    cols = _packed()
    fields = pc.split_pattern(pa.array(data, pa.string()), _SEP).flatten()
    if len(fields) != len(data) * len(cols):
        raise sqlite3.DatabaseError("the index holds lines of another layout")
    out = {}
    for i, c in enumerate(cols):
        v = fields.take(pa.array(np.arange(i, len(fields), len(cols))))
        v = pc.if_else(pc.equal(v, _NULL), pa.scalar(None, pa.string()), v)
        dtype = S.DTYPES[c]
        if dtype == "datetime64[ns]":
            out[c] = pd.Series(v.cast(pa.int64()).cast(pa.timestamp("ns")).to_pandas(), dtype="datetime64[ns]")
        elif dtype == "float64":
            out[c] = v.cast(pa.float64()).to_pandas()
        elif dtype == "Int64":
            out[c] = pd.Series(pd.array(v.cast(pa.int64()), dtype="Int64"))
        else:
            plain = v.to_pandas()
            odd = pc.fill_null(pc.match_substring(v, "\\"), False).to_numpy(zero_copy_only=False)
            if odd.any():
                plain[odd] = plain[odd].map(_unescape)
            out[c] = plain
    return pd.DataFrame(out)


def _lines(rows: pd.DataFrame) -> tuple[list[str], list[str]]:
    """(merge key, line) of each row that can merge. A row that can never merge is left out: it is
    never a candidate, and no write makes it mergeable (a correction moves a row's place, not its
    date, type or precision)."""
    rows = S.coerce_events(rows, names=tuple(_columns()))
    keys = merge_keys(rows)
    can = keys.notna().to_numpy()
    if not can.any():
        return [], []
    return keys[can].astype(str).tolist(), _pack(rows[can]).to_pylist()


def _event(line: str) -> str:
    """The (escaped) event id a line starts with."""
    return line.split(_SEP, 1)[0]


def _value(lines: Iterable[str]) -> bytes:
    """A key's lines as one value: their length in bytes (4, little-endian), then LZ4's frame."""
    raw = _ROW.join(lines).encode("utf-8")
    return struct.pack("<I", len(raw)) + pa.compress(raw, CODEC, asbytes=True)


def _rows_of(value: bytes) -> list[str]:
    (size,) = struct.unpack_from("<I", value)
    text = pa.decompress(value[4:], size, CODEC, asbytes=True).decode("utf-8")
    return text.split(_ROW) if text else []


def _touched(frames: Iterable[pd.DataFrame | None], moved: pd.DataFrame | None) -> tuple[dict, set[str]]:
    """({key: {event: line}} of the rows of `frames`, with the keys `moved` rows left (no lines of
    their own), the (escaped) ids of the `moved` rows): what a write puts into its keys' values."""
    keyed: dict[str, dict[str, str]] = {}
    for f in frames:
        if f is not None and len(f):
            for k, line in zip(*_lines(f), strict=True):
                keyed.setdefault(k, {})[_event(line)] = line
    gone: set[str] = set()
    if moved is not None and len(moved):
        left = merge_keys(S.coerce_events(moved, names=tuple(_columns())))
        gone = {_escaped(str(e)) for e in moved[S.EVENT_ID]}
        for k in left.dropna().astype(str):
            keyed.setdefault(k, {})
    return keyed, gone


class MergeIndex:
    """The index of one store, opened for generation `gen` (the manifest's, under the write lock)."""

    def __init__(self, con: sqlite3.Connection, gen: int) -> None:
        self.con = con
        self.gen = gen

    def _values(self, keys: Iterable[str]) -> dict[str, tuple[int, bytes]]:
        """(generation, value) of each of these keys' latest value (the index holds none above its
        generation once opened); keys without rows are left out."""
        wanted = sorted({str(k) for k in keys if k is not None and k is not pd.NA})
        out: dict[str, tuple[int, bytes]] = {}
        for lo in range(0, len(wanted), LOOKUP_CHUNK):
            some = wanted[lo : lo + LOOKUP_CHUNK]
            # SQLite gives the bare column `data` of the row that holds max(gen).
            sql = f"SELECT k, max(gen), data FROM keyed WHERE k IN ({', '.join('?' * len(some))}) GROUP BY k"
            out.update((k, (g, d)) for k, g, d in self.con.execute(sql, some).fetchall())
        return out

    def candidates(self, keys: set[str], exclude: frozenset[str] | set[str] = frozenset()) -> pd.DataFrame:
        """The effective stored rows (their MERGE_READS columns, the others <NA>) whose merge key is
        one of `keys`, but those of the events in `exclude`."""
        skip = {_escaped(str(e)) for e in exclude}
        lines = [
            line for _, value in self._values(keys).values() for line in _rows_of(value) if _event(line) not in skip
        ]
        if not lines:
            return S.coerce_events(S.empty_events())
        return S.coerce_events(_unpack(lines))

    def record(self, gen: int, frames: Iterable[pd.DataFrame | None], moved: pd.DataFrame | None = None) -> None:
        """The rows of `frames` (each with the MERGE_READS columns) put into their keys' values, the
        rows of `moved` (a correction's, as they were stored) taken out of theirs, as the values of
        generation `gen`, and `gen` in `writes`: one transaction, committed before the manifest
        names `gen`. Each touched key's values older than the one it replaces are dropped."""
        keyed, gone = _touched(frames, moved)
        old = self._values(keyed)
        values, older = [], []
        for k, mine in sorted(keyed.items()):
            g, value = old.get(k, (None, None))
            rows = {} if value is None else {_event(x): x for x in _rows_of(value) if _event(x) not in gone}
            rows.update(mine)
            if rows or value is not None:  # a key left empty keeps an empty value: it supersedes the last
                values.append((k, gen, _value(rows.values())))
            if g is not None and g < gen:
                older.append((k, g))
        with self.con:
            self.con.executemany("INSERT OR REPLACE INTO keyed VALUES (?, ?, ?)", values)
            self.con.executemany("DELETE FROM keyed WHERE k = ? AND gen < ?", older)
            self.con.execute("INSERT OR REPLACE INTO writes VALUES (?)", (gen,))

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
    with con:
        # A key's value per generation that changed it, clustered by key.
        con.execute(
            "CREATE TABLE IF NOT EXISTS keyed (k TEXT NOT NULL, gen INTEGER NOT NULL, data BLOB NOT NULL, "
            "PRIMARY KEY (k, gen)) WITHOUT ROWID"
        )
        con.execute("CREATE TABLE IF NOT EXISTS writes (gen INTEGER PRIMARY KEY)")
        con.execute("CREATE TABLE IF NOT EXISTS meta (layout INTEGER NOT NULL)")
        if con.execute("SELECT count(*) FROM meta").fetchone() == (0,):
            con.execute("INSERT INTO meta VALUES (?)", (LAYOUT,))


def open_index(root: Path, gen: int) -> MergeIndex | None:
    """The store's index for generation `gen` (the manifest's), without the values of writes that
    never committed; None when it is missing, unreadable, stale or of another layout."""
    path = root / INDEX
    if not path.is_file():
        return None
    try:
        con = _connect(path)
        has = con.execute("SELECT count(*) FROM sqlite_master WHERE name IN ('keyed', 'writes')").fetchone()
        newest = (
            con.execute("SELECT max(gen) FROM writes").fetchone() if has == (2,) and _layout(con) == LAYOUT else None
        )
        if newest is None or newest[0] is None or newest[0] < gen:
            con.close()
            return None
        if newest[0] > gen:  # a write killed after its index transaction, before its manifest swap
            with con:
                for table in ("keyed", "writes"):
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
    correction moved, as they were stored) recorded as its values when the index holds `m`'s
    generation (on a store's first write, built from them). A write that gives no `rows` leaves the
    index stale, built anew by the next write that needs it. Failures leave it stale too, never the
    write failed: it is a cache."""
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
    # A key's rows lie in every part: each row's line goes to a private temporary database first
    # (deleted when closed), which SQLite sorts by key on disk, so a build holds one key's lines at a
    # time, not the store's (2-3 GB of text at ten million rows).
    con.execute("ATTACH DATABASE '' AS spill")
    con.execute("PRAGMA spill.journal_mode=OFF")
    con.execute("CREATE TABLE spill.lines (k TEXT NOT NULL, line TEXT NOT NULL)")
    with con:
        for t in tables:
            for lo in range(0, len(t), BUILD_CHUNK):
                keys, lines = _lines(t.iloc[lo : lo + BUILD_CHUNK])
                con.executemany("INSERT INTO spill.lines VALUES (?, ?)", zip(keys, lines, strict=True))
    with con:
        sorted_lines = con.execute("SELECT k, line FROM spill.lines ORDER BY k")
        batch: list[tuple] = []
        for k, rows in itertools.groupby(sorted_lines, key=lambda r: r[0]):
            batch.append((k, gen, _value(r[1] for r in rows)))
            if len(batch) >= LOOKUP_CHUNK:
                con.executemany("INSERT INTO keyed VALUES (?, ?, ?)", batch)
                batch = []
        con.executemany("INSERT INTO keyed VALUES (?, ?, ?)", batch)
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
        t = F.read_files(root, [e["path"]], "events", [c for c in cols if c in pq.read_schema(root / e["path"]).names])
        if t is None:
            continue
        if over is not None:
            t = t.filter(pc.invert(pc.is_in(t[S.EVENT_ID], value_set=over[S.EVENT_ID])))
        yield F.apply_patches(t, patches).to_pandas()
    if over is not None:
        yield F.apply_patches(over, patches).to_pandas()
