"""The newest rows of the unfiltered views from a table of each date's newest rows, per generation.

With no filter and no place selected, the panel lists the newest rows of a date range (the first
answer's of every date, a brush's of its range). duck.newest_rows reads them from every part that
can hold their days, bounded by the rollup's reports per date (duck_rollup.newest_since); in a store
of many ingests a day lies in a row group of every part of its year (100 parts at ten million
synthetic events), and decoding one row group of each was most of a brush (~180-230 ms of CPU of
~300). Here, once per generation and in a thread after the first answer (DuckViews.after_answer),
two passes over four narrow columns keep each date's LIMIT newest rows (the undated rows' LIMIT first
too, in the panel's order) with the part each lies in: a few tens of thousands of rows. An answer
takes its ids from that table and reads those rows from the parts that hold them only
(DuckEngine.events_in). The same rows in the same order as duck.newest_rows (tests/test_duck_newest.py).
"""

from __future__ import annotations

import pandas as pd

from dashboard.app import duck as D
from dashboard.app import duck_apart as A
from dashboard.app import duck_rollup as DR
from dashboard.app.duck_engine import DuckEngine
from dashboard.app.filters import Filters
from dashboard.app.query import Selection

LIMIT = 50  # rows kept per date: the most the panel asks for at once (excerpts' page)
ORDER_IN_DATE = "r.published DESC NULLS LAST, r.event_id"  # D.NEWEST_ORDER within one date


def build(db: DuckEngine) -> str:
    """The current generation's table (`newest_<generation>`, dropped with it): per event date, its
    LIMIT first rows in the panel's order, with their part (NULL for a whole overlay row). Computed
    from the files on a connection of its own (duck_apart: after an answer, beside the requests)."""
    gen, relation = db.events_now(filename=True)
    name = f"newest_{gen}"
    if relation is None:  # no files: no rows, from the engine's relation of none
        db.cursor().execute(f"CREATE OR REPLACE TABLE {name} AS {newest_sql(db.events_in(None, filename=True))}")
    else:
        db.hold(name, A.computed([], newest_sql(relation)))
    return name


def newest_sql(relation: str) -> str:
    """Per event date of `relation` (the events with their part's `filename`), its LIMIT first rows."""
    # Two passes over narrow columns: each date's LIMIT-th latest publication first (and how many
    # of its rows have one), then its rows published on or after it (every row where fewer have
    # one: the undated come last), numbered in the panel's order. Numbering every row of a date
    # sorted them all: 8 CPU s at ten million events, against 1.8.
    return (
        f"WITH f AS (SELECT event_date, list_min(max(published, {LIMIT})) AS floor, "
        f"count(published) AS n FROM {relation} GROUP BY event_date) "
        f"SELECT r.event_date, r.event_id, r.published, r.filename FROM {relation} r "
        "JOIN f ON r.event_date IS NOT DISTINCT FROM f.event_date "
        f"WHERE f.n < {LIMIT} OR r.published >= f.floor "
        f"QUALIFY row_number() OVER (PARTITION BY r.event_date ORDER BY {ORDER_IN_DATE}) <= {LIMIT}"
    )


def applies(f: Filters, sel: Selection, limit: int) -> bool:
    """Whether the table answers: no filter, no place selected, at most LIMIT rows."""
    return DR.answers(f) and not sel.place and limit <= LIMIT


def newest_rows(
    db: DuckEngine, table: str, f: Filters, sel: Selection, limit: int, columns: tuple[str, ...] | None = None
) -> pd.DataFrame:
    """duck.newest_rows(db, f, sel, limit, columns=columns) from the table (where `applies`)."""
    cond, params = D.where(f, Selection(sel.start, sel.end))
    ids = db.query(
        f"SELECT event_id, event_date, filename FROM {table} WHERE {cond} ORDER BY {D.NEWEST_ORDER} LIMIT {int(limit)}",
        params,
    )
    parts = sorted({str(p) for p in ids["filename"].dropna()})
    return D.listed_rows(db, ids[["event_id", "event_date"]], columns, parts)
