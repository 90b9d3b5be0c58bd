"""The `conflictmap` command line: ingest, export and argument errors."""

from __future__ import annotations

import csv
import json
import math
import shutil
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from dashboard import schema as S
from dashboard.cli import main
from dashboard.cli_args import build_parser
from dashboard.export import select_kind
from dashboard.ingest_status import read_status
from dashboard.store import EventsStore

LATIN1_TEXT = "Alep café\n\nShelling near Aleppo, Syria, killed two civilians on Sept. 17, 2018, residents said."


@pytest.fixture(autouse=True)
def _no_default_store(tmp_path_factory, monkeypatch):
    """Never touch the user's real store, whatever a test forgets to pass."""
    monkeypatch.setenv("CONFLICTMAP_STORE", str(tmp_path_factory.mktemp("default_store")))


@pytest.fixture
def batch(tmp_path: Path, seed_path: Path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(seed_path, folder / "seed.txt")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "binary.txt").write_bytes(b"\x7fELF\x02\x01\x01\x00\x00\x00\x00" * 30)
    (folder / "latin1.txt").write_bytes(LATIN1_TEXT.encode("latin-1"))
    return folder


@pytest.fixture(scope="module")
def ingested(tmp_path_factory, seed_path: Path, pipeline) -> Path:
    """A store holding the seed article, made through the CLI once for the export tests (with the
    session's pipeline, as `fast_pipeline` gives a test: loading another gazetteer is ~1 CPU-s)."""
    import dashboard.pipeline

    store = tmp_path_factory.mktemp("cli_store") / "store"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(dashboard.pipeline, "build_pipeline", lambda *a, **k: pipeline)
        assert main(["ingest", str(seed_path), "--store", str(store)]) == 0
    return store


def test_ingest_folder_with_bad_files(batch: Path, tmp_path: Path, capsys, fast_pipeline) -> None:
    store = tmp_path / "store"
    assert main(["ingest", str(batch), "--store", str(store)]) == 0
    out = capsys.readouterr().out
    assert "read 2 article(s); 0 already stored; 2 skipped" in out
    lines = out.splitlines()
    skipped = [line.strip() for line in lines if line.strip().startswith("skipped ")]
    assert len(skipped) == 2
    assert any(str(batch / "empty.txt") in line and "empty file" in line for line in skipped)
    assert any(str(batch / "binary.txt") in line and "binary file" in line for line in skipped)
    assert not any("latin1.txt" in line or "seed.txt" in line for line in skipped)
    assert f"to {store}" in out

    es = EventsStore(store)
    events = es.load_events()
    arts = es.load_articles()
    assert len(arts) == 2
    assert f"added 2 article(s) and {len(events)} event(s)" in out
    assert len(events) > 0
    assert set(events[S.ARTICLE_ID]) <= set(arts["article_id"])
    latin = arts[arts["title"] == "Alep café"]
    assert len(latin) == 1
    assert latin["text"].iloc[0] == LATIN1_TEXT.split("\n\n", 1)[1]
    aleppo = events[events[S.TOPONYM] == "Aleppo"]
    assert len(aleppo) >= 1
    assert (aleppo[S.COUNTRY_CODE] == "SY").all()
    assert (aleppo[S.FATALITIES] == 2).any()
    assert (aleppo[S.EVENT_DATE] == pd.Timestamp("2018-09-17")).all()

    # Again: everything is already stored, nothing is added, the store is unchanged.
    manifest = es.manifest()
    assert main(["ingest", str(batch), "--store", str(store)]) == 0
    out = capsys.readouterr().out
    assert "read 2 article(s); 2 already stored; 2 skipped" in out
    assert "added 0 article(s) and 0 event(s)" in out
    assert es.manifest() == manifest


def test_same_text_twice_in_one_batch_is_stored_once(tmp_path: Path, seed_path: Path, capsys, fast_pipeline) -> None:
    folder = tmp_path / "dup"
    folder.mkdir()
    shutil.copy(seed_path, folder / "a.txt")
    shutil.copy(seed_path, folder / "b.txt")
    store, status = tmp_path / "store", tmp_path / "status.json"
    assert main(["ingest", str(folder), "--store", str(store), "--status", str(status)]) == 0
    out = capsys.readouterr().out
    assert (read_status(status).already_stored, read_status(status).duplicates) == (0, 1)
    # The store was empty: the second copy is a duplicate within the batch, not "already stored".
    assert "read 2 article(s); 0 already stored; 1 duplicate(s) within the batch; 0 skipped" in out
    assert "added 1 article(s)" in out
    assert len(EventsStore(store).load_articles()) == 1
    # Again, with a third copy: all three are in the store now.
    shutil.copy(seed_path, folder / "c.txt")
    assert main(["ingest", str(folder), "--store", str(store)]) == 0
    assert "read 3 article(s); 3 already stored; 0 skipped" in capsys.readouterr().out


