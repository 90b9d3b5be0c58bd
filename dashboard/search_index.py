"""The excerpts' word index of a generation, written by the store with its held tables.

An excerpt search (the filters panel's text box: the events whose excerpt holds the text, case
folded, dashboard/app/duck_where.py) scanned every excerpt and then counted the matching rows from
their parts: at ten million synthetic events 0.75-0.9 s for the 825 MB of text alone and 2.7 s for
the filter state of a word found in a quarter of them (README, Measured). Here a generation whose
store wrote its held tables (store_held: a whole rollup part, as `store compact` and the whole-store
writers write it) gets four more files, from which dashboard/app/duck_search.py answers such a
search without reading an excerpt or a part:

- `search_rows`: one row per event row of the `events` view, numbered (`rid`) in the order of
  their non-lone rows' events and ids (so an event's first matching report is its first row among
  the matches), each with the number of its place, date, type and precisions (`kid`, a row of
  `search_keys`), its event's number (`cid`), whether it is a lone report, and what it adds to an
  event's tolls when counted (duck_states.state_sql's `low`, `high`, `tolled`);
- `search_keys`: each `kid` with its place's integer and type's index as duck_fact numbers them
  (store_held._numbered), its date and precisions;
- `search_ids`: each row's event id, its event's (`ckey`: its cluster id, or its own id) and its
  death toll, by which the engine counts the rows later appends changed (duck_search's Delta);
- `search_terms`: every term of the excerpts with the rows that hold it (`rids`, ascending), sorted
  by term. A term is a word (a run of letters and digits: WORD) of the case-folded excerpt, or two
  adjacent words with the separators between them (PAIR: "killed, including").

Why words and pairs make a search exact (the same rows as the scan, not more, not fewer), for a
case-folded text L that is one word or two words and one run of separators:
- one word: L lies inside an excerpt exactly when it lies inside one of its words (a separator
  would end the word), so the rows are those of the terms that contain L;
- two words: the separators of L, flanked by letters there, are a whole run of separators of the
  excerpt, between two adjacent words of which the first ends with L's first word and the second
  starts with its second: L lies inside that pair, and a pair is itself part of the excerpt.
Any other text (three words or more, separators at an end) is answered by the scan, as before.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from dashboard import held_sql as HQ
from dashboard import schema as S
from dashboard import store_files as F

if TYPE_CHECKING:
    import duckdb

KINDS = ("search_rows", "search_keys", "search_terms", "search_ids")
# A word: letters and digits (RE2's Unicode classes, as DuckDB's regular expressions read them).
WORD = r"[\pL\pN]+"
SEP = r"[^\pL\pN]+"
PAIR = WORD + SEP + WORD
# The terms of a case-folded text `{x}`: its words, its pairs starting at the odd words, and its pairs
# starting at the even ones (regexp_extract_all takes matches that do not overlap: with the first word
# and the separators before it dropped, `^[^\pL\pN]*[\pL\pN]+`, the next pairs are the others).
TERMS_SQL = (
    f"list_distinct(regexp_extract_all({{x}}, '{WORD}') || regexp_extract_all({{x}}, '{PAIR}') || "
    f"regexp_extract_all(regexp_replace({{x}}, '^{SEP[:-1]}*{WORD}', ''), '{PAIR}'))"
)
# Postings per row group of the terms' file: a search reads the groups of its terms only, and a word
# found in a quarter of ten million excerpts holds 2.7 million.
GROUP_POSTINGS = 1 << 20
GROUP_TERMS = 4_096
RIDS_ELEMENT = "rids.list.element"  # the rows' numbers in the terms' file, as Parquet names them
# What the engine holds of each row (duck_search): the rest of `srows` is its keys'.
ROW_COLUMNS = "kid, cid, lone, low, high, tolled"


def rows_sql(types: list[str]) -> str:
    """The rows of `search_rows` and their keys (table `srows`), over the `events` view, the
    `places` (store_held._numbered) and `tolls` (held_sql.tolls_select) tables; `types` the fact's."""
    same = " AND ".join(f"e.{c} IS NOT DISTINCT FROM p.{c}" for c in HQ.PLACE_COLUMNS)
    listed = "[" + ", ".join(HQ.quoted(t) for t in types) + "]::VARCHAR[]"
    tid = f"CASE WHEN e.{S.EVENT_TYPE} IS NULL THEN -1 ELSE list_position({listed}, e.{S.EVENT_TYPE}) - 1 END::SMALLINT"
    keys = f"p.pid, {tid}, e.{S.EVENT_DATE}, e.{S.DATE_PRECISION}, e.{S.GEO_PRECISION}"
    return f"""
        CREATE TABLE srows AS
        SELECT (row_number() OVER (ORDER BY e.lone, e.cluster_id, e.event_id) - 1)::UINTEGER AS rid,
               (dense_rank() OVER (ORDER BY {keys}) - 1)::INTEGER AS kid,
               (dense_rank() OVER (ORDER BY e.lone, e.cluster_id) - 1)::INTEGER AS cid,
               e.lone, e.event_id, coalesce(e.cluster_id, e.event_id) AS ckey, e.fatalities, p.pid, {tid} AS tid,
               e.{S.EVENT_DATE}, e.{S.DATE_PRECISION},
               e.{S.GEO_PRECISION}::TINYINT AS {S.GEO_PRECISION},
               CASE WHEN e.lone THEN coalesce(e.fatalities, 0) ELSE coalesce(t.low, 0) END::INTEGER AS low,
               CASE WHEN e.lone THEN coalesce(e.fatalities, 0) ELSE coalesce(t.high, 0) END::INTEGER AS high,
               CASE WHEN e.lone THEN e.fatalities IS NOT NULL ELSE t.low IS NOT NULL END::TINYINT AS tolled
        FROM events e LEFT JOIN places p ON {same}
        LEFT JOIN tolls t ON NOT e.lone AND e.cluster_id = t.cluster_id"""


