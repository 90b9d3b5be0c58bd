"""The views' aggregates answered by DuckDB straight from the store's Parquet files.

No table is held in memory and nothing is indexed up front: each answer is one SQL query over the
current generation's files (base parts with the overlays applied, as EventsStore reads them), in
DuckDB's own threads, reading only the columns it needs (and, for a date range, only the parts
whose dates overlap it). Every function gives what the pandas functions of `query` give on
`events[mask]` for the same filters and selection (tests/test_duck.py compares them on random
filter states).
"""

from __future__ import annotations

import re
import threading

import duckdb
import numpy as np
import pandas as pd

from dashboard import rollup as R
from dashboard import schema as S
from dashboard import store_files as F
from dashboard.app.engine import cluster_box
from dashboard.app.filters import Filters
from dashboard.app.query import Selection
from dashboard.errors import StoreError
from dashboard.store_files import events_sql
from dashboard.store_protocol import StoreReader

# The marker key, as schema.place_keys writes it (name | lat | lon rounded to 4 places, Python's float text).
# numpy's round (x * 10**4, half to even, / 10**4), which DuckDB's round(x, 4) is not. A place is
# compared and grouped by (location, lat_i, lon_i), the coordinates in 10**-4 degrees as integers:
# building the key string for every row made a million-row aggregate take seconds.
_TENTHOUSANDTHS = "CAST(round_even({0} * 10000, 0) AS BIGINT)"
_KEY_OF = (
    "coalesce({loc}, 'None') || '|' || coalesce(CAST({lat} / 10000 AS VARCHAR), 'nan') || '|' || "
    "coalesce(CAST({lon} / 10000 AS VARCHAR), 'nan')"
)
PLACE_KEY_SQL = _KEY_OF.format(
    loc="location", lat=_TENTHOUSANDTHS.format("latitude"), lon=_TENTHOUSANDTHS.format("longitude")
)

_TOLLS = re.compile(r"\btolls\b")
# The columns a place filter reads (duck.where: countries, admin1s, places and their boxes, towns only).
PLACE_FILTERED = R.PLACE_FILTERED
SQL_TYPES = {
    "string": "VARCHAR",
    "datetime64[ns]": "TIMESTAMP_NS",
    "Int64": "BIGINT",
    "float64": "DOUBLE",
    "boolean": "BOOLEAN",
}


