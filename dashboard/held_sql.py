"""The SQL of the dashboard's held tables (dashboard/store_held.py), which the store writes them with
and the DuckDB engine of the dashboard builds or derives them with (dashboard/app/duck_engine.py's
`events` view, duck_listed, duck_actors, duck_fact): one text, so the same rows either way."""

from __future__ import annotations

import pyarrow as pa

from dashboard import rollup_sums as RS
from dashboard import schema as S

# The marker key, as schema.place_keys writes it (name | lat | lon rounded to 4 places, Python's float text),
# from a place's coordinates as integers (rollup_sums.TENTHOUSANDTHS: numpy's round, half to even).
KEY_OF = (
    "coalesce({loc}, 'None') || '|' || coalesce(CAST({lat} / 10000 AS VARCHAR), 'nan') || '|' || "
    "coalesce(CAST({lon} / 10000 AS VARCHAR), 'nan')"
)
PLACE_KEY_SQL = KEY_OF.format(
    loc="location", lat=RS.TENTHOUSANDTHS.format("latitude"), lon=RS.TENTHOUSANDTHS.format("longitude")
)

EXCERPT_LIMIT = 25  # sentences a page of the panel lists (the app's excerpts and duck_listed read it)
# The columns a listed sentence reads (excerpt_records, excerpt_item, meta_text, report_badges,
# excerpt_actions): a store answered by DuckDB reads only these of the listed rows
# (tests/test_excerpts_panel.py holds the list to the panel built from whole rows).
LISTED_COLUMNS: tuple[str, ...] = (
    S.EVENT_ID,
    S.ARTICLE_ID,
    S.EVENT_DATE,
    S.DATE_PRECISION,
    S.IS_FUTURE,
    S.EVENT_TYPE,
    S.SUB_EVENT_TYPE,
    S.TRIGGER_START,
    S.TRIGGER_END,
    S.LOCATION,
    S.TOPONYM_START,
    S.TOPONYM_END,
    S.GEO_PRECISION,
    S.FATALITIES,
    S.FATALITIES_LOW,
    S.FATALITIES_HIGH,
    S.INJURED,
    S.DISPLACED,
    S.N_SOURCES,
    S.EXCERPT,
    S.EXCERPT_START,
    S.EXCERPT_END,
    S.TITLE,
    S.SOURCE,
    S.URL,
    S.PUBLISHED,
    S.PUBLISHED_INFERRED,
)

# duck_listed's table: LIMIT rows kept per date and per place (the panel's first page), and at most
# RECENT rows of the newest dates kept whole.
LIMIT = EXCERPT_LIMIT
RECENT = 50_000
# The columns held: the panel's, and those a filter's and the selection's condition read (duck_where).
FILTERED = (S.COUNTRY, S.ADMIN1, S.ACTOR1, S.ACTOR2, S.LATITUDE, S.LONGITUDE, S.CONFIDENCE)
HELD = tuple(dict.fromkeys((*LISTED_COLUMNS, *FILTERED, S.PLACE_KEY, "lat_i", "lon_i")))
PLACE = "location, lat_i, lon_i"
PLACE_COLUMNS = (S.LOCATION, "lat_i", "lon_i")  # a place, as duck_fact numbers them
SAME_PLACE = " AND ".join(f"r.{c} IS NOT DISTINCT FROM p.{c}" for c in PLACE.split(", "))


def tolls_select(extra: str = "", source: str = "events") -> str:
    """Per event reported more than once among `source`'s rows, the lowest and highest death count
    its reports give (the engine's `tolls`; `extra`: more aggregates of the same scan)."""
    return (
        f"SELECT cluster_id, min(fatalities) AS low, max(fatalities) AS high{extra} FROM {source} WHERE NOT lone "
        "GROUP BY cluster_id"
    )


ACTORS_LIMIT = 2**15  # actors the table's small integers number; with more, no table


