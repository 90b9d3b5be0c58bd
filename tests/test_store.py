"""EventsStore: Parquet generations with an atomically swapped manifest."""

from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from dashboard import rollup as R
from dashboard import schema as S
from dashboard.errors import StoreError
from dashboard.ingest.article import Article
from dashboard.store import MANIFEST, EventsStore, articles_frame

TEXT_A = "Turkish troops clashed in Idlib."
TEXT_B = "Russian jets struck Saraqib."


@pytest.fixture
def art_a() -> Article:
    return Article(
        text=TEXT_A,
        title="Clashes",
        published=date(2020, 3, 4),
        source="a.txt",
        path="/x/a.txt",
        extra={"id": "7", "lang": "en"},
    )


@pytest.fixture
def art_b() -> Article:
    return Article(
        text=TEXT_B,
        title="Strike",
        published=date(2020, 3, 5),
        published_inferred=True,
        source="b.txt",
        url="https://e.org/b",
    )


@pytest.fixture
def events_a(make_events, art_a) -> pd.DataFrame:
    return make_events(
        dict(event_id="ea1", article_id=art_a.article_id, fatalities=36),
        dict(
            event_id="ea2",
            article_id=art_a.article_id,
            location="Syria",
            feature_code="PCLI",
            geo_precision=4,
            latitude=35.0,
            longitude=38.0,
            geonameid=163843,
            event_date=None,
            date_precision="day",
        ),
    )


@pytest.fixture
def events_b(make_events, art_b) -> pd.DataFrame:
    return make_events(
        dict(
            event_id="eb1",
            article_id=art_b.article_id,
            location="Saraqib",
            toponym="Saraqib",
            latitude=35.86,
            longitude=36.8,
            event_type="Explosions/Remote violence",
        )
    )


def test_empty_store(tmp_path: Path) -> None:
    store = EventsStore(tmp_path / "nothing")
    assert not store.exists()
    assert store.manifest()["generation"] == 0
    ev = store.load_events()
    assert list(ev.columns) == list(S.NAMES) and ev.empty
    assert list(store.load_articles().columns) == list(S.ARTICLE_COLUMNS)
    assert store.article_ids() == set()
    assert not (tmp_path / "nothing").exists(), "reading never creates the store"


def test_events_round_trip_with_schema_dtypes(tmp_path: Path, events_a, art_a) -> None:
    store = EventsStore(tmp_path / "s")
    assert store.append(events_a, [art_a]) == (1, 2)
    assert store.exists()
    loaded = store.load_events()
    assert list(loaded.columns) == list(S.NAMES)
    for name, dtype in S.DTYPES.items():
        assert str(loaded[name].dtype) == dtype, name
    derived = [S.CLUSTER_ID, S.N_SOURCES, S.FATALITIES_LOW, S.FATALITIES_HIGH]  # the store computes these
    pd.testing.assert_frame_equal(loaded.drop(columns=derived), events_a.drop(columns=derived))
    assert loaded[S.CLUSTER_ID].notna().all() and (loaded[S.N_SOURCES] >= 1).all()
    m = store.manifest()
    assert (m["generation"], m["n_events"], m["n_articles"]) == (1, 2, 1)
    assert m["hash"]


def test_articles_round_trip(tmp_path: Path, events_a, events_b, art_a, art_b) -> None:
    store = EventsStore(tmp_path / "s")
    store.append(events_a, [art_a])
    store.append(events_b, [art_b])
    arts = store.load_articles()
    assert list(arts.columns) == list(S.ARTICLE_COLUMNS)
    assert str(arts["published"].dtype) == "datetime64[ns]"
    assert str(arts["published_inferred"].dtype) == "boolean"
    rows = {r["article_id"]: r for r in arts.to_dict("records")}
    assert set(rows) == {art_a.article_id, art_b.article_id} == store.article_ids()
    a, b = rows[art_a.article_id], rows[art_b.article_id]
    assert a["text"] == TEXT_A and a["title"] == "Clashes" and a["path"] == "/x/a.txt"
    assert a["published"] == pd.Timestamp("2020-03-04") and a["published_inferred"] is False
    assert json.loads(a["extra"]) == {"id": "7", "lang": "en"}
    assert b["url"] == "https://e.org/b" and b["published_inferred"] is True
    assert json.loads(b["extra"]) == {}
    assert sorted(store.load_events()[S.EVENT_ID]) == ["ea1", "ea2", "eb1"]


