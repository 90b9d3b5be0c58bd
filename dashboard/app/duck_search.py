"""An excerpt search's filter state from the store's word index (dashboard/search_index.py).

A search (the filters panel's text, with no other filter narrowing the events but event types,
countries and towns only, which a row's key says: `applies`, _key_mask) was a table
duck_states built from the events: every excerpt scanned, then the matching rows' places, dates,
types and ids read from their parts and counted (2.7 s at ten million synthetic events, 5.2 CPU s).
Where the store wrote the word index with the current generation, the terms holding the text give
the matching rows' numbers, and those rows are counted here from the index's arrays (numpy: each
row's key number, its event's number, whether it is a lone report, what it adds to the tolls) into
the fact rows' shape (duck_fact: each place its `pid`, each type its `tid`), as duck_states.state_sql
counts them (tests/test_search_index.py holds the two to each other, row for row): `reports` the
matching rows, `events` each event at its first matching report, `low`, `high`, `tolled` that
event's tolls. The arrays are read once per generation (~18 bytes a row); the terms are read by
row group, only those holding the text's terms.

After appends (the held tables' `since`: base parts and patches of cluster columns), the index of
the generation before them still answers for the events they did not touch; the rows they wrote and
every report of an event they changed or joined form a small index of the same shape (a Delta,
built once per generation from the index's ids and the appended parts: at ten million events 1.2 s,
2.0 CPU s after three appends of 100 articles), counted alike and added per key.

None, and the events answer as before, where the index cannot say exactly: a text of three words or
more, or with separators at an end (search_index: why one or two words are exact); a generation
after a correction or its undo (until `store compact` writes the index anew); a place the index
numbers otherwise than the engine's fact, or a type the fact has not.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from dashboard import held_sql as HQ
from dashboard import schema as S
from dashboard import search_index as SI
from dashboard import store_held as SH
from dashboard.app import duck as D
from dashboard.app import duck_fact as DF
from dashboard.app import duck_rollup as DR
from dashboard.app import duck_search_delta as DD
from dashboard.app.filters import Filters

COUNTS = ("low", "high", "tolled")  # what a counted row adds, summed per key
WHAT = "the excerpts' word index"  # what its files hold, as a broken one is reported (store_held.reading)
# search_index.WORD and PAIR within ASCII, where a letter or digit is one of these.
_ASCII_WORD = re.compile(r"[a-z0-9]+")
_ASCII_PAIR = re.compile(r"[a-z0-9]+[^a-z0-9]+[a-z0-9]+")


class _Scratch:
    """_table's two arrays as long as every key (a flag and a rank, 13 MB at ten million events),
    kept from one search to the next, one search at a time: made anew, their pages were faulted in
    anew by every search (~1,000 faults, 3-9 us each here: 4-5 -> 2 ms of a two-word search at ten
    million events). The flags are all false between searches; a rank is read only where the same
    search set it."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self._held = np.zeros(0, dtype=bool)
        self._rank = np.zeros(0, dtype=np.int32)

    def arrays(self, n: int) -> tuple[np.ndarray, np.ndarray]:
        """The flags and ranks of `n` keys (under `lock`)."""
        if len(self._held) < n:
            self._held, self._rank = np.zeros(n, dtype=bool), np.empty(n, dtype=np.int32)
        return self._held[:n], self._rank[:n]


@dataclass(frozen=True)
class Search:
    """One generation's word index, read: the rows' arrays, the keys, the terms and where their
    row groups start in the terms' file; the index's types and, by each, the engine's `tid`; after
    appends, their Delta."""

    rows: dict[str, np.ndarray]  # search_index.ROW_COLUMNS but `lone` (`cid` of the joined rows only)
    joined: int  # the rows of events told by several reports: the first (search_index orders them so)
    keys: pa.Table
    terms: pa.Array
    pairs: np.ndarray  # per term, whether it is a pair (holds a separator)
    starts: np.ndarray  # the first term of each row group of the terms' file
    path: str
    fact: DF.Fact
    tids: np.ndarray  # per type of the index (its `tid`), the fact's index of that type
    delta: DD.Delta | None = None
    fact_places: pd.DataFrame | None = None  # the fact's places' integers and countries (_key_mask)
    keyed: dict[str, np.ndarray] = field(default_factory=dict)  # _keyed's arrays
    scratch: _Scratch = field(default_factory=_Scratch, compare=False)