def view_sql(files_sql: str, extra: str = "") -> str:
    """The engine's `events` view over a relation of stored events (store_sql.events_sql; `extra`:
    more of its columns): the events (mentions are neither drawn nor counted), each with its place's
    key, coordinates as integers, and whether it is an event's lone report."""
    return (
        f"SELECT {', '.join(S.NAMES)}{extra}, {PLACE_KEY_SQL} AS place_key, "
        f"{RS.TENTHOUSANDTHS.format('latitude')} AS lat_i, {RS.TENTHOUSANDTHS.format('longitude')} AS lon_i, "
        f"coalesce(cluster_id, event_id) = event_id AS lone FROM {files_sql} "
        f"WHERE record_kind IS DISTINCT FROM 'mention'"
    )


def listed_sql(relation: str) -> list[str]:
    """The statements whose last gives the rows of `relation` (the events view's columns) among their
    date's LIMIT newest (in the panel's order: published, then id) or their place's LIMIT newest
    (event date, published, id), and every row of the newest dates whose rows are RECENT or fewer:
    their HELD columns and, on every row, the first of those dates (`since`), whether it is among
    the first or the last (`dated`) and whether among its place's (`placed`)."""
    # As duck_newest.newest_sql: each group's LIMIT-th value first (narrow columns), then only the
    # rows on or after it are numbered: numbering every row sorted them all. The ids first, into a
    # table: the rows' wide columns are then decoded in one pass (one query of all of it decoded
    # them more than once, and recomputed the groups: 14.6 against 9.3 CPU s at ten million events).
    d = (
        f"CREATE TABLE d AS SELECT event_date, list_min(max(published, {LIMIT})) AS floor, count(published) AS n, "
        f"count(*) AS rows FROM {relation} GROUP BY event_date"
    )
    h = (
        "CREATE TABLE h AS SELECT min(event_date) AS since FROM (SELECT event_date, sum(rows) OVER "
        f"(ORDER BY event_date DESC) AS c FROM d WHERE event_date IS NOT NULL) WHERE c <= {RECENT}"
    )
    ids = (
        f"CREATE TABLE ids AS WITH p AS (SELECT {PLACE}, list_min(max(event_date, {LIMIT})) AS floor, "
        f"count(event_date) AS n FROM {relation} GROUP BY ALL), "
        f"by_date AS (SELECT r.event_id FROM {relation} r JOIN d ON r.event_date IS NOT DISTINCT FROM d.event_date "
        f"WHERE d.n < {LIMIT} OR r.published >= d.floor "
        f"QUALIFY row_number() OVER (PARTITION BY r.event_date ORDER BY r.published DESC NULLS LAST, r.event_id) "
        f"<= {LIMIT}), "
        f"by_place AS (SELECT r.event_id FROM {relation} r JOIN p ON {SAME_PLACE} "
        f"WHERE p.n < {LIMIT} OR r.event_date >= p.floor "
        f"QUALIFY row_number() OVER (PARTITION BY r.location, r.lat_i, r.lon_i ORDER BY "
        f"r.event_date DESC NULLS LAST, r.published DESC NULLS LAST, r.event_id) <= {LIMIT}) "
        "SELECT event_id, bool_or(dated) AS dated, bool_or(placed) AS placed FROM "
        "(SELECT event_id, true AS dated, false AS placed FROM by_date "
        "UNION ALL SELECT event_id, false, true FROM by_place) GROUP BY event_id"
    )
    held = ", ".join(f"r.{c}" for c in HELD)
    rows = (
        f"SELECT {held}, h.since, coalesce(r.event_date >= h.since, false) OR coalesce(i.dated, false) AS dated, "
        f"coalesce(i.placed, false) AS placed FROM {relation} r CROSS JOIN h "
        "LEFT JOIN ids i ON r.event_id = i.event_id WHERE r.event_date >= h.since OR i.event_id IS NOT NULL"
    )
    return [d, h, ids, rows]


def listed_tables(rows: pa.Table) -> tuple[pa.Table, pa.Table]:
    """duck_listed's two tables from listed_sql's rows: those by date (sorted by date) and those by
    place (sorted by place), without the columns that told them apart. Ties in id order: the same
    rows in the same order however DuckDB's threads handed them over."""
    by_date = rows.filter(rows["dated"]).sort_by([(S.EVENT_DATE, "ascending"), (S.EVENT_ID, "ascending")])
    by_date = by_date.drop(["dated", "placed"])
    by_place = rows.filter(rows["placed"]).sort_by([(c, "ascending") for c in (*PLACE_COLUMNS, S.EVENT_ID)])
    return by_date, by_place.drop(["dated", "placed"])