def test_ingest_only_bad_files_fails(tmp_path: Path, capsys) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    missing = tmp_path / "missing.txt"
    store = tmp_path / "store"
    assert main(["ingest", str(tmp_path / "empty.txt"), str(missing), "--store", str(store)]) == 1
    out = capsys.readouterr().out
    assert "read 0 article(s); 0 already stored; 2 skipped" in out
    assert f"skipped {missing}: no such file or folder" in out
    assert f"skipped {tmp_path / 'empty.txt'}: empty file" in out
    assert not EventsStore(store).exists()


def test_published_option(tmp_path: Path, capsys, fast_pipeline) -> None:
    f = tmp_path / "undated.txt"
    f.write_text(
        "Clashes\n\nTurkish troops clashed with regime forces in Idlib, Syria, residents said.", encoding="utf-8"
    )
    store = tmp_path / "store"
    assert main(["ingest", str(f), "--store", str(store), "--published", "2020-01-02"]) == 0
    capsys.readouterr()
    es = EventsStore(store)
    arts = es.load_articles()
    assert arts["published"].tolist() == [pd.Timestamp("2020-01-02")]
    assert arts["published_inferred"].tolist() == [False]
    events = es.load_events()
    assert len(events) >= 1
    assert (events[S.PUBLISHED] == pd.Timestamp("2020-01-02")).all()
    assert not events[S.PUBLISHED_INFERRED].any()
    assert (events[S.EVENT_DATE] == pd.Timestamp("2020-01-02")).all()
    assert (events[S.DATE_SOURCE] == "published").all()


@pytest.mark.parametrize("value", ["2020-13-01", "yesterday", "02/01/2020", ""])
def test_bad_published_value_is_an_argparse_error(tmp_path: Path, capsys, value: str) -> None:
    with pytest.raises(SystemExit) as info:
        main(["ingest", str(tmp_path), "--store", str(tmp_path / "s"), "--published", value])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert "--published" in err and "not a YYYY-MM-DD date" in err
    assert not (tmp_path / "s").exists()


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["ingest"],
        ["export", "--format", "csv"],
        ["export", "--format", "xlsx", "-o", "x.xlsx"],
        ["nonsense"],
    ],
)
def test_usage_errors(argv: list[str], capsys) -> None:
    with pytest.raises(SystemExit) as info:
        main(argv)
    assert info.value.code == 2
    assert "usage: conflictmap" in capsys.readouterr().err


def test_corrupt_store_is_reported_not_raised(tmp_path: Path, capsys) -> None:
    store = tmp_path / "store"
    store.mkdir()
    (store / "manifest.json").write_text("{broken", encoding="utf-8")
    assert main(["export", "--store", str(store), "--format", "csv", "-o", str(tmp_path / "o.csv")]) == 1
    err = capsys.readouterr().err
    assert err.startswith("conflictmap: error:")
    assert str(store / "manifest.json") in err
    assert not (tmp_path / "o.csv").exists()


# -- export ------------------------------------------------------------------------------------------


