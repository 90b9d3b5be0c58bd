"""The store's rollup summed over fewer keys: per date, type and precisions, and per place, type and
its precision (dashboard/rollup.py holds the rollup). The dashboard's DuckDB engine keeps these per
generation (dashboard/app/duck_rollup.py), and a whole rollup part is written with its own
(dashboard/store_sql.py: write_whole_rollup), which the engine reads while that part is its
generation's only one."""

from __future__ import annotations

from dashboard import rollup as R
from dashboard import schema as S

# A place's coordinates in 10**-4 degrees as integers (numpy's round: half to even), as the
# dashboard compares and groups places (dashboard/app/duck_engine.py).
TENTHOUSANDTHS = "CAST(round_even({0} * 10000, 0) AS BIGINT)"
INTS = f"{TENTHOUSANDTHS.format('latitude')} AS lat_i, {TENTHOUSANDTHS.format('longitude')} AS lon_i"

# The rollup summed over fewer keys (the dashboard's tables per generation, DuckEngine.summed): the
# views that need no place or no date read a table a sixteenth to a twentieth of the rollup's rows
# (at a million events 28,448 per date, type and precisions and 33,691 per place, type and its
# precision, against 546,852), which a filter change (its date extent, whole timeline, map and
# newest rows' bound) and a brush's timeline read every time. Sums of sums are the sums: the same
# answers (tests/test_duck.py).
DAY_KEYS = (S.EVENT_DATE, S.EVENT_TYPE, S.DATE_PRECISION, S.GEO_PRECISION)
# What the map and the filters it answers read of a place (duck.where: country, province, the place
# and its box, towns only): not its country code or date precision, whose keys only split its rows.
PLACE_KEYS = (S.LOCATION, S.LATITUDE, S.LONGITUDE, S.COUNTRY, S.ADMIN1, S.EVENT_TYPE, S.GEO_PRECISION)
# Summed per place beside the sums: its dates' span, and a country code (which only the place
# labels read).
PLACE_SPANS = (
    f", min({S.EVENT_DATE}) AS first, max({S.EVENT_DATE}) AS last, any_value({S.COUNTRY_CODE}) AS country_code"
)
SUMMED_KINDS = {"days": (DAY_KEYS, "", ""), "places": (PLACE_KEYS, PLACE_SPANS, f", {INTS}")}


def sums_select(kind: str, measures: frozenset[str], prefix: str | None = None, source: str = "rollup") -> str:
    """The SELECT of the rollup (`source`: a relation of its columns) summed per the keys of `kind`
    (SUMMED_KINDS) as a filter on the minimum's level `prefix` reads it (None: no minimum), where the
    rollup's parts hold `measures`: without a minimum, the counts of every row and of one type;
    with one, that level's counts of the rows where a report passes it."""
    keys, extra, after = SUMMED_KINDS[kind]
    names = [f"{prefix}_{m}" for m in R.THRESHOLD_SUMS] if prefix else [*PLAIN]
    sums = ", ".join(f"sum({m})::BIGINT AS {m}" for m in names if m in measures)
    passing = f" WHERE {prefix}_reports > 0" if prefix else ""
    return (
        f"SELECT *{after} FROM (SELECT {', '.join(keys)}{extra}, {sums} FROM {source}{passing} GROUP BY ALL) "
        f"ORDER BY {keys[0]}"
    )


# The rollup summed per country beside DAY_KEYS (the dashboard's table per generation, built after the
# first answer under a filter: duck_rollup.build_country_days): a filter on countries read the whole rollup for its date
# extent, timeline and newest rows' bound, three scans of its 2.6 million rows at ten million events
# (~65 of the ~125 ms of a country's first answer on the request's thread); this table is 219,410
# rows there, sorted by country so that one country's rows lie together.
COUNTRY_DAY_KEYS = (S.COUNTRY, *DAY_KEYS)
# Its name among stored_tables: the store writes it with a whole rollup part (a table the dashboard
# built in a thread after its first answer under a filter, from the rollup: ~0.12 CPU s and a copy
# of its 219,410 rows at ten million events, which slowed the filter changes answered meanwhile by
# 30-80 ms; now, while that part is the generation's only one, the engine reads the file).
COUNTRY_DAYS = "days_country"


