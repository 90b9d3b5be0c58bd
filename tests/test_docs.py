"""The README documents every command, option and events-table column (datasette-style doc tests)."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import pytest

from dashboard import schema as S
from dashboard.cli_args import build_parser

README = Path(__file__).resolve().parents[1] / "README.md"


def _subparsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def _commands(
    parser: argparse.ArgumentParser, prefix: tuple[str, ...] = ()
) -> list[tuple[tuple[str, ...], argparse.ArgumentParser]]:
    out = []
    for name, sub in _subparsers(parser).items():
        path = (*prefix, name)
        out.append((path, sub))
        out.extend(_commands(sub, path))
    return out


COMMANDS = _commands(build_parser())
OPTIONS = sorted(
    {
        (" ".join(path), opt)
        for path, sub in COMMANDS
        for action in sub._actions
        for opt in action.option_strings
        if opt not in ("-h", "--help")
    }
)


@pytest.fixture(scope="module")
def readme() -> str:
    assert README.is_file(), f"{README} missing"
    return README.read_text(encoding="utf-8")


def test_parser_is_introspectable() -> None:
    names = {" ".join(path) for path, _ in COMMANDS}
    assert {"ingest", "serve", "export", "eval", "eval geoparse", "bench"} <= names
    assert ("ingest", "--published") in OPTIONS and ("export", "-o") in OPTIONS


@pytest.mark.parametrize("command", [" ".join(path) for path, _ in COMMANDS])
def test_every_command_is_documented(readme: str, command: str) -> None:
    assert re.search(rf"conflictmap {re.escape(command)}\b", readme), (
        f"README.md does not document `conflictmap {command}`"
    )


@pytest.mark.parametrize("command, option", OPTIONS)
def test_every_option_is_documented(readme: str, command: str, option: str) -> None:
    # The option must appear in a README section (text between two headings) that names its command,
    # so that `--limit` documented for `bench` does not count for `eval geoparse`.
    sections = re.split(r"^#+ ", readme, flags=re.M)
    own = [s for s in sections if re.search(rf"conflictmap {re.escape(command)}\b", s)]
    assert own, f"README.md has no section for `conflictmap {command}`"
    assert any(re.search(rf"(?<![\w-]){re.escape(option)}(?![\w-])", s) for s in own), (
        f"README.md does not document {option} of `conflictmap {command}`"
    )


@pytest.mark.parametrize("column", S.NAMES)
def test_every_column_is_documented(readme: str, column: str) -> None:
    assert f"`{column}`" in readme, f"README.md does not document the events column {column}"


@pytest.mark.parametrize("column", S.COLUMNS, ids=lambda c: c.name)
def test_column_table_matches_schema(readme: str, column: S.Column) -> None:
    row = re.search(rf"^\|\s*`{re.escape(column.name)}`\s*\|\s*([^|]+?)\s*\|", readme, flags=re.M)
    assert row, f"README.md's events table has no row for {column.name}"
    assert row.group(1).strip("` ") == column.dtype
