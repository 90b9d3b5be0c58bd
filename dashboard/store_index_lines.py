"""The merge's index's lines (dashboard/store_index.py): each stored row's merge columns packed into
one line of text, and a key's lines into one compressed value."""

from __future__ import annotations

import io
import re
import sqlite3
import struct
from collections.abc import Callable, Iterable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv

from dashboard import schema as S
from dashboard.merge import CLUSTER_COLUMNS, merge_keys

# {merge key: {event id (escaped): line}}: the lines a write puts into its keys' values (lines_by_key).
Lines = dict[str, dict[str, str]]

# A key's value is compressed with LZ4 (a few hundred bytes at a million events, 1.4x smaller): zlib
# gets 1.8x but its set-up per value made it 8 of the 20 s a build of a million rows took, LZ4 1.
CODEC = "lz4"


def merge_columns() -> list[str]:
    from dashboard.store_merge import MERGE_READS

    return MERGE_READS


def packed_columns() -> list[str]:
    """The merge columns a row's line holds, event_id first (what a write matches lines by)."""
    return [S.EVENT_ID, *(c for c in merge_columns() if c != S.EVENT_ID)]


def placed_columns() -> list[str]:
    """The columns a row's line holds in the index by toponym (store_merge.PLACED_READS: what a
    correction reads of the rows it moves), event_id first."""
    from dashboard.store_merge import PLACED_READS

    return [S.EVENT_ID, *(c for c in PLACED_READS if c != S.EVENT_ID)]


def name_key(text: str) -> str:
    """A toponym as corrections compare them (corrections.same_name): case and runs of spaces ignored."""
    return " ".join(text.split()).casefold()


# Between a line's columns, a missing value, between a key's lines.
_SEP, _NULL, _ROW = "\x1f", "\x1e", "\x1d"
_ESCAPES = (("\\", "\\\\"), (_SEP, "\\f"), (_NULL, "\\e"), (_ROW, "\\g"))


_SPECIAL = [raw.encode() for raw, _ in _ESCAPES]


