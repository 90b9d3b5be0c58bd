"""The store's rollup: the events counted per place, date, type and precision, kept beside the parts.

The dashboard's unfiltered views (every map and timeline until a filter is set: the first answer,
a brush, a marker click) read this table instead of the events: a few columns of sums, against a
scan of every report with the one-count-per-event logic (an event told by several articles counts
once, at its first report, with the lowest and highest toll its reports give; mentions are not
counted). Each row holds, for one key (ROLLUP_KEYS):
- `reports`: the rows (mentions left out): the places' dates, precision and main type come from them;
- `events`: the events counted there (a lone report, or the first report of an event told twice);
- `low`, `high`: the tolls of those events.
- `type_events`, `type_low`, `type_high`: the same for a filter on this one event type: the
  events counted at their first report of that type (an event told as a battle by one article and
  as shelling by another counts under each type once), so the rollup answers a one-type filter.
All are sums, so the table is kept up to date by adding delta parts: a write adds the
contributions of the rows it writes and subtracts those of the rows it supersedes. A row's
contribution depends on its event's other reports, and those never leave their merge key (same
class, day and place; dashboard/merge.py), so a write's delta is computed from the key groups its
merge read anyway: contributions(after) - contributions(before). Compaction writes the table anew.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow as pa

from dashboard import schema as S

ROLLUP_KEYS = [S.LOCATION, S.LATITUDE, S.LONGITUDE, S.COUNTRY, S.COUNTRY_CODE, S.ADMIN1, S.EVENT_DATE,
               S.EVENT_TYPE, S.DATE_PRECISION, S.GEO_PRECISION]
MEASURES = ["reports", "events", "low", "high", "type_events", "type_low", "type_high"]
TYPE_MEASURES = {"events": "type_events", "low": "type_low", "high": "type_high"}
ROLLUP_COLUMNS = [*ROLLUP_KEYS, *MEASURES]


def empty_rollup() -> pd.DataFrame:
    keys = S.coerce_events(S.empty_events())[ROLLUP_KEYS]
    return keys.assign(**{m: pd.Series([], dtype="int64") for m in MEASURES})


def contributions(rows: pd.DataFrame) -> pd.DataFrame:
    """The rollup rows of these effective rows, which hold every report of each event among them."""
    rows = S.coerce_events(rows)
    rows = rows[rows[S.RECORD_KIND].astype("string").fillna("event") != "mention"]
    if rows.empty:
        return empty_rollup()
    ids = rows[S.EVENT_ID].astype(str)
    cluster = rows[S.CLUSTER_ID].astype("string").fillna(ids).astype(str)
    lone = (cluster == ids).to_numpy()
    deaths = rows[S.FATALITIES].astype("Float64")
    # An event told twice: counted at its smallest event id, with its reports' lowest and highest toll.
    g = pd.DataFrame({"c": cluster, "id": ids, "f": deaths})[~lone].groupby("c")
    first = g["id"].transform("min")
    low = g["f"].transform("min").fillna(0)
    high = g["f"].transform("max").fillna(0)
    counted = pd.Series(lone, index=rows.index)
    counted[~lone] = (ids[~lone] == first).to_numpy()
    # Per event and type, its first report of that type.
    kinds = rows[S.EVENT_TYPE].astype("string").fillna("\x00")
    by_type = pd.DataFrame({"c": cluster, "t": kinds, "id": ids})[~lone].groupby(["c", "t"])
    first_of_type = by_type["id"].transform("min")
    typed = pd.Series(lone, index=rows.index)
    typed[~lone] = (ids[~lone] == first_of_type).to_numpy()
    lo = deaths.fillna(0).copy()
    hi = deaths.fillna(0).copy()
    lo[~lone], hi[~lone] = low.to_numpy(), high.to_numpy()
    out = rows[ROLLUP_KEYS].assign(reports=1, events=counted.astype("int64"),
                                   low=(lo * counted).astype("int64"), high=(hi * counted).astype("int64"),
                                   type_events=typed.astype("int64"), type_low=(lo * typed).astype("int64"),
                                   type_high=(hi * typed).astype("int64"))
    return _summed(out)


def _summed(rows: pd.DataFrame) -> pd.DataFrame:
    """Rows of one key added up; keys whose every measure sums to 0 dropped."""
    if rows.empty:
        return empty_rollup()
    out = rows.groupby(ROLLUP_KEYS, dropna=False, sort=False, observed=True)[MEASURES].sum().reset_index()
    out = out[(out[MEASURES] != 0).any(axis=1)]
    return out.astype({m: "int64" for m in MEASURES}).reset_index(drop=True)


def delta(before: pd.DataFrame, after: pd.DataFrame) -> pd.DataFrame:
    """What a write changes in the rollup: contributions(after) - contributions(before), where
    `before` holds the superseded rows and `after` their replacements and the new rows, each with
    every report of their events."""
    old = contributions(before)
    old[MEASURES] = -old[MEASURES]
    return _summed(pd.concat([contributions(after), old], ignore_index=True))


def as_table(rollup: pd.DataFrame) -> pa.Table:
    keys = S.coerce_events(rollup.reindex(columns=S.NAMES))[ROLLUP_KEYS]
    return pa.Table.from_pandas(keys.assign(**{m: rollup[m].to_numpy("int64") for m in MEASURES}),
                                preserve_index=False)


def rollup_sql(events: str) -> str:
    """The whole rollup of a DuckDB relation of effective events (what `contributions` gives)."""
    keys = ", ".join(ROLLUP_KEYS)
    return f"""
        WITH e AS (SELECT *, coalesce(cluster_id, event_id) = event_id AS lone FROM {events}
                   WHERE record_kind IS DISTINCT FROM 'mention'),
        t AS (SELECT cluster_id, min(event_id) AS first, coalesce(min(fatalities), 0) AS low,
                     coalesce(max(fatalities), 0) AS high FROM e WHERE NOT lone GROUP BY cluster_id),
        ft AS (SELECT cluster_id, event_type, min(event_id) AS first_of_type FROM e WHERE NOT lone GROUP BY ALL),
        c AS (SELECT e.*, CASE WHEN lone THEN 1 WHEN e.event_id = t.first THEN 1 ELSE 0 END AS counted,
                     CASE WHEN lone THEN 1 WHEN e.event_id = ft.first_of_type THEN 1 ELSE 0 END AS typed,
                     CASE WHEN lone THEN coalesce(e.fatalities, 0) ELSE t.low END AS lo,
                     CASE WHEN lone THEN coalesce(e.fatalities, 0) ELSE t.high END AS hi
              FROM e LEFT JOIN t ON NOT e.lone AND e.cluster_id = t.cluster_id
              LEFT JOIN ft ON NOT e.lone AND e.cluster_id = ft.cluster_id
                  AND e.event_type IS NOT DISTINCT FROM ft.event_type)
        SELECT {keys}, count(*)::BIGINT AS reports, sum(counted)::BIGINT AS events,
               sum(counted * lo)::BIGINT AS low, sum(counted * hi)::BIGINT AS high,
               sum(typed)::BIGINT AS type_events, sum(typed * lo)::BIGINT AS type_low,
               sum(typed * hi)::BIGINT AS type_high
        FROM c GROUP BY ALL"""


def summed_sql(paths: list[str]) -> str:
    """The rollup as the sum of its parts (keys whose sums all came to 0 left out)."""
    if not paths:
        return "(SELECT * FROM (SELECT " + ", ".join(
            [f"NULL::VARCHAR AS {k}" for k in ROLLUP_KEYS] + [f"0::BIGINT AS {m}" for m in MEASURES]) + ") WHERE false)"
    files = _files(paths)
    sums = ", ".join(f"sum({m})::BIGINT AS {m}" for m in MEASURES)
    return (f"(SELECT {', '.join(ROLLUP_KEYS)}, {sums} FROM read_parquet({files}, union_by_name=true) "
            f"GROUP BY ALL HAVING {' OR '.join(f'sum({m}) <> 0' for m in MEASURES)})")


def differences(store_root: Path, manifest: dict) -> pd.DataFrame:
    """Rows where the stored rollup (its parts summed) and the rollup computed from the events
    differ: empty when the store's rollup is right (tests, and a check after a crash)."""
    import duckdb

    from dashboard.store_files import events_sql

    parts = [str(store_root / e["path"]) for e in manifest.get("rollup") or []]
    base = [str(store_root / e["path"]) for e in manifest["events"]]
    over = [str(store_root / e["path"]) for e in manifest["overlays"]]
    whole = rollup_sql(events_sql(base, over)) if base or over else summed_sql([])
    keys = " AND ".join(f"a.{k} IS NOT DISTINCT FROM b.{k}" for k in ROLLUP_KEYS)
    same = " AND ".join(f"a.{m} IS NOT DISTINCT FROM b.{m}" for m in MEASURES)
    with duckdb.connect() as con:
        return con.execute(f"SELECT a.*, b.* FROM {summed_sql(parts)} a FULL JOIN ({whole}) b ON {keys} "
                           f"WHERE NOT ({same})").df()


