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
from dataclasses import dataclass, replace
from typing import NamedTuple

import duckdb
import pandas as pd

from dashboard import rollup as R
from dashboard import schema as S
from dashboard.app import duck as D
from dashboard.app import duck_fact as DF
from dashboard.app import duck_rollup as DR
from dashboard.app import duck_search as DSE
from dashboard.app.filters import Filters
from dashboard.app.query import Selection

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
    return f"CREATE OR REPLACE TABLE {name} AS {state_select(cond)}"


def state_select(cond: str, source: str = "events", tolls: str = "tolls") -> str:
    """state_sql's SELECT over the rows of `source` (the `events` view's columns) and the tolls of
    their events (`tolls`: held_sql.tolls_select's columns)."""
    keys = ", ".join(STATE_KEYS)
    return f"""
        WITH m AS MATERIALIZED (SELECT {keys}, lat_i, lon_i, event_id, cluster_id, lone, fatalities
                                FROM {source} WHERE {cond}),
        f AS (SELECT c.cluster_id, c.first, coalesce(t.low, 0) AS low, coalesce(t.high, 0) AS high,
                     (t.low IS NOT NULL)::INTEGER AS known
              FROM (SELECT cluster_id, min(event_id) AS first FROM m WHERE NOT lone GROUP BY cluster_id) c
              JOIN {tolls} t USING (cluster_id))
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


@dataclass(frozen=True)
class Kept:
    """A kept filter state's table and the shape of its rows: state_sql's (`fact` None), or the fact
    rows' (duck_fact), each place and type numbered as `fact` numbers them: then a view over the
    actors' table (duck_actors.narrow_select), which holds nothing."""

    name: str
    fact: DF.Fact | None = None
    held: bool = False  # rows computed elsewhere (duck_search.Counted): a view over their table
    # Views of the rows' sums (held_sql.days_sql, placed_sql) where their source wrote them
    # (duck_actors): per date and type, read while no place is selected; per place, while no dates are.
    days: str | None = None
    placed: str | None = None

    def per_day(self, sel: Selection) -> str:
        """The relation the date-shaped answers (timeline, extent, newest rows' bound) read under `sel`."""
        return self.days if self.days is not None and not sel.place else self.name

    @property
    def view(self) -> bool:
        return self.fact is not None and not self.held


class FilterStates:
    """The kept filter states of one generation of the engine's store (one per DuckViews)."""

    def __init__(self, db: D.DuckEngine, generation: int) -> None:
        self.db = db
        self.generation = int(generation)
        self._kept: OrderedDict[Filters, tuple[Kept, int]] = OrderedDict()  # its table, rows; oldest first
        self._lock = threading.Lock()
        self._building: dict[Filters, threading.Lock] = {}  # one build per state at a time

    def table(
        self,
        f: Filters,
        select: tuple[str, list] | DSE.Counted | None = None,
        fact: DF.Fact | None = None,
        sums: tuple[str, str] | None = None,
    ) -> Kept | None:
        """The table of filter state `f`, built on its first call (from `select`, a SELECT and its
        parameters giving the rows state_sql gives, or with `fact` a view's SELECT of those rows in
        the fact rows' shape, where there is one: duck_actors, or those rows counted elsewhere:
        duck_search; `sums`: with a view, the SELECTs of its sums per day and per place, Kept.days and
        .placed); None when DuckDB has not the memory to keep it (the caller answers from the
        events)."""
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
                if isinstance(select, DSE.Counted):
                    select.hold(self.db, name)
                    kept = Kept(name, fact, held=True)
                else:
                    kept = Kept(name, fact if self._build(name, f, select, fact is not None) else None)
                    if kept.view and sums is not None:
                        kept = self._sums(kept, sums)
            except duckdb.OutOfMemoryException:
                self._drop(Kept(name, held=isinstance(select, DSE.Counted)))
                return None
            # A view holds nothing: only tables count towards ROWS_KEPT.
            rows = 0 if kept.view else int(self.db.query(f"SELECT count(*) AS n FROM {name}").iloc[0]["n"])
            with self._lock:
                self._kept[f] = (kept, rows)
                self._building.pop(f, None)
                dropped = self._evict()
        for old in dropped:
            self._drop(old)
        return kept

    def get(self, f: Filters) -> Kept | None:
        """The table of filter state `f` where it is kept (none is built), as the newest kept."""
        with self._lock:
            if f not in self._kept:
                return None
            self._kept.move_to_end(f)
            return self._kept[f][0]

    def _build(self, name: str, f: Filters, select: tuple[str, list] | None, view: bool = False) -> bool:
        """Create the table (with `view`, the view) `name` of state `f`: from `select` where given
        and its source is there (True), else a table from the events (False)."""
        if select is not None:
            try:
                self.db.query(f"CREATE OR REPLACE {'VIEW' if view else 'TABLE'} {name} AS {select[0]}", select[1])
                if view:  # a view binds its source when read: read it once, where it fails now
                    self.db.query(f"SELECT * FROM {name} LIMIT 0")
                return True
            except duckdb.CatalogException:  # its source dropped with its generation: from the events
                pass
        cond, params = D.where(f)
        self.db.query(state_sql(name, cond), params)
        return False

    def _sums(self, kept: Kept, sums: tuple[str, str]) -> Kept:
        """`kept` with views of its sums (`sums`: their SELECTs, no parameters); as it was where
        their source is gone (dropped with its generation: the state's rows answer)."""
        days, placed = f"{kept.name}_days", f"{kept.name}_placed"
        try:
            for view, select in ((days, sums[0]), (placed, sums[1])):
                self.db.query(f"CREATE OR REPLACE VIEW {view} AS {select}")
                self.db.query(f"SELECT * FROM {view} LIMIT 0")  # bound now, where it fails now
        except duckdb.CatalogException:
            self._drop(replace(kept, days=days, placed=placed))
            return kept
        return replace(kept, days=days, placed=placed)

    def _evict(self) -> list[Kept]:
        """The tables over the bounds, oldest first, taken out of the kept ones (under the lock)."""
        out = []
        while len(self._kept) > 1 and (
            len(self._kept) > STATES_KEPT or sum(n for _, n in self._kept.values()) > ROWS_KEPT
        ):
            out.append(self._kept.popitem(last=False)[1][0])
        return out

    def _drop(self, kept: Kept) -> None:
        own = "VIEW" if kept.view or kept.held else "TABLE"
        held = f"{kept.name}_rows" if kept.held else None  # a search's rows under its view (duck_search.Counted)
        for kind, name in (("VIEW", kept.days), ("VIEW", kept.placed), (own, kept.name), ("TABLE", held)):
            if name is None:
                continue
            try:
                self.db.cursor().execute(f"DROP {kind} IF EXISTS {name}")
            except duckdb.Error:
                # Dropped already with its generation (DuckEngine drops the tables of older ones).
                pass

    def kept(self) -> list[Filters]:
        """The filter states kept, oldest first (for tests)."""
        with self._lock:
            return list(self._kept)


