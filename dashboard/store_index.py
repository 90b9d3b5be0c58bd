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

Beside them (layout 3 and after) it keeps, per toponym, the rows that name it, which a correction
reads (dashboard/store_index_named.py); and the stored article ids, which an ingest asks about.
Layout 4 keeps the values in ordinary tables found through an index on (key, generation), where
layout 3 clustered them by key (store_index_layout.create); an index of layout 3 is copied into this layout when
opened (store_index_layout.upgrade_3).

Layout 5 keeps a key's values as the values by toponym are kept: a `whole` value holds all its rows,
and a write that only adds rows to a key (an ingest) adds a value of those rows alone, read after
the whole one (a later line of an event supersedes an earlier one). The cluster sums of a line
(n_sources, fatalities_low/high) are not kept up to date: a line keeps those it was written with,
and a read sets them anew from the key's rows and their cluster ids (merge.with_cluster_sums: they
are a function of those), so a report joining an event of 27 rows puts one line into the index,
not 28 (the rows whose cluster id changes are put in again: few). Before, an append at ten million
events packed and wrote again the ~20,000 stored rows of its keys. A key with FOLD_AT values since
its whole one gets a whole value again; an index of layout 4 gets the `whole` column (every value
of it whole) when opened (store_index_layout.upgrade_4).

Layout 6 keeps a correction's writes to the file together, so that few pages change (each changed
page is a page of the write-ahead log, which SQLite copies into the file and syncs when the write's
connection closes): a correction moving 10,000 rows at ten million events changed ~3,800 pages
(15 MB), it now changes ~680 (2.8 MB). An event a correction moves out of the key it left is taken
out by a line saying so in an added value (a gone line: store_index_lines.gone_tail), where layout
5 gave each such key a whole value again and deleted the values before it, rows at random places
of the table; and the values by key are indexed by their place first (store_index_layout.index_keyed). An index
of layout 5 is carried to this one when opened (store_index_layout.upgrade_5).

A cache of the manifest's generation, versioned so a crash at any point leaves it consistent:
- each write stores, tagged with the generation it is about to commit, a value of every key it
  touches (the write's rows: new rows, stored rows whose cluster id it changed, moved rows under
  their new keys, a gone line of each moved row in the key it left; whole, the key's rows with
  those put in and the rows a correction moved out taken out, for the keys with FOLD_AT values
  and a compaction's) and the generation
  in `writes`, in one SQLite transaction after its Parquet files and before its manifest swap; a
  whole value drops the key's values before the whole one it replaces;
- a key's rows are the lines of its latest whole value at or below the manifest's generation and
  of its values after that one, an event's later line superseding an earlier one (a gone line
  taking it out); values above
  that generation (a write killed before its swap) are deleted when the index is next opened;
- it is valid for generation G only if `writes` holds G: a write that did not keep it (code before
  it; an index step that failed, which never fails the write) leaves it stale, and the next write
  builds it anew from the store; so is an index of another layout (but layouts 3 and 4, carried).
