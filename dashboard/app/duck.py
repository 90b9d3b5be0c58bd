"""The views' aggregates answered by DuckDB straight from the store's Parquet files.

No table is held in memory and nothing is indexed up front: each answer is one SQL query over the
current generation's files (base parts with the overlays applied, as EventsStore reads them), in
DuckDB's own threads, reading only the columns it needs (and, for a date range, only the parts
whose dates overlap it). Every function gives what the pandas functions of `query` give on
`events[mask]` for the same filters and selection (tests/test_duck.py compares them on random
filter states).
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pandas as pd

from dashboard import schema as S
from dashboard.app.duck_engine import KEY_OF, PLACE_FILTERED, PLACE_KEY_SQL, DuckEngine
from dashboard.app.duck_where import dates_of, where
from dashboard.app.filters import Filters
from dashboard.app.query import Selection

__all__ = ["PLACE_FILTERED", "PLACE_KEY_SQL", "DuckEngine", "dates_of", "where"]


def counted(cond: str, params: list, cols: tuple[str, ...], source: str = "events") -> tuple[str, list]:
    """SQL (and its parameters) of the rows that count as events among those of `source` matching
    `cond`: every lone report, and of each event reported more than once the report with the
    smallest event_id (engine.counted_rows, query_oracle.first_reports); with `cols` of that row and
    the event's `low` and `high` death counts (over all its reports, filtered or not; 0 when none is
    given) and `known` (1 when one of them gives a toll, else 0: engine.event_tolled)."""
    own = "".join(f"{c}, " for c in cols)
    lone = (
        f"SELECT {own}coalesce(fatalities, 0) AS low, coalesce(fatalities, 0) AS high, "
        f"(fatalities IS NOT NULL)::INTEGER AS known FROM {source} WHERE lone AND ({cond})"
    )
    # A struct, as arg_min skips a NULL argument (an undated report would lose its date's NULL).
    fields = ", ".join(f"'{c}': {c}" for c in cols)
    pick = f", arg_min({{{fields}}}, event_id) AS r" if cols else ""
    shared = (
        f"SELECT {''.join(f'c.r.{c} AS {c}, ' for c in cols)}coalesce(t.low, 0) AS low, "
        f"coalesce(t.high, 0) AS high, (t.low IS NOT NULL)::INTEGER AS known "
        f"FROM (SELECT cluster_id{pick} FROM {source} "
        f"WHERE NOT lone AND ({cond}) GROUP BY cluster_id) c JOIN tolls t USING (cluster_id)"
    )
    return f"({lone} UNION ALL {shared})", [*params, *params]


# A place's types by their count `n`, most first (ties by name), as a list: each place's (count, type)
# pairs listed and the list sorted, not an aggregate with ORDER BY inside (DuckDB's first() and
# string_agg() ordered): the places of a minimum's level at ten million events (42,752 rows of the
# rollup, 5,309 places) in 28-30 ms against 33-36 (session 31, the same answer).
RANKED_TYPES = "list_sort(list({'k': -n, 't': event_type}) FILTER (WHERE event_type IS NOT NULL))"


def main_and_mix(ranked: str) -> str:
    """The columns `main_type` and `type_mix` ("Battles:3|Protests:1", engine.places_aggregate's)
    of a RANKED_TYPES list `ranked`; both null for a place without a type."""
    mix = f"array_to_string(list_transform({ranked}, lambda x: x.t || ':' || CAST(-x.k AS BIGINT)), '|')"
    return f"{ranked}[1].t AS main_type, nullif({mix}, '') AS type_mix"


def matching(cond: str, cols: tuple[str, ...]) -> str:
    """A CTE `m` of the matching rows' `cols` (and what `counted` reads), materialised: the events'
    files are scanned once per answer, where the rows, the lone reports and the shared ones each
    read them again (three scans of a million rows for one map)."""
    need = dict.fromkeys((*cols, "lone", "event_id", "cluster_id", "fatalities"))
    return f"m AS MATERIALIZED (SELECT {', '.join(need)} FROM {{events}} WHERE {cond})"


def selection_figures(db: DuckEngine, f: Filters, sel: Selection) -> tuple[int, int, int, int, int]:
    """(events, places, deaths low, deaths high, events with a toll): what engine.selection_figures
    counts. An event reported by several articles counts once, with the lowest and highest toll its
    reports give."""
    cond, params = where(f, sel)
    events, _ = counted("true", [], (), "m")
    row = db.query(
        f"WITH {matching(cond, ('location', 'lat_i', 'lon_i'))} "
        f"SELECT (SELECT count(*) FROM (SELECT 1 FROM m GROUP BY location, lat_i, "
        f"lon_i)) AS p, count(*) AS n, coalesce(sum(low), 0) AS lo, coalesce(sum(high), 0) AS hi, "
        f"coalesce(sum(known), 0) AS k "
        f"FROM {events}",
        params,
        dates_of(sel),
    ).iloc[0]
    if not row["n"]:
        return 0, 0, 0, 0, 0
    return int(row["n"]), int(row["p"]), int(row["lo"]), int(row["hi"]), int(row["k"])


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
    key = KEY_OF.format(loc="p.location", lat="p.lat_i", lon="p.lon_i")
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
                     {RANKED_TYPES} AS ranked, min(first) AS first, max(last) AS last
              FROM t GROUP BY location, lat_i, lon_i),
        e AS (SELECT location, lat_i, lon_i, count(*) AS n_events, sum(low) AS fatalities, sum(high) AS high,
                     sum(known) AS tolled
              FROM {events} GROUP BY ALL)
        SELECT {key} AS place_key, p.location, p.latitude, p.longitude, p.country, p.geo_precision,
               coalesce(e.n_events, 0) AS n_events, coalesce(e.fatalities, 0) AS fatalities,
               greatest(coalesce(e.high, 0), coalesce(e.fatalities, 0)) AS fatalities_high,
               coalesce(e.tolled, 0) AS tolled, {main_and_mix("p.ranked")},
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
    db: DuckEngine,
    f: Filters,
    sel: Selection,
    limit: int = 50,
    since: pd.Timestamp | None = None,
    columns: tuple[str, ...] | None = None,
) -> pd.DataFrame:
    """The newest `limit` rows (event date, then publication; undated last), schema-typed. The ids
    come first from the narrow sort columns, then only those rows are read whole. `since`: a date
    on or after which at least `limit` of these rows are known to lie (duck_rollup.newest_since):
    only the row groups from there on are read. `columns`: only these (rows_where)."""
    cond, params = where(f, sel)
    order = NEWEST_ORDER
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
            columns,
        )
    ids = db.query(
        f"SELECT event_id, event_date FROM {{events}} WHERE {cond} ORDER BY {order} LIMIT {int(limit)}",
        params,
        dates_of(sel),
    )
    return listed_rows(db, ids, columns)


NEWEST_ORDER = "event_date DESC NULLS LAST, published DESC NULLS LAST, event_id"


def listed_rows(
    db: DuckEngine, ids: pd.DataFrame, columns: tuple[str, ...] | None = None, parts: list[str] | None = None
) -> pd.DataFrame:
    """The rows of `ids` (event_id, event_date: the newest, found first), newest first, read whole
    (`columns`: only these); `parts`: from those base parts only (rows_where)."""
    if ids.empty:
        return no_rows(columns)
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
        NEWEST_ORDER,
        dates=None
        if ids["event_date"].isna().any() or not dates or parts is not None
        else (pd.Timestamp(min(dates)), pd.Timestamp(max(dates))),
        columns=columns,
        parts=parts,
    )


def newest_recent(
    db: DuckEngine, f: Filters, sel: Selection, limit: int, columns: tuple[str, ...] | None = None
) -> pd.DataFrame:
    """newest_rows without a rollup to bound the dates: first over the last month, then the last
    year before the store's (or the selection's) last date; the rows found are the newest when
    there are `limit` of them (every other row is older or undated), else over every date. The
    parts are sorted by date, so a bound reads only its row groups (a filter matching a tenth
    of a million rows read them all for 50)."""
    ends = [e["max"] for e in db.store.current()["events"] if e.get("max")]
    if ends:
        last = pd.Timestamp(max(ends))
        if sel.end:
            last = min(last, pd.Timestamp(sel.end))
        for days in (31, 366):
            since = last - pd.Timedelta(days=days)
            if sel.start and pd.Timestamp(sel.start) >= since:
                break
            rows = newest_rows(db, f, sel, limit, since, columns)
            if len(rows) >= limit:
                return rows
    return newest_rows(db, f, sel, limit, columns=columns)


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
    """engine.timeline_series's frame from sums per (start day, kind: 0 day, 1 month, 2 year, type).
    Summed per (bin, type, precise) on sorted arrays, not a pandas groupby (~15 ms for a brush's
    4,000 day rows): the values are whole numbers or multiples of 2**-16 (engine.SHARE_GRID), so
    their sums are exact in any order and equal the groupby's."""
    from dashboard.app.engine import DAY_NS, SERIES_COLUMNS, bin_start, spread_groups
    from dashboard.app.event_index import time_bins

    if rows.empty:
        return pd.DataFrame(columns=SERIES_COLUMNS)
    kind = rows["kind"].to_numpy()
    exact = kind == 0
    bins = [time_bins(rows["start"].to_numpy(np.int64)[exact] * DAY_NS, unit)]
    types = [rows["type"].to_numpy(dtype=object)[exact]]
    values = [rows["v"].to_numpy(float)[exact]]
    precise = [np.ones(int(exact.sum()), dtype=bool)]
    if not exact.all():
        coarse = rows[~exact].reset_index(drop=True)
        b, t, share, _ = spread_groups(coarse.astype({"start": np.int64, "kind": np.int64}), unit)
        bins.append(b)
        types.append(np.asarray(t, dtype=object))
        values.append(np.asarray(share, dtype=float))
        precise.append(np.zeros(len(b), dtype=bool))
    b, v, p = (np.concatenate(x) for x in (bins, values, precise))
    names, code = np.unique(np.concatenate(types), return_inverse=True)  # codes in the names' order
    order = np.lexsort((p, code, b))
    b, code, p, v = b[order], code[order], p[order], v[order]
    starts = np.flatnonzero(np.r_[True, (b[1:] != b[:-1]) | (code[1:] != code[:-1]) | (p[1:] != p[:-1])])
    n = np.add.reduceat(v, starts)
    kept = starts[n > 0]
    return pd.DataFrame(
        {
            "day": bin_start(b[kept].astype(np.int64), unit),
            S.EVENT_TYPE: names[code[kept]].astype(object),
            "n": n[n > 0].astype(float),
            "precise": p[kept].astype(bool),
        }
    )


