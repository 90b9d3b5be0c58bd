"""The write step every store write ends with: the new files of generation m + 1, then the manifest
that names them, swapped in atomically (dashboard/store_files.py), then the files no generation
needs any more removed. Until the swap the current generation is untouched, so a write that fails
or is killed at any point leaves it whole; the previous generation's files are kept until the next
write, so a reader between two writes never finds one missing.

The steps, in the order their files are written (tests/test_store_crash.py kills a writer at each):
the manifest to come (`next_manifest`), the new base parts, the overlay, a correction's patch, the
patch and the articles (`write_rows`), the rollup's part (`write_rollup`), the merge's index (its key values of
this generation, or built anew: `store_index.keep`), the manifest, the clean-up."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pandas as pd
import pyarrow as pa

from dashboard import rollup as R
from dashboard import schema as S
from dashboard import store_checks as C
from dashboard import store_files as F
from dashboard import store_index_build
from dashboard import store_sql as Q
from dashboard.errors import StoreError
from dashboard.store_index_lines import Lines
from dashboard.store_merge import PLACED_READS


def commit(
    root: Path,
    m: dict,
    new: pd.DataFrame | None = None,
    overlay: pd.DataFrame | None = None,
    articles: pd.DataFrame | None = None,
    pending: dict | None = None,
    previous: dict | None = None,
    rollup: pd.DataFrame | None = None,
    whole_rollup: bool = False,
    patch: pd.DataFrame | None = None,
    index_rows: list[pd.DataFrame | Lines] | None = None,
    index_moved: pd.DataFrame | None = None,
    placed: pd.DataFrame | None = None,
    index_clusters: dict[str, bytes] | None = None,
) -> int:
    """Write the new files of generation m + 1 and swap the manifest; returns the generation.
    A pending entry not yet finished is carried on (or replaced by this write's `pending`).
    `previous`: the generation on disk when `m` is not it (a replacement starts from an empty list).
    `rollup`: the rollup's delta for these rows (a write that changes rows without one leaves the
    store without a rollup); `whole_rollup`: compute it anew from the new generation's files.
    `patch`: stored rows' new cluster columns (F.PATCH_COLUMNS), written as a narrow overlay;
    `placed`: the rows a correction moved, with their new places and cluster columns (their
    store_merge.PLACED_READS columns), written as a correction's patch (F.is_place_patch).
    `index_rows`: the rows this write changes (merge columns, or lines: Lines), for the merge's index
    (dashboard/store_index.py; None: this write does not keep it, and a write that changes no row
    keeps it as it is); `index_moved`: the rows a correction moved, as they were stored (taken out of
    the index values of the keys they left); `index_clusters`: an append's clusters of its keys after
    it, kept with their values (store_merge.append_in)."""
    gen = int(m["generation"]) + 1
    C.check_present(root, F.referenced(m))  # the files the new generation carries on
    rows_change = _has_rows(new) or _has_rows(overlay) or _has_rows(patch) or _has_rows(placed)
    out = next_manifest(m, pending, rows_change=rows_change, delta=rollup is not None)
    try:
        write_rows(root, gen, out, m, new, overlay, articles, patch, placed)
        write_rollup(root, gen, out, rollup, whole_rollup)
        out.update(
            generation=gen,
            n_events=sum(int(e["rows"]) for e in out["events"]),
            n_articles=count_articles(m, out, articles),
        )
        changed = [] if not rows_change else index_rows
        store_index_build.keep(
            root, m, gen, out, whole_rollup, changed, index_moved, [new, placed], index_clusters, articles
        )
        F.write_manifest(root, out)
    except (OSError, pa.ArrowException) as err:
        raise StoreError(f"{root}: write failed, previous data kept ({err})") from err
    F.clean(root, out, previous=previous or m)
    return gen


def _has_rows(frame: pd.DataFrame | None) -> bool:
    return frame is not None and len(frame) > 0


def next_manifest(m: dict, pending: dict | None, rows_change: bool, delta: bool) -> dict:
    """The next generation's manifest before its new files: `m`'s file lists (copies, appended to
    next), its ids hash, the pending entry to carry, and its rollup parts unless rows change without
    a `delta` of the rollup (the store is then without a rollup until one is computed anew)."""
    out = {**F.empty_manifest(), **{k: m[k] for k in ("events", "overlays", "articles", "hash")}}
    if pending or "pending" in m:
        out["pending"] = pending or m["pending"]
    out["events"], out["overlays"], out["articles"] = list(m["events"]), list(m["overlays"]), list(m["articles"])
    out["rollup"] = None if m.get("rollup") is None or (rows_change and not delta) else list(m["rollup"])
    return out


def write_rows(
    root: Path,
    gen: int,
    out: dict,
    m: dict,
    new: pd.DataFrame | None,
    overlay: pd.DataFrame | None,
    articles: pd.DataFrame | None,
    patch: pd.DataFrame | None = None,
    placed: pd.DataFrame | None = None,
) -> None:
    """The new base parts (by year; their ids go into the hash), the overlay, the correction's
    patch, the patch and the articles of generation `gen`, each named in `out` as it is written."""
    if new is not None and len(new):
        out["events"] += F.write_parts(root, new, gen)
        out["hash"] = F.ids_hash(m["hash"], new[S.EVENT_ID].astype(str))
    if overlay is not None and len(overlay):
        rel = f"overlays/part-{gen:06d}.parquet"
        F.write_table(root, rel, pa.Table.from_pandas(S.coerce_events(overlay), preserve_index=False))
        out["overlays"].append({"path": rel, "rows": len(overlay)})
    if placed is not None and len(placed):
        rel = f"overlays/{F.PLACE_PREFIX}{gen:06d}.parquet"
        cols = S.coerce_events(placed, names=tuple(PLACED_READS))
        F.write_table(root, rel, pa.Table.from_pandas(cols, preserve_index=False))
        out["overlays"].append({"path": rel, "rows": len(placed), "patch": True, "place": True})
    if patch is not None and len(patch):
        rel = f"overlays/{F.PATCH_PREFIX}{gen:06d}.parquet"
        cols = S.coerce_events(patch, names=tuple(F.PATCH_COLUMNS))
        F.write_table(root, rel, pa.Table.from_pandas(cols, preserve_index=False))
        out["overlays"].append({"path": rel, "rows": len(patch), "patch": True})
    if articles is not None:
        rel = f"articles/part-{gen:06d}.parquet"
        F.write_table(root, rel, pa.Table.from_pandas(articles, preserve_index=False))
        out["articles"].append({"path": rel, "rows": len(articles)})


def write_rollup(root: Path, gen: int, out: dict, delta: pd.DataFrame | None, whole: bool) -> None:
    """The rollup of generation `gen`: anew from its files (`whole`), or the `delta`'s part added to
    the parts `out` carries (none when it carries no rollup)."""
    if whole:
        out["rollup"] = [Q.write_whole_rollup(root, gen, out)]
    elif out["rollup"] is not None and delta is not None and (len(delta) or not delta.attrs.get("same_place", True)):
        # A part even with no sums when the write left an event over two places: it says so.
        rel = f"rollup/part-{gen:06d}.parquet"
        F.write_table(root, rel, R.as_table(delta))
        out["rollup"].append(
            {"path": rel, "rows": len(delta), "same_place": bool(delta.attrs.get("same_place", False))}
        )


def count_articles(m: dict, out: dict, added: pd.DataFrame | None) -> int:
    # A format-1 store's articles file has no row count in the manifest: count on from its total.
    if all("rows" in e for e in out["articles"]):
        return sum(int(e["rows"]) for e in out["articles"])
    return int(m["n_articles"]) + (len(added) if added is not None else 0)


def write_chunks(root: Path, chunks: Iterable[tuple[pd.DataFrame, pd.DataFrame]], gen: int) -> tuple[list, list, str]:
    """(events parts, articles parts, ids hash) of generation `gen`, written from (events, articles)
    chunks one at a time, so a whole store is written in bounded memory (the manifest comes after)."""
    events, arts, ids = [], [], []
    try:
        for no, (ev, ar) in enumerate(chunks):
            events += F.write_parts(root, ev, gen, f"-{no:04d}")
            rel = f"articles/part-{gen:06d}-{no:04d}.parquet"
            F.write_table(root, rel, pa.Table.from_pandas(ar, preserve_index=False))
            arts.append({"path": rel, "rows": len(ar)})
            ids.extend(ev[S.EVENT_ID].astype(str))
    except (OSError, pa.ArrowException) as err:
        raise StoreError(f"{root}: write failed, previous data kept ({err})") from err
    return events, arts, F.ids_hash("", ids)
