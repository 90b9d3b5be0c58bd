"""The store's files: the manifest, part files and their atomic writing.

A manifest generation lists every file that makes up the store:
- `events`: base parts, `events/<YYYY>/part-<gen>[-<n>].parquet` (`events/undated/...` for rows
  without a date), each with its row count and its first and last event date, so a date range
  opens only its files. An ingest adds parts; nothing rewrites them but `store compact`.
- `overlays`: `overlays/part-<gen>.parquet`, whole event rows that supersede the rows of the same
  event_id in the base parts and in earlier overlays (the places a correction moved); and
  `overlays/patch-<gen>.parquet`, narrow rows (event_id and the cluster columns, PATCH_COLUMNS) that
  replace only those columns of the event's row (the cluster columns a merge changed in stored
  events: a report joining an event changes its count of sources in every row of it, and writing
  those rows whole made an append read and write them whole); and `overlays/patch-place-<gen>.parquet`,
  a correction's patch (is_place_patch): of each row it moved, the patch's columns, the place
  (PLACE_COLUMNS) and the other columns the merge reads (store_merge.PLACED_READS), so a correction
  neither reads nor writes whole rows. An event's cluster columns are those of its latest overlay
  row of any kind; its place columns those of its latest whole row or correction's patch; its other
  columns those of its latest whole row (whole rows are what corrections wrote before).
- `articles`: `articles/part-<gen>.parquet`, the articles each ingest added.
- `rollup` (when the store keeps one): `rollup/part-<gen>.parquet`, the events counted per place,
  date and type, as parts whose sums are the table (dashboard/rollup.py); absent when a write could
  not keep it (a store written before it existed, until `store compact`).
Files are written under temporary names and renamed into place; the manifest is replaced last
(`os.replace`), so a crash at any point leaves the previous generation whole. A write keeps the
files of the generation before it (a reader that read the old manifest an instant before the swap
still finds them) and deletes every file neither names (older generations, a crashed write's).
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from dashboard import schema as S
from dashboard import store_checks as C
from dashboard.errors import StoreError
from dashboard.merge import CLUSTER_COLUMNS

MANIFEST = "manifest.json"
FORMAT_VERSION = 2
# Rows per Parquet row group of the events' parts: a date filter skips the groups outside its range.
# 8,192, not 65,536: a part of one ingest's year (tens of thousands of rows) was one group, so every
# dated query decoded the whole part, and the newest 50 rows of a day (spread over the 40 parts of
# a 500-part store that hold that day) decoded 40 whole parts: 0.8-1.0 s of CPU at 10M events
# against 0.3 s (README, 'Scale').
ROW_GROUP = 8_192
ROLLUP_ROW_GROUP = 65_536  # the rollup: read whole by the unfiltered views, or a date range of it
UNDATED = "undated"
PATCH_COLUMNS = [S.EVENT_ID, *CLUSTER_COLUMNS]  # what a narrow overlay (a patch) holds
PATCH_PREFIX = "patch-"
# A correction's patch (`patch-place-<gen>`) also sets these columns of its rows: where they are.
PLACE_PREFIX = "patch-place-"
PLACE_COLUMNS = list(S.CORRECTED_PLACE_COLUMNS)


def is_patch(path: str) -> bool:
    """Whether an overlay file is a patch (PATCH_COLUMNS only), not whole rows."""
    return Path(path).name.startswith(PATCH_PREFIX)


def is_place_patch(path: str) -> bool:
    """Whether an overlay file is a correction's patch: PATCH_COLUMNS and PLACE_COLUMNS (and the
    other columns the merge reads, for a merge that finds its rows in the files), not whole rows."""
    return Path(path).name.startswith(PLACE_PREFIX)


def split_overlays(paths: list[str]) -> tuple[list[str], list[str]]:
    """(whole-row overlays, patches) of a generation's overlay files, each oldest first."""
    return [p for p in paths if not is_patch(p)], [p for p in paths if is_patch(p)]


def overlay_generation(path: str) -> int:
    """The generation that wrote an overlay file (`overlays/part-000012.parquet`: 12)."""
    return int(Path(path).name.split(".")[0].split("-")[-1])