class DuckEngine:
    """Queries over one store; the relation is re-declared when the store's generation changes."""

    def __init__(self, store: StoreReader, threads: int | None = None, memory_limit: str = "1GB") -> None:
        self.store = store
        self._con = duckdb.connect(config={"memory_limit": memory_limit, **({"threads": threads} if threads else {})})
        # Parquet footers cached between queries: the files of a generation never change, and an
        # answer is half a dozen queries over the same files. GLOBAL: a plain SET is this
        # connection's session only, and every query runs on a cursor (a session of its own),
        # which then read each file's footer anew (tests/test_duck.py checks it on a cursor). Not
        # in `config`: the setting needs the parquet extension, loaded only once connected.
        self._con.execute("SET GLOBAL parquet_metadata_cache = true")
        self._lock = threading.Lock()
        self._generation = -1
        self._tolls = -1  # the generation whose tolls table is built (on the first query that needs it)
        self.has_rollup = False  # whether the current generation's rollup is loaded (table `rollup`)
        self._same_place = False  # of generation self._tolls: see clusters_share_place
        self.rollup_measures: frozenset[str] = frozenset()  # those the current rollup's parts hold
        self._manifest: dict = {}  # of the generation declared

    def _events_sql(self, m: dict) -> str:
        return events_sql(*self.store.files(m))

    def cursor(self, tolls: bool = False) -> duckdb.DuckDBPyConnection:
        """A cursor (one per query: callbacks run in several threads) over the current generation;
        with `tolls`, once its tolls table is built."""
        m = self.store.manifest()
        with self._lock:
            if m["generation"] != self._generation:
                self._declare(m)
                self._generation = m["generation"]
            if tolls and self._tolls != self._generation:
                self._declare_tolls(int(m["generation"]))
            return self._con.cursor()

    def _declare(self, m: dict) -> None:
        """The `events` view of generation m (its events only: mentions are neither drawn nor
        counted), and `tolls`: per event reported more than once, the lowest and highest death
        count its reports give. A table of those events only, built once per generation (one scan of
        four columns); a lone report's toll is its own."""
        gen = int(m["generation"])
        base, over = self.store.files(m)
        self._manifest = m
        if gen and (base or over):
            source = self._source(self._events_sql(m))
        else:
            source = (
                "SELECT * FROM (SELECT "
                + ", ".join(
                    f"CAST(NULL AS {SQL_TYPES[S.DTYPES.get(c, 'string')]}) AS {c}" for c in (*S.NAMES, S.PLACE_KEY)
                )
                + ", CAST(NULL AS BIGINT) AS lat_i, CAST(NULL AS BIGINT) AS lon_i, "
                "CAST(NULL AS BOOLEAN) AS lone) WHERE false"
            )
        self._con.execute(f"CREATE OR REPLACE VIEW events AS {source}")
        parts = [str(self.store.root / e["path"]) for e in m.get("rollup") or []]
        self.has_rollup = bool(gen and parts)
        if self.has_rollup:
            self._declare_rollup(gen, parts)
        self._drop_old("rollup_", gen)
        self._drop_old("state_", gen)  # duck_states: the filter states' tables of older generations

    @staticmethod
    def _source(files_sql: str) -> str:
        """The `events` view's rows over a relation of stored events."""
        return (
            f"SELECT {', '.join(S.NAMES)}, {PLACE_KEY_SQL} AS place_key, "
            f"{_TENTHOUSANDTHS.format('latitude')} AS lat_i, {_TENTHOUSANDTHS.format('longitude')} AS lon_i, "
            f"coalesce(cluster_id, event_id) = event_id AS lone FROM {files_sql} "
            f"WHERE record_kind IS DISTINCT FROM 'mention'"
        )

    def events_between(self, lo: pd.Timestamp | None, hi: pd.Timestamp | None) -> str:
        """The `events` view as a relation over only the base parts that can hold dates in [lo, hi]
        (by the manifest's bounds of each part; the overlays all): for a query whose condition keeps
        those dates only. The view opens every part (500 in a store of many ingests, each costing its
        footer and a look at its row groups) where a date range needs a fifth of them."""
        m = self._manifest
        if not m or not int(m["generation"]) or (lo is None and hi is None):
            return "events"
        kept = [e for e in m["events"] if F.part_overlaps(e, lo, hi)]
        if len(kept) == len(m["events"]):
            return "events"
        base = [str(self.store.root / e["path"]) for e in kept]
        over = [str(self.store.root / e["path"]) for e in m["overlays"]]
        if not base and not over:
            return "(SELECT * FROM events WHERE false)"
        return f"({self._source(events_sql(base, over))})"

    def _declare_rollup(self, gen: int, parts: list[str]) -> None:
        """The view `rollup` (rollup.view_statements), with the place's coordinates as integers
        (places are compared by those)."""
        ints = f"{_TENTHOUSANDTHS.format('latitude')} AS lat_i, {_TENTHOUSANDTHS.format('longitude')} AS lon_i"
        names = {r[0] for r in self._con.execute("DESCRIBE SELECT * FROM read_parquet(?)", [parts[0]]).fetchall()}
        measures = [m for m in R.MEASURES if m in names]
        for statement in R.view_statements(f"rollup_{gen}", parts, ints, measures):
            self._con.execute(statement)
        self.rollup_measures = frozenset(measures)

    def _declare_tolls(self, gen: int) -> None:
        """`tolls`: per event reported more than once, the lowest and highest death count its
        reports give. A table of those events only, built once per generation when a query first
        needs it (one scan of four columns: with a rollup, the unfiltered views never do)."""
        # A table per generation, the view pointing at it: a query still running on the previous
        # generation keeps its table until the next change.
        # With it, whether each event's reports share every column of their place (the same scan).
        same = " AND ".join(f"count(DISTINCT coalesce(CAST({c} AS VARCHAR), '\x00')) = 1" for c in PLACE_FILTERED)
        self._con.execute(
            f"CREATE OR REPLACE TABLE tolls_{gen} AS SELECT cluster_id, min(fatalities) AS low, "
            f"max(fatalities) AS high, {same} AS same_place FROM events WHERE NOT lone "
            "GROUP BY cluster_id"
        )
        self._con.execute(f"CREATE OR REPLACE VIEW tolls AS SELECT cluster_id, low, high FROM tolls_{gen}")
        self._same_place = bool(
            (self._con.execute(f"SELECT coalesce(bool_and(same_place), true) FROM tolls_{gen}").fetchone() or (True,))[
                0
            ]
        )
        self._tolls = gen
        self._drop_old("tolls_", gen)

    def _drop_old(self, prefix: str, gen: int) -> None:
        """Drop the tables of generations before the previous one (the previous one may still be read)."""
        keep = (f"{prefix}{gen}", f"{prefix}{self._generation}")
        for (name,) in self._con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE starts_with(table_name, ?)", [prefix]
        ).fetchall():
            if not any(name == k or name.startswith(k + "_") for k in keep):
                self._con.execute(f"DROP TABLE IF EXISTS {name}")

    def clusters_share_place(self) -> bool:
        """Whether every event told by several reports has one value of each PLACE_FILTERED column
        over them (the merge clusters reports at one place key): a filter on those columns then
        keeps or drops whole events, and the rollup answers it (duck_rollup). As the rollup's parts
        record it (rollup.share_place); for parts written before they did, checked per generation
        with the tolls table (one scan of the events: 4 s of CPU at 10M, on the first such filter)."""
        self.cursor()
        parts = self._manifest.get("rollup") or []
        if parts and all("same_place" in e for e in parts):
            return all(bool(e["same_place"]) for e in parts)
        self.cursor(tolls=True)
        return self._same_place

    def query(self, sql: str, params: list | None = None, dates: tuple | None = None) -> pd.DataFrame:
        """The answer of `sql`; `{events}` in it reads the events view, or with `dates` (lo, hi), which
        the query's condition keeps to, only the parts that can hold them (events_between)."""
        tolls = bool(_TOLLS.search(sql))  # the one-count-per-event queries (counted) join the tolls

        def run() -> pd.DataFrame:
            cur = self.cursor(tolls)
            relation = self.events_between(*dates) if dates else "events"
            return cur.execute(sql.replace("{events}", relation), params or []).df()

        try:
            return run()
        except duckdb.IOException:
            # A compaction or an ingest replaced files between the manifest read and the query: once
            # more on the generation now current, then it is the store's error.
            self._generation = -1
            try:
                return run()
            except duckdb.Error as err:
                raise StoreError(f"{self.store.root}: cannot query the events ({err})") from err


