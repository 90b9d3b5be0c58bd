"""The stored rows a write's merge must see, found in two steps without reading the store whole.

New (or moved) rows can share a cluster only with stored rows of their merge key (the same type
class, day and place: dashboard/merge.py). Those are found in two steps:
1. DuckDB reads only the narrow key columns (date, place name and coordinates, type) of the base
   parts whose dates can hold the keys, and gives the file and row number of each row of those keys;
   the whole-row overlays and the corrections' patches the same way, their latest row per event,
   and the ids of the events they hold (whose base rows they supersede).
2. Only those rows are read, by file and row number (`read_rows`), and only the columns the merge
   and the rollup's delta use (MERGE_READS: 26 of the events' 53, none of the long texts); the
   patches' cluster columns are then applied to them.
What the merge changes in those stored rows is their cluster columns only (a report joining an
event changes its count of sources in every row of it): they are written as a patch (event_id and
the cluster columns, store_files.PATCH_COLUMNS), not as whole rows. Before, every candidate was read
whole and written again whole as an overlay: at a million events ~2,000 rows, 0.7-1.1 s of an
append's 1.6-2.2 s (README, "Measured").
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from dashboard import merge_clusters, merge_reps, store_index, store_index_build, store_index_clusters, store_read
from dashboard import rollup as R
from dashboard import schema as S
from dashboard import store_files as F
from dashboard.errors import StoreError
from dashboard.merge import CLUSTER_COLUMNS, MERGE_COLUMNS, VIOLENT, merge_keys, merge_reports
from dashboard.merge_reps import cluster_changes
from dashboard.store_index_lines import Lines, lines_in, relabelled, text_of

# What the merge reads of a stored row: what it clusters by, the cluster columns it sets, and what
# the rollup's delta counts (its keys, the minima's columns, mentions left out, the place check).
MERGE_READS = list(
    dict.fromkeys([*MERGE_COLUMNS, *CLUSTER_COLUMNS, *R.ROLLUP_KEYS, S.RECORD_KIND, S.CONFIDENCE, *R.PLACE_FILTERED])
)

# What a correction reads of the rows it moves and writes of them as its patch (store_files
# .is_place_patch), and what the index keeps per toponym (store_index): the merge's columns, every
# place column, and the toponym (the rows of a toponym are found by it).
PLACED_READS = list(dict.fromkeys([*MERGE_READS, *F.PLACE_COLUMNS, S.TOPONYM]))

_TENTH = "CAST(round_even({} * 10000, 0) AS BIGINT)"
_CLASS = (
    "CASE WHEN {0} IN (" + ", ".join(f"'{t}'" for t in sorted(VIOLENT)) + ") THEN 'violent' ELSE coalesce({0}, '') END"
)


def key_parts(key: str) -> tuple:
    """(class, day, location, lat_i, lon_i) of a merge key "class|day|location|lat|lon" (coordinates
    in 10**-4 degrees, None when missing), as the store's rows are matched against it."""
    cls, day, place = key.split("|", 2)
    location, lat, lon = place.rsplit("|", 2)

    def tenth(v: str) -> int | None:
        x = float(v)
        return None if x != x else round(x * 10000)

    return cls, pd.Timestamp(day).date(), location, tenth(lat), tenth(lon)


def _files(paths: list[str]) -> str:
    return "[" + ", ".join("'" + p.replace("'", "''") + "'" for p in paths) + "]"


