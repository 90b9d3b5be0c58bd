"""The store's rollup: the events counted per place, date, type and precision, kept beside the parts.

The dashboard's unfiltered views (every map and timeline until a filter is set: the first answer,
a brush, a marker click) read this table instead of the events: a few columns of sums, against a
scan of every report with the one-count-per-event logic (an event told by several articles counts
once, at its first report, with the lowest and highest toll its reports give; mentions are not
counted). Each row holds, for one key (ROLLUP_KEYS):
- `reports`: the rows (mentions left out): the places' dates, precision and main type come from them;
- `events`: the events counted there (a lone report, or the first report of an event told twice);
- `low`, `high`: the tolls of those events.
- `tolled`: how many of those events have a toll (a report gives one, 0 included): `low` counts 0
  for an event none of whose reports gives a toll, and the map says "toll unknown" rather than 0.
- `type_events`, `type_low`, `type_high`, `type_tolled`: the same for a filter on this one event type: the
  events counted at their first report of that type (an event told as a battle by one article and
  as shelling by another counts under each type once), so the rollup answers a one-type filter.
- per threshold of THRESHOLDS (a minimum toll or confidence: `min_deaths_5_*`, `min_conf_80_*`),
  `reports`, `events`, `low`, `high` and `tolled` again for the reports that pass it: each event counted at its
  first report that passes (as a filter on that minimum counts it), with the toll of all its
  reports. A filter on one of these minima, alone or with place filters, is then answered from the
  rollup; another value (the panel takes any number) scans the events.
All are sums, so the table is kept up to date by adding delta parts: a write adds the
contributions of the rows it writes and subtracts those of the rows it supersedes. A row's
contribution depends on its event's other reports, and those never leave their merge key (same
class, day and place; dashboard/merge.py), so a write's delta is computed from the key groups its
merge read anyway: contributions(after) - contributions(before). Compaction writes the table anew.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from dashboard import schema as S
from dashboard.rollup_counts import Facts, first_passing, passes, sum_type, tolled, tolls, value_codes

ROLLUP_KEYS = [
    S.LOCATION,
    S.LATITUDE,
    S.LONGITUDE,
    S.COUNTRY,
    S.COUNTRY_CODE,
    S.ADMIN1,
    S.EVENT_DATE,
    S.EVENT_TYPE,
    S.DATE_PRECISION,
    S.GEO_PRECISION,
]
# The minima counted (filters.Filters: min_fatalities, an integer; min_confidence, a step of 0.05 in
# the panel): those most asked for. Ten levels, five sums each: mostly zeros, which Parquet stores in
# a few bytes, and a query reads only the columns of its level.
THRESHOLDS: dict[str, tuple[float, ...]] = {
    "min_fatalities": (1, 5, 10, 50, 100),
    "min_confidence": (0.5, 0.6, 0.7, 0.8, 0.9),
}
THRESHOLD_SUMS = ("reports", "events", "low", "high", "tolled")


def threshold_prefix(field: str, level: float) -> str:
    """The measures' prefix of one threshold: min_deaths_5, min_conf_80."""
    return f"min_deaths_{int(level)}" if field == "min_fatalities" else f"min_conf_{round(level * 100)}"


def threshold_sql(field: str, level: float) -> str:
    """The rows passing one threshold, as duck.where writes the filter (a toll not given is 0; an
    unknown confidence never passes)."""
    return (
        f"coalesce(fatalities, 0) >= {int(level)}"
        if field == "min_fatalities"
        else f"coalesce(confidence >= {float(level)!r}::DOUBLE, false)"
    )


LEVELS = [(field, level, threshold_prefix(field, level)) for field, levels in THRESHOLDS.items() for level in levels]
TYPE_MEASURES = {"events": "type_events", "low": "type_low", "high": "type_high", "tolled": "type_tolled"}
# The plain sums (the same names as a level's), those of one type, and each level's.
MEASURES = [*THRESHOLD_SUMS, *TYPE_MEASURES.values(), *[f"{p}_{m}" for _, _, p in LEVELS for m in THRESHOLD_SUMS]]
ROLLUP_COLUMNS = [*ROLLUP_KEYS, *MEASURES]
# The columns a place filter reads (duck.where: countries, provinces, places and their boxes, towns only).
PLACE_FILTERED = (S.COUNTRY, S.ADMIN1, S.GEO_PRECISION, S.LOCATION, S.LATITUDE, S.LONGITUDE)


