"""The events store: a directory of Parquet snapshots with an atomically replaced manifest.

Layout: `manifest.json` names the current generation; `events-<gen>.parquet` and
`articles-<gen>.parquet` hold its tables. A write produces a new generation's files first and
only then swaps the manifest (`os.replace`), so a crash at any point leaves the previous
generation readable. Writers hold an exclusive lock on `store.lock` (one writer at a time: an
ingest, a correction or a synthetic store; the one that waits says for whom), and write into it
who holds it. A reader takes the generation the manifest names and, should a write swap the
manifest and remove those files in between, reads the new one: the previous generation's files
are kept until the next write, so a reader never sees half of one or a missing file.
"""

from __future__ import annotations

import fcntl
import hashlib
import itertools
import json
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path
from typing import TypeVar

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from dashboard import schema as S
from dashboard.errors import StoreError
from dashboard.ingest.article import Article
from dashboard.merge import merge_reports, remerge_moved

T = TypeVar("T")
MANIFEST = "manifest.json"
LOCK = "store.lock"
FORMAT_VERSION = 1
READ_ATTEMPTS = 5  # a reader outpaced by this many writes in a row gives up with a StoreError


class StoreBusy(StoreError):
    """Another process holds the store's write lock and the caller would not wait (longer)."""


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


