"""Synthetic stores of millions of events written column-wise (`conflictmap bench --fast-store`).

`synth.write_synthetic_store` builds each chunk's strings and ids in pandas and Python loops,
stages the chunks and merges them all at once (synth_merge). This module draws the same kinds of
values from the same pools (places, articles, types, tolls, second reports, mentions: synth.py,
synth_reports.py) with numpy, and builds every column, the ids and the cross-article merge in
DuckDB, column-wise on every core:
- each chunk of articles' rows (events, their second reports and mentions) is staged as Parquet;
- the merge runs once over all staged rows (merge.py's rules: a cluster is a connected component
  of compatible rows of one class|day|place key; here every key's actor sets form a chain, one
  country's actors, so a component is the whole key, which `_clusters` checks);
- each year's rows are written sorted by date as the store's parts, in the schema the ordinary path
  writes, then the articles, the manifest and the rollup, in one generation (EventsStore.replace_with_files).
tests/test_synth_fast.py holds a small store written here to the ordinary path's schema and invariants.
Measured at 10M events it is not faster than the ordinary path on this 2-core machine (439 against
337 CPU s, README): its gain is the one whole-table merge and one part per year, not time.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from dashboard import schema as S
from dashboard import store_files as F
from dashboard import synth as Y
from dashboard import synth_world as W
from dashboard.errors import StoreError
from dashboard.merge import UNMERGED_SUBTYPES, UNMERGED_TYPES, VIOLENT
from dashboard.synth_reports import VIOLENT_TYPES

CHUNK_EVENTS = 1_000_000
STAGE = ".fast-stage"


def _schemas() -> tuple[pa.Schema, pa.Schema]:
    """The events and articles schemas the ordinary path writes (pandas metadata included)."""
    places = W.build_places(0)
    arts = pd.DataFrame({"region": [0], "town": [0], "day": [W.START_DAY], "k": [1]})
    events, articles = Y.events_chunk(arts, 0, places, 0, 0, W.place_alternatives(places))
    return (
        pa.Table.from_pandas(S.coerce_events(events), preserve_index=False).schema,
        pa.Table.from_pandas(articles, preserve_index=False).schema,
    )


def _lookups(con: duckdb.DuckDBPyConnection, places: W.Places) -> None:
    """The pools as tables: places (with their alternatives), types, templates per country and type."""
    countries = [c[0] for c in W.COUNTRIES]
    codes = [c[1] for c in W.COUNTRIES]
    con.register(
        "place_df",
        pd.DataFrame(
            {
                "place": np.arange(len(places.name)),
                "name": places.name.astype(str),
                "lat": places.lat,
                "lon": places.lon,
                "country": np.array(countries, dtype=object)[places.country],
                "cc": np.array(codes, dtype=object)[places.country],
                "admin1": places.admin1.astype(str),
                "precision": places.precision.astype(np.int64),
                "feature": places.feature.astype(str),
                "alternatives": W.place_alternatives(places),
            }
        ),
    )
    con.execute("CREATE TABLE place AS SELECT * FROM place_df")
    rows = []
    for r, c in enumerate(W.COUNTRIES):
        for k, t in enumerate(W.TYPES):
            verb = W.VERBS[t[2]]
            rows.append(
                (
                    r,
                    k,
                    t[0],
                    t[1],
                    t[2],
                    verb.format(a=c[5], b=c[6]),
                    c[5] if "{a}" in verb else "",
                    c[6] if "{b}" in verb else "",
                )
            )
    con.register(
        "tpl_df",
        pd.DataFrame(
            rows, columns=["region", "kind", "event_type", "sub_event_type", "trigger", "prefix", "actor1", "actor2"]
        ),
    )
    con.execute("CREATE TABLE tpl AS SELECT * FROM tpl_df")
    con.register("town_df", pd.DataFrame({"town": np.arange(len(W.TOWNS)), "town_name": [t[0] for t in W.TOWNS]}))
    con.execute("CREATE TABLE town AS SELECT * FROM town_df")


def _draws(
    arts: pd.DataFrame, first_article: int, first_row: int, places: W.Places, seed: int, chunk_no: int
) -> pd.DataFrame:
    """Per event row of these articles the numbers synth.events_chunk draws (place, day, type, tolls...)."""
    rng = np.random.default_rng([seed, 104, chunk_no])
    k = arts["k"].to_numpy()
    art = np.repeat(np.arange(len(arts)), k)
    n = art.size
    town, region = arts["town"].to_numpy()[art], arts["region"].to_numpy()[art]
    place = Y.draw_places(rng, places, town, region)
    pub_day = arts["day"].to_numpy()[art]
    type_w = np.array([t[4] for t in W.TYPES])
    kind = rng.choice(len(W.TYPES), n, p=type_w / type_w.sum())
    violent = np.array([t[3] for t in W.TYPES])[kind]
    displacement = np.array([t[0] == "Displacement" for t in W.TYPES])[kind]
    return pd.DataFrame(
        {
            "row": first_row + np.arange(n),
            "art": first_article + art,
            "town": town,
            "region": region,
            "place": place,
            "pub_day": pub_day,
            "day": pub_day - np.minimum(rng.geometric(0.6, n) - 1, 6),
            "prec_u": rng.random(n),
            "kind": kind,
            "toll": np.where(
                violent & (rng.random(n) < 0.5), np.floor(rng.lognormal(0.8, 1.1, n)).astype(np.int64) + 1, -1
            ),
            "injured": np.where(violent & (rng.random(n) < 0.2), rng.integers(1, 40, n), -1),
            "displaced": np.where(displacement, rng.integers(50, 20_000, n), -1),
            "src_u": rng.random(n),
            "future_u": rng.random(n),
            "confidence": np.round(rng.uniform(0.4, 0.95, n), 2),
            # For the second reports and mentions (synth_reports.with_reports): who is picked, from which article.
            "report_u": rng.random(n),
            "mention_u": rng.random(n),
            "other": rng.integers(0, n, n) + first_row,
            "shift": rng.integers(-2, 4, n),
            "toll_u": rng.random(n),
            "retype_u": rng.random(n),
            "retype": rng.integers(0, len(VIOLENT_TYPES), n),
            "mention_toll": rng.integers(100, 900, n),
        }
    )


# The rows of a chunk's draws `d` (events), as synth.events_chunk builds them.
EVENTS_SQL = """
WITH a AS (
    SELECT d.*, p.name AS toponym, p.lat, p.lon, p.country, p.cc, p.admin1, p.precision, p.feature, p.alternatives,
           t.event_type, t.sub_event_type, t.trigger, t.prefix, t.actor1, t.actor2,
           substr(sha1('synthetic-' || $seed || '-' || d.art), 1, 16) AS article_id,
           'synthetic-news-' || lpad(CAST((d.art * 2654435761) % 3000 AS VARCHAR), 4, '0') AS source,
           CASE WHEN toll >= 0 THEN 'killing ' || toll || ' people' ELSE '' END AS ft,
           CASE WHEN injured >= 0 THEN injured || ' were injured' ELSE '' END AS it,
           CASE WHEN displaced >= 0 THEN format('{:,}', displaced) || ' people displaced' ELSE '' END AS dt
    FROM d JOIN place p USING (place) JOIN tpl t ON t.region = d.region AND t.kind = d.kind),
