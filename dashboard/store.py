"""The events store: an append-only, partitioned Parquet dataset with an atomically replaced manifest.

An ingest writes new part files (its events by year, its articles) and the overlay rows of the
stored events its merge changed, then a new manifest generation; it never reads or rewrites what is
stored beyond the few rows its new events can be merged with (dashboard/merge.py: the same class,
day and place). A correction writes the moved rows as an overlay. `compact` folds the overlays into
the base parts and the many small parts of a year into one. Layout and crash safety:
dashboard/store_files.py. Writers hold an exclusive lock on `store.lock` (one writer at a time: an
ingest, a correction, a compaction or a synthetic store; the one that waits says for whom), and write
into it who holds it. A reader takes the generation the manifest names and, should writes remove its
files in between, reads the new one: the previous generation's files are kept until the next write,
so a reader never sees half of one or a missing file.
"""

from __future__ import annotations

import fcntl
import itertools
import json
import os
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path
from typing import IO, TypeVar

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds

from dashboard import rollup as R
from dashboard import schema as S
from dashboard import store_files as F
from dashboard import store_merge
from dashboard.errors import StoreError
from dashboard.ingest.article import Article
from dashboard.merge import CLUSTER_COLUMNS, merge_keys, merge_reports

T = TypeVar("T")
MANIFEST = F.MANIFEST
LOCK = "store.lock"
FORMAT_VERSION = F.FORMAT_VERSION
READ_ATTEMPTS = 5  # a reader outpaced by this many writes in a row gives up with a StoreError


class StoreBusy(StoreError):
    """Another process holds the store's write lock and the caller would not wait (longer)."""


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


