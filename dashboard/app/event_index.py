"""The store's events as compact arrays: one store generation as an EventIndex.

A million events make pandas groupbys per request too slow, and a million Python strings too big.
`build_index` turns the store's Arrow table, once per store generation, into numpy arrays (day
numbers, place/type codes, deaths, precision) plus one small table per place, each event's
cluster of reports, and the orders the views list rows in; engine.py answers the views over them.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from dashboard import schema as S
from dashboard.app.places import LABEL_SOURCE, place_labels

DAY_NS = 86_400 * 10**9


NO_DATE = np.iinfo(np.int64).min  # numpy's NaT as int64


# String columns with few distinct values: read dictionary-encoded, a code per row instead of a string.
DICTIONARY_COLUMNS: tuple[str, ...] = (
    S.ARTICLE_ID,
    S.DATE_PRECISION,
    S.DATE_SOURCE,
    S.EVENT_TYPE,
    S.SUB_EVENT_TYPE,
    S.TRIGGER,
    S.ACTOR1,
    S.ACTOR2,
    S.LOCATION,
    S.TOPONYM,
    S.FEATURE_CODE,
    S.COUNTRY,
    S.COUNTRY_CODE,
    S.ADMIN1,
    S.FATALITIES_TEXT,
    S.INJURED_TEXT,
    S.DISPLACED_TEXT,
    S.TITLE,
    S.SOURCE,
    S.URL,
)


# The columns the filters panel chooses from (codes kept in the index), and what a date precision
# means for the timeline (query_oracle.IMPRECISE: spread over a month or a year).
CODED_COLUMNS: tuple[str, ...] = (S.SUB_EVENT_TYPE, S.ACTOR1, S.ACTOR2, S.COUNTRY, S.ADMIN1, S.SOURCE, S.ARTICLE_ID)


DATE_KINDS = {"month": 1, "year": 2}


PLACE_COLUMNS = [S.PLACE_KEY, S.LOCATION, S.LATITUDE, S.LONGITUDE, S.COUNTRY]


@dataclass(frozen=True, eq=False)
class EventIndex:
    """One store generation as arrays; row i of every array is row i of the store's events table."""

    n: int
    date_ns: np.ndarray  # int64 ns since the epoch, NO_DATE when undated
    place: np.ndarray  # int32 code into `places`
    etype: np.ndarray  # int16 code into `types`, -1 when null
    fatalities: np.ndarray  # int64, 0 when none reported
    tolled: np.ndarray  # bool: the row gives a death toll (0 included), where `fatalities` cannot tell
    precision: np.ndarray  # int8 geo_precision, 0 when unknown
    newest_first: np.ndarray  # row positions sorted by event_date then published, newest first, undated last
    newest_published: np.ndarray  # int64 ns of each row's publication, NO_DATE when unknown
    places: pd.DataFrame  # one row per place code: PLACE_COLUMNS and its label
    place_code: dict[str, int]
    types: tuple[str, ...]
    table: pa.Table  # every column (one chunk each, so taking a few rows is cheap), for the rows a view lists
    dated: np.ndarray  # bool: has an event date
    bins: dict[str, np.ndarray]  # int32 day / week / month number of each row (0 when undated)
    by_place: np.ndarray  # row positions sorted by place, then date (undated last within a place)
    by_date: np.ndarray  # row positions of the dated rows, by date
    # The filter columns as dictionary codes (-1 when null) and their values: a choice filter is an
    # np.isin over codes, the dropdowns' options a bincount.
    codes: dict[str, np.ndarray]
    values: dict[str, tuple[str, ...]]
    confidence: np.ndarray  # float64, NaN when unknown
    date_kind: np.ndarray  # int8: 0 dated to the day (or unknown precision), 1 only to a month, 2 to a year
    # One event may have several reports (rows of different articles, one cluster_id): each row's
    # cluster code, and per cluster the lowest and highest death count its reports give.
    cluster: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    cluster_low: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    cluster_high: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    cluster_tolled: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))  # a report gives a toll
    first_report: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))  # per cluster
    n_events: int = 0  # distinct events (clusters) among the n rows
    # Aggregates already computed for this generation, by (function, mask, arguments): most requests
    # repeat a mask (every click at the same filters), and a mask's digest costs well under a millisecond.
    memo: OrderedDict = field(default_factory=OrderedDict, repr=False)
    memo_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    # Built on first use and kept for the generation (not evicted like memo): the excerpts as one
    # lowered byte string, for the excerpt search.
    lazy: dict = field(default_factory=dict, repr=False)


