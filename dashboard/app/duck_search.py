"""An excerpt search's filter state from the store's word index (dashboard/search_index.py).

A search (the filters panel's text, no other filter narrowing the events: `applies`) was a table
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

None, and the events answer as before, where the index cannot say exactly: a text of three words or
more, or with separators at an end (search_index: why one or two words are exact); a generation
the store did not write the index with (a write since: the held tables' rule, duck_actors'); a
place or type the index numbers otherwise than the engine's fact.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from dashboard import schema as S
from dashboard import search_index as SI
from dashboard.app import duck as D
from dashboard.app import duck_fact as DF
from dashboard.app import duck_rollup as DR
from dashboard.app.filters import Filters

COUNTS = ("low", "high", "tolled")  # what a counted row adds, summed per key


@dataclass(frozen=True)
class Search:
    """One generation's word index, read: the rows' arrays, the keys, the terms and where their
    row groups start in the terms' file."""

    rows: dict[str, np.ndarray]  # search_index.ROW_COLUMNS but `lone` (`cid` of the joined rows only)
    joined: int  # the rows of events told by several reports: the first (search_index orders them so)
    keys: pa.Table
    terms: pa.Array
    pairs: np.ndarray  # per term, whether it is a pair (holds a separator)
    starts: np.ndarray  # the first term of each row group of the terms' file
    path: str
    fact: DF.Fact


def applies(f: Filters) -> bool:
    """Whether the filters are an excerpt search and nothing else that narrows the events."""
    return bool(f.text.strip()) and DR.answers(replace(f, text=""))


def build(db: D.DuckEngine, fact: DF.Fact | None) -> Search | None:
    """The current generation's Search from the files the store wrote with it; None where it wrote
    none, or numbers a place or a type otherwise than `fact` (the engine's fact rows)."""
    gen, _ = db.rollup_now()
    held = db.held()
    files = held.files_for(gen)
    if fact is None or not {*SI.KINDS, "fact_places"} <= set(files) or tuple(fact.types) != held.types:
        return None
    same = " AND ".join(f"s.{c} IS NOT DISTINCT FROM p.{c}" for c in DF.PLACE_COLUMNS)
    unlike = db.query(
        f"SELECT count(*) AS n FROM read_parquet(?) s FULL JOIN {fact.places} p ON s.pid = p.pid AND {same} "
        "WHERE s.pid IS NULL OR p.pid IS NULL",
        [files["fact_places"]],
    ).iloc[0]["n"]
    if int(unlike):
        return None
    table = SI.read_mapped(files["search_rows"])
    rows = {name: table[name].to_numpy() for name in table.column_names}
    lone = rows.pop("lone")
    joined = int(np.argmax(lone)) if lone.any() else len(lone)
    if lone[:joined].any() or not lone[joined:].all():
        return None  # not in the index's order: the events answer
    rows["cid"] = rows["cid"][:joined]
    terms_file = pq.ParquetFile(files["search_terms"])
    # On the calling thread alone (Arrow's pool is not below the requests' priority, as the thread
    # after the first answer is).
    terms = terms_file.read(columns=["term"], use_threads=False)["term"].combine_chunks()
    sizes = [terms_file.metadata.row_group(i).num_rows for i in range(terms_file.num_row_groups)]
    pairs = pc.match_substring_regex(terms, SI.SEP).to_numpy(zero_copy_only=False)
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64)
    keys = SI.read_mapped(files["search_keys"])
    for array in (*rows.values(), *(keys[c].chunks[0].buffers()[-1] for c in keys.column_names)):
        _touch(array)
    return Search(rows, joined, keys, terms, pairs, starts, files["search_terms"], fact)


def _touch(array: object) -> None:
    """Read one byte of every page of a mapped array (in the thread that reads the index, below the
    requests' priority): the first search then finds its pages in memory (~260 MB at ten million
    events, whose faults made it 0.3-0.8 s slower)."""
    raw = np.frombuffer(array, dtype=np.uint8) if isinstance(array, pa.Buffer) else np.asarray(array).view(np.uint8)
    int(raw[::4096].sum()) if raw.size else None