def _files(paths: list[str]) -> str:
    return "[" + ", ".join("'" + p.replace("'", "''") + "'" for p in paths) + "]"


def view_statements(name: str, paths: list[str], extra: str, measures: list[str] | None = None) -> list[str]:
    """DuckDB statements declaring the view `rollup`: the sums of the parts at `paths`, one row per
    key, with the columns `extra` (SQL over a row) added; tables it needs are named `name_*`.

    The first part (as compaction or a store's first write leaves it: most rows, one per key) is
    read where it lies, sorted by date so that a range reads its row groups only, and waits for no
    load; the few keys the later parts (writes' deltas) touch are summed once, and those sums stand
    in for that part's rows. Summing every part into one table instead took seconds at a million
    events and left its hash table in the server's memory (+200 MB after a correction)."""
    first = f"read_parquet({_files(paths[:1])}, file_row_number=true)"
    if len(paths) == 1:
        return [f"CREATE OR REPLACE VIEW rollup AS SELECT * EXCLUDE (file_row_number), {extra} FROM {first}"]
    later = f"read_parquet({_files(paths[1:])}, union_by_name=true)"
    present = measures or MEASURES  # a part written before a measure existed has not got it
    keys, listed = ", ".join(ROLLUP_KEYS), ", ".join(present)
    same = " AND ".join(f"b.{k} IS NOT DISTINCT FROM d.{k}" for k in ROLLUP_KEYS)
    sums = ", ".join(f"sum({m})::BIGINT AS {m}" for m in present)
    return [
        f"CREATE OR REPLACE TABLE {name}_skip AS SELECT b.file_row_number AS n FROM {first} b "
        f"SEMI JOIN (SELECT DISTINCT {keys} FROM {later}) d ON {same}",
        f"CREATE OR REPLACE TABLE {name}_fix AS SELECT {keys}, {sums} FROM ("
        f"SELECT {keys}, {listed} FROM {first} WHERE file_row_number IN (SELECT n FROM {name}_skip) "
        f"UNION ALL BY NAME SELECT {keys}, {listed} FROM {later}) "
        f"GROUP BY ALL HAVING {' OR '.join(f'sum({m}) <> 0' for m in present)}",
        f"CREATE OR REPLACE VIEW rollup AS SELECT *, {extra} FROM ("
        f"SELECT {keys}, {listed} FROM {first} WHERE file_row_number NOT IN (SELECT n FROM {name}_skip) "
        f"UNION ALL BY NAME SELECT * FROM {name}_fix)",
    ]
