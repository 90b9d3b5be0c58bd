"""The word lists the rules consult are read from TOML files; a broken file names itself."""

from __future__ import annotations

from pathlib import Path

import pytest

from dashboard.errors import ConflictMapError
from dashboard.geo import gazetteer, locative, names
from dashboard.wordlists import table, word_set


def test_a_list_is_its_whitespace_separated_words(tmp_path: Path) -> None:
    path = tmp_path / "w.toml"
    path.write_text('short = "in at  near"\nlong = """\nvillage town\ncity\n"""\n[pairs]\nain = "ayn"\n',
                    encoding="utf-8")
    assert word_set(path, "short") == frozenset({"in", "at", "near"})
    assert word_set(path, "long") == frozenset({"village", "town", "city"})
    assert table(path, "pairs") == {"ain": "ayn"}


@pytest.mark.parametrize("key", ["absent", "pairs"])
def test_a_missing_or_misshapen_list_names_its_file(tmp_path: Path, key: str) -> None:
    path = tmp_path / "w2.toml"
    path.write_text('[pairs]\nain = "ayn"\n', encoding="utf-8")
    with pytest.raises(ConflictMapError, match="w2.toml"):
        word_set(path, key)


def test_a_missing_file_names_itself(tmp_path: Path) -> None:
    with pytest.raises(ConflictMapError, match="nowhere.toml"):
        table(tmp_path / "nowhere.toml", "fold")


def test_the_packaged_lists_are_read() -> None:
    assert {"village", "sub-district", "siege"} <= locative.SITE_WORDS
    assert "'s" in locative.CONNECTORS, "a particle that is not a word still counts"
    assert {"outskirts", "km", "north-east"} <= locative.RELATIVE_WORDS
    assert names.FACILITY_WORDS < names.GENERIC_WORDS
    assert "army's" in names.STATE_NOUNS
    assert gazetteer.fold("Tell Abyaḍ’s") == "tell abyads"
    assert gazetteer.NAME_WORDS["deir"] == "dayr" and gazetteer.PRECISION_BY_CODE["ADM1"] == 3

