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

from dashboard import held_sql as HQ
from dashboard.app import duck as D
from dashboard.app import duck_apart as A
from dashboard.app import duck_rollup as DR
from dashboard.app.duck_engine import DuckEngine
from dashboard.app.filters import Filters
from dashboard.app.query import Selection

# Rows kept per date: the most the panel asks for at once (excerpts' page). The SQL is the store's
# too (held_sql: it writes the table with a whole rollup part).
LIMIT = HQ.NEWEST
newest_sql = HQ.newest_sql


def build(db: DuckEngine) -> str:
    """The current generation's table (`newest_<generation>`, dropped with it): per event date, its
    LIMIT first rows in the panel's order, with their part (NULL for a whole overlay row). Where the
    store wrote it with the generation (store_held), a view over that file: nothing is computed or
    held, so nothing runs beside the first answers' requests; after appends since, derived from that
    file and the parts written since (HQ.newest_derived_sql); else computed from the files. Either
    computed on a connection of its own (duck_apart: after an answer, beside the requests)."""
    gen, relation = db.events_now(filename=True)
    name = f"newest_{gen}"
    held = db.held()
    stored, since = held.files_for(gen).get("newest"), held.since_for(gen)
    root = str(db.store.root)
    if relation is None:  # no files: no rows, from the engine's relation of none
        db.cursor().execute(f"CREATE OR REPLACE TABLE {name} AS {newest_sql(db.events_in(None, filename=True))}")
    elif stored is not None:
        db.cursor().execute(f"CREATE OR REPLACE VIEW {name} AS {HQ.newest_file_sql(stored, root)}")
    elif since is not None and "newest" in since[0]:
        db.hold(name, A.computed([], HQ.newest_derived_sql(since[0]["newest"], root, since[1], since[2])))
    else:
        db.hold(name, A.computed([], newest_sql(relation)))
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
