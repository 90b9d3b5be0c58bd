"""The word lists and small name tables the pipeline's rules consult, read from TOML files.

They are data, not code: a list of fifty words written as a Python set is one word per line once
the formatter has been over it, and a rule's vocabulary is easier to review (and to extend) in a
file that holds nothing else. Each list in a file carries the comment that says why it exists.

A list is one whitespace-separated string (`key = "village town city"`, a long one in TOML's
multi-line string); a list of phrases whose order matters is a TOML array of strings; a table is a
TOML table. A key may be dotted (`"sites.site_nouns"`): a file that serves several modules keeps
each module's lists under a table of its own. Files are read once per process.
"""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path
from typing import Any

from dashboard.errors import ConflictMapError


@cache
def _read(path: Path) -> dict[str, Any]:
    with path.open("rb") as fh:
        return tomllib.load(fh)


def _entry(path: Path, key: str) -> Any:
    try:
        entry: Any = _read(path)
        for part in key.split("."):
            entry = entry[part]
        return entry
    except (OSError, KeyError, TypeError, tomllib.TOMLDecodeError) as err:
        # A packaged file that is missing or lacks a key is a packaging bug: say which.
        raise ConflictMapError(f"word list {key!r} not found in {path}: {err}") from err


def word_set(path: Path, key: str) -> frozenset[str]:
    """The words of list `key` in the TOML file at `path`."""
    words = _entry(path, key)
    if not isinstance(words, str):
        raise ConflictMapError(f"word list {key!r} in {path} is not a string of words")
    return frozenset(words.split())


def phrase_list(path: Path, key: str) -> tuple[str, ...]:
    """The phrases of array `key` in the TOML file at `path`, in the file's order."""
    phrases = _entry(path, key)
    if not isinstance(phrases, list) or not all(isinstance(p, str) for p in phrases):
        raise ConflictMapError(f"{key!r} in {path} is not an array of strings")
    return tuple(phrases)


def table(path: Path, key: str) -> dict[str, Any]:
    """Table `key` of the TOML file at `path` (a fresh copy: the caller may keep it as its own)."""
    entries = _entry(path, key)
    if not isinstance(entries, dict):
        raise ConflictMapError(f"{key!r} in {path} is not a table")
    return dict(entries)
