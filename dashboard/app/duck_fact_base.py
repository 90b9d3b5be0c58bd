"""duck_fact's tables of a generation derived from those of its rollup's first part.

A write adds a rollup part (its delta) and makes a generation, whose first answer built the
rollup with integer places (duck_fact) anew from the whole rollup: at a million events 0.57 CPU s
of the answer after a correction, and at ten million a second copy of a table of millions of rows
held beside the previous generation's (+290 MB). The rollup of a generation is its first part's
rows, less those whose keys its later parts touch (the view's table `rollup_<gen>_skip`), and
those keys summed over every part (`rollup_<gen>_fix`: rollup.view_statements). So the first part's
fact tables are built once (a `Base`, held on the engine while the generation's first part is that
file: until a compaction writes it anew) and a generation's tables are views: the base's rows not
skipped and the fix's few rows, with the places the fix brings that the base has not numbered
after the base's, and the types' indices moved when a write brought a type or took one away. They
hold the rows build_whole's tables hold (tests/test_duck_fact.py).

Where that might not hold it declines, and the whole rollup is read as before: a first part with a
place of several coordinates or countries, a fix row whose place's coordinates or country differ
from the base's (or that has no reports).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import duckdb

from dashboard import held_sql as HQ
from dashboard import schema as S
from dashboard.app import duck as D
from dashboard.app import duck_apart as A
from dashboard.app import duck_fact as DF
from dashboard.app.duck_engine import INTS

# The kinds of the files the store writes them to with a whole rollup part (store_held).
FILES = frozenset({"fact_places", "fact_types", "fact_rows"})
# The fact rows' columns (the base's rows have their row number in the part, `rn`, too; and `tolled`
# where the rollup's parts hold it: duck_fact.tolled).
ROW_COLUMNS = "pid, event_date, event_type, tid, date_precision, geo_precision, reports, events, low, high"


@dataclass(frozen=True)
class Base:
    """The fact tables of one rollup part (a generation's first), table names `fbase<tag>_*`."""

    path: str
    tag: int
    uniform: bool  # every place with one latitude, longitude and country (else no tables of rows)
    ids: dict[tuple, int]
    names: tuple[str, ...]
    top: int  # the largest place integer
    per_type: dict[str, int]  # rows per event type

    @property
    def rows(self) -> str:
        return f"fbase{self.tag}_rows"

    @property
    def places(self) -> str:
        return f"fbase{self.tag}_places"

    @property
    def types(self) -> str:
        return f"fbase{self.tag}_types"


def derived(db: D.DuckEngine) -> tuple[bool, DF.Fact | None]:
    """(True, the current generation's Fact) derived from its first part's Base; (False, None)
    when it cannot be (the caller reads the whole rollup: DF.build_whole)."""
    gen, parts = db.rollup_now()
    if not parts:
        return False, None
    base = base_of(db, parts[0])
    if not base.uniform:
        return False, None
    if len(parts) == 1:
        return True, DF.Fact(base.rows, base.places, base.ids, base.names)
    try:
        return over(db, base, gen)
    except duckdb.CatalogException:  # the generation's tables dropped meanwhile (two writes since)
        return False, None


def base_of(db: D.DuckEngine, path: str) -> Base:
    """The Base of the part at `path`, built on its first use; the latest two are kept (a query
    may still read the previous generation's), older ones dropped."""
    with db.fact_lock:
        for b in db.fact_bases:
            if b.path == path:
                return b
        tag = db.fact_bases[-1].tag + 1 if db.fact_bases else 0
        files = db.held().of_part(path)
        if FILES <= set(files):  # written with the part (store_held)
            base = read(db, Base(path, tag, False, {}, (), 0, {}), files)
        else:
            base = built(db, Base(path, tag, False, {}, (), 0, {}), HQ.part_source(path))
        for old in db.fact_bases[:-1]:
            for table in (old.rows, old.places, old.types):
                db.keep(table, None)
        db.fact_bases = [*db.fact_bases[-1:], base]
        return base


def built(db: D.DuckEngine, base: Base, source: str) -> Base:
    """`base` with its tables built from `source` (the part's rows) and held on the engine: computed
    on a connection of their own (duck_apart: built after an answer, beside the requests)."""
    with A.connection() as con:
        con.execute(f"CREATE TABLE places AS {DF.places_sql(source)}")
        ((uniform, top),) = con.execute(
            "SELECT coalesce(bool_and(uniform), true), coalesce(max(pid), 0) FROM places"
        ).fetchall()
        if uniform:
            con.execute(f"CREATE TABLE types AS {DF.types_sql(source)}")
            db.hold(base.types, con.sql("SELECT * FROM types").to_arrow_table())
            rows = DF.rows_sql(source, "places", "types", f"{DF.tolled(db)}, r.rn")
            db.hold(base.rows, con.sql(rows).to_arrow_table())
        db.hold(base.places, con.sql("SELECT * FROM places").to_arrow_table())
    return finished(db, base, bool(uniform), int(top))


def read(db: D.DuckEngine, base: Base, files: dict[str, str]) -> Base:
    """`base` with the tables the store wrote with its part (store_held: where every place is one,
    as built() finds them) held on the engine."""
    # Read by DuckDB into the tables, in the files' order (0.15 CPU s for the rows at a million
    # events, against 0.24 through Arrow and DuckEngine.hold).
    for table, kind in ((base.types, "fact_types"), (base.rows, "fact_rows"), (base.places, "fact_places")):
        db.keep(table, f"SELECT * FROM read_parquet([{HQ.quoted(files[kind])}])")
    top = db.query(f"SELECT coalesce(max(pid), 0) AS top FROM {base.places}").iloc[0]["top"]
    return finished(db, base, True, int(top))


def finished(db: D.DuckEngine, base: Base, uniform: bool, top: int) -> Base:
    """`base` with what its held tables tell: whether uniform, its largest place integer, its rows
    per type, places' integers and type names."""
    if not uniform:
        return replace(base, top=top)
    counts = db.query(f"SELECT {S.EVENT_TYPE} AS t, count(*) AS n FROM {base.rows} GROUP BY 1")
    per_type = {str(t): int(n) for t, n in counts.dropna().itertuples(index=False)}
    return replace(
        base,
        uniform=True,
        ids=DF.ids_of(db, base.places),
        names=DF.names_of(db, base.types),
        top=top,
        per_type=per_type,
    )


def over(db: D.DuckEngine, base: Base, gen: int) -> tuple[bool, DF.Fact | None]:
    """The Fact of generation `gen` (whose rollup has later parts) from `base` and the generation's
    skip and fix tables (rollup.view_statements). Each table is named by the generation current
    when it is made, and reads that generation's skip and fix (`{gen}`: DuckEngine.summed), and by
    the base it numbers places after; a generation come meanwhile declines (its own call derives)."""
    fixed = f"(SELECT *, {INTS} FROM rollup_{{gen}}_fix)"
    same = " AND ".join(f"f.{c} IS NOT DISTINCT FROM b.{c}" for c in DF.PLACE_COLUMNS)
    new = f"(SELECT f.* FROM {fixed} f ANTI JOIN {base.places} b ON {same})"
    tag = f"d{base.tag}"
    extra = db.summed(f"{tag}xplaces", DF.places_sql(new, str(base.top)))
    places = db.summed(f"{tag}places", f"SELECT * FROM {base.places} UNION ALL SELECT * FROM {extra}", "VIEW")
    if not fits(db, fixed.format(gen=gen), places):
        return False, None
    names = types_of(db, base, fixed.format(gen=gen), f"rollup_{gen}_skip")
    types = base.types if names == base.names else db.summed(f"{tag}types", values_sql(names))
    fix = db.summed(f"{tag}fix", DF.rows_sql(fixed, places, types, DF.tolled(db), order=False))
    # A type the write brought or took away moves the others' indices (they follow the names' order).
    tid = "tid" if names == base.names else remap(base.names, names)
    columns = ROW_COLUMNS + DF.tolled(db).replace("r.", "")
    rows = db.summed(
        f"{tag}fact",
        f"SELECT {columns.replace(' tid,', f' {tid} AS tid,')} FROM {base.rows} "
        f"WHERE rn NOT IN (SELECT n FROM rollup_{{gen}}_skip) UNION ALL SELECT {columns} FROM {fix}",
        "VIEW",
    )
    if not all(n.startswith(f"rollup_{gen}_") for n in (extra, places, types, fix, rows) if n != base.types):
        return False, None
    return True, DF.Fact(rows, places, {**base.ids, **DF.ids_of(db, extra)}, names)


def fits(db: D.DuckEngine, fixed: str, places: str) -> bool:
    """Whether the generation's places are as build_whole would find them: each fix row at a place
    with one latitude, longitude and country (the base's, for a place it has), with reports."""
    same = " AND ".join(f"f.{c} IS NOT DISTINCT FROM p.{c}" for c in DF.PLACE_COLUMNS)
    alike = " AND ".join(f"f.{c} IS NOT DISTINCT FROM p.{c}" for c in (S.LATITUDE, S.LONGITUDE, S.COUNTRY))
    ok = db.query(
        f"SELECT coalesce(bool_and(p.uniform AND {alike} AND f.reports > 0), true) AS ok "
        f"FROM {fixed} f JOIN {places} p ON {same}"
    ).iloc[0]["ok"]
    return bool(ok)


def types_of(db: D.DuckEngine, base: Base, fixed: str, skip: str) -> tuple[str, ...]:
    """The generation's event types (those with rows), sorted: the base's, less its rows skipped,
    and the fix rows'."""
    moved = db.query(
        f"SELECT {S.EVENT_TYPE} AS t, -count(*) AS n FROM {base.rows} WHERE {S.EVENT_TYPE} IS NOT NULL "
        f"AND rn IN (SELECT n FROM {skip}) GROUP BY 1 UNION ALL SELECT {S.EVENT_TYPE}, count(*) "
        f"FROM {fixed} WHERE {S.EVENT_TYPE} IS NOT NULL GROUP BY 1"
    )
    left = dict(base.per_type)
    for t, n in moved.itertuples(index=False):
        left[str(t)] = left.get(str(t), 0) + int(n)
    return tuple(sorted(t for t, n in left.items() if n > 0))


def values_sql(names: tuple[str, ...]) -> str:
    """A table of these types with their indices (as DF.types_sql gives)."""
    if not names:
        return f"SELECT NULL::SMALLINT AS tid, NULL::VARCHAR AS {S.EVENT_TYPE} WHERE false"
    rows = ", ".join(f"({i}, '{n.replace(chr(39), chr(39) * 2)}')" for i, n in enumerate(names))
    return f"SELECT tid::SMALLINT AS tid, {S.EVENT_TYPE} FROM (VALUES {rows}) t(tid, {S.EVENT_TYPE})"


def remap(old: tuple[str, ...], new: tuple[str, ...]) -> str:
    """SQL of a base row's type index among `new` (NULL for a type gone: its rows are all skipped)."""
    cases = " ".join(f"WHEN {i} THEN {new.index(n)}" for i, n in enumerate(old) if n in new)
    return f"(CASE tid {cases} END)::SMALLINT" if cases else "NULL::SMALLINT"
