"""The events store: an append-only, partitioned Parquet dataset with an atomically replaced manifest.

An ingest writes new part files (its events by year, its articles) and the overlay rows of the
stored events its merge changed, then a new manifest generation; it never reads or rewrites what is
stored beyond the few rows its new events can be merged with (dashboard/merge.py: the same class,
day and place), and of those only the columns the merge reads; the cluster columns it changes in
them are written as a patch (a narrow overlay). A correction writes the moved rows' places (and
what the merge reads of them) as a patch of its own, read by toponym from the merge's index.
`compact` folds the overlays into the base parts and the many small parts of a year into one.
Writers hold an exclusive lock on `store.lock` (one writer at a time: an ingest, a correction, a
compaction or a synthetic store; the one that waits says for whom), and write into it who holds it.
A reader takes the generation the manifest names and, should writes remove its files in between,
reads the new one: the previous generation's files are kept until the next write, so a reader never
sees half of one or a missing file.

This module is what callers use (`EventsStore`); each question it asks is answered beside it:
- store_files.py: the layout, the manifest and the part files (crash safety);
- store_read.py: what one generation holds (the effective events, the articles, SQL over them);
- store_merge.py: the stored rows a write's merge must see, and the merge (`merge_in`);
- store_commit.py: the write step, generation m + 1 swapped in (`commit`);
- store_lock.py: who may write now;
- store_compact.py: compaction.
"""

from __future__ import annotations

import json
import sqlite3
import sys
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager
from dataclasses import asdict
from pathlib import Path
from typing import Any, TypeVar

import pandas as pd
import pyarrow as pa
import pyarrow.dataset as ds

from dashboard import schema as S
from dashboard import (
    store_commit,
    store_index,
    store_index_build,
    store_index_named,
    store_lock,
    store_merge,
    store_read,
)
from dashboard import store_files as F
from dashboard.errors import StoreError
from dashboard.ingest.article import Article
from dashboard.merge import merge_keys, merge_reports
from dashboard.store_lock import StoreBusy as StoreBusy  # raised by writes; importable from here
from dashboard.store_merge import merge_in