# What contributions reads of a row.
_COUNTED = tuple(
    dict.fromkeys([*ROLLUP_KEYS, S.EVENT_ID, S.CLUSTER_ID, S.RECORD_KIND, S.FATALITIES, S.EVENT_TYPE, S.CONFIDENCE])
)


def empty_rollup() -> pd.DataFrame:
    keys = S.coerce_events(S.empty_events())[ROLLUP_KEYS]
    return keys.assign(**{m: pd.Series([], dtype="int64") for m in MEASURES})


def contributions(rows: pd.DataFrame) -> pd.DataFrame:
    """The rollup rows of these effective rows, which hold every report of each event among them."""
    keys, sums = _per_row(rows)
    return _summed(keys, sums)


def _facts(rows: pd.DataFrame) -> Facts:
    rows = S.coerce_events(rows, names=_COUNTED)  # these columns only: a write's delta is 20,000 rows at 10M
    counted = (rows[S.RECORD_KIND].astype("string").fillna("event") != "mention").to_numpy()
    rows = rows[counted]
    ids = rows[S.EVENT_ID].astype(str)
    kind = pd.factorize(rows[S.EVENT_TYPE].astype("string").fillna("\x00").to_numpy())[0].astype("int64")
    # The ids' order by Arrow (UTF-8's byte order is the code points' order): pandas' sorted
    # factorize of 20,000 ids as Python strings was a quarter of _per_row at ten million events.
    rank = (
        pc.rank(pa.array(ids, from_pandas=True), sort_keys="ascending", tiebreaker="dense").to_numpy().astype("int64")
        if len(rows)
        else np.zeros(0, dtype="int64")
    )
    return Facts(
        rows,
        counted,
        ids.to_numpy(object),
        kind,
        rank,
        rows[S.FATALITIES].astype("Float64").to_numpy("float64", na_value=np.nan),
        rows[S.CONFIDENCE].astype("Float64").to_numpy("float64", na_value=np.nan),
    )


def _clusters(rows: pd.DataFrame, counted: np.ndarray | None = None) -> np.ndarray:
    """Each counted row's cluster id as a text (its event id when it has none); `counted`: which
    rows are (None: all)."""
    rows = rows[[S.EVENT_ID, S.CLUSTER_ID]] if counted is None else rows[[S.EVENT_ID, S.CLUSTER_ID]][counted]
    ids = rows[S.EVENT_ID].astype(str)
    return rows[S.CLUSTER_ID].astype("string").fillna(ids).astype(str).to_numpy(object)


def _per_row(rows: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray]:
    """(each counted row's ROLLUP_KEYS, its measures as a matrix of integers (sum_type) in MEASURES'
    order) of these effective rows, which hold every report of each event among them."""
    facts = _facts(rows)
    itype = sum_type(len(facts.rows), facts.toll)
    return facts.rows[ROLLUP_KEYS].reset_index(drop=True), _measures(facts, _clusters(facts.rows), itype)


