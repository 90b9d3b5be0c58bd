"""Filter states the rollup cannot answer (an actor, a source, an excerpt search, several types, a
minimum at a level it does not count, both minima), each kept as a small rollup of its own.

Without it every answer under such a filter scanned the events three or four times (the places,
the timeline, the date extent, the newest rows), and a brush or a click within the filter state
scanned them again. Now the first answer under a filter state scans them once, into a table of the
matching rows counted per key (STATE_KEYS: place, date, type, precisions), as the
store's rollup counts every row: `reports` (the matching rows), `events` (each event counted at its
first matching report, as duck.counted picks it), `low` and `high` (that event's lowest and highest
toll over all its reports, matching or not) and `tolled` (those events of which a report gives a
toll). The same queries that read the store's rollup
(duck_rollup, with `source` naming the table and no filter of their own) then answer the places,
timeline and date extent of that filter state under any selection, and bound the dates the newest
rows are read from.

A selection (a date range, a place) keeps or drops every report of an event together (an event's
reports share their day and place key: the merge clusters them so, and the store's rollup relies
on it for the same selections), so the first matching report in a selection is the event's first
matching report: the table's counts within a selection are those of a scan with the selection.

Bounded: the last STATES_KEPT filter states of a generation, and at most ROWS_KEPT rows over them
(the oldest dropped first; the newest kept whatever its size). A table dropped while a query is about
to read it makes that query fail with a catalog error; the caller answers from the events then.
"""

from __future__ import annotations

import itertools
import threading
from collections import OrderedDict

import duckdb

from dashboard import rollup as R
from dashboard import schema as S
from dashboard.app import duck as D
from dashboard.app.filters import Filters

STATES_KEPT = 6
ROWS_KEPT = 3_000_000
PREFIX = "state_"
# Each engine's tables get their own numbers: two generations' views may build at once.
_NUMBERS = itertools.count()


# The rollup's keys that duck_rollup's answers read with no filter of their own (the place's
# province and country code are read only by filters, applied here before counting): each column
# less is one less to decode for every matching row, most of a state's cost.
STATE_KEYS = [k for k in R.ROLLUP_KEYS if k not in (S.ADMIN1, S.COUNTRY_CODE)]


def state_sql(name: str, cond: str) -> str:
    """CREATE TABLE `name`: the rollup (reports, events, low, high, tolled per key of STATE_KEYS, with the
    place's integer coordinates) of the events matching `cond`."""
    keys = ", ".join(STATE_KEYS)
    return f"""
        CREATE OR REPLACE TABLE {name} AS
        WITH m AS MATERIALIZED (SELECT {keys}, lat_i, lon_i, event_id, cluster_id, lone, fatalities
                                FROM events WHERE {cond}),
        f AS (SELECT c.cluster_id, c.first, coalesce(t.low, 0) AS low, coalesce(t.high, 0) AS high,
                     (t.low IS NOT NULL)::INTEGER AS known
              FROM (SELECT cluster_id, min(event_id) AS first FROM m WHERE NOT lone GROUP BY cluster_id) c
              JOIN tolls t USING (cluster_id))
        SELECT {keys}, lat_i, lon_i, count(*)::BIGINT AS reports,
               count(*) FILTER (WHERE lone OR m.event_id = f.first)::BIGINT AS events,
               coalesce(sum(CASE WHEN lone THEN coalesce(m.fatalities, 0) WHEN m.event_id = f.first THEN f.low END), 0)
                   ::BIGINT AS low,
               coalesce(sum(CASE WHEN lone THEN coalesce(m.fatalities, 0) WHEN m.event_id = f.first THEN f.high END), 0)
                   ::BIGINT AS high,
               coalesce(sum(CASE WHEN lone THEN (m.fatalities IS NOT NULL)::INTEGER
                                 WHEN m.event_id = f.first THEN f.known END), 0)::BIGINT AS tolled
        FROM m LEFT JOIN f ON NOT m.lone AND m.cluster_id = f.cluster_id
        GROUP BY ALL ORDER BY event_date"""


class FilterStates:
    """The kept filter states of one generation of the engine's store (one per DuckViews)."""

    def __init__(self, db: D.DuckEngine, generation: int) -> None:
        self.db = db
        self.generation = int(generation)
        self._kept: OrderedDict[Filters, tuple[str, int]] = OrderedDict()  # name, rows; oldest first
        self._lock = threading.Lock()
        self._building: dict[Filters, threading.Lock] = {}  # one build per state at a time

    def table(self, f: Filters, select: tuple[str, list] | None = None) -> str | None:
        """The name of the table of filter state `f`, built on its first call (from `select`, a
        SELECT and its parameters giving the rows state_sql gives, where there is one: duck_actors);
        None when DuckDB has not the memory to keep it (the caller answers from the events)."""
        with self._lock:
            if f in self._kept:
                self._kept.move_to_end(f)
                return self._kept[f][0]
            building = self._building.setdefault(f, threading.Lock())
        with building:
            with self._lock:
                if f in self._kept:  # another thread built it meanwhile
                    return self._kept[f][0]
            name = f"{PREFIX}{self.generation}_{next(_NUMBERS)}"
            try:
                self._build(name, f, select)
            except duckdb.OutOfMemoryException:
                self._drop(name)
                return None
            rows = int(self.db.query(f"SELECT count(*) AS n FROM {name}").iloc[0]["n"])
            with self._lock:
                self._kept[f] = (name, rows)
                self._building.pop(f, None)
                dropped = self._evict()
        for old in dropped:
            self._drop(old)
        return name

    def _build(self, name: str, f: Filters, select: tuple[str, list] | None) -> None:
        if select is not None:
            try:
                self.db.query(f"CREATE OR REPLACE TABLE {name} AS {select[0]}", select[1])
                return
            except duckdb.CatalogException:  # its source dropped with its generation: from the events
                pass
        cond, params = D.where(f)
        self.db.query(state_sql(name, cond), params)

    def _evict(self) -> list[str]:
        """The tables over the bounds, oldest first, taken out of the kept ones (under the lock)."""
        out = []
        while len(self._kept) > 1 and (
            len(self._kept) > STATES_KEPT or sum(n for _, n in self._kept.values()) > ROWS_KEPT
        ):
            out.append(self._kept.popitem(last=False)[1][0])
        return out

    def _drop(self, name: str) -> None:
        try:
            self.db.cursor().execute(f"DROP TABLE IF EXISTS {name}")
        except duckdb.Error:
            # Dropped already with its generation (DuckEngine drops the tables of older ones).
            pass

    def kept(self) -> list[Filters]:
        """The filter states kept, oldest first (for tests)."""
        with self._lock:
            return list(self._kept)