def where(f: Filters, sel: Selection | None = None) -> tuple[str, list]:
    """The SQL condition (and its parameters) of filters.index_mask and the selection's range and place."""
    sql: list[str] = ["true"]
    params: list[object] = []

    def isin(expr: str, values: tuple[str, ...]) -> str:
        params.extend(values)
        return f"{expr} IN ({', '.join('?' * len(values))})"

    for column, values in (
        (S.EVENT_TYPE, f.event_types),
        (S.SUB_EVENT_TYPE, f.sub_event_types),
        (S.COUNTRY, f.countries),
        (S.ADMIN1, f.admin1s),
        (S.SOURCE, f.sources),
    ):
        if values:
            sql.append(f"coalesce({isin(column, values)}, false)")
    if f.actors:
        a1 = isin(S.ACTOR1, f.actors)
        sql.append(f"(coalesce({a1}, false) OR coalesce({isin(S.ACTOR2, f.actors)}, false))")
    if f.places:
        sql.append(_places_sql(f.places, params))
    if f.min_fatalities is not None and f.min_fatalities > 0:
        sql.append("coalesce(fatalities, 0) >= ?")
        params.append(int(f.min_fatalities))
    if f.min_confidence is not None and f.min_confidence > 0:
        sql.append("coalesce(confidence >= ?, false)")
        params.append(float(f.min_confidence))
    if f.precise_only:
        sql.append("coalesce(geo_precision BETWEEN 1 AND 2, false)")
    if f.text.strip():
        sql.append("coalesce(strpos(lower(excerpt), lower(?)) > 0, false)")
        params.append(f.text.strip())
    if sel is not None:
        if sel.start:
            sql.append("event_date >= ?")
            params.append(pd.Timestamp(sel.start).normalize().to_pydatetime())
        if sel.end:
            sql.append("event_date <= ?")
            params.append(pd.Timestamp(sel.end).to_pydatetime())
        if sel.place:
            sql.append(_place_is(sel.place, params))
    return " AND ".join(sql), params