def _measures(
    facts: Facts, cluster: np.ndarray, itype: type[np.signedinteger] = np.int64, out: np.ndarray | None = None
) -> np.ndarray:
    """The measures (a matrix of `itype` in MEASURES' order, or written into `out`) of the first
    len(cluster) counted rows of `facts` with these cluster ids: _per_row's, when they hold every report."""
    n = len(cluster)
    sums = np.zeros((n, len(MEASURES)), dtype=itype) if out is None else out
    if not n:
        return sums
    ids, kind, rank, toll = facts.ids[:n], facts.kind[:n], facts.rank[:n], facts.toll[:n]
    lone = cluster == ids
    every = np.ones(n, bool)
    # Each row's event, and its event and type, found once for the 12 counts below (a groupby per
    # count was half of a write's rollup delta).
    event = pd.factorize(cluster)[0].astype("int64")
    lo, hi = tolls(toll, event, lone)
    known = tolled(toll, event, lone)
    event_type = pd.factorize(event * (int(kind.max()) + 1) + kind)[0]
    # An event told twice: counted at its smallest event id; per type, at its first report of that type.
    counted = first_passing(event, rank, lone, every)
    typed = first_passing(event_type, rank, lone, every)
    col = {m: i for i, m in enumerate(MEASURES)}
    # The measures filled column by column into one matrix: a frame of 47 columns assigned and summed
    # by pandas cost ~0.1 s a write whatever its rows (most of a correction's rollup delta).
    for m, v in (
        ("reports", every),
        ("events", counted),
        ("low", lo * counted),
        ("high", hi * counted),
        ("tolled", known & counted),
        ("type_events", typed),
        ("type_low", lo * typed),
        ("type_high", hi * typed),
        ("type_tolled", known & typed),
    ):
        sums[:, col[m]] = v
    deaths = np.nan_to_num(toll, nan=0.0)
    for field, level, prefix in LEVELS:
        kept = passes(deaths, facts.confidence[:n], field, level)
        first = first_passing(event, rank, lone, kept)
        sums[:, col[f"{prefix}_reports"]] = kept
        sums[:, col[f"{prefix}_events"]] = first
        sums[:, col[f"{prefix}_low"]] = lo * first
        sums[:, col[f"{prefix}_high"]] = hi * first
        sums[:, col[f"{prefix}_tolled"]] = known & first
    return sums


def _summed(keys: pd.DataFrame, sums: np.ndarray) -> pd.DataFrame:
    """Rows of one key added up (keys: ROLLUP_KEYS per row, sums: their measures, a row each), keys
    whose every measure sums to 0 dropped. Grouped by numpy over the keys' codes (a missing value is
    a key of its own, as pandas' groupby with dropna=False has it)."""
    if not len(keys):
        return empty_rollup()
    code = np.zeros(len(keys), dtype="int64")
    for c in ROLLUP_KEYS:
        values, uniques = pd.factorize(keys[c], use_na_sentinel=False)
        code = pd.factorize(code * (len(uniques) + 1) + values)[0]
    order = np.argsort(code, kind="stable")
    starts = np.flatnonzero(np.r_[True, np.diff(code[order]) != 0])
    total = np.add.reduceat(sums[order], starts, axis=0)
    kept = (total != 0).any(axis=1)
    first = order[starts][kept]
    out = keys.iloc[first].reset_index(drop=True)
    return pd.concat([out, pd.DataFrame(total[kept], columns=MEASURES, dtype="int64")], axis=1)


def delta(
    before: pd.DataFrame, after: pd.DataFrame, aligned: bool = False, places: pd.DataFrame | None = None
) -> pd.DataFrame:
    """What a write changes in the rollup: contributions(after) - contributions(before), where
    `before` holds the superseded rows and `after` their replacements and the new rows, each with
    every report of their events. attrs["same_place"]: share_place(after), which the part records.
    `aligned`: the first len(before) rows of `after` are the rows of `before`, in their order, with
    only their cluster columns changed (an append's stored rows): each is subtracted from itself,
    and only those whose measures changed (an event's first report, its tolls) are summed with the
    new rows (summing the 40,000 rows of an append's keys at ten million events was a sixth of its
    delta). `places`: the rows share_place reads, when `after` leaves out reports of its events
    that count nothing there (an append's, merge_reps)."""
    if aligned:  # mentions are left out of both alike: the first len(old_sums) rows pair up
        # What does not depend on the clusters (the ids' ranks, types, tolls) found once for both.
        facts = _facts(after)
        new_keys = facts.rows[ROLLUP_KEYS].reset_index(drop=True)
        itype = sum_type(2 * len(facts.rows), facts.toll)  # a difference of two rows' measures each
        new_sums = _measures(facts, _clusters(facts.rows), itype)
        old_sums = _measures(facts, _clusters(before, facts.counted[: len(before)]), itype)
        n = len(old_sums)
        diff = new_sums[:n] - old_sums
        moved = diff.any(axis=1)
        keys = pd.concat([new_keys.iloc[:n][moved], new_keys.iloc[n:]], ignore_index=True)
        out = _summed(keys, np.vstack([diff[moved], new_sums[n:]]))
    else:
        # Both sides' measures in one matrix, the old negated in place: vstack and the negation copied
        # them twice more (a correction's 20,000 rows at 10M: 4.7 MB a copy in int64, fresh pages each).
        new, old = _facts(after), _facts(before)
        nn, n = len(new.rows), len(new.rows) + len(old.rows)
        sums = np.zeros((n, len(MEASURES)), sum_type(n, new.toll, old.toll))
        _measures(new, _clusters(new.rows), out=sums[:nn])
        _measures(old, _clusters(old.rows), out=sums[nn:])
        np.negative(sums[nn:], out=sums[nn:])
        keys = pd.concat([new.rows[ROLLUP_KEYS], old.rows[ROLLUP_KEYS]], ignore_index=True)
        out = _summed(keys, sums)
    out.attrs["same_place"] = share_place(after if places is None else places)
    return out