def terms_sql() -> str:
    """`search_terms`' rows: each term of the excerpts of `srows`' events, its rows ascending."""
    terms = TERMS_SQL.format(x="lower(e.excerpt)")
    return f"""
        SELECT term, list(rid ORDER BY rid) AS rids FROM (
            SELECT s.rid, unnest({terms}) AS term FROM events e JOIN srows s USING (event_id)
            WHERE e.excerpt IS NOT NULL)
        GROUP BY term ORDER BY term"""


def write(con: duckdb.DuckDBPyConnection, types: list[str], root: Path, rels: dict[str, str]) -> dict[str, str]:
    """Write the four files (each through a temporary file renamed into place, as store_held's)
    from `con`, a DuckDB connection with the `events` view and store_held's `places` and `tolls`
    tables; their entries by kind, or none where a row's place is not among the fact's."""
    con.execute(rows_sql(types))
    if con.execute("SELECT count(*) FROM srows WHERE pid IS NULL").fetchall()[0][0]:
        return {}
    keys = f"kid, pid, tid, {S.EVENT_DATE}, {S.DATE_PRECISION}, {S.GEO_PRECISION}"
    for kind, select in (
        ("search_rows", f"SELECT {ROW_COLUMNS} FROM srows ORDER BY rid"),
        ("search_keys", f"SELECT DISTINCT {keys} FROM srows ORDER BY kid"),
    ):
        _write_mapped(root, rels[kind], con.sql(select).to_arrow_table())
    ids = "SELECT event_id, ckey, fatalities FROM srows ORDER BY rid"
    F.write_table(root, rels["search_ids"], con.sql(ids).to_arrow_table())
    _write_terms(root, rels["search_terms"], con.sql(terms_sql()).to_arrow_table())
    return {kind: rels[kind] for kind in KINDS}


def rel_of(kind: str, stem: str) -> str:
    """The file of a kind under the held tables' `stem`: the rows and keys as Arrow IPC, mapped by
    the engine as they lie (uncompressed, nothing decoded: read from Parquet they took 1.4 CPU s at
    ten million events, in the thread after the first answer, which slowed the brushes timed then),
    the terms (read by row group) and ids (read by DuckDB after appends) as Parquet."""
    return f"{stem}.held-{kind}.{'arrow' if kind in ('search_rows', 'search_keys') else 'parquet'}"


def read_mapped(path: str) -> pa.Table:
    """A rows or keys file as the engine holds it: memory-mapped, its columns views of the file."""
    with pa.memory_map(path) as source:
        return pa.ipc.open_file(source).read_all()


def _write_mapped(root: Path, rel: str, table: pa.Table) -> None:
    """Write `table` as an uncompressed Arrow IPC file through a temporary file renamed into place."""
    fd, tmp = tempfile.mkstemp(dir=root, suffix=".arrow.tmp")
    os.close(fd)
    with pa.OSFile(tmp, "wb") as sink, pa.ipc.new_file(sink, table.schema) as out:
        out.write_table(table.combine_chunks())
    _into_place(root, tmp, rel)


def _into_place(root: Path, tmp: str, rel: str) -> None:
    target = root / rel
    target.parent.mkdir(parents=True, exist_ok=True)
    os.replace(tmp, target)


def _write_terms(root: Path, rel: str, table: pa.Table) -> None:
    """Write the terms' table with row groups of at most GROUP_POSTINGS postings (a frequent term's
    group alone) and GROUP_TERMS terms: a search decodes the lists of its own groups only."""
    lengths = pc.list_value_length(table["rids"]).to_numpy(zero_copy_only=False)
    fd, tmp = tempfile.mkstemp(dir=root, suffix=".parquet.tmp")
    os.close(fd)
    # The rows' numbers ascending in each list: stored as their differences (DELTA_BINARY_PACKED),
    # a term's list is half the bytes of zstd alone and decodes in half the time (a 7.4 million
    # row list at ten million events: 20 MB, 62 ms, against 39 MB, 110 ms). The encoding is named by
    # the list's element's path: pyarrow ignores a list column's own name without a word (the file
    # was written PLAIN until session 31: 711 MB at ten million events).
    encoding = {"use_dictionary": False, "column_encoding": {RIDS_ELEMENT: "DELTA_BINARY_PACKED"}}
    with pq.ParquetWriter(tmp, table.schema, compression="zstd", **encoding) as out:
        start, held = 0, 0
        for i, n in enumerate(lengths):
            if i > start and (held + n > GROUP_POSTINGS or i - start >= GROUP_TERMS):
                out.write_table(table.slice(start, i - start), row_group_size=i - start)
                start, held = i, 0
            held += int(n)
        out.write_table(table.slice(start), row_group_size=max(len(lengths) - start, 1))
    _into_place(root, tmp, rel)
