"""The unfiltered views, and those filtered by place, answered from the store's rollup
(dashboard/rollup.py) instead of the events.

Until a filter is set (the first answer, a brush on the timeline, a marker click) the map, the
timeline, the counts and the date extent need only the events counted per place, date and type:
the rollup holds exactly that, as a few sums per key, so an answer reads a table several times
smaller than the events and none of the one-count-per-event work (grouping reports by event,
joining their tolls) is done per answer. The rollup's parts are summed into one DuckDB table per
generation (duck.DuckEngine), sorted by date so a range reads only its row groups. Every function
gives what its namesake in duck.py gives for the same filters (tests/test_duck.py holds both to
the pandas oracle).

A filter on the place's columns (country, province, places chosen on the map, towns only) keeps or
drops every report of an event together when an event's reports share those columns, as the merge
makes them (one place key; `DuckEngine.clusters_share_place` checks it per generation): the events
it keeps are then counted as without it, and the rollup, which has those columns among its keys,
answers it with a WHERE.

A minimum toll or confidence at one of the levels the rollup counts (rollup.THRESHOLDS), alone or
with place filters, reads that level's sums: its reports stand for `reports`, its events, low and
high for theirs.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from dashboard import held_sql as HQ
from dashboard import rollup as R
from dashboard import rollup_sums as RS
from dashboard import schema as S
from dashboard.app import duck as D
from dashboard.app import duck_apart as A
from dashboard.app import duck_mix as MX
from dashboard.app.duck_engine import INTS, KEY_OF
from dashboard.app.duck_where import place_is
from dashboard.app.engine import SUMMARY_COLUMNS, cluster_box
from dashboard.app.filters import Filters
from dashboard.app.query import Selection


def answers(f: Filters) -> bool:
    """Whether the rollup can answer with these filters: none that narrows the events. (Clusters
    share their place and day but not always their type or source, so a filter on those picks a
    first report the rollup does not know.)"""
    return by_place(f) and not (f.countries or f.admin1s or f.places or f.precise_only)


def by_type(f: Filters) -> bool:
    """Whether these filters are one event type, with place filters or none: the rollup's type_*
    measures count each event at its first report of that type. (Of two types, an event told as
    both would count twice.)"""
    return len(f.event_types) == 1 and by_place(replace(f, event_types=()))


def threshold_of(f: Filters) -> str | None:
    """The rollup's measure prefix for the one minimum (toll or confidence) these filters set, when
    the rollup counts at that level; None when they set none, both, or a level it does not keep."""
    set_ = [(field, getattr(f, field)) for field in R.THRESHOLDS if (getattr(f, field) or 0) > 0]
    if len(set_) != 1:
        return None
    field, value = set_[0]
    kept = [lvl for lvl in R.THRESHOLDS[field] if float(lvl) == float(value)]
    return R.threshold_prefix(field, kept[0]) if kept else None


def by_threshold(f: Filters) -> bool:
    """Whether these filters are one minimum the rollup keeps, with place filters or none: the
    level's measures count each event at its first report that passes, as the filter does."""
    return threshold_of(f) is not None and by_place(_without_minima(f))


def _without_minima(f: Filters) -> Filters:
    return replace(f, min_fatalities=None, min_confidence=None)


def measure_of(f: Filters | None, name: str) -> str:
    """The rollup's column for `name` (reports, events, low, high, tolled) under these filters."""
    prefix = threshold_of(f) if f is not None else None
    if prefix is not None:
        return f"{prefix}_{name}"
    return R.TYPE_MEASURES[name] if f is not None and f.event_types and name != "reports" else name


def _cond(f: Filters | None, sel: Selection | None) -> tuple[str, list]:
    """duck.where over the rollup's columns: the minima become the level's measures (rows where
    no report passes are left out)."""
    f = f or Filters()
    sql, params = D.where(_without_minima(f), sel)
    if threshold_of(f) is not None:
        sql += f" AND {measure_of(f, 'reports')} > 0"
    return sql, params


def by_place(f: Filters) -> bool:
    """Whether these filters narrow by the place's columns only (those the rollup has: see the
    module's note for when it may answer them); a place chosen that has no coordinates is not one."""
    return (
        not any((f.event_types, f.sub_event_types, f.actors, f.sources))
        and not (f.min_fatalities or 0) > 0
        and not (f.min_confidence or 0) > 0
        and not f.text.strip()
        and not any(place_is(k, []) == "place_key = ?" for k in f.places if cluster_box(k) is None)
    )