def share_place(rows: pd.DataFrame) -> bool:
    """Whether each event among these rows (which hold every report of it) has one value of each
    PLACE_FILTERED column over its reports (mentions left out). A place filter then keeps or drops
    whole events, and the rollup, which has those columns among its keys, answers it. Each rollup
    part records this of the events its write left (`same_place` in the manifest): the events of a
    generation all share their place when every part says so (an event's latest state was checked
    by the last write that touched it)."""
    rows = S.coerce_events(rows, names=tuple(dict.fromkeys([S.EVENT_ID, S.CLUSTER_ID, S.RECORD_KIND, *PLACE_FILTERED])))
    rows = rows[rows[S.RECORD_KIND].astype("string").fillna("event") != "mention"]
    ids = rows[S.EVENT_ID].astype(str)
    cluster = rows[S.CLUSTER_ID].astype("string").fillna(ids).astype(str)
    shared = (cluster != ids).to_numpy()
    if not shared.any():
        return True
    # Per event, the lowest and highest code of each column's values: one value when they meet
    # (grouped by numpy: pandas' nunique over texts was a quarter of an append's delta at 10M).
    event = pd.factorize(cluster.to_numpy()[shared])[0]
    for c in PLACE_FILTERED:
        code = value_codes(rows[c][shared])
        lo = np.full(int(event.max()) + 1, np.iinfo(np.int64).max)
        hi = np.full(len(lo), -1)
        np.minimum.at(lo, event, code)
        np.maximum.at(hi, event, code)
        if (lo != hi).any():
            return False
    return True


def share_place_sql(events: str) -> str:
    """share_place over a DuckDB relation of effective events: one boolean."""
    same = " AND ".join(f"count(DISTINCT coalesce(CAST({c} AS VARCHAR), '\x00')) = 1" for c in PLACE_FILTERED)
    return (
        f"SELECT coalesce(bool_and(s), true) FROM (SELECT {same} AS s FROM {events} "
        "WHERE record_kind IS DISTINCT FROM 'mention' AND coalesce(cluster_id, event_id) <> event_id "
        "GROUP BY cluster_id)"
    )


def as_table(rollup: pd.DataFrame) -> pa.Table:
    keys = S.coerce_events(rollup, names=tuple(ROLLUP_KEYS))  # the keys only, not the 53 columns
    return pa.Table.from_pandas(keys.assign(**{m: rollup[m].to_numpy("int64") for m in MEASURES}), preserve_index=False)


