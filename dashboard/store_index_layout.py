"""The merge index's file (dashboard/store_index.py): its tables, how a connection to it is opened,
and an index of an older layout carried to this one (layouts 3, 4 and 5; see store_index's notes)."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

INDEX = "merge-index.sqlite"
# The layout of the index's tables and of its packed rows; an index of another layout is stale (an
# index written before `meta` existed has layout 1; layout 2 had no rows by toponym, `named`; layout 3,
# carried to this one when opened, held the values in tables clustered by key; layout 4, carried too,
# held one whole value per key; layout 5, carried too, held no gone line).
LAYOUT = 6
WAL_PAGES = 20_000  # pages (80 MB) the write-ahead log may hold before it is folded into the file
# The place part of a merge key ("class|day|place", the day ten characters: merge.merge_keys), by
# which the values by key are indexed before the key itself (layout 6; place_of in Python).
PLACE_SQL = "substr(k, instr(k, '|') + 12)"


def place_of(key: str) -> str:
    """PLACE_SQL of `key` (SQLite's instr is 0 and Python's find -1 for a key without '|': the same
    start)."""
    return key[key.find("|") + 12 :]


def connect(path: Path) -> sqlite3.Connection:
    # Write-ahead log, synced at checkpoints only: a transaction killed half-way is not seen on the
    # next open, and one lost with the machine's power leaves the index stale (its generation not
    # in `writes`), not wrong. A synced rollback journal cost 0.15 s of a write at 1M events.
    con = sqlite3.connect(path)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=NORMAL")
    con.execute(f"PRAGMA wal_autocheckpoint={WAL_PAGES}")
    return con


def create(con: sqlite3.Connection) -> None:
    """The index's tables in `con`, with the index of the values by key (`index_keyed`)."""
    with con:
        # A key's value per generation that changed it, found by place and key (index_keyed). The
        # values lie in an ordinary table, in the order written, not in a table clustered by key (layout 3,
        # WITHOUT ROWID): there a B-tree's parent pages hold copies of whole rows, and a value of a
        # few kB (its overflow pages too) was copied at each split. Writing 300 small values by
        # toponym beside values of up to 26 MB took 0.25-0.37 CPU s at ten million events, 0.002 so.
        # `whole`: the value holds all the key's rows, superseding those before it (layouts 5 and 6);
        # one that does not holds the rows a write added (the column comes last: upgrade_4 adds it).
        # `clusters`: the key's stored clusters after this value, as an append needs them
        # (dashboard/merge_clusters.py), when the write that wrote the value kept them (else NULL).
        con.execute(
            "CREATE TABLE IF NOT EXISTS keyed (k TEXT NOT NULL, gen INTEGER NOT NULL, data BLOB NOT NULL, "
            "whole INTEGER NOT NULL DEFAULT 1, clusters BLOB)"
        )
        index_keyed(con)
        # Per toponym (name_key), the rows that name it (store_merge.PLACED_READS, one line each):
        # a value per write that added rows to it, `whole` when it holds all of them (a build's, or a
        # correction's that moved some), superseding the values before it.
        con.execute(
            "CREATE TABLE IF NOT EXISTS named (name TEXT NOT NULL, gen INTEGER NOT NULL, whole INTEGER NOT NULL, "
            "data BLOB NOT NULL)"
        )
        con.execute("CREATE UNIQUE INDEX IF NOT EXISTS named_at ON named (name, gen)")
        con.execute("CREATE TABLE IF NOT EXISTS writes (gen INTEGER PRIMARY KEY)")
        # The stored article ids, each with the generation that added it: an ingest asks which of its
        # articles are stored, and reading every articles part's ids for that grew with the store
        # (0.13-0.2 CPU s of an append at ten million events, 0.013 s at a million).
        con.execute(
            "CREATE TABLE IF NOT EXISTS articles (article_id TEXT PRIMARY KEY, gen INTEGER NOT NULL) WITHOUT ROWID"
        )
        con.execute("CREATE TABLE IF NOT EXISTS meta (layout INTEGER NOT NULL)")
        if con.execute("SELECT count(*) FROM meta").fetchone() == (0,):
            con.execute("INSERT INTO meta VALUES (?)", (LAYOUT,))


def index_keyed(con: sqlite3.Connection) -> None:
    """The index of the values by key: by the key's place first (PLACE_SQL; layout 6). The keys a
    correction touches are those of two places (where its rows were, where they go) over many days
    and classes: indexed by key they lay one to a page over the whole index, so a correction at ten
    million events changed ~3,800 of its pages (15 MB of the write-ahead log, which SQLite then
    copies into the file and syncs on close); by place they lie together. The key comes next, so
    that (place, key, gen) is unique as (key, gen) is (the place is a function of the key)."""
    con.execute(f"CREATE UNIQUE INDEX IF NOT EXISTS keyed_by_place ON keyed ({PLACE_SQL}, k, gen)")


