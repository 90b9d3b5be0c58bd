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
class Delta:
    """What appends changed since the generation the index was written with: the rows they wrote or
    whose event they changed (table `rows`, the `events` view's columns and the excerpt, with their
    events' tolls in `tolls`: every report of such an event is there), counted from the events; and
    which of the index's rows those replace (`dirty`)."""

    rows: str
    tolls: str
    dirty: np.ndarray


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
    delta: Delta | None = None


def applies(f: Filters) -> bool:
    """Whether the filters are an excerpt search and nothing else that narrows the events."""
    return bool(f.text.strip()) and DR.answers(replace(f, text=""))


def build(db: D.DuckEngine, fact: DF.Fact | None) -> Search | None:
    """The current generation's Search: from the files the store wrote with it, or with the
    generation before the appends since (and their Delta); None where there are none, or where the
    index numbers a place otherwise than `fact` (the engine's fact rows) or has a type it has not."""
    gen, _ = db.rollup_now()
    held = db.held()
    since = held.since_for(gen)
    files = since[0] if since is not None else held.files_for(gen)
    if fact is None or not {*SI.KINDS, "fact_places", "fact_types"} <= set(files):
        return None
    same = " AND ".join(f"s.{c} IS NOT DISTINCT FROM p.{c}" for c in DF.PLACE_COLUMNS)
    unlike = db.query(
        f"SELECT count(*) AS n FROM read_parquet(?) s LEFT JOIN {fact.places} p ON s.pid = p.pid AND {same} "
        "WHERE p.pid IS NULL",
        [files["fact_places"]],
    ).iloc[0]["n"]
    types = pq.read_table(files["fact_types"]).sort_by("tid")[S.EVENT_TYPE].to_pylist()
    if int(unlike) or not set(types) <= set(fact.types):
        return None
    tids = np.array([fact.types.index(t) for t in types], dtype=np.int16)
    search = _read(files, fact, tids)
    if search is None or since is None:
        return search
    return replace(search, delta=_delta(db, gen, files["search_ids"], since[1], since[2], len(search.rows["kid"])))


def _read(files: dict[str, str], fact: DF.Fact, tids: np.ndarray) -> Search | None:
    """The index's files read (the rows' and keys' arrays mapped, their pages read once)."""
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


