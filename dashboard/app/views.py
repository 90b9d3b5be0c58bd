"""What the callbacks ask of the store, from one of two engines with the same answers.

`DuckViews` (the default) answers every view with DuckDB queries over the store's Parquet files:
nothing is indexed or held in memory. `MemoryViews` answers from the numpy EventIndex (the whole
table as arrays, built once per generation; `CONFLICTMAP_ENGINE=memory`), which is faster per answer
on small stores and is what the engine tests compare with pandas.
"""

from __future__ import annotations

import contextlib
import functools
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import duckdb
import pandas as pd

from dashboard import rollup as R
from dashboard import schema as S
from dashboard.app import duck as D
from dashboard.app import duck_actors as DAC
from dashboard.app import duck_apart as DA
from dashboard.app import duck_fact as DF
from dashboard.app import duck_listed as DL
from dashboard.app import duck_newest as DN
from dashboard.app import duck_position as DP
from dashboard.app import duck_rollup as DR
from dashboard.app import duck_search as DSE
from dashboard.app import duck_states as DS
from dashboard.app import engine as E
from dashboard.app import ids
from dashboard.app.filters import CHOICE_COLUMNS, Filters
from dashboard.app.query import Selection, around, totals_by_bin
from dashboard.app.views_memory import (  # noqa: F401 (MemoryViews, select_masks, timeline_bars: the callers')
    CHOICES,
    NO_MATCH,
    MemoryViews,
    empty_reason,
    select_masks,
    timeline_bars,
    with_chosen,
)
from dashboard.errors import StoreError

T = TypeVar("T")


# -- DuckDB over the Parquet files ----------------------------------------------------------------------

MEMO_SIZE = 64