def _located(root, m: dict, keys: set[str], ids: bool = False) -> tuple[pd.DataFrame, set[str]]:
    """Step 1: (filename, row) of the effective rows of these merge keys (a superset: the final
    test is merge_keys on the rows read), with `ids` their event_id too, and the ids of every
    overlaid event (their base rows are superseded)."""
    wanted = pd.DataFrame([key_parts(k) for k in keys], columns=["class", "day", "location", "lat_i", "lon_i"])
    lo = pd.Timestamp(wanted["day"].min())
    hi = pd.Timestamp(wanted["day"].max()) + pd.Timedelta(days=1)
    base = [str(root / e["path"]) for e in m["events"] if F.part_overlaps(e, lo, hi)]
    # Whole-row overlays and corrections' patches (those hold every column the merge reads): an
    # event's latest row of those supersedes its base row; cluster patches are applied after.
    over = [str(root / e["path"]) for e in m["overlays"] if not F.is_patch(e["path"]) or F.is_place_patch(e["path"])]
    match = (
        f"JOIN wanted k ON CAST(e.event_date AS DATE) = k.day AND e.location = k.location "
        f"AND {_TENTH.format('e.latitude')} IS NOT DISTINCT FROM k.lat_i "
        f"AND {_TENTH.format('e.longitude')} IS NOT DISTINCT FROM k.lon_i AND {_CLASS.format('e.event_type')} = k.class"
    )
    narrow = "filename, file_row_number AS row, event_date, location, latitude, longitude, event_type"
    got = "e.filename, e.row" + (", e.event_id" if ids else "")
    where = "event_date >= ? AND event_date < ? AND location IN (SELECT location FROM wanted)"
    frames, overlaid = [], set()
    try:
        with duckdb.connect() as con:
            con.register("wanted", wanted)
            if base:
                frames.append(
                    con.execute(
                        f"SELECT DISTINCT {got} FROM (SELECT {narrow}{', event_id' if ids else ''} FROM "
                        f"read_parquet({_files(base)}, "
                        f"union_by_name=true, filename=true, file_row_number=true) WHERE {where}) e {match}",
                        [lo.to_pydatetime(), hi.to_pydatetime()],
                    ).df()
                )
            if over:
                latest = (
                    f"SELECT {narrow}, event_id FROM read_parquet({_files(over)}, union_by_name=true, filename=true, "
                    "file_row_number=true) QUALIFY row_number() OVER (PARTITION BY event_id ORDER BY "
                    "CAST(regexp_extract(filename, '-([0-9]+)[.]parquet$', 1) AS BIGINT) DESC) = 1"
                )
                con.execute(f"CREATE TEMP TABLE latest AS {latest}")
                overlaid = {str(i) for (i,) in con.execute("SELECT event_id FROM latest").fetchall()}
                frames.append(
                    con.execute(
                        f"SELECT DISTINCT {got} FROM (SELECT * FROM latest WHERE {where}) e {match}",
                        [lo.to_pydatetime(), hi.to_pydatetime()],
                    ).df()
                )
    except duckdb.Error as err:
        raise StoreError(f"{root}: cannot read events ({err})") from err
    found = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=["filename", "row"])
    return found.assign(overlay=found["filename"].isin(set(over))), overlaid


def read_rows(located: pd.DataFrame, columns: list[str] | None = None) -> pd.DataFrame:
    """The rows at (filename, row) of `located` (only `columns`, those each file has, when given),
    schema-typed: per file, a row-number condition DuckDB's Parquet reader applies while it reads
    (row groups without those rows are skipped, the other columns fetched for those rows only),
    where a join would read every row first."""
    if located.empty:
        return S.coerce_events(S.empty_events())
    parts = []
    for path, rows in located.groupby("filename", sort=True)["row"]:
        if columns is None:
            got = "* EXCLUDE (file_row_number)"
        else:  # a file written before a column existed has not got it
            have = set(pq.read_schema(path).names)
            got = ", ".join(c for c in columns if c in have)
        parts.append(
            f"SELECT {got} FROM read_parquet({_files([str(path)])}, file_row_number=true) "
            f"WHERE file_row_number IN ({', '.join(str(int(r)) for r in sorted(set(rows)))})"
        )
    try:
        with duckdb.connect() as con:
            return S.coerce_events(con.execute(" UNION ALL BY NAME ".join(parts)).df())
    except duckdb.Error as err:
        raise StoreError(f"cannot read events ({err})") from err