def country_days_select(measures: frozenset[str], source: str = "rollup") -> str:
    """The SELECT of the rollup (`source`) summed per COUNTRY_DAY_KEYS, with the plain counts and
    those of one type (sums_select's of no minimum), where the rollup's parts hold `measures`."""
    sums = ", ".join(f"sum({m})::BIGINT AS {m}" for m in PLAIN if m in measures)
    keys = ", ".join(COUNTRY_DAY_KEYS)
    return f"SELECT {keys}, {sums} FROM {source} GROUP BY ALL ORDER BY {S.COUNTRY}, {S.EVENT_DATE}"


def levels(measures: frozenset[str]) -> list[str]:
    """The prefixes of the minima's levels the rollup's parts hold (`measures`)."""
    return [prefix for _, _, prefix in R.LEVELS if f"{prefix}_reports" in measures]


def levels_select(measures: frozenset[str], source: str = "rollup") -> str:
    """The SELECT of the table `days_levels`: the rollup (`source`) summed per date, type and
    precisions (DAY_KEYS) with every level's measures. A level's days table (sums_select of its
    prefix) is then the rows of this one where a report passes (level_view): a sum of a level's
    measures over a group is their sum over the group's rows where one passes, as the rows where
    none does count 0 in them (dashboard/rollup.py). One pass for every level, where a filter's
    first answer at a level built its own."""
    sums = [
        f"sum({prefix}_{m})::BIGINT AS {prefix}_{m}"
        for prefix in levels(measures)
        for m in R.THRESHOLD_SUMS
        if f"{prefix}_{m}" in measures
    ]
    return f"SELECT {', '.join(DAY_KEYS)}, {', '.join(sums)} FROM {source} GROUP BY ALL ORDER BY {S.EVENT_DATE}"


def level_view(measures: frozenset[str], prefix: str, wide: str) -> str:
    """The SELECT of the level `prefix`'s days table from the table `wide` (levels_select), with the
    columns of sums_select's, in their order."""
    sums = [f"{prefix}_{m}" for m in R.THRESHOLD_SUMS if f"{prefix}_{m}" in measures]
    return f"SELECT {', '.join([*DAY_KEYS, *sums])} FROM {wide} WHERE {prefix}_reports > 0"


# Beside the sums a whole rollup part is written with (`sums` in its manifest entry), its rows' keys
# and plain measures sorted by place name in small row groups: after a write, the places it takes
# reports from are summed anew from their rows (summed_on_select), which in the part itself, sorted
# by date, lie in nearly every row group (0.10 of 0.18 CPU s at ten million events; 0.01 from this
# file). The levels' measures are left out (a level's table per place reads the part): 3.7 CPU s
# more for a whole rollup at ten million events, 14 MB.
BY_PLACE = "by_place"
BY_PLACE_ROW_GROUP = 16_384
PLAIN = ("reports", "events", "low", "high", "tolled", *R.TYPE_MEASURES.values())


def by_place_select(source: str = "rollup") -> str:
    """The SELECT of the file BY_PLACE from the rollup `source`."""
    return f"SELECT {', '.join([*R.ROLLUP_KEYS, *PLAIN])} FROM {source} ORDER BY {S.LOCATION}"


def stored_tables(measures: frozenset[str]) -> dict[str, str]:
    """The tables a whole rollup part is written with, by their name in the engine (DuckEngine.summed):
    the SELECT of each over `rollup`, per kind of SUMMED_KINDS of no minimum and of each level, and
    the sums per country and date (COUNTRY_DAYS)."""
    return {
        **{
            (f"{kind}_{prefix}" if prefix else kind): sums_select(kind, measures, prefix)
            for kind in SUMMED_KINDS
            for prefix in (None, *levels(measures))
        },
        COUNTRY_DAYS: country_days_select(measures),
    }