def _ns(column: pa.ChunkedArray) -> np.ndarray:
    return column.cast(pa.timestamp("ns")).to_numpy(zero_copy_only=False).astype("datetime64[ns]").view(np.int64)


def _int(column: pa.ChunkedArray, dtype: type) -> np.ndarray:
    return column.cast(pa.int64()).fill_null(0).to_numpy().astype(dtype)


def _codes(column: pa.ChunkedArray) -> tuple[np.ndarray, list]:
    """Dictionary codes (-1 for null) and the values, whatever the column's encoding."""
    arr = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
    if not pa.types.is_dictionary(arr.type):
        arr = arr.dictionary_encode()
    codes = arr.indices.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int32)
    return codes, arr.dictionary.to_pylist()


def build_index(table: pa.Table) -> EventIndex:
    """The index of an events table (Arrow, the schema's columns; dictionary-encoded strings welcome)."""
    # One chunk per column: `take` on a many-chunk string column would concatenate it on every request.
    table = events_only(table).unify_dictionaries().combine_chunks()
    n = table.num_rows
    date_ns = _ns(table[S.EVENT_DATE])
    published = _ns(table[S.PUBLISHED])
    place, places = _places(table)
    etype, types = _codes(table[S.EVENT_TYPE])
    coded = {col: _codes(table[col]) for col in CODED_COLUMNS}
    kind_codes, kinds = _codes(table[S.DATE_PRECISION])
    kind_of = np.array([DATE_KINDS.get(k, 0) for k in kinds] + [0], dtype=np.int8)
    # Newest first, undated last; lexsort is stable, so ties keep the table's order as pandas' sort does.
    newest = np.lexsort(
        (
            np.where(published == NO_DATE, np.iinfo(np.int64).max, -published),
            np.where(date_ns == NO_DATE, np.iinfo(np.int64).max, -date_ns),
        )
    )
    dated = date_ns != NO_DATE
    last_key = np.where(dated, date_ns, np.iinfo(np.int64).max)
    return EventIndex(
        n=n,
        date_ns=date_ns,
        place=place,
        etype=etype.astype(np.int16),
        places=places,
        fatalities=_int(table[S.FATALITIES], np.int64),
        tolled=~np.asarray(table[S.FATALITIES].is_null().to_numpy(zero_copy_only=False), dtype=bool),
        precision=_int(table[S.GEO_PRECISION], np.int8),
        newest_first=newest,
        newest_published=published,
        place_code={k: i for i, k in enumerate(places[S.PLACE_KEY])},
        types=tuple(types),
        table=table,
        dated=dated,
        codes={col: c for col, (c, _) in coded.items()},
        values={col: tuple("" if v is None else str(v) for v in vals) for col, (_, vals) in coded.items()},
        confidence=table[S.CONFIDENCE].cast(pa.float64()).fill_null(np.nan).to_numpy(),
        date_kind=kind_of[kind_codes],  # code -1 (null) takes the last entry: day
        bins={
            unit: np.where(dated, time_bins(np.where(dated, date_ns, 0), unit), 0).astype(np.int32)
            for unit in ("day", "week", "month")
        },
        by_place=np.lexsort((last_key, place)),
        by_date=np.flatnonzero(dated)[np.argsort(date_ns[dated], kind="stable")],
        **_clusters(table),
    )


