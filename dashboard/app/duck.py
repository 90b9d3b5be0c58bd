"""The views' aggregates answered by DuckDB straight from the store's Parquet files.

No table is held in memory and nothing is indexed up front: each answer is one SQL query over the
current generation's files (base parts with the overlays applied, as EventsStore reads them), in
DuckDB's own threads, reading only the columns it needs (and, for a date range, only the parts
whose dates overlap it). Every function gives what the pandas functions of `query` give on
`events[mask]` for the same filters and selection (tests/test_duck.py compares them on random
filter states).
"""

from __future__ import annotations

import threading

import duckdb
import pandas as pd

from dashboard import schema as S
from dashboard.app.engine import cluster_box
from dashboard.app.filters import Filters
from dashboard.app.query import Selection
from dashboard.store import EventsStore

# The marker key, as schema.place_keys writes it (name | lat | lon rounded to 4 places, Python's float text).
# numpy's round (x * 10**4, half to even, / 10**4), which DuckDB's round(x, 4) is not.
_ROUND = "CAST((round_even({0} * 10000, 0) / 10000) AS VARCHAR)"
PLACE_KEY_SQL = ("coalesce(location, 'None') || '|' || coalesce(" + _ROUND.format("latitude") + ", 'nan') || '|' || "
                 "coalesce(" + _ROUND.format("longitude") + ", 'nan')")

SQL_TYPES = {"string": "VARCHAR", "datetime64[ns]": "TIMESTAMP_NS", "Int64": "BIGINT", "float64": "DOUBLE",
             "boolean": "BOOLEAN"}


class DuckEngine:
    """Queries over one store; the relation is re-declared when the store's generation changes."""

    def __init__(self, store: EventsStore, threads: int | None = None, memory_limit: str = "1GB") -> None:
        self.store = store
        self._con = duckdb.connect(config={"memory_limit": memory_limit,
                                           **({"threads": threads} if threads else {})})
        self._lock = threading.Lock()
        self._generation = -1

    def _events_sql(self, m: dict) -> str:
        base, overlays = self.store.files(m)
        if not base and not overlays:
            return "(SELECT * FROM (SELECT NULL::VARCHAR AS event_id) WHERE false)"
        files = lambda paths: "[" + ", ".join("'" + p.replace("'", "''") + "'" for p in paths) + "]"  # noqa: E731
        if not overlays:
            return f"read_parquet({files(base)}, union_by_name=true)"
        latest = (f"(SELECT * FROM read_parquet({files(overlays)}, union_by_name=true, filename=true) "
                  "QUALIFY row_number() OVER (PARTITION BY event_id ORDER BY filename DESC) = 1)")
        return (f"(SELECT * FROM read_parquet({files(base)}, union_by_name=true) "
                f"WHERE event_id NOT IN (SELECT event_id FROM {latest}) "
                f"UNION ALL BY NAME SELECT * EXCLUDE (filename) FROM {latest})")

    def _refresh(self) -> duckdb.DuckDBPyConnection:
        m = self.store.manifest()
        with self._lock:
            if m["generation"] != self._generation:
                cols = ", ".join(S.NAMES)
                self._con.execute(f"CREATE OR REPLACE VIEW events AS SELECT {cols}, {PLACE_KEY_SQL} AS place_key "
                                  f"FROM {self._events_sql(m)}" if m["generation"] and self.store.files(m)[0]
                                  else "CREATE OR REPLACE VIEW events AS SELECT * FROM (SELECT "
                                  + ", ".join(f"CAST(NULL AS {SQL_TYPES[S.DTYPES.get(c, 'string')]}) AS {c}"
                                              for c in (*S.NAMES, S.PLACE_KEY)) + ") WHERE false")
                self._generation = m["generation"]
            return self._con.cursor()

    def query(self, sql: str, params: list | None = None) -> pd.DataFrame:
        return self._refresh().execute(sql, params or []).df()


def where(f: Filters, sel: Selection | None = None) -> tuple[str, list]:
    """The SQL condition (and its parameters) of filters.index_mask and the selection's range and place."""
    sql, params = ["true"], []

    def isin(expr: str, values: tuple[str, ...]) -> str:
        params.extend(values)
        return f"{expr} IN ({', '.join('?' * len(values))})"

    for column, values in ((S.EVENT_TYPE, f.event_types), (S.SUB_EVENT_TYPE, f.sub_event_types),
                           (S.COUNTRY, f.countries), (S.ADMIN1, f.admin1s), (S.SOURCE, f.sources)):
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
            sql.append("place_key = ?")
            params.append(sel.place)
    return " AND ".join(sql), params


