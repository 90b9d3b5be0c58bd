"""What the DuckDB engine (dashboard/app/duck_engine.py) declares per generation of the store: the
tables of its overlays' latest rows; of its rollup parts, the measures a part holds, the view
`rollup` of several parts declared on first use, and the tables the store wrote with the first part
(rollup_sums.stored_tables) read, or derived after a write.

The view of several parts (rollup.view_statements) finds the first part's rows whose keys the later
parts touch and sums those keys: it reads the first part's key columns and the skipped rows' 47
measures, 0.5 CPU s at ten million events. The answers after a write (the map of every date, the
timeline, the date extent, the counts) read the sums per date and per place, which the store's files
give without it (rollup_sums.summed_on_select), so the engine declares the view when a query first
reads it: a brush, a click, a place filter, or the tables built after an answer (duck_fact_base)."""

from __future__ import annotations

import duckdb

from dashboard import rollup as R
from dashboard import rollup_sums as RS
from dashboard import store_files as F
from dashboard import store_sql as Q

# (generation, its rollup parts' files, the measures they hold) of a view not declared yet.
Pending = tuple[int, list[str], frozenset[str]]


def measures_of(con: duckdb.DuckDBPyConnection, part: str) -> frozenset[str]:
    """The measures a rollup part holds (a part written before a measure existed has not got it)."""
    names = {r[0] for r in con.execute("DESCRIBE SELECT * FROM read_parquet(?)", [part]).fetchall()}
    return frozenset(m for m in R.MEASURES if m in names)


def view_statements(pending: Pending, extra: str) -> list[str]:
    """rollup.view_statements of a pending view (its tables' statements, then the view's)."""
    gen, parts, measures = pending
    return R.view_statements(f"rollup_{gen}", parts, extra, [m for m in R.MEASURES if m in measures])


def stored_select(
    con: duckdb.DuckDBPyConnection,
    name: str,
    suffix: str,
    stored_sums: dict[str, str],
    parts: tuple[str, ...],
    measures: frozenset[str],
) -> str | None:
    """The SELECT of the table `name` (`suffix` its kind: rollup_sums.stored_tables) from the files
    `stored_sums` the store wrote with the first of the rollup `parts`: that file while the rollup is
    that one part, else derived from it and the later parts (the setup statements run on `con`
    first); None when the store wrote no such file."""
    stored = stored_sums.get(suffix)
    if stored is None:
        return None
    if len(parts) <= 1:
        return f"SELECT * FROM read_parquet('{stored.replace(chr(39), chr(39) * 2)}')"
    setup, select = RS.summed_on_select(
        suffix, measures, parts[0], stored, list(parts[1:]), f"{name}_touched", stored_sums.get(RS.BY_PLACE)
    )
    for statement in setup:
        con.execute(statement)
    return select


def hold_overlays(con: duckdb.DuckDBPyConnection, gen: int, over: list[str]) -> tuple[str | None, str | None]:
    """The tables of generation `gen`'s latest whole overlay rows and latest patches (None: it
    has none of that kind), read from its overlay files once. The view over the files'
    windows (store_sql.events_sql) planned and ran them again in every query: ~4-7 ms of
    planning each, and at 1M events ~50 ms of a count over the view until `store compact`
    (README, 'Scale'). The overlays are the rows corrections and merges rewrote since the
    last compaction, few beside the base parts."""
    whole, patches = F.split_overlays(over)
    held: list[str | None] = [None, None]
    for i, (name, sql) in enumerate(
        (
            (f"overlay_{gen}", Q.latest_whole_sql(whole) if whole else None),
            (f"patch_{gen}", Q.latest_patch_sql(patches, whole) if patches else None),
        )
    ):
        if sql is not None:
            con.execute(f"CREATE OR REPLACE TABLE {name} AS SELECT * FROM {sql}")
            held[i] = name
    return held[0], held[1]
