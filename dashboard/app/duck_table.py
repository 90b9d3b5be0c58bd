"""The selection as a table on DuckDB: one row per event, sorted by a main column and paged in SQL.

A store past the in-memory size is answered by DuckDB (views.DuckViews), and the in-memory table
(table.sorted_events) sorts an index it does not hold. Here the events counted as events among the
selection's rows (duck.counted: each lone report, and the report with the smallest event_id of an
event reported more than once, with the event's lowest and highest toll over all its reports) are
ordered as the in-memory table orders them — rows with no value for the column last, then the
column (case folded for names), then the newest first — and only the page's rows are returned, with
each event's number of reports (tests/test_duck_table.py holds every page to the in-memory table's).
"""

from __future__ import annotations

import pandas as pd

from dashboard import schema as S
from dashboard.app import duck as D
from dashboard.app.filters import Filters
from dashboard.app.query import Selection

# The columns a table row shows (table.cells) and what orders it.
COLUMNS = (
    S.EVENT_ID,
    S.CLUSTER_ID,
    S.EVENT_DATE,
    S.DATE_PRECISION,
    S.EVENT_TYPE,
    S.SUB_EVENT_TYPE,
    S.ACTOR1,
    S.ACTOR2,
    S.SOURCE,
    S.FATALITIES,
    S.LOCATION,
    S.PLACE_KEY,
)
# The name each sort key orders by (table.COLUMNS' keys); date and deaths are ordered as numbers.
NAMED = {"place": S.LOCATION, "type": S.SUB_EVENT_TYPE, "actors": S.ACTOR1, "source": S.SOURCE}
NEWEST = f"({S.EVENT_DATE} IS NULL), {S.EVENT_DATE} DESC"


def order_sql(column: str, desc: bool) -> str:
    """The ORDER BY of table.sorted_events: missing values last, the column, then newest first."""
    way = "DESC" if desc else "ASC"
    if column == "date":
        key = f"({S.EVENT_DATE} IS NULL), {S.EVENT_DATE} {way}"
    elif column == "deaths":
        key = f"(low * 1000000 + high) {way}"
    else:
        name = NAMED[column]
        key = f"(coalesce(trim({name}), '') = ''), lower({name}) {way}"
    return f"{key}, {NEWEST}, {S.EVENT_ID}"


def page(
    db: D.DuckEngine, f: Filters, sel: Selection, column: str, desc: bool, offset: int, limit: int
) -> pd.DataFrame:
    """The table's rows `offset` to `offset + limit` of the selection, in its order, with each
    event's `deaths_low`, `deaths_high` and `reports` (as table.table_frame)."""
    cond, params = D.where(f, sel)
    events, _ = D.counted("true", [], COLUMNS, "m")
    rows = db.query(
        f"WITH {D.matching(cond, COLUMNS)} SELECT * FROM {events} "
        f"ORDER BY {order_sql(column, desc)} LIMIT {int(limit)} OFFSET {int(offset)}",
        params,
        D.dates_of(sel),
    )
    if not len(rows):
        return rows.assign(deaths_low=[], deaths_high=[], reports=[])
    shared = [c for c in rows[S.CLUSTER_ID].dropna().unique().tolist() if c]
    reports = (
        db.query(
            f"SELECT {S.CLUSTER_ID}, count(*) AS n FROM {{events}} WHERE {S.CLUSTER_ID} IN "
            f"({', '.join('?' * len(shared))}) GROUP BY {S.CLUSTER_ID}",
            shared,
        )
        .set_index(S.CLUSTER_ID)["n"]
        .to_dict()
        if shared
        else {}
    )
    n = [int(reports.get(c, 1)) if isinstance(c, str) and c else 1 for c in rows[S.CLUSTER_ID]]
    return rows.rename(columns={"low": "deaths_low", "high": "deaths_high"}).assign(reports=n)
