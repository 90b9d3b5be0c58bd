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

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

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

if TYPE_CHECKING:
    import duckdb

COUNTS = ("low", "high", "tolled")  # what a counted row adds, summed per key
# The most rows a Delta holds (their excerpts among them, in memory): a store grown by many appends
# since its last compaction answers its searches from the events, as before, until `store compact`.
DELTA_ROWS = 250_000
KEY_COLUMNS = ["pid", "tid", S.EVENT_DATE, S.DATE_PRECISION, S.GEO_PRECISION]  # a key (`kid`) of the index


@dataclass(frozen=True)
class Delta:
    """What appends changed since the generation the index was written with, as a small index of
    the same shape: the index's rows whose events they changed (`dirty`; `old` those rows' numbers,
    ascending, `at` their rows here) and the rows they wrote (`new` their rows here, `text` their
    case-folded excerpts), each row's arrays as the index's (`rows`, `joined`: every report of such
    an event is here, so no event is counted partly on either side), its keys numbered after the
    index's where the index has not got them (`keys`, the fact's `tid`)."""

    dirty: np.ndarray
    old: np.ndarray
    at: np.ndarray
    new: np.ndarray
    text: pa.Array
    rows: dict[str, np.ndarray]
    joined: int
    keys: pa.Table


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


def written(db: D.DuckEngine, gen: int) -> bool:
    """Whether the store wrote the index with generation `gen`, or with the one before its appends."""
    held = db.held()
    since = held.since_for(gen)
    return "search_rows" in (since[0] if since is not None else held.files_for(gen))


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
    types = pq.read_table(files["fact_types"]).sort_by("tid")[S.EVENT_TYPE].to_pylist()
    if not DF.numbered_alike(db, fact, files["fact_places"], every=False) or not set(types) <= set(fact.types):
        return None
    tids = np.array([fact.types.index(t) for t in types], dtype=np.int16)
    search = _read(files, fact, tids)
    if search is None or since is None:
        return search
    delta = _delta(db, files["search_ids"], (since[1], since[2]), search)
    return None if delta is None else replace(search, delta=delta)


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


def _delta(db: D.DuckEngine, ids: str, since: tuple[list[str], list[str]], search: Search) -> Delta | None:
    """The Delta of the appends since the index (their base parts and patches: `since`). An event is
    changed when a patch names one of its reports, or when its key (cluster id, or a lone report's
    id) is one a patch or a new row names: all its reports are then counted apart from the index,
    with those of every event it joined. The index's rows are read from its ids' file (no part is
    read: an append changes no excerpt, place, date or type), the new rows from the appended parts.
    None where a new row's place is not among the fact's, or where it would hold over DELTA_ROWS."""
    from dashboard import held_sql as HQ
    from dashboard import store_sql as Q

    parts, patches = since
    files = "[" + ", ".join(HQ.quoted(p) for p in patches) + "]"
    new_rows = HQ.view_sql(Q.events_sql(parts, patches)) if parts else "SELECT * FROM events WHERE false"
    touched = [f"SELECT event_id, coalesce(cluster_id, event_id) AS ckey FROM ({new_rows})"]
    if patches:
        touched.append(
            f"SELECT event_id, coalesce(cluster_id, event_id) FROM read_parquet({files}, union_by_name=true)"
        )
    cur = db.cursor(events=True)
    cur.execute(f"CREATE TEMP TABLE t AS {' UNION ALL '.join(touched)}")
    source = f"read_parquet([{HQ.quoted(ids)}], file_row_number=true)"
    pick = f"SELECT file_row_number AS rid, event_id, ckey, fatalities FROM {source}"
    cur.execute(
        f"CREATE TEMP TABLE o AS {pick} WHERE event_id IN (SELECT event_id FROM t) OR ckey IN (SELECT ckey FROM t)"
    )
    # The events of the changed reports as the index had them, where no patch or new row names them.
    cur.execute(
        f"INSERT INTO o {pick} WHERE ckey IN (SELECT ckey FROM o WHERE event_id IN (SELECT event_id FROM t) "
        "EXCEPT SELECT ckey FROM t) AND file_row_number NOT IN (SELECT rid FROM o)"
    )
    old = cur.execute("SELECT rid FROM o ORDER BY rid").fetchnumpy()["rid"].astype(np.int64)
    cur.register("okeys", _old_keys(search, old))
    latest = Q.latest_patch_sql(patches, []) if patches else "(SELECT NULL::VARCHAR AS event_id, NULL AS cluster_id)"
    cur.execute(f"CREATE TEMP TABLE d AS {_rows_select(search, new_rows, latest)}")
    unplaced, rows = cur.execute(
        "SELECT count(*) FILTER (WHERE rid IS NULL AND pid IS NULL), count(*) FROM d"
    ).fetchall()[0]
    if unplaced or rows > DELTA_ROWS:
        return None
    return _delta_arrays(cur, search, old)


