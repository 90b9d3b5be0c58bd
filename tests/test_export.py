"""dashboard.export: CSV / GeoJSON / Parquet writers on a hand-made events table."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from dashboard import schema as S
from dashboard.export import FORMATS, events_geojson, write_events


@pytest.fixture
def events(make_events) -> pd.DataFrame:
    return make_events(
        dict(event_id="a", fatalities=36, event_date="2020-03-01"),
        dict(
            event_id="b",
            location="Moscow",
            latitude=55.75,
            longitude=37.62,
            fatalities=None,
            event_date=None,
            geonameid=None,
            is_future=True,
            excerpt='Talks "in" Moscow, with commas\nand a newline.',
        ),
    )


def test_geojson_features(events: pd.DataFrame) -> None:
    gj = events_geojson(events)
    text = json.dumps(gj, allow_nan=False)  # plain JSON: no NaN, no numpy types
    assert json.loads(text) == gj
    a, b = gj["features"]
    assert a["geometry"] == {"type": "Point", "coordinates": [36.63393, 35.93062]}
    assert b["geometry"]["coordinates"] == [37.62, 55.75]
    assert a["properties"][S.FATALITIES] == 36 and isinstance(a["properties"][S.FATALITIES], int)
    assert a["properties"][S.EVENT_DATE] == "2020-03-01"
    assert b["properties"][S.FATALITIES] is None
    assert b["properties"][S.EVENT_DATE] is None
    assert b["properties"][S.GEONAMEID] is None
    assert b["properties"][S.IS_FUTURE] is True
    assert S.LATITUDE not in a["properties"] and S.LONGITUDE not in a["properties"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_write_events_round_trip(events: pd.DataFrame, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / "deep" / f"events.{fmt}"
    assert write_events(events, fmt, out) == 2
    assert out.is_file()
    assert [p.name for p in out.parent.iterdir()] == [out.name], "no temporary file left"
    if fmt == "csv":
        back = pd.read_csv(out, dtype=str, keep_default_na=False)
        assert list(back.columns) == list(S.NAMES)
        assert back[S.EXCERPT].tolist() == events[S.EXCERPT].tolist()
        assert back[S.EVENT_DATE].tolist() == ["2020-03-01", ""]
    elif fmt == "parquet":
        pd.testing.assert_frame_equal(pd.read_parquet(out), events)
    else:
        assert len(json.loads(out.read_text(encoding="utf-8"))["features"]) == 2


def test_write_events_coerces_to_the_schema(events: pd.DataFrame, tmp_path: Path) -> None:
    out = tmp_path / "e.parquet"
    write_events(events.assign(extra_column=1)[list(reversed(events.columns)) + ["extra_column"]], "parquet", out)
    assert list(pd.read_parquet(out).columns) == list(S.NAMES)


def test_unknown_format_writes_nothing(events: pd.DataFrame, tmp_path: Path) -> None:
    out = tmp_path / "e.xlsx"
    with pytest.raises(ValueError, match="unknown export format 'xlsx'"):
        write_events(events, "xlsx", out)
    assert list(tmp_path.iterdir()) == []


def test_failed_write_keeps_the_old_file(events: pd.DataFrame, tmp_path: Path, monkeypatch) -> None:
    out = tmp_path / "e.csv"
    out.write_text("old contents", encoding="utf-8")

    def boom(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(pd.DataFrame, "to_csv", boom)
    with pytest.raises(OSError):
        write_events(events, "csv", out)
    assert out.read_text(encoding="utf-8") == "old contents"
    assert [p.name for p in tmp_path.iterdir()] == ["e.csv"]


def test_csv_neutralises_formulas_but_not_numbers(make_events, tmp_path: Path) -> None:
    import csv

    hostile = make_events(
        dict(
            event_id="=1+1",
            title='=HYPERLINK("http://x.example","open")',
            excerpt="+44 20 1234",
            source="@SUM(A1)",
            actor1="-2+3",
            actor2="\tcmd",
            longitude=-73.9,
            latitude=-33.5,
            trigger="a=b",
            fatalities=3,
        )
    )
    path = tmp_path / "e.csv"
    write_events(hostile, "csv", path)
    row = next(csv.DictReader(path.open(encoding="utf-8")))
    assert row[S.TITLE] == """'=HYPERLINK("http://x.example","open")"""
    assert (row[S.EXCERPT], row[S.SOURCE], row[S.ACTOR1], row[S.ACTOR2], row[S.EVENT_ID]) == (
        "'+44 20 1234",
        "'@SUM(A1)",
        "'-2+3",
        "'\tcmd",
        "'=1+1",
    )
    assert (row[S.LONGITUDE], row[S.LATITUDE], row[S.TRIGGER], row[S.FATALITIES]) == ("-73.9", "-33.5", "a=b", "3")
    assert events_geojson(hostile)["features"][0]["properties"][S.TITLE].startswith("=HYPERLINK")


def test_csv_cell_with_a_lone_cr_stays_one_cell(make_events, tmp_path: Path) -> None:
    import csv

    # A CR alone ends a record for CSV readers: unquoted, the rest of the title became a record of
    # its own, starting with the formula.
    hostile = make_events(dict(title="Quiet day\r=cmd|' /C notepad'!A0", source="Wire\r\nService"))
    path = tmp_path / "e.csv"
    write_events(hostile, "csv", path)
    rows = list(csv.DictReader(path.open(encoding="utf-8", newline="")))
    assert len(rows) == 1
    assert rows[0][S.TITLE] == "Quiet day\n=cmd|' /C notepad'!A0"
    assert rows[0][S.SOURCE] == "Wire\r\nService"  # a CRLF is quoted as it is


def test_csv_neutralises_formulas_behind_spaces_and_invisible_characters(make_events, tmp_path: Path) -> None:
    import csv

    starts = [" =1+1", "\u00a0=1+1", "\u200b+1+1", "\uff1d1+1", "\x00=1+1", "\n@A1", "\x00plain"]
    hostile = make_events(*[dict(title=t, event_id=f"e{i}") for i, t in enumerate(starts)])
    path = tmp_path / "e.csv"
    write_events(hostile, "csv", path)
    titles = [r[S.TITLE] for r in csv.DictReader(path.open(encoding="utf-8", newline=""))]
    assert titles == ["'" + t for t in starts]
    # Ordinary text is left alone, a sign inside it too.
    plain = make_events(dict(title="Shelling in Idlib = 3 dead", source="A - B"))
    write_events(plain, "csv", path)
    row = next(csv.DictReader(path.open(encoding="utf-8", newline="")))
    assert (row[S.TITLE], row[S.SOURCE]) == ("Shelling in Idlib = 3 dead", "A - B")
