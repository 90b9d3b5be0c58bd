"""The store's files: the manifest, part files and their atomic writing.

A manifest generation lists every file that makes up the store:
- `events`: base parts, `events/<YYYY>/part-<gen>[-<n>].parquet` (`events/undated/...` for rows
  without a date), each with its row count and its first and last event date, so a date range
  opens only its files. An ingest adds parts; nothing rewrites them but `store compact`.
- `overlays`: `overlays/part-<gen>.parquet`, whole event rows that supersede the rows of the same
  event_id in the base parts and in earlier overlays (the places a correction moved); and
  `overlays/patch-<gen>.parquet`, narrow rows (event_id and the cluster columns, PATCH_COLUMNS) that
  replace only those columns of the event's row (the cluster columns a merge changed in stored
  events: a report joining an event changes its count of sources in every row of it, and writing
  those rows whole made an append read and write them whole); and `overlays/patch-place-<gen>.parquet`,
  a correction's patch (is_place_patch): of each row it moved, the patch's columns, the place
  (PLACE_COLUMNS) and the other columns the merge reads (store_merge.PLACED_READS), so a correction
  neither reads nor writes whole rows. An event's cluster columns are those of its latest overlay
  row of any kind; its place columns those of its latest whole row or correction's patch; its other
  columns those of its latest whole row (whole rows are what corrections wrote before).
- `articles`: `articles/part-<gen>.parquet`, the articles each ingest added.
- `rollup` (when the store keeps one): `rollup/part-<gen>.parquet`, the events counted per place,
  date and type, as parts whose sums are the table (dashboard/rollup.py); absent when a write could
  not keep it (a store written before it existed, until `store compact`).
Files are written under temporary names and renamed into place; the manifest is replaced last
(`os.replace`), so a crash at any point leaves the previous generation whole. A write keeps the
files of the generation before it (a reader that read the old manifest an instant before the swap
still finds them) and deletes every file neither names (older generations, a crashed write's).
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from dashboard import schema as S
from dashboard.errors import StoreError
from dashboard.merge import CLUSTER_COLUMNS

MANIFEST = "manifest.json"
FORMAT_VERSION = 2
# Rows per Parquet row group of the events' parts: a date filter skips the groups outside its range.
# 8,192, not 65,536: a part of one ingest's year (tens of thousands of rows) was one group, so every
# dated query decoded the whole part, and the newest 50 rows of a day (spread over the 40 parts of
# a 500-part store that hold that day) decoded 40 whole parts: 0.8-1.0 s of CPU at 10M events
# against 0.3 s (README, 'Scale').
ROW_GROUP = 8_192
ROLLUP_ROW_GROUP = 65_536  # the rollup: read whole by the unfiltered views, or a date range of it
UNDATED = "undated"
PATCH_COLUMNS = [S.EVENT_ID, *CLUSTER_COLUMNS]  # what a narrow overlay (a patch) holds
PATCH_PREFIX = "patch-"
# A correction's patch (`patch-place-<gen>`) also sets these columns of its rows: where they are.
PLACE_PREFIX = "patch-place-"
PLACE_COLUMNS = [
    S.LOCATION,
    S.LATITUDE,
    S.LONGITUDE,
    S.GEONAMEID,
    S.FEATURE_CODE,
    S.COUNTRY,
    S.COUNTRY_CODE,
    S.ADMIN1,
    S.GEO_PRECISION,
]


def is_patch(path: str) -> bool:
    """Whether an overlay file is a patch (PATCH_COLUMNS only), not whole rows."""
    return Path(path).name.startswith(PATCH_PREFIX)


def is_place_patch(path: str) -> bool:
    """Whether an overlay file is a correction's patch: PATCH_COLUMNS and PLACE_COLUMNS (and the
    other columns the merge reads, for a merge that finds its rows in the files), not whole rows."""
    return Path(path).name.startswith(PLACE_PREFIX)


def split_overlays(paths: list[str]) -> tuple[list[str], list[str]]:
    """(whole-row overlays, patches) of a generation's overlay files, each oldest first."""
    return [p for p in paths if not is_patch(p)], [p for p in paths if is_patch(p)]


def overlay_generation(path: str) -> int:
    """The generation that wrote an overlay file (`overlays/part-000012.parquet`: 12)."""
    return int(Path(path).name.split(".")[0].split("-")[-1])


