"""The store's rollup with each place as an integer, for the answers with no filter that still read
the whole rollup: a brush's map (places within a date range) and a marker click's timeline and
newest rows' bound (one place over every date).

Those read the rollup where it lies (duck_rollup), ~550,000 rows at a million events: a brush's map
grouped every row of its range by (location, lat_i, lon_i) twice, strings among them, 25-80 ms; a
click scanned every row's place columns to find one place's, twice (20-35 ms each). Here, once
per generation (DuckEngine.summed, dropped with the generation's rollup), the rollup's places get
an integer each (table `_fplaces`: the place's key, name, coordinates and country) and its rows
become a narrow table of that integer, the date, type, precisions and the four (five with `tolled`) counts, sorted by
date (table `_fact`): a brush groups integers over its range's row groups and joins the few
thousand places it found; a click scans one integer column. Each answer is the one duck_rollup's
query gives over the rollup (tests/test_duck.py holds them frame for frame).

Only where that holds exactly: a place's name and integer coordinates are what duck_rollup groups
by, and it shows any one of the place's latitudes, longitudes and countries in the range; so this
path is taken only when every place has one of each (checked once per generation), and only with
no filter (DR.answers), whose measures are the plain counts.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from dashboard import held_sql as HQ
from dashboard import schema as S
from dashboard.app import duck as D
from dashboard.app import duck_mix as MX
from dashboard.app import duck_rollup as DR
from dashboard.app.duck_where import place_is
from dashboard.app.engine import SUMMARY_COLUMNS
from dashboard.app.filters import Filters
from dashboard.app.query import Selection

PLACE_COLUMNS = HQ.PLACE_COLUMNS
# duck_rollup.places_summary's columns, in its order.
OUT_COLUMNS = SUMMARY_COLUMNS


@dataclass(frozen=True)
class Fact:
    """One generation's tables and each place's integer, by (location, lat_i, lon_i)."""

    rows: str
    places: str
    ids: dict[tuple, int]
    types: tuple[str, ...]  # the event types, the fact rows' `tid` their index


def build(db: D.DuckEngine) -> Fact | None:
    """The current generation's Fact (held on the engine per generation: the views of a generation
    and duck_rollup.places_source ask for it); None when a place has several latitudes, longitudes
    or countries (duck_rollup's any_value could show either). Derived from the tables of the
    generation's first rollup part, kept while that part is (duck_fact_base), where it can be: a
    write's next answer then builds only what its delta parts touch."""
    from dashboard.app import duck_fact_base as FB

    gen, _ = db.rollup_now()
    held = db.fact_now
    if held is not None and held[0] == gen:
        return held[1]
    done, fact = FB.derived(db)
    fact = fact if done else build_whole(db)
    db.fact_now = (gen, fact)
    return fact


def held(db: D.DuckEngine) -> bool:
    """Whether the current generation's Fact is built, or derives from the tables of its first
    rollup part already built (duck_fact_base: a write's generation, where `build` reads only
    what the write's parts touch)."""
    gen, parts = db.rollup_now()
    held = db.fact_now
    if held is not None and held[0] == gen:
        return True
    return bool(parts) and any(b.path == parts[0] for b in db.fact_bases)


def stored(db: D.DuckEngine) -> bool:
    """Whether the store wrote the tables of the current generation's first rollup part with it
    (store_held): duck_fact_base reads them (at a million events 0.15 CPU s) instead of building."""
    from dashboard.app import duck_fact_base as FB

    _, parts = db.rollup_now()
    return bool(parts) and FB.FILES <= set(db.held().of_part(parts[0]))


def places_table(db: D.DuckEngine, fact: Fact) -> str:
    """The rollup per place, type and place precision with each row's first and last date, as
    duck_rollup.places_source's table of no filter, from the fact rows: grouped by integers where
    that table groups the rollup's rows by their strings, the whole rollup read anew per generation
    (0.36 s of the answer after a write at a million events). Its rows are not split by province or
    country code as that table's are; duck_rollup.places_summary, which groups them per place, gives
    the same answer (one latitude, longitude and country per place: `build`)."""
    measures = ("reports", "events", "low", "high", *(("tolled",) if tolled(db) else ()))
    sums = ", ".join(f"sum({m})::BIGINT AS {m}" for m in measures)
    return db.summed(
        "places_fact",
        f"SELECT p.location, p.lat_i, p.lon_i, p.latitude, p.longitude, p.country, r.* EXCLUDE (pid) FROM "
        f"(SELECT pid, {S.EVENT_TYPE}, {S.GEO_PRECISION}, min({S.EVENT_DATE}) AS first, max({S.EVENT_DATE}) AS last, "
        f"{sums} FROM {fact.rows} GROUP BY ALL) r JOIN {fact.places} p USING (pid) ORDER BY p.location",
    )


# As the store numbers them (store_held).
places_sql, types_sql, rows_sql = HQ.places_sql, HQ.types_sql, HQ.rows_sql


def tolled(db: D.DuckEngine) -> str:
    """rows_sql's `extra` that carries the rollup's `tolled` into the fact rows, where its parts hold
    it (those written before it have not got it: DuckViews then answers the places from the events)."""
    return ", r.tolled" if "tolled" in db.rollup_measures else ""


def ids_of(db: D.DuckEngine, places: str) -> dict[tuple, int]:
    """Each place's integer in `places`, by (location, lat_i, lon_i) (those with all three)."""
    named = " AND ".join(f"{c} IS NOT NULL" for c in PLACE_COLUMNS)
    ids = db.query(f"SELECT {', '.join(PLACE_COLUMNS)}, pid FROM {places} WHERE {named}")
    return {(n, int(a), int(o)): int(p) for n, a, o, p in ids.itertuples(index=False)}


def names_of(db: D.DuckEngine, types: str) -> tuple[str, ...]:
    return tuple(db.query(f"SELECT {S.EVENT_TYPE} FROM {types} ORDER BY tid")[S.EVENT_TYPE].tolist())


def build_whole(db: D.DuckEngine) -> Fact | None:
    """`build` from the generation's whole rollup (tables `rollup_<gen>_f*`)."""
    places = db.summed("fplaces", places_sql("rollup"))
    if not bool(db.query(f"SELECT coalesce(bool_and(uniform), true) AS u FROM {places}").iloc[0]["u"]):
        return None
    types = db.summed("ftypes", types_sql("rollup"))
    rows = db.summed("fact", rows_sql("rollup", places, types, tolled(db)))
    return Fact(rows, places, ids_of(db, places), names_of(db, types))


def applies(f: Filters) -> bool:
    """Whether these filters are none (the plain counts, every row)."""
    return DR.answers(f)


def where(fact: Fact, sel: Selection) -> tuple[str, list] | None:
    """duck_rollup.where(sel) over the fact rows: the selection's dates, and its place as its integer
    (a place the rollup has not: no rows); None for a place key without coordinates, which
    duck_rollup.where cannot compare either (the events answer it)."""
    sql, params = D.where(Filters(), Selection(sel.start, sel.end))
    if sel.place:
        probe: list = []
        if place_is(sel.place, probe) == "place_key = ?":
            return None
        sql += " AND pid = ?"
        params.append(fact.ids.get(tuple(probe), -1))
    return sql, params


def timeline(db: D.DuckEngine, fact: Fact | None, sel: Selection, unit: str, measure: str) -> pd.DataFrame | None:
    """duck_rollup.timeline_series(db, sel, unit, measure) (no filter) from the fact rows; None
    when they cannot say (no fact, a place key without coordinates)."""
    over = None if fact is None else where(fact, sel)
    return None if fact is None or over is None else DR.timeline_series(db, sel, unit, measure, None, fact.rows, over)


def newest_bound(db: D.DuckEngine, fact: Fact | None, sel: Selection, limit: int) -> tuple[pd.Timestamp | None] | None:
    """(duck_rollup.newest_since(db, sel, limit),) (no filter) from the fact rows; None when they
    cannot say (as `timeline`)."""
    over = None if fact is None else where(fact, sel)
    return None if fact is None or over is None else (DR.newest_since(db, sel, limit, None, fact.rows, over),)


def places_summary(db: D.DuckEngine, fact: Fact, sel: Selection, placed: str | None = None) -> pd.DataFrame:
    """duck_rollup.places_summary(db, sel) (no filter; the selection's place not applied, as there).
    Places without a name or coordinates are left out, as that query's join on them leaves them.
    `placed`: the fact rows' sums per place (held_sql.placed_sql), read instead while no dates are
    selected."""
    cond, params = where(fact, Selection(sel.start, sel.end)) or ("false", [])
    named = " AND ".join(f"d.{c} IS NOT NULL" for c in PLACE_COLUMNS)
    # Reports per type as one sum per type in the group per place (duck_mix; every type present
    # has reports, checked in `build`).
    per_type = MX.per_type("reports", [f"tid = {i}" for i in range(len(fact.types))])
    per_place = (
        f"""SELECT pid, max(geo_precision) AS geo_precision, min(event_date) AS first, max(event_date) AS last,
                   sum(events) AS n_events, sum(low) AS fatalities, sum(high) AS high, sum(tolled) AS tolled{per_type}
            FROM {fact.rows} WHERE {cond} GROUP BY pid"""
        if placed is None or sel.start or sel.end
        else HQ.placed_again(placed, len(fact.types))
    )
    df = db.query(
        f"""
        WITH p AS ({per_place})
        SELECT d.place_key, d.location, d.latitude, d.longitude, d.country, p.* EXCLUDE (pid, high),
               greatest(p.high, p.fatalities) AS fatalities_high
        FROM p JOIN {fact.places} d USING (pid) WHERE {named}
        ORDER BY n_events DESC, place_key""",
        params,
    )
    return MX.with_main_and_mix(df, fact.types)[OUT_COLUMNS]


def numbered_alike(db: D.DuckEngine, fact: Fact, path: str, every: bool = True) -> bool:
    """Whether the places of a file the store wrote (`pid` and PLACE_COLUMNS: store_held's) have the
    integers `fact` gives them; with `every`, and the fact no place the file has not (duck_actors'
    table numbers every place), else the file's places only (the word index's, whose generation
    later appends may have given more places)."""
    same = " AND ".join(f"s.{c} IS NOT DISTINCT FROM p.{c}" for c in PLACE_COLUMNS)
    missing = "s.pid IS NULL OR p.pid IS NULL" if every else "p.pid IS NULL"
    unlike = db.query(
        f"SELECT count(*) AS n FROM read_parquet(?) s {'FULL' if every else 'LEFT'} JOIN {fact.places} p "
        f"ON s.pid = p.pid AND {same} WHERE {missing}",
        [path],
    ).iloc[0]["n"]
    return not int(unlike)
