"""The merge's index (dashboard/store_index.py) and the patches (narrow overlays): a write's
candidates from the index equal those the Parquet parts give; a stale, missing or half-written
index is never used as it is; patches read the same through every reader."""

from __future__ import annotations

import random
import shutil
import sqlite3
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from dashboard import schema as S
from dashboard import store_files as F
from dashboard import store_index as I
from dashboard import store_merge as SM
from dashboard import store_read
from dashboard.ingest.article import Article
from dashboard.merge import merge_keys, merge_reports
from dashboard.store import EventsStore
from dashboard.store_index_lines import gone_tail, rows_of


def _corpus(n: int, seed: int) -> tuple[pd.DataFrame, dict[str, Article]]:
    """Rows crowded onto few days, with many outlets, so that batches join stored events."""
    from dashboard.synth import synthetic_events

    events, _ = synthetic_events(n, seed=seed)
    rng = random.Random(seed)
    events[S.EVENT_DATE] = [pd.Timestamp("2022-03-01") + pd.Timedelta(days=rng.randrange(3)) for _ in range(n)]
    events[S.DATE_PRECISION] = "day"
    events[S.SOURCE] = [f"outlet-{rng.randrange(5)}" for _ in range(n)]
    events[S.ACTOR1] = [rng.choice(["", "army"]) for _ in range(n)]
    events[S.ACTOR2] = ""
    # A text holding the index's separators must come back as it was.
    events.loc[events.index[:3], S.ACTOR1] = "odd\x1factor\x1e\\f"
    arts = {
        a: Article(text=f"text of {a}", title=a, published=date(2022, 3, 2), source="s")
        for a in events[S.ARTICLE_ID].unique()
    }
    events[S.ARTICLE_ID] = events[S.ARTICLE_ID].map(lambda a: arts[a].article_id)
    return S.coerce_events(events), {a.article_id: a for a in arts.values()}


def _compare_candidates(monkeypatch) -> list[int]:
    """Make every write check the index's candidates against the parts' (ids and merge columns)."""
    real = SM.stored_rows
    seen: list[int] = []

    def checked(root, m, keys, exclude, moved, known=None):
        got = real(root, m, keys, exclude, moved, known)
        want = SM.candidates(root, m, keys, exclude, stored=moved)
        a = got[SM.MERGE_READS].set_index(S.EVENT_ID).sort_index()
        b = want[SM.MERGE_READS].set_index(S.EVENT_ID).sort_index()
        pd.testing.assert_frame_equal(a, b)
        seen.append(len(got))
        return got

    monkeypatch.setattr(SM, "stored_rows", checked)
    return seen


def _compare_placed(monkeypatch) -> list[int]:
    """Make every correction (and undo) check the rows it reads by toponym from the index against
    those its SQL condition selects from the parts (their PLACED_READS columns)."""
    real = EventsStore._placed_rows
    seen: list[int] = []

    def checked(self, m, condition, params, toponym, keep):
        got, known = real(self, m, condition, params, toponym, keep)
        want, none = real(self, m, condition, params, None, None)
        assert none is None
        a = S.coerce_events(got)[SM.PLACED_READS].set_index(S.EVENT_ID).sort_index()
        b = S.coerce_events(want)[SM.PLACED_READS].set_index(S.EVENT_ID).sort_index()
        pd.testing.assert_frame_equal(a, b)
        seen.append(len(got))
        return got, known

    monkeypatch.setattr(EventsStore, "_placed_rows", checked)
    return seen