def escape(col: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
    # A text holding a separator or the null mark (a hostile input) keeps it, escaped. Looked for
    # in the texts' bytes first (a sliced array's whole buffer: at worst escaped for nothing): four
    # replacements, or a regular expression, per text column were most of packing a write's lines.
    chunks = col.chunks if isinstance(col, pa.ChunkedArray) else [col]
    if col.type in (pa.string(), pa.large_string()) and not any(
        raw in data.to_pybytes() for c in chunks if (data := c.buffers()[2]) is not None for raw in _SPECIAL
    ):
        return col
    for raw, esc in _ESCAPES:
        col = pc.replace_substring(col, raw, esc)
    return col


def unescape(text: str) -> str:
    return re.sub(r"\\(.)", lambda m: {"f": _SEP, "e": _NULL, "g": _ROW}.get(m.group(1), m.group(1)), text)


def pack(rows: pd.DataFrame, cols: list[str] | None = None) -> pa.Array:
    """Each row's merge columns (or `cols`, event_id first) as one line of text: SQLite would bind 23
    values per row one by one (binding them so made a build of a million rows take 20 s), and Arrow
    writes it."""
    parts = []
    for c in cols or packed_columns():
        col = pa.array(rows[c], from_pandas=True)
        if S.DTYPES[c] == "datetime64[ns]":
            col = col.cast(pa.int64())
        col = col.cast(pa.string())
        parts.append(escape(col) if S.DTYPES[c] == "string" else col)
    return pc.binary_join_element_wise(*parts, _SEP, null_handling="replace", null_replacement=_NULL)


# Bytes the CSV reader takes at a time (a line never spans more than one: far longer than any line).
_BLOCK = 1 << 24
# The Arrow type each schema dtype's packed text is read as (a date is packed as its nanoseconds).
_READ_AS = {"string": pa.string(), "float64": pa.float64(), "Int64": pa.int64(), "datetime64[ns]": pa.int64()}


def unpack_text(text: str, columns: list[str] | None = None) -> pd.DataFrame:
    """`unpack` of the lines of `text` (`pack`'s lines joined by the row mark, as a key's value
    holds them: `text_of`), read by Arrow's CSV reader in one pass: at ten million events an
    append's ~20,000 stored rows took 29 ms through the split of every line and a take per column,
    and 20 ms so. A text holding a line break (a hostile text; the reader's rows end there), a
    byte-order mark at its start (which the reader drops) or an escaped separator goes the way of
    `unpack`."""
    cols = columns or packed_columns()
    if not text:
        return unpack([], cols)
    if "\n" in text or "\r" in text or text.startswith("\ufeff") or "\\" in text:
        return unpack(text.split(_ROW), cols)
    try:
        table = pcsv.read_csv(
            io.BytesIO(text.replace(_ROW, "\n").encode("utf-8")),
            read_options=pcsv.ReadOptions(column_names=cols, use_threads=False, block_size=_BLOCK),
            parse_options=pcsv.ParseOptions(
                delimiter=_SEP, quote_char=False, escape_char=False, double_quote=False, ignore_empty_lines=False
            ),
            convert_options=pcsv.ConvertOptions(
                column_types={c: _READ_AS[S.DTYPES[c]] for c in cols},
                null_values=[_NULL],
                strings_can_be_null=True,
                quoted_strings_can_be_null=False,
            ),
        )
    except pa.ArrowInvalid as err:  # a line of another number of fields, a value of another type
        raise sqlite3.DatabaseError(f"the index holds lines of another layout ({err})") from err
    out = {}
    for c in cols:
        v = table.column(c)
        dtype = S.DTYPES[c]
        if dtype == "datetime64[ns]":
            out[c] = pd.Series(v.cast(pa.timestamp("ns")).to_pandas(), dtype="datetime64[ns]")
        elif dtype == "float64":
            out[c] = v.to_pandas()
        elif dtype == "Int64":
            mask = v.is_null().to_numpy(zero_copy_only=False)
            out[c] = pd.Series(pd.arrays.IntegerArray(pc.fill_null(v, 0).to_numpy(), mask))
        else:
            out[c] = pd.Series(pd.arrays.ArrowStringArray(v.combine_chunks()))
    return pd.DataFrame(out)


def unpack(data: list[str], columns: list[str] | None = None) -> pd.DataFrame:
    """The merge columns (or `columns`, as packed) of `pack`'s lines, schema-typed. Split and
    converted by Arrow: every line has the same number of fields, so the column of field i is every
    n-th value from i on (pandas' split and conversions were 0.4 s for the 20,000 rows of a batch's
    keys at 10M events)."""
    cols = columns or packed_columns()
    fields = pc.split_pattern(pa.array(data, pa.string()), _SEP).flatten()
    if len(fields) != len(data) * len(cols):
        raise sqlite3.DatabaseError("the index holds lines of another layout")
    # The missing values, and whether any text was escaped, found once over every field: per column
    # these were half of unpacking the 20,000 stored rows of an append's keys at ten million events.
    fields = pc.if_else(pc.equal(fields, _NULL), pa.scalar(None, pa.string()), fields)
    escaped = (text := fields.buffers()[2]) is not None and b"\\" in text.to_pybytes()
    starts = np.arange(len(data), dtype="int64") * len(cols)
    out = {}
    for i, c in enumerate(cols):
        v = fields.take(pa.array(starts + i))
        dtype = S.DTYPES[c]
        if dtype == "datetime64[ns]":
            out[c] = pd.Series(v.cast(pa.int64()).cast(pa.timestamp("ns")).to_pandas(), dtype="datetime64[ns]")
        elif dtype == "float64":
            out[c] = v.cast(pa.float64()).to_pandas()
        elif dtype == "Int64":  # values and mask as numpy: pd.array over Arrow took the slow path
            n = v.cast(pa.int64())
            mask = n.is_null().to_numpy(zero_copy_only=False)
            out[c] = pd.Series(pd.arrays.IntegerArray(n.fill_null(0).to_numpy(), mask))
        else:
            plain = v.to_pandas()
            if not escaped:
                out[c] = plain
                continue
            odd = pc.fill_null(pc.match_substring(v, "\\"), False).to_numpy(zero_copy_only=False)
            if odd.any():
                plain[odd] = plain[odd].map(unescape)
            out[c] = plain
    return pd.DataFrame(out)


def lines_of(rows: pd.DataFrame) -> tuple[list[str], list[str]]:
    """(merge key, line) of each row that can merge. A row that can never merge is left out: it is
    never a candidate, and no write makes it mergeable (a correction moves a row's place, not its
    date, type or precision)."""
    rows = S.coerce_events(rows, names=tuple(merge_columns()))
    keys = merge_keys(rows)
    can = keys.notna().to_numpy()
    if not can.any():
        return [], []
    return keys[can].astype(str).tolist(), pack(rows[can]).to_pylist()


def named_lines_of(rows: pd.DataFrame) -> tuple[list[str], list[str]]:
    """(name_key of its toponym, line of its placed_columns) of each row with a toponym: what the
    index keeps by toponym (a row without one is never corrected)."""
    cols = placed_columns()
    rows = S.coerce_events(rows, names=tuple(cols))
    names = rows[S.TOPONYM]
    has = names.notna().to_numpy()
    if not has.any():
        return [], []
    distinct = {t: name_key(t) for t in names[has].unique()}
    return [distinct[t] for t in names[has]], pack(rows[has], cols).to_pylist()


def events_of(lines: list[str]) -> list[str]:
    """The (escaped) event id each line starts with, split by Arrow in one call: a correction's
    write matches some 20,000 lines by event, and a Python split per line was a tenth of its CPU."""
    if not lines:
        return []
    return pc.list_element(pc.split_pattern(pa.array(lines, pa.string()), _SEP, max_splits=1), 0).to_pylist()


def lines_by_key(
    frames: Iterable[pd.DataFrame | Lines | None], lines: Callable[[pd.DataFrame], tuple[list[str], list[str]]]
) -> Lines:
    """{key: {event: line}} of the rows of `frames` as `lines` keys them (`lines_of` by merge key,
    `named_lines_of` by toponym), or of lines keyed so already (`relabelled`); a later row of an
    event supersedes an earlier one."""
    keyed: Lines = {}
    for f in frames:
        if isinstance(f, dict):
            for k, mine in f.items():
                keyed.setdefault(k, {}).update(mine)
        elif f is not None and len(f):
            keys, texts = lines(f)
            for k, e, line in zip(keys, events_of(texts), texts, strict=True):
                keyed.setdefault(k, {})[e] = line
    return keyed


def relabelled(values: dict[str, list[tuple[int, bool, bytes]]], after: pd.DataFrame) -> Lines:
    """{key: {event: line}} of the stored rows of these keys (`values`: each key's values from its
    latest whole one on, store_index.Values) whose event is one of `after`'s (its event id and its
    CLUSTER_COLUMNS after a merge), each its latest line in its key with those columns set to
    `after`'s, as `pack` writes them. An append's merge over the kept clusters renames a few
    hundred stored rows' clusters at ten million events: their lines are taken from the values the
    append read already and their cluster columns replaced in the text, where unpacking their keys'
    rows, taking those rows and packing them again cost ~0.012 CPU s an append."""
    if not len(after) or not values:
        return {}
    ids = pack(after, [S.EVENT_ID]).to_pylist()
    texts = zip(*(pack(after, [c]).to_pylist() for c in CLUSTER_COLUMNS), strict=True)
    wanted = dict(zip(ids, texts, strict=True))
    at = [packed_columns().index(c) for c in CLUSTER_COLUMNS]
    tail = gone_tail()
    out: Lines = {}
    for k, stored in values.items():
        latest: dict[str, str] = {}
        for line in (x for _, _, value in stored for x in rows_of(value)):
            e = line.split(_SEP, 1)[0]
            if e in wanted:
                latest[e] = line  # a later line of an event supersedes an earlier one
        mine = {}
        for e, line in latest.items():
            if line.endswith(tail):  # a gone line: the event left this key
                continue
            fields = line.split(_SEP)
            for i, text in zip(at, wanted[e], strict=True):
                fields[i] = text
            mine[e] = _SEP.join(fields)
        if mine:
            out[k] = mine
    return out


def escaped_ids(ids: pd.Series) -> list[str]:
    """Each of these event ids escaped as a line holds it (`escape`), in order."""
    if not len(ids):
        return []
    return escape(pa.array(ids.astype(str).to_numpy(object), pa.string())).to_pylist()


def gone_tail() -> str:
    """What follows an event's id in a gone line (layout 6), the line saying that the event left a
    key: every other column missing. No row's line ends so: a row the index keeps has a date
    (merge.merge_keys). An event's (escaped) id holds no separator, so a line is a gone line when
    it ends with this."""
    return (_SEP + _NULL) * (len(packed_columns()) - 1)


def value_of(lines: Iterable[str]) -> bytes:
    """A key's lines as one value: their length in bytes (4, little-endian), then LZ4's frame."""
    raw = _ROW.join(lines).encode("utf-8")
    return struct.pack("<I", len(raw)) + pa.compress(raw, CODEC, asbytes=True)


def text_of(value: bytes) -> str:
    """A key's value's lines as one text, joined by the row mark (`unpack_text` reads it)."""
    (size,) = struct.unpack_from("<I", value)
    return pa.decompress(value[4:], size, CODEC, asbytes=True).decode("utf-8")


def lines_in(text: str) -> int:
    """How many lines a `text_of` holds."""
    return text.count(_ROW) + 1 if text else 0


def joined(texts: Iterable[str]) -> str:
    """`text_of`s as one text of all their lines, in order."""
    return _ROW.join(t for t in texts if t)


def rows_of(value: bytes) -> list[str]:
    text = text_of(value)
    return text.split(_ROW) if text else []


def whole_values_of(
    gen: int, whole: list[tuple[str, dict[str, str], list[tuple[int, bool, bytes]]]], gone: set[str]
) -> tuple[list[tuple], list[tuple]]:
    """(whole values of generation `gen` to insert, (key, gen) below which its values go) of the keys
    in `whole`, each (key, {event: line} a write puts in, its stored values from its latest whole
    one on), the events `gone` taken out (a correction's; store_index.MergeIndex.record)."""
    # The stored lines matched to their events in one Arrow call; a later line of an event wins.
    split = [[x for _, _, value in stored for x in rows_of(value)] for _, _, stored in whole]
    events = events_of([x for lines in split for x in lines])
    values, older = [], []
    at = 0
    tail = gone_tail()
    for (k, mine, stored), lines in zip(whole, split, strict=True):
        rows = _whole_rows(dict(zip(events[at : at + len(lines)], lines, strict=True)), mine, gone, len(stored), tail)
        at += len(lines)
        if rows or stored:  # a key left empty keeps an empty value: it supersedes the last
            values.append((k, gen, value_of(rows.values()), 1))
        if stored and stored[0][0] < gen:  # what came before the whole value this one replaces
            older.append((k, stored[0][0]))
    return values, older


def _whole_rows(rows: dict[str, str], mine: dict[str, str], gone: set[str], n_values: int, tail: str) -> dict[str, str]:
    """A key's whole value's {event: line}: its stored `rows` (of `n_values` values) but the events
    `gone`, with the write's lines `mine` put in."""
    for e in rows.keys() & gone:
        del rows[e]
    rows.update(mine)
    if n_values > 1:
        # A whole value holds rows only: an event a value after the last whole one said had left (a
        # gone line, ending with `tail`; only such values hold one) is left out.
        rows = {e: line for e, line in rows.items() if not line.endswith(tail)}
    return rows