Whole-store writes build it anew before their swap; compaction carries it (the same rows; every
key's values since its whole one folded into one). Only writers use it, under the store's write
lock; readers never open it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from dashboard import schema as S
from dashboard import store_index_named
from dashboard.merge import merge_keys, with_cluster_sums
from dashboard.store_index_layout import INDEX, LAYOUT, PLACE_SQL, carried, connect, has_tables, layout, place_of
from dashboard.store_index_lines import (
    Lines,
    escaped_ids,
    gone_tail,
    joined,
    lines_by_key,
    lines_in,
    lines_of,
    merge_columns,
    text_of,
    unpack_text,
    value_of,
    whole_values_of,
)

FOLD_AT = 8  # a key's values since its last whole one before a write gives it a whole one again
BUILD_CHUNK = 200_000  # rows packed per statement batch while building
LOOKUP_CHUNK = 900  # values per IN (...) of a lookup (SQLite's older builds allow 999 parameters)
FETCH_TERMS = 64  # keys per statement of a lookup by key (MergeIndex._fetch: two parameters each)


# A key's values as a read takes them: (generation, whole, value) of its latest whole value and of
# every value after it, oldest first.
Values = list[tuple[int, bool, bytes]]


@dataclass
class _Scope:
    """What one write (write_scope) keeps of its store's index: the values its lookups read (None:
    none; a correction's rows, its merge and its record read its keys' values: 0.04 CPU s of a save
    at 1M events read once), and the index it opened (`held`, of the file `inode`; an append opened
    it three times, each connection reading again the pages the one before had read)."""

    seen: dict[str, Values | None] = field(default_factory=dict)
    held: MergeIndex | None = None
    inode: int = -1

    def holding(self, path: Path) -> MergeIndex | None:
        """The index held, if it is still the file at `path` (a build renames a new one in)."""
        try:
            if self.held is not None and path.stat().st_ino == self.inode:
                return self.held
        except OSError:
            pass
        self.release()
        return None

    def release(self) -> None:
        if self.held is not None:
            held, self.held = self.held, None
            held.held = False
            held.close()


_SEEN: dict[tuple[str, int], _Scope] = {}


@contextmanager
def write_scope(root: Path, gen: int) -> Iterator[None]:
    """Until the scope ends, the lookups of the index of generation `gen` read each key's value once
    and `open_index` gives one open index (its `close` waits for the scope's end). Only a write
    opens it, under the store's lock: no other writer changes the values of `gen` meanwhile."""
    scope = (str(root), gen)
    _SEEN[scope] = _Scope()
    try:
        yield
    finally:
        _SEEN.pop(scope, _Scope()).release()


def _touched(
    frames: Iterable[pd.DataFrame | Lines | None], moved: pd.DataFrame | None
) -> tuple[dict, set[str], dict[str, set[str]]]:
    """({key: {event: line}} of the rows of `frames`, with the keys `moved` rows left (no lines of
    their own), the (escaped) ids of the `moved` rows, and those ids by the key each left): what a
    write puts into its keys' values."""
    keyed = lines_by_key(frames, lines_of)
    gone: set[str] = set()
    left_by_key: dict[str, set[str]] = {}
    if moved is not None and len(moved):
        left = merge_keys(S.coerce_events(moved, names=tuple(merge_columns())))
        ids = escaped_ids(moved[S.EVENT_ID])
        gone = set(ids)
        can = left.notna().to_numpy()
        for k, e in zip(left[can].astype(str).tolist(), [e for e, c in zip(ids, can, strict=True) if c], strict=True):
            left_by_key.setdefault(k, set()).add(e)
        for k in left_by_key:
            keyed.setdefault(k, {})
    return keyed, gone, left_by_key


def _last_of(codes: np.ndarray, among: np.ndarray) -> np.ndarray:
    """Which rows are, of the rows `among` with their code (`codes`: non-negative), the last one
    (drop_duplicates(keep="last") over the rows `among`, as a mask over every row)."""
    at = np.flatnonzero(among)
    last = np.full(int(codes.max(initial=-1)) + 1, -1)
    np.maximum.at(last, codes[at], at)
    out = np.zeros(len(codes), dtype=bool)
    out[last[last >= 0]] = True
    return out


class MergeIndex:
    """The index of one store, opened for generation `gen` (the manifest's, under the write lock)."""

    def __init__(self, con: sqlite3.Connection, gen: int, root: Path | None = None) -> None:
        self.con = con
        self.gen = gen
        scope = _SEEN.get((str(root), gen)) if root is not None else None
        self.seen = scope.seen if scope is not None else None
        self.held = False  # held open by a write_scope: `close` leaves it open
        # The `clusters` of each key's latest value, of the keys this object fetched (merge_clusters).
        self.latest: dict[str, bytes | None] = {}
        # A correction's toponyms' lines read at `gen` by name_key (store_index_named.named_rows), for its record.
        self.named_read: dict[str, tuple[dict[str, str], int | None]] = {}

    def values(self, keys: Iterable[str]) -> dict[str, Values]:
        """Each of these keys' values from its latest whole one on (the index holds none above its
        generation once opened); keys without rows are left out."""
        wanted = sorted({str(k) for k in keys if k is not None and k is not pd.NA})
        out: dict[str, Values] = {}
        seen = self.seen
        if seen is not None:
            out.update((k, hit) for k in wanted if k in seen and (hit := seen[k]) is not None)
            wanted = [k for k in wanted if k not in seen]
        for lo in range(0, len(wanted), LOOKUP_CHUNK):
            some = wanted[lo : lo + LOOKUP_CHUNK]
            found = self._fetch(some)
            out.update(found)
            if seen is not None:
                seen.update((k, found.get(k)) for k in some)
        return out

    def _fetch(self, keys: list[str]) -> dict[str, Values]:
        """_values of these keys (at most LOOKUP_CHUNK), from the index's file: FETCH_TERMS keys a
        statement, each a term `place = ? AND k = ?` of one OR, which SQLite answers by a search of
        the index (by place, then key: PLACE_SQL) per term, each row once (its MULTI-INDEX OR). The
        statement is one text, its last key named again to fill it, so it is compiled once per
        connection. A statement per place took ~650 statements for an append's keys at ten million
        events: ~10 CPU ms, this ~7 (timed apart)."""
        terms = " OR ".join([f"({PLACE_SQL} = ? AND k = ?)"] * FETCH_TERMS)
        sql = f"SELECT k, gen, whole, data, clusters FROM keyed WHERE {terms}"
        got: list[tuple] = []
        for lo in range(0, len(keys), FETCH_TERMS):
            some = keys[lo : lo + FETCH_TERMS]
            some += [some[-1]] * (FETCH_TERMS - len(some))
            got += self.con.execute(sql, [x for k in some for x in (place_of(k), k)]).fetchall()
        found: dict[str, Values] = {}
        # The rows come per term: sorted so that each key's values come oldest first.
        for k, g, whole, d, clusters in sorted(got, key=lambda row: (row[0], row[1])):
            if whole or k not in found:  # a whole value supersedes the values before it
                found[k] = []
            found[k].append((g, bool(whole), d))
            self.latest[k] = clusters
        return found

    def clustered(self, keys: Iterable[str]) -> tuple[dict[str, bytes], set[str]]:
        """({key: its latest value's clusters} of these keys whose latest value has them, the other
        keys with stored rows): an append reads the first by their clusters (merge_clusters), the
        others by their rows."""
        values = self.values(keys)
        kept = {k: c for k in values if (c := self.latest.get(k)) is not None}
        return kept, set(values) - set(kept)

    def candidates(self, keys: set[str], exclude: frozenset[str] | set[str] = frozenset()) -> pd.DataFrame:
        """The effective stored rows (their MERGE_READS columns, the others <NA>) whose merge key is
        one of `keys`, but those of the events in `exclude`; their cluster sums set from their keys'
        rows (the lines keep those they were written with)."""
        values = list(self.values(keys).values())
        # Each key's values' lines as texts, read as one (unpack_text), not split line by line.
        per_key = [[text_of(value) for _, _, value in vs] for vs in values]
        text = joined(t for texts in per_key for t in texts)
        if not text:
            return S.coerce_events(S.empty_events())
        rows = S.coerce_events(unpack_text(text))
        # Which rows are the keys' effective rows, found as one mask and taken once (each take of the
        # ~20,000 rows' 23 columns at ten million events cost a few ms, and most reads drop none).
        keep = np.ones(len(rows), dtype=bool)
        if any(len(vs) > 1 for vs in values):
            ids = pd.factorize(rows[S.EVENT_ID], use_na_sentinel=False)[0]
            gone = rows[S.EVENT_DATE].isna().to_numpy()  # a gone line: no row the index keeps lacks a date
            if gone.any():
                # An event a correction moved has a gone line in the key it left and a line in the
                # one it went to: its latest line within each key says whether the key holds it.
                counts = [sum(lines_in(t) for t in texts) for texts in per_key]
                key_no = np.repeat(np.arange(len(per_key)), counts)
                keep = ~pd.DataFrame({"k": key_no, "e": ids}).duplicated(keep="last").to_numpy() & ~gone
            # An event's latest line is its row (an event is in one key's rows at a time): its
            # stored cluster id.
            keep &= _last_of(ids, keep)
        if not keep.all():
            rows = rows[keep].reset_index(drop=True)
        rows = with_cluster_sums(rows)  # every row of these keys: their clusters' rows, all of them
        if not exclude:
            return rows
        # Matched on the unpacked ids (unpack unescapes them), not line by line.
        out = ~S.isin(rows[S.EVENT_ID], exclude)
        return rows if out.all() else rows[out].reset_index(drop=True)

    def stored_articles(self, ids: set[str]) -> set[str]:
        """Which of these article ids are stored."""
        wanted = sorted(ids)
        out: set[str] = set()
        for lo in range(0, len(wanted), LOOKUP_CHUNK):
            some = wanted[lo : lo + LOOKUP_CHUNK]
            sql = f"SELECT article_id FROM articles WHERE article_id IN ({', '.join('?' * len(some))})"
            out.update(a for (a,) in self.con.execute(sql, some).fetchall())
        return out

    def record(
        self,
        gen: int,
        frames: Iterable[pd.DataFrame | Lines | None],
        moved: pd.DataFrame | None = None,
        named: Iterable[pd.DataFrame | None] = (),
        articles: Iterable[str] = (),
        fold: bool = False,
        clusters: dict[str, bytes] | None = None,
    ) -> None:
        """The rows of `frames` (each with the MERGE_READS columns, or their lines by key:
        store_index_lines.Lines) put into their keys' values, the rows of `moved` (a correction's,
        as they were stored) taken out of theirs, as the values of generation `gen`, and `gen` in
        `writes`: one transaction, committed before the manifest names `gen`. A key a write only
        adds rows to gets a value of those rows (fewer than FOLD_AT values since its whole one);
        one a correction takes rows out of, or with FOLD_AT values, a whole value, and its values
        before the whole one it replaces are dropped. The rows of `named` (new rows, moved rows
        where they are now; PLACED_READS columns) go into the values of their toponyms
        (store_index_named.named_values; `fold`, a compaction's: every toponym's values since its
        last whole one folded into one, and so is each key's); `articles`, the ids of the articles
        the write adds; `clusters`, an append's clusters after it of the keys it touched
        (store_index_clusters.encode), kept with their values (a key's value without them has its
        key read from its rows)."""
        values, older = self._keyed_values(gen, *_touched(frames, moved), fold=fold)
        kept = clusters or {}
        values = [(k, g, d, w, kept.get(k)) for k, g, d, w in values]
        read, self.named_read = self.named_read, {}  # read at self.gen: after this record, not the index's
        named_values, named_older = store_index_named.named_values(self.con, self.gen, gen, named, moved, fold, read)
        with self.con:
            self.con.executemany(
                "INSERT OR REPLACE INTO keyed (k, gen, data, whole, clusters) VALUES (?, ?, ?, ?, ?)", values
            )
            self.con.executemany(
                f"DELETE FROM keyed WHERE {PLACE_SQL} = ? AND k = ? AND gen < ?",
                [(place_of(k), k, g) for k, g in older],
            )
            self.con.executemany("INSERT OR REPLACE INTO named VALUES (?, ?, ?, ?)", named_values)
            self.con.executemany("DELETE FROM named WHERE name = ? AND gen < ?", named_older)
            # An id stored already keeps its generation (a compaction names every article in a new
            # part): a write that never swaps its manifest then takes out only the ids it added.
            self.con.executemany("INSERT OR IGNORE INTO articles VALUES (?, ?)", [(a, gen) for a in articles])
            self.con.execute("INSERT OR REPLACE INTO writes VALUES (?)", (gen,))

    def _keyed_values(
        self, gen: int, keyed: Lines, gone: set[str], left: dict[str, set[str]], fold: bool
    ) -> tuple[list[tuple], list[tuple]]:
        """(values to insert, (key, gen) below which its values go) for a write of `gen` putting the
        lines `keyed` into their keys and taking the events `gone` out of the keys they `left`
        (record). A key with fewer than FOLD_AT values since its whole one gets a value of its new
        lines and a gone line of each event that left it (layout 6): a whole value instead would
        delete the values before it, rows at random places of the table, a page of the
        write-ahead log each (~2,000 keys for a correction moving 10,000 rows)."""
        if fold:  # a compaction's: every key with values after its whole one gets a whole one
            for k in self._unfolded():
                keyed.setdefault(k, {})
        old = self.values(keyed)
        values: list[tuple] = []
        whole = []
        tail = gone_tail()
        for k, mine in sorted(keyed.items()):
            stored = old.get(k, [])
            if stored and not fold and len(stored) < FOLD_AT:
                lines = {e: e + tail for e in left.get(k, ())}
                lines.update(mine)  # an event moved within its key keeps its new line
                if lines:
                    values.append((k, gen, value_of(lines.values()), 0))
            else:
                whole.append((k, mine, stored))
        whole_values, older = whole_values_of(gen, whole, gone)
        return values + whole_values, older

    def _unfolded(self) -> list[str]:
        """The keys with values after their latest whole one (at this index's generation)."""
        sql = (
            "SELECT k FROM keyed WHERE gen <= ? GROUP BY k "
            "HAVING max(gen) > coalesce(max(CASE WHEN whole THEN gen END), -1)"
        )
        return [k for (k,) in self.con.execute(sql, (self.gen,))]

    def close(self) -> None:
        if not self.held:
            self.con.close()


def open_index(root: Path, gen: int) -> MergeIndex | None:
    """The store's index for generation `gen` (the manifest's), without the values of writes that
    never committed; None when it is missing, unreadable, stale or of another layout (layouts 3,
    4 and 5 are carried to this one first: `store_index_layout.carried`)."""
    path = root / INDEX
    scope = _SEEN.get((str(root), gen))
    if scope is not None and (held := scope.holding(path)) is not None:
        return held
    if not path.is_file():
        return None
    try:
        inode = path.stat().st_ino
        con = carried(connect(path), path)
        newest = (
            con.execute("SELECT max(gen) FROM writes").fetchone() if has_tables(con) and layout(con) == LAYOUT else None
        )
        if newest is None or newest[0] is None or newest[0] < gen:
            con.close()
            return None
        if newest[0] > gen:  # a write killed after its index transaction, before its manifest swap
            with con:
                for table in ("keyed", "writes", "named", "articles"):
                    con.execute(f"DELETE FROM {table} WHERE gen > ?", (gen,))
        if con.execute("SELECT 1 FROM writes WHERE gen = ?", (gen,)).fetchone() is None:
            con.close()
            return None
        idx = MergeIndex(con, gen, root)
        if scope is not None:  # room for the pages an append's lookups read (~650 keys at 10M), for its record
            idx.held, scope.held, scope.inode = True, idx, inode
            con.execute("PRAGMA cache_size=-16384")  # SQLite's default 2 MB let the values push the leaves out
        return idx
    except (sqlite3.Error, OSError):
        return None
