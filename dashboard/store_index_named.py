"""The merge index's rows by toponym (layout 3 of dashboard/store_index.py): which stored rows name
a toponym, and what a write puts into the values of the toponyms it touches.

Per toponym (as corrections compare names: name_key) the index keeps the rows that name it
(store_merge.PLACED_READS: what a correction reads of the rows it moves), so a correction reads the
rows it moves by name instead of every part's toponyms and every row group that holds one of them.
The `named` table (store_index_layout.create) holds a value per write that added rows to a toponym,
`whole` when it holds all of them (a build's, or a correction's that moved some), superseding the
values before it; a later line of an event supersedes an earlier one.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from typing import TYPE_CHECKING

import pandas as pd

from dashboard import schema as S
from dashboard.merge import CLUSTER_COLUMNS, merge_keys
from dashboard.store_index_lines import (
    events_of,
    lines_by_key,
    name_key,
    named_lines_of,
    placed_columns,
    rows_of,
    unpack,
    value_of,
)

if TYPE_CHECKING:
    from dashboard.store_index import MergeIndex

# What the index read of the keys of a name's rows: (those keys, their rows, each row's key), which
# the correction's merge reads again (store_merge.stored_rows `known`).
KeyedRead = tuple[set[str], pd.DataFrame, pd.Series]


def named_rows(index: MergeIndex, toponym: str) -> tuple[pd.DataFrame, KeyedRead | None]:
    """The effective stored rows (their PLACED_READS columns, the others <NA>) whose toponym is
    `toponym` as corrections compare names: its values' lines, each event's latest, with the
    cluster columns of the rows that can merge taken from their keys' values (a merge changes
    those in the key's value only: a toponym's lines keep the cluster columns they were
    written with, which are those of a row that never merges); and what was read of those keys
    (None when no row can merge)."""
    name = name_key(toponym)
    lines, whole_gen = latest_lines(index.con, name, index.gen)
    # Kept for the write's record, which gives the toponym a whole value of these lines (named_values).
    index.named_read[name] = (lines, whole_gen)  # not changed here: named_values copies it
    if not lines:
        return S.coerce_events(S.empty_events()), None
    rows = S.coerce_events(unpack(list(lines.values()), placed_columns()))
    keys = merge_keys(rows)
    can = keys.notna().to_numpy()
    if not can.any():
        return rows, None
    have = set(keys[can].astype(str).tolist())
    now = index.candidates(have)
    read = (have, now, merge_keys(now))
    if len(now):
        now = now.drop_duplicates(S.EVENT_ID).set_index(now[S.EVENT_ID].astype(str).to_numpy())
        ids = rows[S.EVENT_ID].astype(str)
        hit = S.isin(ids, now.index) & can
        at = now.index.get_indexer(ids[hit].to_numpy())  # found once for the four columns
        for c in CLUSTER_COLUMNS:
            rows.loc[hit, c] = now[c].take(at).to_numpy()
    return rows, read


def latest_lines(con: sqlite3.Connection, name: str, gen: int) -> tuple[dict[str, str], int | None]:
    """({event: line} of a name's rows at generation `gen`, the generation of its latest whole
    value or None): the lines of its latest whole value and of every added value after it."""
    got = con.execute(
        "SELECT gen, whole, data FROM named WHERE name = ? AND gen <= ? ORDER BY gen", (name, gen)
    ).fetchall()
    start = max((i for i, (_, whole, _) in enumerate(got) if whole), default=0)
    lines: dict[str, str] = {}
    for _, _, data in got[start:]:
        got_lines = rows_of(data)
        lines.update(zip(events_of(got_lines), got_lines, strict=True))
    return lines, (got[start][0] if got and got[start][1] else None)


def named_values(
    con: sqlite3.Connection,
    at: int,
    gen: int,
    named: Iterable[pd.DataFrame | None],
    moved: pd.DataFrame | None,
    fold: bool = False,
    read: dict[str, tuple[dict[str, str], int | None]] | None = None,
) -> tuple[list[tuple], list[tuple]]:
    """(rows of `named` to insert, (name, gen) below which its rows go) for a write of `gen` into
    an index of generation `at`. A toponym only added to (an ingest's new rows) gets a value of
    those rows alone; one whose rows a correction moved (`moved`, as they were stored) a whole
    value of all its rows, which supersedes its earlier values: those before its previous whole
    value are dropped (the previous one stays while this write may yet not commit). `fold` (a
    compaction): so does every toponym with more than one value since its last whole one, and each
    toponym's values before its last whole one are dropped. `read`: latest_lines of some names at
    `at`, read already (a correction's: named_rows), taken instead of read again (at ten million
    events a toponym's ~10,000 lines were fetched, decompressed and split twice a correction)."""
    added = lines_by_key(named, named_lines_of)
    redo = set() if moved is None or S.TOPONYM not in moved else set(map(name_key, moved[S.TOPONYM].dropna().unique()))
    older: list[tuple] = []
    if fold:
        unfolded, older = _unfolded(con, at)
        redo |= unfolded
    values = []
    for name in sorted(set(added) | redo):
        mine = added.get(name, {})
        if name not in redo:
            values.append((name, gen, 0, value_of(mine.values())))
            continue
        got = (read or {}).get(name)
        rows, whole_gen = (dict(got[0]), got[1]) if got is not None else latest_lines(con, name, at)
        rows.update(mine)
        values.append((name, gen, 1, value_of(rows.values())))
        if whole_gen is not None:
            older.append((name, whole_gen))
    return values, older


def _unfolded(con: sqlite3.Connection, at: int) -> tuple[set[str], list[tuple[str, int]]]:
    """At generation `at`: the toponyms with more than one value at or after their latest whole one
    (each ingest adds a value to those it names, which a correction reads one by one), and (name,
    its latest whole value's generation) of those with values before it, which no read needs."""
    since: dict[str, int] = {}
    whole_at: dict[str, int] = {}
    stale = set()
    for name, gen, whole in con.execute("SELECT name, gen, whole FROM named WHERE gen <= ? ORDER BY name, gen", (at,)):
        if whole:
            stale.update([name] if name in since else [])
            since[name], whole_at[name] = 1, gen
        else:
            since[name] = since.get(name, 0) + 1
    return {name for name, n in since.items() if n > 1}, [(name, whole_at[name]) for name in sorted(stale)]