def upgrade_3(path: Path) -> None:
    """An index of layout 3 carried to this one: its tables copied, in key order, into a new file
    renamed into place (its tables' rows are this layout's; a crash before the rename leaves the old
    file as it was). A copy, not a build from the parts: 14 s wall, 5.6 CPU s at ten million events
    (1.93 GB), where a build took 15 minutes."""
    tmp = path.with_name(INDEX + ".upgrade.tmp")
    tmp.unlink(missing_ok=True)
    con = sqlite3.connect(tmp)
    con.execute("PRAGMA journal_mode=OFF")  # renamed into place when done
    con.execute("PRAGMA synchronous=OFF")
    create(con)
    con.execute("ATTACH DATABASE ? AS old", (str(path),))
    with con:
        for table in ("keyed", "named", "articles", "writes"):
            order = {"keyed": " ORDER BY k, gen", "named": " ORDER BY name, gen"}.get(table, "")
            # Layout 3's values by key were whole (one per key and generation).
            into, cols = ("(k, gen, data, whole)", "k, gen, data, 1") if table == "keyed" else ("", "*")
            con.execute(f"INSERT INTO main.{table} {into} SELECT {cols} FROM old.{table}{order}")
    con.execute("DETACH DATABASE old")
    con.close()
    replace(tmp, path)


def upgrade_4(con: sqlite3.Connection) -> None:
    """An index of layout 4 carried to this one in place: its values by key (one per key and
    generation, each all the key's rows) are whole ones. One transaction: a crash leaves layout 4."""
    with con:
        con.execute("ALTER TABLE keyed ADD COLUMN whole INTEGER NOT NULL DEFAULT 1")
        con.execute("UPDATE meta SET layout = 5")  # then carried to layout 6 (_upgrade_5)


def upgrade_5(con: sqlite3.Connection) -> None:
    """An index of layout 5 carried to this one in place: its values by key indexed by place
    (`index_keyed`) instead of by key; its values are this layout's (it holds no gone line, which
    code of layout 5 would read as a row). One transaction: a crash leaves layout 5. It sorts every
    value's key once: 3.2 s wall, 2.4 CPU s at ten million events, once."""
    with con:
        con.execute("BEGIN")  # Python's sqlite3 opens none before CREATE or DROP by itself
        index_keyed(con)
        con.execute("DROP INDEX IF EXISTS keyed_at")
        con.execute("UPDATE meta SET layout = ?", (LAYOUT,))


def replace(tmp: Path, path: Path) -> None:
    """The index file `path` replaced by the finished `tmp` (synced first)."""
    fd = os.open(tmp, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
    _settle(path)
    os.replace(tmp, path)


def _settle(path: Path) -> None:
    """Before the index file is replaced: fold its write-ahead log in (SQLite does on the last
    close) and drop what is left of it, which SQLite would otherwise apply to the new file."""
    if path.is_file():
        try:
            con = connect(path)
            con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            con.close()
        except sqlite3.Error:
            pass  # unreadable: replaced below all the same
    for suffix in ("-wal", "-shm", "-journal"):
        Path(str(path) + suffix).unlink(missing_ok=True)


def carried(con: sqlite3.Connection, path: Path) -> sqlite3.Connection:
    """A connection to the index at `path` carried to this layout from layout 3 (copied: `upgrade_3`),
    4 (a column added: `upgrade_4`) or 5 (`upgrade_5`); `con` as it is otherwise."""
    if has_tables(con) and layout(con) == 3:
        con.close()
        upgrade_3(path)
        return connect(path)
    if has_tables(con) and layout(con) == 4:
        upgrade_4(con)
    if has_tables(con) and layout(con) == 5:
        upgrade_5(con)
    if has_tables(con) and layout(con) == LAYOUT:
        with_clusters(con)
    return con


def with_clusters(con: sqlite3.Connection) -> None:
    """The `clusters` column added to an index written before it (its values have none: their keys
    are read from their rows until an append writes them). The layout is the same: code before it
    writes values without clusters, which this code reads from their rows."""
    if not any(r[1] == "clusters" for r in con.execute("PRAGMA table_info(keyed)")):
        with con:
            con.execute("ALTER TABLE keyed ADD COLUMN clusters BLOB")


def has_tables(con: sqlite3.Connection) -> bool:
    """Whether the index has the tables of layouts 3 and after."""
    got = con.execute("SELECT count(*) FROM sqlite_master WHERE name IN ('keyed', 'writes', 'named', 'articles')")
    return got.fetchone() == (4,)


def layout(con: sqlite3.Connection) -> int:
    if con.execute("SELECT 1 FROM sqlite_master WHERE name = 'meta'").fetchone() is None:
        return 1
    got = con.execute("SELECT max(layout) FROM meta").fetchone()
    return int(got[0]) if got and got[0] is not None else 0