# duck_newest's table: per event date, its NEWEST first rows in the panel's order (the most the panel
# asks for at once: a second page), with the part each lies in.
NEWEST = 50
NEWEST_IN_DATE = "r.published DESC NULLS LAST, r.event_id"  # duck.NEWEST_ORDER within one date
NEWEST_COLUMNS = "event_date, event_id, published"


def newest_sql(relation: str) -> str:
    """Per event date of `relation` (the events with their part's `filename`), its NEWEST first rows:
    the date, id, publication and part (NULL for a whole overlay row)."""
    # Two passes over narrow columns: each date's NEWEST-th latest publication first (and how many
    # of its rows have one), then its rows published on or after it (every row where fewer have
    # one: the undated come last), numbered in the panel's order. Numbering every row of a date
    # sorted them all: 8 CPU s at ten million events, against 1.8.
    return (
        f"WITH f AS (SELECT event_date, list_min(max(published, {NEWEST})) AS floor, "
        f"count(published) AS n FROM {relation} GROUP BY event_date) "
        f"SELECT r.event_date, r.event_id, r.published, r.filename FROM {relation} r "
        "JOIN f ON r.event_date IS NOT DISTINCT FROM f.event_date "
        f"WHERE f.n < {NEWEST} OR r.published >= f.floor "
        f"QUALIFY row_number() OVER (PARTITION BY r.event_date ORDER BY {NEWEST_IN_DATE}) <= {NEWEST}"
    )


def quoted(path: str) -> str:
    """A path as an SQL string literal."""
    return "'" + path.replace("'", "''") + "'"


def newest_file_sql(path: str, root: str) -> str:
    """The rows of the file the store wrote newest_sql's table to (store_held: each row's part as a
    path under the store's root, which a store copied elsewhere keeps) with each part's path as the
    engine names it (`root`/part, as DuckEngine.events_in reads it back)."""
    prefix = quoted(root.rstrip("/") + "/")
    return f"SELECT {NEWEST_COLUMNS}, {prefix} || part AS filename FROM read_parquet([{quoted(path)}])"


def newest_derived_sql(path: str, root: str, base: list[str], patches: list[str]) -> str:
    """newest_sql's table of a generation from the file of an earlier one (`path`, newest_file_sql)
    and the base parts and patches written since (store_held.since_held). Exact, as appends only add
    rows and their patches change no date or publication: a row among its date's NEWEST first now
    was among them before or is new."""
    from dashboard import store_sql as Q

    rows = f"(SELECT * FROM ({newest_file_sql(path, root)})"
    if base:  # the later parts' rows (their patches change no column read here)
        later = view_sql(Q.events_sql(base, patches, filename=True), ", filename")
        rows += f" UNION ALL SELECT {NEWEST_COLUMNS}, filename FROM ({later})"
    rows += ")"
    return (
        f"SELECT r.event_date, r.event_id, r.published, r.filename FROM {rows} r QUALIFY row_number() OVER "
        f"(PARTITION BY r.event_date ORDER BY {NEWEST_IN_DATE}) <= {NEWEST}"
    )


def places_sql(source: str, offset: str = "0") -> str:
    """Each place of `source` (a relation of the rollup's columns with lat_i, lon_i) with its
    integer (from offset + 1, in the places' order), key, coordinates, country, and whether it
    has one of each and reports in every row (`uniform`): duck_fact's places."""
    key = KEY_OF.format(loc="location", lat="lat_i", lon="lon_i")
    cols = ", ".join(PLACE_COLUMNS)
    one_country = "count(DISTINCT country) + (count(*) > count(country))::INTEGER <= 1"
    return (
        f"SELECT ({offset} + row_number() OVER (ORDER BY {cols}))::INTEGER AS pid, {cols}, {key} AS place_key, "
        "any_value(latitude) AS latitude, any_value(longitude) AS longitude, any_value(country) AS country, "
        "(min(latitude) IS NOT DISTINCT FROM max(latitude) AND min(longitude) IS NOT DISTINCT FROM max(longitude) "
        f"AND {one_country} AND min(reports) > 0) AS uniform FROM {source} GROUP BY {cols}"
    )


