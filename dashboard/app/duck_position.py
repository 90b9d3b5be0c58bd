"""Where the selected event lies in the sentence list (duck.newest_rows' order, NEWEST_ORDER), so a
link or a selection with an event opens the list on the page that holds it (excerpts.list_page).

Two narrow queries, not the list itself: the event's own date and publication (its id among the
selection's rows), then how many of the selection's rows sort before it. Every such row is dated on
or after the event (undated rows come last), so the count reads only the parts and row groups from
the event's date on (~8 ms at a million synthetic events). The id is looked up in every part the
selection's dates leave (ids are in no order: ~60 ms at a million, 50 parts; it grows with the
parts, as the link's own check of the id does, permalink.py), so the panel asks only for an event
not on the list's first page (table.listed_position), once per state (DuckViews memoises it).
The same position as listing.event_position on the index (tests/test_duck_position.py).
"""

from __future__ import annotations

import pandas as pd

from dashboard.app import duck as D
from dashboard.app.filters import Filters
from dashboard.app.query import Selection


def position(db: D.DuckEngine, f: Filters, sel: Selection) -> int | None:
    """How many of the rows listed for (f, sel) come before the selected event's row; None when the
    selection has no event or the event is not among those rows."""
    if not sel.event:
        return None
    cond, params = D.where(f, sel)
    own = db.query(
        f"SELECT event_date, published FROM {{events}} WHERE event_id = ? AND {cond} LIMIT 1",
        [sel.event, *params],
        D.dates_of(sel),
    )
    if own.empty:
        return None
    day, published = (_stamp(own[c].iloc[0]) for c in ("event_date", "published"))
    before, more = before_sql(day, published, sel.event)
    dates = D.dates_of(sel) if day is None else (pd.Timestamp(day), (D.dates_of(sel) or (None, None))[1])
    n = db.query(f"SELECT count(*) AS n FROM {{events}} WHERE {cond} AND {before}", [*params, *more], dates)
    return int(n["n"].iloc[0])


def _stamp(value: object) -> object:
    return None if value is None or pd.isna(value) else pd.Timestamp(value).to_pydatetime()


def before_sql(day: object, published: object, event_id: str) -> tuple[str, list]:
    """The condition (and its parameters) of the rows NEWEST_ORDER puts before a row of this date,
    publication and id: newer dates, then newer publications, then smaller ids; missing ones last."""
    by_id = ("event_id < ?", [event_id])
    in_day = _newer("published", published, by_id)
    return _newer("event_date", day, in_day)


def _newer(column: str, value: object, tie: tuple[str, list]) -> tuple[str, list]:
    # DESC NULLS LAST: a row with a value comes before one without; among equal values, `tie` decides.
    if value is None:
        return f"({column} IS NOT NULL OR ({column} IS NULL AND {tie[0]}))", tie[1]
    return f"({column} > ? OR ({column} = ? AND {tie[0]}))", [value, value, *tie[1]]
