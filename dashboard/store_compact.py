"""`conflictmap store compact`: one file per year, overlays folded in, in a new generation.

Year by year, so memory holds one year of events at a time: the year's base parts are read, the rows
an overlay supersedes are replaced by their latest overlay row, the places corrections' patches
moved and the cluster columns patches changed are set (store_files.apply_patches), and the year
is written sorted by date as one part of the new generation. The articles become one file.
Nothing of the current generation is touched until the new manifest is swapped in (then its files
are deleted), so a crash at any point leaves the current generation readable. The rollup
(dashboard/rollup.py) is computed anew from the compacted files.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from dashboard import schema as S
from dashboard import store_files as F
from dashboard import store_index_build
from dashboard import store_sql as Q
from dashboard.errors import StoreError

if TYPE_CHECKING:
    from dashboard.store import EventsStore


def _partition_of(entry: dict) -> str:
    parts = entry["path"].split("/")
    return parts[1] if parts[0] == "events" and len(parts) == 3 else "legacy"


def compact(store: EventsStore, m: dict) -> dict:
    root = store.root
    before = _data_files(m)
    if not m["generation"]:
        return {"files_before": 0, "files_after": 0, "generation": 0}
    gen = int(m["generation"]) + 1
    over_df, patches, places = _overlays(root, m)
    over_ids = None if over_df is None else pa.array(over_df[S.EVENT_ID].astype(str))
    by_part: dict[str, list[str]] = defaultdict(list)
    for e in m["events"]:
        by_part[_partition_of(e)].append(e["path"])
    out = {**m, "events": [], "overlays": [], "articles": [], "generation": gen}
    try:
        # Overlay rows are written with the month their row has now (a legacy file has no months).
        for part, rels in sorted(by_part.items()):
            table = _read_events(root, rels)
            if over_ids is not None:
                table = table.filter(pc.invert(pc.is_in(table[S.EVENT_ID], value_set=over_ids)))
            table = F.apply_patches(F.apply_patches(table, places, F.PLACE_COLUMNS), patches)
            rows = S.coerce_events(table.to_pandas())
            out["events"] += F.write_parts(root, rows, gen, "-c" + part)
        if over_df is not None:
            out["events"] += F.write_parts(root, over_df, gen, "-o")
        out["events"] = _merge_same_part(root, out["events"], gen)
        arts = F.read_files(root, [e["path"] for e in m["articles"]], "articles")
        if arts is not None:
            rel = f"articles/part-{gen:06d}.parquet"
            F.write_table(root, rel, arts)
            out["articles"] = [{"path": rel, "rows": arts.num_rows}]
        out["n_events"] = sum(int(e["rows"]) for e in out["events"])
        out["n_articles"] = arts.num_rows if arts is not None else 0
        # The rollup anew, one part (a store written before it had one gets it here).
        out["rollup"] = [Q.write_whole_rollup(root, gen, out)]
        # The same rows: the index holds them; each toponym's values since its last whole one folded.
        store_index_build.keep(root, m, gen, out, whole=False, rows=[], fold=True)
        F.write_manifest(root, out)
    except (OSError, pa.ArrowException) as err:
        raise StoreError(f"{root}: compaction failed, previous data kept ({err})") from err
    F.clean(root, out, previous=m)
    return {"files_before": before, "files_after": _data_files(out), "generation": gen}


def _overlays(root: Path, m: dict) -> tuple[pd.DataFrame | None, pa.Table | None, pa.Table | None]:
    """(the latest whole-row overlay rows, places and patches applied; the patches' latest cluster
    columns; the corrections' latest places)."""
    overlays = [e["path"] for e in m["overlays"]]
    patches = F.latest_patches(root, overlays)  # the cluster columns merges changed since
    places = F.latest_places(root, overlays)  # where corrections moved rows since
    over = F.read_files(root, F.split_overlays(overlays)[0], "events")
    if over is None:
        return None, patches, places
    over = F.apply_patches(F.apply_patches(F.latest_rows(over), places, F.PLACE_COLUMNS), patches)
    return S.coerce_events(over.to_pandas()), patches, places


def _data_files(m: dict) -> int:
    """The events', overlays' and articles' files (what compaction folds; the rollup is one file after)."""
    return len(F.referenced({**m, "rollup": None}))


def _read_events(root: Path, rels: list[str]) -> pa.Table:
    """The events of these files, which the manifest lists (so there is at least one)."""
    table = F.read_files(root, rels, "events")
    if table is None:
        raise StoreError(f"{root}: no events file to read where the manifest lists {len(rels)}")
    return table


def _merge_same_part(root: Path, entries: list[dict], gen: int) -> list[dict]:
    """Where a year got two files (its base rows and rows an overlay put in it, or a legacy file's
    rows), one file of that year, sorted by date."""
    groups: dict[str, list[dict]] = defaultdict(list)
    for e in entries:
        groups[e["path"].split("/")[1]].append(e)
    final = []
    for part, es in sorted(groups.items()):
        if len(es) == 1:
            final.append(es[0])
            continue
        rows = S.coerce_events(pd.concat([_read_events(root, [e["path"]]).to_pandas() for e in es], ignore_index=True))
        final += F.write_parts(root, rows, gen, f"-m{part}")
    return final
