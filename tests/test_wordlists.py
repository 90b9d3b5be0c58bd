"""The word lists the rules consult are read from TOML files; a broken file names itself."""

from __future__ import annotations

from pathlib import Path

import pytest

from dashboard import datelines, dates
from dashboard.errors import ConflictMapError
from dashboard.events import actor_roles, nonsites, numbers, roles, sites, when, who
from dashboard.geo import gazetteer, locative, names
from dashboard.wordlists import phrase_list, table, word_set


def test_a_list_is_its_whitespace_separated_words(tmp_path: Path) -> None:
    path = tmp_path / "w.toml"
    path.write_text(
        'short = "in at  near"\nlong = """\nvillage town\ncity\n"""\n[pairs]\nain = "ayn"\n', encoding="utf-8"
    )
    assert word_set(path, "short") == frozenset({"in", "at", "near"})
    assert word_set(path, "long") == frozenset({"village", "town", "city"})
    assert table(path, "pairs") == {"ain": "ayn"}


def test_a_dotted_key_reads_a_module_table_and_an_array_keeps_its_order(tmp_path: Path) -> None:
    path = tmp_path / "w3.toml"
    path.write_text(
        '[dates]\nagencies = ["ZZ", "Aa News", "ZZ"]\n[dates.months]\njan = 1\n[sites]\nnouns = "hamlet camp"\n',
        encoding="utf-8",
    )
    assert phrase_list(path, "dates.agencies") == ("ZZ", "Aa News", "ZZ")
    assert table(path, "dates.months") == {"jan": 1}
    assert word_set(path, "sites.nouns") == frozenset({"hamlet", "camp"})
    with pytest.raises(ConflictMapError, match="w3.toml"):
        phrase_list(path, "sites.nouns")  # a string of words is not an array of phrases
    with pytest.raises(ConflictMapError, match="w3.toml"):
        word_set(path, "sites.nouns.deeper")  # a key below a string


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


def test_the_event_extractors_and_dates_lists_are_read() -> None:
    assert {"jets", "air"} <= who.MILITARY_NOUNS < nonsites.ATTACK_NOUNS
    assert roles.AREA_NOUNS < roles.SITE_NOUNS and "cease-fire" in roles.ABSTRACT_NOUNS
    assert when.SPEECH_LEMMAS < nonsites.ELSEWHERE_VERBS and {"based", "issued"} <= nonsites.ELSEWHERE_VERBS
    assert {"insurgent", "strike"} <= actor_roles.ATTACK_HEADS and "allege" in actor_roles.SPEECH
    assert sites.PART_NOUNS < sites.SITE_NOUNS and {"monday", "an"} <= sites.NOT_NAMES
    assert numbers._UNITS["ninety"] == 90 and numbers._VAGUE["tens of thousands"] == 20000
    assert numbers.parse_number("twenty-three") == 23
    assert dates.MONTHS["sept"] == 9 and dates.WEEKDAYS["sun"] == 6
    assert datelines.AGENCIES[:2] == ("AFP", "Agence France-Presse") and "Associated Press" in datelines.AGENCIES
