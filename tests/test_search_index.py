"""The excerpts' word index (dashboard/search_index.py), written by the store with its held tables,
answers an excerpt search's filter state as the events do (dashboard/app/duck_search.py), for the
generation it was written with only; the dashboard's answers under a search are the same with it and
without it. (A kill -9 at any point: tests/test_store_crash.py.)"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest
from search_states import assert_search_states_as_the_events, with_own_excerpts

from dashboard import search_index as SI
from dashboard.app import duck as D
from dashboard.app import duck_fact as DF
from dashboard.app import duck_search as DSE
from dashboard.app import duck_search_delta as DD
from dashboard.app import duck_states as DS
from dashboard.app.filters import Filters
from dashboard.app.query import Selection
from dashboard.app.views import DuckViews
from dashboard.corrections import Alternative
from dashboard.store import EventsStore
from tests.test_duck_fact import batches, every_kind_of_write


def _store(tmp_path: Path, seed: int) -> D.DuckEngine:
    store = EventsStore(tmp_path / "s")
    store.replace_events(with_own_excerpts(batches(seed, 1)[0][0], seed))
    return D.DuckEngine(store, threads=1)


@pytest.mark.parametrize("seed", [3, 4])
def test_a_search_counted_from_the_index_is_the_events(tmp_path: Path, seed: int) -> None:
    db = _store(tmp_path, seed)
    search = assert_search_states_as_the_events(db, seed)
    assert len(search.terms) and search.pairs.any() and not search.pairs.all(), "words and pairs"


def test_the_terms_of_an_excerpt() -> None:
    """Its words and every two adjacent words with what lies between them, once each, case folded."""
    import duckdb

    x = "Gunmen,  gunmen killed 3 (in Al-Bab)."
    got = duckdb.execute(f"SELECT {SI.TERMS_SQL.format(x='lower(?)')}", [x] * 3).fetchall()[0][0]
    want = {"gunmen", "killed", "3", "in", "al", "bab", "gunmen,  gunmen", "gunmen killed", "killed 3", "3 (in"}
    assert sorted(got) == sorted(want | {"in al", "al-bab"})


def test_the_arrays_kept_between_searches_are_read_under_their_lock_and_left_as_found(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """_table's arrays as long as every key are kept from one search to the next (duck_search._Scratch):
    taken under their lock only (requests count searches in several threads), the flags all false
    again after each search, and a search counted after others is counted as alone."""
    db = _store(tmp_path, 8)
    search = DSE.build(db, DF.build(db))
    assert search is not None
    scratch = search.scratch
    real = scratch.arrays
    taken: list[bool] = []

    def arrays(n: int) -> tuple:
        taken.append(scratch.lock.locked())
        return real(n)

    monkeypatch.setattr(scratch, "arrays", arrays)
    texts = ["killed", "shelling", "ḥamāh", "clashes,  two", "police"]
    first = [DSE.state_rows(db, search, Filters(text=t)) for t in texts]
    assert taken and all(taken), "under the lock"
    assert not real(search.keys.num_rows)[0].any(), "the flags left false"
    again = [DSE.state_rows(db, search, Filters(text=t)) for t in reversed(texts)][::-1]
    assert sum(a is not None and a.rows.num_rows > 0 for a in first) >= 3
    for a, b in zip(first, again, strict=True):
        assert (a is None and b is None) or (a is not None and b is not None and a.rows.equals(b.rows))


@pytest.mark.parametrize(
    "text",
    ["Mortar", "ceasefire talks", "X-ray", "car bomb, police", "3 killed", "two  words", "a.b", "_", "-dash", "tail-"]
    + ["three words here", "UPPER Case", "a_b", "42", "#", "Tab\tstop"],
)
def test_an_ascii_search_is_shaped_as_duckdb_shapes_it(
    tmp_path: Path, text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The ASCII shortcut (no query) folds and classes a text as DuckDB's lower case and Unicode
    classes do (they cut the excerpts' terms): a word, a pair, or neither."""
    db = D.DuckEngine(EventsStore(tmp_path / "s"), threads=1)
    row = db.query(
        "SELECT lower(?) AS l, regexp_full_match(lower(?), ?) AS word, regexp_full_match(lower(?), ?) AS pair",
        [text, text, SI.WORD, text, SI.PAIR],
    ).iloc[0]
    want = (str(row["l"]), bool(row["pair"])) if row["word"] or row["pair"] else None
    monkeypatch.setattr(D.DuckEngine, "query", lambda *a, **k: pytest.fail("an ASCII text asked DuckDB"))
    assert DSE._shape(db, text) == want