class DuckViews:
    """One generation's views through DuckDB. Answers are memoised per (view, filters, selection):
    every answer at the same filters asks for the same date extent, and a click or a filter state
    seen before is answered without a query."""

    def __init__(self, db: D.DuckEngine, n: int, generation: int, rollup: bool = False, later: bool = False) -> None:
        self.db = db
        self.n = n
        self.generation = generation
        self.rollup = rollup  # the generation has a rollup: the unfiltered views read it (duck_rollup)
        self.later = later  # build what the next answers need in a thread after an answer (after_answer)
        # Per generation: a scan of the column each (a choice filter's name), and _per_generation's ("#…").
        self._options: dict[str, Any] = {}
        self._memo: OrderedDict = OrderedDict()
        self._memo_lock = threading.Lock()
        # One build at a time of the actors' table, and of the word index (apart: neither waits on the other).
        self._locks = {"actors": threading.Lock(), "search": threading.Lock()}
        self.states = DS.FilterStates(db, generation)

    def _remembered(self, key: tuple, compute: Callable[[], T]) -> T:
        with self._memo_lock:
            if key in self._memo:
                self._memo.move_to_end(key)
                hit = self._memo[key]
                return hit.copy() if isinstance(hit, pd.DataFrame) else hit
        value = compute()
        with self._memo_lock:
            self._memo[key] = value
            while len(self._memo) > MEMO_SIZE:
                self._memo.popitem(last=False)
        return value.copy() if isinstance(value, pd.DataFrame) else value

    def choices(self, f: Filters) -> list[list[str]]:
        out = []
        for c in CHOICES:
            name = ids.CHOICE_FILTERS[c]
            if name not in self._options:
                self._options[name] = D.value_options(self.db, CHOICE_COLUMNS[name]) if self.n else []
            out.append(with_chosen(self._options[name], getattr(f, name)))
        return out

    def _rolled(self, f: Filters) -> bool:
        """Whether the rollup answers with these filters: none; place filters when the events'
        reports share their place; one event type, or one minimum toll or confidence at a level the
        rollup counts, when it has their measures (duck_rollup)."""
        if not self.rollup or DR.answers(f):
            return self.rollup
        if not (
            DR.by_place(f)
            or (DR.by_type(f) and R.TYPE_MEASURES["events"] in self._measures())
            or (DR.by_threshold(f) and DR.measure_of(f, "events") in self._measures())
        ):
            return False
        narrowed_by_place = bool(f.countries or f.admin1s or f.places or f.precise_only)
        return not narrowed_by_place or self.db.clusters_share_place()

    def _state(self, f: Filters, answer: Callable[[DS.Kept], T | None], events: Callable[[], T]) -> T:
        """`answer` from the table of filter state `f` (duck_states), built on its first use; or
        `events()` when `answer` gives None. The states the rollup answers never get here."""
        if DR.answers(f) or not self.n:  # no filter narrows the events: nothing to keep
            return events()
        try:
            table = self.states.get(f) or self.states.table(f, *self._source(f))
            got = None if table is None else answer(table)
        except duckdb.CatalogException:  # the table dropped meanwhile (newer states pushed it out)
            got = None
        return events() if got is None else got

    def _fact(self, f: Filters) -> DF.Fact | None:
        """The rollup with integer places (duck_fact) when it answers these filters exactly."""
        if not (self.rollup and self.n and DF.applies(f)):
            return None
        return self._per_generation("#fact", lambda: DF.build(self.db))

    def after_answer(self, f: Filters | None = None) -> None:
        """From the server's start (StoreView.warm) or an answer, what the next ones read, built in a
        thread of its own once per generation on DuckDB connections below the requests' priority: the
        rollup with integer places (duck_fact), the word index the store wrote (duck_search), each
        date's newest rows (duck_newest), every minimum's level (build_levels), the panel's first
        pages (duck_listed). Requests meanwhile answer as before. After the first answer under a
        filter `f`, in another such thread: the rollup per country and date where the store wrote none
        (build_country_days); after the first answer it slowed the first brushes (+20-80 ms). (The
        basemap's boundaries are read as the server starts: app.create_app.)"""
        if not (self.later and self.n):
            return
        with self._memo_lock:
            fact = not ("#fact later" in self._options or "#fact" in self._options)
            filters = f is not None and f != Filters() and "#filters later" not in self._options
            self._options.update({k: True for k, go in (("#fact later", fact), ("#filters later", filters)) if go})
        # Not daemons: DuckDB aborts the process when a daemon thread is stopped inside a query.
        if fact:
            threading.Thread(target=self._fact_later, name="conflictmap-fact").start()
        if filters:
            threading.Thread(target=self._filters_later, name="conflictmap-filters").start()

    def _filters_later(self) -> None:
        DA.lower_priority()  # below the requests' priority, as _fact_later
        with contextlib.suppress(duckdb.Error):  # a country's answers read the rollup meanwhile
            DR.build_country_days(self.db)  # nothing without a rollup

    def _fact_later(self) -> None:
        DA.lower_priority()  # below the requests' priority: they keep the cores while this builds
        try:
            stored = self.db.held().files_for(self.generation)
            if stored:
                # Written by the store with this generation (store_held): views over its files, in
                # no time, where the builds below take seconds, and a brush or click reads them.
                self._per_generation("#listed", lambda: DL.build(self.db))
                if "newest" in stored:
                    self._per_generation("#newest", lambda: DN.build(self.db))
            self._fact(Filters())
            with contextlib.suppress(duckdb.Error, StoreError):  # an actor's filter reads them, and reports what fails
                if DAC.stored(self.db):  # views over the store's files: the first actor's answer waited ~15 ms
                    self._actors_table()  # (counted they take seconds: only an actor's filter counts them)
            # Only ever built here (a request answers from the parts till then: duck_newest, duck_listed).
            # The held rows last: ~13 CPU s at ten million events, against ~2 for the others (the minima's
            # levels, the brushes' newest ids), which had waited for them.
            self._per_generation("#newest", lambda: DN.build(self.db))
            if self.rollup:
                DR.build_levels(self.db)
            self._per_generation("#listed", lambda: DL.build(self.db))
            if DSE.written(self.db, self.generation):  # last: the brushes read the tables above
                self._search()
            DR.hold_levels(self.db)  # the minima's tables the store wrote: only a filter at a minimum reads them
        except (duckdb.Error, StoreError):
            return  # the request that needs the tables builds them, and reports what fails

    def _actors(self, f: Filters) -> DAC.Actors | None:
        """For a filter of one actor (duck_actors.applies), the generation's table of every actor's
        counts, built by the first such request (~1.2 CPU s once at a million events, against ~0.4
        s for each actor's scan; a second request waits). Not after every answer: 2.8 million rows
        at ten million events, built per write, for a filter many never set. None where there is
        none (no rollup with integer places, or not yet while the thread after the answer builds)."""
        return self._actors_table() if self.rollup and self.n and DAC.applies(f) else None

    def _actors_table(self) -> DAC.Actors | None:
        fact = self._fact_now(Filters())
        if fact is None:
            return None
        with self._locks["actors"]:
            return self._per_generation("#actors", lambda: DAC.build(self.db, fact))

    def _source(self, f: Filters) -> tuple[tuple[str, list] | DSE.Counted | None, DF.Fact | None, tuple | None]:
        """What filter state `f`'s table is built from (duck_states.FilterStates.table): one actor's
        rows of the actors' table (and its sums), an excerpt search's rows counted from the store's
        word index (duck_search: read after the first answer or by the first search), else the events."""
        actors = self._actors(f)
        if actors is not None:
            return DAC.narrow_select(actors, f), actors.fact, DAC.sums_select(actors, f)
        found = self._search() if self.rollup and self.n and DSE.applies(f) else None
        rows = None if found is None else DSE.state_rows(self.db, found, f)
        return (None, None, None) if rows is None or found is None else (rows, found.fact, None)

    def _search(self) -> DSE.Search | None:
        """The word index the store wrote with the generation (duck_search), read once (~1.5 CPU s at 10M)."""
        fact = self._fact_now(Filters())
        with self._locks["search"]:
            return None if fact is None else self._per_generation("#search", lambda: DSE.build(self.db, fact))

    def _fact_now(self, f: Filters) -> DF.Fact | None:
        """_fact(f) where it is built or cheap to derive (duck_fact.held) or to read (duck_fact.stored:
        a request may wait for after_answer's read), or where nothing builds it after an answer (not
        `later`); else None, and the rollup answers: a request does not wait for that build."""
        return self._fact(f) if not self.later or DF.held(self.db) or DF.stored(self.db) else None

    def _measures(self) -> frozenset[str]:
        self.db.cursor()  # the generation's rollup declared
        return self.db.rollup_measures

    def extent(self, f: Filters) -> tuple[pd.Timestamp, pd.Timestamp] | None:
        def extent() -> tuple[pd.Timestamp, pd.Timestamp] | None:
            if self._rolled(f):
                return DR.date_extent(self.db, f, DR.days_source(self.db, f, None))
            # An empty state has no extent: a None from the table is the answer, not a miss.
            got = self._state(f, lambda t: (DS.date_extent(self.db, t),), lambda: (D.date_extent(self.db, f),))
            return got[0]

        return self._remembered(("extent", f), extent)

    def series(self, f: Filters, sel: Selection, unit: str, measure: str) -> tuple[pd.DataFrame, pd.DataFrame | None]:
        bars, back = self._remembered(
            ("series", f, sel.start, sel.end, sel.place, unit, measure), lambda: self._series(f, sel, unit, measure)
        )
        return bars.copy(), None if back is None else back.copy()

    def _series(self, f: Filters, sel: Selection, unit: str, measure: str) -> tuple[pd.DataFrame, pd.DataFrame | None]:
        shown = around(sel)

        def series(s: Selection) -> pd.DataFrame:
            def events() -> pd.DataFrame:
                return D.timeline_series(self.db, f, s, unit, measure)

            def built() -> pd.DataFrame:
                fast = DF.timeline(self.db, self._fact_now(f), s, unit, measure) if s.place else None
                if fast is not None:
                    return fast
                if self._rolled(f):
                    got = DR.timeline_series(self.db, s, unit, measure, f, DR.days_source(self.db, f, s))
                    return events() if got is None else got
                return self._state(f, lambda t: DS.timeline_series(self.db, t, s, unit, measure), events)

            # Each kept on its own: a marker click's totals behind the place's bars are the
            # timeline of the same filters and window without a place, asked for by every click.
            return self._remembered(("series of", f, s.start, s.end, s.place, unit, measure), built)

        if not sel.place:
            return series(shown), None
        return series(Selection(shown.start, shown.end, sel.place)), totals_by_bin(series(shown))

    def places(self, f: Filters, sel: Selection) -> pd.DataFrame:
        return self._remembered(("places", f, sel.start, sel.end), lambda: self._places(f, sel))

    def _places(self, f: Filters, sel: Selection) -> pd.DataFrame:
        # Not for the map of every date (the page's first answer): built after it (after_answer).
        fact = self._fact_now(f) if sel.start or sel.end else None
        events = functools.partial(D.places_summary, self.db, f, Selection(sel.start, sel.end))
        df = (
            events()  # a rollup written before its counts of events with a toll: until `store compact`
            if self.rollup and "tolled" not in self._measures()
            else DF.places_summary(self.db, fact, sel)
            if fact is not None and (sel.start or sel.end)
            else DR.places_summary(self.db, sel, f, DR.places_source(self.db, f, sel))
            if self._rolled(f)
            else self._state(f, lambda t: DS.places_summary(self.db, t, sel), events)
        )
        counts = dict.fromkeys(("n_events", "fatalities", "fatalities_high", "tolled"), "int64")
        return df.astype({S.GEO_PRECISION: "Int64", **counts}).assign(
            first=pd.to_datetime(df["first"]).astype("datetime64[ns]"),
            last=pd.to_datetime(df["last"]).astype("datetime64[ns]"),
        )[E.SUMMARY_COLUMNS]

    def figures(self, f: Filters, sel: Selection) -> tuple[int, int, int, int, int]:
        """From the places aggregate the map asks for anyway (one query less per answer): its sums,
        or the selected place's row (D.selection_figures gives the same, tests/test_duck.py)."""
        p = self.places(f, sel)
        if sel.place:
            p = p[p[S.PLACE_KEY] == sel.place]
        n = int(p["n_events"].sum())
        low, high, tolled = (int(p[c].sum()) for c in ("fatalities", "fatalities_high", "tolled"))
        return (n, len(p), low, high, tolled) if n else (0, 0, 0, 0, 0)

    def newest(self, f: Filters, sel: Selection, limit: int, columns: tuple[str, ...] | None = None) -> pd.DataFrame:
        """The newest `limit` rows; with `columns`, only those of the schema's (and place_key)."""

        held = self._options.get("#listed")
        held = held if isinstance(held, DL.Listed) and held.table == DL.name_of(self.generation) else None

        def since(day: pd.Timestamp | None) -> pd.DataFrame:
            # From `day` on: from the held rows where they hold every row of those dates (duck_listed).
            if held is not None and day is not None and DL.holds_since(held, day, columns):
                try:
                    return DL.rows_since(self.db, held, f, sel, limit, day, columns or ())
                except duckdb.CatalogException:  # dropped meanwhile (two writes since): as without it
                    pass
            return D.newest_rows(self.db, f, sel, limit, day, columns)

        def newest() -> pd.DataFrame:
            if held is not None and DL.applies(f, sel, limit, columns):
                try:
                    return DL.newest_rows(self.db, held, f, sel, limit, columns or ())
                except duckdb.CatalogException:  # dropped meanwhile (two writes since): as without it
                    pass
            table = self._options.get("#newest")
            if table == f"newest_{self.generation}" and DN.applies(f, sel, limit):
                try:
                    return DN.newest_rows(self.db, table, f, sel, limit, columns)
                except duckdb.CatalogException:  # dropped meanwhile (two writes since): as without it
                    pass
            bound = DF.newest_bound(self.db, self._fact_now(f), sel, limit) if sel.place else None
            if bound is not None:
                return since(bound[0])
            if self._rolled(f):
                return since(DR.newest_since(self.db, sel, limit, f, DR.days_source(self.db, f, sel)))

            def bounded(kept: DS.Kept) -> pd.DataFrame | None:
                # The state's reports per date bound the rows to read (none: no row to read); None
                # (undated ones among fewer than `limit`) reads them as without it.
                got = DS.newest_bound(self.db, kept, sel, limit)
                return None if got is None else D.no_rows(columns) if got.day is None else since(got.day)

            return self._state(f, bounded, lambda: D.newest_recent(self.db, f, sel, limit, columns))

        return self._remembered(("newest", f, sel.start, sel.end, sel.place, limit, columns), newest)

    def position(self, f: Filters, sel: Selection) -> int | None:
        """Where the selected event lies among the listed rows, newest first (duck_position)."""
        return self._remembered(("position", f, sel), lambda: DP.position(self.db, f, sel))

    def chunks(self, f: Filters, sel: Selection, size: int = 50_000) -> Iterator[pd.DataFrame]:
        return D.chunks(self.db, f, sel, size)

    def event_row(self, event_id: str | None) -> dict | None:
        rows = D.rows_where(self.db, "event_id = ?", [event_id], limit=1) if event_id else None
        return rows.iloc[0].to_dict() if rows is not None and len(rows) else None

    def article_rows(self, article_id: str) -> pd.DataFrame:
        return D.rows_where(self.db, "article_id = ?", [article_id])

    def _per_generation(self, name: str, compute: Callable[[], T]) -> T:
        with self._memo_lock:
            if name in self._options:
                return self._options[name]
        value = compute()
        with self._memo_lock:
            self._options[name] = value
        return value

    def total(self) -> int:
        return self._per_generation("#total", lambda: (DR.total_events if self.rollup else D.total_events)(self.db))

    def _labels(self) -> dict[str, str]:
        """Every place's label (places.place_labels over the store's places: namesakes tell apart)."""

        def labels() -> dict[str, str]:
            if not self.rollup:
                return D.place_labels(self.db)
            return D.place_labels(self.db, DR.place_labels_sql(self.db.built("places") or "rollup"))

        return self._per_generation("#labels", labels)

    def labelled(self, places: pd.DataFrame) -> pd.DataFrame:
        labels = self._labels()
        # The keys as a list first: iterating the Arrow-backed column boxes each key (~10 ms a map).
        keys = places[S.PLACE_KEY].tolist()
        return places.assign(label=[labels.get(k, str(k).split("|")[0]) for k in keys])

    def place_label(self, key: str | None) -> str | None:
        return None if not key else self._labels().get(key, key.split("|")[0])

    def empty_reason(self, f: Filters, sel: Selection, n_listed: int) -> str | None:
        if n_listed or not self.n:
            return None
        return empty_reason(
            self.n, self.figures(f, Selection())[0] > 0, self.figures(f, Selection(sel.start, sel.end))[0] > 0, n_listed
        )

    def values(self, name: str) -> set[str]:
        if name == "places":
            return set(self._labels())
        return self._per_generation(
            f"#values {name}", lambda: set(D.value_options(self.db, CHOICE_COLUMNS[name], limit=10**9))
        )

    def has_event(self, event_id: str) -> bool:
        return self.event_row(event_id) is not None