@dataclass(frozen=True)
class Counted:
    """A search's filter state counted from the index (state_rows): its rows with the type and the
    date precision as their numbers (`tid`, `dp`), and the SELECT over their table (`{rows}`) that
    names them: DuckDB held 220,000 such rows in 27 ms with those two columns of strings, in 12 ms
    without (at ten million events), and a query of the view reads them only where it asks for them."""

    rows: pa.Table
    select: str

    def hold(self, db: D.DuckEngine, name: str) -> None:
        """The view `name` of these rows, over their table `{name}_rows`."""
        db.hold(f"{name}_rows", self.rows)
        db.query(f"CREATE OR REPLACE VIEW {name} AS {self.select.format(rows=f'{name}_rows')}")


def applies(f: Filters) -> bool:
    """Whether the filters are an excerpt search and, besides it, none but event types, countries
    and towns only (what a row's key in the index says: _key_mask)."""
    return bool(f.text.strip()) and DR.answers(replace(f, text="", event_types=(), countries=(), precise_only=False))


def written(db: D.DuckEngine, gen: int) -> bool:
    """Whether the store wrote the index with generation `gen`, or with the one before its appends."""
    return "search_rows" in _index_files(db, gen)[0]


def _index_files(db: D.DuckEngine, gen: int) -> tuple[dict[str, str], tuple[dict, list, list] | None]:
    """The held files of generation `gen` by kind, or of the one before its appends with those
    appends (store_held.since_held), and those appends (None for the former)."""
    held = db.held()
    since = held.since_for(gen)
    return (since[0] if since is not None else held.files_for(gen)), since


def build(db: D.DuckEngine, fact: DF.Fact | None) -> Search | None:
    """The current generation's Search: from the files the store wrote with it, or with the
    generation before the appends since (and their Delta); None where there are none, or where the
    index numbers a place otherwise than `fact` (the engine's fact rows) or has a type it has not."""
    gen, _ = db.rollup_now()
    files, since = _index_files(db, gen)
    if fact is None or not {*SI.KINDS, "fact_places", "fact_types"} <= set(files):
        return None
    with SH.reading(files["fact_types"], WHAT):
        types = pq.read_table(files["fact_types"]).sort_by("tid")[S.EVENT_TYPE].to_pylist()
    if not DF.numbered_alike(db, fact, files["fact_places"], every=False) or not set(types) <= set(fact.types):
        return None
    search = _read(files, fact, np.array([fact.types.index(t) for t in types], dtype=np.int16))
    if search is None:
        return None
    if since is not None:
        delta = DD.delta(db, files["search_ids"], (since[1], since[2]), search)
        if delta is None:
            return None
        search = replace(search, delta=delta)
    return replace(search, fact_places=db.query(f"SELECT pid, country FROM {fact.places}"), keyed=_keyed(search))


def _keyed(search: Search) -> dict[str, np.ndarray]:
    """Per key of the index and of its Delta (numbered after), its place integer, the fact's type
    index and its place precision (0 for none), what _key_mask reads, and its date precision's
    number (_table): once per generation."""
    parts = [(search.keys, DD.fact_tids(search, search.keys["tid"]))]
    if search.delta is not None:
        parts.append((search.delta.keys, search.delta.keys["tid"].to_numpy(zero_copy_only=False)))
    precision = pc.dictionary_encode(pa.concat_arrays([c for k, _ in parts for c in k[S.DATE_PRECISION].chunks]))
    return {
        "pid": np.concatenate([k["pid"].to_numpy(zero_copy_only=False) for k, _ in parts]).astype(np.int64),
        "tid": np.concatenate([t for _, t in parts]).astype(np.int64),
        "gp": np.concatenate([pc.fill_null(k[S.GEO_PRECISION], 0).to_numpy(zero_copy_only=False) for k, _ in parts]),
        # Each key's date precision as its number among `precisions` (-1: none): Counted's `dp`.
        "dp": pc.fill_null(precision.indices, -1).to_numpy(zero_copy_only=False).astype(np.int8),
        "precisions": np.array(precision.dictionary.to_pylist(), dtype=object),
    }