b AS (
    SELECT *, prefix || toponym || CASE WHEN ft || it || dt = '' THEN '' ELSE ', ' || concat_ws(', ',
              nullif(ft, ''), nullif(it, ''), nullif(dt, '')) END || '.' AS excerpt,
           DATE '1970-01-01' + CAST(day AS INTEGER) AS d0
    FROM a),
c AS (
    SELECT *, sum(length(excerpt) + 1) OVER (PARTITION BY art ORDER BY row) - length(excerpt) - 1 AS s,
           first(event_type ORDER BY row) OVER (PARTITION BY art) || ' near ' || town_name AS title
    FROM b JOIN town USING (town))
SELECT row, art, substr(sha1(article_id || '-' || row), 1, 16) AS event_id, article_id,
       CASE WHEN prec_u >= 0.99 THEN NULL WHEN prec_u < 0.03 THEN CAST(date_trunc('month', d0) AS TIMESTAMP_NS)
            WHEN prec_u < 0.04 THEN CAST(date_trunc('year', d0) AS TIMESTAMP_NS) ELSE CAST(d0 AS TIMESTAMP_NS)
       END AS event_date,
       CASE WHEN prec_u < 0.03 THEN 'month' WHEN prec_u < 0.04 THEN 'year' ELSE 'day' END AS date_precision,
       CASE WHEN src_u < 0.7 THEN 'sentence' ELSE 'published' END AS date_source, future_u < 0.01 AS is_future,
       event_type, sub_event_type, trigger, s AS trigger_start, s + length(trigger) AS trigger_end, actor1,
       NULL::BIGINT AS inter1, actor2, NULL::BIGINT AS inter2, NULL::BIGINT AS interaction,
       toponym AS location, toponym, s + length(prefix) AS toponym_start,
       s + length(prefix) + length(toponym) AS toponym_end, lat AS latitude, lon AS longitude,
       9000000 + place AS geonameid, feature AS feature_code, country, cc AS country_code, admin1,
       precision AS geo_precision, alternatives, CASE WHEN toll >= 0 THEN toll END AS fatalities,
       ft AS fatalities_text, NULL::BIGINT AS fatalities_shared, CASE WHEN injured >= 0 THEN injured END AS injured,
       it AS injured_text, CASE WHEN displaced >= 0 THEN displaced END AS displaced, dt AS displaced_text,
       NULL::VARCHAR AS record_kind, NULL::VARCHAR AS mention_reason, NULL::VARCHAR AS evidence,
       excerpt, s AS excerpt_start, s + length(excerpt) AS excerpt_end, title, source,
       'https://news.example.org/' || source || '/' || article_id AS url,
       CAST(DATE '1970-01-01' + CAST(pub_day AS INTEGER) AS TIMESTAMP_NS) AS published,
       false AS published_inferred, NULL::TIMESTAMP_NS AS dateline, confidence,
       report_u, mention_u, other, shift, toll_u, retype_u, retype, mention_toll