def empty_manifest() -> dict:
    return {
        "format": FORMAT_VERSION,
        "generation": 0,
        "n_events": 0,
        "n_articles": 0,
        "hash": "",
        "events": [],
        "overlays": [],
        "articles": [],
        "rollup": [],
    }


def read_manifest(root: Path) -> dict:
    path = root / MANIFEST
    if not path.is_file():
        return empty_manifest()
    try:
        m = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise StoreError(f"{path}: unreadable store manifest ({err})") from err
    gen = m.get("generation") if isinstance(m, dict) else None
    if not isinstance(gen, int) or isinstance(gen, bool) or gen < 0:
        raise StoreError(f"{path}: store manifest has no valid 'generation'")
    if "events" not in m:  # format 1: one events file and one articles file per generation
        m = {
            **m,
            "events": [
                {"path": f"events-{gen:06d}.parquet", "rows": int(m.get("n_events", 0)), "min": None, "max": None}
            ]
            if gen
            else [],
            "overlays": [],
            "articles": [{"path": f"articles-{gen:06d}.parquet"}] if gen else [],
        }
    return m


def write_manifest(root: Path, manifest: dict) -> None:
    fd, tmp = tempfile.mkstemp(dir=root, suffix=".json.tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(manifest, fh)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, root / MANIFEST)


def ids_hash(previous: str, event_ids: Iterable[str]) -> str:
    """A digest of the stored event ids, chained over ingests (no write reads every id again)."""
    return hashlib.sha1((previous + "," + ",".join(sorted(event_ids))).encode()).hexdigest()[:12]


def write_table(root: Path, rel: str, table: pa.Table) -> None:
    """Write `table` to root/rel through a temporary file renamed into place."""
    target = root / rel
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=root, suffix=".parquet.tmp")
    os.close(fd)
    pq.write_table(table, tmp, compression="zstd", row_group_size=ROW_GROUP)
    os.replace(tmp, target)


def partition_of(dates: pd.Series) -> pd.Series:
    """Each row's partition: the year of its event date, or `undated`. A year, not a month: an
    ingest's articles mention dates over many months, and a file per month made an append of 100
    articles write dozens of files; within a year's file, 8,192-row row groups sorted by date let a
    reader skip what a date range does not need."""
    return dates.dt.strftime("%Y").fillna(UNDATED).astype(str)


def iso_or_none(value: object) -> str | None:
    return None if value is None or pd.isna(value) else pd.Timestamp(value).isoformat()


def write_parts(root: Path, events: pd.DataFrame, gen: int, suffix: str = "") -> list[dict]:
    """The events as base parts of generation `gen`, one per year, each sorted by date."""
    events = S.coerce_events(events)
    part = partition_of(events[S.EVENT_DATE])
    order = (
        pd.DataFrame({"p": part, "d": events[S.EVENT_DATE]})
        .sort_values(["p", "d"], kind="stable", na_position="last")
        .index
    )
    events, part = events.loc[order].reset_index(drop=True), part.loc[order].reset_index(drop=True)
    table = pa.Table.from_pandas(events, preserve_index=False)  # once: a conversion per part costs more
    entries = []
    bounds = np.flatnonzero(np.r_[True, part.to_numpy()[1:] != part.to_numpy()[:-1], True])
    for lo, hi in zip(bounds[:-1], bounds[1:], strict=True):
        rel = f"events/{part.iloc[lo]}/part-{gen:06d}{suffix}.parquet"
        write_table(root, rel, table.slice(lo, hi - lo))
        dates = events[S.EVENT_DATE].iloc[lo:hi]
        entries.append(
            {"path": rel, "rows": int(hi - lo), "min": iso_or_none(dates.min()), "max": iso_or_none(dates.max())}
        )
    return entries


def part_overlaps(entry: dict, lo: pd.Timestamp | None, hi: pd.Timestamp | None) -> bool:
    """Whether a base part can hold dates in [lo, hi] (unknown bounds: it can)."""
    if lo is None and hi is None:
        return True
    if entry.get("min") is None or entry.get("max") is None:
        return (
            entry.get("min") is None and entry.get("max") is None and not entry["path"].startswith(f"events/{UNDATED}/")
        )
    return not (
        (hi is not None and pd.Timestamp(entry["min"]) > hi) or (lo is not None and pd.Timestamp(entry["max"]) < lo)
    )


def dataset(root: Path, rels: list[str], dictionary: tuple[str, ...] = ()) -> ds.Dataset:
    fmt = ds.ParquetFileFormat(read_options=ds.ParquetReadOptions(dictionary_columns=list(dictionary)))
    return ds.dataset([str(root / r) for r in rels], format=fmt)