T = TypeVar("T")
MANIFEST = F.MANIFEST
FORMAT_VERSION = F.FORMAT_VERSION
READ_ATTEMPTS = 5  # a reader outpaced by this many writes in a row gives up with a StoreError


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
        self._seen: tuple[tuple[int, int, int], dict] | None = None  # current(): the file's identity, its manifest
        self.on_wait = on_wait

    # -- reading ----------------------------------------------------------------------------

    def exists(self) -> bool:
        return (self.root / MANIFEST).is_file()

    def manifest(self) -> dict:
        return F.read_manifest(self.root)

    def current(self) -> dict:
        """The manifest, for readers only (the dict is shared: never change it), read again only when
        its file changed. The dashboard asks for it on every query (~20 an answer), and reading and
        checking the manifest of a store of 500 parts took ~0.5 ms each time, ~10 ms of a 100 ms
        answer at ten million events. A write replaces the file (os.replace), so its inode, size or
        time moves; a file replaced between the stat and the read is read again on the next call."""
        try:
            st = (self.root / F.MANIFEST).stat()
        except OSError:  # none yet, or not a file: read_manifest says which
            return self.manifest()
        key = (st.st_ino, st.st_size, st.st_mtime_ns)
        seen = self._seen
        if seen is not None and seen[0] == key:
            return seen[1]
        m = self.manifest()
        self._seen = (key, m)
        return m

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

    def load_events(self, columns: list[str] | None = None) -> pd.DataFrame:
        table = self._read(lambda m: store_read.events(self.root, m, columns) if m["generation"] else None)
        if table is None:
            return S.empty_events() if columns is None else S.empty_events()[columns]
        df = table.to_pandas()
        return S.coerce_events(df) if columns is None else df[columns]

    def load_events_table(self, dictionary: tuple[str, ...] = (), columns: list[str] | None = None) -> pa.Table | None:
        """The events as an Arrow table (None for an empty store): no pandas objects, so a million rows
        stay compact. Columns named in `dictionary` are read dictionary-encoded (few distinct values);
        `columns` reads only those (and event_id, which the overlays are matched by)."""
        return self._read(
            lambda m: (
                store_read.events(self.root, m, columns=columns, dictionary=dictionary) if m["generation"] else None
            )
        )

    def load_articles(self) -> pd.DataFrame:
        table = self._read(lambda m: store_read.articles(self.root, m))
        return pd.DataFrame(columns=list(S.ARTICLE_COLUMNS)) if table is None else table.to_pandas()

    def load_article(self, article_id: str) -> dict | None:
        """One article's row (title, text, ...) or None; reads only the matching rows' data."""
        table = self._read(lambda m: store_read.articles(self.root, m, filter=ds.field("article_id") == article_id))
        rows = [] if table is None else table.to_pylist()
        return rows[0] if rows else None

    def article_ids(self) -> set[str]:
        table = self._read(lambda m: store_read.articles(self.root, m, columns=["article_id"]))
        return set() if table is None else set(table.column(0).to_pylist())

    # -- writing ----------------------------------------------------------------------------

    def _lock(self) -> AbstractContextManager[None]:
        """The store's write lock (dashboard/store_lock.py), waiting as this store was told to."""
        return store_lock.write_lock(self.root, self.lock_wait_s, self.on_wait)

    def append(self, events: pd.DataFrame, articles: Iterable[Article]) -> tuple[int, int]:
        """Add articles not already stored (by article_id) and their events, merged with the stored
        reports of the same events. Returns (articles, events) added."""
        with self._lock():
            m = self.manifest()
            with store_index.write_scope(self.root, int(m["generation"])):
                articles = list(articles)
                known = store_merge.stored_articles(self.root, m, {a.article_id for a in articles})
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
                rows, changed, rollup, renamed, clusters = store_merge.append_in(self.root, m, events)
                self._commit(
                    m,
                    new=rows,
                    patch=changed,
                    articles=articles_frame(new_articles),
                    rollup=rollup,
                    index_rows=[rows, renamed],
                    index_clusters=clusters,
                )
            return len(new_articles), len(events)

    def patch_events(
        self,
        condition: str,
        params: list,
        transform: Callable[[pd.DataFrame], pd.DataFrame],
        pending: dict | None = None,
        toponym: str | None = None,
        keep: Callable[[pd.DataFrame], pd.Series] | None = None,
    ) -> int:
        """Move the stored rows an SQL `condition` (DuckDB, over the events' columns) matches to
        where transform(rows) puts them (the same rows, their place columns changed), written as a
        correction's patch (their store_merge.PLACED_READS columns: the place, the cluster columns,
        what the merge reads; store_files.is_place_patch): no other row is read or written but those
        the merge must see again. Returns the store's generation (unchanged when nothing matched
        and nothing is pending). `transform` gets and returns those columns only (the others <NA>).

        When every row the condition matches names `toponym` (as corrections compare names), the
        rows are those of `toponym` in the merge's index for which keep(rows) holds (keep: the same
        test as `condition`): read by toponym, not by scanning every part's toponyms and every row
        group that holds one of the rows (5.7 CPU s at ten million events). Without an index (one
        that cannot be opened or built), by `condition` from the parts.

        `pending` (JSON) is recorded in the new manifest, in the same atomic swap: work that must follow
        this write (a correction's override entry), done by `finish_pending` even after a crash."""
        with self._lock():
            m = self.manifest()
            with store_index.write_scope(self.root, int(m["generation"])):
                return self._patch(m, condition, params, transform, pending, toponym, keep)

    def _patch(
        self,
        m: dict,
        condition: str,
        params: list,
        transform: Callable[[pd.DataFrame], pd.DataFrame],
        pending: dict | None,
        toponym: str | None,
        keep: Callable[[pd.DataFrame], pd.Series] | None,
    ) -> int:
        """patch_events under the store's lock, for generation `m`."""
        table, known = (
            self._placed_rows(m, condition, params, toponym, keep) if m["generation"] else (pd.DataFrame(), None)
        )
        if not len(table):
            return self._commit(m, pending=pending) if pending else int(m["generation"])
        before = S.coerce_events(table)
        after = S.coerce_events(transform(before))
        rows, changed, rollup, renamed = merge_in(
            self.root, m, after, set(merge_keys(before).dropna()), replaced=before, known=known
        )
        return self._commit(
            m,
            placed=rows,
            patch=changed,
            pending=pending,
            rollup=rollup,
            index_rows=[rows, renamed],
            index_moved=before,
        )

    def _placed_rows(
        self,
        m: dict,
        condition: str,
        params: list,
        toponym: str | None,
        keep: Callable[[pd.DataFrame], pd.Series] | None,
    ) -> tuple[pd.DataFrame, tuple | None]:
        """patch_events' rows (PLACED_READS columns): by toponym from the index, else from the parts;
        with what the index read of their keys on the way (store_index_named.named_rows), or None."""
        if toponym is not None and keep is not None:
            idx = store_merge.open_or_build_index(self.root, m)
            if idx is not None:
                try:
                    rows, keyed_read = store_index_named.named_rows(idx, toponym)
                    return rows[keep(rows).fillna(False).astype(bool).to_numpy()].reset_index(drop=True), keyed_read
                except sqlite3.Error:
                    pass  # the parts answer below
                finally:
                    idx.close()
        cols = ", ".join(store_merge.PLACED_READS)
        sql = f"SELECT {cols} FROM {{events}} WHERE {condition}"
        return store_read.sql(self.root, m, sql, params, (None, None)), None

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

    def _commit(self, m: dict, **parts: Any) -> int:
        """Write generation m + 1 and swap the manifest (`store_commit.commit`, whose keywords `parts`
        are); returns it. A method so that tests can make a write fail."""
        return store_commit.commit(self.root, m, **parts)

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
            events, arts, digest = store_commit.write_chunks(self.root, chunks, m["generation"] + 1)
            self._commit({**m, "events": events, "articles": arts, "hash": digest}, previous=current, whole_rollup=True)

    def replace_with_files(self, write: Callable[[int], tuple[list[dict], list[dict], str]]) -> None:
        """Replace the whole store with the files write(generation) puts in place in the store's
        layout and returns as (events parts, articles parts, ids hash), then the rollup and the
        manifest (synth_fast writes millions of synthetic events so); atomic like every write."""
        with self._lock():
            current = self.manifest()
            m = {**F.empty_manifest(), "generation": current["generation"]}
            events, arts, digest = write(m["generation"] + 1)
            self._commit({**m, "events": events, "articles": arts, "hash": digest}, previous=current, whole_rollup=True)

    def ensure_index(self) -> bool:
        """Build the merge's index (dashboard/store_index.py) when the current generation has none
        (a store written before it, or after a write that could not keep it), as the next write
        would, and keep the clusters of its larger keys once (store_index_build.fill: as the
        appends that touch them keep them); returns whether it was built. The bench calls it so no
        timed append builds it."""
        with self._lock():
            m = self.manifest()
            gen = int(m["generation"])
            idx = store_index.open_index(self.root, gen)
            built = idx is None and bool(gen)
            if built:
                store_index_build.build(self.root, gen, store_index_build.effective_chunks(self.root, m), m)
                idx = store_index.open_index(self.root, gen)
            if idx is not None:
                try:
                    store_index_build.fill(idx)
                except sqlite3.Error:
                    pass  # a cache: the keys are read from their rows
                finally:
                    idx.close()
            return built

    def compact(self) -> dict:
        """Fold the overlays into the base parts and each year's parts into one file (sorted by
        date), in a new generation swapped in atomically; returns {"files_before", "files_after"}."""
        from dashboard.store_compact import compact

        with self._lock():
            return compact(self, self.manifest())


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