def kind_of(name: str) -> tuple[str, str | None]:
    """(kind, level prefix or None) of a table of stored_tables by its name: `days`, `places_min_conf_80`,
    COUNTRY_DAYS (a kind of its own)."""
    if name == COUNTRY_DAYS:
        return COUNTRY_DAYS, None
    kind, _, prefix = name.partition("_")
    return kind, prefix or None


def _quoted_files(paths: list[str]) -> str:
    return "[" + ", ".join("'" + p.replace("'", "''") + "'" for p in paths) + "]"


def summed_on_select(
    name: str,
    measures: frozenset[str],
    first: str,
    stored: str,
    later: list[str],
    touched: str,
    by_place: str | None = None,
) -> tuple[list[str], str]:
    """(statements to run first, the SELECT) of the table `name` of stored_tables for a rollup whose
    first part is the file `first`, written with its sums (`stored`: the file of this table), and
    whose later parts (writes' deltas) are the files `later`: the table sums_select gives over the
    generation's rollup, from the stored sums and the later parts, without summing the first part's
    rows anew (at ten million events, summing the rollup per place after a write took 0.6 CPU s).

    Per date (`days`): sums only, so the stored sums plus the later parts' rows, a key kept while its
    reports (a level's: its reports that pass) sum above 0, as the rollup has a key while it has
    reports. Per place: the sums, and the dates' span. A place no later row takes reports from (an
    ingest's: its rows only add reports) keeps every date it had: its stored row plus the later
    parts' sums, its span widened to their dates with reports. A place a write took reports from
    (a correction moved its rows away) may lose dates: summed anew from the first part's rows of its
    name (found through the name, DuckDB reading the rows of those names only; `by_place`: the
    first part's file BY_PLACE, which holds them together, read where it holds the table's
    measures) and the later parts' rows. `touched`: the name of the table of the touched places
    (their later sums) the statements create (the caller drops it with the others of its generation)."""
    kind, prefix = kind_of(name)
    parts = f"read_parquet({_quoted_files(later)}, union_by_name=true)"
    if kind in ("days", COUNTRY_DAYS):
        return [], _days_on(measures, prefix, stored, parts, COUNTRY_DAY_KEYS if kind == COUNTRY_DAYS else DAY_KEYS)
    gate = f"{prefix}_reports" if prefix else "reports"
    read = list(dict.fromkeys([*_names(measures, prefix), "reports", gate]))
    rows = by_place if by_place is not None and set(read) <= set(PLAIN) else first
    passing = f"FILTER (WHERE {gate} > 0)"
    later_sums = ", ".join(f"sum({m})::BIGINT AS {m}" for m in read)
    setup = [
        f"CREATE OR REPLACE TABLE {touched} AS SELECT {', '.join(PLACE_KEYS)}, coalesce(min({gate}) < 0, false) "
        f"AS shrinks, min({S.EVENT_DATE}) {passing} AS first, max({S.EVENT_DATE}) {passing} AS last, "
        f"any_value({S.COUNTRY_CODE}) {passing} AS country_code, {later_sums} FROM {parts} GROUP BY ALL"
    ]
    return setup, _places_on(measures, prefix, stored, parts, rows, read, touched)


def _names(measures: frozenset[str], prefix: str | None) -> list[str]:
    """The measures a table of stored_tables sums (sums_select's), of those the parts hold."""
    names = [f"{prefix}_{m}" for m in R.THRESHOLD_SUMS] if prefix else [*PLAIN]
    return [m for m in names if m in measures]