def types_sql(source: str) -> str:
    """The event types of `source`, each with its index (`tid`) in their sorted order."""
    return (
        f"SELECT (row_number() OVER (ORDER BY {S.EVENT_TYPE}) - 1)::SMALLINT AS tid, {S.EVENT_TYPE} "
        f"FROM (SELECT DISTINCT {S.EVENT_TYPE} FROM {source} WHERE {S.EVENT_TYPE} IS NOT NULL)"
    )


def rows_sql(source: str, places: str, types: str, extra: str = "", order: bool = True) -> str:
    """duck_fact's rows of `source`: its rows with their place's integer and type's index (`extra`:
    more of its columns), sorted by date unless `order` is False."""
    same = " AND ".join(f"r.{c} IS NOT DISTINCT FROM p.{c}" for c in PLACE_COLUMNS)
    return (
        f"SELECT p.pid, r.{S.EVENT_DATE}, r.{S.EVENT_TYPE}, y.tid, r.{S.DATE_PRECISION}, r.{S.GEO_PRECISION}, "
        f"r.reports, r.events, r.low, r.high{extra} FROM {source} r JOIN {places} p ON {same} "
        f"LEFT JOIN {types} y ON r.{S.EVENT_TYPE} = y.{S.EVENT_TYPE}" + (f" ORDER BY r.{S.EVENT_DATE}" if order else "")
    )


def part_source(path: str) -> str:
    """A rollup part's rows as duck_fact_base numbers them: with their row number in the part (`rn`)
    and their coordinates as integers."""
    quoted = "'" + path.replace("'", "''") + "'"
    return (
        f"(SELECT * EXCLUDE (file_row_number), file_row_number AS rn, {RS.INTS} "
        f"FROM read_parquet([{quoted}], file_row_number=true))"
    )


def names_sql() -> str:
    """Each actor a row names (actor1 or actor2, blanks left out: a filter never holds one) with its
    integer (`aid`, from 0 in the names' order)."""
    return (
        "SELECT v AS actor, (row_number() OVER (ORDER BY v) - 1)::INTEGER AS aid FROM (SELECT DISTINCT v FROM "
        "(SELECT actor1 AS v FROM events UNION ALL SELECT actor2 FROM events) WHERE v IS NOT NULL AND v <> '')"
    )


