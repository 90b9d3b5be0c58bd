"""The newest rows of the unfiltered views from a table of each date's newest rows, per generation.

With no filter and no place selected, the panel lists the newest rows of a date range (the first
answer's of every date, a brush's of its range). duck.newest_rows reads them from every part that
can hold their days, bounded by the rollup's reports per date (duck_rollup.newest_since); in a store
of many ingests a day lies in a row group of every part of its year (100 parts at ten million
synthetic events), and decoding one row group of each was most of a brush (~180-230 ms of CPU of
~300). Here, once per generation and in a thread after the first answer (DuckViews.after_answer),
one pass over four narrow columns keeps each date's LIMIT newest rows (the undated rows' LIMIT first
too, in the panel's order) with the part each lies in: a few tens of thousands of rows. An answer
takes its ids from that table and reads those rows from the parts that hold them only
(DuckEngine.events_in). The same rows in the same order as duck.newest_rows (tests/test_duck_newest.py).
"""

from __future__ import annotations

import pandas as pd

from dashboard.app import duck as D
from dashboard.app import duck_rollup as DR
from dashboard.app.duck_engine import DuckEngine
from dashboard.app.filters import Filters
from dashboard.app.query import Selection

LIMIT = 50  # rows kept per date: the most the panel asks for at once (excerpts' page)


def build(db: DuckEngine) -> str:
    """The current generation's table (`newest_<generation>`, dropped with it): per event date, its
    LIMIT first rows in the panel's order, with their part (NULL for a whole overlay row)."""
    gen, relation = db.events_now(filename=True)
    name = f"newest_{gen}"
    # The order within a date (published, newest first, undated last; then the id) as a key that
    # sorts ascending: each date keeps its LIMIT smallest as it goes. A window numbering the rows
    # of each date sorted every row first: 8 CPU s at ten million events against 2.3.
    key = "{'undated': published IS NULL, 'age': -coalesce(epoch_ns(published), 0), 'id': event_id}"
    row = "{'event_id': event_id, 'published': published, 'filename': filename}"
    db.cursor().execute(
        f"CREATE OR REPLACE TABLE {name} AS SELECT event_date, unnest(arg_min({row}, {key}, {LIMIT}), "
        f"recursive := true) FROM {relation} GROUP BY event_date"
    )
    return name


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
