"""`actors.named_parties`: the parties to talks and statements as the table lists them (names written
for these tests)."""

from __future__ import annotations

import pytest

from dashboard.events.who import party_name


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