def _rows_select(search: Search, new_rows: str, latest: str) -> str:
    """The Delta's rows (table `o`, the index's rows picked, with their keys registered as `okeys`;
    `new_rows` the appended parts' events; `latest` each patched event's latest patch): each row's
    event, whether it is a lone report, its toll, and its key (an index row's number of it, a new
    row's place integer, type index, date and precisions) and case-folded excerpt."""
    from dashboard import held_sql as HQ

    eff = "CASE WHEN q.event_id IS NULL THEN o.ckey ELSE coalesce(q.cluster_id, o.event_id) END"
    same = " AND ".join(f"n.{c} IS NOT DISTINCT FROM p.{c}" for c in DF.PLACE_COLUMNS)
    names = "[" + ", ".join(HQ.quoted(t) for t in search.fact.types) + "]::VARCHAR[]"
    tid = f"coalesce(list_position({names}, n.{S.EVENT_TYPE}) - 1, -1)::SMALLINT"
    return f"""
        SELECT o.rid, o.event_id, {eff} AS cluster_id, {eff} = o.event_id AS lone, o.fatalities, k.kid,
               NULL::INTEGER AS pid, NULL::SMALLINT AS tid, NULL::TIMESTAMP_NS AS {S.EVENT_DATE},
               NULL AS {S.DATE_PRECISION}, NULL::TINYINT AS {S.GEO_PRECISION}, NULL::VARCHAR AS text
        FROM o JOIN okeys k USING (rid) LEFT JOIN {latest} q ON o.event_id = q.event_id
        UNION ALL BY NAME
        SELECT NULL AS rid, n.event_id, n.cluster_id, n.lone, n.fatalities, NULL::INTEGER AS kid, p.pid, {tid} AS tid,
               n.{S.EVENT_DATE}, n.{S.DATE_PRECISION}, n.{S.GEO_PRECISION}::TINYINT AS {S.GEO_PRECISION},
               lower(n.excerpt) AS text
        FROM ({new_rows}) n LEFT JOIN {search.fact.places} p ON {same}"""


def _delta_arrays(con: duckdb.DuckDBPyConnection, search: Search, old: np.ndarray) -> Delta:
    """The Delta's arrays from the table `d` on `con` (_delta's cursor): its rows in the index's order,
    their tolls and keys (a new row's key the index's where it has it, else one numbered after)."""
    from dashboard import held_sql as HQ

    on = _number_keys(con, search)
    tolls = HQ.tolls_select(source="d")
    rows = con.sql(f"""
        SELECT d.rid, d.text, coalesce(d.kid, i.kid, n.kid) AS kid, d.lone,
               (dense_rank() OVER (ORDER BY d.lone, d.cluster_id) - 1)::INTEGER AS cid,
               CASE WHEN d.lone THEN coalesce(d.fatalities, 0) ELSE coalesce(t.low, 0) END::INTEGER AS low,
               CASE WHEN d.lone THEN coalesce(d.fatalities, 0) ELSE coalesce(t.high, 0) END::INTEGER AS high,
               CASE WHEN d.lone THEN d.fatalities IS NOT NULL ELSE t.low IS NOT NULL END::TINYINT AS tolled
        FROM d LEFT JOIN ikeys i ON d.rid IS NULL AND {on} LEFT JOIN nkeys n ON d.rid IS NULL AND
             {on.replace("i.", "n.")}
        LEFT JOIN ({tolls}) t ON NOT d.lone AND d.cluster_id = t.cluster_id
        ORDER BY d.lone, d.cluster_id, d.event_id""").to_arrow_table()
    new_keys = con.sql(f"SELECT kid, {', '.join(KEY_COLUMNS)} FROM nkeys ORDER BY kid").to_arrow_table()
    for name in ("t", "o", "d", "nk", "nkeys"):
        con.execute(f"DROP TABLE {name}")
    rid = rows["rid"].to_numpy(zero_copy_only=False)
    lone = rows["lone"].to_numpy(zero_copy_only=False)
    joined = int(lone.argmax()) if lone.any() else len(lone)
    is_old = ~np.isnan(rid.astype("float64"))
    order = np.argsort(rid[is_old].astype(np.int64), kind="stable")
    dirty = np.zeros(len(search.rows["kid"]), dtype=bool)
    dirty[old] = True
    arrays = {n: rows[n].to_numpy(zero_copy_only=False) for n in ("kid", "cid", "low", "high", "tolled")}
    return Delta(
        dirty,
        old,
        np.flatnonzero(is_old)[order],
        np.flatnonzero(~is_old),
        rows["text"].filter(pa.array(~is_old)),
        arrays,
        joined,
        new_keys,
    )


