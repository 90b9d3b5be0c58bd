"""`actors.named_parties`: the parties to talks and statements as the table lists them (names written
for these tests)."""

from __future__ import annotations

import dataclasses

import pytest

from dashboard import schema as S
from dashboard.events.who import party_name
from dashboard.ingest.article import Article
from dashboard.rules import Switches
from tests.test_sites import PUBLISHED


@pytest.mark.parametrize(
    "name, label, party",
    [
        ("ISIL", "ORG", "Islamic State (ISIS)"),  # the dictionary's canonical name
        ("the Syrian Democratic Forces", "ORG", "Syrian Democratic Forces (SDF)"),
        ("Kremlin", "ORG", "Government of Russia"),  # a state in talks is its government
        ("Associated Press", "ORG", None),  # an outlet reports, it is no party
        ("Eastern Ghouta", "ORG", None),  # a place the model tagged an organisation
        ("U.N.", "ORG", "U.N."),  # an acronym, whatever village shares its letters
        ("Mediation Council of Elders", "ORG", "Mediation Council of Elders"),  # unknown: as written
    ],
)
def test_party_name(gazetteer, name: str, label: str, party: str | None) -> None:
    assert party_name(name, label, gazetteer) == party


def _parties(pipeline, text: str) -> list[str]:
    ev = pipeline.run([Article(text=text, title="t", published=PUBLISHED)]).events
    return sorted({str(a) for c in (S.ACTOR1, S.ACTOR2) for a in ev[c] if a})


def test_a_glued_possessive_is_the_person_the_article_names(pipeline) -> None:
    text = (
        "President Bashar al-Assad met the Russian foreign minister in Damascus on Tuesday. "
        "Bashar al-Assads envoy met Iranian officials in Tehran on Wednesday to discuss the talks."
    )
    parties = _parties(pipeline, text)
    assert "Bashar al-Assads" not in parties and "Bashar al-Assad" in parties
    off = _parties(dataclasses.replace(pipeline, switches=Switches.parse("actors.named_parties")), text)
    assert "Bashar al-Assads" in off


def test_a_name_the_article_writes_as_a_place_is_no_party(pipeline) -> None:
    text = (
        "Talks between Kafr Batikh and the Nusra Front broke down on Monday, residents said. "
        "Hundreds of families fled from the village of Kafr Batikh in Idlib province on Tuesday."
    )
    assert "Kafr Batikh" not in _parties(pipeline, text)


def test_a_tv_channel_reports_it_is_no_party(gazetteer) -> None:
    assert party_name("Press TV", "ORG", gazetteer) is None


def test_the_regime_with_a_dropped_apostrophe_is_no_person(pipeline) -> None:
    text = "President Bashar al-Assads government backed the truce agreement reached by Moscow and Ankara on Friday."
    parties = _parties(pipeline, text)
    assert "Bashar al-Assads" not in parties and "Military Forces of Syria (2000-)" in parties


@pytest.mark.parametrize(
    "text",
    [
        "Hundreds of families fled the town of Kadima in Sudan's Blue Nile state on Friday, residents said.",
        "Hundreds of families fled from Arish in Egypt's North Sinai on Friday, residents said.",
    ],
)
def test_a_country_whose_possessive_names_a_place_is_no_party(pipeline, text: str) -> None:
    assert not [p for p in _parties(pipeline, text) if p.startswith("Government of")]
    off = _parties(dataclasses.replace(pipeline, switches=Switches.parse("actors.place_possessor")), text)
    assert [p for p in off if p.startswith("Government of")], "switched off: the possessor was a party"


def test_a_country_whose_possessive_names_an_envoy_is_a_party(pipeline) -> None:
    text = "Sudan's envoy met the mediators in Addis Ababa on Friday to discuss the ceasefire."
    assert "Government of Sudan" in _parties(pipeline, text)