class EventsStore:
    def __init__(self, root: str | Path, lock_wait_s: float | None = None,
                 on_wait: Callable[[str], None] = _say) -> None:
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
        path = self.root / MANIFEST
        if not path.is_file():
            return {"format": FORMAT_VERSION, "generation": 0, "n_events": 0, "n_articles": 0, "hash": ""}
        try:
            m = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as err:
            raise StoreError(f"{path}: unreadable store manifest ({err})") from err
        gen = m.get("generation") if isinstance(m, dict) else None
        if not isinstance(gen, int) or isinstance(gen, bool) or gen < 0:
            raise StoreError(f"{path}: store manifest has no valid 'generation'")
        return m

    def _table_path(self, name: str, gen: int) -> Path:
        return self.root / f"{name}-{gen:06d}.parquet"

    def _read(self, name: str, read: Callable[[Path], T]) -> T | None:
        """read(path of table `name` in the current generation); None for an empty store. When a
        write swapped the manifest and removed that file in between, the new generation is read."""
        for _ in range(READ_ATTEMPTS):
            gen = self.manifest()["generation"]
            if not gen:
                return None
            path = self._table_path(name, gen)
            try:
                return read(path)
            except FileNotFoundError:
                if self.manifest()["generation"] == gen:
                    raise StoreError(f"{path}: cannot read {name} (named by the manifest, missing)") from None
            except (OSError, pa.ArrowException) as err:
                if self.manifest()["generation"] == gen:
                    raise StoreError(f"{path}: cannot read {name} ({err})") from err
        raise StoreError(f"{self.root}: the store changed {READ_ATTEMPTS} times while it was being read")

    def load_events(self, columns: list[str] | None = None) -> pd.DataFrame:
        df = self._read("events", lambda path: pq.read_table(path, columns=columns).to_pandas())
        if df is None:
            return S.empty_events() if columns is None else S.empty_events()[columns]
        return S.coerce_events(df) if columns is None else df

    def load_events_table(self, dictionary: tuple[str, ...] = ()) -> pa.Table | None:
        """The events as an Arrow table (None for an empty store): no pandas objects, so a million rows
        stay compact. Columns named in `dictionary` are read dictionary-encoded (few distinct values)."""
        return self._read("events", lambda path: pq.read_table(path, read_dictionary=list(dictionary) or None))

    def load_articles(self) -> pd.DataFrame:
        df = self._read("articles", lambda path: pq.read_table(path).to_pandas())
        return pd.DataFrame(columns=list(S.ARTICLE_COLUMNS)) if df is None else df

    def load_article(self, article_id: str) -> dict | None:
        """One article's row (title, text, ...) or None; reads only the matching row group data."""
        rows = self._read("articles", lambda path: pq.read_table(
            path, filters=[("article_id", "==", article_id)]).to_pylist())
        return rows[0] if rows else None

    def rewrite_events(self, transform: Callable[[pd.DataFrame], pd.DataFrame], pending: dict | None = None) -> int:
        """Replace the events table by transform(events) under the write lock (so a concurrent
        ingest is never lost), re-merging reports since places may have moved. Returns the new generation.

        `pending` (JSON) is recorded in the new manifest, in the same atomic swap: work that must follow
        this write (a correction's override entry), done by `finish_pending` even after a crash."""
        with self._lock():
            before = self.load_events()
            events = S.coerce_events(remerge_moved(before, S.coerce_events(transform(before))))
            self._write(events, None, {"pending": pending} if pending else None)
            return int(self.manifest()["generation"])

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
                self._write_manifest(manifest)
            except OSError as err:
                raise StoreError(f"{self.root}: cannot update the manifest ({err.strerror or err})") from err
            return True

    def article_ids(self) -> set[str]:
        ids = self._read("articles", lambda path: pq.read_table(path, columns=["article_id"]).column(0).to_pylist())
        return set(ids or ())

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

    def _acquire(self, fh: object) -> None:
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
                    raise StoreBusy(f"the store is being written by {holder}; try again when it has finished") \
                        from None
                time.sleep(0.05)

    def append(self, events: pd.DataFrame, articles: Iterable[Article]) -> tuple[int, int]:
        """Add articles not already stored (by article_id) and their events. Returns (articles, events) added."""
        with self._lock():
            known = self.article_ids()
            new_articles = []
            for a in articles:
                if a.article_id not in known:
                    known.add(a.article_id)
                    new_articles.append(a)
            new_ids = {a.article_id for a in new_articles}
            events = S.coerce_events(events)
            events = events[events[S.ARTICLE_ID].isin(new_ids)]
            if not new_articles:
                return 0, 0
            old_events = self.load_events()
            old_articles = self.load_articles()
            all_events = pd.concat([df for df in (old_events, events) if len(df)], ignore_index=True) \
                if len(old_events) else events
            all_events = S.coerce_events(merge_reports(all_events.drop_duplicates(S.EVENT_ID, keep="first")))
            new_art_df = articles_frame(new_articles)
            all_articles = pd.concat([old_articles, new_art_df], ignore_index=True) if len(old_articles) \
                else new_art_df
            self._write(all_events, all_articles)
            return len(new_articles), len(events)

    def replace_events(self, events: pd.DataFrame) -> None:
        """Swap the whole events table (after a re-resolution), keeping the articles."""
        with self._lock():
            self._write(S.coerce_events(events), self.load_articles())

    def replace_with_chunks(self, chunks: Iterable[tuple[pd.DataFrame, pd.DataFrame]]) -> None:
        """Replace the whole store with (events, articles) chunks streamed to disk one at a time, so a
        large store (a synthetic million events) is written in bounded memory; atomic like every write."""
        with self._lock():
            self._write_chunks(chunks)

    def _write(self, events: pd.DataFrame, articles: pd.DataFrame | None, extra: dict | None = None) -> None:
        """Write a new generation; articles None keeps the current articles table (a hard link to
        the same file, so a rewrite of the events does not read and write every article again)."""
        old = self.manifest()
        gen = int(old["generation"]) + 1
        try:
            for name, df in (("events", events), ("articles", articles)):
                fd, tmp = tempfile.mkstemp(dir=self.root, suffix=".parquet.tmp")
                os.close(fd)
                if df is None and int(old["generation"]):
                    self._keep_table(self._table_path(name, int(old["generation"])), tmp)
                elif df is None:
                    pq.write_table(pa.Table.from_pandas(pd.DataFrame(columns=list(S.ARTICLE_COLUMNS)),
                                                        preserve_index=False), tmp, compression="zstd")
                else:
                    pq.write_table(pa.Table.from_pandas(df, preserve_index=False), tmp, compression="zstd")
                os.replace(tmp, self._table_path(name, gen))
            n_articles = len(articles) if articles is not None else int(old["n_articles"])
            self._swap_manifest(gen, len(events), n_articles, events[S.EVENT_ID].astype(str), extra)
        except (OSError, pa.ArrowException) as err:
            raise StoreError(f"{self.root}: write failed, previous data kept ({err})") from err
        self._clean(gen)

    @staticmethod
    def _keep_table(current: Path, tmp: str) -> None:
        """The current file under the new generation's temporary name: a hard link where the file
        system has them, else a copy."""
        os.unlink(tmp)
        try:
            os.link(current, tmp)
        except OSError:
            shutil.copyfile(current, tmp)

    def _write_chunks(self, chunks: Iterable[tuple[pd.DataFrame, pd.DataFrame]]) -> None:
        gen = int(self.manifest()["generation"]) + 1
        writers: dict[str, pq.ParquetWriter] = {}
        tmps: dict[str, str] = {}
        ids: list[str] = []
        counts = {"events": 0, "articles": 0}
        empty = (S.empty_events(), pd.DataFrame(columns=list(S.ARTICLE_COLUMNS)))
        try:
            for events, articles in itertools.chain(chunks, [empty]):
                if writers and events is empty[0]:
                    break  # the empty pair only stands in when no chunk came: a store always has both files
                for name, df in (("events", S.coerce_events(events)), ("articles", articles)):
                    table = pa.Table.from_pandas(df, preserve_index=False)
                    if name not in writers:
                        fd, tmps[name] = tempfile.mkstemp(dir=self.root, suffix=".parquet.tmp")
                        os.close(fd)
                        writers[name] = pq.ParquetWriter(tmps[name], table.schema, compression="zstd")
                    writers[name].write_table(table.cast(writers[name].schema))
                    counts[name] += len(df)
                ids.extend(events[S.EVENT_ID].astype(str))
            for name, writer in writers.items():
                writer.close()
                os.replace(tmps[name], self._table_path(name, gen))
            self._swap_manifest(gen, counts["events"], counts["articles"], ids)
        except (OSError, pa.ArrowException) as err:
            raise StoreError(f"{self.root}: write failed, previous data kept ({err})") from err
        finally:
            for writer in writers.values():
                if writer.is_open:
                    writer.close()
        self._clean(gen)

    def _swap_manifest(self, gen: int, n_events: int, n_articles: int, event_ids: Iterable[str],
                       extra: dict | None = None) -> None:
        digest = hashlib.sha1(",".join(sorted(event_ids)).encode()).hexdigest()[:12]
        manifest = {"format": FORMAT_VERSION, "generation": gen, "n_events": int(n_events),
                    "n_articles": int(n_articles), "hash": digest, **(extra or {})}
        self._write_manifest(manifest)

    def _write_manifest(self, manifest: dict) -> None:
        """The manifest through a temporary file, fsync and a rename: the commit point of every write."""
        fd, tmp = tempfile.mkstemp(dir=self.root, suffix=".json.tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(manifest, fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, self.root / MANIFEST)

    def _clean(self, gen: int) -> None:
        # The previous generation stays until the next write: a reader that read the old manifest
        # an instant before the swap still finds its files.
        keep = (f"-{gen:06d}.parquet", f"-{gen - 1:06d}.parquet")
        for old in self.root.glob("*.parquet"):
            if not old.name.endswith(keep):
                old.unlink(missing_ok=True)
        for tmp in self.root.glob("*.tmp"):
            tmp.unlink(missing_ok=True)


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
