"""Building and keeping the merge index (`dashboard.store_index`) across a store's writes: a write's
new values recorded, or the index built anew from a generation's files (a whole-store write, a first
write, an upgrade of its layout)."""

from __future__ import annotations

import itertools
import sqlite3
from collections.abc import Iterable
from pathlib import Path

import pandas as pd
import pyarrow.compute as pc
import pyarrow.parquet as pq

from dashboard import merge_clusters, store_index_clusters
from dashboard import schema as S
from dashboard import store_files as F
from dashboard.store_index import BUILD_CHUNK, LOOKUP_CHUNK, MergeIndex, open_index
from dashboard.store_index_layout import INDEX, PLACE_SQL, create, place_of, replace
from dashboard.store_index_lines import Lines, lines_of, named_lines_of, placed_columns, value_of


def keep(
    root: Path,
    m: dict,
    gen: int,
    out: dict,
    whole: bool,
    rows: list[pd.DataFrame | Lines] | None,
    moved: pd.DataFrame | None = None,
    named: list[pd.DataFrame | None] | None = None,
    clusters: dict[str, bytes] | None = None,
    articles: pd.DataFrame | None = None,
    fold: bool = False,
) -> None:
    """The index's part of a write of generation `gen` after `m` (called before its manifest swap):
    built anew from the new generation's files (`whole`: a whole-store write), or `rows` (the rows
    the write changed, with their merge columns; [] when it changed none; `moved`: the rows a
    correction moved, as they were stored; `named`: the rows to keep by toponym, new rows and
    moved rows where they are now) recorded as its values when the index holds `m`'s
    generation (on a store's first write, built from them; `fold`: a compaction's, each toponym's
    values folded into one, store_index_named.named_values). A write that gives no `rows` leaves the
    index stale, built anew by the next write that needs it. Failures leave it stale too, never the
    write failed: it is a cache. `articles`: the articles the write adds, when the caller has them
    (their ids not read back from the part just written, as they are without them)."""
    try:
        if whole or not out["events"]:
            build(root, gen, effective_chunks(root, out), out)
        elif rows is not None:
            idx = open_index(root, int(m["generation"]))
            if idx is not None:
                try:
                    added = added_articles(root, m, out) if articles is None else _ids(articles)
                    idx.record(gen, rows, moved, named or (), added, fold, clusters)
                finally:
                    idx.close()
            elif not int(m["generation"]):
                # A first write: no stored row, so no lines of stored rows (Lines) among `rows`.
                build(root, gen, [r for r in rows if isinstance(r, pd.DataFrame)], out)
    except (sqlite3.Error, OSError):
        return


# A key whose values hold at least this many bytes gets its clusters kept by `fill`: every key, as
# an index whose every key was last written by an append keeps them (a key read from its rows costs
# an append its unpacking and summarizing: ~0.03 CPU s for the ~160 such keys of a batch at ten
# million events when only keys of 2 kB or more were filled).
FILL_BYTES = 0
FILL_CHUNK = 2_000  # keys summarized at a time by `fill`


def fill(idx: MergeIndex) -> int:
    """The clusters (merge_clusters) of the keys of at least FILL_BYTES whose latest value keeps
    none, kept with that value, once per index (an index built from a store's parts keeps none:
    its keys' clusters are kept by the appends that touch them after); returns how many. A chunk
    of keys at a time, each its own transaction: a key's clusters are a function of its rows, so a
    fill stopped half-way leaves the others to be read from their rows."""
    con = idx.con
    con.execute("CREATE TABLE IF NOT EXISTS clusters_filled (gen INTEGER NOT NULL)")
    if con.execute("SELECT 1 FROM clusters_filled").fetchone() is not None:
        return 0
    # SQLite takes the other columns of a row with max(gen) from that row: the key's latest value.
    sql = (
        "SELECT k FROM (SELECT k, max(gen), clusters IS NULL AS none, sum(length(data)) AS size "
        "FROM keyed GROUP BY k) WHERE none AND size >= ?"
    )
    keys = [k for (k,) in con.execute(sql, (FILL_BYTES,))]
    for lo in range(0, len(keys), FILL_CHUNK):
        some = set(keys[lo : lo + FILL_CHUNK])
        latest = {k: vs[-1][0] for k, vs in idx.values(some).items()}
        kept = store_index_clusters.encode(merge_clusters.summarize(idx.candidates(some)))
        with con:
            con.executemany(
                f"UPDATE keyed SET clusters = ? WHERE {PLACE_SQL} = ? AND k = ? AND gen = ?",
                [(v, place_of(k), k, latest[k]) for k, v in kept.items() if k in latest],
            )
    with con:
        con.execute("INSERT INTO clusters_filled VALUES (?)", (idx.gen,))
    return len(keys)


def _ids(articles: pd.DataFrame) -> list[str]:
    return articles["article_id"].dropna().astype(str).tolist()


def added_articles(root: Path, m: dict, out: dict) -> list[str]:
    """The ids in the articles parts `out` names and `m` does not (a write's new part)."""
    before = {e["path"] for e in m["articles"]}
    table = F.read_files(
        root, [e["path"] for e in out["articles"] if e["path"] not in before], "articles", ["article_id"]
    )
    return [] if table is None else [str(a) for a in table.column(0).to_pylist() if a is not None]