FROM c"""

# Second reports of about 10 % of the chunk's violent events dated to the day (another article's
# provenance, another toll, now and then another violent type) and mentions of about 2 % of its rows
# (a copy with a running total): what synth_reports.with_reports adds.
REPORTS_SQL = """
SELECT e.* REPLACE (
         substr(sha1('report-' || $seed || '-' || e.event_id), 1, 16) AS event_id, o.article_id AS article_id,
         o.source AS source, o.title AS title, o.url AS url, o.published AS published,
         CASE WHEN e.fatalities IS NOT NULL THEN greatest(e.fatalities + e.shift, 0)
              WHEN e.toll_u < 0.3 THEN 1 + (e.shift + 3) % 3 END AS fatalities,
         CASE WHEN e.retype_u < 0.2 THEN $violent[e.retype + 1] ELSE e.event_type END AS event_type)
FROM ev e JOIN ev o ON o.row = e.other
WHERE e.report_u < 0.1 / $violent_day_share AND e.date_precision = 'day' AND e.event_date IS NOT NULL
  AND e.event_type IN (SELECT unnest($violent))
UNION ALL BY NAME
SELECT * REPLACE (substr(sha1('mention-' || $seed || '-' || event_id), 1, 16) AS event_id,
                  'mention' AS record_kind, 'mention.running_total' AS mention_reason, mention_toll AS fatalities)
FROM ev WHERE mention_u < 0.02"""

DROPPED = ("row", "art", "report_u", "mention_u", "other", "shift", "toll_u", "retype_u", "retype", "mention_toll")


def _stage_chunk(con: duckdb.DuckDBPyConnection, draws: pd.DataFrame, seed: int, stage: Path, no: int) -> None:
    """The chunk's events, reports and mentions (cluster columns not yet set) and its articles, staged."""
    con.register("d", draws)
    con.execute(f"CREATE OR REPLACE TEMP TABLE ev AS {EVENTS_SQL}", {"seed": str(seed)})
    # with_reports picks a tenth of the chunk's row count among its violent rows dated to the day.
    pool = sum(t[4] for t in W.TYPES if t[0] in VIOLENT) / sum(t[4] for t in W.TYPES) * 0.95
    dropped = ", ".join(DROPPED)
    con.execute(
        f"COPY (SELECT * EXCLUDE ({dropped}) FROM ev UNION ALL BY NAME SELECT * EXCLUDE ({dropped}) "
        f"FROM ({REPORTS_SQL})) TO '{stage}/rows-{no:04d}.parquet' (FORMAT parquet, COMPRESSION zstd)",
        {"seed": str(seed), "violent": sorted(VIOLENT_TYPES), "violent_day_share": pool},
    )
    con.execute(f"""COPY (SELECT article_id, any_value(title) AS title, string_agg(excerpt, ' ' ORDER BY row) AS text,
                    any_value(published) AS published, false AS published_inferred, any_value(source) AS source,
                    any_value(url) AS url, '' AS path, '{{}}' AS extra FROM ev GROUP BY article_id ORDER BY min(row))
                    TO '{stage}/articles-{no:04d}.parquet' (FORMAT parquet, COMPRESSION zstd)""")
    con.unregister("d")