def test_append_is_idempotent_by_article_id(tmp_path: Path, events_a, art_a) -> None:
    store = EventsStore(tmp_path / "s")
    assert store.append(events_a, [art_a]) == (1, 2)
    before = store.manifest()
    same_text = Article(text=TEXT_A, title="Another title", source="copy.jsonl")
    assert same_text.article_id == art_a.article_id
    assert store.append(events_a, [same_text]) == (0, 0)
    assert store.manifest() == before, "nothing written for nothing new"
    assert len(store.load_events()) == 2
    assert len(store.load_articles()) == 1


def test_append_dedups_within_one_batch(tmp_path: Path, events_a, art_a) -> None:
    store = EventsStore(tmp_path / "s")
    twin = Article(text=TEXT_A, title="Same text again", source="other.jsonl")
    assert store.append(events_a, [art_a, twin]) == (1, 2)
    assert store.load_articles()["article_id"].tolist() == [art_a.article_id]


def test_append_drops_events_of_unknown_or_stored_articles(tmp_path: Path, make_events, events_a, art_a, art_b) -> None:
    store = EventsStore(tmp_path / "s")
    store.append(events_a, [art_a])
    mixed = make_events(
        dict(event_id="old", article_id=art_a.article_id),
        dict(event_id="stray", article_id="not-in-batch"),
        dict(event_id="new", article_id=art_b.article_id),
    )
    assert store.append(mixed, [art_a, art_b]) == (1, 1)
    assert sorted(store.load_events()[S.EVENT_ID]) == ["ea1", "ea2", "new"]


def test_article_without_events_is_still_stored(tmp_path: Path, art_a) -> None:
    store = EventsStore(tmp_path / "s")
    assert store.append(S.empty_events(), [art_a]) == (1, 0)
    assert store.article_ids() == {art_a.article_id}
    assert store.load_events().empty


def test_an_append_adds_files_and_rewrites_none(tmp_path: Path, events_a, events_b, art_a, art_b) -> None:
    root = tmp_path / "s"
    store = EventsStore(root)
    store.append(events_a, [art_a])
    first = {p.relative_to(root).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns) for p in root.rglob("*.parquet")}
    store.append(events_b, [art_b])
    m = store.manifest()
    assert m["generation"] == 2 and m["format"] == 2
    now = {p.relative_to(root).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns) for p in root.rglob("*.parquet")}
    assert {k: now[k] for k in first} == first, "the first ingest's files are left as they were"
    added = sorted(set(now) - set(first))
    assert added == ["articles/part-000002.parquet", "events/2020/part-000002.parquet", "rollup/part-000002.parquet"]
    assert sorted(now) == sorted(e["path"] for kind in ("events", "overlays", "articles", "rollup") for e in m[kind])
    assert not list(root.rglob("*.tmp"))
    # The previous generation's files are kept until the next write, for readers that read its manifest.
    store.rewrite_events(lambda ev: ev)
    assert store.manifest()["generation"] == 3
    on_disk = {p.relative_to(root).as_posix() for p in root.rglob("*.parquet")}
    assert set(now) <= on_disk and "events/2020/part-000002.parquet" in on_disk
    store.rewrite_events(lambda ev: ev)
    on_disk = {p.relative_to(root).as_posix() for p in root.rglob("*.parquet")}
    assert "events/2020/part-000002.parquet" not in on_disk and "articles/part-000001.parquet" in on_disk


def test_load_events_columns(tmp_path: Path, events_a, art_a) -> None:
    store = EventsStore(tmp_path / "s")
    store.append(events_a, [art_a])
    part = store.load_events(columns=[S.EVENT_ID, S.LATITUDE])
    assert list(part.columns) == [S.EVENT_ID, S.LATITUDE]
    assert EventsStore(tmp_path / "empty").load_events(columns=[S.EVENT_ID]).columns.tolist() == [S.EVENT_ID]