def rollup_sql(events: str) -> str:
    """The whole rollup of a DuckDB relation of effective events (what `contributions` gives)."""
    keys = ", ".join(ROLLUP_KEYS)
    # Per event, its first report passing each threshold; per row, whether it is that report.
    firsts = "".join(f", min(event_id) FILTER (WHERE {threshold_sql(f, v)}) AS {p}_first" for f, v, p in LEVELS)
    passing = "".join(
        f", CASE WHEN NOT {threshold_sql(f, v)} THEN 0 WHEN lone THEN 1 "
        f"WHEN e.event_id = t.{p}_first THEN 1 ELSE 0 END AS {p}_counted,"
        f" CASE WHEN {threshold_sql(f, v)} THEN 1 ELSE 0 END AS {p}_passes"
        for f, v, p in LEVELS
    )
    sums = "".join(
        f", sum({p}_passes)::BIGINT AS {p}_reports, sum({p}_counted)::BIGINT AS {p}_events, "
        f"sum({p}_counted * lo)::BIGINT AS {p}_low, sum({p}_counted * hi)::BIGINT AS {p}_high, "
        f"sum({p}_counted * kn)::BIGINT AS {p}_tolled"
        for _, _, p in LEVELS
    )
    return f"""
        WITH e AS (SELECT *, coalesce(cluster_id, event_id) = event_id AS lone FROM {events}
                   WHERE record_kind IS DISTINCT FROM 'mention'),
        t AS (SELECT cluster_id, min(event_id) AS first, coalesce(min(fatalities), 0) AS low,
                     coalesce(max(fatalities), 0) AS high, (count(fatalities) > 0)::INTEGER AS known{firsts}
              FROM e WHERE NOT lone GROUP BY cluster_id),
        ft AS (SELECT cluster_id, event_type, min(event_id) AS first_of_type FROM e WHERE NOT lone GROUP BY ALL),
        c AS (SELECT e.*, CASE WHEN lone THEN 1 WHEN e.event_id = t.first THEN 1 ELSE 0 END AS counted,
                     CASE WHEN lone THEN 1 WHEN e.event_id = ft.first_of_type THEN 1 ELSE 0 END AS typed,
                     CASE WHEN lone THEN coalesce(e.fatalities, 0) ELSE t.low END AS lo,
                     CASE WHEN lone THEN coalesce(e.fatalities, 0) ELSE t.high END AS hi,
                     CASE WHEN lone THEN (e.fatalities IS NOT NULL)::INTEGER ELSE t.known END AS kn{passing}
              FROM e LEFT JOIN t ON NOT e.lone AND e.cluster_id = t.cluster_id
              LEFT JOIN ft ON NOT e.lone AND e.cluster_id = ft.cluster_id
                  AND e.event_type IS NOT DISTINCT FROM ft.event_type)
        SELECT {keys}, count(*)::BIGINT AS reports, sum(counted)::BIGINT AS events,
               sum(counted * lo)::BIGINT AS low, sum(counted * hi)::BIGINT AS high,
               sum(counted * kn)::BIGINT AS tolled,
               sum(typed)::BIGINT AS type_events, sum(typed * lo)::BIGINT AS type_low,
               sum(typed * hi)::BIGINT AS type_high, sum(typed * kn)::BIGINT AS type_tolled{sums}
        FROM c GROUP BY {keys}"""


def summed_sql(paths: list[str]) -> str:
    """The rollup as the sum of its parts (keys whose sums all came to 0 left out)."""
    if not paths:
        return (
            "(SELECT * FROM (SELECT "
            + ", ".join([f"NULL::VARCHAR AS {k}" for k in ROLLUP_KEYS] + [f"0::BIGINT AS {m}" for m in MEASURES])
            + ") WHERE false)"
        )
    files = _files(paths)
    sums = ", ".join(f"sum({m})::BIGINT AS {m}" for m in MEASURES)
    return (
        f"(SELECT {', '.join(ROLLUP_KEYS)}, {sums} FROM read_parquet({files}, union_by_name=true) "
        f"GROUP BY ALL HAVING {' OR '.join(f'sum({m}) <> 0' for m in MEASURES)})"
    )


def differences(store_root: Path, manifest: dict) -> pd.DataFrame:
    """Rows where the stored rollup (its parts summed) and the rollup computed from the events
    differ: empty when the store's rollup is right (tests, and a check after a crash)."""
    import duckdb

    from dashboard.store_sql import events_sql

    parts = [str(store_root / e["path"]) for e in manifest.get("rollup") or []]
    base = [str(store_root / e["path"]) for e in manifest["events"]]
    over = [str(store_root / e["path"]) for e in manifest["overlays"]]
    whole = rollup_sql(events_sql(base, over)) if base or over else summed_sql([])
    keys = " AND ".join(f"a.{k} IS NOT DISTINCT FROM b.{k}" for k in ROLLUP_KEYS)
    same = " AND ".join(f"a.{m} IS NOT DISTINCT FROM b.{m}" for m in MEASURES)
    with duckdb.connect() as con:
        return con.execute(
            f"SELECT a.*, b.* FROM {summed_sql(parts)} a FULL JOIN ({whole}) b ON {keys} WHERE NOT ({same})"
        ).df()


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