def place_labels(db: DuckEngine, sql: str | None = None) -> dict[str, str]:
    """Each place key's label (places.place_labels over every place of the store); `sql` reads the
    places from elsewhere (the rollup: duck_rollup.place_labels_sql)."""
    from dashboard.app.places import LABEL_SOURCE
    from dashboard.app.places import place_labels as labels_of

    cols = ", ".join(f"any_value({c}) AS {c}" for c in LABEL_SOURCE if c != S.LOCATION)
    key = KEY_OF.format(loc="location", lat="lat_i", lon="lon_i")
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
    db: DuckEngine,
    condition: str,
    params: list,
    order: str = "",
    limit: int | None = None,
    dates: tuple | None = None,
    columns: tuple[str, ...] | None = None,
    parts: list[str] | None = None,
) -> pd.DataFrame:
    """Schema-typed rows (with place_key) matching an SQL condition (which keeps to `dates`, when
    given, or to rows of the base `parts`: DuckEngine.query). `columns`: only these of the schema's
    (and place_key), for a view that reads no others: the rows' row groups are decoded column by
    column, so each column left out is one less to decode per row group read (the newest rows of a
    brush sit in one row group of each of ten parts)."""
    names = S.NAMES if columns is None else tuple(c for c in S.NAMES if c in columns)
    tail = (f" ORDER BY {order}" if order else "") + (f" LIMIT {int(limit)}" if limit is not None else "")
    picked = "*" if columns is None else ", ".join((*names, S.PLACE_KEY))
    df = db.query(f"SELECT {picked} FROM {{events}} WHERE {condition}{tail}", params, dates, parts)
    return typed_rows(df, columns)