def empty_manifest() -> dict:
    return {
        "format": FORMAT_VERSION,
        "generation": 0,
        "n_events": 0,
        "n_articles": 0,
        "hash": "",
        "events": [],
        "overlays": [],
        "articles": [],
        "rollup": [],
    }


def read_manifest(root: Path) -> dict:
    path = root / MANIFEST
    if not path.is_file():
        if path.exists() or path.is_symlink():
            raise StoreError(f"{path}: the store's manifest is not a regular file; nothing was read or written")
        found = C.data_files(root)
        if found:  # a store that lost its manifest: read as empty, its next write named its parts anew
            raise StoreError(
                f"{path}: missing, yet the folder holds the store's data files ({', '.join(found)}, …); "
                "nothing was read or written. Restore the manifest, or give --store another folder"
            )
        return empty_manifest()
    try:
        m = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise StoreError(f"{path}: unreadable store manifest ({err})") from err
    gen = m.get("generation") if isinstance(m, dict) else None
    if not isinstance(gen, int) or isinstance(gen, bool) or gen < 0:
        raise StoreError(f"{path}: store manifest has no valid 'generation'")
    if "events" not in m:  # format 1: one events file and one articles file per generation
        m = {
            **m,
            "events": [
                {"path": f"events-{gen:06d}.parquet", "rows": int(m.get("n_events", 0)), "min": None, "max": None}
            ]
            if gen
            else [],
            "overlays": [],
            "articles": [{"path": f"articles-{gen:06d}.parquet"}] if gen else [],
        }
    C.check_manifest(path, m)
    return m


def write_manifest(root: Path, manifest: dict) -> None:
    fd, tmp = tempfile.mkstemp(dir=root, suffix=".json.tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        # dumps, then one write: json.dump streams through the pure-Python encoder (3 ms for the 67 kB
        # manifest of a 500-part store, each write); the C encoder's text is the same.
        fh.write(json.dumps(manifest))
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, root / MANIFEST)


def ids_hash(previous: str, event_ids: Iterable[str]) -> str:
    """A digest of the stored event ids, chained over ingests (no write reads every id again)."""
    return hashlib.sha1((previous + "," + ",".join(sorted(event_ids))).encode()).hexdigest()[:12]


def write_table(root: Path, rel: str, table: pa.Table) -> None:
    """Write `table` to root/rel through a temporary file renamed into place."""
    target = root / rel
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=root, suffix=".parquet.tmp")
    os.close(fd)
    pq.write_table(table, tmp, compression="zstd", row_group_size=ROW_GROUP)
    os.replace(tmp, target)


def partition_of(dates: pd.Series) -> pd.Series:
    """Each row's partition: the year of its event date, or `undated`. A year, not a month: an
    ingest's articles mention dates over many months, and a file per month made an append of 100
    articles write dozens of files; within a year's file, 8,192-row row groups sorted by date let a
    reader skip what a date range does not need."""
    return dates.dt.strftime("%Y").fillna(UNDATED).astype(str)


def iso_or_none(value: object) -> str | None:
    return None if value is None or pd.isna(value) else pd.Timestamp(value).isoformat()


def write_parts(root: Path, events: pd.DataFrame, gen: int, suffix: str = "") -> list[dict]:
    """The events as base parts of generation `gen`, one per year, each sorted by date."""
    events = S.coerce_events(events)
    part = partition_of(events[S.EVENT_DATE])
    order = (
        pd.DataFrame({"p": part, "d": events[S.EVENT_DATE]})
        .sort_values(["p", "d"], kind="stable", na_position="last")
        .index
    )
    events, part = events.loc[order].reset_index(drop=True), part.loc[order].reset_index(drop=True)
    table = pa.Table.from_pandas(events, preserve_index=False)  # once: a conversion per part costs more
    entries = []
    bounds = np.flatnonzero(np.r_[True, part.to_numpy()[1:] != part.to_numpy()[:-1], True])
    for lo, hi in zip(bounds[:-1], bounds[1:], strict=True):
        rel = f"events/{part.iloc[lo]}/part-{gen:06d}{suffix}.parquet"
        write_table(root, rel, table.slice(lo, hi - lo))
        dates = events[S.EVENT_DATE].iloc[lo:hi]
        entries.append(
            {"path": rel, "rows": int(hi - lo), "min": iso_or_none(dates.min()), "max": iso_or_none(dates.max())}
        )
    return entries