def build(root: Path, gen: int, tables: Iterable[pd.DataFrame], m: dict) -> None:
    """The index anew for generation `gen` from the effective rows in `tables` (each with the
    MERGE_READS columns, and for the values by toponym PLACED_READS) and the article ids of the
    generation's manifest `m`, written to a temporary file
    and renamed into place (before the manifest names `gen`: until then the index is stale for the
    current generation, and rebuilt if needed)."""
    tmp, spill = root / (INDEX + ".build.tmp"), root / (INDEX + ".spill.tmp")
    for f in (tmp, spill):
        f.unlink(missing_ok=True)
    con = sqlite3.connect(tmp)  # no log while building: the file is renamed into place when done
    con.execute("PRAGMA journal_mode=OFF")
    con.execute("PRAGMA synchronous=OFF")
    # The values by key indexed by place before they go in (not once they are in): they go in by key,
    # not by place, so the index's pages are left with room (~89 % full), where CREATE INDEX after
    # them packed every page full, and every value an append added split a page: an append at ten
    # million events wrote 2,165 of the index's pages into SQLite's log (7.6 MB of 2,402 pages), which
    # the index's close then copies into the file and syncs (715 of 952 pages, 3.8 MB, so; the record
    # and close 0.062 -> 0.054 CPU s an append). The same build CPU at a million events (19.5, 19.8 s).
    create(con)
    # A key's rows lie in every part: each row's line goes first to a temporary file beside the index
    # (the store's disk, not the system's temp), clustered by key (a B-tree: read back in key order
    # without a sort's temporary files), then a key's lines at a time become its value. A build
    # holds a chunk of lines, not the store's (2-3 GB of text at ten million rows).
    _spill_to(con, spill)
    _spill_lines(con, tables)
    with con:
        for table, insert in (
            ("lines", "INSERT INTO keyed (k, gen, data) VALUES (?, ?, ?)"),
            ("names", "INSERT INTO named VALUES (?, ?, 1, ?)"),
        ):
            ordered = con.execute(f"SELECT k, line FROM spill.{table} ORDER BY k, n")
            batch: list[tuple] = []
            for k, group in itertools.groupby(ordered, key=lambda r: r[0]):
                batch.append((k, gen, value_of(r[1] for r in group)))
                if len(batch) >= LOOKUP_CHUNK:
                    con.executemany(insert, batch)
                    batch = []
            con.executemany(insert, batch)
        con.executemany("INSERT OR REPLACE INTO articles VALUES (?, ?)", ((a, gen) for a in _article_ids(root, m)))
        con.execute("INSERT OR REPLACE INTO writes VALUES (?)", (gen,))
    con.execute("DETACH DATABASE spill")
    spill.unlink(missing_ok=True)
    con.close()
    replace(tmp, root / INDEX)


def _article_ids(root: Path, m: dict) -> Iterable[str]:
    """The article ids of generation `m`'s articles parts, a part at a time."""
    for e in m["articles"]:
        table = F.read_files(root, [e["path"]], "articles", ["article_id"])
        if table is not None:
            yield from (str(a) for a in table.column(0).to_pylist() if a is not None)


def _spill_lines(con: sqlite3.Connection, tables: Iterable[pd.DataFrame]) -> None:
    """Each row's lines of `tables` into the attached spill (_spill_to): by merge key, by toponym,
    numbered in the order read (a later line of an event supersedes an earlier one)."""
    n = 0
    with con:
        for t in tables:
            for lo in range(0, len(t), BUILD_CHUNK):
                chunk = t.iloc[lo : lo + BUILD_CHUNK]
                for table, (keys, lines) in (("lines", lines_of(chunk)), ("names", named_lines_of(chunk))):
                    # Sorted by key first: the B-tree's inserts then touch its pages in order.
                    rows = sorted(zip(keys, range(n, n + len(keys)), lines, strict=True))
                    n += len(keys)
                    con.executemany(f"INSERT INTO spill.{table} VALUES (?, ?, ?)", rows)


def _spill_to(con: sqlite3.Connection, spill: Path) -> None:
    """Attach a build's temporary file of (key, order, line) to `con`, clustered by key."""
    con.execute("ATTACH DATABASE ? AS spill", (str(spill),))
    con.execute("PRAGMA spill.journal_mode=OFF")
    con.execute("PRAGMA spill.synchronous=OFF")
    for table in ("lines", "names"):  # by merge key, by toponym
        con.execute(
            f"CREATE TABLE spill.{table} (k TEXT NOT NULL, n INTEGER NOT NULL, line TEXT NOT NULL, "
            "PRIMARY KEY (k, n)) WITHOUT ROWID"
        )


def effective_chunks(root: Path, m: dict) -> Iterable[pd.DataFrame]:
    """The effective rows of generation `m` (their PLACED_READS columns), a base part at a time: the
    rows whole-row overlays supersede left out, then those overlays' latest rows; the corrections'
    places and the patches applied."""
    cols = placed_columns()
    overlays = [e["path"] for e in m["overlays"]]
    whole, _ = F.split_overlays(overlays)
    patches = F.latest_patches(root, overlays)
    places = F.latest_places(root, overlays)
    over = F.read_files(root, whole, "events", cols)
    over = None if over is None else F.latest_rows(over)
    for e in m["events"]:
        t = F.read_files(root, [e["path"]], "events", [c for c in cols if c in pq.read_schema(root / e["path"]).names])
        if t is None:
            continue
        if over is not None:
            t = t.filter(pc.invert(pc.is_in(t[S.EVENT_ID], value_set=over[S.EVENT_ID])))
        yield F.apply_patches(F.apply_patches(t, places, F.PLACE_COLUMNS), patches).to_pandas()
    if over is not None:
        yield F.apply_patches(F.apply_patches(over, places, F.PLACE_COLUMNS), patches).to_pandas()
