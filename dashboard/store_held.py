"""The dashboard's held tables of a generation, written by the store with a whole rollup part.

The DuckDB engine of the dashboard held tables per generation that it computed from the events
after its first answer or on first use: the panel's first page of every date and every place, and
the newest dates whole (dashboard/app/duck_listed.py: ~1.5 CPU s at a million events, ~13 at ten
million, on the two cores the requests meanwhile want), and every actor's filter state
(dashboard/app/duck_actors.py: 1.2-1.4 CPU s in the answer of the first actor filter at a million),
and the rollup's first part with integer places (dashboard/app/duck_fact_base.py, which a brush's
map reads).
A write that computes the rollup anew from the generation's files (store_sql.write_whole_rollup:
a whole-store write, `store compact`, the fast and chunked writers the bench and Dask use) now
writes them too, beside the rollup's sums (`held` in the rollup part's entry, with the generation
they are of), and the engine reads them instead while that generation is current. After appends
(base parts and patches of cluster columns only) the engine derives the listed rows from them and
the parts written since (held_sql.derived_sql: 2.2-2.4 CPU s against 3.3-3.4 for the build after
an append of 100 articles at a million events, on a thread of its own either way); an
append writes nothing more (its cost stays where issue 14's ratio is measured). After a correction
or whole rows written since, and for the actors' table after any later write, the engine builds
them as before.

The SQL they are computed with is dashboard/held_sql.py's, which the engine computes its own with:
the same statements over the same relation (the engine's `events` view), so the same rows
(tests/test_store_held.py holds the files to the engine's build).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from dashboard import held_sql as HQ
from dashboard import schema as S
from dashboard import search_index as SI
from dashboard import store_files as F
from dashboard.errors import StoreError

if TYPE_CHECKING:
    import duckdb

# The files, by kind: duck_listed's two tables (and each date's count of rows), duck_newest's
# table, and duck_actors' table, its actors' integers and
# the places' integers it was counted with (the engine reads it only where its own places number
# alike: duck_fact numbers the same rollup part's places the same way).
KINDS = (
    *("listed", "placed", "days", "newest"),
    *("fact_places", "fact_types", "fact_rows", "actors", "actor_names", "actor_places", "actor_days", "actor_placed"),
    *SI.KINDS,  # the excerpts' word index (dashboard/search_index.py)
)


def write(root: Path, gen: int, manifest: dict, rollup_rel: str) -> dict:
    """Write generation `gen`'s held tables from the effective events of `manifest`'s files and its
    rollup part `rollup_rel` (written before), each through a temporary file renamed into place (a
    write killed meanwhile leaves files no manifest names, which the next write's clean-up takes);
    returns their entry (`held` in the rollup part's entry): the generation, the files by kind (no
    actors' files where duck_actors would build no table: a place of several coordinates or
    countries, too many actors), and the types their `tid` numbers."""
    import duckdb

    try:
        return _written(root, gen, manifest, rollup_rel)
    except duckdb.Error as err:
        raise StoreError(f"{root}: cannot write the held tables ({err})") from err


def _written(root: Path, gen: int, manifest: dict, rollup_rel: str) -> dict:
    import duckdb

    from dashboard import store_sql as Q

    base = [str(root / e["path"]) for e in manifest["events"]]
    over = [str(root / e["path"]) for e in manifest["overlays"]]
    stem = f"rollup/part-{gen:06d}"
    rels = {kind: SI.rel_of(kind, stem) if kind in SI.KINDS else f"{stem}.held-{kind}.parquet" for kind in KINDS}
    with duckdb.connect() as con:
        con.execute(f"CREATE VIEW events AS {HQ.view_sql(Q.events_sql(base, over))}")
        *steps, last = HQ.listed_sql("events")
        for statement in steps:
            con.execute(statement)
        by_date, by_place = HQ.listed_tables(con.sql(last).to_arrow_table())
        F.write_table(root, rels["listed"], by_date)
        F.write_table(root, rels["placed"], by_place)
        F.write_table(root, rels["days"], con.sql("SELECT event_date, rows FROM d ORDER BY 1").to_arrow_table())
        F.write_table(root, rels["newest"], _newest(con, root, Q.events_sql(base, over, filename=True)))
        entry: dict = {
            "generation": gen,
            "files": {kind: rels[kind] for kind in ("listed", "placed", "days", "newest")},
            # How far its file lists went (their length and last file): what a later generation
            # holds beyond them came since (HQ.derived_sql).
            "at": {kind: [len(manifest[kind]), (manifest[kind] or [{}])[-1].get("path")] for kind in LISTS},
        }
        types = _numbered(con, str(root / rollup_rel))
        # Where every place is one (else duck_fact builds no rows and duck_actors no table): the
        # rollup part's rows with integer places (duck_fact_base), and every actor's counts.
        tables = {} if types is None else {**_fact(con), **(_actors(con, types) or {})}
        for kind, table in tables.items():
            F.write_table(root, rels[kind], table)
            entry["files"][kind] = rels[kind]
        if types is not None:
            con.execute(f"CREATE TABLE IF NOT EXISTS tolls AS {HQ.tolls_select()}")
            entry["files"].update(SI.write(con, types, root, rels))
            entry["types"] = types
    return entry


def _newest(con: duckdb.DuckDBPyConnection, root: Path, files_sql: str) -> pa.Table:
    """duck_newest's table (HQ.newest_sql) of the events of `files_sql` (with their part's filename),
    sorted by date, each row's part as a path under `root` (NULL for a whole overlay row): a store
    copied or moved elsewhere keeps it (HQ.newest_file_sql puts the root back)."""
    prefix = str(root).rstrip("/") + "/"
    named = HQ.view_sql(files_sql, ", filename")
    con.execute(f"CREATE TABLE newest AS {HQ.newest_sql(f'({named})')}")
    if _one(con, "SELECT count(*) FROM newest WHERE NOT starts_with(filename, ?)", [prefix]):
        raise StoreError(f"{root}: a part of the newest rows is not under the store")
    return con.sql(
        f"SELECT {HQ.NEWEST_COLUMNS}, substr(filename, {len(prefix) + 1}) AS part FROM newest "
        "ORDER BY event_date, event_id"
    ).to_arrow_table()


def _numbered(con: duckdb.DuckDBPyConnection, rollup_file: str) -> list[str] | None:
    """Number the places (table `places`) and types (`types`) of the rollup part `rollup_file` (view
    `rollup`) on `con` as duck_fact numbers them; the types in their order, or None where a place
    has several coordinates or countries (duck_fact then has no rows)."""
    con.execute(f"CREATE VIEW rollup AS SELECT * FROM {HQ.part_source(rollup_file)}")
    con.execute(f"CREATE TABLE places AS {HQ.places_sql('rollup')}")
    if not _one(con, "SELECT coalesce(bool_and(uniform), true) FROM places"):
        return None
    con.execute(f"CREATE TABLE types AS {HQ.types_sql('rollup')}")
    return [str(t) for (t,) in con.execute(f"SELECT {S.EVENT_TYPE} FROM types ORDER BY tid").fetchall()]


def _fact(con: duckdb.DuckDBPyConnection) -> dict[str, pa.Table]:
    """duck_fact_base's tables of the rollup part (after _numbered), as it builds them."""
    return {
        "fact_places": con.sql("SELECT * FROM places").to_arrow_table(),
        "fact_types": con.sql("SELECT * FROM types").to_arrow_table(),
        "fact_rows": con.sql(HQ.rows_sql("rollup", "places", "types", ", r.tolled, r.rn")).to_arrow_table(),
    }