def test_replace_events_keeps_articles(tmp_path: Path, events_a, events_b, art_a) -> None:
    store = EventsStore(tmp_path / "s")
    store.append(events_a, [art_a])
    store.replace_events(events_a.iloc[:1])
    assert store.load_events()[S.EVENT_ID].tolist() == ["ea1"]
    assert store.article_ids() == {art_a.article_id}


def test_rewrite_events_keeps_the_articles_files(tmp_path: Path, events_a, art_a) -> None:
    store = EventsStore(tmp_path / "s")
    store.append(events_a, [art_a])
    articles = store.load_articles()
    files = store.manifest()["articles"]
    store.rewrite_events(lambda ev: ev.assign(**{S.ADMIN1: "Idlib"}))
    assert (store.load_events()[S.ADMIN1] == "Idlib").all()
    pd.testing.assert_frame_equal(store.load_articles(), articles)
    assert store.manifest()["n_articles"] == len(articles) == 1
    assert store.manifest()["articles"] == files, "named again, not copied"


def test_rewrite_events_of_an_empty_store(tmp_path: Path) -> None:
    store = EventsStore(tmp_path / "s")
    store.rewrite_events(lambda ev: ev)
    assert store.load_events().empty and store.load_articles().empty


# -- crashes -----------------------------------------------------------------------------------------


def _snapshot(store: EventsStore) -> tuple[dict, pd.DataFrame, pd.DataFrame]:
    return store.manifest(), store.load_events(), store.load_articles()


def _assert_unchanged(store: EventsStore, snap: tuple[dict, pd.DataFrame, pd.DataFrame]) -> None:
    manifest, events, articles = snap
    assert store.manifest() == manifest
    pd.testing.assert_frame_equal(store.load_events(), events)
    pd.testing.assert_frame_equal(store.load_articles(), articles)