def dates_of(sel: Selection | None) -> tuple | None:
    """The date range `where` keeps the rows to for this selection (None: every date), for
    DuckEngine.query's `dates`."""
    if sel is None or not (sel.start or sel.end):
        return None
    return (pd.Timestamp(sel.start).normalize() if sel.start else None, pd.Timestamp(sel.end) if sel.end else None)


def _places_sql(keys: tuple[str, ...], params: list) -> str:
    """Rows at any of the place keys, or inside a cluster key's box (as engine.places_mask)."""
    parts: list[str] = []
    parts.extend(_place_is(k, params) for k in keys if cluster_box(k) is None)
    for key in keys:
        box = cluster_box(key)
        if box is not None:
            parts.append("(longitude BETWEEN ? AND ? AND latitude BETWEEN ? AND ?)")
            params.extend([box.lon0, box.lon1, box.lat0, box.lat1])
    return "coalesce(" + " OR ".join(parts) + ", false)" if parts else "false"


def _place_is(key: str, params: list) -> str:
    """Rows at one place key, compared as (location, lat_i, lon_i): integers, not a string per row."""
    try:
        name, lat, lon = key.rsplit("|", 2)
        lat_i, lon_i = round(float(lat) * 10000), round(float(lon) * 10000)
    except ValueError:  # not a key this store writes (nan coordinates): compare the key itself
        params.append(key)
        return "place_key = ?"
    params.extend([name, lat_i, lon_i])
    return "(location = ? AND lat_i = ? AND lon_i = ?)"


def counted(cond: str, params: list, cols: tuple[str, ...], source: str = "events") -> tuple[str, list]:
    """SQL (and its parameters) of the rows that count as events among those of `source` matching
    `cond`: every lone report, and of each event reported more than once the report with the
    smallest event_id (engine.counted_rows, query_oracle.first_reports); with `cols` of that row and
    the event's `low` and `high` death counts (over all its reports, filtered or not; 0 when none is
    given)."""
    own = "".join(f"{c}, " for c in cols)
    lone = (
        f"SELECT {own}coalesce(fatalities, 0) AS low, coalesce(fatalities, 0) AS high FROM {source} "
        f"WHERE lone AND ({cond})"
    )
    # A struct, as arg_min skips a NULL argument (an undated report would lose its date's NULL).
    fields = ", ".join(f"'{c}': {c}" for c in cols)
    pick = f", arg_min({{{fields}}}, event_id) AS r" if cols else ""
    shared = (
        f"SELECT {''.join(f'c.r.{c} AS {c}, ' for c in cols)}coalesce(t.low, 0) AS low, "
        f"coalesce(t.high, 0) AS high FROM (SELECT cluster_id{pick} FROM {source} "
        f"WHERE NOT lone AND ({cond}) GROUP BY cluster_id) c JOIN tolls t USING (cluster_id)"
    )
    return f"({lone} UNION ALL {shared})", [*params, *params]


def matching(cond: str, cols: tuple[str, ...]) -> str:
    """A CTE `m` of the matching rows' `cols` (and what `counted` reads), materialised: the events'
    files are scanned once per answer, where the rows, the lone reports and the shared ones each
    read them again (three scans of a million rows for one map)."""
    need = dict.fromkeys((*cols, "lone", "event_id", "cluster_id", "fatalities"))
    return f"m AS MATERIALIZED (SELECT {', '.join(need)} FROM {{events}} WHERE {cond})"