def where(sel: Selection | None, f: Filters | None = None) -> tuple[str, list] | None:
    """duck.where for the place filters of `f` over the rollup's columns; None for a place key the
    rollup cannot compare (one without coordinates)."""
    sql, params = _cond(f, Selection(sel.start, sel.end) if sel else None)
    if sel is not None and sel.place:
        probe: list = []
        if place_is(sel.place, probe) == "place_key = ?":
            return None
        sql += " AND " + place_is(sel.place, params)
    return sql, params


def _summed(db: D.DuckEngine, kind: str, f: Filters | None) -> str:
    """The table of the rollup summed per the keys of `kind` (rollup_sums.SUMMED_KINDS) as the measures
    of these filters read it (rollup_sums.sums_select): a table per level of a minimum, built when the
    level is first asked for; the days' a view of the table of every level where it is built
    (build_levels)."""
    db.cursor()  # the current generation's rollup declared, and with it the measures its parts hold
    prefix = threshold_of(f) if f is not None else None
    suffix, select = summed_select(db.rollup_measures, kind, prefix)
    wide = db.built("days_levels") if prefix and kind == "days" and not db.stored(suffix) else None
    if prefix and wide:
        return db.summed(suffix, RS.level_view(db.rollup_measures, prefix, wide), "VIEW")
    return db.summed(suffix, select)


def summed_select(measures: frozenset[str], kind: str, prefix: str | None) -> tuple[str, str]:
    """(_summed's table's suffix, its SELECT over `rollup`) of the measures of the minimum's level
    `prefix` (None: no minimum), where the rollup's parts hold `measures`."""
    return (f"{kind}_{prefix}" if prefix else kind, RS.sums_select(kind, measures, prefix))


def build_levels(db: D.DuckEngine) -> None:
    """The current generation's table `days_levels` (rollup_sums.levels_select) if not built yet and
    the store did not write the levels' tables (with a whole rollup part), computed from the
    rollup's files on a connection of its own (duck_apart) and handed to the engine (0.11 CPU s at
    a million events; the places' levels, 0.6 s more, are left to the writer)."""
    gen, parts = db.rollup_now()
    measures = db.rollup_measures
    levels = RS.levels(measures)
    if not parts or not levels or db.stored(f"days_{levels[0]}") or db.built("days_levels") is not None:
        return
    with A.connection() as con:
        for statement in R.view_statements("apart", list(parts), INTS, [m for m in R.MEASURES if m in measures]):
            con.execute(statement)
        db.summed_held(gen, "days_levels", con.sql(RS.levels_select(measures)).to_arrow_table())


def hold_levels(db: D.DuckEngine) -> None:
    """Each minimum's tables per date and per place (_summed's), where the store wrote them and they
    are not built yet, read on a connection of its own (duck_apart) and handed to the engine: built
    after the first answer (DuckViews.after_answer), so that the first answer at a minimum does not
    copy its level's tables (at ten million events 40-60 ms of the request, the table per place
    most of it). Where the store wrote none, they are built when first asked for, as before."""
    gen, parts = db.rollup_now()
    levels = [f"{kind}_{prefix}" for prefix in RS.levels(db.rollup_measures) for kind in ("days", "places")]
    wanted = [suffix for suffix in levels if parts and db.stored(suffix) and db.built(suffix) is None]
    if not wanted:
        return
    with A.connection() as con:
        for suffix in wanted:
            select = db.stored_select(con, suffix)
            if select is not None:
                db.summed_held(gen, suffix, con.sql(select).to_arrow_table())


COUNTRY_DAYS = RS.COUNTRY_DAYS  # the table of rollup_sums.country_days_select, per generation


def build_country_days(db: D.DuckEngine) -> None:
    """The current generation's table COUNTRY_DAYS where there is none (country_days: the store
    wrote none, or the rollup has later parts), computed from the rollup's files on a connection of
    its own (duck_apart) and handed to the engine (0.12 CPU s at ten million events): built in a
    thread after the first answer under a filter (DuckViews.after_answer), so that no request waits
    for it; a country's answers read the rollup until it is there."""
    gen, parts = db.rollup_now()
    measures = db.rollup_measures
    if not parts or country_days(db) is not None:
        return
    with A.connection() as con:
        for statement in R.view_statements("apart", list(parts), INTS, [m for m in R.MEASURES if m in measures]):
            con.execute(statement)
        db.summed_held(gen, COUNTRY_DAYS, con.sql(RS.country_days_select(measures)).to_arrow_table())


