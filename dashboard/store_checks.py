"""What a store's folder must hold before it is read or written, so that a damaged or mistaken one
is refused with its name and the problem, and no write goes on over it.

- The manifest's shape (`check_manifest`): every file list a list of entries whose paths lie
  inside the store, counts that are numbers, a generation SQLite can hold. Without this a manifest
  damaged by hand or by another program gave tracebacks, and one whose entry had lost its path made
  the next write delete the file it had named (store_files.clean: a file no manifest names).
- A folder without a manifest but with the store's data files (`data_files`) is a store that lost
  its manifest, not an empty one: read as empty, its next write named its parts as the lost ones
  were named and wrote over them.
- A write that would start a store in a folder holding other things (`foreign_entries`) is
  refused: `--store ~` by mistake would otherwise mix the store's files with the user's.
- The files the current generation names exist before a write adds to it (`check_present`).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from dashboard.correction_log import LOG
from dashboard.errors import StoreError
from dashboard.overrides import OVERRIDES
from dashboard.store_index_layout import INDEX

DATA_FOLDERS = ("events", "overlays", "articles", "rollup")
FILE_LISTS = ("events", "overlays", "articles")
MAX_GENERATION = 2**62  # SQLite's integers (the merge index keeps generations) are 64-bit
# Format 1's parts lay in the store's folder itself (store_files.read_manifest).
LEGACY_PART = re.compile(r"(events|articles)-\d{6}\.parquet")
# What a store keeps beside its data folders: the manifest, the write lock, the merge index (and
# SQLite's files beside it), the dashboard's upload inbox, the corrections' log and overrides, the
# bench's marker; temporaries (mkstemp's `tmp…` names, the index's builds) and hidden files
# (".synth-stage", ".DS_Store"). The manifest's, the lock's and the inbox's names are their modules'
# (store_files and store_lock import this one; the inbox is the app's): tests/test_store_checks.py
# holds them to those.
OWN_NAMES = frozenset(
    {
        "manifest.json",
        "store.lock",
        "inbox",
        "bench-store.json",
        *(INDEX + suffix for suffix in ("", "-wal", "-shm", "-journal")),
        LOG,
        OVERRIDES,
        *DATA_FOLDERS,
    }
)
OWN_TEMPORARY = re.compile(r"(tmp\w+|merge-index\.sqlite\.\w+)\.(json\.|parquet\.|arrow\.)?tmp")


def inside(path: object) -> bool:
    """Whether a manifest's `path` is a relative path that stays in the store's folder."""
    # String tests, not a PurePosixPath: the server reads the manifest at each request (~640 paths
    # at ten million events).
    if not isinstance(path, str) or not path or path.startswith("/") or "\\" in path or "\x00" in path:
        return False
    parts = path.split("/")
    return ".." not in parts and "" not in parts and ":" not in parts[0]


def check_manifest(path: Path, m: Any) -> None:
    """Raise StoreError naming `path` and the field when the manifest `m` (format 2's shape, as
    store_files.read_manifest gives it) is not one a store writes."""

    def bad(problem: str) -> StoreError:
        return StoreError(f"{path}: damaged store manifest: {problem}; nothing was read or written")

    if m["generation"] > MAX_GENERATION:
        raise bad(f"generation {m['generation']} is out of range")
    for kind in (*FILE_LISTS, "rollup"):
        entries = m.get(kind)
        if kind == "rollup" and entries is None:
            continue
        if not isinstance(entries, list):
            raise bad(f"'{kind}' is not a list")
        _check_entries(kind, entries, bad)


def _check_entries(kind: str, entries: list, bad: Callable[[str], StoreError]) -> None:
    """check_manifest of one file list. The server reads the manifest at each request (~600 entries
    at ten million events): the entries are checked in one pass each, the side files only where a
    rollup part has them."""
    for i, e in enumerate(entries):
        if not isinstance(e, dict) or not inside(e.get("path")):
            raise bad(f"'{kind}' entry {i} has no file path inside the store")
    if kind == "events":
        for i, e in enumerate(entries):
            if type(e.get("rows")) is not int:  # not a bool either
                raise bad(f"'events' entry {i} has no row count")
    if kind == "rollup":
        for i, e in enumerate(entries):
            for name, p in _side_files(e):
                if not inside(p):
                    raise bad(f"'{kind}' entry {i}: its {name} file is not a path inside the store")


def _side_files(entry: dict) -> list[tuple[str, object]]:
    """A rollup part's sums and held tables, (name, path) each (store_files.referenced)."""
    sums, held = entry.get("sums") or {}, entry.get("held") or {}
    files = held.get("files") or {} if isinstance(held, dict) else None
    if not isinstance(sums, dict) or not isinstance(files, dict):
        return [("sums or held", None)]
    return [*sums.items(), *files.items()]