def _actors(con: duckdb.DuckDBPyConnection, types: list[str]) -> dict[str, pa.Table] | None:
    """duck_actors' table over the events view on `con`, with the places and types _numbered; None
    where duck_actors builds none."""
    con.execute(f"CREATE TABLE names AS {HQ.names_sql()}")
    if _one(con, "SELECT count(*) FROM names") > HQ.ACTORS_LIMIT:
        return None
    con.execute(f"CREATE TABLE tolls AS {HQ.tolls_select()}")
    con.execute(f"CREATE TABLE actors AS {HQ.actors_sql('names', 'places')}", [types])
    if _one(con, "SELECT count(*) FROM actors WHERE pid IS NULL OR tid IS NULL"):
        return None
    return {
        "actors": con.sql("SELECT * FROM actors").to_arrow_table(),
        "actor_names": con.sql("SELECT actor, aid FROM names ORDER BY aid").to_arrow_table(),
        "actor_places": con.sql(f"SELECT pid, {HQ.PLACE} FROM places ORDER BY pid").to_arrow_table(),
        # Every actor's sums per day and per place (duck_actors.Actors.sums).
        "actor_days": con.sql(HQ.days_sql("actors", "aid")).to_arrow_table(),
        "actor_placed": con.sql(HQ.placed_sql("actors", len(types), "aid")).to_arrow_table(),
    }