def actors_sql(names: str, places: str) -> str:
    """Per actor (aid), place (pid), date, type (tid) and precisions, the counts duck_states.state_sql
    gives for that actor, from the events and their tolls, with the table `names` (names_sql),
    duck_fact's table `places`, and the fact's types as the parameter. Each row's place, type and
    actors become their integers first (grouped by strings the count took a fifth more CPU), rows
    that name no actor are left out before anything is counted, and nothing is materialized: the
    rows of ten million events, held, had the process 300 MB higher. A row whose place or type is
    not the fact's gets a NULL pid or tid (the caller declines then)."""
    same_place = " AND ".join(f"e.{c} IS NOT DISTINCT FROM p.{c}" for c in PLACE_COLUMNS)
    return f"""
        WITH r AS (
            SELECT p.pid, CASE WHEN e.{S.EVENT_TYPE} IS NULL THEN -1
                               ELSE list_position(?::VARCHAR[], e.{S.EVENT_TYPE}) - 1 END::SMALLINT AS tid,
                   e.{S.EVENT_DATE}, e.{S.DATE_PRECISION}, e.{S.GEO_PRECISION}, e.event_id, e.cluster_id, e.lone,
                   e.fatalities, n1.aid AS a1, n2.aid AS a2
            FROM events e LEFT JOIN {places} p ON {same_place}
            LEFT JOIN {names} n1 ON e.actor1 = n1.actor LEFT JOIN {names} n2 ON e.actor2 = n2.actor
            WHERE n1.aid IS NOT NULL OR n2.aid IS NOT NULL),
        a AS NOT MATERIALIZED (
            SELECT unnest(CASE WHEN a1 IS NULL THEN [a2] WHEN a2 IS NULL OR a2 = a1 THEN [a1] ELSE [a1, a2] END) AS aid,
                   * EXCLUDE (a1, a2) FROM r),
        f AS (SELECT c.aid, c.cluster_id, c.first, coalesce(t.low, 0) AS low, coalesce(t.high, 0) AS high,
                     (t.low IS NOT NULL)::INTEGER AS known
              FROM (SELECT aid, cluster_id, min(event_id) AS first FROM a WHERE NOT lone GROUP BY aid, cluster_id) c
              JOIN tolls t USING (cluster_id))
        SELECT a.aid::SMALLINT AS aid, a.pid, a.{S.EVENT_DATE}, a.tid, a.{S.DATE_PRECISION},
               a.{S.GEO_PRECISION}::TINYINT AS {S.GEO_PRECISION}, count(*)::INTEGER AS reports,
               count(*) FILTER (WHERE lone OR a.event_id = f.first)::INTEGER AS events,
               coalesce(sum(CASE WHEN lone THEN coalesce(a.fatalities, 0) WHEN a.event_id = f.first
                            THEN f.low END), 0)::INTEGER AS low,
               coalesce(sum(CASE WHEN lone THEN coalesce(a.fatalities, 0) WHEN a.event_id = f.first
                            THEN f.high END), 0)::INTEGER AS high,
               coalesce(sum(CASE WHEN lone THEN (a.fatalities IS NOT NULL)::INTEGER WHEN a.event_id = f.first
                            THEN f.known END), 0)::INTEGER AS tolled
        FROM a LEFT JOIN f ON NOT a.lone AND a.aid = f.aid AND a.cluster_id = f.cluster_id
        GROUP BY ALL ORDER BY aid, {S.EVENT_DATE}"""


# A filter state's counts in the fact rows' shape (duck_actors' table, a search's rows) summed once
# more (duck_states.Kept's `days` and `placed`): per date, date precision and type, what the
# timeline, the date extent and the newest rows' bound read while no place is selected; per place,
# what the map reads while no dates are. Each answer then reads a few thousand rows where it read
# the state's (an actor's 400,000 at ten million events, four times per filter answer). `by`: keys
# before them (duck_actors' `aid`: every actor's sums in one table, sorted by actor).
SUMS = ("reports", "events", "low", "high", "tolled")


def days_sql(rows: str, by: str = "") -> str:
    """The state `rows` summed per date, date precision and type (`tid`)."""
    keys = f"{by}, " if by else ""
    sums = ", ".join(f"sum({c})::BIGINT AS {c}" for c in SUMS)
    return (
        f"SELECT {keys}{S.EVENT_DATE}, {S.DATE_PRECISION}, tid, {sums} FROM {rows} "
        f"GROUP BY ALL ORDER BY {keys}{S.EVENT_DATE}"
    )


def placed_sql(rows: str, n_types: int, by: str = "") -> str:
    """The state `rows` summed per place (`pid`) as duck_fact.places_summary sums them (its reports
    per type `n0`, `n1`, ... of `n_types`), for it to sum once more (placed_again)."""
    keys = f"{by}, " if by else ""
    per_type = "".join(f", sum(reports) FILTER (WHERE tid = {i})::BIGINT AS n{i}" for i in range(n_types))
    return (
        f"SELECT {keys}pid, max({S.GEO_PRECISION})::BIGINT AS {S.GEO_PRECISION}, min({S.EVENT_DATE}) AS first, "
        f"max({S.EVENT_DATE}) AS last, sum(events)::BIGINT AS n_events, sum(low)::BIGINT AS fatalities, "
        f"sum(high)::BIGINT AS high, sum(tolled)::BIGINT AS tolled{per_type} FROM {rows} "
        f"GROUP BY ALL ORDER BY {keys}pid"
    )