def selection_figures(db: DuckEngine, f: Filters, sel: Selection) -> tuple[int, int, int, int]:
    """(events, places, deaths low, deaths high): what engine.selection_figures counts. An event
    reported by several articles counts once, with the lowest and highest toll its reports give."""
    cond, params = where(f, sel)
    events, _ = counted("true", [], (), "m")
    row = db.query(
        f"WITH {matching(cond, ('location', 'lat_i', 'lon_i'))} "
        f"SELECT (SELECT count(*) FROM (SELECT 1 FROM m GROUP BY location, lat_i, "
        f"lon_i)) AS p, count(*) AS n, coalesce(sum(low), 0) AS lo, coalesce(sum(high), 0) AS hi "
        f"FROM {events}",
        params,
        dates_of(sel),
    ).iloc[0]
    if not row["n"]:
        return 0, 0, 0, 0
    return int(row["n"]), int(row["p"]), int(row["lo"]), int(row["hi"])


def total_events(db: DuckEngine) -> int:
    """How many events the store holds (reports of one event count once)."""
    return int(
        db.query("SELECT count(*) FILTER (WHERE lone) + (SELECT count(*) FROM tolls) AS n FROM events").iloc[0]["n"]
    )


def places_summary(db: DuckEngine, f: Filters, sel: Selection) -> pd.DataFrame:
    """engine.places_aggregate of the filtered, selected rows: per place its events (one per event,
    with the low and high toll), and over its reports the span of dates, the finest precision and
    the main type (the most frequent; a tie goes to the type name first in alphabetical order)."""
    cond, params = where(f, sel)
    events, _ = counted("true", [], ("location", "lat_i", "lon_i"), "m")
    key = _KEY_OF.format(loc="p.location", lat="p.lat_i", lon="p.lon_i")
    same = " AND ".join(f"p.{c} IS NOT DISTINCT FROM e.{c}" for c in ("location", "lat_i", "lon_i"))
    cols = (
        "location",
        "lat_i",
        "lon_i",
        "event_type",
        "latitude",
        "longitude",
        "country",
        "geo_precision",
        "event_date",
    )
    return db.query(
        f"""
        WITH {matching(cond, cols)},
        t AS (SELECT location, lat_i, lon_i, event_type, count(*) AS n, any_value(latitude) AS latitude,
                          any_value(longitude) AS longitude, any_value(country) AS country,
                          max(geo_precision) AS geo_precision, min(event_date) AS first, max(event_date) AS last
                   FROM m GROUP BY ALL),
        p AS (SELECT location, lat_i, lon_i, any_value(latitude) AS latitude, any_value(longitude) AS longitude,
                     any_value(country) AS country, max(geo_precision) AS geo_precision,
                     first(event_type ORDER BY n DESC, event_type) FILTER (WHERE event_type IS NOT NULL) AS main_type,
                     string_agg(event_type || ':' || n, '|' ORDER BY n DESC, event_type)
                         FILTER (WHERE event_type IS NOT NULL) AS type_mix,
                     min(first) AS first, max(last) AS last
              FROM t GROUP BY location, lat_i, lon_i),
        e AS (SELECT location, lat_i, lon_i, count(*) AS n_events, sum(low) AS fatalities, sum(high) AS high
              FROM {events} GROUP BY ALL)
        SELECT {key} AS place_key, p.location, p.latitude, p.longitude, p.country, p.geo_precision,
               coalesce(e.n_events, 0) AS n_events, coalesce(e.fatalities, 0) AS fatalities,
               greatest(coalesce(e.high, 0), coalesce(e.fatalities, 0)) AS fatalities_high, p.main_type, p.type_mix,
               p.first, p.last
        FROM p LEFT JOIN e ON {same} ORDER BY n_events DESC, place_key""",
        params,
        dates_of(sel),
    )