def candidates(root, m: dict, keys: set[str], exclude: pd.Series | None = None, stored: bool = False) -> pd.DataFrame:
    """The stored effective rows whose merge key is one of `keys`, their MERGE_READS columns only
    (the others <NA>). `exclude`: ids the
    caller brings itself, left out; `stored`: those are stored rows (a correction's moved rows, at
    keys among `keys`), left out before the rows are read (by their ids, read in step 1)."""
    if not keys or not m["generation"]:
        return S.coerce_events(S.empty_events())
    located, overlaid = _located(root, m, keys, ids=stored and exclude is not None)
    if "event_id" in located and exclude is not None:
        mine = located["event_id"].astype(str)
        located = located[~mine.isin(set(exclude.astype(str))) & ~(~located["overlay"] & mine.isin(overlaid))]
    # A base row whose event an overlay row supersedes is not the event's row any more.
    base, over = located[~located["overlay"]], located[located["overlay"]]
    rows = read_rows(base, MERGE_READS)
    rows = rows[~rows[S.EVENT_ID].astype(str).isin(overlaid)]
    if len(over):
        rows = pd.concat([rows, read_rows(over, MERGE_READS)], ignore_index=True)
    patches = F.latest_patches(root, [e["path"] for e in m["overlays"]])
    if patches is not None and len(rows):
        rows = S.coerce_events(F.apply_patches(pa.Table.from_pandas(rows, preserve_index=False), patches).to_pandas())
    keep = merge_keys(rows).isin(keys).fillna(False).astype(bool)
    if exclude is not None:
        keep &= ~S.isin(rows[S.EVENT_ID], set(exclude.astype(str)))
    return rows[keep].reset_index(drop=True)


def merge_in(
    root: Path,
    m: dict,
    rows: pd.DataFrame,
    also: Iterable[str] = (),
    replaced: pd.DataFrame | None = None,
    known: tuple[set[str], pd.DataFrame, pd.Series] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(rows with their cluster columns, the stored rows whose cluster columns changed (their
    MERGE_READS columns, or their PATCH_COLUMNS when an append goes over the stored clusters'
    representatives, merge_reps; the caller writes their PATCH_COLUMNS), the rollup's delta, those of the
    changed rows whose cluster id changed), for new or moved `rows` merged with the stored rows of
    their keys (and of the keys in `also`: the places moved rows left). `replaced`: the stored
    versions of moved rows; `known`: the index's rows of some of these keys, read already
    (stored_rows). The merge's index takes the new rows and those whose cluster id changed: it sets
    the other cluster columns from those (store_index.MergeIndex.candidates)."""
    keys = set(merge_keys(rows).dropna()) | set(also)
    stored = stored_rows(root, m, keys, rows[S.EVENT_ID], replaced is not None, known)
    if replaced is None and len(stored) >= merge_reps.REPS_AT:  # over the stored clusters' representatives
        return merge_reps.append_merge(stored, rows, m.get("rollup") is not None)
    merged = S.coerce_events(
        merge_reports(
            pd.concat([stored, S.coerce_events(rows)], ignore_index=True) if len(stored) else S.coerce_events(rows)
        )
    )
    old, new = merged.iloc[: len(stored)].reset_index(drop=True), merged.iloc[len(stored) :]
    differs, renamed = cluster_changes(stored, old)
    # Every report of each event these rows touch, before and after (see rollup.py). New rows only
    # join or bridge stored clusters, so a stored row whose cluster has no new row is in the same
    # cluster as before, with the same reports: its contribution cancels out, and is left out. Moved
    # rows can also split the clusters they leave: all the keys' rows are counted then.
    if replaced is None:
        joined = S.isin(old[S.CLUSTER_ID], set(new[S.CLUSTER_ID].dropna()))
        before, after = stored[joined], pd.concat([old[joined], new], ignore_index=True)
    else:
        before, after = pd.concat([stored, S.coerce_events(replaced)], ignore_index=True), merged
    rollup = R.delta(before, after, aligned=replaced is None) if m.get("rollup") is not None else None
    return (
        new.reset_index(drop=True),
        old[differs].reset_index(drop=True),
        rollup,
        old[renamed].reset_index(drop=True),
    )


def append_in(
    root: Path, m: dict, rows: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame | None, pd.DataFrame | Lines, dict[str, bytes]]:
    """merge_in of an append's new `rows` (the stored rows whose cluster id changed as their lines
    for the merge's index, store_index_lines.relabelled, when it went over the kept clusters), and
    the clusters of their keys after it for the merge's index (store_index_clusters.encode; empty
    when it took merge_in's way). The stored rows of keys whose
    index value keeps their clusters are not read: the merge goes over those clusters
    (merge_clusters.merge), and the other keys' rows are read and summarized first; merge_in's way
    when the keys hold fewer than merge_reps.REPS_AT stored rows, a new row's event is stored
    already, or the index cannot be read so."""
    row_keys = merge_keys(rows)
    keys = set(row_keys.dropna())
    idx = open_or_build_index(root, m) if keys and m["generation"] else None
    if idx is None:
        return (*merge_in(root, m, rows), {})
    try:
        got = _over_clusters(idx, keys, rows, m.get("rollup") is not None, row_keys)
    except sqlite3.Error:
        got = None
    finally:
        idx.close()
    return got if got is not None else (*merge_in(root, m, rows), {})


def _over_clusters(
    idx: store_index.MergeIndex, keys: set[str], rows: pd.DataFrame, rollup: bool, row_keys: pd.Series | None = None
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame | None, Lines, dict[str, bytes]] | None:
    """append_in over the keys' clusters (`row_keys`: the new rows' merge keys, when known), None
    when it takes merge_in's way."""
    kept, stale = idx.clustered(keys)
    # The keys' stored rows counted before any is unpacked or decoded (a key's lines, superseded
    # ones among them, for a key read by its rows): below CLUSTERS_AT merge_in's way is cheaper.
    lines = sum(lines_in(text_of(d)) for vs in idx.values(stale).values() for _, _, d in vs)
    if store_index_clusters.rows_in(kept) + lines < merge_clusters.CLUSTERS_AT:
        return None
    read = idx.candidates(stale) if stale else S.coerce_events(S.empty_events())
    stored = merge_clusters.concat([store_index_clusters.decode(kept), merge_clusters.summarize(read)])
    ids = pa.array(list(set(rows[S.EVENT_ID].astype(str))), pa.string())
    if pc.any(pc.is_in(stored.members.cast(pa.string()), ids)).as_py():
        return None
    got = merge_clusters.merge(stored, rows, rollup, row_keys)
    # The lines of the stored rows whose cluster id changed, with their cluster columns after: the
    # merge's index takes them again (from their keys' values, read already).
    renamed = relabelled(idx.values(got.renamed_keys), merge_clusters.renamed_members(stored, got))
    return got.new, got.patch, got.delta, renamed, store_index_clusters.encode(got.after, got.after_reps)