def _places(table: pa.Table) -> tuple[np.ndarray, pd.DataFrame]:
    """Each row's place code, and one row per place: PLACE_COLUMNS and its label."""
    n = table.num_rows
    loc_codes, _ = _codes(table[S.LOCATION])
    lat = table[S.LATITUDE].to_numpy()
    lon = table[S.LONGITUDE].to_numpy()
    # A place is (name, rounded coordinates), as schema.place_keys has it; factorise the triple once.
    triple = pd.DataFrame({"l": loc_codes, "a": np.round(lat, 4), "o": np.round(lon, 4)})
    place = triple.groupby(["l", "a", "o"], sort=False, dropna=False).ngroup().to_numpy().astype(np.int32)
    first_row = np.full(int(place.max()) + 1 if n else 0, n, dtype=np.int64)
    np.minimum.at(first_row, place, np.arange(n))
    firsts = table.take(pa.array(first_row)).select(LABEL_SOURCE).to_pandas()
    firsts = S.coerce_events(firsts)[LABEL_SOURCE].reset_index(drop=True)
    # The name each place is shown by (places.place_labels): unique where a city and its province
    # share one.
    places = firsts.assign(**{S.PLACE_KEY: S.place_keys(firsts), "label": place_labels(firsts)})
    return place, places[[*PLACE_COLUMNS, "label"]]


def events_only(table: pa.Table) -> pa.Table:
    """The rows that are events: mentions (totals, statements, boilerplate…) are not drawn or counted."""
    if S.RECORD_KIND not in table.column_names:
        return table
    kind = table[S.RECORD_KIND]
    if pa.types.is_dictionary(kind.type):
        kind = kind.cast(pa.string())
    return table.filter(pc.fill_null(pc.not_equal(kind, "mention"), True))


def _clusters(table: pa.Table) -> dict:
    """Each row's event (its cluster; a row without one is an event of its own) and each event's
    lowest and highest reported death count, whether any report gives one, and its first report's row."""
    n = table.num_rows
    codes, values = _codes(table[S.CLUSTER_ID])
    codes = codes.astype(np.int64)
    lone = codes < 0
    codes[lone] = len(values) + np.arange(int(lone.sum()))
    n_clusters = len(values) + int(lone.sum())
    deaths = table[S.FATALITIES].cast(pa.int64())
    known = ~np.asarray(deaths.is_null().to_numpy(zero_copy_only=False), dtype=bool)
    value = deaths.fill_null(0).to_numpy()
    low = np.full(n_clusters, np.iinfo(np.int64).max, dtype=np.int64)
    high = np.zeros(n_clusters, dtype=np.int64)
    np.minimum.at(low, codes[known], value[known])
    np.maximum.at(high, codes[known], value[known])
    tolled = low != np.iinfo(np.int64).max
    low[~tolled] = 0
    first = np.full(n_clusters, n, dtype=np.int64)
    np.minimum.at(first, codes, np.arange(n))
    shared = np.flatnonzero(np.bincount(codes, minlength=n_clusters)[codes] > 1)
    if shared.size:  # a cluster's first report is its smallest event_id (query_oracle.first_reports)
        shared = by_event_id(table, shared)
        firsts = np.unique(codes[shared], return_index=True)[1]
        first[codes[shared[firsts]]] = shared[firsts]
    return {
        "cluster": codes,
        "cluster_low": low,
        "cluster_high": high,
        "cluster_tolled": tolled,
        "first_report": first,
        "n_events": int(np.count_nonzero(first < n)),
    }


def by_event_id(table: pa.Table, rows: np.ndarray) -> np.ndarray:
    """`rows` (positions) sorted by their event_id."""
    ids = table[S.EVENT_ID].take(pa.array(rows, type=pa.int64()))
    return rows[pc.sort_indices(ids).to_numpy()]


def index_from_frame(events: pd.DataFrame) -> EventIndex:
    """The index of a schema-typed events DataFrame (tests, small stores)."""
    return build_index(pa.Table.from_pandas(S.coerce_events(events), preserve_index=False))


def time_bins(date_ns: np.ndarray, unit: str) -> np.ndarray:
    """Bin number of each date: days since the epoch, the Monday of its week, or months since 1970-01."""
    day = date_ns // DAY_NS
    if unit == "week":
        return day - (day + 3) % 7  # 1970-01-01 was a Thursday
    if unit == "month":
        return date_ns.view("datetime64[ns]").astype("datetime64[M]").astype(np.int64)
    return day
