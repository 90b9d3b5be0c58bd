"""The word index's Delta after appends (dashboard/app/duck_search.py): the rows the appends since
the index wrote, and every report of an event they changed or joined, as a small index of the same
shape, counted beside the index's rows with the same code (duck_search._counted) and added per key."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa

from dashboard import schema as S
from dashboard.app import duck as D
from dashboard.app import duck_fact as DF

if TYPE_CHECKING:
    import duckdb

    from dashboard.app.duck_search import Search

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


def delta(db: D.DuckEngine, ids: str, since: tuple[list[str], list[str]], search: Search) -> Delta | None:
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
            "tid": pa.array(fact_tids(search, k["tid"])),
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


def fact_tids(search: Search, tid: pa.ChunkedArray | pa.Array) -> np.ndarray:
    """The fact's type index of each of the index's (-1: no type)."""
    t = np.asarray(tid.to_numpy() if isinstance(tid, pa.ChunkedArray) else tid.to_numpy(zero_copy_only=False))
    return np.where(t < 0, -1, search.tids[np.maximum(t, 0)]).astype(np.int16) if len(t) else t.astype(np.int16)


def _old_keys(search: Search, old: np.ndarray) -> pa.Table:
    """Each changed index row (`old`) with its key number."""
    return pa.table({"rid": pa.array(old, pa.int64()), "kid": pa.array(search.rows["kid"][old])})