def read_files(
    root: Path,
    rels: list[str],
    what: str,
    columns: list[str] | None = None,
    filter: ds.Expression | None = None,
    dictionary: tuple[str, ...] = (),
) -> pa.Table | None:
    """The rows of these files (None when there are none), as one table; a missing or corrupt file
    is a StoreError naming it."""
    if not rels:
        return None
    try:
        return dataset(root, rels, dictionary).to_table(columns=columns, filter=filter)
    except (OSError, pa.ArrowException) as err:
        names = ", ".join(str(root / r) for r in rels[:3]) + (" ..." if len(rels) > 3 else "")
        raise StoreError(f"{names}: cannot read {what} ({err})") from err


def latest_rows(table: pa.Table) -> pa.Table:
    """One row per event_id, the last one (the overlays are read oldest first)."""
    ids = table[S.EVENT_ID].to_numpy(zero_copy_only=False)
    _, first_from_end = np.unique(ids[::-1], return_index=True)
    keep = np.sort(len(ids) - 1 - first_from_end)
    return table.take(pa.array(keep, type=pa.int64()))


def overlay_onto(base: pa.Table, over: pa.Table, in_place: bool) -> pa.Table:
    """`base` with each row an overlay row has the event_id of replaced by it. In place keeps the
    base's row order (a whole-table read); otherwise the replaced rows are dropped and the overlay
    rows, which a filter already chose, are added at the end."""
    over = over.select(base.column_names)
    pos = pa.compute.index_in(base[S.EVENT_ID], value_set=over[S.EVENT_ID])
    hit = pos.is_valid().to_numpy(zero_copy_only=False)
    if not in_place:
        kept = base.filter(pa.array(~hit))
        return pa.concat_tables([kept, over.cast(kept.schema)], promote_options="permissive")
    if not hit.any():
        return base
    idx = np.arange(base.num_rows, dtype=np.int64)
    idx[hit] = base.num_rows + pos.to_numpy(zero_copy_only=False)[hit].astype(np.int64)
    both = pa.concat_tables([base, over.cast(base.schema)], promote_options="permissive").unify_dictionaries()
    return both.take(pa.array(idx))


def _sql_files(paths: list[str]) -> str:
    return "[" + ", ".join("'" + p.replace("'", "''") + "'" for p in paths) + "]"


def events_sql(base: list[str], overlays: list[str]) -> str:
    """A DuckDB relation of the effective events of these files: the base parts with each row a
    whole-row overlay supersedes replaced by its latest overlay row (their names sort by
    generation), then the cluster columns of each event a later patch changed taken from it."""
    whole, patches = split_overlays(overlays)
    return effective_sql(
        base,
        latest_whole_sql(whole) if whole else None,
        latest_patch_sql(patches, whole) if patches else None,
    )


def latest_whole_sql(whole: list[str]) -> str:
    """Per event a whole-row overlay has, its latest row (the files' names sort by generation)."""
    return (
        f"(SELECT * EXCLUDE (filename) FROM read_parquet({_sql_files(whole)}, union_by_name=true, filename=true) "
        "QUALIFY row_number() OVER (PARTITION BY event_id ORDER BY filename DESC) = 1)"
    )


def latest_patch_sql(patches: list[str], whole: list[str]) -> str:
    """Per event whose latest overlay row of either kind is a patch, that row (PATCH_COLUMNS): a
    whole row written later already holds its cluster columns. Generations order the files. With it
    `placed` and PLACE_COLUMNS: whether the event's latest row among whole rows and a correction's
    patches (is_place_patch) is such a patch, and then its place (a correction's patch is a patch of
    either kind too, so an event it placed always has a row here)."""
    cols = ", ".join(PATCH_COLUMNS)
    clusters = (
        f"(SELECT {cols} FROM (SELECT {cols}, filename FROM read_parquet({_sql_files(patches + whole)}, "
        f"union_by_name=true, filename=true) QUALIFY row_number() OVER (PARTITION BY event_id ORDER BY "
        f"{_GENERATION} DESC) = 1) WHERE regexp_matches(filename, '/{PATCH_PREFIX}[^/]*$'))"
    )
    placed = [p for p in patches if is_place_patch(p)]
    if not placed:  # the same columns, none placed (effective_sql reads them whatever the files)
        nulls = ", ".join(f"CAST(NULL AS {_SQL_TYPES[S.DTYPES[c]]}) AS {c}" for c in PLACE_COLUMNS)
        return f"(SELECT *, false AS placed, {nulls} FROM {clusters})"
    where = ", ".join(PLACE_COLUMNS)
    places = (
        f"(SELECT event_id, {where} FROM (SELECT event_id, {where}, filename FROM read_parquet("
        f"{_sql_files(placed + whole)}, union_by_name=true, filename=true) QUALIFY row_number() OVER "
        f"(PARTITION BY event_id ORDER BY {_GENERATION} DESC) = 1) WHERE regexp_matches(filename, "
        f"'/{PLACE_PREFIX}[^/]*$'))"
    )
    return (
        f"(SELECT c.*, q.event_id IS NOT NULL AS placed, {', '.join(f'q.{c}' for c in PLACE_COLUMNS)} "
        f"FROM {clusters} c LEFT JOIN {places} q ON c.event_id = q.event_id)"
    )


