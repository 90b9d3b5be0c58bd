"""NUL characters: a row (or a one-article file) holding one is refused by name and the rest of the
file read; a file that is mostly control bytes is still refused as binary; nothing stored keeps one."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dashboard.ingest.readers import ReadResult, read_file

GOOD = "Government troops shelled a market town on Monday, killing three civilians, residents said."
OTHER = "Rebels fired rockets at an army post on Tuesday, wounding five soldiers, a monitor said."


def problems(res: ReadResult) -> list[str]:
    return [str(p) for p in res.problems]


def test_a_csv_row_holding_a_nul_is_refused_and_the_other_rows_read(tmp_path: Path) -> None:
    f = tmp_path / "rows.csv"
    f.write_bytes(f'id,title,text\na,First,"{GOOD}"\nb,Broken,"Shells\x00 fell"\nc,Third,"{OTHER}"\n'.encode())
    res = read_file(f)
    assert [a.text for a in res.articles] == [GOOD, OTHER]
    assert problems(res) == [
        f"{f}:3: row refused: its 'text' holds a NUL character (U+0000), which no text holds (binary or corrupt data)"
    ]


def test_a_jsonl_row_holding_a_raw_nul_is_refused_and_the_other_rows_read(tmp_path: Path) -> None:
    f = tmp_path / "rows.jsonl"
    good, other = (json.dumps({"text": t}).encode() for t in (GOOD, OTHER))
    f.write_bytes(good + b'\n{"text": "Shells \x00 fell"}\n' + other + b"\n")
    res = read_file(f)
    assert [a.text for a in res.articles] == [GOOD, OTHER]
    assert problems(res) == [
        f"{f}:2: row refused: it holds a NUL character (U+0000), which no text holds (binary or corrupt data)"
    ]


@pytest.mark.parametrize("field", ["text", "title", "source", "url", "id", "section"])
def test_a_json_nul_escape_in_any_field_refuses_its_row(tmp_path: Path, field: str) -> None:
    row = {"text": GOOD, "title": "T", field: "\x00=1+1 " + (GOOD if field == "text" else "x")}
    f = tmp_path / "rows.jsonl"
    f.write_text(json.dumps(row) + "\n" + json.dumps({"text": OTHER}) + "\n", encoding="utf-8")
    res = read_file(f)
    assert [a.text for a in res.articles] == [OTHER]
    assert problems(res) == [
        f"{f}:1: row refused: its {field!r} holds a NUL character (U+0000), which no text holds "
        "(binary or corrupt data)"
    ]


def test_a_nul_after_the_first_64_kib_refuses_its_row_too(tmp_path: Path) -> None:
    padding = "".join(f'p{i},Padding {i},"{GOOD} Row {i}."\n' for i in range(700))
    f = tmp_path / "late.csv"
    f.write_bytes(f'id,title,text\n{padding}z,Late,"Shells\x00 fell"\n'.encode())
    assert f.stat().st_size > 65536
    res = read_file(f)
    assert len(res.articles) == 700
    assert problems(res) == [
        f"{f}:702: row refused: its 'text' holds a NUL character (U+0000), which no text holds (binary or corrupt data)"
    ]


@pytest.mark.parametrize("suffix", [".txt", ".html"])
def test_a_one_article_file_holding_a_nul_is_refused_naming_the_line(tmp_path: Path, suffix: str) -> None:
    f = tmp_path / f"a{suffix}"
    f.write_bytes(f"Title\n\n{GOOD}\n{OTHER}\x00\n".encode())
    res = read_file(f)
    assert res.articles == []
    assert problems(res) == [
        f"{f}: holds a NUL character (U+0000) on line 4, which no text holds (binary or corrupt data); refused"
    ]


@pytest.mark.parametrize("suffix", [".csv", ".jsonl", ".txt"])
def test_a_file_of_mostly_nul_and_control_bytes_is_still_binary(tmp_path: Path, suffix: str) -> None:
    f = tmp_path / f"junk{suffix}"
    f.write_bytes((b"text\n" + b'{"text": "a"}\x00\x01\x02\x00\x00\x03\n') * 50)
    res = read_file(f)
    assert res.articles == []
    assert problems(res) == [f"{f}: binary file (not text); expected UTF-8, UTF-16 or Latin-1 text"]