def state_rows(db: D.DuckEngine, search: Search, text: str) -> pa.Table | None:
    """The filter state of the excerpt search `text` (where `applies`) in the fact rows' shape
    (duck_actors.narrow_select's columns); None where the index cannot say (module docstring)."""
    got = db.query(
        "SELECT lower(?) AS l, regexp_full_match(lower(?), ?) AS word, regexp_full_match(lower(?), ?) AS pair",
        [text.strip(), text.strip(), SI.WORD, text.strip(), SI.PAIR],
    ).iloc[0]
    if not (got["word"] or got["pair"]):
        return None
    held = pc.match_substring(search.terms, str(got["l"])).to_numpy(zero_copy_only=False)
    found = np.flatnonzero(held & (search.pairs == bool(got["pair"])))
    return _counted(search, _matching(search, found))


def _matching(search: Search, found: np.ndarray) -> np.ndarray:
    """The rows (ascending, once each) that the terms numbered `found` hold."""
    if not len(found):
        return np.zeros(0, dtype=np.uint32)
    groups = np.searchsorted(search.starts, found, side="right") - 1
    lists = []
    source = pq.ParquetFile(search.path)
    for g in np.unique(groups):
        rids = source.read_row_group(int(g), columns=["rids"])["rids"].combine_chunks()
        taken = rids.take(pa.array(found[groups == g] - search.starts[g]))
        lists.append(pc.list_flatten(taken).to_numpy(zero_copy_only=False))
    if len(lists) == 1 and len(found) == 1:
        return lists[0]  # one term's rows: ascending and once each already
    mask = np.zeros(len(search.rows["kid"]), dtype=bool)
    for rids in lists:
        mask[rids] = True
    return np.flatnonzero(mask).astype(np.uint32)


def _counted(search: Search, sel: np.ndarray) -> pa.Table:
    """duck_states.state_sql's counts of the rows `sel` (ascending) per key, in the fact rows' shape."""
    r = search.rows
    split = int(np.searchsorted(sel, search.joined))  # the joined rows first, then the lone reports
    cid = r["cid"][sel[:split]]  # an event's reports lie together, in the order of their ids
    first = np.ones(split, dtype=bool)
    first[1:] = cid[1:] != cid[:-1]
    counted = np.concatenate([sel[:split][first], sel[split:]])
    kid = r["kid"][sel]
    reports = np.bincount(kid, minlength=search.keys.num_rows)
    keep = np.flatnonzero(reports)
    # Each counted row's place among the keys kept: the sums below are as long as the state, not as
    # every key (millions at ten million events: five such arrays took 0.2-0.7 s to fill).
    at, m = (np.cumsum(reports > 0) - 1)[np.concatenate([kid[:split][first], kid[split:]])], len(keep)
    sums = {"reports": reports[keep], "events": np.bincount(at, minlength=m)}
    for name in COUNTS:
        sums[name] = np.bincount(at, weights=r[name][counted], minlength=m)
    keys = search.keys.take(pa.array(keep))
    tid = keys["tid"].to_numpy(zero_copy_only=False)
    names = pc.take(pa.array(search.fact.types, pa.string()), pa.array(tid, mask=tid < 0))  # no type: -1
    return pa.table(
        {
            "pid": keys["pid"],
            S.EVENT_DATE: keys[S.EVENT_DATE],
            S.EVENT_TYPE: names,
            "tid": keys["tid"],
            S.DATE_PRECISION: keys[S.DATE_PRECISION],
            S.GEO_PRECISION: keys[S.GEO_PRECISION].cast(pa.int64()),
            **{name: pa.array(sums[name].astype(np.int64)) for name in ("reports", "events", *COUNTS)},
        }
    )