def country_days(db: D.DuckEngine) -> str | None:
    """The current generation's table COUNTRY_DAYS where there is one: built (build_country_days), or
    a view over the file the store wrote it to while the rollup is the part written with it (no
    copy: its three queries of a country's answer read the file as fast as a table)."""
    built = db.built(COUNTRY_DAYS)
    if built is None and db.stored(COUNTRY_DAYS) and len(db.rollup_now()[1]) == 1:
        return db.summed(COUNTRY_DAYS, RS.country_days_select(db.rollup_measures), "VIEW")
    return built


def days_source(db: D.DuckEngine, f: Filters | None, sel: Selection | None) -> str:
    """The table of the rollup per date, type and precisions (date, place) when these filters and
    this selection read nothing else (no country, province or place filter, no place selected);
    with countries (and no minimum), that table per country too where it is built
    (build_country_days); else the rollup."""
    if (sel is not None and sel.place) or (f is not None and (f.admin1s or f.places)):
        return "rollup"
    if f is not None and f.countries:
        by_country = country_days(db) if threshold_of(f) is None else None
        return by_country or "rollup"
    return _summed(db, "days", f)


def places_source(db: D.DuckEngine, f: Filters | None, sel: Selection) -> str:
    """The table of the rollup per place, type and place precision, each row with its first and last
    date, when the selection sets no dates, else the rollup. With no filter, that table as the
    store's files give it (written with the rollup's first part, and derived from it and the later
    parts after a write: DuckEngine.summed), else from the rollup with integer places where there is
    one and it is built or cheap to derive (duck_fact.places_table, duck_fact.held); not for the first map of a process,
    which would wait for the whole build (DuckViews builds it after that answer). With a minimum,
    the level's table where the store wrote it, else the rollup: a level's table per place is read
    by the map of every date only (a filter state's answers are kept), and building it cost what
    reading the rollup costs (40-50 ms of CPU at a million events, and as much again for the map
    from it)."""
    prefix = threshold_of(f) if f is not None else None
    if sel.start or sel.end or (prefix is not None and not db.stored(f"places_{prefix}")):
        return "rollup"
    if (f is None or answers(f)) and not db.stored("places"):
        # Where the store wrote the sums per place (with a whole rollup part) they are read as they
        # are, as the first map of a process reads them: a table from the fact rows built for the
        # next map of every date was 70 ms more of that answer's CPU at a million events.
        from dashboard.app import duck_fact as DF

        fact = DF.build(db) if DF.held(db) else None
        if fact is not None:
            return DF.places_table(db, fact)
    return _summed(db, "places", f)


def places_summary(db: D.DuckEngine, sel: Selection, f: Filters | None = None, source: str = "rollup") -> pd.DataFrame:
    """duck.places_summary(db, f, sel) (the selection's place is not applied, as there); `source`:
    another table of the rollup's shape (a filter state's: duck_states), read with no filter, or
    the rollup per place (places_source), whose first and last dates are columns."""
    cond, params = _cond(f, Selection(sel.start, sel.end))
    key = KEY_OF.format(loc="location", lat="lat_i", lon="lon_i")
    spans = ("first", "last") if "_places" in source else (S.EVENT_DATE, S.EVENT_DATE)
    # One group per place with a sum per type (duck_mix), where a group per place and type ordered
    # each place's types in a list: 35 -> 20 ms for 42,752 rows of the rollup at ten million events.
    # A place without a name or coordinates is left out, as the join of the two groups left it.
    listed = f"SELECT DISTINCT event_type AS t FROM {source} WHERE event_type IS NOT NULL ORDER BY t"
    types = [str(t) for t in db.query(listed)["t"]]
    sums = MX.per_type(measure_of(f, "reports"), [f"event_type = {HQ.quoted(t)}" for t in types])
    named = " AND ".join(f"{c} IS NOT NULL" for c in ("location", "lat_i", "lon_i"))
    df = db.query(
        f"""
        WITH p AS (SELECT location, lat_i, lon_i, any_value(latitude) AS latitude, any_value(longitude) AS longitude,
                          any_value(country) AS country, max(geo_precision) AS geo_precision, min({spans[0]}) AS first,
                          max({spans[1]}) AS last, sum({measure_of(f, "events")}) AS n_events,
                          sum({measure_of(f, "low")}) AS fatalities, sum({measure_of(f, "high")}) AS high,
                          sum({measure_of(f, "tolled")}) AS tolled{sums}
                   FROM {source} WHERE {cond} AND {named} GROUP BY location, lat_i, lon_i)
        SELECT {key} AS place_key, p.* EXCLUDE (lat_i, lon_i, high), greatest(p.high, p.fatalities) AS fatalities_high
        FROM p ORDER BY n_events DESC, place_key""",
        params,
    )
    return MX.with_main_and_mix(df, types)[SUMMARY_COLUMNS]