# An overlay file's generation, from its name (`part-000012.parquet`, `patch-place-000012.parquet`).
_GENERATION = "CAST(regexp_extract(filename, '-([0-9]+)[.]parquet$', 1) AS BIGINT)"


def effective_sql(base: list[str], whole: str | None, patches: str | None) -> str:
    """events_sql of base parts given the relations of the latest whole overlay rows and of the
    latest patches (latest_whole_sql, latest_patch_sql; None: there are none): the SQL of those
    relations, or tables a reader built from them once per generation (DuckEngine: planning the
    overlays' windows anew made every query over the view several milliseconds slower)."""
    rows = _whole_rows_sql(base, whole)
    if patches is None:
        return rows
    if not base and whole is None:  # patches of rows not among these files (a date range's parts)
        return _no_events_sql()
    swapped = ", ".join(
        [f"CASE WHEN p.event_id IS NULL THEN e.{c} ELSE p.{c} END AS {c}" for c in CLUSTER_COLUMNS]
        + [f"CASE WHEN p.placed THEN p.{c} ELSE e.{c} END AS {c}" for c in PLACE_COLUMNS]
    )
    return f"(SELECT e.* REPLACE ({swapped}) FROM {rows} e LEFT JOIN {patches} p ON e.event_id = p.event_id)"


_SQL_TYPES = {"string": "VARCHAR", "datetime64[ns]": "TIMESTAMP_NS", "Int64": "BIGINT", "float64": "DOUBLE"}


def _no_events_sql() -> str:
    """A relation of no events with every column of the schema."""
    cols = ", ".join(f"CAST(NULL AS {_SQL_TYPES.get(S.DTYPES[c], 'BOOLEAN')}) AS {c}" for c in S.NAMES)
    return f"(SELECT * FROM (SELECT {cols}) WHERE false)"


def _whole_rows_sql(base: list[str], latest: str | None) -> str:
    """effective_sql of base parts and whole-row overlays only (`latest`: their relation)."""
    if not base and latest is None:
        return "(SELECT * FROM (SELECT NULL::VARCHAR AS event_id) WHERE false)"
    if latest is None:
        return f"read_parquet({_sql_files(base)}, union_by_name=true)"
    if not base:
        return f"(SELECT * FROM {latest})"
    return (
        f"(SELECT * FROM read_parquet({_sql_files(base)}, union_by_name=true) "
        f"WHERE event_id NOT IN (SELECT event_id FROM {latest}) "
        f"UNION ALL BY NAME SELECT * FROM {latest})"
    )


def latest_patches(root: Path, overlays: list[str]) -> pa.Table | None:
    """Per event whose latest overlay row is a patch, that row (PATCH_COLUMNS); None when the
    generation has no patches. `overlays`: the generation's overlay files, oldest first."""
    if not any(is_patch(p) for p in overlays):
        return None
    tables = []
    for rel in overlays:
        t = read_files(root, [rel], "overlays", PATCH_COLUMNS)
        if t is not None:
            t = t.select(PATCH_COLUMNS).cast(_patch_schema(t.schema))
            tables.append(t.append_column("_patch", pa.array(np.full(t.num_rows, is_patch(rel)))))
    if not tables:
        return None
    latest = latest_rows(pa.concat_tables(tables, promote_options="permissive"))
    return latest.filter(latest["_patch"]).drop_columns(["_patch"])


def _patch_schema(schema: pa.Schema) -> pa.Schema:
    # Dictionary-encoded columns (none written today) read as their values, so files concatenate.
    return pa.schema([f.with_type(f.type.value_type) if pa.types.is_dictionary(f.type) else f for f in schema])


