"""The synthetic store's cross-article merge over the whole store, streamed chunk by chunk.

An ingest keeps one invariant (dashboard/store.py): the stored cluster columns equal what
merge.merge_reports gives over all the stored rows. The ordinary synthetic writer draws its rows
in chunks of articles, and a class|day|place key gets rows from articles of many chunks (articles
are drawn in no order of date), so merging each chunk on its own left a key split into several
clusters (1.6 per key at 300,000 events, 2.6 at 1M; 0.71M events at 1M where the whole merge
makes 0.48M). Appends cost the same on either store (README, Measured): they read and patch every
stored row of a batch's keys whatever its clusters.

`merged_chunks` stages each chunk's rows and articles as Parquet (one chunk in memory at a time),
and beside them only what the merge reads of each row (merge.merge_keys's key, computed by the
merge's own code, the actors, the outlet, the toll). DuckDB then finds the clusters over all staged
rows, spilling to disk as needed:
- a key is one cluster when one of its actor sets holds every actor of the key or one of its rows
  names none (every set is then compatible with that one: merge.compatible), which the synthetic
  templates always give;
- any other key's rows (none in the synthetic stores) are split by merge._components itself.
The chunks are then read back one at a time with their cluster columns set, for the store to write.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterable, Iterator
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from dashboard import schema as S
from dashboard.errors import StoreError
from dashboard.merge import _components, merge_keys

# A separator no key or event id holds: a split key's components are key + SEP + first id.
SEP = "\x00"


def _merge_rows(events: pd.DataFrame, chunk: int) -> pd.DataFrame:
    """What the merge reads of each row, as merge_reports computes it."""
    source = events[S.SOURCE].astype("string").fillna("")
    return pd.DataFrame(
        {
            "event_id": events[S.EVENT_ID].astype(str).to_numpy(),
            "k": merge_keys(events).to_numpy(dtype=object, na_value=None),
            "a1": events[S.ACTOR1].astype("string").fillna("").str.strip().to_numpy(dtype=object),
            "a2": events[S.ACTOR2].astype("string").fillna("").str.strip().to_numpy(dtype=object),
            "outlet": source.where(source != "", events[S.ARTICLE_ID].astype("string")).to_numpy(
                dtype=object, na_value=None
            ),
            "fatalities": pd.array(events[S.FATALITIES], dtype="Int64"),
            "chunk": chunk,
        }
    )


def _stage(chunks: Iterable[tuple[pd.DataFrame, pd.DataFrame]], stage: Path) -> int:
    """Each chunk's rows, articles and merge columns as Parquet files; the number of chunks."""
    n = 0
    for no, (events, articles) in enumerate(chunks):
        events = S.coerce_events(events).reset_index(drop=True)
        pq.write_table(pa.Table.from_pandas(events, preserve_index=False), stage / f"rows-{no:05d}.parquet")
        pq.write_table(pa.Table.from_pandas(articles, preserve_index=False), stage / f"articles-{no:05d}.parquet")
        pq.write_table(
            pa.Table.from_pandas(_merge_rows(events, no), preserve_index=False), stage / f"keys-{no:05d}.parquet"
        )
        n = no + 1
    return n


