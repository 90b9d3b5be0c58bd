"""Every actor's filter state at once, per generation: one actor chosen is answered without a scan.

The rollup has no actor among its keys, so a filter on an actor was counted from the events into a
table of its own (duck_states): a scan of every row's actors, places and ids, 0.35-1.2 s of the
answer at a million events, each time an actor is chosen. Here, once per generation, when a request
first filters by one actor (DuckViews._actors), the events are counted per actor in one pass (each
row under its actor1 and, when it differs, its actor2), as duck_states.state_sql counts the rows of
one actor: `reports`, `events` (an event counted at its first report naming that actor), `low` and
`high` (that event's tolls over all its reports). Narrow: each place is duck_fact's integer and each
type its index, the actor a small integer (~58 bytes a row held, 609,316 rows at a million synthetic
events). A state of one actor and no other filter is then its rows, with the place's and type's
columns joined back in (`state_select`): the table duck_states builds from the events, row for row
(tests/actor_states.py, after appends, a correction, its undo, a compaction and a kill -9).

Only where that holds exactly: with duck_fact's tables (every place one latitude, longitude and
country), and every row's place and type among theirs (else nothing is built, and the events
answer as before).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import pyarrow as pa

from dashboard import schema as S
from dashboard.app import duck as D
from dashboard.app import duck_apart as A
from dashboard.app import duck_fact as DF
from dashboard.app import duck_rollup as DR
from dashboard.app.filters import Filters

SUFFIX = "actors"  # the table's name: rollup_<generation>_actors (DuckEngine.summed_held)
# What the count reads of each row (duck_states.state_sql's columns, the place by its name and
# integer coordinates: its latitude, longitude and country come back from duck_fact's places).
COLUMNS = (
    f"{S.LOCATION}, lat_i, lon_i, {S.EVENT_DATE}, {S.EVENT_TYPE}, {S.DATE_PRECISION}, {S.GEO_PRECISION}, "
    "event_id, cluster_id, lone, fatalities, actor1, actor2"
)


@dataclass(frozen=True)
class Actors:
    """One generation's table of every actor's counts, and what reads it."""

    table: str
    ids: dict[str, int]  # each actor's integer (`aid` in the table)
    fact: DF.Fact  # whose places' integers and types' indices the table's rows hold


def applies(f: Filters) -> bool:
    """Whether the filters are one actor and nothing else that narrows the events."""
    return len(f.actors) == 1 and DR.answers(replace(f, actors=()))


def actors_sql(relation: str) -> str:
    """Per actor (aid), place (pid), date, type (tid) and precisions, the counts duck_states.state_sql
    gives for that actor, over `relation` (the events) with tables `places` (pid, location, lat_i,
    lon_i), `types` (tid, event_type) and `names` (aid, actor) beside it. Each row's place, type and
    actors become their integers first: grouped by strings the count took a fifth more CPU. A row
    whose place or type is not in those tables gets a NULL pid or tid (the caller declines then)."""
    same_place = " AND ".join(f"r.{c} IS NOT DISTINCT FROM p.{c}" for c in DF.PLACE_COLUMNS)
    return f"""
        WITH e AS MATERIALIZED (
            SELECT p.pid, CASE WHEN r.{S.EVENT_TYPE} IS NULL THEN -1::SMALLINT ELSE y.tid END AS tid,
                   r.{S.EVENT_DATE}, r.{S.DATE_PRECISION}, r.{S.GEO_PRECISION}, r.event_id, r.cluster_id, r.lone,
                   r.fatalities, n1.aid AS a1, n2.aid AS a2
            FROM (SELECT {COLUMNS} FROM {relation}) r LEFT JOIN places p ON {same_place}
            LEFT JOIN types y USING ({S.EVENT_TYPE})
            LEFT JOIN names n1 ON r.actor1 = n1.actor LEFT JOIN names n2 ON r.actor2 = n2.actor),
        t AS (SELECT cluster_id, min(fatalities) AS low, max(fatalities) AS high FROM e WHERE NOT lone
              GROUP BY cluster_id),
        a AS MATERIALIZED (SELECT a1 AS aid, * EXCLUDE (a1, a2) FROM e WHERE a1 IS NOT NULL
                           UNION ALL
                           SELECT a2 AS aid, * EXCLUDE (a1, a2) FROM e WHERE a2 IS DISTINCT FROM a1 AND a2 IS NOT NULL),
        f AS (SELECT c.aid, c.cluster_id, c.first, coalesce(t.low, 0) AS low, coalesce(t.high, 0) AS high
              FROM (SELECT aid, cluster_id, min(event_id) AS first FROM a WHERE NOT lone GROUP BY aid, cluster_id) c
              JOIN t USING (cluster_id))
        SELECT a.aid::SMALLINT AS aid, a.pid, a.{S.EVENT_DATE}, a.tid, a.{S.DATE_PRECISION},
               a.{S.GEO_PRECISION}::TINYINT AS {S.GEO_PRECISION}, count(*)::INTEGER AS reports,
               count(*) FILTER (WHERE lone OR a.event_id = f.first)::INTEGER AS events,
               coalesce(sum(CASE WHEN lone THEN coalesce(a.fatalities, 0) WHEN a.event_id = f.first
                            THEN f.low END), 0)::INTEGER AS low,
               coalesce(sum(CASE WHEN lone THEN coalesce(a.fatalities, 0) WHEN a.event_id = f.first
                            THEN f.high END), 0)::INTEGER AS high
        FROM a LEFT JOIN f ON NOT a.lone AND a.aid = f.aid AND a.cluster_id = f.cluster_id
        GROUP BY ALL ORDER BY aid, {S.EVENT_DATE}"""


def build(db: D.DuckEngine, fact: DF.Fact | None, threads: int = 1) -> Actors | None:
    """The current generation's Actors, computed from its files on a connection of its own
    (duck_apart, on `threads` threads) and handed to the engine; None without `fact` (the
    generation's duck_fact tables), when the generation changed meanwhile, or when a row's place
    or type is not among the fact's."""
    if fact is None:
        return None
    gen, relation = db.events_now()
    held = db.fact_now
    if relation is None or held is None or held[0] != gen or held[1] is not fact:
        return None
    places = db.query(f"SELECT pid, {', '.join(DF.PLACE_COLUMNS)} FROM {fact.places}")
    with A.connection(threads=threads) as con:
        names = [
            str(v)
            for (v,) in con.execute(
                f"SELECT DISTINCT v FROM (SELECT actor1 AS v FROM {relation} UNION ALL SELECT actor2 FROM {relation}) "
                "WHERE v IS NOT NULL AND v <> '' ORDER BY v"
            ).fetchall()
        ]
        if len(names) > 2**15:
            return None  # more than the table's small integers number: the events answer
        ids = {name: i for i, name in enumerate(names)}
        con.register("places", pa.Table.from_pandas(places, preserve_index=False))
        con.register("types", pa.table({"tid": pa.array(range(len(fact.types)), pa.int16()), "event_type": fact.types}))
        con.register("names", pa.table({"aid": pa.array(range(len(names)), pa.int16()), "actor": names}))
        rows = con.sql(actors_sql(relation)).to_arrow_table()
    if rows.num_rows and (rows["pid"].null_count or rows["tid"].null_count):
        return None  # a place or type duck_fact has not numbered: the events answer
    db.summed_held(gen, SUFFIX, rows)
    table = db.built(SUFFIX)
    return None if table is None else Actors(table, ids, fact)


def state_select(actors: Actors, f: Filters) -> tuple[str, list] | None:
    """The SELECT (and its parameters) of the rows of duck_states.state_sql for `f` (where
    `applies`), from the actors' table; None for an actor no row names (the events answer it as
    before: no rows)."""
    aid = actors.ids.get(f.actors[0])
    if aid is None:
        return None
    p = actors.fact.places
    return (
        f"SELECT p.{S.LOCATION}, p.{S.LATITUDE}, p.{S.LONGITUDE}, p.{S.COUNTRY}, r.{S.EVENT_DATE}, "
        f"CASE WHEN r.tid < 0 THEN NULL ELSE (?::VARCHAR[])[r.tid + 1] END AS {S.EVENT_TYPE}, "
        f"r.{S.DATE_PRECISION}, r.{S.GEO_PRECISION}::BIGINT AS {S.GEO_PRECISION}, p.lat_i, p.lon_i, "
        "r.reports::BIGINT AS reports, r.events::BIGINT AS events, r.low::BIGINT AS low, r.high::BIGINT AS high "
        f"FROM {actors.table} r JOIN {p} p USING (pid) WHERE r.aid = ? ORDER BY r.{S.EVENT_DATE}",
        [list(actors.fact.types), aid],
    )
