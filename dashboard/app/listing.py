"""The rows a view lists (newest first, one event's, a column's value) as DataFrames or records
with their place keys, and the places' labels (the names the page shows them by)."""

from __future__ import annotations

import math
from collections.abc import Iterator

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from dashboard import held_sql as HQ
from dashboard import schema as S
from dashboard.app.event_index import NO_DATE, EventIndex

# The panel's page and the columns a listed sentence reads: with the store's held tables (store_held),
# which hold those columns of the rows a first page can list.
EXCERPT_LIMIT = HQ.EXCERPT_LIMIT
LISTED_COLUMNS = HQ.LISTED_COLUMNS


def newest_rows(ix: EventIndex, mask: np.ndarray, limit: int = 200) -> np.ndarray:
    """Positions of the newest `limit` rows of the mask (event date, then publication; undated last;
    ties by event_id, as the DuckDB engine orders them)."""
    rows = ix.newest_first[mask[ix.newest_first]]
    if rows.size == 0 or limit <= 0:
        return rows[: max(limit, 0)]
    head = rows[:limit]
    if rows.size > limit:  # the rows tied with the last one listed compete for its place
        pub = ix.newest_published
        last, rest = head[-1], rows[limit:]
        differs = (ix.date_ns[rest] != ix.date_ns[last]) | (pub[rest] != pub[last])
        run = int(np.argmax(differs)) if differs.any() else rest.size
        head = np.r_[head, rest[:run]]
    # Re-sorted by (date, publication, event_id): the few rows listed, not the whole table.
    keys = pa.table(
        {
            "d": pa.array(ix.date_ns[head]),
            "p": pa.array(ix.newest_published[head]),
            "i": ix.table[S.EVENT_ID].take(pa.array(head, type=pa.int64())),
        }
    )
    undated, unpublished = keys["d"].to_numpy() == NO_DATE, keys["p"].to_numpy() == NO_DATE
    order = pc.sort_indices(
        pa.table({"u": pa.array(undated), "d": keys["d"], "v": pa.array(unpublished), "p": keys["p"], "i": keys["i"]}),
        sort_keys=[
            ("u", "ascending"),
            ("d", "descending"),
            ("v", "ascending"),
            ("p", "descending"),
            ("i", "ascending"),
        ],
    ).to_numpy()
    return head[order][:limit]


def event_position(ix: EventIndex, mask: np.ndarray, event_id: str) -> int | None:
    """Where the row of `event_id` comes among the mask's rows in newest_rows' order (how many of
    them are listed before it), or None when it is not one of them. One pass over the mask's keys,
    no sort; the ids are compared only among the rows tied with it on dates."""
    rows = rows_where(ix, S.EVENT_ID, event_id)
    rows = rows[mask[rows]]
    if not rows.size:
        return None
    listed = np.flatnonzero(mask)
    top = np.iinfo(np.int64).max
    day = np.where(ix.date_ns[listed] == NO_DATE, top, -ix.date_ns[listed])  # ascending: newest first
    pub = np.where(ix.newest_published[listed] == NO_DATE, top, -ix.newest_published[listed])
    at = int(np.searchsorted(listed, rows[0]))
    tied = (day == day[at]) & (pub == pub[at])
    ids = ix.table[S.EVENT_ID].take(pa.array(listed[tied], type=pa.int64())).to_pylist()
    before = (day < day[at]) | ((day == day[at]) & (pub < pub[at]))
    return int(before.sum()) + sum(1 for i in ids if i is not None and i < event_id)


def rows_frame(ix: EventIndex, rows: np.ndarray) -> pd.DataFrame:
    """The schema-typed events table for a few row positions, with its place keys, in that order."""
    taken = ix.table.take(pa.array(rows, type=pa.int64()))
    # Decode dictionary columns here: a categorical would carry (and validate) the whole dictionary.
    taken = pa.table(
        {
            name: col.cast(col.type.value_type)
            if pa.types.is_dictionary(col.type)
            else col.cast(pa.timestamp("ns"))
            if pa.types.is_timestamp(col.type)
            else col
            for name, col in zip(taken.column_names, taken.columns, strict=True)
        }
    )
    # Arrow types mapped straight to the schema's dtypes: coerce_events per column would cost more
    # than everything else about these rows.
    df = taken.to_pandas(types_mapper=_SCHEMA_TYPES.get)[list(S.NAMES)]
    return df.assign(**{S.PLACE_KEY: place_arrays(ix)[1][ix.place[rows]]})


