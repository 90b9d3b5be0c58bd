"""A store's folder refused when it is not one, or is a damaged one (dashboard/store_checks.py):
the error names the folder or the manifest, and no file in it changes."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from dashboard import store_checks as C
from dashboard.errors import StoreError
from dashboard.ingest.article import Article
from dashboard.store import EventsStore


@pytest.fixture
def first(make_events) -> tuple[pd.DataFrame, list[Article]]:
    art = Article(text="Rebels shelled Maarat al-Numan.", title="Shelling", published=date(2019, 5, 6), source="f")
    return make_events(dict(event_id="f1", article_id=art.article_id)), [art]


@pytest.fixture
def second(make_events) -> tuple[pd.DataFrame, list[Article]]:
    art = Article(text="Jets struck Kafr Nabl.", title="Strike", published=date(2019, 5, 8), source="g")
    return make_events(dict(event_id="g1", article_id=art.article_id, location="Kafr Nabl")), [art]


def _files(root: Path) -> dict[str, str]:
    """Every file under `root` and a digest of its bytes; not the merge's index, a cache of the
    parts that a write opens (and SQLite writes back) before it finds what to refuse."""
    files = [p for p in sorted(root.rglob("*")) if p.is_file() and not p.name.startswith("merge-index")]
    return {str(p.relative_to(root)): hashlib.sha1(p.read_bytes()).hexdigest() for p in files}


def test_a_folder_holding_other_things_is_not_made_a_store(tmp_path: Path, first) -> None:
    mine = tmp_path / "work"
    (mine / "events").mkdir(parents=True)
    (mine / "results.parquet").write_bytes(b"mine")
    (mine / "events" / "my_events.parquet").write_bytes(b"mine too")
    before = _files(mine)
    with pytest.raises(StoreError, match=r"work: not a conflictmap store.*'results\.parquet'"):
        EventsStore(mine).append(*first)
    assert _files(mine) == before  # not even the lock's file


def test_a_new_folder_with_hidden_files_or_an_inbox_is_a_store(tmp_path: Path, first) -> None:
    root = tmp_path / "s"
    (root / "inbox").mkdir(parents=True)
    (root / ".gitkeep").write_text("")
    EventsStore(root).append(*first)
    assert EventsStore(root).manifest()["generation"] == 1


def test_a_write_leaves_files_that_are_not_the_stores(tmp_path: Path, first, second) -> None:
    root = tmp_path / "s"
    EventsStore(root).append(*first)
    (root / "notes.parquet").write_bytes(b"kept")  # put there by hand, once it was a store
    (root / "mine").mkdir()
    (root / "mine" / "table.parquet").write_bytes(b"kept too")
    (root / "tmpabc123.parquet.tmp").write_bytes(b"a crashed write's")
    EventsStore(root).append(*second)
    assert (root / "notes.parquet").read_bytes() == b"kept"
    assert (root / "mine" / "table.parquet").read_bytes() == b"kept too"
    assert not (root / "tmpabc123.parquet.tmp").exists()


def _stored(tmp_path: Path, first) -> Path:
    root = tmp_path / "s"
    EventsStore(root).append(*first)
    return root


def test_a_store_without_its_manifest_is_refused_not_written_over(tmp_path: Path, first, second) -> None:
    root = _stored(tmp_path, first)
    (root / "manifest.json").unlink()
    before = _files(root)
    with pytest.raises(StoreError, match=r"manifest\.json: missing, yet the folder holds the store's data files"):
        EventsStore(root).append(*second)
    with pytest.raises(StoreError, match="missing, yet"):
        EventsStore(root).load_events()  # not read as an empty store either
    assert _files(root) == before


def test_a_manifest_that_is_a_folder_is_refused(tmp_path: Path, first, second) -> None:
    root = _stored(tmp_path, first)
    (root / "manifest.json").unlink()
    (root / "manifest.json").mkdir()
    before = _files(root)
    with pytest.raises(StoreError, match="manifest is not a regular file"):
        EventsStore(root).append(*second)
    assert _files(root) == before


DAMAGES: dict[str, Callable[[dict], None]] = {
    "'events' is not a list": lambda m: m.update(events="x"),
    "'overlays' is not a list": lambda m: m.pop("overlays"),
    "generation .* is out of range": lambda m: m.update(generation=10**30),
    "'events' entry 0 has no file path inside the store": lambda m: m["events"][0].update(path=5),
    "'articles' entry 0 has no file path inside the store": lambda m: m["articles"][0].update(path="../../etc/x"),
    "'events' entry 0 has no row count": lambda m: m["events"][0].update(rows="many"),
    "'rollup' entry 0: its .* file is not a path inside the store": lambda m: m["rollup"][0].update(sums={"d": "/x"}),
}


@pytest.mark.parametrize("problem", list(DAMAGES))
def test_a_damaged_manifest_is_named_and_nothing_is_written(tmp_path: Path, first, second, problem: str) -> None:
    root = _stored(tmp_path, first)
    path = root / "manifest.json"
    m = json.loads(path.read_text(encoding="utf-8"))
    DAMAGES[problem](m)
    path.write_text(json.dumps(m), encoding="utf-8")
    before = _files(root)
    with pytest.raises(StoreError, match=f"manifest.json: damaged store manifest: {problem}"):
        EventsStore(root).append(*second)
    with pytest.raises(StoreError, match="damaged store manifest"):
        EventsStore(root).load_events()
    assert _files(root) == before


def test_a_store_missing_a_part_is_refused(tmp_path: Path, first, second) -> None:
    root = _stored(tmp_path, first)
    part = root / EventsStore(root).manifest()["events"][0]["path"]
    part.unlink()
    before = _files(root)
    with pytest.raises(StoreError, match=r"the store is damaged: events/.*\.parquet is missing; nothing was written"):
        EventsStore(root).append(*second)
    assert _files(root) == before


def _named(root: Path, names: list[str]) -> set[str]:
    for rel in names:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(b"x")
    return set(names)


def _emptied(folder: Path) -> None:
    for p in folder.iterdir():
        p.unlink()
    folder.rmdir()


def _folder_for_file(root: Path) -> None:
    (root / "articles/part-000001.parquet").unlink()
    (root / "articles/part-000001.parquet").mkdir()


def _file_for_folder(root: Path) -> None:
    _emptied(root / "overlays")
    (root / "overlays").write_bytes(b"")


# What check_present reads from its folders' listings, as asking about each file told it: each case
# does something to the store's folder, and names the start of the first path reported missing.
PRESENT_CASES: dict[str, tuple[Callable[[Path], object], str | None]] = {
    "every file there": (lambda root: None, None),
    "one file gone beside others": (lambda root: (root / "events/2021/part-000002.parquet").unlink(), "events/2021/"),
    "a whole folder gone": (lambda root: _emptied(root / "rollup"), "rollup/"),
    "a folder where a file was": (_folder_for_file, "articles/part-000001.parquet"),
    "a file where a folder was": (_file_for_folder, "overlays/"),
}


@pytest.mark.parametrize("case", list(PRESENT_CASES))
def test_the_files_a_generation_names_are_found_from_their_folders_listings(tmp_path: Path, case: str) -> None:
    names = [
        "events/2020/part-000001.parquet",
        "events/2021/part-000001.parquet",
        "events/2021/part-000002.parquet",
        "overlays/patch-000002.parquet",
        "articles/part-000001.parquet",
        "rollup/part-000001.parquet",
        "rollup/sums-000001.parquet",
    ]
    paths = _named(tmp_path, names)
    damage, gone = PRESENT_CASES[case]
    damage(tmp_path)
    if gone is None:
        C.check_present(tmp_path, paths)
        return
    with pytest.raises(StoreError, match=f"the store is damaged: {gone}"):
        C.check_present(tmp_path, paths)
    missing = sorted(p for p in paths if not (tmp_path / p).is_file())  # asked file by file
    more = f" (and {len(missing) - 1} more files)" if len(missing) > 1 else ""
    with pytest.raises(StoreError, match=re.escape(f"damaged: {missing[0]} is missing{more}; nothing was written")):
        C.check_present(tmp_path, paths)


def test_the_first_manifest_comes_before_any_data_file(tmp_path: Path, first, second, monkeypatch) -> None:
    from dashboard import store_commit

    def broken(*args, **kwargs):
        raise OSError("disk full")

    root = tmp_path / "s"
    monkeypatch.setattr(store_commit, "write_rollup", broken)
    with pytest.raises(StoreError, match="disk full"):
        EventsStore(root).append(*first)  # the events' parts were written, then the write failed
    assert json.loads((root / "manifest.json").read_text(encoding="utf-8"))["generation"] == 0
    monkeypatch.undo()
    EventsStore(root).append(*second)  # not refused as a store that lost its manifest
    assert set(EventsStore(root).load_events()["event_id"]) == {"g1"}


def test_the_stores_own_names_are_its_modules_names() -> None:
    from dashboard.app.upload import INBOX
    from dashboard.bench_serve import MARKER
    from dashboard.store_files import MANIFEST
    from dashboard.store_lock import LOCK

    assert {MANIFEST, LOCK, INBOX, MARKER} <= C.OWN_NAMES


@pytest.mark.parametrize(
    ("path", "ok"),
    [
        ("events/2019/part-000001.parquet", True),
        ("articles-000001.parquet", True),
        ("/etc/passwd", False),
        ("../outside.parquet", False),
        ("events/../../x", False),
        ("events//x", False),
        ("C:x", False),
        ("a\\b", False),
        ("", False),
        (None, False),
        (5, False),
    ],
)
def test_inside(path: object, ok: bool) -> None:
    assert C.inside(path) is ok
