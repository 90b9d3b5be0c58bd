"""The views' aggregates as array operations over an EventIndex (event_index.py: the store's events
as numpy arrays, built once per store generation). Filters are boolean row masks and aggregates are
`np.bincount` / `ufunc.at` over the masked rows. The text columns stay in the Arrow table and are
taken only for the few rows a view lists.

Every function here gives what the pandas functions of `query` give on `events[mask]`
(tests/test_engine.py holds them side by side); ties in the main type go to the type seen first.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable

import numpy as np
import pandas as pd

from dashboard import schema as S
from dashboard.app.event_index import (
    DAY_NS,
    NO_DATE,
    PLACE_COLUMNS,
    EventIndex,
    by_event_id,
    time_bins,
)
from dashboard.app.mapview import MapView, cluster_box
from dashboard.app.type_mix import mix_strings

SUMMARY_COLUMNS = [
    S.PLACE_KEY,
    S.LOCATION,
    S.LATITUDE,
    S.LONGITUDE,
    S.COUNTRY,
    S.GEO_PRECISION,
    "n_events",
    "fatalities",
    "fatalities_high",
    "tolled",
    "main_type",
    "type_mix",
    "first",
    "last",
]


def counted_rows(ix: EventIndex, mask: np.ndarray) -> np.ndarray:
    """One row per event among the mask's rows (its report with the smallest event_id in the mask):
    what counts as an event.

    Reports of one event share its place and day, so place and time filters keep or drop them
    together; a filter on source, actor or words can keep a later report only, which then stands
    for the event."""
    if ix.cluster.size != ix.n:
        return mask
    counted = np.zeros(ix.n, dtype=bool)
    reps = ix.first_report[ix.cluster[mask]]
    counted[reps[mask[reps]]] = True
    stray = mask & ~counted & ~mask[ix.first_report[ix.cluster]]
    if stray.any():  # the first report is filtered out: the smallest event_id left stands for it
        rows = by_event_id(ix.table, np.flatnonzero(stray))
        _, first = np.unique(ix.cluster[rows], return_index=True)
        counted[rows[first]] = True
    return counted


def event_tolled(ix: EventIndex, rows: np.ndarray) -> np.ndarray:
    """Whether the events counted at these rows have a toll: any of their reports gives one (a toll of
    0 included). event_deaths gives 0 for an event none of whose reports does: this tells them apart."""
    if ix.cluster.size != ix.n:
        return ix.tolled[rows]
    return ix.cluster_tolled[ix.cluster[rows]]


def event_deaths(ix: EventIndex, rows: np.ndarray, high: bool = False) -> np.ndarray:
    """The death count of the events counted at these rows: one number per event, the lowest its
    reports give (the highest with `high`), never the sum of its reports."""
    if ix.cluster.size != ix.n:
        return ix.fatalities[rows]
    return (ix.cluster_high if high else ix.cluster_low)[ix.cluster[rows]]


# -- masks ------------------------------------------------------------------------------------------


def all_rows(ix: EventIndex) -> np.ndarray:
    return np.ones(ix.n, dtype=bool)


def date_mask(ix: EventIndex, start: str | None, end: str | None) -> np.ndarray:
    """query_oracle.in_range as a mask: from the start of `start`'s day to `end` (inclusive); undated rows out."""
    if not start and not end:
        return all_rows(ix)
    mask = ix.dated.copy()
    if start:
        mask &= ix.date_ns >= pd.Timestamp(start).normalize().value
    if end:
        mask &= ix.date_ns <= pd.Timestamp(end).value
    return mask


def around(ix: EventIndex, start: str | None, end: str | None) -> np.ndarray:
    """The timeline's rows for a chosen range: the range and one span either side (room to pan),
    not years of daily bars nobody sees. All rows when no range is chosen."""
    if not start or not end:
        return all_rows(ix)
    lo, hi = pd.Timestamp(start).normalize(), pd.Timestamp(end)
    span = max(hi - lo, pd.Timedelta(days=1))
    return date_mask(ix, str(lo - span), str(hi + span))


def place_mask(ix: EventIndex, place_key: str | None) -> np.ndarray:
    if not place_key:
        return all_rows(ix)
    code = ix.place_code.get(place_key)
    return np.zeros(ix.n, dtype=bool) if code is None else ix.place == code


def precise_mask(ix: EventIndex, on: bool) -> np.ndarray:
    """query_oracle.precise_only as a mask: towns and districts (geo_precision 1–2; unknown counts as 4)."""
    return (ix.precision >= 1) & (ix.precision <= 2) if on else all_rows(ix)