def _clusters(con: duckdb.DuckDBPyConnection, stage: Path) -> None:
    """Table `clusters`: every staged row's cluster columns, as merge.merge_reports sets them."""
    unmerged_types = ", ".join(f"'{t}'" for t in sorted(UNMERGED_TYPES))
    unmerged_sub = ", ".join(f"'{t}'" for t in sorted(UNMERGED_SUBTYPES))
    violent = ", ".join(f"'{t}'" for t in sorted(VIOLENT))
    con.execute(f"""CREATE OR REPLACE TEMP TABLE keyed AS
        SELECT event_id, coalesce(nullif(source, ''), article_id) AS outlet, fatalities, actor1, actor2,
               CASE WHEN event_date IS NOT NULL AND coalesce(date_precision, 'day') = 'day'
                         AND coalesce(event_type, '') NOT IN ({unmerged_types})
                         AND coalesce(sub_event_type, '') NOT IN ({unmerged_sub})
                    THEN CASE WHEN event_type IN ({violent}) THEN 'violent' ELSE coalesce(event_type, '') END
                         || '|' || CAST(CAST(event_date AS DATE) AS VARCHAR) || '|' || location || '|'
                         || CAST(latitude AS VARCHAR) || '|' || CAST(longitude AS VARCHAR) END AS k
        FROM read_parquet('{stage}/rows-*.parquet')""")
    # A component is the whole key when its actor sets form a chain: one actor1 and one actor2 over
    # the key, and no row naming an actor2 without the actor1 (synth's templates; merge.compatible).
    bad = (
        con.execute("""SELECT count(*) FROM (SELECT k FROM keyed WHERE k IS NOT NULL GROUP BY k HAVING
        count(DISTINCT nullif(actor1, '')) > 1 OR count(DISTINCT nullif(actor2, '')) > 1
        OR bool_or(coalesce(actor1, '') = '' AND coalesce(actor2, '') <> ''))""").fetchone()
        or (0,)
    )[0]
    if bad:
        raise StoreError(f"{bad} merge keys hold actors that are not a chain: the fast merge would be wrong")
    con.execute("""CREATE OR REPLACE TEMP TABLE clusters AS
        WITH g AS (SELECT event_id, coalesce(k, event_id) AS g, outlet, fatalities FROM keyed),
        c AS (SELECT g, CASE WHEN count(*) > 1 THEN substr(sha1('cluster|' || min(event_id)), 1, 16) END AS cid,
                     count(DISTINCT outlet) AS n_sources, min(fatalities) AS low, max(fatalities) AS high
              FROM g GROUP BY g)
        SELECT g.event_id, coalesce(c.cid, g.event_id) AS cluster_id, c.n_sources, c.low, c.high
        FROM g JOIN c USING (g)""")