def timeline_series(
    db: D.DuckEngine,
    sel: Selection | None,
    unit: str,
    measure: str,
    f: Filters | None = None,
    source: str = "rollup",
    over: tuple[str, list] | None = None,
) -> pd.DataFrame | None:
    """duck.timeline_series(db, f, sel, unit, measure); None when `where` cannot say. `over`: the
    condition over `source` instead of `where`'s (duck_fact.where)."""
    got = over or where(sel, f)
    if got is None:
        return None
    cond, params = got
    value = measure_of(f, "low" if measure == "deaths" else "events")
    day = "date_diff('day', DATE '1970-01-01', CAST(event_date AS DATE))"
    rows = db.query(
        f"""
        SELECT {day} AS start, CASE date_precision WHEN 'month' THEN 1 WHEN 'year' THEN 2 ELSE 0 END AS kind,
               event_type AS type, sum({value})::DOUBLE AS v
        FROM {source} WHERE {cond} AND event_date IS NOT NULL AND event_type IS NOT NULL
        GROUP BY ALL HAVING sum({measure_of(f, "events")}) > 0 ORDER BY start, kind, type""",
        params,
    )
    return D.series_from_days(rows, unit)


def total_events(db: D.DuckEngine) -> int:
    # From the sums per date (a sum of sums): read or derived from the store's files, not the rollup.
    return int(db.query(f"SELECT coalesce(sum(events), 0) AS n FROM {_summed(db, 'days', None)}").iloc[0]["n"])


def date_extent(
    db: D.DuckEngine, f: Filters | None = None, source: str = "rollup"
) -> tuple[pd.Timestamp, pd.Timestamp] | None:
    """duck.date_extent(db, f): the 2 % quantile of the reports' dates (linear, as pandas and
    DuckDB's quantile_cont), from their counts per date, to the last date."""
    cond, params = _cond(f, None)
    per = db.query(
        f"SELECT epoch_ns(event_date) AS t, sum({measure_of(f, 'reports')}) AS n FROM {source} "
        f"WHERE event_date IS NOT NULL "
        f"AND {cond} GROUP BY 1 ORDER BY 1",
        params,
    )
    if per.empty:
        return None
    t, cum = per["t"].to_numpy(np.int64), np.cumsum(per["n"].to_numpy(np.int64))
    n = int(cum[-1])
    if n < 50:
        return pd.Timestamp(int(t[0])), pd.Timestamp(int(t[-1]))
    h = (n - 1) * 0.02
    lo = int(np.floor(h))
    a, b = (float(t[np.searchsorted(cum, k, side="right")]) for k in (lo, min(lo + 1, n - 1)))
    q = float(np.quantile(np.array([a, b]), h - lo))
    return pd.Timestamp(int(round(q))), pd.Timestamp(int(t[-1]))


def newest_since(
    db: D.DuckEngine,
    sel: Selection,
    limit: int,
    f: Filters | None = None,
    source: str = "rollup",
    over: tuple[str, list] | None = None,
) -> pd.Timestamp | None:
    """The date from which the selection holds at least `limit` reports (the newest rows are all on
    or after it: their query then reads only the row groups from there on); None when it holds fewer
    dated reports (undated rows come last, and may be needed). `over`: as in timeline_series."""
    got = over or where(sel, f)
    if got is None:
        return None
    cond, params = got
    per = db.query(
        f"SELECT event_date AS d, sum({measure_of(f, 'reports')}) AS n FROM {source} WHERE {cond} "
        "AND event_date IS NOT NULL "
        "GROUP BY 1 ORDER BY 1 DESC",
        params,
    )
    if per.empty:
        return None
    cum = np.cumsum(per["n"].to_numpy(np.int64))
    at = int(np.searchsorted(cum, limit))
    return None if at >= len(per) else pd.Timestamp(per["d"].iloc[at])


def place_labels_sql(source: str = "rollup") -> str:
    """What duck.place_labels reads per place, from the rollup or its table per place (places_source
    of no filter and no dates: every place, a twentieth of the rollup's rows, built by the first map
    of a process just before the labels are read)."""
    from dashboard.app.places import LABEL_SOURCE

    cols = ", ".join(f"any_value({c}) AS {c}" for c in LABEL_SOURCE if c != S.LOCATION)
    key = KEY_OF.format(loc="location", lat="lat_i", lon="lon_i")
    return f"SELECT {key} AS place_key, location, {cols} FROM {source} GROUP BY location, lat_i, lon_i"
