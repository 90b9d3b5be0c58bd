"""Every actor's filter state at once, per generation: one actor chosen is answered without a scan.

The rollup has no actor among its keys, so a filter on an actor was counted from the events into a
table of its own (duck_states): a scan of every row's actors, places and ids, 0.35-1.2 s of the
answer at a million events, each time an actor is chosen. Here, once per generation, when a request
first filters by one actor (DuckViews._actors), the events are counted per actor in one pass (each
row under its actor1 and, when it differs, its actor2), as duck_states.state_sql counts the rows of
one actor: `reports`, `events` (an event counted at its first report naming that actor), `low` and
`high` (that event's tolls over all its reports). Narrow: each place is duck_fact's integer and each
type its index, the actor a small integer (~58 bytes a row held: 609,316 rows, 35 MB, at a million
synthetic events; 2.8 million rows at ten million on one part per year). A state of one actor and
no other filter is then its rows, with the place's and type's columns joined back in
(`state_select`): the table duck_states builds from the events, row for row
(tests/actor_states.py, after appends, a correction, its undo, a compaction and a kill -9).

Only where that holds exactly: with duck_fact's tables (every place one latitude, longitude and
country), and every row's place and type among theirs (else nothing is built, and the events
answer as before).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from dashboard import schema as S
from dashboard.app import duck as D
from dashboard.app import duck_fact as DF
from dashboard.app import duck_rollup as DR
from dashboard.app.filters import Filters

SUFFIX = "actors"  # the table's name: rollup_<generation>_actors


@dataclass(frozen=True)
class Actors:
    """One generation's table of every actor's counts, and what reads it."""

    table: str
    ids: dict[str, int]  # each actor's integer (`aid` in the table)
    fact: DF.Fact  # whose places' integers and types' indices the table's rows hold


def applies(f: Filters) -> bool:
    """Whether the filters are one actor and nothing else that narrows the events."""
    return len(f.actors) == 1 and DR.answers(replace(f, actors=()))


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
    same_place = " AND ".join(f"e.{c} IS NOT DISTINCT FROM p.{c}" for c in DF.PLACE_COLUMNS)
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
        f AS (SELECT c.aid, c.cluster_id, c.first, coalesce(t.low, 0) AS low, coalesce(t.high, 0) AS high
              FROM (SELECT aid, cluster_id, min(event_id) AS first FROM a WHERE NOT lone GROUP BY aid, cluster_id) c
              JOIN tolls t USING (cluster_id))
        SELECT a.aid::SMALLINT AS aid, a.pid, a.{S.EVENT_DATE}, a.tid, a.{S.DATE_PRECISION},
               a.{S.GEO_PRECISION}::TINYINT AS {S.GEO_PRECISION}, count(*)::INTEGER AS reports,
               count(*) FILTER (WHERE lone OR a.event_id = f.first)::INTEGER AS events,
               coalesce(sum(CASE WHEN lone THEN coalesce(a.fatalities, 0) WHEN a.event_id = f.first
                            THEN f.low END), 0)::INTEGER AS low,
               coalesce(sum(CASE WHEN lone THEN coalesce(a.fatalities, 0) WHEN a.event_id = f.first
                            THEN f.high END), 0)::INTEGER AS high
        FROM a LEFT JOIN f ON NOT a.lone AND a.aid = f.aid AND a.cluster_id = f.cluster_id
        GROUP BY ALL ORDER BY aid, {S.EVENT_DATE}"""


def build(db: D.DuckEngine, fact: DF.Fact | None) -> Actors | None:
    """The current generation's Actors (tables `rollup_<gen>_actors` and `_actors_names`, dropped with
    their generation's rollup), counted on the engine's cursor (not under its lock: the requests
    meanwhile are answered); None without `fact` (the generation's duck_fact tables), when the
    generation changed meanwhile, or when a row's place or type is not among the fact's."""
    gen, _ = db.rollup_now()
    held = db.fact_now
    if fact is None or held is None or held[0] != gen or held[1] is not fact:
        return None
    table, names = f"rollup_{gen}_{SUFFIX}", f"rollup_{gen}_{SUFFIX}_names"
    db.query(f"CREATE OR REPLACE TABLE {names} AS {names_sql()}")
    ids = {str(a): int(i) for a, i in db.query(f"SELECT actor, aid FROM {names}").itertuples(index=False)}
    if len(ids) > 2**15:
        return None  # more than the table's small integers number: the events answer
    db.query(f"CREATE OR REPLACE TABLE {table} AS {actors_sql(names, fact.places)}", [list(fact.types)])
    unnumbered = db.query(f"SELECT count(*) AS n FROM {table} WHERE pid IS NULL OR tid IS NULL").iloc[0]["n"]
    if int(unnumbered):
        db.query(f"DROP TABLE {table}")
        return None  # a place or type duck_fact has not numbered: the events answer
    return Actors(table, ids, fact)


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