def timeline_counts(db: DuckEngine, f: Filters, sel: Selection | None, unit: str = "day") -> pd.DataFrame:
    """query_oracle.timeline_counts: events per bin (day, week from Monday, month) and type."""
    trunc = {"day": "day", "week": "week", "month": "month"}[unit]
    cond, params = where(f, sel)
    events, ev_params = counted(cond, params, ("event_date", "event_type"), "{events}")
    return db.query(
        f"SELECT CAST(date_trunc('{trunc}', event_date) AS TIMESTAMP) AS day, event_type, "
        f"count(*) AS n FROM {events} WHERE event_date IS NOT NULL "
        f"AND event_type IS NOT NULL GROUP BY ALL ORDER BY day, event_type",
        ev_params,
        dates_of(sel),
    )


def date_extent(db: DuckEngine, f: Filters) -> tuple[pd.Timestamp, pd.Timestamp] | None:
    """query_oracle.robust_extent: the 2 % quantile (from 50 dates on; linear, as pandas) to the last date."""
    cond, params = where(f)
    row = db.query(
        f"SELECT count(event_date) AS n, min(event_date) AS lo, max(event_date) AS hi, "
        f"quantile_cont(epoch_ns(event_date), 0.02) AS q FROM events WHERE {cond}",
        params,
    ).iloc[0]
    if not row["n"]:
        return None
    lo = pd.Timestamp(int(round(row["q"]))) if row["n"] >= 50 else pd.Timestamp(row["lo"])
    return lo, pd.Timestamp(row["hi"])


def newest_rows(
    db: DuckEngine, f: Filters, sel: Selection, limit: int = 50, since: pd.Timestamp | None = None
) -> pd.DataFrame:
    """The newest `limit` rows (event date, then publication; undated last), schema-typed. The ids
    come first from the narrow sort columns, then only those rows are read whole. `since`: a date
    on or after which at least `limit` of these rows are known to lie (duck_rollup.newest_since):
    only the row groups from there on are read."""
    cond, params = where(f, sel)
    order = "event_date DESC NULLS LAST, published DESC NULLS LAST, event_id"
    if since is not None:
        # One query: the bound leaves a few row groups, and DuckDB's top-N reads the other columns
        # of the rows it keeps only (half the time of the two steps below).
        return rows_where(
            db,
            f"{cond} AND event_date >= ?",
            [*params, since.to_pydatetime()],
            order,
            limit,
            (since, (dates_of(sel) or (None, None))[1]),
        )
    ids = db.query(
        f"SELECT event_id, event_date FROM {{events}} WHERE {cond} ORDER BY {order} LIMIT {int(limit)}",
        params,
        dates_of(sel),
    )
    if ids.empty:
        return rows_where(db, "false", [])
    listed = ids["event_id"].tolist()
    # Their dates too: the parts are sorted by date, so only the row groups of those dates are read.
    dates = [d.to_pydatetime() for d in pd.to_datetime(ids["event_date"]).dropna().unique()]
    on = [f"event_date IN ({', '.join('?' * len(dates))})"] if dates else []
    if ids["event_date"].isna().any():
        on.append("event_date IS NULL")
    return rows_where(
        db,
        f"event_id IN ({', '.join('?' * len(listed))}) AND ({' OR '.join(on)})",
        [*listed, *dates],
        order,
        dates=None
        if ids["event_date"].isna().any() or not dates
        else (pd.Timestamp(min(dates)), pd.Timestamp(max(dates))),
    )


def timeline_series(
    db: DuckEngine, f: Filters, sel: Selection | None, unit: str = "day", measure: str = "events"
) -> pd.DataFrame:
    """engine.timeline_series: per bin and type the events (or deaths: each event's lowest toll)
    dated to the day, and the evenly spread shares of those dated only to a month or a year. DuckDB
    sums per day (and per period start), the few resulting rows are binned and spread here with the
    engine's code."""
    cond, params = where(f, sel)
    cols = ("event_date", "date_precision", "event_type")
    events, _ = counted("true", [], cols, "m")
    value = "low::DOUBLE" if measure == "deaths" else "1.0"
    day = "date_diff('day', DATE '1970-01-01', CAST(event_date AS DATE))"
    rows = db.query(
        f"""
        WITH {matching(cond, cols)}
        SELECT {day} AS start, CASE date_precision WHEN 'month' THEN 1 WHEN 'year' THEN 2 ELSE 0 END AS kind,
               event_type AS type, sum({value}) AS v
        FROM {events} WHERE event_date IS NOT NULL AND event_type IS NOT NULL
        GROUP BY ALL ORDER BY start, kind, type""",
        params,
        dates_of(sel),
    )
    return series_from_days(rows, unit)