# A kept state's answers, by the shape of its rows: duck_rollup's queries over state_sql's rows,
# duck_fact's over the fact rows' shape (grouped by the place's integer; a selected place compared
# as its integer, and None for a key without coordinates, which duck_rollup cannot compare either).


def timeline_series(db: D.DuckEngine, kept: Kept, sel: Selection, unit: str, measure: str) -> pd.DataFrame | None:
    """duck_rollup.timeline_series of the state's rows under `sel`; None when they cannot say."""
    if kept.fact is None:
        return DR.timeline_series(db, sel, unit, measure, None, kept.name)
    over = DF.where(kept.fact, sel)
    return None if over is None else DR.timeline_series(db, sel, unit, measure, None, kept.per_day(sel), over)


def date_extent(db: D.DuckEngine, kept: Kept) -> tuple[pd.Timestamp, pd.Timestamp] | None:
    """duck_rollup.date_extent of the state's rows (no filter, no selection)."""
    return DR.date_extent(db, None, kept.per_day(Selection()))


class Bound(NamedTuple):
    """Where the newest rows of a filter state under a selection begin: every one of them is dated
    on or after `day`; None: the state holds no row there."""

    day: pd.Timestamp | None


def newest_bound(db: D.DuckEngine, kept: Kept, sel: Selection, limit: int) -> Bound | None:
    """duck_rollup.newest_since of the state's rows under `sel`; where they hold fewer than `limit`
    dated reports and none undated (the newest rows end with the undated ones, which no date
    bounds), their oldest date, or Bound(None) when they hold none; None where the state cannot
    say. Without the last two, a search that matches a few rows or none (a typing slip) read every
    excerpt three times over to list them (the last month, the last year, every date: 1.4-1.6 s
    at ten million events); it now reads none, or those from its first match's date on once."""
    over = DR.where(sel, None) if kept.fact is None else DF.where(kept.fact, sel)
    if over is None:
        return None
    source = kept.per_day(sel)
    day = DR.newest_since(db, sel, limit, None, source, over)
    if day is not None:
        return Bound(day)
    cond, params = over
    got = db.query(
        "SELECT count(*) FILTER (WHERE event_date IS NULL) AS undated, min(event_date) AS oldest "
        f"FROM {source} WHERE {cond} AND reports > 0",
        params,
    ).iloc[0]
    if int(got["undated"]):
        return None
    return Bound(None if pd.isna(got["oldest"]) else pd.Timestamp(got["oldest"]))


def places_summary(db: D.DuckEngine, kept: Kept, sel: Selection) -> pd.DataFrame:
    """duck_rollup.places_summary of the state's rows within the selection's dates."""
    if kept.fact is None:
        return DR.places_summary(db, sel, None, kept.name)
    return DF.places_summary(db, replace(kept.fact, rows=kept.name), sel, kept.placed)