def _read(files: dict[str, str], fact: DF.Fact, tids: np.ndarray) -> Search | None:
    """The index's files read (the rows' and keys' arrays mapped, their pages read once)."""
    with SH.reading(files["search_rows"], WHAT):
        table = SI.read_mapped(files["search_rows"])
    rows = {name: table[name].to_numpy() for name in table.column_names}
    lone = rows.pop("lone")
    joined = int(np.argmax(lone)) if lone.any() else len(lone)
    if lone[:joined].any() or not lone[joined:].all():
        return None  # not in the index's order: the events answer
    rows["cid"] = rows["cid"][:joined]
    with SH.reading(files["search_terms"], WHAT):
        terms_file = pq.ParquetFile(files["search_terms"])
        # On the calling thread alone (Arrow's pool is not below the requests' priority, as the
        # thread after the first answer is).
        terms = terms_file.read(columns=["term"], use_threads=False)["term"].combine_chunks()
    sizes = [terms_file.metadata.row_group(i).num_rows for i in range(terms_file.num_row_groups)]
    pairs = pc.match_substring_regex(terms, SI.SEP).to_numpy(zero_copy_only=False)
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64)
    with SH.reading(files["search_keys"], WHAT):
        keys = SI.read_mapped(files["search_keys"])
    buffers = [b for c in keys.columns for chunk in c.chunks for b in chunk.buffers() if b is not None]
    for array in (*rows.values(), *buffers):
        _touch(array)
    return Search(rows, joined, keys, terms, pairs, starts, files["search_terms"], fact, tids)


def _touch(array: object) -> None:
    """Read one byte of every page of a mapped array (in the thread that reads the index, below the
    requests' priority): the first search then finds its pages in memory (~260 MB at ten million
    events, whose faults made it 0.3-0.8 s slower)."""
    raw = np.frombuffer(array, dtype=np.uint8) if isinstance(array, pa.Buffer) else np.asarray(array).view(np.uint8)
    if raw.size:
        raw[::4096].sum()  # the pages read; the sum itself unused


def state_rows(db: D.DuckEngine, search: Search, f: Filters) -> Counted | None:
    """The filter state of `f` (where `applies`: an excerpt search, perhaps with types, countries or
    towns only), in the fact rows' shape (duck_actors.narrow_select's columns) once held; None where
    the index cannot say (module docstring)."""
    shape = _shape(db, f.text.strip())
    if shape is None:
        return None
    low, pair = shape
    held = pc.match_substring(search.terms, low).to_numpy(zero_copy_only=False)
    sel = _matching(search, np.flatnonzero(held & (search.pairs == pair)))
    d = search.delta
    keys = _key_mask(search, f)
    if keys is not None:  # the rows whose key the other filters keep (an index row's key is the fact's)
        sel = sel[keys[search.rows["kid"][sel]]]
    if d is None:
        return _table(search, *_counted(search.rows, search.joined, sel), n=search.keys.num_rows)
    dirty = d.dirty[sel]
    mine = _counted(search.rows, search.joined, sel[~dirty])
    found = pc.match_substring(d.text, low).to_numpy(zero_copy_only=False) if len(d.text) else []
    theirs = np.sort(np.concatenate([d.at[np.searchsorted(d.old, sel[dirty])], d.new[np.flatnonzero(found)]]))
    if keys is not None:
        theirs = theirs[keys[d.rows["kid"][theirs]]]
    both = [np.concatenate(pair) for pair in zip(mine, _counted(d.rows, d.joined, theirs), strict=True)]
    return _table(search, *both, n=search.keys.num_rows + d.keys.num_rows)