def chunks(db: DuckEngine, f: Filters, sel: Selection, size: int = 50_000) -> Iterator[pd.DataFrame]:
    """The selection's rows, schema-typed, in DataFrames of at most `size` rows (an export streams them)."""
    cond, params = where(f, sel)
    reader = db.cursor(events=True).sql(f"SELECT * FROM events WHERE {cond}", params=params).to_arrow_reader(size)
    for batch in reader:
        df = batch.to_pandas()
        yield S.coerce_events(df).assign(**{S.PLACE_KEY: df[S.PLACE_KEY].to_numpy()})


def typed_rows(df: pd.DataFrame, columns: tuple[str, ...] | None = None) -> pd.DataFrame:
    """DuckDB's rows of the schema's columns (or only `columns`) and place_key, schema-typed."""
    if not len(df):
        return no_rows(columns)
    names = S.NAMES if columns is None else tuple(c for c in S.NAMES if c in columns)
    return S.coerce_events(df, names).assign(**{S.PLACE_KEY: df[S.PLACE_KEY].to_numpy()})


def no_rows(columns: tuple[str, ...] | None = None) -> pd.DataFrame:
    """rows_where's frame of no rows, without asking DuckDB (a query over the view costs ~10 ms of
    planning for nothing)."""
    names = S.NAMES if columns is None else tuple(c for c in S.NAMES if c in columns)
    return S.empty_events()[list(names)].assign(**{S.PLACE_KEY: pd.Series([], dtype=object)})
