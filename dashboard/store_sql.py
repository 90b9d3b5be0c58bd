"""The store's files as DuckDB relations: the SQL of a generation's effective events (the base
parts, whole-row overlays, patches of cluster columns and corrections' patches of places, as
dashboard/store_files.py describes them), which readers query (store_read, the DuckDB engine of the
app) and the rollup is computed with; and the rollup DuckDB writes from them (store compact and
whole-store writes).

The pandas/Arrow readers that apply the same overlays (store_files.latest_patches, latest_places,
apply_patches) stay with the files: the two must agree, and tests/test_duck.py holds them to it.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pyarrow.parquet as pq

from dashboard import schema as S
from dashboard.errors import StoreError
from dashboard.merge import CLUSTER_COLUMNS
from dashboard.store_files import (
    PATCH_COLUMNS,
    PATCH_PREFIX,
    PLACE_COLUMNS,
    PLACE_PREFIX,
    ROLLUP_ROW_GROUP,
    is_place_patch,
    split_overlays,
    write_table,
)


def _sql_files(paths: list[str]) -> str:
    return "[" + ", ".join("'" + p.replace("'", "''") + "'" for p in paths) + "]"


def events_sql(base: list[str], overlays: list[str], filename: bool = False) -> str:
    """A DuckDB relation of the effective events of these files: the base parts with each row a
    whole-row overlay supersedes replaced by its latest overlay row (their names sort by
    generation), then the cluster columns of each event a later patch changed taken from it (with
    `filename`: effective_sql's)."""
    whole, patches = split_overlays(overlays)
    return effective_sql(
        base,
        latest_whole_sql(whole) if whole else None,
        latest_patch_sql(patches, whole) if patches else None,
        filename=filename,
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
        nulls = ", ".join(f"CAST(NULL AS {S.SQL_TYPES[S.DTYPES[c]]}) AS {c}" for c in PLACE_COLUMNS)
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


def effective_sql(base: list[str], whole: str | None, patches: str | None, filename: bool = False) -> str:
    """events_sql of base parts given the relations of the latest whole overlay rows and of the
    latest patches (latest_whole_sql, latest_patch_sql; None: there are none): the SQL of those
    relations, or tables a reader built from them once per generation (DuckEngine: planning the
    overlays' windows anew made every query over the view several milliseconds slower). With
    `filename`, each row's base part in a column `filename` (NULL for a whole overlay row)."""
    rows = _whole_rows_sql(base, whole, filename)
    if patches is None:
        return rows
    if not base and whole is None:  # patches of rows not among these files (a date range's parts)
        return _no_events_sql()
    swapped = ", ".join(
        [f"CASE WHEN p.event_id IS NULL THEN e.{c} ELSE p.{c} END AS {c}" for c in CLUSTER_COLUMNS]
        + [f"CASE WHEN p.placed THEN p.{c} ELSE e.{c} END AS {c}" for c in PLACE_COLUMNS]
    )
    return f"(SELECT e.* REPLACE ({swapped}) FROM {rows} e LEFT JOIN {patches} p ON e.event_id = p.event_id)"


def _no_events_sql() -> str:
    """A relation of no events with every column of the schema."""
    cols = ", ".join(f"CAST(NULL AS {S.SQL_TYPES[S.DTYPES[c]]}) AS {c}" for c in S.NAMES)
    return f"(SELECT * FROM (SELECT {cols}) WHERE false)"


def _whole_rows_sql(base: list[str], latest: str | None, filename: bool = False) -> str:
    """effective_sql of base parts and whole-row overlays only (`latest`: their relation)."""
    if not base and latest is None:
        return (
            f"(SELECT * FROM (SELECT NULL::VARCHAR AS event_id{', NULL::VARCHAR AS filename' * filename}) WHERE false)"
        )
    named = ", filename=true" if filename else ""
    if latest is None:
        return f"read_parquet({_sql_files(base)}, union_by_name=true{named})"
    if not base:
        return f"(SELECT *{', NULL::VARCHAR AS filename' if filename else ''} FROM {latest})"
    return (
        f"(SELECT * FROM read_parquet({_sql_files(base)}, union_by_name=true{named}) "
        f"WHERE event_id NOT IN (SELECT event_id FROM {latest}) "
        f"UNION ALL BY NAME SELECT * FROM {latest})"
    )


def write_whole_rollup(root: Path, gen: int, manifest: dict) -> dict:
    """The rollup of a generation's effective events (dashboard/rollup.py), computed by DuckDB from
    its files and written as the one rollup part of generation `gen`; with it the part summed per
    date and per place, of no minimum and of each minimum's level (rollup_sums.stored_tables,
    `sums` in its entry), which the dashboard reads instead of summing the part itself while it is
    the generation's only rollup part: its first answer did (0.75 of its 2.2-2.6 CPU s at ten
    million events), and a filter's first answer at a level (70-85 ms of ~180 at a million), and
    derives from them and the later parts after a write. With them the part's rows by place
    (rollup_sums.BY_PLACE), from which that derivation reads the places a write took reports from."""
    import duckdb

    from dashboard import rollup as R
    from dashboard import rollup_sums as RS
    from dashboard import store_held as SH

    rel = f"rollup/part-{gen:06d}.parquet"
    base = [str(root / e["path"]) for e in manifest["events"]]
    over = [str(root / e["path"]) for e in manifest["overlays"]]
    if not base and not over:
        write_table(root, rel, R.as_table(R.empty_rollup()))
        return {"path": rel, "rows": 0, "same_place": True}
    (root / rel).parent.mkdir(parents=True, exist_ok=True)
    tables = RS.stored_tables(frozenset(R.MEASURES))
    kinds = {name: f"rollup/part-{gen:06d}.{name}.parquet" for name in [*tables, RS.BY_PLACE]}
    tmps = {name: _temporary(root) for name in (rel, *kinds.values())}
    try:
        with duckdb.connect() as con:
            # Sorted by date: a date range reads only the row groups that can hold it.
            con.execute(
                f"COPY ({R.rollup_sql(events_sql(base, over))} ORDER BY event_date) TO {_quoted(tmps[rel])} "
                f"(FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE {ROLLUP_ROW_GROUP})"
            )
            same = (con.execute(R.share_place_sql(events_sql(base, over))).fetchone() or (False,))[0]
            # The part as the engine's `rollup` view reads it: its rows, its coordinates as integers.
            con.execute(f"CREATE VIEW rollup AS SELECT *, {RS.INTS} FROM read_parquet({_quoted(tmps[rel])})")
            for name, select in tables.items():
                con.execute(f"COPY ({select}) TO {_quoted(tmps[kinds[name]])} (FORMAT parquet, COMPRESSION zstd)")
            con.execute(
                f"COPY ({RS.by_place_select()}) TO {_quoted(tmps[kinds[RS.BY_PLACE]])} "
                f"(FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE {RS.BY_PLACE_ROW_GROUP})"
            )
    except duckdb.Error as err:
        for tmp in tmps.values():
            Path(tmp).unlink(missing_ok=True)
        raise StoreError(f"{root}: cannot write the rollup ({err})") from err
    for path, tmp in tmps.items():
        os.replace(tmp, root / path)
    rows = pq.ParquetFile(root / rel).metadata.num_rows
    held = SH.write(root, gen, manifest, rel)  # the dashboard's held tables of this generation (store_held)
    return {"path": rel, "rows": rows, "same_place": bool(same), "sums": kinds, "held": held}


def _temporary(root: Path) -> str:
    fd, tmp = tempfile.mkstemp(dir=root, suffix=".parquet.tmp")
    os.close(fd)
    return tmp


def _quoted(path: str) -> str:
    return "'" + path.replace("'", "''") + "'"
