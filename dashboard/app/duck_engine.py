"""The DuckDB engine of the dashboard: one connection over the store's Parquet files, the events
relation re-declared when the store's generation changes, and the queries run on its cursors (see
`duck.py` for the views' aggregates it answers)."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from typing import Any, TypeVar

import duckdb
import pandas as pd
import pyarrow as pa

from dashboard import held_sql as HQ
from dashboard import rollup as R
from dashboard import rollup_sums as RS
from dashboard import schema as S
from dashboard import store_files as F
from dashboard import store_held as SH
from dashboard import store_sql as Q
from dashboard.app import duck_generation as P
from dashboard.errors import StoreError
from dashboard.store_protocol import StoreReader

# The marker key as schema.place_keys writes it, and a place's coordinates as integers (held_sql,
# beside the store's held tables computed over the same view: a place is grouped by those integers).
KEY_OF = HQ.KEY_OF
PLACE_KEY_SQL = HQ.PLACE_KEY_SQL
INTS = RS.INTS

_TOLLS = re.compile(r"\btolls\b")
# The columns a place filter reads (duck.where: countries, admin1s, places and their boxes, towns only).
PLACE_FILTERED = R.PLACE_FILTERED
T = TypeVar("T")


class DuckEngine:
    """Queries over one store; the relation is re-declared when the store's generation changes."""

    def __init__(self, store: StoreReader, threads: int | None = None, memory_limit: str = "1GB") -> None:
        self.store = store
        # No automatic checkpoint: one compressed every table written since the last inside whichever
        # statement crossed DuckDB's 16 MiB (110-160 ms of a request's CPU at a million events); the
        # tables stay uncompressed instead (+45 MB there, the process's RSS no higher).
        config = {"memory_limit": memory_limit, "checkpoint_threshold": "1TB"}
        self._con = duckdb.connect(config={**config, **({"threads": threads} if threads else {})})
        # Parquet footers cached between queries (a generation's files never change; an answer is half
        # a dozen queries over them). GLOBAL: a plain SET holds for this connection's session only, not
        # the cursors every query runs on (tests/test_duck.py); not in `config`: it needs the parquet
        # extension, loaded once connected.
        self._con.execute("SET GLOBAL parquet_metadata_cache = true")
        self._lock, self._rollup_lock = threading.Lock(), threading.Lock()  # _rollup_lock: _rollup_view
        self._generation = -1
        self._events: str | None = None  # the current generation's `events` view until declared (_events_view)
        self._tolls = -1  # the generation whose tolls table is built (on the first query that needs it)
        self.has_rollup = False  # whether the current generation's rollup is loaded (table `rollup`)
        self._same_place = False  # of generation self._tolls: see clusters_share_place
        self.rollup_measures: frozenset[str] = frozenset()  # those the current rollup's parts hold
        self._manifest: dict = {}  # of the generation declared
        self._overlays: tuple[str | None, str | None] = (None, None)  # its tables (hold_overlays)
        self._summed: set[str] = set()  # the rollup's sums over fewer keys built (summed)
        self._stored_sums: dict[str, str] = {}  # the store's files of those (_declare_rollup): kind -> file
        self._held = SH.NO_HELD  # what the store wrote of the held tables for it (store_held.Held)
        self.rollup_parts: tuple[str, ...] = ()  # the current generation's rollup parts (their files)
        self._rollup_pending: P.Pending | None = None  # its view `rollup` until declared (_rollup_view)
        # duck_fact's tables of a rollup's first part, kept across the generations sharing it (the latest two).
        self.fact_bases: list = []
        self.fact_now: tuple[int, Any] | None = None  # (generation, its duck_fact.Fact or None)
        self.fact_lock = threading.Lock()

    def cursor(self, tolls: bool = False, events: bool = False) -> duckdb.DuckDBPyConnection:
        """A cursor (one per query: callbacks run in several threads) over the current generation;
        with `tolls`, once its tolls table is built; with `events`, once its `events` view is
        declared (query, summed and keep declare it when a statement first needs it)."""
        m = self.store.current()
        with self._lock:
            if m["generation"] != self._generation:
                self._declare(m)
                self._generation = m["generation"]
            if events or tolls:
                self._events_view()
            if tolls and self._tolls != self._generation:
                self._declare_tolls(int(m["generation"]))
            return self._con.cursor()

    def _events_view(self) -> bool:
        """Declare the current generation's `events` view if it is not yet (whether it was not).
        Declared on first use, not with the generation: binding it reads the footer of every base
        part (500 in a store of many ingests: 0.5 s, a quarter of it CPU, at ten million events),
        and the unfiltered answers, the first among them, read the rollup and a date range's parts
        only (events_between)."""
        if self._events is None:
            return False
        self._con.execute(f"CREATE OR REPLACE VIEW events AS {self._events}")
        self._events = None
        return True

    def _rollup_view(self) -> bool:
        """Declare the current generation's view `rollup` if pending (duck_generation; whether it was):
        its tables outside the engine's lock, which every query waits for (after_answer's thread, below
        the requests' priority, may need them first), one thread at a time (two creating one table at
        once fail in DuckDB 2.0.1); the view under the engine's lock, if still current."""
        with self._lock:
            if self._rollup_pending is None:
                return False
        with self._rollup_lock:
            with self._lock:
                pending = self._rollup_pending
            if pending is None:
                return True
            *tables, view = P.view_statements(pending, INTS)
            cur = self._con.cursor()
            for statement in tables:
                cur.execute(statement)
            with self._lock:
                if self._rollup_pending == pending:
                    self._con.execute(view)
                    self._rollup_pending = None
        return True

    def _declaring_events(self, run: Callable[[], T]) -> T:
        """run(); again after declaring the `events` view, then the `rollup` view, when it failed for
        want of one (a statement over the events or the rollup, the first of its generation)."""
        try:
            return run()
        except duckdb.CatalogException as err:
            missing = err
        with self._lock:
            declared = self._events_view()
        if declared:  # the events view first: the rollup's costs more
            try:
                return run()
            except duckdb.CatalogException as err:
                missing = err
        if not self._rollup_view():
            raise missing
        return run()

    def _declare(self, m: dict) -> None:
        """The `events` view of generation m (its events only: mentions are neither drawn nor
        counted), and `tolls`: per event reported more than once, the lowest and highest death
        count its reports give. A table of those events only, built once per generation (one scan of
        four columns); a lone report's toll is its own."""
        gen = int(m["generation"])
        base, over = self.store.files(m)
        self._manifest = m
        self._overlays = P.hold_overlays(self._con, gen, over) if gen else (None, None)
        if gen and (base or over):
            source = self._source(Q.effective_sql(base, *self._overlays))
        else:
            source = (
                "SELECT * FROM (SELECT "
                + ", ".join(
                    f"CAST(NULL AS {S.SQL_TYPES[S.DTYPES.get(c, 'string')]}) AS {c}" for c in (*S.NAMES, S.PLACE_KEY)
                )
                + ", CAST(NULL AS BIGINT) AS lat_i, CAST(NULL AS BIGINT) AS lon_i, "
                "CAST(NULL AS BOOLEAN) AS lone) WHERE false"
            )
        # The previous generation's view goes now: a query must not read its files by mistake.
        self._con.execute("DROP VIEW IF EXISTS events")
        self._events = source
        self._declare_rollup(gen, m)
        # Older generations' tables (state_: duck_states' filter states, newest_: duck_newest's).
        for prefix in ("rollup_", "state_", "overlay_", "patch_", "newest_"):
            self._drop_old(prefix, gen)

    @staticmethod
    def _source(files_sql: str, extra: str = "") -> str:
        """The `events` view's rows over a relation of stored events (`extra`: more of its columns)."""
        return HQ.view_sql(files_sql, extra)

    def events_between(self, lo: pd.Timestamp | None, hi: pd.Timestamp | None) -> str:
        """The `events` view as a relation over only the base parts that can hold dates in [lo, hi]
        (by the manifest's bounds of each part; the overlays all): for a query whose condition keeps
        those dates only. The view opens every part (500 in a store of many ingests, each costing its
        footer and a look at its row groups) where a date range needs a fifth of them."""
        m = self._manifest
        if not m or not int(m["generation"]) or (lo is None and hi is None):
            return "events"
        kept = [e for e in m["events"] if F.part_overlaps(e, lo, hi)]
        if len(kept) == len(m["events"]):
            return "events"
        base = [str(self.store.root / e["path"]) for e in kept]
        if not base and not m["overlays"]:
            return "(SELECT * FROM events WHERE false)"
        return f"({self._source(Q.effective_sql(base, *self._overlays))})"

    def events_in(self, paths: list[str] | None, filename: bool = False) -> str:
        """The `events` view as a relation over only these base parts (their paths as DuckDB names
        them; None: every part) and every overlay, for a query that reads rows of those parts only;
        with `filename`, each row's part in a column `filename` (NULL for a whole overlay row)."""
        m = self._manifest
        if not m or not int(m["generation"]):
            return "(SELECT *, NULL::VARCHAR AS filename FROM events)" if filename else "events"
        base = [str(self.store.root / e["path"]) for e in m["events"]] if paths is None else paths
        files = Q.effective_sql(base, *self._overlays, filename=filename)
        return f"({self._source(files, ', filename' if filename else '')})"

    def events_now(self, filename: bool = False) -> tuple[int, str | None]:
        """(the current generation, its events as events_in(None, filename) gives them, read from the
        files alone, overlays included: for a connection other than the engine's, duck_apart), read
        together; None for a generation without files (the engine's relation of no events then)."""
        self.cursor()
        with self._lock:
            gen, m = self._generation, self._manifest
        if not m or not int(m["generation"]):
            return gen, None
        base, over = self.store.files(m)
        if not base and not over:
            return gen, None
        return gen, f"({self._source(Q.events_sql(base, over, filename), ', filename' if filename else '')})"

    def hold(self, name: str, table: pa.Table) -> None:
        """Create the table `name` with the rows of `table` (computed on another connection:
        duck_apart), in their order."""
        cur = self.cursor()
        cur.register("held_rows", table)
        try:
            cur.execute(f"CREATE OR REPLACE TABLE {name} AS SELECT * FROM held_rows")
        finally:
            cur.unregister("held_rows")

    def _declare_rollup(self, gen: int, m: dict) -> None:
        """The rollup of generation `gen` (manifest `m`): the view `rollup` (rollup.view_statements),
        with the place's coordinates as integers (places are compared by those), of several parts
        declared on first use (duck_generation); the files of sums the store wrote with its first part."""
        parts = [str(self.store.root / e["path"]) for e in m.get("rollup") or []]
        self.has_rollup = bool(gen and parts)
        self.rollup_parts = tuple(parts) if self.has_rollup else ()
        self.rollup_measures = P.measures_of(self._con, parts[0]) if self.has_rollup else frozenset()
        self._rollup_pending = None
        stored = ((m.get("rollup") or [{}])[0].get("sums") or {}) if self.has_rollup else {}
        self._stored_sums = {kind: str(self.store.root / rel) for kind, rel in stored.items()}
        self._held = SH.held_of(self.store.root, m)
        # The previous generation's view goes now (a query must not read its parts by mistake).
        self._con.execute("DROP VIEW IF EXISTS rollup")
        if len(parts) == 1 and self.has_rollup:  # a view over the one part: nothing to build
            for statement in P.view_statements((gen, parts, self.rollup_measures), INTS):
                self._con.execute(statement)
        elif self.has_rollup:
            self._rollup_pending = (gen, parts, self.rollup_measures)

    def summed(self, suffix: str, select: str, kind: str = "TABLE") -> str:
        """The name of the table (or, with kind "VIEW", the view) `select` (over the current
        generation's rollup) gives, built on the first call per generation and dropped with its
        generation's rollup (duck_rollup.summed); from the file the store wrote it to with the first
        rollup part where it did (duck_generation.stored_select). `{gen}` in `select`: that
        generation (the one the name says, whatever the caller read before)."""
        self.cursor()

        def build() -> str:
            with self._lock:
                name = f"rollup_{self._generation}_{suffix}"
                if name not in self._summed:
                    made = P.stored_select(
                        self._con, name, suffix, self._stored_sums, self.rollup_parts, self.rollup_measures
                    )
                    made = made or select.replace("{gen}", str(self._generation))
                    self._con.execute(f"CREATE OR REPLACE {kind} {name} AS {made}")
                    self._summed = {n for n in self._summed if n.startswith(f"rollup_{self._generation}_")} | {name}
                return name

        return self._declaring_events(build)

    def held(self) -> SH.Held:
        """What the store wrote of the held tables for the current generation (store_held.Held)."""
        self.cursor()
        with self._lock:
            return self._held

    def stored(self, suffix: str) -> bool:
        """Whether the current generation's table `suffix` (summed) is one the store wrote, or derives
        from one it wrote and the rollup's later parts (duck_generation.stored_select)."""
        self.cursor()
        with self._lock:
            return suffix in self._stored_sums

    def stored_select(self, con: duckdb.DuckDBPyConnection, suffix: str) -> str | None:
        """duck_generation.stored_select of the current generation's table `suffix`, run on `con` (a
        connection of its own: duck_apart); None where the store wrote no file for it."""
        gen, parts = self.rollup_now()
        with self._lock:
            sums, measures = dict(self._stored_sums), self.rollup_measures
        return P.stored_select(con, f"rollup_{gen}_{suffix}", suffix, sums, parts, measures)

    def summed_held(self, gen: int, suffix: str, rows: pa.Table) -> None:
        """summed's table `suffix` of generation `gen`, its rows computed on another connection
        (duck_apart); nothing when that generation is no longer the current one or the table is
        built already. Written under another name first, outside the engine's lock: the thread
        that calls this runs at a low priority, and every query waits for that lock."""
        name = f"rollup_{gen}_{suffix}"
        self.hold(f"{name}_in", rows)
        with self._lock:
            if gen == self._generation and name not in self._summed:
                self._con.execute(f"ALTER TABLE {name}_in RENAME TO {name}")
                self._summed = {n for n in self._summed if n.startswith(f"rollup_{gen}_")} | {name}
                return
        self.cursor().execute(f"DROP TABLE IF EXISTS {name}_in")

    def built(self, suffix: str) -> str | None:
        """The name of the current generation's table `suffix` (summed) when it is built, else None."""
        self.cursor()
        with self._lock:
            name = f"rollup_{self._generation}_{suffix}"
            return name if name in self._summed else None

    def rollup_now(self) -> tuple[int, tuple[str, ...]]:
        """(the current generation, its rollup parts' files)."""
        self.cursor()
        with self._lock:
            return self._generation, self.rollup_parts

    def keep(self, name: str, select: str | None) -> None:
        """Create the table `name` as `select`, held until dropped (None: drop it): tables that
        outlive a generation (duck_fact_base, whose lock keeps a table from being built twice). On a
        cursor of its own, not under the engine's lock: built after the first answer, the rollup
        with integer places takes a second or more at ten million events, and every query waited
        for the lock meanwhile."""

        def run() -> None:
            made = f"CREATE OR REPLACE TABLE {name} AS {select}"
            self.cursor().execute(f"DROP TABLE IF EXISTS {name}" if select is None else made)

        self._declaring_events(run)

    def _declare_tolls(self, gen: int) -> None:
        """`tolls`: per event reported more than once, the lowest and highest death count its
        reports give. A table of those events only, built once per generation when a query first
        needs it (one scan of four columns: with a rollup, the unfiltered views never do)."""
        # A table per generation, the view pointing at it: a query still running on the previous
        # generation keeps its table until the next change.
        # With it, only where a rollup part does not record it, whether each event's reports share
        # their place (five distinct counts: at ten million events 6.6 s of the build, 1.3 without).
        same = " AND ".join(f"count(DISTINCT coalesce(CAST({c} AS VARCHAR), '\x00')) = 1" for c in PLACE_FILTERED)
        extra = "" if self._parts_share_place() is not None else f", {same} AS same_place"
        self._con.execute(f"CREATE OR REPLACE TABLE tolls_{gen} AS {HQ.tolls_select(extra)}")
        self._con.execute(f"CREATE OR REPLACE VIEW tolls AS SELECT cluster_id, low, high FROM tolls_{gen}")
        if extra:
            got = self._con.execute(f"SELECT coalesce(bool_and(same_place), true) FROM tolls_{gen}").fetchone()
            self._same_place = bool((got or (True,))[0])
        self._tolls = gen
        self._drop_old("tolls_", gen)

    def _parts_share_place(self) -> bool | None:
        """What the rollup parts say of each event's reports sharing a place (None: a part does not say)."""
        parts = self._manifest.get("rollup") or []
        if parts and all("same_place" in e for e in parts):
            return all(bool(e["same_place"]) for e in parts)
        return None

    def _drop_old(self, prefix: str, gen: int) -> None:
        """Drop the tables of generations before the previous one (the previous one may still be read)."""
        keep = (f"{prefix}{gen}", f"{prefix}{self._generation}")
        # Views first (duck_fact's per generation read the tables below; a view binds when queried).
        for kind, listing in (("VIEW", "duckdb_views() WHERE NOT internal AND"), ("TABLE", "duckdb_tables() WHERE")):
            for (name,) in self._con.execute(
                f"SELECT {kind.lower()}_name FROM {listing} starts_with({kind.lower()}_name, ?)", [prefix]
            ).fetchall():
                if not any(name == k or name.startswith(k + "_") for k in keep):
                    self._con.execute(f"DROP {kind} IF EXISTS {name}")

    def clusters_share_place(self) -> bool:
        """Whether every event told by several reports has one value of each PLACE_FILTERED column
        over them (the merge clusters reports at one place key): a filter on those columns then
        keeps or drops whole events, and the rollup answers it (duck_rollup). As the rollup's parts
        record it (rollup.share_place); for parts written before they did, checked per generation
        with the tolls table (one scan of the events: 4 s of CPU at 10M, on the first such filter)."""
        self.cursor()
        said = self._parts_share_place()
        if said is None:
            self.cursor(tolls=True)
        return self._same_place if said is None else said

    def query(
        self, sql: str, params: list | None = None, dates: tuple | None = None, parts: list[str] | None = None
    ) -> pd.DataFrame:
        """The answer of `sql`; `{events}` in it reads the events view, or with `dates` (lo, hi), which
        the query's condition keeps to, only the parts that can hold them (events_between), or with
        `parts`, only those base parts (events_in)."""
        tolls = bool(_TOLLS.search(sql))  # the one-count-per-event queries (counted) join the tolls

        def run() -> pd.DataFrame:
            cur = self.cursor(tolls)
            relation = (
                self.events_in(parts) if parts is not None else self.events_between(*dates) if dates else "events"
            )
            return cur.execute(sql.replace("{events}", relation), params or []).df()

        try:
            return self._declaring_events(run)
        except duckdb.IOException:
            # A compaction or an ingest replaced files between the manifest read and the query: once
            # more on the generation now current, then it is the store's error.
            self._generation = -1
            try:
                return self._declaring_events(run)
            except duckdb.Error as err:
                raise StoreError(f"{self.store.root}: cannot query the events ({err})") from err