def _days_on(
    measures: frozenset[str], prefix: str | None, stored: str, parts: str, by: tuple[str, ...] = DAY_KEYS
) -> str:
    """summed_on_select's SELECT of a table per date (`by`: its keys, DAY_KEYS or COUNTRY_DAY_KEYS):
    the stored sums plus the later parts' rows."""
    keys, names = ", ".join(by), _names(measures, prefix)
    sums = ", ".join(f"sum({m})::BIGINT AS {m}" for m in names)
    rows = (
        f"SELECT {keys}, {', '.join(names)} FROM read_parquet({_quoted_files([stored])}) "
        f"UNION ALL BY NAME SELECT {keys}, {', '.join(names)} FROM {parts}"
    )
    gate = f"{prefix}_reports" if prefix else "reports"
    summed = f"SELECT {keys}, {sums} FROM ({rows}) GROUP BY ALL HAVING sum({gate}) > 0"
    return f"SELECT * FROM ({summed}) ORDER BY {by[0]}"


def _places_on(
    measures: frozenset[str], prefix: str | None, stored: str, parts: str, rows: str, read: list[str], touched: str
) -> str:
    """summed_on_select's SELECT of a table per place: the stored rows of the places not `touched`;
    those touched that only gain reports, their stored row plus their later sums; those that lose
    some, summed anew from the file `rows` (the first part's rows, or its rows by place) and the
    later parts (`parts`), the measures `read`."""
    rollup_keys = ", ".join(R.ROLLUP_KEYS)
    on = " AND ".join(f"r.{k} IS NOT DISTINCT FROM t.{k}" for k in PLACE_KEYS)
    gate = f"{prefix}_reports" if prefix else "reports"
    # The rollup's keys of the places that lose reports, each summed over the first part and the
    # later parts (one row per key in the first part: these sums are the rollup's rows), kept as the
    # rollup keeps a key: while a measure is not 0.
    shrunk = f"(SELECT * FROM {touched} WHERE shrinks)"
    summed = (
        f"(SELECT {rollup_keys}, {', '.join(f'sum({m})::BIGINT AS {m}' for m in read)} FROM ("
        f"SELECT {rollup_keys}, {', '.join(read)} FROM read_parquet({_quoted_files([rows])}) "
        f"WHERE location IN (SELECT location FROM {shrunk}) OR "
        f"(location IS NULL AND EXISTS (SELECT 1 FROM {shrunk} WHERE location IS NULL)) "
        f"UNION ALL BY NAME SELECT {rollup_keys}, {', '.join(read)} FROM {parts}) GROUP BY ALL "
        f"HAVING {' OR '.join(f'sum({m}) <> 0' for m in read)})"
    )
    fresh = sums_select("places", measures, prefix, f"(SELECT r.* FROM {summed} r SEMI JOIN {shrunk} t ON {on})")
    # least and greatest pass over NULL: a place the stored table has not, or no later date with reports.
    grown_sums = ", ".join(
        f"(coalesce(r.{m}, 0) + coalesce(t.{m}, 0))::BIGINT AS {m}" for m in _names(measures, prefix)
    )
    grown = (
        f"SELECT *, {INTS} FROM (SELECT {', '.join(f't.{k}' for k in PLACE_KEYS)}, least(r.first, t.first) AS first, "
        f"greatest(r.last, t.last) AS last, coalesce(r.country_code, t.country_code) AS country_code, {grown_sums} "
        f"FROM {touched} t LEFT JOIN read_parquet({_quoted_files([stored])}) r ON {on} "
        f"WHERE NOT t.shrinks AND coalesce(r.{gate}, 0) + coalesce(t.{gate}, 0) > 0)"
    )
    return (
        f"SELECT * FROM (SELECT r.* FROM read_parquet({_quoted_files([stored])}) r ANTI JOIN {touched} t ON {on} "
        f"UNION ALL BY NAME {grown} UNION ALL BY NAME SELECT * FROM ({fresh})) ORDER BY {PLACE_KEYS[0]}"
    )