def data_files(root: Path, limit: int = 3) -> list[str]:
    """Up to `limit` of the store's data files in `root` (paths relative to it)."""
    found: list[str] = []
    try:
        found += [n for n in os.listdir(root) if LEGACY_PART.fullmatch(n)][:limit]
    except OSError:
        return []
    for sub in DATA_FOLDERS:
        for folder, _, names in os.walk(root / sub):
            rel = os.path.relpath(folder, root).replace(os.sep, "/")
            found += [f"{rel}/{n}" for n in names if n.endswith(".parquet")]
            if len(found) >= limit:
                return found[:limit]
    return found


def foreign_entries(root: Path) -> list[str]:
    """The entries of `root` that are not the store's own (OWN_NAMES, its temporaries, hidden)."""
    try:
        names = sorted(os.listdir(root))
    except (FileNotFoundError, NotADirectoryError):  # no folder yet: the write makes it, or says why not
        return []
    except OSError as err:
        raise StoreError(f"{root}: cannot list the store's folder ({err.strerror or err})") from err
    return [n for n in names if n not in OWN_NAMES and not n.startswith(".") and not OWN_TEMPORARY.fullmatch(n)]


def check_new_store(root: Path) -> None:
    """Refuse to start a store in a folder that holds other things."""
    foreign = foreign_entries(root)
    if foreign:
        shown = ", ".join(repr(n) for n in foreign[:3]) + (", …" if len(foreign) > 3 else "")
        raise StoreError(
            f"{root}: not a conflictmap store, and the folder is not empty ({len(foreign)} other "
            f"entries: {shown}); nothing was written. Give --store a new or empty folder"
        )


def check_present(root: Path, paths: set[str]) -> None:
    """Refuse a write while files of `paths` (relative to `root`: those the current generation
    names) are missing: the new generation would carry a store that cannot be read. Each folder is
    listed once, not each file asked about: a store of ten million events names ~650 files, whose
    one question each took 4 ms of every append (0.5 so)."""
    listed: dict[str, set[str] | None] = {}
    missing = sorted(p for p in paths if not _present(root, p, listed))
    if missing:
        more = f" (and {len(missing) - 1} more files)" if len(missing) > 1 else ""
        raise StoreError(f"{root}: the store is damaged: {missing[0]} is missing{more}; nothing was written")


def _present(root: Path, rel: str, listed: dict[str, set[str] | None]) -> bool:
    """Whether root/rel is a file, from its folder's listing (kept in `listed`; None: a folder that
    is there but could not be listed, whose files are asked about one by one)."""
    folder, _, name = rel.rpartition("/")
    if folder not in listed:
        try:
            with os.scandir(root / folder) as entries:
                listed[folder] = {e.name for e in entries if e.is_file()}
        except (FileNotFoundError, NotADirectoryError):
            listed[folder] = set()
        except OSError:
            listed[folder] = None
    names = listed[folder]
    return (root / rel).is_file() if names is None else name in names