def row_records(ix: EventIndex, rows: np.ndarray) -> list[dict]:
    """plain_records(rows_frame(ix, rows)) straight from Arrow, for the few rows a list shows: the
    same values (timestamps as pd.Timestamp or NaT, a missing float as NaN, any other missing
    value as None), without building a ~50-column DataFrame to take it apart again (~10 ms an
    answer, more than the list's own markup)."""
    taken = ix.table.take(pa.array(rows, type=pa.int64()))
    names = [n for n in S.NAMES if n in taken.column_names]
    columns = [_py_values(taken[n]) for n in names]
    keys = place_arrays(ix)[1][ix.place[rows]].tolist()
    return [
        {**dict(zip(names, values, strict=True)), S.PLACE_KEY: key}
        for values, key in zip(zip(*columns, strict=True), keys, strict=True)
    ]


def _py_values(column: pa.ChunkedArray) -> list:
    kind = column.type.value_type if pa.types.is_dictionary(column.type) else column.type
    values = column.to_pylist()
    if pa.types.is_timestamp(kind):
        return [pd.NaT if v is None else pd.Timestamp(v) for v in values]
    if pa.types.is_floating(kind):
        return [math.nan if v is None else v for v in values]
    return values


def frame_chunks(ix: EventIndex, mask: np.ndarray, size: int = 50_000) -> Iterator[pd.DataFrame]:
    """The mask's rows as schema-typed DataFrames of at most `size` rows, in table order: an export
    of a million events never holds them all as pandas at once."""
    rows = np.flatnonzero(mask)
    for i in range(0, rows.size, size):
        yield rows_frame(ix, rows[i : i + size])


def rows_where(ix: EventIndex, column: str, value: str) -> np.ndarray:
    """Positions of the rows whose `column` equals `value` (a dictionary column compares codes)."""
    arr = ix.table[column].combine_chunks() if ix.n else pa.array([], pa.string())
    if pa.types.is_dictionary(arr.type):
        code = pc.index(arr.dictionary, pa.scalar(value, arr.dictionary.type)).as_py()
        return (
            np.zeros(0, np.int64)
            if code < 0
            else np.flatnonzero(arr.indices.fill_null(-1).to_numpy(zero_copy_only=False) == code)
        )
    return np.flatnonzero(pc.fill_null(pc.equal(arr, pa.scalar(value, arr.type)), False).to_numpy(zero_copy_only=False))


def event_row(ix: EventIndex, event_id: str | None) -> dict | None:
    """One event's row (with its place key) by id, or None."""
    rows = rows_where(ix, S.EVENT_ID, event_id) if event_id else np.zeros(0, np.int64)
    return rows_frame(ix, rows[:1]).iloc[0].to_dict() if rows.size else None


def place_arrays(ix: EventIndex) -> tuple[pd.Index, np.ndarray, np.ndarray]:
    """The places' keys as an Index (for vectorised look-ups), and their keys and labels as object
    arrays: built once per generation (as Arrow-backed columns, each answer paid ~0.3 ms per
    conversion and ~4 ms per key looked up one by one)."""
    found = ix.lazy.get("place_arrays")
    if found is None:
        keys = ix.places[S.PLACE_KEY].to_numpy(dtype=object)
        found = ix.lazy.setdefault(
            "place_arrays", (pd.Index(ix.places[S.PLACE_KEY]), keys, ix.places["label"].to_numpy(dtype=object))
        )
    return found


def labelled(ix: EventIndex, places: pd.DataFrame) -> pd.DataFrame:
    """A places aggregate with each place's label (the name the page shows it by)."""
    if not len(places):
        return places.assign(label=[])
    index, _, labels = place_arrays(ix)
    if index.is_unique:
        codes = index.get_indexer(places[S.PLACE_KEY])
    else:  # two place codes under one key: the last one, as place_code has it
        codes = np.fromiter((ix.place_code.get(k, -1) for k in places[S.PLACE_KEY]), dtype=np.int64, count=len(places))
    if (codes < 0).any():
        raise KeyError(f"not a place of this index: {places[S.PLACE_KEY].iloc[int(np.argmin(codes))]}")
    return places.assign(label=labels[codes])


def place_label(ix: EventIndex, key: str | None) -> str | None:
    """The label of one place key (its name part when the store lacks it)."""
    if not key:
        return None
    code = ix.place_code.get(key)
    return key.split("|")[0] if code is None else str(ix.places["label"].iat[code])


_SCHEMA_TYPES = {
    pa.string(): pd.StringDtype(),
    pa.large_string(): pd.StringDtype(),
    pa.int64(): pd.Int64Dtype(),
    pa.bool_(): pd.BooleanDtype(),
}


def events_frame(ix: EventIndex) -> pd.DataFrame:
    """The whole events table as pandas, with place keys (for code that filters a DataFrame); costly at 1M."""
    df = S.coerce_events(ix.table.to_pandas())
    return df.assign(**{S.PLACE_KEY: ix.places[S.PLACE_KEY].to_numpy()[ix.place]})
