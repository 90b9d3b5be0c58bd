"""The filters' masks over an EventIndex that are not plain comparisons: words in the excerpts (one
scan of all excerpts at once) and chosen values of a coded column; and the values the filters
panel offers."""

from __future__ import annotations

import re

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from dashboard import schema as S
from dashboard.app.engine import remember
from dashboard.app.event_index import EventIndex


def text_mask(ix: EventIndex, text: str) -> np.ndarray:
    """Rows whose excerpt holds `text` (case-insensitive, literal); memoised per string (read-only)."""
    key = ("text", text)
    with ix.memo_lock:
        if key in ix.memo:
            ix.memo.move_to_end(key)
            return ix.memo[key]
    if not ix.n:
        found = np.zeros(0, dtype=bool)
    elif text.isascii():
        found = _ascii_search(ix, text.lower().encode())
    else:
        hit = pc.match_substring(ix.table[S.EXCERPT], text, ignore_case=True)
        found = np.asarray(pc.fill_null(hit, False).to_numpy(zero_copy_only=False), dtype=bool)
    found.flags.writeable = False
    remember(ix, key, found)
    return found


def lowered_excerpts(ix: EventIndex) -> tuple[bytes, np.ndarray]:
    """Every excerpt's UTF-8 bytes, ASCII letters lowered, end to end, and where each row starts
    (n + 1 offsets); built once per index (~40 MB at a million events)."""
    with ix.memo_lock:
        if "excerpts" not in ix.lazy:
            col = ix.table[S.EXCERPT].combine_chunks()
            wide = pa.types.is_large_string(col.type)
            offsets = np.frombuffer(col.buffers()[1], dtype=np.int64 if wide else np.int32)
            offsets = offsets[col.offset : col.offset + len(col) + 1].astype(np.int64)
            data = col.buffers()[2]
            text = b"" if data is None else data.to_pybytes()[offsets[0] : offsets[-1]].lower()
            ix.lazy["excerpts"] = (text, offsets - offsets[0])
        return ix.lazy["excerpts"]


def _ascii_search(ix: EventIndex, pattern: bytes) -> np.ndarray:
    """Rows whose excerpt holds `pattern` (lowered ASCII): one regex scan of all excerpts at once,
    each hit mapped to its row; a hit across two rows' boundary is no hit (and the rows it spans are
    tested on their own, as it may hide an overlapping real one)."""
    text, offsets = lowered_excerpts(ix)
    starts = np.fromiter((m.start() for m in re.finditer(re.escape(pattern), text)), dtype=np.int64)
    rows = np.searchsorted(offsets, starts, side="right") - 1
    inside = starts + len(pattern) <= offsets[rows + 1]
    found = np.zeros(ix.n, dtype=bool)
    found[rows[inside]] = True
    for start in starts[~inside].tolist():
        first, last = np.searchsorted(offsets, [start, start + len(pattern)], side="right") - 1
        for r in range(int(first), min(int(last), ix.n - 1) + 1):
            found[r] |= pattern in text[offsets[r] : offsets[r + 1]]
    return found


def value_options(ix: EventIndex, columns: tuple[str, ...], limit: int = 5000) -> list[str]:
    """The values of `columns` (together), most frequent first, ties in order of first appearance
    (column by column), blanks left out; memoised per index."""
    key = ("options", columns, limit)
    with ix.memo_lock:
        if key in ix.memo:
            return list(ix.memo[key])
    counts: dict[str, int] = {}
    first: dict[str, int] = {}
    for offset, col in enumerate(columns):
        codes, values = (ix.etype, ix.types) if col == S.EVENT_TYPE else (ix.codes[col], ix.values[col])
        rows = np.flatnonzero(codes >= 0)
        n = np.bincount(codes[rows], minlength=len(values))
        at = np.full(len(values), ix.n, dtype=np.int64)
        np.minimum.at(at, codes[rows], rows)  # each value's first row
        for code in np.flatnonzero(n).tolist():
            pos = int(at[code])
            v = str(values[code])
            if not v.strip():
                continue
            counts[v] = counts.get(v, 0) + int(n[code])
            first.setdefault(v, offset * ix.n + pos)
    out = sorted(counts, key=lambda v: (-counts[v], first[v]))[:limit]
    remember(ix, key, tuple(out))
    return out


def codes_mask(ix: EventIndex, column: str, chosen: tuple[str, ...]) -> np.ndarray:
    """Rows whose `column` is one of `chosen` (np.isin on dictionary codes)."""
    codes, values = (ix.etype, ix.types) if column == S.EVENT_TYPE else (ix.codes[column], ix.values[column])
    wanted = set(chosen)
    hit = np.array([i for i, v in enumerate(values) if v in wanted], dtype=np.int64)
    return np.isin(codes, hit) if hit.size else np.zeros(ix.n, dtype=bool)