def _shape(db: D.DuckEngine, text: str) -> tuple[str, bool] | None:
    """`text` case-folded as the index's terms are, and whether it is a pair (else a word); None
    for any other text (search_index: the index answers for these two shapes only). An ASCII text
    here (its lower case and its letters and digits are ASCII's alone); any other as DuckDB folds
    and classes it, as it did the excerpts (its regular expressions of Unicode classes cost 5 ms a
    search to compile)."""
    if text.isascii():
        low = text.lower()
        word, pair = bool(_ASCII_WORD.fullmatch(low)), bool(_ASCII_PAIR.fullmatch(low))
    else:
        got = db.query(
            "SELECT lower(?) AS l, regexp_full_match(lower(?), ?) AS word, regexp_full_match(lower(?), ?) AS pair",
            [text, text, SI.WORD, text, SI.PAIR],
        ).iloc[0]
        low, word, pair = str(got["l"]), bool(got["word"]), bool(got["pair"])
    return (low, pair) if word or pair else None


def _key_mask(search: Search, f: Filters) -> np.ndarray | None:
    """Per key of the index (and of its Delta, numbered after), whether the filters other than the
    text keep its rows, as duck_where's conditions keep a row: its type among `event_types`, its
    place's country among `countries` (a place of the fact has one), its place precision 1 or 2 with
    `precise_only`; None where none is set."""
    if not (f.event_types or f.countries or f.precise_only):
        return None
    pid, tid, gp = search.keyed["pid"], search.keyed["tid"], search.keyed["gp"]
    keep = np.ones(len(pid), dtype=bool)
    if f.event_types:
        chosen = np.array([t in f.event_types for t in search.fact.types] + [False])
        keep &= chosen[np.where(tid < 0, len(search.fact.types), tid)]
    if f.countries:
        places = search.fact_places
        assert places is not None  # read with the index (build)
        in_country = np.zeros(int(places["pid"].max() or 0) + 1, dtype=bool)
        in_country[places["pid"][places["country"].isin(f.countries)]] = True
        keep &= in_country[pid]
    if f.precise_only:
        keep &= (gp >= 1) & (gp <= 2)
    return keep


def _matching(search: Search, found: np.ndarray) -> np.ndarray:
    """The rows (ascending, once each) that the terms numbered `found` hold."""
    if not len(found):
        return np.zeros(0, dtype=np.uint32)
    groups = np.searchsorted(search.starts, found, side="right") - 1
    lists = []
    source = pq.ParquetFile(search.path)
    for g in np.unique(groups):
        rids = source.read_row_group(int(g), columns=["rids"], use_threads=False)["rids"].combine_chunks()
        taken = rids.take(pa.array(found[groups == g] - search.starts[g]))
        lists.append(pc.list_flatten(taken).to_numpy(zero_copy_only=False))
    if len(lists) == 1 and len(found) == 1:
        return lists[0]  # one term's rows: ascending and once each already
    mask = np.zeros(len(search.rows["kid"]), dtype=bool)
    for rids in lists:
        mask[rids] = True
    return np.flatnonzero(mask).astype(np.uint32)


def _counted(rows: dict[str, np.ndarray], joined: int, sel: np.ndarray) -> list[np.ndarray]:
    """Of the rows `sel` (ascending) of an index's arrays: every row's key, then the key and what
    it adds to `low`, `high` and `tolled` of each row counted as an event (a lone report, or its
    event's first matching report: duck_states.state_sql's `events`)."""
    split = int(np.searchsorted(sel, joined))  # the joined rows first, then the lone reports
    cid = rows["cid"][sel[:split]]  # an event's reports lie together, in the order of their ids
    first = np.ones(split, dtype=bool)
    first[1:] = cid[1:] != cid[:-1]
    counted = np.concatenate([sel[:split][first], sel[split:]])
    kid = rows["kid"][sel]
    return [kid, np.concatenate([kid[:split][first], kid[split:]]), *(rows[n][counted] for n in COUNTS)]