class EventsStore:
    def __init__(
        self, root: str | Path, lock_wait_s: float | None = None, on_wait: Callable[[str], None] = _say
    ) -> None:
        """`lock_wait_s`: how long a write waits for another writer (None: as long as it takes, saying
        so through `on_wait` once; the dashboard waits a few seconds, then reports the store busy)."""
        # Absolute, so a process started in another folder (the upload's ingest) finds the same store.
        self.root = Path(root).expanduser().absolute()
        self.lock_wait_s = lock_wait_s
        self.on_wait = on_wait

    # -- reading ----------------------------------------------------------------------------

    def exists(self) -> bool:
        return (self.root / MANIFEST).is_file()

    def manifest(self) -> dict:
        return F.read_manifest(self.root)

    def _read(self, read: Callable[[dict], T]) -> T:
        """read(manifest) for the current generation. When writes removed that generation's files
        in between (two writes: the previous generation's files are kept until the next one), the
        new generation is read instead."""
        for _ in range(READ_ATTEMPTS):
            m = self.manifest()
            try:
                return read(m)
            except StoreError:
                if self.manifest()["generation"] == m["generation"]:
                    raise
        raise StoreError(f"{self.root}: the store changed {READ_ATTEMPTS} times while it was being read")

    def files(self, m: dict | None = None) -> tuple[list[str], list[str]]:
        """(base parts, overlays) of a generation, as paths: what a query engine reads."""
        m = m or self.manifest()
        return ([str(self.root / e["path"]) for e in m["events"]], [str(self.root / e["path"]) for e in m["overlays"]])

    def _events(
        self,
        m: dict,
        columns: list[str] | None = None,
        filter: ds.Expression | None = None,
        dictionary: tuple[str, ...] = (),
        dates: tuple | None = None,
    ) -> pa.Table | None:
        """The generation's effective events: base parts with the overlays applied (the latest row of
        each event_id wins). `dates` (lo, hi) opens only the base parts that can hold them."""
        parts = [e["path"] for e in m["events"] if dates is None or F.part_overlaps(e, *dates)]
        cols = None if columns is None else list(dict.fromkeys([S.EVENT_ID, *columns]))
        base = F.read_files(self.root, parts, "events", cols, filter, dictionary)
        if not m["overlays"]:
            return base
        over = F.read_files(self.root, [e["path"] for e in m["overlays"]], "events", cols, None, dictionary)
        over = F.latest_rows(over)
        if filter is not None:
            over_all_ids = over[S.EVENT_ID]
            over = ds.dataset(over).to_table(filter=filter)
            if base is None:
                return over
            base = base.filter(pc.invert(pc.is_in(base[S.EVENT_ID], value_set=over_all_ids)))
            return F.overlay_onto(base, over, in_place=False)
        return over if base is None else F.overlay_onto(base, over, in_place=True)

    def load_events(self, columns: list[str] | None = None) -> pd.DataFrame:
        table = self._read(lambda m: self._events(m, columns) if m["generation"] else None)
        if table is None:
            return S.empty_events() if columns is None else S.empty_events()[columns]
        df = table.to_pandas()
        return S.coerce_events(df) if columns is None else df[columns]

    def load_events_table(self, dictionary: tuple[str, ...] = (), columns: list[str] | None = None) -> pa.Table | None:
        """The events as an Arrow table (None for an empty store): no pandas objects, so a million rows
        stay compact. Columns named in `dictionary` are read dictionary-encoded (few distinct values);
        `columns` reads only those (and event_id, which the overlays are matched by)."""
        return self._read(
            lambda m: self._events(m, columns=columns, dictionary=dictionary) if m["generation"] else None
        )

    def load_articles(self) -> pd.DataFrame:
        table = self._read(self._articles)
        return pd.DataFrame(columns=list(S.ARTICLE_COLUMNS)) if table is None else table.to_pandas()

    def _articles(
        self, m: dict, columns: list[str] | None = None, filter: ds.Expression | None = None
    ) -> pa.Table | None:
        return F.read_files(self.root, [e["path"] for e in m["articles"]], "articles", columns, filter)

    def load_article(self, article_id: str) -> dict | None:
        """One article's row (title, text, ...) or None; reads only the matching rows' data."""
        table = self._read(lambda m: self._articles(m, filter=ds.field("article_id") == article_id))
        rows = [] if table is None else table.to_pylist()
        return rows[0] if rows else None

    def _stored_articles(self, m: dict, ids: set[str]) -> set[str]:
        """Which of these article ids are stored (the article_id column, filtered while read)."""
        if not ids:
            return set()
        table = self._articles(m, columns=["article_id"], filter=ds.field("article_id").isin(sorted(ids)))
        return set() if table is None else set(table.column(0).to_pylist())

    def article_ids(self) -> set[str]:
        table = self._read(lambda m: self._articles(m, columns=["article_id"]))
        return set() if table is None else set(table.column(0).to_pylist())

    # -- writing ----------------------------------------------------------------------------

    @contextmanager
    def _lock(self) -> Iterator[None]:
        """The store's write lock (an flock, released by the kernel when its holder dies, even by kill -9)."""
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            fh = (self.root / LOCK).open("a+", encoding="utf-8")
        except OSError as err:
            raise StoreError(f"{self.root}: cannot create the store ({err.strerror or err})") from err
        with fh:
            self._acquire(fh)
            try:
                fh.seek(0)
                fh.truncate()
                fh.write(f"pid {os.getpid()} ({' '.join(sys.argv[:2]) or 'python'}) since {time.strftime('%H:%M:%S')}")
                fh.flush()
                yield
            finally:
                fh.truncate(0)
                fcntl.flock(fh, fcntl.LOCK_UN)

    def _acquire(self, fh: IO[str]) -> None:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            holder = (self.root / LOCK).read_text(encoding="utf-8", errors="replace").strip() or "another process"
        if self.lock_wait_s is None:
            self.on_wait(f"conflictmap: {self.root} is being written by {holder}; waiting for it to finish…")
            fcntl.flock(fh, fcntl.LOCK_EX)
            return
        deadline = time.monotonic() + self.lock_wait_s
        while True:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise StoreBusy(f"the store is being written by {holder}; try again when it has finished") from None
                time.sleep(0.05)

    def append(self, events: pd.DataFrame, articles: Iterable[Article]) -> tuple[int, int]:
        """Add articles not already stored (by article_id) and their events, merged with the stored
        reports of the same events. Returns (articles, events) added."""
        with self._lock():
            m = self.manifest()
            articles = list(articles)
            known = self._stored_articles(m, {a.article_id for a in articles})
            new_articles = []
            for a in articles:
                if a.article_id not in known:
                    known.add(a.article_id)
                    new_articles.append(a)
            if not new_articles:
                return 0, 0
            new_ids = {a.article_id for a in new_articles}
            events = S.coerce_events(events)
            events = events[events[S.ARTICLE_ID].isin(new_ids)].drop_duplicates(S.EVENT_ID)
            rows, changed, rollup = self._merge_in(m, events)
            self._commit(m, new=rows, overlay=changed, articles=articles_frame(new_articles), rollup=rollup)
            return len(new_articles), len(events)

    def _sql(self, m: dict, query: str, params: list, dates: tuple, **frames: pd.DataFrame) -> pd.DataFrame:
        """A DuckDB query over {events}: the effective events of the parts that can hold `dates`."""
        import duckdb

        base = [str(self.root / e["path"]) for e in m["events"] if F.part_overlaps(e, *dates)]
        over = [str(self.root / e["path"]) for e in m["overlays"]]
        if not base and not over:
            return pd.DataFrame(columns=[S.EVENT_ID, S.EVENT_DATE])
        try:
            with duckdb.connect() as con:
                for name, frame in frames.items():
                    con.register(name, frame)
                return con.execute(query.replace("{events}", F.events_sql(base, over)), params).df()
        except duckdb.Error as err:
            raise StoreError(f"{self.root}: cannot read events ({err})") from err

    def _merge_in(
        self, m: dict, rows: pd.DataFrame, also: Iterable[str] = (), replaced: pd.DataFrame | None = None
    ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
        """(rows with their cluster columns, stored rows whose cluster columns changed, the rollup's
        delta), for new or moved `rows` merged with the stored rows of their keys (and of the keys in
        `also`: the places moved rows left). `replaced`: the stored versions of moved rows."""
        keys = set(merge_keys(rows).dropna()) | set(also)
        stored = store_merge.candidates(self.root, m, keys, rows[S.EVENT_ID], stored=replaced is not None)
        merged = S.coerce_events(
            merge_reports(
                pd.concat([stored, S.coerce_events(rows)], ignore_index=True) if len(stored) else S.coerce_events(rows)
            )
        )
        old, new = merged.iloc[: len(stored)].reset_index(drop=True), merged.iloc[len(stored) :]
        differs = pd.Series(False, index=old.index)
        for c in CLUSTER_COLUMNS:
            a, b = old[c], stored[c]
            differs |= ~((a == b).fillna(False).astype(bool) | (a.isna() & b.isna()))
        # Every report of each event these rows touch, before and after: the keys' rows (see rollup.py).
        before = stored if replaced is None else pd.concat([stored, S.coerce_events(replaced)], ignore_index=True)
        rollup = R.delta(before, merged) if m.get("rollup") is not None else None
        return new.reset_index(drop=True), old[differs.to_numpy()].reset_index(drop=True), rollup

    def patch_events(
        self,
        condition: str,
        params: list,
        transform: Callable[[pd.DataFrame], pd.DataFrame],
        pending: dict | None = None,
    ) -> int:
        """Replace the stored rows an SQL `condition` (DuckDB, over the events' columns) matches by
        transform(rows) (the same rows, some columns changed; a place moved), as an overlay: no other
        row is read or written but those the merge must see again. Returns the store's generation
        (unchanged when nothing matched and nothing is pending).

        `pending` (JSON) is recorded in the new manifest, in the same atomic swap: work that must follow
        this write (a correction's override entry), done by `finish_pending` even after a crash."""
        with self._lock():
            m = self.manifest()
            table = (
                self._sql(m, f"SELECT * FROM {{events}} WHERE {condition}", params, (None, None))
                if m["generation"]
                else pd.DataFrame()
            )
            if not len(table):
                return self._commit(m, pending=pending) if pending else int(m["generation"])
            before = S.coerce_events(table)
            after = S.coerce_events(transform(before))
            rows, changed, rollup = self._merge_in(m, after, set(merge_keys(before).dropna()), replaced=before)
            overlay = pd.concat([rows, changed], ignore_index=True)
            return self._commit(m, overlay=overlay, pending=pending, rollup=rollup)

    def finish_pending(self, apply: Callable[[dict], None]) -> bool:
        """Run apply(pending) for the work the last write recorded, then drop it from the manifest
        (same generation). Returns whether there was any. Until `apply` succeeds it stays recorded."""
        if "pending" not in self.manifest():
            return False
        with self._lock():
            manifest = self.manifest()
            if "pending" not in manifest:
                return False
            apply(manifest.pop("pending"))
            try:
                F.write_manifest(self.root, manifest)
            except OSError as err:
                raise StoreError(f"{self.root}: cannot update the manifest ({err.strerror or err})") from err
            return True

    def _commit(
        self,
        m: dict,
        new: pd.DataFrame | None = None,
        overlay: pd.DataFrame | None = None,
        articles: pd.DataFrame | None = None,
        pending: dict | None = None,
        previous: dict | None = None,
        rollup: pd.DataFrame | None = None,
        whole_rollup: bool = False,
    ) -> int:
        """Write the new files of generation m + 1 and swap the manifest; returns the generation.
        A pending entry not yet finished is carried on (or replaced by this write's `pending`).
        `previous`: the generation on disk when `m` is not it (a replacement starts from an empty list).
        `rollup`: the rollup's delta for these rows (a write that changes rows without one leaves the
        store without a rollup); `whole_rollup`: compute it anew from the new generation's files."""
        gen = int(m["generation"]) + 1
        out = {**F.empty_manifest(), **{k: m[k] for k in ("events", "overlays", "articles", "hash")}}
        if pending or "pending" in m:
            out["pending"] = pending or m["pending"]
        out["events"], out["overlays"], out["articles"] = list(m["events"]), list(m["overlays"]), list(m["articles"])
        out["rollup"] = None if m.get("rollup") is None else list(m["rollup"])
        if ((new is not None and len(new)) or (overlay is not None and len(overlay))) and rollup is None:
            out["rollup"] = None
        try:
            if new is not None and len(new):
                out["events"] += F.write_parts(self.root, new, gen)
                out["hash"] = F.ids_hash(m["hash"], new[S.EVENT_ID].astype(str))
            if overlay is not None and len(overlay):
                rel = f"overlays/part-{gen:06d}.parquet"
                F.write_table(self.root, rel, pa.Table.from_pandas(S.coerce_events(overlay), preserve_index=False))
                out["overlays"].append({"path": rel, "rows": len(overlay)})
            if articles is not None:
                rel = f"articles/part-{gen:06d}.parquet"
                F.write_table(self.root, rel, pa.Table.from_pandas(articles, preserve_index=False))
                out["articles"].append({"path": rel, "rows": len(articles)})
            if whole_rollup:
                out["rollup"] = [F.write_whole_rollup(self.root, gen, out)]
            elif (
                out["rollup"] is not None
                and rollup is not None
                and (len(rollup) or not rollup.attrs.get("same_place", True))
            ):
                # A part even with no sums when the write left an event over two places: it says so.
                rel = f"rollup/part-{gen:06d}.parquet"
                F.write_table(self.root, rel, R.as_table(rollup))
                out["rollup"].append(
                    {"path": rel, "rows": len(rollup), "same_place": bool(rollup.attrs.get("same_place", False))}
                )
            out.update(
                generation=gen,
                n_events=sum(int(e["rows"]) for e in out["events"]),
                n_articles=_count_articles(m, out, articles),
            )
            F.write_manifest(self.root, out)
        except (OSError, pa.ArrowException) as err:
            raise StoreError(f"{self.root}: write failed, previous data kept ({err})") from err
        F.clean(self.root, out, previous=previous or m)
        return gen

    def rewrite_events(self, transform: Callable[[pd.DataFrame], pd.DataFrame]) -> int:
        """Replace the whole events table by transform(events), merged again, keeping the articles
        (their files are named again, not copied). A full rewrite: corrections use patch_events."""
        with self._lock():
            m = self.manifest()
            events = S.coerce_events(merge_reports(S.coerce_events(transform(self.load_events()))))
            return self._replace(m, events)

    def replace_events(self, events: pd.DataFrame) -> None:
        """Swap the whole events table, keeping the articles."""
        with self._lock():
            self._replace(self.manifest(), S.coerce_events(events))

    def _replace(self, m: dict, events: pd.DataFrame) -> int:
        base = {**m, "events": [], "overlays": [], "hash": ""}
        return (
            self._commit(base, new=events, previous=m, whole_rollup=True)
            if len(events)
            else self._commit({**base, "rollup": []}, previous=m)
        )

    def replace_with_chunks(self, chunks: Iterable[tuple[pd.DataFrame, pd.DataFrame]]) -> None:
        """Replace the whole store with (events, articles) chunks written one at a time, so a large
        store (synthetic millions of events) is written in bounded memory; atomic like every write."""
        with self._lock():
            current = self.manifest()
            m = {**F.empty_manifest(), "generation": current["generation"]}
            gen = m["generation"] + 1
            events, arts, ids = [], [], []
            try:
                for no, (ev, ar) in enumerate(itertools.chain(chunks)):
                    events += F.write_parts(self.root, ev, gen, f"-{no:04d}")
                    rel = f"articles/part-{gen:06d}-{no:04d}.parquet"
                    F.write_table(self.root, rel, pa.Table.from_pandas(ar, preserve_index=False))
                    arts.append({"path": rel, "rows": len(ar)})
                    ids.extend(ev[S.EVENT_ID].astype(str))
            except (OSError, pa.ArrowException) as err:
                raise StoreError(f"{self.root}: write failed, previous data kept ({err})") from err
            self._commit(
                {**m, "events": events, "articles": arts, "hash": F.ids_hash("", ids)},
                previous=current,
                whole_rollup=True,
            )

    def replace_with_files(self, write: Callable[[int], tuple[list[dict], list[dict], str]]) -> None:
        """Replace the whole store with the files write(generation) puts in place in the store's
        layout and returns as (events parts, articles parts, ids hash), then the rollup and the
        manifest (synth_fast writes millions of synthetic events so); atomic like every write."""
        with self._lock():
            current = self.manifest()
            m = {**F.empty_manifest(), "generation": current["generation"]}
            events, arts, digest = write(m["generation"] + 1)
            self._commit({**m, "events": events, "articles": arts, "hash": digest}, previous=current, whole_rollup=True)

    def compact(self) -> dict:
        """Fold the overlays into the base parts and each year's parts into one file (sorted by
        date), in a new generation swapped in atomically; returns {"files_before", "files_after"}."""
        from dashboard.store_compact import compact

        with self._lock():
            return compact(self, self.manifest())


def _count_articles(m: dict, out: dict, added: pd.DataFrame | None) -> int:
    # A format-1 store's articles file has no row count in the manifest: count on from its total.
    if all("rows" in e for e in out["articles"]):
        return sum(int(e["rows"]) for e in out["articles"])
    return int(m["n_articles"]) + (len(added) if added is not None else 0)


def articles_frame(articles: Iterable[Article]) -> pd.DataFrame:
    rows = []
    for a in articles:
        d = asdict(a)
        d["extra"] = json.dumps(a.extra, ensure_ascii=False)
        rows.append({k: d.get(k) for k in S.ARTICLE_COLUMNS})
    df = pd.DataFrame(rows, columns=list(S.ARTICLE_COLUMNS))
    df["published"] = pd.to_datetime(df["published"], errors="coerce").astype("datetime64[ns]")
    df["published_inferred"] = df["published_inferred"].astype("boolean")
    return df