@pytest.mark.parametrize("exc", [OSError(28, "No space left on device"), RuntimeError("killed")])
def test_crash_writing_second_table_keeps_previous_generation(
    tmp_path: Path, monkeypatch, events_a, events_b, art_a, art_b, exc
) -> None:
    store = EventsStore(tmp_path / "s")
    store.append(events_a, [art_a])
    snap = _snapshot(store)
    real = pq.write_table
    calls = {"n": 0}

    def flaky(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise exc
        return real(*args, **kwargs)

    monkeypatch.setattr(pq, "write_table", flaky)
    with pytest.raises(StoreError if isinstance(exc, OSError) else RuntimeError) as info:
        store.append(events_b, [art_b])
    assert calls["n"] == 2
    if isinstance(exc, OSError):
        assert str(tmp_path / "s") in str(info.value) and "previous data kept" in str(info.value)
    monkeypatch.undo()
    _assert_unchanged(store, snap)
    # The store still works afterwards, and the failed article goes in on the next try.
    assert store.append(events_b, [art_b]) == (1, 1)
    assert store.manifest()["generation"] == 2
    assert sorted(store.load_events()[S.EVENT_ID]) == ["ea1", "ea2", "eb1"]


def test_crash_swapping_the_manifest_keeps_previous_generation(
    tmp_path: Path, monkeypatch, events_a, events_b, art_a, art_b
) -> None:
    store = EventsStore(tmp_path / "s")
    store.append(events_a, [art_a])
    snap = _snapshot(store)
    real = os.replace

    def no_manifest(src, dst, *args, **kwargs):
        if Path(dst).name == MANIFEST:
            raise OSError(5, "Input/output error")
        return real(src, dst, *args, **kwargs)

    monkeypatch.setattr(os, "replace", no_manifest)
    with pytest.raises(StoreError, match="previous data kept"):
        store.append(events_b, [art_b])
    monkeypatch.undo()
    _assert_unchanged(store, snap)
    assert store.article_ids() == {art_a.article_id}


# -- unreadable stores -------------------------------------------------------------------------------


@pytest.mark.parametrize("content", [b"", b"{not json", b'{"generation": 1'])
def test_corrupt_manifest_is_a_store_error(tmp_path: Path, events_a, art_a, content: bytes) -> None:
    root = tmp_path / "s"
    store = EventsStore(root)
    store.append(events_a, [art_a])
    (root / MANIFEST).write_bytes(content)
    for call in (store.manifest, store.load_events, store.load_articles, store.article_ids):
        with pytest.raises(StoreError) as info:
            call()
        assert str(root / MANIFEST) in str(info.value)


@pytest.mark.parametrize("content", [b"\xff\xfe\x00garbage", b"null", b"[]", b"{}", b'{"generation": "two"}'])
def test_manifest_of_wrong_shape_is_a_store_error(tmp_path: Path, events_a, art_a, content: bytes) -> None:
    root = tmp_path / "s"
    store = EventsStore(root)
    store.append(events_a, [art_a])
    (root / MANIFEST).write_bytes(content)
    with pytest.raises(StoreError, match=str(root / MANIFEST)):
        store.load_events()


def test_missing_generation_file_is_a_store_error(tmp_path: Path, events_a, art_a) -> None:
    root = tmp_path / "s"
    store = EventsStore(root)
    store.append(events_a, [art_a])
    events_file = root / store.manifest()["events"][0]["path"]
    events_file.unlink()
    with pytest.raises(StoreError, match="cannot read events") as info:
        store.load_events()
    assert str(events_file) in str(info.value)


def test_corrupt_parquet_is_a_store_error(tmp_path: Path, events_a, art_a) -> None:
    root = tmp_path / "s"
    store = EventsStore(root)
    store.append(events_a, [art_a])
    (root / "articles" / "part-000001.parquet").write_bytes(b"PAR1 not really parquet")
    with pytest.raises(StoreError, match="cannot read articles"):
        store.load_articles()
    with pytest.raises(StoreError, match="cannot read articles"):
        store.article_ids()


def test_store_in_a_file_path_is_a_store_error(tmp_path: Path, events_a, art_a) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(StoreError, match="cannot create the store"):
        EventsStore(blocker / "store").append(events_a, [art_a])


def test_articles_frame_types(art_a, art_b) -> None:
    df = articles_frame([art_a, Article(text="No date.")])
    assert list(df.columns) == list(S.ARTICLE_COLUMNS)
    assert df["published"].isna().tolist() == [False, True]
    assert str(df["published_inferred"].dtype) == "boolean"


# -- one writer, readers see whole generations ---------------------------------------------------------


def test_a_read_outpaced_by_writes_still_reads_a_whole_generation(tmp_path: Path, monkeypatch, events_a, art_a) -> None:
    import dashboard.store as store_module

    store = EventsStore(tmp_path / "s")
    store.append(events_a, [art_a])
    writer = EventsStore(tmp_path / "s")
    real = store_module.F.read_files
    writes_between = []

    def slow_read(*args, **kwargs):
        # The reader has read the manifest; before it opens the files, other processes write.
        for _ in range(writes_between.pop() if writes_between else 0):
            writer.rewrite_events(lambda ev: ev.assign(**{S.ADMIN1: f"gen {writer.manifest()['generation'] + 1}"}))
        return real(*args, **kwargs)

    monkeypatch.setattr(store_module.F, "read_files", slow_read)
    writes_between.append(1)  # the old generation's files are still there: it is read whole
    assert len(store.load_events()) == len(events_a)
    writes_between.append(2)  # they are gone: the newest generation is read instead
    assert set(store.load_events()[S.ADMIN1]) == {"gen 4"}
    writes_between.append(1)
    assert store.load_article(art_a.article_id)["text"] == art_a.text


def test_readers_never_fail_while_writes_commit(tmp_path: Path, events_a, art_a) -> None:
    import threading

    store = EventsStore(tmp_path / "s")
    store.append(events_a, [art_a])
    errors: list[Exception] = []
    done = threading.Event()

    def write() -> None:
        try:
            for i in range(40):
                store.rewrite_events(lambda ev, i=i: ev.assign(**{S.ADMIN1: f"v{i}"}))
        finally:
            done.set()

    thread = threading.Thread(target=write)
    thread.start()
    reader = EventsStore(tmp_path / "s")
    reads = 0
    while not done.is_set() or reads < 50:
        try:
            assert len(reader.load_events_table()) == len(events_a)
            reader.load_article(art_a.article_id)
        except StoreError as err:
            errors.append(err)
        reads += 1
    thread.join()
    assert errors == [] and reader.manifest()["generation"] == 41


def test_a_second_writer_waits_and_says_for_whom(tmp_path: Path, events_a, art_a) -> None:
    import os
    import threading

    from dashboard.store import StoreBusy

    holder = EventsStore(tmp_path / "s")
    holder.append(events_a, [art_a])
    said: list[str] = []
    asked = threading.Event()
    with holder._lock():
        impatient = EventsStore(tmp_path / "s", lock_wait_s=0.1)
        with pytest.raises(StoreBusy, match=f"being written by pid {os.getpid()}"):
            impatient.rewrite_events(lambda ev: ev)
        patient = EventsStore(tmp_path / "s", on_wait=lambda m: (said.append(m), asked.set()))
        thread = threading.Thread(target=lambda: patient.rewrite_events(lambda ev: ev))
        thread.start()
        assert asked.wait(30)
        assert thread.is_alive()  # still waiting while the lock is held
    thread.join(30)
    assert not thread.is_alive() and patient.manifest()["generation"] == 2
    assert "is being written by pid" in said[0] and "waiting for it to finish" in said[0]


def test_a_format_1_store_is_read_and_carried_to_the_new_layout(
    tmp_path: Path, events_a, events_b, art_a, art_b
) -> None:
    import pyarrow as pa

    root = tmp_path / "old"
    root.mkdir()
    events = S.coerce_events(events_a)
    pq.write_table(pa.Table.from_pandas(events, preserve_index=False), root / "events-000003.parquet")
    pq.write_table(
        pa.Table.from_pandas(articles_frame([art_a]), preserve_index=False), root / "articles-000003.parquet"
    )
    (root / MANIFEST).write_text(
        json.dumps({"format": 1, "generation": 3, "n_events": 2, "n_articles": 1, "hash": "abc"})
    )
    store = EventsStore(root)
    assert sorted(store.load_events()[S.EVENT_ID]) == ["ea1", "ea2"] and store.article_ids() == {art_a.article_id}
    assert store.append(events_b, [art_b]) == (1, 1)
    assert sorted(store.load_events()[S.EVENT_ID]) == ["ea1", "ea2", "eb1"]
    assert store.manifest()["n_articles"] == 2
    assert store.manifest().get("rollup") is None, "a store written before the rollup has none"
    done = store.compact()
    assert done["files_after"] < done["files_before"]
    assert store.manifest()["rollup"] and R.differences(root, store.manifest()).empty, "compaction writes it"
    assert (root / "events-000003.parquet").exists(), "kept until the next write, for readers"
    store.rewrite_events(lambda ev: ev)
    assert not (root / "events-000003.parquet").exists(), "the old file is gone once compacted"
    assert sorted(store.load_events()[S.EVENT_ID]) == ["ea1", "ea2", "eb1"]
    assert store.manifest()["format"] == 2 and len(store.load_articles()) == 2


def test_compact_folds_overlays_and_keeps_every_row(tmp_path: Path, make_events, art_a, art_b) -> None:
    store = EventsStore(tmp_path / "s")
    same = dict(event_type="Battles", sub_event_type="Armed clash", event_date="2020-03-04", actor1="", actor2="")
    store.append(make_events(dict(same, event_id="x1", article_id=art_a.article_id, source="A")), [art_a])
    store.append(make_events(dict(same, event_id="x2", article_id=art_b.article_id, source="B")), [art_b])
    before = store.load_events()
    assert store.manifest()["overlays"], "the second report changed the first one's cluster"
    assert (before[S.N_SOURCES] == 2).all()
    store.compact()
    m = store.manifest()
    assert not m["overlays"] and len(m["events"]) == 1 and len(m["articles"]) == 1
    pd.testing.assert_frame_equal(
        store.load_events().sort_values(S.EVENT_ID).reset_index(drop=True),
        before.sort_values(S.EVENT_ID).reset_index(drop=True),
    )


def test_current_manifest_is_kept_until_a_write_replaces_it(tmp_path: Path, events_a, events_b, art_a, art_b) -> None:
    store = EventsStore(tmp_path / "s")
    assert store.current()["generation"] == 0  # no manifest yet: read as empty
    store.append(events_a, [art_a])
    first = store.current()
    assert first == store.manifest() and first["generation"] == 1
    assert store.current() is first  # the file did not change: not read again
    store.append(events_b, [art_b])
    second = store.current()
    assert second["generation"] == 2 and second == store.manifest()
    assert store.current() is second
