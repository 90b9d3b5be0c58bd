"""What one generation of the store holds, read from the files its manifest names: the effective
events (base parts with the overlays applied), the articles, and DuckDB queries over the events.

Each function takes the manifest `m` it reads, so a caller reads one whole generation; the retry
when writes remove that generation's files meanwhile is `EventsStore._read` (dashboard/store.py).
Part files are opened through `store_files.read_files` (looked up at each call, so a test can slow it)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds

from dashboard import schema as S
from dashboard import store_files as F
from dashboard import store_sql as Q
from dashboard.errors import StoreError


def events(
    root: Path,
    m: dict,
    columns: list[str] | None = None,
    filter: ds.Expression | None = None,
    dictionary: tuple[str, ...] = (),
    dates: tuple | None = None,
) -> pa.Table | None:
    """The generation's effective events: base parts with the whole-row overlays applied (the
    latest row of each event_id wins), then the places of the corrections' patches and the
    patches' cluster columns. `dates` (lo, hi) opens only the base parts that can hold them. A
    `filter` is applied to the rows before the patches (so it must not test the cluster columns or
    the places)."""
    parts = [e["path"] for e in m["events"] if dates is None or F.part_overlaps(e, *dates)]
    cols = None if columns is None else list(dict.fromkeys([S.EVENT_ID, *columns]))
    overlays = [e["path"] for e in m["overlays"]]
    whole, patches = F.split_overlays(overlays)
    base = F.read_files(root, parts, "events", cols, filter, dictionary)
    if whole:
        over = F.latest_rows(F.read_files(root, whole, "events", cols, None, dictionary))
        if filter is not None:
            over_all_ids = over[S.EVENT_ID]
            over = ds.dataset(over).to_table(filter=filter)
            if base is None:
                base = over
            else:
                base = base.filter(pc.invert(pc.is_in(base[S.EVENT_ID], value_set=over_all_ids)))
                base = F.overlay_onto(base, over, in_place=False)
        else:
            base = over if base is None else F.overlay_onto(base, over, in_place=True)
    if base is None or not patches:
        return base
    if set(base.column_names) & set(F.PLACE_COLUMNS):
        base = F.apply_patches(base, F.latest_places(root, overlays), F.PLACE_COLUMNS)
    if not set(base.column_names) & set(F.PATCH_COLUMNS[1:]):
        return base
    return F.apply_patches(base, F.latest_patches(root, overlays))


def articles(
    root: Path, m: dict, columns: list[str] | None = None, filter: ds.Expression | None = None
) -> pa.Table | None:
    return F.read_files(root, [e["path"] for e in m["articles"]], "articles", columns, filter)


def stored_articles(root: Path, m: dict, ids: set[str]) -> set[str]:
    """Which of these article ids are stored (the article_id column, filtered while read)."""
    if not ids:
        return set()
    table = articles(root, m, columns=["article_id"], filter=ds.field("article_id").isin(sorted(ids)))
    return set() if table is None else set(table.column(0).to_pylist())


def sql(root: Path, m: dict, query: str, params: list, dates: tuple, **frames: pd.DataFrame) -> pd.DataFrame:
    """A DuckDB query over {events}: the effective events of the parts that can hold `dates`."""
    import duckdb

    base = [str(root / e["path"]) for e in m["events"] if F.part_overlaps(e, *dates)]
    over = [str(root / e["path"]) for e in m["overlays"]]
    if not base and not over:
        return pd.DataFrame(columns=[S.EVENT_ID, S.EVENT_DATE])
    try:
        with duckdb.connect() as con:
            for name, frame in frames.items():
                con.register(name, frame)
            return con.execute(query.replace("{events}", Q.events_sql(base, over)), params).df()
    except duckdb.Error as err:
        raise StoreError(f"{root}: cannot read events ({err})") from err