def part_overlaps(entry: dict, lo: pd.Timestamp | None, hi: pd.Timestamp | None) -> bool:
    """Whether a base part can hold dates in [lo, hi] (unknown bounds: it can)."""
    if lo is None and hi is None:
        return True
    if entry.get("min") is None or entry.get("max") is None:
        return (
            entry.get("min") is None and entry.get("max") is None and not entry["path"].startswith(f"events/{UNDATED}/")
        )
    return not (
        (hi is not None and pd.Timestamp(entry["min"]) > hi) or (lo is not None and pd.Timestamp(entry["max"]) < lo)
    )


def dataset(root: Path, rels: list[str], dictionary: tuple[str, ...] = ()) -> ds.Dataset:
    fmt = ds.ParquetFileFormat(read_options=ds.ParquetReadOptions(dictionary_columns=list(dictionary)))
    return ds.dataset([str(root / r) for r in rels], format=fmt)


def read_files(
    root: Path,
    rels: list[str],
    what: str,
    columns: list[str] | None = None,
    filter: ds.Expression | None = None,
    dictionary: tuple[str, ...] = (),
) -> pa.Table | None:
    """The rows of these files (None when there are none), as one table; a missing or corrupt file
    is a StoreError naming it."""
    if not rels:
        return None
    try:
        return dataset(root, rels, dictionary).to_table(columns=columns, filter=filter)
    except (OSError, pa.ArrowException) as err:
        names = ", ".join(str(root / r) for r in rels[:3]) + (" ..." if len(rels) > 3 else "")
        raise StoreError(f"{names}: cannot read {what} ({err})") from err


def latest_rows(table: pa.Table) -> pa.Table:
    """One row per event_id, the last one (the overlays are read oldest first)."""
    ids = table[S.EVENT_ID].to_numpy(zero_copy_only=False)
    _, first_from_end = np.unique(ids[::-1], return_index=True)
    keep = np.sort(len(ids) - 1 - first_from_end)
    return table.take(pa.array(keep, type=pa.int64()))


def overlay_onto(base: pa.Table, over: pa.Table, in_place: bool) -> pa.Table:
    """`base` with each row an overlay row has the event_id of replaced by it. In place keeps the
    base's row order (a whole-table read); otherwise the replaced rows are dropped and the overlay
    rows, which a filter already chose, are added at the end."""
    over = over.select(base.column_names)
    pos = pa.compute.index_in(base[S.EVENT_ID], value_set=over[S.EVENT_ID])
    hit = pos.is_valid().to_numpy(zero_copy_only=False)
    if not in_place:
        kept = base.filter(pa.array(~hit))
        return pa.concat_tables([kept, over.cast(kept.schema)], promote_options="permissive")
    if not hit.any():
        return base
    idx = np.arange(base.num_rows, dtype=np.int64)
    idx[hit] = base.num_rows + pos.to_numpy(zero_copy_only=False)[hit].astype(np.int64)
    both = pa.concat_tables([base, over.cast(base.schema)], promote_options="permissive").unify_dictionaries()
    return both.take(pa.array(idx))


def latest_patches(root: Path, overlays: list[str]) -> pa.Table | None:
    """Per event whose latest overlay row is a patch, that row (PATCH_COLUMNS); None when the
    generation has no patches. `overlays`: the generation's overlay files, oldest first."""
    if not any(is_patch(p) for p in overlays):
        return None
    tables = []
    for rel in overlays:
        t = read_files(root, [rel], "overlays", PATCH_COLUMNS)
        if t is not None:
            t = t.select(PATCH_COLUMNS).cast(_patch_schema(t.schema))
            tables.append(t.append_column("_patch", pa.array(np.full(t.num_rows, is_patch(rel)))))
    if not tables:
        return None
    latest = latest_rows(pa.concat_tables(tables, promote_options="permissive"))
    return latest.filter(latest["_patch"]).drop_columns(["_patch"])


def _patch_schema(schema: pa.Schema) -> pa.Schema:
    # Dictionary-encoded columns (none written today) read as their values, so files concatenate.
    return pa.schema([f.with_type(f.type.value_type) if pa.types.is_dictionary(f.type) else f for f in schema])


