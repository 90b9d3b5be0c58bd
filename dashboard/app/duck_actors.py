"""Every actor's filter state at once, per generation: one actor chosen is answered without a scan.

The rollup has no actor among its keys, so a filter on an actor was counted from the events into a
table of its own (duck_states): a scan of every row's actors, places and ids, 0.35-1.2 s of the
answer at a million events, each time an actor is chosen. Here, once per generation, when a request
first filters by one actor (DuckViews._actors), the events are counted per actor in one pass (each
row under its actor1 and, when it differs, its actor2), as duck_states.state_sql counts the rows of
one actor: `reports`, `events` (an event counted at its first report naming that actor), `low` and
`high` (that event's tolls over all its reports) and `tolled` (those events with a toll). Narrow:
each place is duck_fact's integer and each type its index, the actor a small integer (~58 bytes a
row held: 609,316 rows, 35 MB, at a million synthetic events; 2.8 million rows at ten million on
one part per year). A state of one actor and no other filter is then its rows, with the place's and
type's columns joined back in (`state_select`): the table duck_states builds from the events, row for
row
(tests/actor_states.py, after appends, a correction, its undo, a compaction and a kill -9).

Where the store wrote the table with the generation (store_held: a whole rollup part, as a
compaction writes it), it is read where it lies instead (a view over its file, sorted by actor):
nothing is counted in the first actor's answer, and nothing held.

Beside it, every actor's sums per day (and type) and per place (held_sql.days_sql, placed_sql;
written by the store with the table, or built with it here): an actor's timeline, date extent and
newest rows' bound read its day sums (a few hundred rows) while no place is selected, and its map
its place sums while no dates are (duck_states.Kept.days, .placed). Each read its ~400,000 rows at
ten million events before (four scans per answer: 140 -> 95 ms for an actor's filter answer).

Only where that holds exactly: with duck_fact's tables (every place one latitude, longitude and
country), and every row's place and type among theirs (else nothing is built, and the events
answer as before).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from dashboard import held_sql as HQ
from dashboard import schema as S
from dashboard import store_held as SH
from dashboard.app import duck as D
from dashboard.app import duck_fact as DF
from dashboard.app import duck_rollup as DR
from dashboard.app.filters import Filters

SUFFIX = "actors"  # the table's name: rollup_<generation>_actors
COUNTS = ("reports", "events", "low", "high", "tolled")  # each row's counts, which narrow_select reads
SUMS = ("days", "placed")  # the kinds of every actor's sums (Actors.sums; store_held's `actor_<kind>` files)
FILES = frozenset({"actors", "actor_names", "actor_places"})  # store_held's files _stored needs
WHAT = "the actors' table"  # what the store's files of it hold, as a broken one is reported (store_held.reading)


@dataclass(frozen=True)
class Actors:
    """One generation's table of every actor's counts, and what reads it."""

    table: str
    ids: dict[str, int]  # each actor's integer (`aid` in the table)
    fact: DF.Fact  # whose places' integers and types' indices the table's rows hold
    # Every actor's sums per day and per place (held_sql.days_sql, placed_sql by `aid`): none where
    # the store wrote the table before it wrote them (its actors' states then read the table alone).
    sums: tuple[str, str] | None = None


def applies(f: Filters) -> bool:
    """Whether the filters are one actor and nothing else that narrows the events."""
    return len(f.actors) == 1 and DR.answers(replace(f, actors=()))


names_sql, actors_sql = HQ.names_sql, HQ.actors_sql  # the SQL the store writes its table with too


def build(db: D.DuckEngine, fact: DF.Fact | None) -> Actors | None:
    """The current generation's Actors (tables `rollup_<gen>_actors` and `_actors_names`, dropped with
    their generation's rollup): the store's file where it wrote one for the generation (_stored),
    else counted on the engine's cursor (not under its lock: the requests
    meanwhile are answered); None without `fact` (the generation's duck_fact tables), when the
    generation changed meanwhile, or when a row's place or type is not among the fact's."""
    gen, _ = db.rollup_now()
    held = db.fact_now
    if fact is None or held is None or held[0] != gen or held[1] is not fact:
        return None
    table, names = f"rollup_{gen}_{SUFFIX}", f"rollup_{gen}_{SUFFIX}_names"
    stored = _stored(db, gen, fact, table)
    if stored is not None:
        return stored
    db.query(f"CREATE OR REPLACE TABLE {names} AS {names_sql()}")
    ids = {str(a): int(i) for a, i in db.query(f"SELECT actor, aid FROM {names}").itertuples(index=False)}
    if len(ids) > HQ.ACTORS_LIMIT:
        return None  # more than the table's small integers number: the events answer
    _drop(db, table, "VIEW")  # the store's file read before (_stored), where a test builds anew
    db.query(f"CREATE OR REPLACE TABLE {table} AS {actors_sql(names, fact.places)}", [list(fact.types)])
    unnumbered = db.query(f"SELECT count(*) AS n FROM {table} WHERE pid IS NULL OR tid IS NULL").iloc[0]["n"]
    if int(unnumbered):
        db.query(f"DROP TABLE {table}")
        return None  # a place or type duck_fact has not numbered: the events answer
    days, placed = (f"{table}_{kind}" for kind in SUMS)
    for name in (days, placed):
        _drop(db, name, "VIEW")  # the store's files read before (_stored), where a test builds anew
    db.query(f"CREATE OR REPLACE TABLE {days} AS {HQ.days_sql(table, 'aid')}")
    db.query(f"CREATE OR REPLACE TABLE {placed} AS {HQ.placed_sql(table, len(fact.types), 'aid')}")
    return Actors(table, ids, fact, (days, placed))


def narrow_select(actors: Actors, f: Filters) -> tuple[str, list] | None:
    """The SELECT (no parameters: a view's) of the rows of `f`'s actor (where `applies`) as the
    actors' table holds them, in the fact rows' shape (duck_fact: each place its `pid`, each type its
    `tid` and name): the state DuckViews keeps for an actor, as a view (duck_states), answered by
    duck_fact's queries over it (grouped by integers, the places joined to the few thousand groups).
    None for an actor no row names (the events answer it as before: no rows).

    The state was these rows joined to the fact's places, copied into a table: at ten million events
    400,000 rows of place strings (~55 ms of the request's thread, ~110 of the process's), then
    grouped by those strings (~35 ms): an actor's first answer took 120-170 ms of the request's
    thread. Read where they lie (the actors' table lies by actor: its row groups only), each answer
    decodes the few columns it reads (5-30 ms), and nothing is held. A type's name is looked up only
    by the timeline, the one answer that reads it."""
    aid = actors.ids.get(f.actors[0])
    if aid is None:
        return None
    return (
        f"SELECT r.pid, r.{S.EVENT_DATE}, {HQ.type_name(actors.fact.types)}, r.tid, "
        f"r.{S.DATE_PRECISION}, r.{S.GEO_PRECISION}::BIGINT AS {S.GEO_PRECISION}, "
        "r.reports::BIGINT AS reports, r.events::BIGINT AS events, r.low::BIGINT AS low, r.high::BIGINT AS high, "
        f"r.tolled::BIGINT AS tolled FROM {actors.table} r WHERE r.aid = {int(aid)}",
        [],
    )


def sums_select(actors: Actors, f: Filters) -> tuple[str, str] | None:
    """The SELECTs (no parameters: views') of the sums of `f`'s actor (where `applies`) per day,
    with the type's name as narrow_select gives it, and per place (duck_states.Kept.days, .placed);
    None where the table has no sums or no row names the actor."""
    aid = actors.ids.get(f.actors[0])
    if aid is None or actors.sums is None:
        return None
    days, placed = actors.sums
    return (
        f"SELECT r.* EXCLUDE (aid), {HQ.type_name(actors.fact.types)} FROM {days} r WHERE r.aid = {int(aid)}",
        f"SELECT r.* EXCLUDE (aid) FROM {placed} r WHERE r.aid = {int(aid)}",
    )


def state_select(actors: Actors, f: Filters) -> tuple[str, list] | None:
    """The SELECT (and its parameters) of the rows of duck_states.state_sql for `f` (where
    `applies`): narrow_select's rows with their places' columns joined (what tests hold to the
    events' state, row for row)."""
    got = narrow_select(actors, f)
    if got is None:
        return None
    p = actors.fact.places
    return (
        f"SELECT p.{S.LOCATION}, p.{S.LATITUDE}, p.{S.LONGITUDE}, p.{S.COUNTRY}, r.{S.EVENT_DATE}, r.{S.EVENT_TYPE}, "
        f"r.{S.DATE_PRECISION}, r.{S.GEO_PRECISION}, p.lat_i, p.lon_i, r.reports, r.events, r.low, r.high, "
        "r.tolled "
        f"FROM ({got[0]}) r JOIN {p} p USING (pid)",
        got[1],
    )


def stored(db: D.DuckEngine) -> bool:
    """Whether the store wrote the actors' files with the current generation (_stored reads them)."""
    gen, _ = db.rollup_now()
    return FILES <= set(db.held().files_for(gen))


def _stored(db: D.DuckEngine, gen: int, fact: DF.Fact, table: str) -> Actors | None:
    """The Actors of the table the store wrote with generation `gen` (store_held), as a view over
    its file (sorted by actor: a state reads its actor's row groups only, and nothing is held),
    where its places and types are numbered as `fact`'s; None where there is none."""
    held = db.held()
    files = held.files_for(gen)
    if not FILES <= set(files) or tuple(fact.types) != held.types:
        return None
    with SH.reading(files["actors"], WHAT):
        if not set(COUNTS) <= set(SH.columns(files["actors"])):
            return None  # written before a count it now holds (`tolled`): counted anew, as before it was written
    with SH.reading(files["actor_places"], WHAT):
        if not DF.numbered_alike(db, fact, files["actor_places"]):
            return None
    with SH.reading(files["actor_names"], WHAT):
        names = SH.read(files["actor_names"])
    ids = dict(zip(names["actor"].to_pylist(), names["aid"].to_pylist(), strict=True))
    written = {f"actor_{kind}" for kind in SUMS} <= set(files)  # not by a store written before them
    days, placed = (f"{table}_{kind}" for kind in SUMS)
    views = [(table, "actors"), *([(days, "actor_days"), (placed, "actor_placed")] if written else [])]
    for view, kind in views:
        _drop(db, view, "TABLE")
        with SH.reading(files[kind], WHAT):  # a view reads its file's footer when made
            db.query(f"CREATE OR REPLACE VIEW {view} AS SELECT * FROM read_parquet([{HQ.quoted(files[kind])}])")
    return Actors(table, {str(a): int(i) for a, i in ids.items()}, fact, (days, placed) if written else None)


def _drop(db: D.DuckEngine, name: str, kind: str) -> None:
    """Drop the TABLE or VIEW `name` if there is one of that kind (DROP ... IF EXISTS of the other
    kind fails)."""
    views, tables = "duckdb_views() WHERE NOT internal AND view_name", "duckdb_tables() WHERE table_name"
    listing = views if kind == "VIEW" else tables
    if int(db.query(f"SELECT count(*) AS n FROM {listing} = ?", [name]).iloc[0]["n"]):
        db.query(f"DROP {kind} {name}")
