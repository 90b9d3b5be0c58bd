"""The listed rows of the unfiltered views held whole, per generation: the panel's first page of a
brush or a marker click without reading the parts.

The panel lists the newest EXCERPT_LIMIT rows of the selection (duck.newest_rows). Even with their
ids known (duck_newest), reading those rows' listed columns decoded a row group of 8,192 rows of
every part that holds their dates: ~25-30 ms of a brush at a million events, and for a marker click,
whose rows lie wherever the place's last reports do, ~100 ms of wall time (half of it on DuckDB's
threads), the largest part of either answer. Here, once per generation and in the thread after the
first answer (DuckViews.after_answer), the rows that any such page can show are kept whole (the
panel's columns): each date's LIMIT newest rows and each place's (location and integer coordinates,
as duck_where.place_is compares them) LIMIT newest, ~130,000 rows at a million synthetic events.
Where the store wrote them with the generation (store_held: a whole rollup part, as a compaction
writes it), they are read from its files instead: ~13 CPU s of building at ten million events,
which took the cores from the requests meanwhile.

With them, every row of the newest dates (the last RECENT rows or fewer, whole dates: ~55 days at
a million synthetic events, ~5 at ten million) with the columns a filter reads: a filtered view's
newest rows are read from a date on that the rollup's counts give (duck_rollup.newest_since), and
where that date is among the held ones, they are read here (rows_since), not from the parts.

Why that is enough: a row among the newest n <= LIMIT of a date range is among the newest n of its
own date, and a row among the newest n of a place among the newest n of that place; so the newest n
of the table's rows in the range (or at the place) are the events' newest n. Not for a place and a
date range together (a place's rows of an old month are not kept), nor any filter bounded before
the held dates: those read the parts as before. The same rows in the same order and types as
duck.newest_rows (tests/test_duck_listed.py).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from dashboard import held_sql as HQ
from dashboard import schema as S
from dashboard.app import duck as D
from dashboard.app import duck_apart as A
from dashboard.app import duck_rollup as DR
from dashboard.app import duck_where as DW
from dashboard.app.duck_engine import DuckEngine
from dashboard.app.filters import Filters
from dashboard.app.query import Selection

# The rows kept (store_held: the store writes these tables with a whole rollup part).
LIMIT, RECENT, HELD, PLACE = HQ.LIMIT, HQ.RECENT, HQ.HELD, HQ.PLACE


def name_of(generation: int) -> str:
    """The table's name: under duck_newest's prefix, so that the engine drops it with its generation."""
    return f"newest_{generation}_listed"


@dataclass(frozen=True)
class Listed:
    """One generation's tables: the rows by date (`table`, in date order) and by place (`placed`, in
    place order: a zone of either holds a few dates or places, and a query reads only the zones of
    its own; one table in neither order cost a click 26-37 ms of wall time, against 9), and the first
    date from which `table` holds every row (None: no date)."""

    table: str
    placed: str
    since: pd.Timestamp | None


def build(db: DuckEngine) -> Listed:
    """The current generation's tables (name_of): read from the files the store wrote them to with
    the generation (store_held), or else computed from the events' files on a connection of its own
    (duck_apart: after an answer, beside the requests) and sorted as the store sorts them."""
    gen, relation = db.events_now()
    name, placed = name_of(gen), f"{name_of(gen)}_placed"
    if relation is None:  # no files: no rows, from the engine's relation of none
        for table in (name, placed):
            empty = f"SELECT {', '.join(HELD)}, NULL::TIMESTAMP_NS AS since FROM events WHERE false"
            db.cursor().execute(f"CREATE OR REPLACE TABLE {table} AS {empty}")
    else:
        held = db.held()
        stored = held.files_for(gen)
        since = held.since_for(gen)
        if "listed" in stored and "placed" in stored:  # written by the store with this generation
            # Views over the files, sorted as the queries read them (by date; by place): a query
            # decodes the zones of its dates or place, ~5 ms of CPU more than from a held table, where
            # reading them into the engine took ~0.7 CPU s at a million events beside the first
            # brushes (the process's cores: Arrow's and DuckDB's threads).
            for table, kind in ((name, "listed"), (placed, "placed")):
                files = f"[{HQ.quoted(stored[kind])}]"
                db.cursor().execute(f"CREATE OR REPLACE VIEW {table} AS SELECT * FROM read_parquet({files})")
        else:
            if since is not None:  # those of an earlier generation and the appends' files since
                *steps, result = HQ.derived_sql(*since)
            else:
                *steps, result = HQ.listed_sql(relation)
            by_date, by_place = HQ.listed_tables(A.computed(steps, result))
            db.hold(name, by_date)
            db.hold(placed, by_place)
    since = db.query(f"SELECT max(since) AS d FROM {name}")["d"].iloc[0]
    return Listed(name, placed, None if pd.isna(since) else pd.Timestamp(since))


def applies(f: Filters, sel: Selection, limit: int, columns: tuple[str, ...] | None) -> bool:
    """Whether the table answers: no filter, at most LIMIT rows of the held columns, and either no
    place or a place (whose key names its coordinates) over every date."""
    if not (DR.answers(f) and limit <= LIMIT and columns is not None and set(columns) <= set(HELD)):
        return False
    if not sel.place:
        return True
    return not (sel.start or sel.end) and DW.place_is(sel.place, []) != "place_key = ?"


def newest_rows(
    db: DuckEngine, listed: Listed, f: Filters, sel: Selection, limit: int, columns: tuple[str, ...]
) -> pd.DataFrame:
    """duck.newest_rows(db, f, sel, limit, columns=columns) from the tables (where `applies`)."""
    cond, params = D.where(f, sel)
    return _rows(db, listed.placed if sel.place else listed.table, cond, params, limit, columns)


def holds_since(listed: Listed, since: pd.Timestamp | None, columns: tuple[str, ...] | None) -> bool:
    """Whether the table holds every row dated on or after `since`, with `columns`."""
    return (
        since is not None
        and listed.since is not None
        and since >= listed.since
        and columns is not None
        and set(columns) <= set(HELD)
    )


def rows_since(
    db: DuckEngine,
    listed: Listed,
    f: Filters,
    sel: Selection,
    limit: int,
    since: pd.Timestamp,
    columns: tuple[str, ...],
) -> pd.DataFrame:
    """duck.newest_rows(db, f, sel, limit, since, columns) from the table (where `holds_since`)."""
    cond, params = D.where(f, sel)
    return _rows(db, listed.table, f"{cond} AND event_date >= ?", [*params, since.to_pydatetime()], limit, columns)


def _rows(db: DuckEngine, table: str, cond: str, params: list, limit: int, columns: tuple[str, ...]) -> pd.DataFrame:
    names = tuple(c for c in S.NAMES if c in columns)
    df = db.query(
        f"SELECT {', '.join((*names, S.PLACE_KEY))} FROM {table} WHERE {cond} "
        f"ORDER BY {D.NEWEST_ORDER} LIMIT {int(limit)}",
        params,
    )
    return D.typed_rows(df, columns)