def places_in_boxes(ix: EventIndex, boxes: list[MapView]) -> np.ndarray:
    """Codes of the places whose coordinates lie in any of `boxes`."""
    lon = ix.places[S.LONGITUDE].to_numpy(dtype=float)
    lat = ix.places[S.LATITUDE].to_numpy(dtype=float)
    inside = np.zeros(len(lon), dtype=bool)
    for b in boxes:
        inside |= (lon >= b.lon0) & (lon <= b.lon1) & (lat >= b.lat0) & (lat <= b.lat1)
    return np.flatnonzero(inside)


def places_mask(ix: EventIndex, keys: tuple[str, ...]) -> np.ndarray:
    """Rows at any of `keys`: place keys, or cluster keys standing for the places inside their box."""
    codes = [ix.place_code[k] for k in keys if k in ix.place_code]
    boxes = [b for b in (cluster_box(k) for k in keys) if b is not None]
    if boxes:
        codes.extend(places_in_boxes(ix, boxes).tolist())
    return np.isin(ix.place, np.array(codes, dtype=np.int64)) if codes else np.zeros(ix.n, dtype=bool)


# -- aggregates -------------------------------------------------------------------------------------


MEMO_SIZE = 48


def _memoised(fn: Callable) -> Callable:
    """Keep the last MEMO_SIZE answers of fn(ix, mask, *args) in the index (copies out: callers may mutate)."""

    @functools.wraps(fn)
    def wrapper(ix: EventIndex, mask: np.ndarray, *args: object, **kwargs: object) -> object:
        digest = hashlib.blake2b(np.packbits(mask).tobytes(), digest_size=16).digest()
        key = (fn.__name__, digest, args, tuple(sorted(kwargs.items())))
        with ix.memo_lock:
            if key in ix.memo:
                ix.memo.move_to_end(key)
                return _copy(ix.memo[key])
        out = fn(ix, mask, *args, **kwargs)
        with ix.memo_lock:
            ix.memo[key] = out
            while len(ix.memo) > MEMO_SIZE:
                ix.memo.popitem(last=False)
        return _copy(out)

    return wrapper


def _copy(value: object) -> object:
    return value.copy() if isinstance(value, pd.DataFrame) else value


@_memoised
def places_aggregate(ix: EventIndex, mask: np.ndarray) -> pd.DataFrame:
    """query_oracle.places_summary(events[mask]): one row per place (in place-code order).

    Walks the rows in the index's place-then-date order, so every per-place figure is a slice
    boundary or a `reduceat`, never a groupby."""
    rows = ix.by_place[mask[ix.by_place]]
    if rows.size == 0:
        return pd.DataFrame(columns=SUMMARY_COLUMNS)
    counted = counted_rows(ix, mask)[rows]
    pl = ix.place[rows]
    starts = np.flatnonzero(np.r_[True, pl[1:] != pl[:-1]])
    p = pl[starts]
    ends = np.r_[starts[1:], rows.size]
    n = np.add.reduceat(counted.astype(np.int64), starts)  # events, not reports
    dated = ix.dated[rows]
    n_dated = np.add.reduceat(dated.astype(np.int64), starts)
    dates = ix.date_ns[rows]
    first = np.where(n_dated > 0, dates[starts], NO_DATE)
    last = np.where(n_dated > 0, dates[starts + np.maximum(n_dated - 1, 0)], NO_DATE)
    prec = np.maximum.reduceat(ix.precision[rows], starts)
    deaths = np.add.reduceat(np.where(counted, event_deaths(ix, rows), 0), starts)
    deaths_high = np.add.reduceat(np.where(counted, event_deaths(ix, rows, high=True), 0), starts)
    tolled = np.add.reduceat((counted & event_tolled(ix, rows)).astype(np.int64), starts)
    et = ix.etype[rows]
    typed = et >= 0
    n_types = max(len(ix.types), 1)
    group = np.repeat(np.arange(p.size), ends - starts)
    by_type = np.bincount(group[typed] * n_types + et[typed], minlength=p.size * n_types).reshape(p.size, n_types)
    main = by_type.argmax(axis=1)  # the most frequent type; a tie goes to the type coded first
    types = np.array(ix.types + ("",), dtype=object)
    # One DataFrame from its columns: filling a copy of the places' rows column by column cost
    # most of this function (~5 ms an answer at 100k events).
    return pd.DataFrame(
        {
            **{c: ix.places[c].array.take(p) for c in PLACE_COLUMNS},
            S.GEO_PRECISION: pd.arrays.IntegerArray(prec.astype(np.int64), prec == 0),
            "n_events": n,
            "fatalities": deaths,
            "fatalities_high": np.maximum(deaths_high, deaths),
            "tolled": tolled,
            "main_type": np.where(by_type.sum(axis=1) > 0, types[main], None),
            "type_mix": mix_strings(by_type[:, : len(ix.types)], ix.types),
            "first": first.view("datetime64[ns]"),
            "last": last.view("datetime64[ns]"),
        },
        columns=SUMMARY_COLUMNS,
    )