def latest_places(root: Path, overlays: list[str]) -> pa.Table | None:
    """Per event whose latest row among the whole-row overlays and a correction's patches is such a
    patch, its event_id and PLACE_COLUMNS; None when the generation has no correction's patch."""
    if not any(is_place_patch(p) for p in overlays):
        return None
    cols = [S.EVENT_ID, *PLACE_COLUMNS]
    tables = []
    for rel in overlays:
        if is_patch(rel) and not is_place_patch(rel):
            continue
        t = read_files(root, [rel], "overlays", cols)
        if t is not None:
            t = t.select(cols).cast(_patch_schema(t.schema))
            tables.append(t.append_column("_place", pa.array(np.full(t.num_rows, is_place_patch(rel)))))
    latest = latest_rows(pa.concat_tables(tables, promote_options="permissive"))
    return latest.filter(latest["_place"]).drop_columns(["_place"])


def apply_patches(table: pa.Table, patches: pa.Table | None, columns: list[str] = CLUSTER_COLUMNS) -> pa.Table:
    """`table` (effective rows before patches) with the cluster columns (or other `columns`: the
    places of latest_places) of each row a patch row has the event_id of taken from it (the
    columns `table` has of them)."""
    cols = [c for c in columns if c in table.column_names]
    if patches is None or not patches.num_rows or not cols or not table.num_rows:
        return table
    pos = pc.index_in(table[S.EVENT_ID], value_set=patches[S.EVENT_ID])
    hit = pos.is_valid()
    if not pc.any(hit).as_py():
        return table
    at = pc.fill_null(pos, 0)
    for c in cols:
        col = table[c]
        if pa.types.is_dictionary(col.type):
            col = col.cast(col.type.value_type)
        new = pc.if_else(hit, patches[c].take(at).cast(col.type), col)
        table = table.set_column(table.column_names.index(c), c, new)
    return table


def referenced(manifest: dict) -> set[str]:
    return {e["path"] for kind in ("events", "overlays", "articles", "rollup") for e in manifest.get(kind) or []}


def clean(root: Path, manifest: dict, previous: dict | None = None) -> None:
    """Delete the files neither the new manifest nor the `previous` one names (older generations,
    crashed writes): the previous generation stays until the next write, for readers."""
    keep = referenced(manifest) | referenced(previous or {})
    for path in [*root.rglob("*.parquet"), *root.rglob("*.tmp")]:
        rel = path.relative_to(root).as_posix()
        if rel not in keep:
            path.unlink(missing_ok=True)
    for sub in ("events", "overlays", "articles", "rollup"):
        base = root / sub
        if base.is_dir():
            for d in sorted(base.rglob("*"), reverse=True):
                if d.is_dir() and not any(d.iterdir()):
                    d.rmdir()


def write_whole_rollup(root: Path, gen: int, manifest: dict) -> dict:
    """The rollup of a generation's effective events (dashboard/rollup.py), computed by DuckDB from
    its files and written as the one rollup part of generation `gen`."""
    import duckdb

    from dashboard.rollup import as_table, empty_rollup, rollup_sql, share_place_sql

    rel = f"rollup/part-{gen:06d}.parquet"
    base = [str(root / e["path"]) for e in manifest["events"]]
    over = [str(root / e["path"]) for e in manifest["overlays"]]
    if not base and not over:
        write_table(root, rel, as_table(empty_rollup()))
        return {"path": rel, "rows": 0, "same_place": True}
    (root / rel).parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=root, suffix=".parquet.tmp")
    os.close(fd)
    try:
        with duckdb.connect() as con:
            # Sorted by date: a date range reads only the row groups that can hold it.
            con.execute(
                f"COPY ({rollup_sql(events_sql(base, over))} ORDER BY event_date) TO "
                f"'{tmp.replace(chr(39), chr(39) * 2)}' (FORMAT parquet, COMPRESSION zstd, "
                f"ROW_GROUP_SIZE {ROLLUP_ROW_GROUP})"
            )
            same = (con.execute(share_place_sql(events_sql(base, over))).fetchone() or (False,))[0]
    except duckdb.Error as err:
        Path(tmp).unlink(missing_ok=True)
        raise StoreError(f"{root}: cannot write the rollup ({err})") from err
    os.replace(tmp, root / rel)
    return {"path": rel, "rows": pq.ParquetFile(root / rel).metadata.num_rows, "same_place": bool(same)}
