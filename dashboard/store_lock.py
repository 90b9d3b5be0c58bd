"""Who may write the store now: one writer at a time (an ingest, a correction, a compaction or a
synthetic store) holds an exclusive flock on `store.lock`, which the kernel releases when its holder
dies, even by kill -9. The holder writes who it is into the file, so a writer that waits says for whom."""

from __future__ import annotations

import fcntl
import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from dashboard import store_checks as C
from dashboard import store_files as F
from dashboard.errors import StoreError

LOCK = "store.lock"


class StoreBusy(StoreError):
    """Another process holds the store's write lock and the caller would not wait (longer)."""


@contextmanager
def write_lock(root: Path, wait_s: float | None, on_wait: Callable[[str], None]) -> Iterator[None]:
    """The store's write lock, held for the `with` block. `wait_s`: how long to wait for another
    writer (None: as long as it takes, saying so through `on_wait` once)."""
    new = not (root / F.MANIFEST).is_file()
    if new:
        C.check_new_store(root)  # before the lock's file: a folder that is not a store gets none
        F.read_manifest(root)  # a manifest that is not a file, or data files without one: refused
    try:
        root.mkdir(parents=True, exist_ok=True)
        fh = (root / LOCK).open("a+", encoding="utf-8")
    except OSError as err:
        raise StoreError(f"{root}: cannot create the store ({err.strerror or err})") from err
    with fh:
        _acquire(root, fh, wait_s, on_wait)
        try:
            if new and not (root / F.MANIFEST).is_file():
                # Generation 0 written before any data file: a store's folder then never holds
                # parts without a manifest, which F.read_manifest refuses as a lost manifest.
                _first_manifest(root)
            fh.seek(0)
            fh.truncate()
            fh.write(f"pid {os.getpid()} ({' '.join(sys.argv[:2]) or 'python'}) since {time.strftime('%H:%M:%S')}")
            fh.flush()
            yield
        finally:
            fh.truncate(0)
            fcntl.flock(fh, fcntl.LOCK_UN)


def _first_manifest(root: Path) -> None:
    try:
        F.write_manifest(root, F.empty_manifest())
    except OSError as err:
        raise StoreError(f"{root}: cannot create the store ({err.strerror or err})") from err


def _acquire(root: Path, fh: IO[str], wait_s: float | None, on_wait: Callable[[str], None]) -> None:
    try:
        fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return
    except BlockingIOError:
        holder = (root / LOCK).read_text(encoding="utf-8", errors="replace").strip() or "another process"
    if wait_s is None:
        on_wait(f"conflictmap: {root} is being written by {holder}; waiting for it to finish…")
        fcntl.flock(fh, fcntl.LOCK_EX)
        return
    deadline = time.monotonic() + wait_s
    while True:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() >= deadline:
                raise StoreBusy(f"the store is being written by {holder}; try again when it has finished") from None
            time.sleep(0.05)