def open_or_build_index(root: Path, m: dict) -> store_index.MergeIndex | None:
    """The merge's index for generation `m` (dashboard/store_index.py), built first when the store
    has none for it; None when it cannot be opened or built (the parts answer then)."""
    gen = int(m["generation"])
    idx = store_index.open_index(root, gen)
    if idx is None:
        try:
            store_index_build.build(root, gen, store_index_build.effective_chunks(root, m), m)
        except (sqlite3.Error, OSError):
            pass  # the parts answer; the next write tries again
        idx = store_index.open_index(root, gen)
    return idx


def stored_articles(root: Path, m: dict, ids: set[str]) -> set[str]:
    """Which of these article ids are stored: from the merge's index (built first when the store has
    none for its generation), else from the articles parts."""
    if not ids or not m["generation"]:
        return set()
    idx = open_or_build_index(root, m)
    if idx is not None:
        try:
            return idx.stored_articles(ids)
        except sqlite3.Error:
            pass  # the parts answer below
        finally:
            idx.close()
    return store_read.stored_articles(root, m, ids)


def stored_rows(
    root: Path,
    m: dict,
    keys: set[str],
    exclude: pd.Series,
    moved: bool,
    known: tuple[set[str], pd.DataFrame, pd.Series] | None = None,
) -> pd.DataFrame:
    """The stored effective rows of `keys` but those of `exclude` (MERGE_READS columns): from the
    merge's index (dashboard/store_index.py), built first when the store has none for its
    generation; from the Parquet parts (`candidates`) when it cannot be opened or built. `known`:
    (keys, their rows, each row's key) the index gave already in this write (a correction reads
    the keys of the rows it moves to find their clusters), not read again."""
    if not keys or not m["generation"]:
        return S.coerce_events(S.empty_events())
    idx = open_or_build_index(root, m)
    if idx is None:
        return candidates(root, m, keys, exclude, stored=moved)
    try:
        skip = set(exclude.astype(str))
        if known is None:
            return idx.candidates(keys, skip)
        have, rows, row_keys = known
        mine = rows[S.isin(row_keys, keys) & ~S.isin(rows[S.EVENT_ID], skip)]
        rest = idx.candidates(keys - have, skip) if keys - have else S.coerce_events(S.empty_events())
        return S.coerce_events(pd.concat([mine, rest], ignore_index=True)) if len(rest) else mine.reset_index(drop=True)
    except sqlite3.Error:
        return candidates(root, m, keys, exclude, stored=moved)
    finally:
        idx.close()