def type_name(types: tuple[str, ...]) -> str:
    """The column of a type's name from its index `r.tid` among `types` (-1: none)."""
    names = "[" + ", ".join(quoted(t) for t in types) + "]::VARCHAR[]"
    return f"CASE WHEN r.tid < 0 THEN NULL ELSE ({names})[r.tid + 1] END AS {S.EVENT_TYPE}"


def placed_again(placed: str, n_types: int) -> str:
    """placed_sql's rows of `placed` per place once more: the columns and types duck_fact's per-place
    sums of a state's rows have (sums of sums: the same figures)."""
    per_type = "".join(f", sum(n{i}) AS n{i}" for i in range(n_types))
    return (
        f"SELECT pid, max({S.GEO_PRECISION}) AS {S.GEO_PRECISION}, min(first) AS first, max(last) AS last, "
        "sum(n_events) AS n_events, sum(fatalities) AS fatalities, sum(high) AS high, "
        f"sum(tolled) AS tolled{per_type} FROM {placed} GROUP BY pid"
    )


# The rows of the held tables whose later writes change: an event's count of sources and tolls.
PATCHED = tuple(c for c in HELD if c in (S.N_SOURCES, S.FATALITIES_LOW, S.FATALITIES_HIGH))


def derived_sql(files: dict[str, str], base: list[str], patches: list[str]) -> list[str]:
    """listed_sql's statements for a generation from the held tables of an earlier one (`files`)
    and the base parts and patches written since (since_held): the held rows with their cluster
    columns patched, and the later parts' rows, numbered in their dates and places; the newest
    dates whole from the earlier per-date counts and the later rows'. Exact, as appends only add
    rows: a row among its date's (or place's) LIMIT newest now was among them before or is new,
    and the dates held whole only move later (their rows only grow)."""
    from dashboard import store_sql as Q

    cols = ", ".join(HELD)
    kept = (
        f"SELECT {cols} FROM read_parquet([{quoted(files['listed'])}, {quoted(files['placed'])}]) "
        "QUALIFY row_number() OVER (PARTITION BY event_id) = 1"
    )
    if patches:
        swapped = ", ".join(f"CASE WHEN p.event_id IS NULL THEN k.{c} ELSE p.{c} END AS {c}" for c in PATCHED)
        latest = Q.latest_patch_sql(patches, [])
        kept = f"SELECT k.* REPLACE ({swapped}) FROM ({kept}) k LEFT JOIN {latest} p ON k.event_id = p.event_id"
    r0 = f"CREATE TABLE r0 AS {kept}"
    # The later parts' rows (no parts: the held columns and no rows).
    new = f"SELECT {cols} FROM ({view_sql(Q.events_sql(base, patches))})" if base else "SELECT * FROM r0 WHERE false"
    r = f"CREATE TABLE r AS SELECT * FROM r0 UNION ALL BY NAME {new}"
    d = (
        f"CREATE TABLE d AS SELECT event_date, sum(rows) AS rows FROM (SELECT event_date, rows FROM "
        f"read_parquet([{quoted(files['days'])}]) UNION ALL SELECT event_date, count(*) FROM ({new}) GROUP BY 1) "
        "GROUP BY 1"
    )
    h = (
        "CREATE TABLE h AS SELECT min(event_date) AS since FROM (SELECT event_date, sum(rows) OVER "
        f"(ORDER BY event_date DESC) AS c FROM d WHERE event_date IS NOT NULL) WHERE c <= {RECENT}"
    )
    numbered = (
        "SELECT *, row_number() OVER (PARTITION BY event_date ORDER BY published DESC NULLS LAST, event_id) "
        f"<= {LIMIT} AS by_date, row_number() OVER (PARTITION BY {PLACE} ORDER BY event_date DESC NULLS LAST, "
        f"published DESC NULLS LAST, event_id) <= {LIMIT} AS placed FROM r"
    )
    rows = (
        f"SELECT {cols}, since, dated, placed FROM (SELECT n.*, h.since, coalesce(n.event_date >= h.since, false) "
        f"OR n.by_date AS dated FROM ({numbered}) n CROSS JOIN h) WHERE dated OR placed"
    )
    return [r0, r, d, h, rows]