def _table(search: Search, kid: np.ndarray, kid_counted: np.ndarray, *adds: np.ndarray, n: int) -> pa.Table:
    """The counts per key of _counted's arrays, in the fact rows' shape."""
    # Each row's place among the keys kept (`rank`): the sums below are as long as the state, not as
    # every key (millions at ten million events: five such arrays took 0.2-0.7 s to fill). The only
    # arrays as long as every key are a flag and an int32 rank (13 MB at ten million events, where
    # the reports counted per key and their int64 running sum took 42 MB, freshly faulted in by
    # each search: a two-word search's counting 38 -> 19 ms, its system time 4-12 -> 0 ms). The rank
    # is set at the keys kept only (read only there), where a running sum wrote every key's: 4
    # against 13 ms for a two-word search at ten million events.
    with search.scratch.lock:
        held, rank = search.scratch.arrays(n)
        held[kid] = True
        keep = np.flatnonzero(held)
        held[keep] = False  # as found, for the next search
        m = len(keep)
        rank[keep] = np.arange(m, dtype=np.int32)
        at, ranked = rank[kid_counted], rank[kid]
    sums = {"reports": np.bincount(ranked, minlength=m), "events": np.bincount(at, minlength=m)}
    # The tolls summed over the counted rows with a toll only (`tolled` 1; `low` and `high` are 0
    # on the others: search_index.rows_sql), and `tolled` counted there, not summed as weights: the
    # weights are copied as floats, ~5 MB a sum for a two-word search at ten million events.
    low, high, tolled = adds
    told = tolled.astype(bool)
    at_told = at[told]
    sums["tolled"] = np.bincount(at_told, minlength=m)
    for name, add in (("low", low), ("high", high)):
        sums[name] = np.bincount(at_told, weights=add[told], minlength=m)
    inside = keep[keep < search.keys.num_rows]
    columns = ["pid", S.EVENT_DATE, S.GEO_PRECISION]
    keys = search.keys.select([*columns, "tid"]).take(pa.array(inside))  # the columns read, not `kid`
    tid = DD.fact_tids(search, keys["tid"])
    parts = [(keys, tid)]
    if search.delta is not None and len(inside) < len(keep):
        added = search.delta.keys.take(pa.array(keep[len(inside) :] - search.keys.num_rows))
        parts.append((added, added["tid"].to_numpy(zero_copy_only=False)))
    table = pa.concat_tables(
        [pa.table({c: t[c].cast(search.keys.schema.field(c).type) for c in columns}) for t, _ in parts]
    )
    tids = np.concatenate([t for _, t in parts]).astype(np.int16)
    rows = pa.table(
        {
            "pid": table["pid"],
            S.EVENT_DATE: table[S.EVENT_DATE],
            "tid": pa.array(tids, pa.int16()),
            "dp": pa.array(search.keyed["dp"][keep], pa.int8()),
            S.GEO_PRECISION: table[S.GEO_PRECISION].cast(pa.int64()),
            **{name: pa.array(sums[name].astype(np.int64, copy=False)) for name in ("reports", "events", *COUNTS)},
        }
    )
    return Counted(rows, _shaped(search))


def _shaped(search: Search) -> str:
    """Counted's SELECT: its rows with the type and the date precision as strings (the fact's types,
    the keys' precisions), named by their numbers (NULL for -1: none)."""
    types = "[" + ", ".join(HQ.quoted(t) for t in search.fact.types) + "]::VARCHAR[]"
    precisions = "[" + ", ".join(HQ.quoted(str(p)) for p in search.keyed["precisions"]) + "]::VARCHAR[]"
    return (
        f"SELECT pid, {S.EVENT_DATE}, ({types})[tid + 1] AS {S.EVENT_TYPE}, tid, "
        f"({precisions})[dp + 1] AS {S.DATE_PRECISION}, {S.GEO_PRECISION}, reports, events, {', '.join(COUNTS)} "
        "FROM {rows}"
    )