def bin_start(b: np.ndarray, unit: str) -> pd.DatetimeIndex:
    if unit == "month":
        return pd.DatetimeIndex(b.astype("datetime64[M]").astype("datetime64[ns]"))
    return pd.DatetimeIndex(b.astype("datetime64[D]").astype("datetime64[ns]"))


@_memoised
def timeline_counts(ix: EventIndex, mask: np.ndarray, unit: str = "day", measure: str = "events") -> pd.DataFrame:
    """query_oracle.timeline_counts(events[mask], unit): rows (day = bin start, event_type, n), by bin then type.

    With measure="fatalities", n is the deaths of the bin's events instead of their number (bins
    without deaths are left out, as a bar of height 0 draws nothing)."""
    rows = np.flatnonzero(counted_rows(ix, mask) & ix.dated & (ix.etype >= 0))
    if rows.size == 0:
        return pd.DataFrame(columns=["day", S.EVENT_TYPE, "n"])
    b = ix.bins[unit][rows].astype(np.int64)
    lo = int(b.min())
    n_types = len(ix.types)
    key = (b - lo) * n_types + ix.etype[rows]
    weights = event_deaths(ix, rows) if measure == "fatalities" else None
    counts = np.bincount(key, weights=weights)
    # Bins sorted by time, then types by name, as a pandas groupby over (day, type) orders them.
    by_name = np.argsort(np.array(ix.types, dtype=object), kind="stable")
    grid = (
        counts.reshape(-1, n_types)
        if counts.size % n_types == 0
        else np.pad(counts, (0, n_types - counts.size % n_types)).reshape(-1, n_types)
    )
    grid = grid[:, by_name]
    present = np.bincount(key, minlength=grid.size).reshape(-1, n_types)[:, by_name] > 0
    if weights is not None:
        present &= grid > 0
    bi, ti = np.nonzero(present)
    return pd.DataFrame(
        {
            "day": bin_start(bi + lo, unit),
            S.EVENT_TYPE: np.array(ix.types, dtype=object)[by_name][ti],
            "n": grid[bi, ti].round().astype(np.int64),
        }
    )


@_memoised
def date_extent(ix: EventIndex, mask: np.ndarray) -> tuple[pd.Timestamp, pd.Timestamp] | None:
    """query_oracle.robust_extent(events[mask].event_date): 2 % quantile (from 50 dates on) to the last date."""
    d = ix.date_ns[ix.by_date[mask[ix.by_date]]]  # the mask's dates, already sorted
    if d.size == 0:
        return None
    if d.size < 50:
        return pd.Timestamp(int(d[0])), pd.Timestamp(int(d[-1]))
    # numpy's default (linear) quantile, as pandas computes it, on the sorted dates.
    pos = (d.size - 1) * 0.02
    k = int(np.floor(pos))
    lo = float(d[k]) + (float(d[min(k + 1, d.size - 1)]) - float(d[k])) * (pos - k)
    return pd.Timestamp(int(round(lo))), pd.Timestamp(int(d[-1]))


def selection_figures(ix: EventIndex, mask: np.ndarray) -> tuple[int, int, int, int, int]:
    """(events, places, deaths low, deaths high, events with a toll) of the mask's rows: what
    query_oracle.selection_counts counts. An event reported by several articles counts once, with the
    lowest and highest toll they give."""
    counted = counted_rows(ix, mask)
    rows = np.flatnonzero(counted)
    if not rows.size:
        return 0, 0, 0, 0, 0
    places = int(np.count_nonzero(np.bincount(ix.place[mask], minlength=1)))
    return (
        int(rows.size),
        places,
        int(event_deaths(ix, rows).sum()),
        int(event_deaths(ix, rows, high=True).sum()),
        int(np.count_nonzero(event_tolled(ix, rows))),
    )


def total_events(ix: EventIndex) -> int:
    """How many events the store holds (reports of one event count once)."""
    return ix.n_events if ix.cluster.size == ix.n else ix.n


def remember(ix: EventIndex, key: object, value: object) -> None:
    with ix.memo_lock:
        ix.memo[key] = value
        while len(ix.memo) > MEMO_SIZE:
            ix.memo.popitem(last=False)


# -- the timeline: events or deaths per bin, month/year dates spread over their period ---------------


SHARE_GRID = 2**16  # as query_oracle.SHARE_GRID: spread shares are multiples of 2**-16


SERIES_COLUMNS = ["day", S.EVENT_TYPE, "n", "precise"]