def _places_sql(keys: tuple[str, ...], params: list) -> str:
    """Rows at any of the place keys, or inside a cluster key's box (as engine.places_mask)."""
    parts = []
    plain = [k for k in keys if cluster_box(k) is None]
    if plain:
        params.extend(plain)
        parts.append(f"place_key IN ({', '.join('?' * len(plain))})")
    for key in keys:
        box = cluster_box(key)
        if box is not None:
            parts.append("(longitude BETWEEN ? AND ? AND latitude BETWEEN ? AND ?)")
            params.extend([box.lon0, box.lon1, box.lat0, box.lat1])
    return "coalesce(" + " OR ".join(parts) + ", false)" if parts else "false"


def selection_figures(db: DuckEngine, f: Filters, sel: Selection) -> tuple[int, int, int]:
    """(events, places, deaths): what query.selection_counts counts."""
    cond, params = where(f, sel)
    row = db.query(f"SELECT count(*) AS n, count(DISTINCT place_key) AS p, coalesce(sum(fatalities), 0) AS d "
                   f"FROM events WHERE {cond}", params).iloc[0]
    return int(row["n"]), int(row["p"]), int(row["d"])


def places_summary(db: DuckEngine, f: Filters, sel: Selection) -> pd.DataFrame:
    """query.places_summary of the filtered, selected rows (main type: the most frequent; a tie
    goes to the type whose first row comes first, as engine.places_aggregate's codes do)."""
    cond, params = where(f, sel)
    return db.query(f"""
        WITH r AS (SELECT * FROM events WHERE {cond}),
        t AS (SELECT place_key, event_type, count(*) AS n FROM r WHERE event_type IS NOT NULL
              GROUP BY ALL),
        m AS (SELECT place_key, arg_max(event_type, n) AS main_type FROM t GROUP BY place_key)
        SELECT r.place_key, any_value(location) AS location, any_value(latitude) AS latitude,
               any_value(longitude) AS longitude, any_value(country) AS country,
               max(geo_precision) AS geo_precision, count(*) AS n_events,
               coalesce(sum(fatalities), 0) AS fatalities, any_value(m.main_type) AS main_type,
               min(event_date) AS first, max(event_date) AS last
        FROM r LEFT JOIN m USING (place_key) GROUP BY r.place_key ORDER BY n_events DESC, r.place_key""",
                    params)


def timeline_counts(db: DuckEngine, f: Filters, sel: Selection | None, unit: str = "day") -> pd.DataFrame:
    """query.timeline_counts: events per bin (day, week from Monday, month) and type."""
    trunc = {"day": "day", "week": "week", "month": "month"}[unit]
    cond, params = where(f, sel)
    return db.query(f"SELECT CAST(date_trunc('{trunc}', event_date) AS TIMESTAMP) AS day, event_type, "
                    f"count(*) AS n FROM events WHERE {cond} AND event_date IS NOT NULL "
                    f"AND event_type IS NOT NULL GROUP BY ALL ORDER BY day, event_type", params)


def date_extent(db: DuckEngine, f: Filters) -> tuple[pd.Timestamp, pd.Timestamp] | None:
    """query.robust_extent: the 2 % quantile (from 50 dates on; linear, as pandas) to the last date."""
    cond, params = where(f)
    row = db.query(f"SELECT count(event_date) AS n, min(event_date) AS lo, max(event_date) AS hi, "
                   f"quantile_cont(epoch_ns(event_date), 0.02) AS q FROM events WHERE {cond}", params).iloc[0]
    if not row["n"]:
        return None
    lo = pd.Timestamp(int(round(row["q"]))) if row["n"] >= 50 else pd.Timestamp(row["lo"])
    return lo, pd.Timestamp(row["hi"])


def newest_rows(db: DuckEngine, f: Filters, sel: Selection, limit: int = 50) -> pd.DataFrame:
    """The newest `limit` rows (event date, then publication; undated last), schema-typed."""
    cond, params = where(f, sel)
    df = db.query(f"SELECT * FROM events WHERE {cond} ORDER BY event_date DESC NULLS LAST, "
                  f"published DESC NULLS LAST LIMIT {int(limit)}", params)
    return S.coerce_events(df).assign(**{S.PLACE_KEY: df[S.PLACE_KEY].to_numpy()})