def latest_places(root: Path, overlays: list[str]) -> pa.Table | None:
    """Per event whose latest row among the whole-row overlays and a correction's patches is such a
    patch, its event_id and PLACE_COLUMNS; None when the generation has no correction's patch."""
    if not any(is_place_patch(p) for p in overlays):
        return None
    cols = [S.EVENT_ID, *PLACE_COLUMNS]
    tables = []
    for rel in overlays:
        if is_patch(rel) and not is_place_patch(rel):
            continue
        t = read_files(root, [rel], "overlays", cols)
        if t is not None:
            t = t.select(cols).cast(_patch_schema(t.schema))
            tables.append(t.append_column("_place", pa.array(np.full(t.num_rows, is_place_patch(rel)))))
    latest = latest_rows(pa.concat_tables(tables, promote_options="permissive"))
    return latest.filter(latest["_place"]).drop_columns(["_place"])


def apply_patches(table: pa.Table, patches: pa.Table | None, columns: list[str] = CLUSTER_COLUMNS) -> pa.Table:
    """`table` (effective rows before patches) with the cluster columns (or other `columns`: the
    places of latest_places) of each row a patch row has the event_id of taken from it (the
    columns `table` has of them)."""
    cols = [c for c in columns if c in table.column_names]
    if patches is None or not patches.num_rows or not cols or not table.num_rows:
        return table
    pos = pc.index_in(table[S.EVENT_ID], value_set=patches[S.EVENT_ID])
    hit = pos.is_valid()
    if not pc.any(hit).as_py():
        return table
    at = pc.fill_null(pos, 0)
    for c in cols:
        col = table[c]
        if pa.types.is_dictionary(col.type):
            col = col.cast(col.type.value_type)
        new = pc.if_else(hit, patches[c].take(at).cast(col.type), col)
        table = table.set_column(table.column_names.index(c), c, new)
    return table


def referenced(manifest: dict) -> set[str]:
    """The files a generation names: its parts, and beside a whole rollup part its sums (`sums`)
    and the dashboard's held tables (`held`: store_held)."""
    entries = [e for kind in ("events", "overlays", "articles", "rollup") for e in manifest.get(kind) or []]
    held = {p for e in entries for p in ((e.get("held") or {}).get("files") or {}).values()}
    return {e["path"] for e in entries} | {p for e in entries for p in (e.get("sums") or {}).values()} | held


def clean(root: Path, manifest: dict, previous: dict | None = None) -> None:
    """Delete the files neither the new manifest nor the `previous` one names (older generations,
    crashed writes): the previous generation stays until the next write, for readers. Only the
    store's own: files in its data folders, and in its folder itself its temporaries and format 1's
    parts (store_checks); a folder given as a store by mistake lost every Parquet file in it."""
    keep = referenced(manifest) | referenced(previous or {})
    top = str(root)
    try:
        at_top = [n for n in os.listdir(top) if C.OWN_TEMPORARY.fullmatch(n) or C.LEGACY_PART.fullmatch(n)]
    except OSError:
        at_top = []
    for name in at_top:
        if name not in keep:
            Path(top, name).unlink(missing_ok=True)
    for sub in C.DATA_FOLDERS:
        _clean_folder(top, sub, keep)


def _clean_folder(top: str, sub: str, keep: set[str]) -> None:
    """clean() in the data folder `sub`: its files no manifest names, and its emptied subfolders."""
    # One walk of the folders by os.scandir (os.walk), names compared as text: Path.rglob made a
    # path object of each of the ~1,200 files of a 500-part store twice (~0.01 CPU s a write).
    for folder, _, names in os.walk(os.path.join(top, sub), topdown=False):
        rel = os.path.relpath(folder, top).replace(os.sep, "/")
        for name in names:
            if name.endswith((".parquet", ".arrow", ".tmp")) and f"{rel}/{name}" not in keep:
                Path(folder, name).unlink(missing_ok=True)  # .arrow: the word index's mapped files
        if rel != sub:
            try:
                os.rmdir(folder)  # only when empty: a folder with files raises, and stays
            except OSError:
                pass