@pytest.mark.parametrize("seed", [1, 2])
def test_the_index_gives_the_candidates_the_parts_give(tmp_path: Path, monkeypatch, seed: int) -> None:
    from dashboard.correction_log import corrections
    from dashboard.corrections import Alternative, save_correction, undo_correction

    seen = _compare_candidates(monkeypatch)
    placed = _compare_placed(monkeypatch)
    events, arts = _corpus(700, seed)
    ids = list(arts)
    random.Random(seed).shuffle(ids)
    store = EventsStore(tmp_path / "s")
    rng = random.Random(seed)
    i = n = 0
    while i < len(ids):
        batch = ids[i : i + rng.randint(3, 12)]
        i += len(batch)
        store.append(events[events[S.ARTICLE_ID].isin(batch)], [arts[a] for a in batch])
        n += 1
        if n % 2 == 0:  # a correction moves rows between keys: their old keys' versions say they left
            stored = store.load_events(columns=[S.TOPONYM, S.EVENT_ID, S.ARTICLE_ID])
            name = stored[S.TOPONYM].value_counts().index[n % 3]
            other = events.iloc[rng.randrange(len(events))]
            place = Alternative(
                name=other[S.LOCATION], lat=float(other[S.LATITUDE]), lon=float(other[S.LONGITUDE]), country="Syria"
            )
            # Each scope in turn, so the rows read by toponym are kept by event and by article too.
            row = stored[stored[S.TOPONYM] == name].iloc[0]
            scope = ("all", "article", "event")[(n // 2) % 3]
            save_correction(
                store,
                name,
                place,
                folder=tmp_path / "gz",
                scope=scope,
                event_id=str(row[S.EVENT_ID]),
                article_id=str(row[S.ARTICLE_ID]),
            )
        if n % 6 == 0:  # the latest correction undone: its events back where they were
            undo_correction(store, corrections(store.root)[0]["id"], folder=tmp_path / "gz")
        if n == 6:
            store.compact()  # carries the index to the compacted generation
    assert sum(seen) > 100, "writes found stored rows to merge with"
    assert n > 6 and len(placed) >= 6 and sum(placed) > 20, "corrections and undos read rows by toponym"
    m = store.manifest()
    idx = I.open_index(store.root, m["generation"])
    assert idx is not None
    # The stored article ids, through appends, corrections and a compaction: as the parts give them.
    asked = set(arts) | {"not-an-article", "another"}
    assert idx.stored_articles(asked) == store_read.stored_articles(store.root, m, asked) == set(arts)
    # The corrections since the compaction took their rows out of the keys they left by gone lines
    # in added values (layout 6), which every write above read back as the parts give.
    added = idx.con.execute("SELECT data FROM keyed WHERE NOT whole").fetchall()
    gone = [line.endswith(gone_tail()) for (data,) in added for line in rows_of(data)]
    assert any(gone), "a correction's moved rows left their keys by gone lines"
    idx.close()
    got = store.load_events()
    assert (got[S.ACTOR1] == "odd\x1factor\x1e\\f").sum() == 3
    _assert_values_bounded(store.root)


def _assert_values_bounded(root: Path) -> None:
    """Each key's values in the index start with a whole one, and go back at most to its whole
    value before the last, with fewer than FOLD_AT values after the last whole one."""
    con = sqlite3.connect(root / I.INDEX)
    by_key: dict[str, list[int]] = {}
    for k, whole in con.execute("SELECT k, whole FROM keyed ORDER BY k, gen"):
        by_key.setdefault(k, []).append(whole)
    con.close()
    assert by_key
    for k, wholes in by_key.items():
        assert wholes[0] == 1, k
        assert sum(wholes) <= 2, k
        last = max(i for i, w in enumerate(wholes) if w)
        assert len(wholes) - last <= I.FOLD_AT, k


def test_an_index_of_the_layout_before_is_rebuilt(tmp_path: Path) -> None:
    events, arts = _corpus(120, 6)
    store = EventsStore(tmp_path / "s")
    store.append(events, list(arts.values()))
    gen = store.manifest()["generation"]
    (store.root / I.INDEX).unlink()
    con = sqlite3.connect(store.root / I.INDEX)  # layout 1: a row per stored row, no `meta`
    with con:
        con.execute("CREATE TABLE rows (k TEXT, event_id TEXT, gen INTEGER, data TEXT)")
        con.execute("CREATE TABLE moved (event_id TEXT, gen INTEGER)")
        con.execute("CREATE TABLE writes (gen INTEGER PRIMARY KEY)")
        con.execute("INSERT INTO writes VALUES (?)", (gen,))
    con.close()
    assert I.open_index(store.root, gen) is None
    assert store.ensure_index()
    idx = I.open_index(store.root, gen)
    assert idx is not None
    keys = set(merge_keys(events).dropna())
    assert len(idx.candidates(keys)) == int(merge_keys(events).notna().sum())
    idx.close()


def cols_of(declared: str) -> str:
    """The column names of a table's declaration ("k TEXT NOT NULL, gen ..." -> "k, gen, ...")."""
    return ", ".join(c.split()[0] for c in declared.split(","))


def _as_layout_3(path: Path) -> None:
    """Rewrite the index at `path` as layout 3 wrote it: values in tables clustered by key."""
    con = sqlite3.connect(path)
    with con:
        for table, cols, key in (
            ("keyed", "k TEXT NOT NULL, gen INTEGER NOT NULL, data BLOB NOT NULL", "k, gen"),
            (
                "named",
                "name TEXT NOT NULL, gen INTEGER NOT NULL, whole INTEGER NOT NULL, data BLOB NOT NULL",
                "name, gen",
            ),
        ):
            con.execute(f"ALTER TABLE {table} RENAME TO {table}_now")
            con.execute(f"DROP INDEX {dict(keyed='keyed_by_place').get(table, table + '_at')}")
            con.execute(f"CREATE TABLE {table} ({cols}, PRIMARY KEY ({key})) WITHOUT ROWID")
            con.execute(f"INSERT INTO {table} SELECT {cols_of(cols)} FROM {table}_now")
            con.execute(f"DROP TABLE {table}_now")
        con.execute("UPDATE meta SET layout = 3")
    con.close()


def _first_half(tmp_path: Path, n: int, seed: int):
    """A store holding the first half of a corpus's articles, the corpus, and the second half's ids."""
    events, arts = _corpus(n, seed)
    ids = list(arts)
    half = len(ids) // 2
    store = EventsStore(tmp_path / "s")
    store.append(events[events[S.ARTICLE_ID].isin(ids[:half])], [arts[a] for a in ids[:half]])
    return store, events, arts, ids[half:]


def _as_layout_5(path: Path) -> None:
    """Rewrite the index at `path` as layout 5 wrote it: the values by key indexed by key."""
    con = sqlite3.connect(path)
    with con:
        con.execute("DROP INDEX keyed_by_place")
        con.execute("CREATE UNIQUE INDEX keyed_at ON keyed (k, gen)")
        con.execute("UPDATE meta SET layout = 5")
    con.close()


def _as_layout_4(path: Path) -> None:
    """Rewrite the index at `path` as layout 4 wrote it: one whole value per key and generation."""
    _as_layout_5(path)
    con = sqlite3.connect(path)
    with con:
        assert con.execute("SELECT count(*) FROM keyed WHERE NOT whole").fetchone() == (0,)
        con.execute("ALTER TABLE keyed DROP COLUMN whole")
        con.execute("UPDATE meta SET layout = 4")
    con.close()


@pytest.mark.parametrize(("layout", "as_layout"), [(3, _as_layout_3), (4, _as_layout_4), (5, _as_layout_5)])
def test_an_index_of_an_older_layout_is_carried_not_rebuilt(tmp_path: Path, monkeypatch, layout, as_layout) -> None:
    seen = _compare_candidates(monkeypatch)
    store, events, arts, rest = _first_half(tmp_path, 240, 8 + layout)
    gen = store.manifest()["generation"]
    keys = set(merge_keys(events).dropna())
    idx = I.open_index(store.root, gen)
    assert idx is not None
    before = idx.candidates(keys)
    idx.close()
    as_layout(store.root / I.INDEX)
    monkeypatch.setattr(
        SM.store_index_build, "build", lambda *_a, **_k: pytest.fail(f"layout {layout} carried, not built")
    )
    idx = I.open_index(store.root, gen)
    assert idx is not None, "carried to this layout"
    pd.testing.assert_frame_equal(idx.candidates(keys), before)
    assert idx.con.execute("SELECT max(layout) FROM meta").fetchone() == (I.LAYOUT,)
    named = "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'keyed' AND sql NOT NULL"
    indexes = {n for (n,) in idx.con.execute(named)}
    assert indexes == {"keyed_by_place"}, "the values by key indexed by place, not by key"
    idx.close()
    for half in (rest[: len(rest) // 2], rest[len(rest) // 2 :]):
        store.append(events[events[S.ARTICLE_ID].isin(half)], [arts[a] for a in half])
    assert seen and seen[-1] > 0, "the next writes read their stored rows from the carried index"
    want = S.coerce_events(merge_reports(events)).set_index(S.EVENT_ID).sort_index()
    pd.testing.assert_frame_equal(store.load_events().set_index(S.EVENT_ID).sort_index(), want, check_like=True)


def test_a_key_added_to_gets_values_of_its_new_rows_folded_into_whole_ones(tmp_path: Path, monkeypatch) -> None:
    seen = _compare_candidates(monkeypatch)
    monkeypatch.setattr(I, "FOLD_AT", 3)
    events, arts = _corpus(700, 13)
    ids = list(arts)
    store = EventsStore(tmp_path / "s")
    sizes = []
    for lo in range(0, len(ids), 5):
        batch = ids[lo : lo + 5]
        store.append(events[events[S.ARTICLE_ID].isin(batch)], [arts[a] for a in batch])
        con = sqlite3.connect(store.root / I.INDEX)
        sizes.append(con.execute("SELECT sum(whole), sum(1 - whole) FROM keyed").fetchone())
        con.close()
        _assert_values_bounded(store.root)
    assert sum(seen) > 100, "writes found stored rows to merge with"
    assert any(added > 0 for _, added in sizes), "appends added values of their new rows alone"
    con = sqlite3.connect(store.root / I.INDEX)
    refolded = con.execute("SELECT count(*) FROM keyed WHERE whole AND gen > (SELECT min(gen) FROM keyed)").fetchone()
    con.close()
    assert refolded[0] > 0, "keys with FOLD_AT values got whole ones again"
    want = S.coerce_events(merge_reports(events)).set_index(S.EVENT_ID).sort_index()
    pd.testing.assert_frame_equal(store.load_events().set_index(S.EVENT_ID).sort_index(), want, check_like=True)
    store.compact()
    con = sqlite3.connect(store.root / I.INDEX)
    added_after_whole = con.execute(
        "SELECT count(*) FROM (SELECT k FROM keyed GROUP BY k HAVING max(gen) > max(CASE WHEN whole THEN gen END))"
    ).fetchone()
    con.close()
    assert added_after_whole == (0,), "a compaction gives every key a whole value"
    idx = I.open_index(store.root, store.manifest()["generation"])
    assert idx is not None
    got = idx.candidates(set(merge_keys(events).dropna())).set_index(S.EVENT_ID).sort_index()
    idx.close()
    mergeable = want[merge_keys(want.reset_index()).notna().to_numpy()]
    pd.testing.assert_frame_equal(got[SM.MERGE_READS[1:]], mergeable[SM.MERGE_READS[1:]].sort_index())


def test_a_store_without_an_index_gets_one_and_a_stale_one_is_rebuilt(tmp_path: Path, monkeypatch) -> None:
    seen = _compare_candidates(monkeypatch)
    events, arts = _corpus(300, 3)
    ids = list(arts)
    third = len(ids) // 3
    assert third >= 5
    store = EventsStore(tmp_path / "s")
    store.append(events[events[S.ARTICLE_ID].isin(ids[:third])], [arts[a] for a in ids[:third]])
    (store.root / I.INDEX).unlink()  # as a store written before the index existed
    mid = ids[third : 2 * third]
    store.append(events[events[S.ARTICLE_ID].isin(mid)], [arts[a] for a in mid])
    gen = store.manifest()["generation"]
    assert I.open_index(store.root, gen) is not None, "built by the write that needed it"
    # A write that did not keep it (another program's, or one whose index step failed): stale.
    con = sqlite3.connect(store.root / I.INDEX)
    with con:
        con.execute("DELETE FROM writes")
    con.close()
    assert I.open_index(store.root, gen) is None
    store.ensure_index()
    assert I.open_index(store.root, gen) is not None
    con = sqlite3.connect(store.root / I.INDEX)
    with con:
        con.execute("UPDATE meta SET layout = ?", (I.LAYOUT + 1,))  # another version's layout
    con.close()
    assert I.open_index(store.root, gen) is None
    store.append(events[events[S.ARTICLE_ID].isin(ids[2 * third :])], [arts[a] for a in ids[2 * third :]])
    assert I.open_index(store.root, store.manifest()["generation"]) is not None
    assert seen and min(seen) >= 0
    want = S.coerce_events(merge_reports(events))
    got = store.load_events()
    pd.testing.assert_frame_equal(
        got.set_index(S.EVENT_ID).sort_index(), want.set_index(S.EVENT_ID).sort_index(), check_like=True
    )


def test_versions_of_a_write_that_never_committed_are_dropped(tmp_path: Path) -> None:
    store, events, _arts, rest = _first_half(tmp_path, 200, 4)
    gen = store.manifest()["generation"]
    idx = I.open_index(store.root, gen)
    assert idx is not None
    rows = events[events[S.ARTICLE_ID].isin(rest)]
    keys = set(merge_keys(rows).dropna())
    before = idx.candidates(keys)
    assert len(before), "stored rows of those keys"
    idx.record(gen + 1, [rows])  # as a write killed after its index step, before its manifest swap
    idx.close()
    idx = I.open_index(store.root, gen)
    assert idx is not None
    pd.testing.assert_frame_equal(idx.candidates(keys), before)
    idx.close()


def test_patches_read_the_same_through_every_reader(tmp_path: Path) -> None:
    events, arts = _corpus(400, 5)
    ids = list(arts)
    store = EventsStore(tmp_path / "s")
    for lo in range(0, len(ids), 15):
        batch = ids[lo : lo + 15]
        store.append(events[events[S.ARTICLE_ID].isin(batch)], [arts[a] for a in batch])
    m = store.manifest()
    patches = [e for e in m["overlays"] if F.is_patch(e["path"])]
    assert patches and not [e for e in m["overlays"] if not F.is_patch(e["path"])], "appends write patches only"
    want = S.coerce_events(merge_reports(events)).set_index(S.EVENT_ID).sort_index()
    by_arrow = store.load_events().set_index(S.EVENT_ID).sort_index()
    from dashboard import store_read

    by_duckdb = S.coerce_events(store_read.sql(store.root, m, "SELECT * FROM {events}", [], (None, None))).set_index(
        S.EVENT_ID
    )
    for got in (by_arrow, by_duckdb.sort_index()):
        pd.testing.assert_frame_equal(got, want, check_like=True)
    store.compact()
    assert not store.manifest()["overlays"]
    pd.testing.assert_frame_equal(store.load_events().set_index(S.EVENT_ID).sort_index(), want, check_like=True)


def test_a_compaction_folds_each_toponyms_values_into_one(tmp_path: Path) -> None:
    from dashboard.store_index_named import _unfolded, latest_lines

    events, arts = _corpus(240, 9)
    ids = list(arts)
    store = EventsStore(tmp_path / "s")
    for lo in range(0, len(ids), len(ids) // 4):
        batch = ids[lo : lo + len(ids) // 4]
        store.append(events[events[S.ARTICLE_ID].isin(batch)], [arts[a] for a in batch])

    def values() -> tuple[dict[str, int], dict[str, set[str]]]:
        gen = store.manifest()["generation"]
        idx = I.open_index(store.root, gen)
        assert idx is not None
        names = [n for (n,) in idx.con.execute("SELECT DISTINCT name FROM named")]
        lines = {n: set(latest_lines(idx.con, n, gen)[0].values()) for n in names}
        count = {n: len(idx.con.execute("SELECT 1 FROM named WHERE name = ?", (n,)).fetchall()) for n in names}
        idx.close()
        return count, lines

    count, lines = values()
    assert max(count.values()) > 1, "appends added values to toponyms they name"
    store.compact()
    folded, after = values()
    assert after == lines, "the same rows by toponym"
    gen = store.manifest()["generation"]
    idx = I.open_index(store.root, gen)
    assert idx is not None
    latest = idx.con.execute("SELECT name, whole FROM named WHERE gen = ?", (gen,)).fetchall()
    assert {n for n, _ in latest} == {n for n, c in count.items() if c > 1} and all(w for _, w in latest)
    assert not _unfolded(idx.con, gen)[0], "a correction reads one value per toponym"
    idx.close()
    # The values before the new whole one stay while the compaction may yet not commit; the next
    # fold drops those before this one.
    store.compact()
    again, _ = values()
    assert max(again.values()) <= 2


def test_the_values_by_key_are_looked_up_through_their_index(tmp_path: Path, monkeypatch) -> None:
    """Every statement of a write that finds values by key (by place and key: PLACE_SQL) searches
    the index, one key or several: SQLite scans the whole table for a plan that lost it."""
    from dashboard.corrections import Alternative, save_correction

    statements: list[str] = []
    real = I.connect

    def traced(path: Path) -> sqlite3.Connection:
        con = real(path)
        con.set_trace_callback(statements.append)
        return con

    monkeypatch.setattr(I, "connect", traced)
    monkeypatch.setattr(I, "FOLD_AT", 2)  # whole values again soon: their older values deleted by key
    store, events, arts, rest = _first_half(tmp_path, 240, 21)
    for one in rest[:4]:  # single articles: lookups of one key of a place, and of several
        store.append(events[events[S.ARTICLE_ID] == one], [arts[one]])
    name = store.load_events(columns=[S.TOPONYM])[S.TOPONYM].value_counts().index[0]
    save_correction(store, name, Alternative(name="Elsewhere", lat=1.5, lon=2.5), folder=tmp_path / "gz")
    by_key = [s for s in statements if I.PLACE_SQL in s and "CREATE" not in s]
    assert any(s.startswith("SELECT") for s in by_key) and any(s.startswith("DELETE") for s in by_key)
    con = sqlite3.connect(store.root / I.INDEX)
    plans = {s: [row[3] for row in con.execute(f"EXPLAIN QUERY PLAN {s}")] for s in by_key}
    con.close()
    searched = "SEARCH keyed USING INDEX keyed_by_place"
    scans = {s: p for s, p in plans.items() if not any(d.startswith(searched) for d in p)}
    assert not scans, scans


def _wal_pages(path: Path) -> int:
    wal = Path(str(path) + "-wal")
    return max(0, (wal.stat().st_size - 32) // (4096 + 24)) if wal.is_file() else 0


def test_a_built_index_leaves_room_for_an_appends_values(tmp_path: Path) -> None:
    """A built index's values by key are indexed by place with room left in its pages, so the values
    an append adds (a few hundred keys at random places) go into the pages they land in: CREATE
    INDEX after the values packed every page full, and each added value split a page (three or
    four pages written, each of them copied and synced again by the index's close)."""
    from dashboard import store_index_build as B
    from dashboard.synth import synthetic_events

    rows, _ = synthetic_events(40_000, seed=3)
    rng = random.Random(3)
    n = len(rows)
    # Nearly every row a key of its own: one of 300 places on one of 200 days.
    rows[S.EVENT_TYPE] = "Battles"
    rows[S.SUB_EVENT_TYPE] = "Armed clash"
    rows[S.DATE_PRECISION] = "day"
    rows[S.EVENT_DATE] = [pd.Timestamp("2021-01-01") + pd.Timedelta(days=rng.randrange(200)) for _ in range(n)]
    rows[S.LOCATION] = [f"place {rng.randrange(300)}" for _ in range(n)]
    rows[S.LATITUDE], rows[S.LONGITUDE] = 1.0, 2.0
    rows = S.coerce_events(rows)
    B.build(tmp_path, 1, [rows], {"articles": []})
    # 50 new keys, each at a place of its own: each lands in a page of the index of its own.
    added = rows.sample(50, random_state=3).assign(**{S.EVENT_DATE: pd.Timestamp("2022-01-01")})
    added[S.EVENT_ID] = [f"added-{i}" for i in range(len(added))]
    added[S.LOCATION] = [f"place {i}" for i in rng.sample(range(300), len(added))]
    idx = I.open_index(tmp_path, 1)
    assert idx is not None
    try:
        idx.record(2, [S.coerce_events(added)])
        pages = _wal_pages(tmp_path / I.INDEX)
    finally:
        idx.close()
    keyed = len(set(merge_keys(added)))
    assert keyed == 50
    # About a page of the index a value (with the table's pages at its end and a few parents: 77
    # pages for these 50), not three or four (191 pages when every page was packed full).
    assert pages < 2.5 * keyed, pages


@pytest.mark.parametrize("odd", ["", "line\nbreak", "carriage\rreturn", "back\\slash", "\ufeffmark first"])
def test_a_keys_text_reads_as_its_lines_do(odd: str, monkeypatch) -> None:
    """unpack_text (Arrow's CSV reader over a key's lines as one text) gives what unpack gives line
    by line: missing values, empty texts, tolls, dates, coordinates, other alphabets, a gone line;
    and a text the reader would read otherwise (a line break in a value, a byte-order mark first, an
    escaped separator) goes unpack's way."""
    from dashboard import store_index_lines as L
    from dashboard.store_index_lines import joined, pack, unpack, unpack_text

    rows, _ = _corpus(40, 5)
    # The corpus's few texts holding an escaped separator kept only where a backslash is meant.
    keep = ~rows[S.ACTOR1].astype(str).str.contains("\\", regex=False) | (odd == "back\\slash")
    rows = rows[keep].reset_index(drop=True)
    if odd.startswith("\ufeff"):  # first in the text: the first line's event id
        rows.loc[rows.index[0], S.EVENT_ID] = odd + rows[S.EVENT_ID].iloc[0]
    rows.loc[rows.index[1], S.ACTOR2] = odd or "حلب"
    rows.loc[rows.index[2], [S.SOURCE, S.FATALITIES, S.LATITUDE]] = ["", pd.NA, float("nan")]
    rows.loc[rows.index[3], [S.FATALITIES, S.LONGITUDE]] = [12, -0.0]
    lines = pack(S.coerce_events(rows)).to_pylist() + [rows[S.EVENT_ID].iloc[5] + gone_tail()]
    want = S.coerce_events(unpack(lines))
    line_by_line: list[int] = []
    monkeypatch.setattr(L, "unpack", lambda data, cols=None: line_by_line.append(1) or unpack(data, cols))
    got = S.coerce_events(unpack_text(joined(lines)))
    pd.testing.assert_frame_equal(got, want)
    assert bool(line_by_line) == bool(odd), "the reader reads a plain text, unpack the others"
    monkeypatch.setattr(L, "_BLOCK", 512)  # a text over many of the reader's blocks reads the same
    pd.testing.assert_frame_equal(S.coerce_events(unpack_text(joined(lines))), want)
    assert got[S.EVENT_DATE].isna().sum() == 1, "the gone line: every column but its id missing"
    assert S.coerce_events(unpack_text("")).empty


def test_relabelled_lines_are_the_rows_packed_with_their_new_cluster_columns() -> None:
    """An append's renamed stored rows, as lines: each event's latest line in its key with the
    cluster columns replaced, equal to packing the row with those columns; an event whose latest
    line in its key is a gone line, or that no value holds, is left out."""
    from dashboard.merge import CLUSTER_COLUMNS
    from dashboard.store_index_lines import lines_of, relabelled, value_of

    events, _ = _corpus(400, 11)
    rows = S.coerce_events(merge_reports(events))
    rows = rows[merge_keys(rows).notna()].reset_index(drop=True)
    k = merge_keys(rows).value_counts().index[0]
    mine = rows[merge_keys(rows) == k].reset_index(drop=True)
    other = rows[merge_keys(rows) != k].reset_index(drop=True).iloc[:2]
    assert len(mine) >= 3 and len(other) == 2
    mine.loc[1, S.EVENT_ID] = "odd\x1fid\\x"  # an id the lines hold escaped
    line = {str(e): lines_of(mine.iloc[[i]])[1][0] for i, e in enumerate(mine[S.EVENT_ID])}
    escaped = {e: x.split("\x1f", 1)[0] for e, x in line.items()}
    gone, kept = str(mine[S.EVENT_ID].iloc[0]), str(mine[S.EVENT_ID].iloc[2])
    older = lines_of(mine.iloc[[2]].assign(**{S.ACTOR1: "before"}))[1][0]  # superseded by its later line
    values = {
        k: [(1, True, value_of([older, *line.values()])), (2, False, value_of([escaped[gone] + gone_tail()]))],
        "other": [(1, True, value_of(lines_of(other)[1]))],
    }
    named = [*line, *other[S.EVENT_ID].astype(str), "absent"]
    after = pd.DataFrame({S.EVENT_ID: pd.array(named, dtype="string")})
    after[S.CLUSTER_ID] = pd.array([f"c{i}" if i % 3 else None for i in range(len(named))], dtype="string")
    after[S.N_SOURCES] = pd.array([i + 2 for i in range(len(named))], dtype="Int64")
    after[S.FATALITIES_LOW] = pd.array([None if i % 2 else i for i in range(len(named))], dtype="Int64")
    after[S.FATALITIES_HIGH] = pd.array([i * 3 for i in range(len(named))], dtype="Int64")
    want: dict[str, dict[str, str]] = {}
    for key, frame in ((k, mine), ("other", other)):
        for i in range(len(frame)):
            row = frame.iloc[[i]].reset_index(drop=True)
            e = str(row[S.EVENT_ID].iloc[0])
            if e == gone:
                continue
            new = after[after[S.EVENT_ID] == e].reset_index(drop=True)
            (x,) = lines_of(row.assign(**{c: new[c].array for c in CLUSTER_COLUMNS}))[1]
            want.setdefault(key, {})[x.split("\x1f", 1)[0]] = x
    got = relabelled(values, after)
    assert got == want
    assert escaped[kept] in got[k] and "before" not in got[k][escaped[kept]]
    assert relabelled(values, after.iloc[:0]) == {} and relabelled({}, after) == {}


def test_a_write_opens_the_index_once_and_closes_it_at_its_end(tmp_path: Path, monkeypatch) -> None:
    """Within a write_scope the index is opened once (its `close` waits for the scope's end); an
    index built anew meanwhile (another file) is opened anew; an append opens one connection."""
    events, arts = _corpus(300, 12)
    ids = list(arts)
    half = len(ids) // 2
    store = EventsStore(tmp_path / "s")
    store.append(events[events[S.ARTICLE_ID].isin(ids[:half])], [arts[a] for a in ids[:half]])
    gen = store.manifest()["generation"]
    with I.write_scope(store.root, gen):
        a = I.open_index(store.root, gen)
        assert a is not None
        a.close()
        assert I.open_index(store.root, gen) is a
        a.con.execute("SELECT 1").fetchone()  # still open
        # Another file in its place (as a build renames one in): copied, so another inode.
        (store.root / I.INDEX).rename(store.root / "moved.sqlite")
        shutil.copy(store.root / "moved.sqlite", store.root / I.INDEX)
        b = I.open_index(store.root, gen)
        assert b is not None and b is not a
        with pytest.raises(sqlite3.ProgrammingError):
            a.con.execute("SELECT 1")
    with pytest.raises(sqlite3.ProgrammingError):
        b.con.execute("SELECT 1")
    c = I.open_index(store.root, gen)
    assert c is not None and c is not b
    c.close()
    opened: list[int] = []
    real = I.connect

    def counted(path):
        opened.append(1)
        return real(path)

    monkeypatch.setattr(I, "connect", counted)
    assert store.append(events[events[S.ARTICLE_ID].isin(ids[half:])], [arts[a] for a in ids[half:]])[0] > 0
    assert len(opened) == 1
    got = store.load_events()
    want = S.coerce_events(merge_reports(events))
    pd.testing.assert_frame_equal(
        got.set_index(S.EVENT_ID).sort_index()[list(SM.CLUSTER_COLUMNS)],
        want.set_index(S.EVENT_ID).sort_index()[list(SM.CLUSTER_COLUMNS)],
    )