def series_from_days(rows: pd.DataFrame, unit: str) -> pd.DataFrame:
    """engine.timeline_series's frame from sums per (start day, kind: 0 day, 1 month, 2 year, type)."""
    from dashboard.app.engine import DAY_NS, SERIES_COLUMNS, _bin_start, _bins, spread_groups

    if rows.empty:
        return pd.DataFrame(columns=SERIES_COLUMNS)
    frames = []
    exact = rows[rows["kind"] == 0]
    if len(exact):
        frames.append(
            pd.DataFrame(
                {
                    "bin": _bins(exact["start"].to_numpy(np.int64) * DAY_NS, unit),
                    "type": exact["type"].to_numpy(),
                    "n": exact["v"].to_numpy(float),
                    "precise": True,
                }
            )
        )
    coarse = rows[rows["kind"] > 0].reset_index(drop=True)
    if len(coarse):
        b, t, share, _ = spread_groups(coarse.astype({"start": np.int64, "kind": np.int64}), unit)
        frames.append(pd.DataFrame({"bin": b, "type": t, "n": share, "precise": False}))
    out = pd.concat(frames, ignore_index=True).groupby(["bin", "type", "precise"], as_index=False)["n"].sum()
    out = out[out["n"] > 0].sort_values(["bin", "type", "precise"], kind="stable")
    return pd.DataFrame(
        {
            "day": _bin_start(out["bin"].to_numpy(np.int64), unit),
            S.EVENT_TYPE: out["type"].to_numpy(dtype=object),
            "n": out["n"].to_numpy(dtype=float),
            "precise": out["precise"].to_numpy(dtype=bool),
        }
    )


def place_labels(db: DuckEngine, sql: str | None = None) -> dict[str, str]:
    """Each place key's label (places.place_labels over every place of the store); `sql` reads the
    places from elsewhere (the rollup: duck_rollup.place_labels_sql)."""
    from dashboard.app.places import LABEL_SOURCE
    from dashboard.app.places import place_labels as labels_of

    cols = ", ".join(f"any_value({c}) AS {c}" for c in LABEL_SOURCE if c != S.LOCATION)
    key = _KEY_OF.format(loc="location", lat="lat_i", lon="lon_i")
    places = db.query(sql or f"SELECT {key} AS place_key, location, {cols} FROM events GROUP BY location, lat_i, lon_i")
    if places.empty:
        return {}
    return dict(zip(places[S.PLACE_KEY], labels_of(places.reset_index(drop=True)), strict=True))


def value_options(db: DuckEngine, columns: tuple[str, ...], limit: int = 1000) -> list[str]:
    """engine.value_options: the values of `columns` together, most frequent first (ties by value),
    blanks left out."""
    union = " UNION ALL ".join(f"SELECT {c} AS v FROM events" for c in columns)
    df = db.query(
        f"SELECT v, count(*) AS n FROM ({union}) WHERE v IS NOT NULL AND trim(v) <> '' "
        f"GROUP BY v ORDER BY n DESC, v LIMIT {int(limit)}"
    )
    return [str(v) for v in df["v"]]


def rows_where(
    db: DuckEngine, condition: str, params: list, order: str = "", limit: int | None = None, dates: tuple | None = None
) -> pd.DataFrame:
    """Schema-typed rows (with place_key) matching an SQL condition (which keeps to `dates`, when given:
    DuckEngine.query)."""
    tail = (f" ORDER BY {order}" if order else "") + (f" LIMIT {int(limit)}" if limit is not None else "")
    df = db.query(f"SELECT * FROM {{events}} WHERE {condition}{tail}", params, dates)
    return (
        S.coerce_events(df).assign(**{S.PLACE_KEY: df[S.PLACE_KEY].to_numpy()})
        if len(df)
        else S.empty_events().assign(**{S.PLACE_KEY: pd.Series([], dtype=object)})
    )