def _number_keys(con: duckdb.DuckDBPyConnection, search: Search) -> str:
    """Register the index's keys (`ikeys`, with the fact's types) on `con` and number the keys of the
    new rows of `d` it has not got after its own (table `nkeys`); the condition of a row of `d` and a
    key being the same."""
    k = search.keys
    index_keys = pa.table(
        {
            "kid": pa.array(np.arange(k.num_rows, dtype=np.int32)),
            **{c: k[c] for c in KEY_COLUMNS if c != "tid"},
            "tid": pa.array(_fact_tids(search, k["tid"])),
        }
    )
    con.register("ikeys", index_keys)
    on = " AND ".join(f"d.{c} IS NOT DISTINCT FROM i.{c}" for c in KEY_COLUMNS)
    con.execute(
        f"CREATE TEMP TABLE nk AS SELECT DISTINCT {', '.join(f'd.{c}' for c in KEY_COLUMNS)} FROM d "
        f"LEFT JOIN ikeys i ON {on} WHERE d.rid IS NULL AND i.kid IS NULL"
    )
    con.execute(
        f"CREATE TEMP TABLE nkeys AS SELECT ({k.num_rows} + row_number() OVER (ORDER BY {', '.join(KEY_COLUMNS)}) - 1)"
        f"::INTEGER AS kid, * FROM nk"
    )
    return on


def _fact_tids(search: Search, tid: pa.ChunkedArray | pa.Array) -> np.ndarray:
    """The fact's type index of each of the index's (-1: no type)."""
    t = np.asarray(tid.to_numpy() if isinstance(tid, pa.ChunkedArray) else tid.to_numpy(zero_copy_only=False))
    return np.where(t < 0, -1, search.tids[np.maximum(t, 0)]).astype(np.int16) if len(t) else t.astype(np.int16)


def _old_keys(search: Search, old: np.ndarray) -> pa.Table:
    """Each changed index row (`old`) with its key number."""
    return pa.table({"rid": pa.array(old, pa.int64()), "kid": pa.array(search.rows["kid"][old])})


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
    sel = _matching(search, np.flatnonzero(held & (search.pairs == bool(got["pair"]))))
    d = search.delta
    if d is None:
        return _table(search, *_counted(search.rows, search.joined, sel), n=search.keys.num_rows)
    dirty = d.dirty[sel]
    mine = _counted(search.rows, search.joined, sel[~dirty])
    found = pc.match_substring(d.text, str(got["l"])).to_numpy(zero_copy_only=False) if len(d.text) else []
    theirs = np.sort(np.concatenate([d.at[np.searchsorted(d.old, sel[dirty])], d.new[np.flatnonzero(found)]]))
    both = [np.concatenate(pair) for pair in zip(mine, _counted(d.rows, d.joined, theirs), strict=True)]
    return _table(search, *both, n=search.keys.num_rows + d.keys.num_rows)


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
    reports = np.bincount(kid, minlength=n)
    keep = np.flatnonzero(reports)
    # Each counted row's place among the keys kept: the sums below are as long as the state, not as
    # every key (millions at ten million events: five such arrays took 0.2-0.7 s to fill).
    at, m = (np.cumsum(reports > 0) - 1)[kid_counted], len(keep)
    sums = {"reports": reports[keep], "events": np.bincount(at, minlength=m)}
    for name, add in zip(COUNTS, adds, strict=True):
        sums[name] = np.bincount(at, weights=add, minlength=m)
    inside = keep[keep < search.keys.num_rows]
    keys = search.keys.take(pa.array(inside))
    tid = _fact_tids(search, keys["tid"])
    parts = [(keys, tid)]
    if search.delta is not None and len(inside) < len(keep):
        added = search.delta.keys.take(pa.array(keep[len(inside) :] - search.keys.num_rows))
        parts.append((added, added["tid"].to_numpy(zero_copy_only=False)))
    columns = ["pid", S.EVENT_DATE, S.DATE_PRECISION, S.GEO_PRECISION]
    table = pa.concat_tables(
        [pa.table({c: t[c].cast(search.keys.schema.field(c).type) for c in columns}) for t, _ in parts]
    )
    tids = np.concatenate([t for _, t in parts]).astype(np.int16)
    return pa.table(
        {
            "pid": table["pid"],
            S.EVENT_DATE: table[S.EVENT_DATE],
            S.EVENT_TYPE: pc.take(pa.array(search.fact.types, pa.string()), pa.array(tids, mask=tids < 0)),
            "tid": pa.array(tids, pa.int16()),
            S.DATE_PRECISION: table[S.DATE_PRECISION],
            S.GEO_PRECISION: table[S.GEO_PRECISION].cast(pa.int64()),
            **{name: pa.array(sums[name].astype(np.int64)) for name in ("reports", "events", *COUNTS)},
        }
    )