def test_a_search_beyond_ascii_is_shaped_by_duckdb(tmp_path: Path) -> None:
    db = D.DuckEngine(EventsStore(tmp_path / "s"), threads=1)
    assert DSE._shape(db, "ÇATALCA") == ("çatalca", False)
    assert DSE._shape(db, "Ар-Ракка") == ("ар-ракка", True)
    assert DSE._shape(db, "né · ici") == ("né · ici", True)
    assert DSE._shape(db, "« Idlib") is None


def test_the_terms_file_keeps_a_frequent_terms_rows_in_groups_of_their_own(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(SI, "GROUP_POSTINGS", 40)
    monkeypatch.setattr(SI, "GROUP_TERMS", 7)
    db = _store(tmp_path, 5)
    path = db.held().files_for(int(db.store.manifest()["generation"]))["search_terms"]
    meta = pq.ParquetFile(path).metadata
    assert meta.num_row_groups > 3
    sizes = [meta.row_group(i).num_rows for i in range(meta.num_row_groups)]
    assert max(sizes) <= 7
    # The rows' numbers as differences (a third of the bytes or less): every group's lists so written.
    rids = [meta.row_group(i).column(1) for i in range(meta.num_row_groups)]
    assert {c.path_in_schema for c in rids} == {SI.RIDS_ELEMENT}
    assert all("DELTA_BINARY_PACKED" in c.encodings and "PLAIN" not in c.encodings for c in rids)
    assert_search_states_as_the_events(db, 5)


@pytest.mark.parametrize("seed", [17, 19])
def test_the_index_answers_after_appends_and_compactions(tmp_path: Path, seed: int) -> None:
    """After a compaction the index it wrote answers; after appends the same index, with the rows
    the appends wrote or whose events they changed counted from the events (its Delta); after a
    correction or its undo the events answer (no index read). As the events, every time."""
    place = Alternative(name="A well far off", lat=35.25, lon=40.5, country="Syria", country_code="SY")
    dirty = []
    for done, db in every_kind_of_write(tmp_path, seed, place, compacted=True):
        search = DSE.build(db, DF.build(db))
        assert (search is not None) == (done in ("compaction", "append")), done
        if search is None:
            continue
        assert (search.delta is not None) == (done == "append"), done
        if search.delta is not None:
            dirty.append(int(search.delta.dirty.sum()))
        assert_search_states_as_the_events(db, seed)
    assert len(dirty) == 2 and 0 < dirty[0] <= dirty[1], "appends changed stored events, the second more"


def _answers(views: DuckViews, f: Filters) -> list:
    sel = Selection()
    return [
        views.extent(f),
        views.series(f, sel, "month", "events")[0],
        views.places(f, sel),
        views.figures(f, sel),
        views.newest(f, sel, 30),
    ]


def test_the_dashboards_answers_under_a_search_are_the_same_without_the_index(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = _store(tmp_path, 6)
    n = int(db.store.manifest()["n_events"])
    gen = int(db.store.manifest()["generation"])
    texts = ["shelling", "Killed", "ḥamāh", "clashes,  two", "struck Kharkiv's outskirts", "zyzzyva"]
    monkeypatch.setattr(DS, "STATES_KEPT", 2)  # states dropped as others come
    with_index = DuckViews(db, n, gen, rollup=True)
    built: list[str] = []
    real = DSE.state_rows

    def counted(*args: object) -> object:
        got = real(*args)  # type: ignore[arg-type]
        built.extend([args[2].text] if got is not None else [])  # type: ignore[attr-defined]
        return got

    monkeypatch.setattr(DSE, "state_rows", counted)
    got = {t: _answers(with_index, Filters(text=t)) for t in texts}
    assert set(built) == set(texts) - {"struck Kharkiv's outskirts"}, "counted from the index"
    # A dropped search's view went with the table of its rows (duck_search.Counted).
    kept = [with_index.states.get(Filters(text=t)) for t in texts]
    names = {x for k in kept if k is not None for x in (k.name, f"{k.name}_rows")}
    listed = (
        "SELECT table_name AS n FROM duckdb_tables() UNION ALL SELECT view_name FROM duckdb_views() WHERE NOT internal"
    )
    held = {n for n in db.query(listed)["n"] if n.startswith(DS.PREFIX)}
    assert held <= names and len([k for k in kept if k is not None]) == 2 and any(n.endswith("_rows") for n in held)
    monkeypatch.setattr(DSE, "build", lambda *a: None)
    without = DuckViews(db, n, gen, rollup=True)
    for text in texts:
        want = _answers(without, Filters(text=text))
        for a, b in zip(got[text], want, strict=True):
            if isinstance(a, pd.DataFrame):
                pd.testing.assert_frame_equal(a, b, obj=text)
            else:
                assert a == b, text


def test_a_store_grown_too_far_since_its_index_answers_from_the_events(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Appends past the Delta's bound (DELTA_ROWS) leave the search to the events until a compaction."""
    monkeypatch.setattr(DD, "DELTA_ROWS", 10)
    place = Alternative(name="A ford far off", lat=35.5, lon=40.75, country="Syria", country_code="SY")
    done = []
    for kind, db in every_kind_of_write(tmp_path, 23, place, compacted=True):
        if kind in ("append", "compaction"):
            done.append((kind, DSE.build(db, DF.build(db)) is not None))
    assert done == [("compaction", True), ("append", False), ("append", False), ("compaction", True)]


@pytest.mark.parametrize("kind", ["search_rows", "search_terms", "search_keys"])
def test_an_index_file_cut_short_is_the_stores_error_naming_it(tmp_path: Path, kind: str) -> None:
    from dashboard.errors import StoreError

    db = _store(tmp_path, 7)
    path = Path(db.held().files_for(int(db.store.manifest()["generation"]))[kind])
    path.write_bytes(path.read_bytes()[:100])
    with pytest.raises(StoreError, match=rf"{path.name}: cannot read the excerpts' word index"):
        DSE.build(db, DF.build(db))


def test_the_newest_rows_of_a_search_matching_few_rows_or_none_read_the_excerpts_once_or_not_at_all(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Fewer matches than the list holds, all dated: one read of the rows from the first match's date
    on; no match: no read. The same rows as without the index (which reads every excerpt)."""
    db = _store(tmp_path, 8)
    n, gen = int(db.store.manifest()["n_events"]), int(db.store.manifest()["generation"])
    events = db.store.load_events()
    read: list[tuple | None] = []
    real = db.query

    def query(sql: str, params: list | None = None, dates: tuple | None = None, parts: list | None = None):
        if "{events}" in sql:
            read.append(dates)
        return real(sql, params, dates, parts)

    monkeypatch.setattr(db, "query", query)
    with_index = DuckViews(db, n, gen, rollup=True)
    got, bounded = {}, 0
    for text, word in (("zyzzyva", None), ("kharkiv", "Kharkiv"), ("DRONE HIT", "Drone hit")):
        read.clear()
        got[text] = with_index.newest(Filters(text=text), Selection(), 30)
        matches = events[events["excerpt"].fillna("").str.contains(word or text, regex=False)]
        assert len(got[text]) == len(matches) < 30, text
        if word is None:
            assert read == [], "no match: nothing read"
        elif matches["event_date"].notna().all():
            assert len(read) == 1 and read[0] is not None and read[0][0] == matches["event_date"].min(), text
            bounded += 1
    assert bounded, "a search of few dated matches was bounded"
    monkeypatch.setattr(DSE, "build", lambda *a: None)
    without = DuckViews(db, n, gen, rollup=True)
    for text, rows in got.items():
        pd.testing.assert_frame_equal(rows, without.newest(Filters(text=text), Selection(), 30), obj=text)