@_memoised
def timeline_series(ix: EventIndex, mask: np.ndarray, unit: str = "day", measure: str = "events") -> pd.DataFrame:
    """query_oracle.timeline_series(events[mask], unit, measure), vectorised: per bin and type the events (or
    deaths) dated to the day, and the evenly spread shares of those dated only to a month or year."""
    rows = np.flatnonzero(counted_rows(ix, mask) & ix.dated & (ix.etype >= 0))
    if rows.size == 0:
        return pd.DataFrame(columns=SERIES_COLUMNS)
    values = event_deaths(ix, rows).astype(float) if measure == "deaths" else np.ones(rows.size)
    kind = ix.date_kind[rows]
    exact = kind == 0
    parts = [(ix.bins[unit][rows[exact]].astype(np.int64), ix.etype[rows[exact]].astype(np.int64), values[exact], True)]
    if not exact.all():
        parts.append(_spread(ix, rows[~exact], kind[~exact], values[~exact], unit))
    n_types = len(ix.types)
    frames = []
    for bins, types, vals, precise in parts:
        if bins.size == 0:
            continue
        lo = int(bins.min())
        sums = np.bincount((bins - lo) * n_types + types, weights=vals)
        at = np.flatnonzero(sums > 0)
        frames.append(
            pd.DataFrame({"bin": at // n_types + lo, "type": at % n_types, "n": sums[at], "precise": precise})
        )
    out = pd.concat(frames, ignore_index=True)
    name_rank = np.argsort(np.argsort(np.array(ix.types, dtype=object), kind="stable"))
    out = out.iloc[np.lexsort((out["precise"].to_numpy(), name_rank[out["type"].to_numpy()], out["bin"].to_numpy()))]
    return pd.DataFrame(
        {
            "day": bin_start(out["bin"].to_numpy(), unit),
            S.EVENT_TYPE: np.array(ix.types, dtype=object)[out["type"].to_numpy()],
            "n": out["n"].to_numpy(dtype=float),
            "precise": out["precise"].to_numpy(dtype=bool),
        }
    )


def _spread(
    ix: EventIndex, rows: np.ndarray, kind: np.ndarray, values: np.ndarray, unit: str
) -> tuple[np.ndarray, np.ndarray, np.ndarray, bool]:
    """(bin, type, share, False) of rows dated to a month (kind 1) or year (2): each (period start,
    kind, type) group's total split over the days of its period with query.spread_shares' rounding."""
    start, etype = ix.date_ns[rows] // DAY_NS, ix.etype[rows].astype(np.int64)
    # The groupby over (start, kind, type), summed, on arrays: sorted runs and reduceat (the
    # pandas groupby was 60 % of a timeline answer). Values are whole numbers: sums are exact.
    order = np.lexsort((etype, kind, start))
    start, kind, etype, values = start[order], kind[order], etype[order], values[order]
    first = np.flatnonzero(np.r_[True, (start[1:] != start[:-1]) | (kind[1:] != kind[:-1]) | (etype[1:] != etype[:-1])])
    groups = pd.DataFrame(
        {"start": start[first], "kind": kind[first], "type": etype[first], "v": np.add.reduceat(values, first)}
    )
    return spread_groups(groups, unit)


def spread_groups(g: pd.DataFrame, unit: str) -> tuple[np.ndarray, np.ndarray, np.ndarray, bool]:
    """_spread of (start day number, kind, type, v) totals, one row per group sorted by those keys
    (the DuckDB engine sums the groups in SQL and spreads them here, the same way)."""
    first = g["start"].to_numpy()
    starts = pd.DatetimeIndex(first.astype("datetime64[D]").astype("datetime64[ns]"))
    ends = np.where(
        g["kind"].to_numpy() == 1,
        (starts + pd.DateOffset(months=1)).to_numpy().astype("datetime64[D]").astype(np.int64),
        (starts + pd.DateOffset(years=1)).to_numpy().astype("datetime64[D]").astype(np.int64),
    )
    length = ends - first
    offsets = np.r_[0, np.cumsum(length)[:-1]]
    owner = np.repeat(np.arange(len(g)), length)
    day = first[owner] + np.arange(int(length.sum())) - offsets[owner]
    b = time_bins(day * DAY_NS, unit)
    last = np.flatnonzero(np.r_[(owner[1:] != owner[:-1]) | (b[1:] != b[:-1]), True])  # each run's last day
    run_owner = owner[last]
    cumulative = (
        np.round(g["v"].to_numpy()[run_owner] * (last + 1 - offsets[run_owner]) / length[run_owner] * SHARE_GRID)
        / SHARE_GRID
    )
    previous = np.r_[0.0, cumulative[:-1]]
    previous[np.r_[True, run_owner[1:] != run_owner[:-1]]] = 0.0
    return b[last], g["type"].to_numpy()[run_owner], cumulative - previous, False