def _delta(db: D.DuckEngine, gen: int, ids: str, parts: list[str], patches: list[str], n: int) -> Delta:
    """The Delta of the appends since the index (their base `parts` and `patches`). An event is
    changed when a patch names one of its reports, or when its key (cluster id, or the id of a lone
    report) is one a patch or a new row names: all its reports are then counted from the events, with
    those of every event it joined (so no event is counted partly from the index, partly from them)."""
    from dashboard import held_sql as HQ
    from dashboard import store_sql as Q

    files = "[" + ", ".join(HQ.quoted(p) for p in patches) + "]"
    named = f"SELECT event_id, coalesce(cluster_id, event_id) AS ckey FROM read_parquet({files}, union_by_name=true)"
    new = f"SELECT event_id, coalesce(cluster_id, event_id) AS ckey FROM ({HQ.view_sql(Q.events_sql(parts, patches))})"
    touched = " UNION ALL ".join([*([named] if patches else []), *([new] if parts else [])]) or (
        "SELECT NULL::VARCHAR AS event_id, NULL::VARCHAR AS ckey WHERE false"
    )
    rows, tolls = f"search_delta_{gen}", f"search_delta_tolls_{gen}"
    db.query(f"CREATE OR REPLACE TABLE {rows}_touched AS {touched}")
    old = db.query(
        f"SELECT file_row_number AS rid, event_id FROM read_parquet([{HQ.quoted(ids)}], file_row_number=true) "
        f"WHERE event_id IN (SELECT event_id FROM {rows}_touched) OR ckey IN (SELECT ckey FROM {rows}_touched) "
        f"OR ckey IN (SELECT i.ckey FROM read_parquet([{HQ.quoted(ids)}]) i JOIN {rows}_touched t USING (event_id))"
    )
    dirty = np.zeros(n, dtype=bool)
    dirty[old["rid"].to_numpy(dtype=np.int64)] = True
    db.hold(f"{rows}_old", pa.table({"event_id": pa.array(old["event_id"].astype(str).tolist(), pa.string())}))
    db.query(
        f"CREATE OR REPLACE TABLE {rows} AS SELECT * FROM events WHERE event_id IN (SELECT event_id FROM {rows}_old) "
        f"OR event_id IN (SELECT event_id FROM {rows}_touched)"
    )
    db.query(f"CREATE OR REPLACE TABLE {tolls} AS {HQ.tolls_select(source=rows)}")
    for name in ("touched", "old"):
        db.query(f"DROP TABLE {rows}_{name}")
    return Delta(rows, tolls, dirty)


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
    sel = _matching(search, found)
    if search.delta is None:
        return _counted(search, sel)
    counted = _counted(search, sel[~search.delta.dirty[sel]])
    return _with_delta(db, search, counted, text)


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
    tid = keys["tid"].to_numpy(zero_copy_only=False)  # the index's (-1: no type), the fact's below
    tid = np.where(tid < 0, -1, search.tids[np.maximum(tid, 0)]).astype(np.int16) if len(tid) else tid
    names = pc.take(pa.array(search.fact.types, pa.string()), pa.array(tid, mask=tid < 0))
    return pa.table(
        {
            "pid": keys["pid"],
            S.EVENT_DATE: keys[S.EVENT_DATE],
            S.EVENT_TYPE: names,
            "tid": pa.array(tid, pa.int16()),
            S.DATE_PRECISION: keys[S.DATE_PRECISION],
            S.GEO_PRECISION: keys[S.GEO_PRECISION].cast(pa.int64()),
            **{name: pa.array(sums[name].astype(np.int64)) for name in ("reports", "events", *COUNTS)},
        }
    )


def _with_delta(db: D.DuckEngine, search: Search, counted: pa.Table, text: str) -> pa.Table | None:
    """The state of the index's rows not replaced (`counted`) and that of the Delta's rows, counted
    from the events by duck_states' SELECT, added up per key (an event's reports are all on one side);
    None where a Delta row's place is not among the fact's."""
    from dashboard.app import duck_states as DS

    assert search.delta is not None
    cond, params = D.where(Filters(text=text))
    same = " AND ".join(f"d.{c} IS NOT DISTINCT FROM p.{c}" for c in DF.PLACE_COLUMNS)
    names = "[" + ", ".join("'" + t.replace("'", "''") + "'" for t in search.fact.types) + "]::VARCHAR[]"
    delta = db.query(
        f"SELECT p.pid, d.{S.EVENT_DATE}, d.{S.EVENT_TYPE}, (list_position({names}, d.{S.EVENT_TYPE}) - 1) AS tid, "
        f"d.{S.DATE_PRECISION}, d.{S.GEO_PRECISION}, d.reports, d.events, d.low, d.high, d.tolled "
        f"FROM ({DS.state_select(cond, search.delta.rows, search.delta.tolls)}) d "
        f"LEFT JOIN {search.fact.places} p ON {same}",
        params,
    )
    if not len(delta):
        return counted
    if delta["pid"].isna().any():
        return None
    delta["tid"] = delta["tid"].fillna(-1)
    both = pa.concat_tables([counted, pa.Table.from_pandas(delta, preserve_index=False).cast(counted.schema)])
    keys = ["pid", S.EVENT_DATE, S.EVENT_TYPE, "tid", S.DATE_PRECISION, S.GEO_PRECISION]
    summed = both.group_by(keys, use_threads=False).aggregate([(c, "sum") for c in ("reports", "events", *COUNTS)])
    return summed.rename_columns([*keys, "reports", "events", *COUNTS]).cast(counted.schema)