def _write_years(con: duckdb.DuckDBPyConnection, root: Path, stage: Path, gen: int, schema: pa.Schema) -> list[dict]:
    """Each year's rows (and the undated ones) as one base part sorted by date, in the store's schema."""
    staged = {r[0] for r in con.execute(f"DESCRIBE SELECT * FROM read_parquet('{stage}/rows-*.parquet')").fetchall()}
    merged = {
        S.CLUSTER_ID: "c.cluster_id",
        S.N_SOURCES: "c.n_sources",
        S.FATALITIES_LOW: "c.low AS fatalities_low",
        S.FATALITIES_HIGH: "c.high AS fatalities_high",
    }
    # A column the schema has and this module does not fill (added since) is written empty, as a
    # store written before it existed reads.
    cols = ", ".join(merged.get(c, f"r.{c}" if c in staged else f"NULL AS {c}") for c in S.NAMES)
    con.execute(f"""CREATE OR REPLACE VIEW merged AS
                    SELECT {cols}, coalesce(strftime(r.event_date, '%Y'), '{F.UNDATED}') AS p
                    FROM read_parquet('{stage}/rows-*.parquet') r JOIN clusters c USING (event_id)""")
    entries = []
    for (part,) in con.execute("SELECT DISTINCT p FROM merged ORDER BY p").fetchall():
        rel = f"events/{part}/part-{gen:06d}.parquet"
        tmp = stage / f"part-{part}.parquet"
        reader = con.sql(
            "SELECT * EXCLUDE (p) FROM merged WHERE p = ? ORDER BY event_date, event_id", params=[part]
        ).to_arrow_reader(F.ROW_GROUP)
        n, lo, hi = 0, None, None
        with pq.ParquetWriter(tmp, schema, compression="zstd") as out:
            for batch in reader:
                table = pa.Table.from_batches([batch]).cast(schema)
                out.write_table(table, row_group_size=F.ROW_GROUP)
                n += table.num_rows
                dates = table.column(S.EVENT_DATE).drop_null()
                if len(dates):
                    lo = dates[0].as_py() if lo is None else lo
                    hi = dates[-1].as_py()
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        tmp.replace(root / rel)
        entries.append({"path": rel, "rows": n, "min": F.iso_or_none(lo), "max": F.iso_or_none(hi)})
    return entries


def _write_articles(root: Path, stage: Path, gen: int, schema: pa.Schema, chunks: int) -> list[dict]:
    entries = []
    for no in range(chunks):
        rel = f"articles/part-{gen:06d}-{no:04d}.parquet"
        table = pq.read_table(stage / f"articles-{no:04d}.parquet").cast(schema)
        F.write_table(root, rel, table)
        entries.append({"path": rel, "rows": table.num_rows})
    return entries


def _digest(con: duckdb.DuckDBPyConnection, stage: Path) -> str:
    """The store's event-id digest, over the staged rows."""
    return (
        con.execute(
            f"SELECT substr(sha1(',' || string_agg(event_id, ',' ORDER BY event_id)), 1, 12) "
            f"FROM read_parquet('{stage}/rows-*.parquet')"
        ).fetchone()
        or ("",)
    )[0]


def write_fast_store(store_dir: str | Path, n_events: int, seed: int = 0, chunk_events: int = CHUNK_EVENTS) -> dict:
    """Replace the store at store_dir with about n_events synthetic events (and, as an ingest fills a
    store, second reports and mentions) written column-wise; returns its manifest."""
    from dashboard.store import EventsStore

    store = EventsStore(store_dir)
    places = W.build_places(seed)
    arts = Y.sample_articles(n_events, seed)
    cum = np.cumsum(arts["k"].to_numpy())
    bounds = [
        0,
        *sorted(
            {int(b) for b in np.searchsorted(cum, np.arange(chunk_events, n_events, chunk_events)) + 1} - {len(arts)}
        ),
        len(arts),
    ]
    events_schema, articles_schema = _schemas()

    def write(gen: int) -> tuple[list[dict], list[dict], str]:
        stage = store.root / STAGE
        shutil.rmtree(stage, ignore_errors=True)
        stage.mkdir(parents=True)
        try:
            with duckdb.connect(config={"temp_directory": str(stage / "spill"), "memory_limit": "4GB"}) as con:
                _lookups(con, places)
                for no, (a, b) in enumerate(zip(bounds[:-1], bounds[1:], strict=True)):
                    first_row = int(cum[a - 1]) if a else 0
                    _stage_chunk(
                        con,
                        _draws(arts.iloc[a:b].reset_index(drop=True), a, first_row, places, seed, no),
                        seed,
                        stage,
                        no,
                    )
                _clusters(con, stage)
                events = _write_years(con, store.root, stage, gen, events_schema)
                digest = _digest(con, stage)
            return events, _write_articles(store.root, stage, gen, articles_schema, len(bounds) - 1), digest
        except (duckdb.Error, OSError, pa.ArrowException) as err:
            raise StoreError(f"{store.root}: cannot write the synthetic store ({err})") from err
        finally:
            shutil.rmtree(stage, ignore_errors=True)

    store.replace_with_files(write)
    return store.manifest()