def _one(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> int:
    # fetchall: a result left unread (fetchone) holds the connection from the next statement.
    return int(con.execute(sql, params or []).fetchall()[0][0])


def referenced(entry: dict) -> set[str]:
    """The files a rollup part's `held` entry names."""
    return set(((entry.get("held") or {}).get("files") or {}).values())


LISTS = ("events", "overlays")


def since_held(root: Path, manifest: dict) -> tuple[dict[str, str], list[str], list[str]] | None:
    """For a generation after the one its rollup's first part was written with held tables: (those
    tables' files by kind, the event parts and overlays written since), where only appends came
    since (base parts and patches of cluster columns: no correction's patch of places, no whole
    rows), so that HQ.derived_sql derives duck_listed's tables; None otherwise."""
    held = ((manifest.get("rollup") or [{}])[0]).get("held") or {}
    files, at = held.get("files") or {}, held.get("at") or {}
    events, overlays = (_since(manifest[kind], at.get(kind)) for kind in LISTS)
    if events is None or overlays is None or not _appended(overlays) or not {"listed", "placed", "days"} <= set(files):
        return None
    paths = {kind: str(root / rel) for kind, rel in files.items()}
    return paths, [str(root / p) for p in events], [str(root / p) for p in overlays]


def _appended(overlays: list[str]) -> bool:
    """Whether overlay files are what appends write: patches of cluster columns, no correction's."""
    return all(F.is_patch(o) and not F.is_place_patch(o) for o in overlays)


def _since(entries: list[dict], at: list | None) -> list[str] | None:
    """The files of a manifest's list (`entries`) after those it had when it was `at` (its length
    and last file then); None where it is not that list grown (or `at` is unknown)."""
    if at is None:
        return None
    n, last = at
    if len(entries) < n or (n and entries[n - 1]["path"] != last):
        return None
    return [e["path"] for e in entries[n:]]


@dataclass(frozen=True)
class Held:
    """What a generation's manifest says of the held tables: those written with it (`files`, by
    kind, and `types`, the event types its actors' table numbers), or those of an earlier one and
    the files written since (`since`: since_held), and those written with its first rollup part
    (`part`, `part_files`: duck_fact_base's tables hold while that part is the first)."""

    generation: int
    files: dict[str, str]
    types: tuple[str, ...]
    since: tuple[dict[str, str], list[str], list[str]] | None
    part: str
    part_files: dict[str, str]

    def files_for(self, gen: int) -> dict[str, str]:
        """The files written with generation `gen`, where this is its (else none)."""
        return dict(self.files) if gen == self.generation else {}

    def since_for(self, gen: int) -> tuple[dict[str, str], list[str], list[str]] | None:
        return self.since if gen == self.generation else None

    def of_part(self, path: str) -> dict[str, str]:
        """The files written with the rollup part `path`, where it is the first (else none)."""
        return dict(self.part_files) if path == self.part else {}


NO_HELD = Held(-1, {}, (), None, "", {})


def held_of(root: Path, manifest: dict) -> Held:
    """The Held of `manifest` (a generation with a rollup)."""
    gen = int(manifest.get("generation", -1))
    parts = manifest.get("rollup") or []
    if not parts:
        return replace(NO_HELD, generation=gen)
    held = parts[0].get("held") or {}
    files = {kind: str(root / rel) for kind, rel in (held.get("files") or {}).items()}
    if int(held.get("generation", -1)) == gen:
        return Held(gen, files, tuple(held.get("types") or ()), None, str(root / parts[0]["path"]), files)
    return Held(gen, {}, (), since_held(root, manifest), str(root / parts[0]["path"]), files)


@contextmanager
def reading(path: str, what: str) -> Iterator[None]:
    """Arrow's, DuckDB's and the system's errors reading the held file `path` (cut short, gone) as the
    store's error naming it and `what` it holds: a broken store is reported by the request that
    reads it, and a thread that reads it ahead leaves it to that request."""
    try:
        yield
    except (OSError, pa.ArrowException, duckdb.IOException, duckdb.InvalidInputException) as err:
        raise StoreError(f"{path}: cannot read {what} ({err}); `store compact` writes it anew") from err


def columns(path: str) -> list[str]:
    """The names of a held file's columns, from its footer (a file an older writer wrote may lack one)."""
    return list(pq.read_schema(path).names)


def read(path: str) -> pa.Table:
    """A held table's rows, in their order, as the engine holds a table it computed (duck_apart)."""
    return pq.read_table(path)