def test_export_csv(ingested: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "sub" / "events.csv"
    assert main(["export", "--store", str(ingested), "--format", "csv", "-o", str(out)]) == 0
    n = len(select_kind(EventsStore(ingested).load_events(), "event"))
    assert f"wrote {n} event(s) to {out}" in capsys.readouterr().out
    with out.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == n > 0
    assert list(rows[0]) == list(S.NAMES)
    assert all(len(r[S.EVENT_DATE]) == 10 for r in rows), "dates as YYYY-MM-DD"
    assert {r[S.PUBLISHED] for r in rows} == {"2020-03-04"}
    assert any(r[S.FATALITIES] == "36" for r in rows)
    back = pd.read_csv(out)
    assert list(back.columns) == list(S.NAMES)
    assert not list(tmp_path.glob("sub/*.tmp"))


def test_export_geojson(ingested: Path, tmp_path: Path) -> None:
    out = tmp_path / "events.geojson"
    assert main(["export", "--store", str(ingested), "--format", "geojson", "-o", str(out)]) == 0

    def no_nan(name: str):
        raise AssertionError(f"invalid JSON constant {name}")

    gj = json.loads(out.read_text(encoding="utf-8"), parse_constant=no_nan)
    events = select_kind(EventsStore(ingested).load_events(), "event")
    assert gj["type"] == "FeatureCollection"
    assert len(gj["features"]) == len(events) > 0
    for feat, row in zip(gj["features"], events.to_dict("records"), strict=True):
        assert feat["type"] == "Feature"
        assert feat["geometry"]["type"] == "Point"
        lon, lat = feat["geometry"]["coordinates"]
        assert math.isclose(lon, row[S.LONGITUDE]) and math.isclose(lat, row[S.LATITUDE])
        assert list(feat["properties"]) == [n for n in S.NAMES if n not in (S.LATITUDE, S.LONGITUDE)]
        assert feat["properties"][S.EVENT_ID] == row[S.EVENT_ID]
        assert feat["properties"][S.PUBLISHED] == "2020-03-04"
    idlib = [f for f in gj["features"] if f["properties"][S.FATALITIES] == 36]
    assert idlib and idlib[0]["geometry"]["coordinates"][0] > idlib[0]["geometry"]["coordinates"][1], (
        "[lon, lat]: Idlib's longitude (36.6) is larger than its latitude (35.9)"
    )


def test_export_parquet(ingested: Path, tmp_path: Path) -> None:
    out = tmp_path / "events.parquet"
    assert main(["export", "--store", str(ingested), "--format", "parquet", "-o", str(out)]) == 0
    assert pq.read_schema(out).names == list(S.NAMES)
    back = pd.read_parquet(out)
    for name, dtype in S.DTYPES.items():
        assert str(back[name].dtype) == dtype, name
    pd.testing.assert_frame_equal(back, select_kind(EventsStore(ingested).load_events(), "event"))


@pytest.mark.parametrize("fmt", ["csv", "geojson", "parquet"])
def test_export_empty_store(tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"empty.{fmt}"
    EventsStore(tmp_path / "none").replace_events(S.empty_events())
    assert main(["export", "--store", str(tmp_path / "none"), "--format", fmt, "-o", str(out)]) == 0
    if fmt == "csv":
        assert out.read_text(encoding="utf-8").strip().split(",") == list(S.NAMES)
    elif fmt == "geojson":
        assert json.loads(out.read_text(encoding="utf-8")) == {"type": "FeatureCollection", "features": []}
    else:
        assert pq.read_schema(out).names == list(S.NAMES)


def test_export_names_a_missing_store_and_an_output_it_cannot_write(ingested: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "e.csv"
    assert main(["export", "--store", str(tmp_path / "typo"), "--format", "csv", "-o", str(out)]) == 1
    assert "typo: no store there" in capsys.readouterr().err and not out.exists()
    folder = tmp_path / "folder"
    folder.mkdir()
    assert main(["export", "--store", str(ingested), "--format", "csv", "-o", str(folder)]) == 1
    assert "folder: cannot write the export" in capsys.readouterr().err
    assert list(tmp_path.glob("*.tmp")) == []


def test_export_uses_default_store_from_env(ingested: Path, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("CONFLICTMAP_STORE", str(ingested))
    out = tmp_path / "e.csv"
    assert main(["export", "--format", "csv", "-o", str(out)]) == 0
    assert len(pd.read_csv(out)) == len(select_kind(EventsStore(ingested).load_events(), "event"))


def test_export_kinds(ingested: Path, tmp_path: Path) -> None:
    """Events by default; mentions (totals, statements, places named without an event) on request."""
    stored = EventsStore(ingested).load_events()
    counts = {}
    for kind in ("event", "mention", "all"):
        out = tmp_path / f"{kind}.csv"
        assert main(["export", "--store", str(ingested), "--format", "csv", "--kind", kind, "-o", str(out)]) == 0
        back = pd.read_csv(out)
        counts[kind] = len(back)
        if kind != "all":
            assert set(back[S.RECORD_KIND]) <= {kind}
    assert counts["event"] + counts["mention"] == counts["all"] == len(stored)
    assert counts["event"] > 0 and counts["mention"] > 0


def test_parser_subcommands() -> None:
    p = build_parser()
    args = p.parse_args(["ingest", "a", "b", "--published", "2020-01-02"])
    assert args.paths == ["a", "b"] and str(args.published) == "2020-01-02" and args.store is None
    args = p.parse_args(["serve", "--port", "9000"])
    assert (args.host, args.port) == ("127.0.0.1", 9000)
    args = p.parse_args(["eval", "geoparse", "gold.jsonl", "--gold-spans", "--limit", "3"])
    assert args.gold_spans and args.limit == 3