def _split_groups(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """(event_id, g) of the rows of keys that are not one cluster, g naming their component."""
    con.execute("""CREATE OR REPLACE TEMP TABLE split AS
        WITH sz AS (SELECT k, (a1 <> '')::INT + (a2 <> '' AND a2 <> a1)::INT AS n FROM keyed WHERE k IS NOT NULL),
        s AS (SELECT k, max(n) AS biggest, bool_or(n = 0) AS none_named FROM sz GROUP BY k HAVING count(*) > 1),
        acts AS (SELECT k, a1 AS x FROM keyed WHERE k IS NOT NULL AND a1 <> ''
                 UNION SELECT k, a2 FROM keyed WHERE k IS NOT NULL AND a2 <> ''),
        u AS (SELECT k, count(*) AS n_union FROM acts GROUP BY k)
        SELECT s.k FROM s LEFT JOIN u USING (k) WHERE NOT s.none_named AND coalesce(u.n_union, 0) > s.biggest""")
    rows = con.execute("SELECT event_id, k, a1, a2 FROM keyed JOIN split USING (k) ORDER BY k, event_id").df()
    out: list[pd.DataFrame] = []
    for key, sub in rows.groupby("k", sort=False):
        ids = sub["event_id"].tolist()
        actors = [frozenset(x for x in pair if x) for pair in zip(sub["a1"], sub["a2"], strict=True)]
        first = _components(ids, actors)
        out.append(pd.DataFrame({"event_id": ids, "g": [f"{key}{SEP}{f}" for f in first]}))
    return pd.concat(out, ignore_index=True) if out else pd.DataFrame({"event_id": [], "g": []}, dtype=object)


def _clusters(con: duckdb.DuckDBPyConnection, stage: Path) -> None:
    """Every staged row's cluster columns, as merge_reports sets them over all the staged rows,
    written as Parquet partitioned by chunk (stage/clusters/chunk=N/)."""
    # A view: each query streams the staged files (no copy of every row's key held in memory).
    con.execute(f"CREATE OR REPLACE VIEW keyed AS SELECT * FROM read_parquet('{stage}/keys-*.parquet')")
    con.register("split_g", _split_groups(con))
    # A row alone (no key, or alone in its component) keeps its event id, as merge_reports leaves it.
    con.execute(f"""COPY (
        WITH gg AS (SELECT r.event_id, r.chunk, r.outlet, r.fatalities, coalesce(s.g, r.k, r.event_id) AS g
                    FROM keyed r LEFT JOIN split_g s USING (event_id)),
        agg AS (SELECT g, count(*) AS n, min(event_id) AS first, count(DISTINCT outlet) AS n_sources,
                       min(fatalities) AS low, max(fatalities) AS high FROM gg GROUP BY g)
        SELECT gg.chunk, gg.event_id,
               CASE WHEN agg.n > 1 THEN substr(sha1('cluster|' || agg.first), 1, 16) ELSE gg.event_id END
                   AS cluster_id,
               agg.n_sources, agg.low, agg.high
        FROM gg JOIN agg USING (g))
        TO '{stage}/clusters' (FORMAT parquet, PARTITION_BY (chunk))""")
    con.unregister("split_g")


def _with_clusters(stage: Path, no: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    events = pq.read_table(stage / f"rows-{no:05d}.parquet").to_pandas()
    found = pq.read_table(stage / "clusters" / f"chunk={no}").to_pandas().set_index("event_id")
    found = found.reindex(events[S.EVENT_ID].astype(str))
    if found["cluster_id"].isna().any():
        raise StoreError(f"chunk {no}: rows without a cluster")
    events[S.CLUSTER_ID] = found["cluster_id"].to_numpy()
    events[S.N_SOURCES] = pd.array(found["n_sources"].to_numpy(), dtype="Int64")
    events[S.FATALITIES_LOW] = pd.array(found["low"], dtype="Int64")
    events[S.FATALITIES_HIGH] = pd.array(found["high"], dtype="Int64")
    return S.coerce_events(events), pq.read_table(stage / f"articles-{no:05d}.parquet").to_pandas()


def merged_chunks(chunks: Iterable[tuple[pd.DataFrame, pd.DataFrame]], stage: Path) -> Iterator[tuple]:
    """The (events, articles) chunks again, their cluster columns a merge over all of their rows.
    `stage` (created, and removed at the end) holds the chunks meanwhile: about the store's size."""
    shutil.rmtree(stage, ignore_errors=True)
    stage.mkdir(parents=True)
    try:
        n = _stage(chunks, stage)
        if not n:
            return
        with duckdb.connect(config={"temp_directory": str(stage / "spill"), "memory_limit": "1GB"}) as con:
            _clusters(con, stage)
        for no in range(n):
            yield _with_clusters(stage, no)
    except (duckdb.Error, OSError, pa.ArrowException) as err:
        raise StoreError(f"{stage}: cannot merge the synthetic store ({err})") from err
    finally:
        shutil.rmtree(stage, ignore_errors=True)
