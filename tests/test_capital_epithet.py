"""`recognition.capital_epithet`: "the Syrian capital", "Syria's capital" stand for the capital (examples
written for these tests)."""

from __future__ import annotations

import pytest

from dashboard import schema as S
from dashboard.geo.epithets import EPITHET_LABEL, capital_epithets
from dashboard.geo.toponym import Toponym
from tests.test_sites import rows_of, without


@pytest.mark.parametrize(
    "text, span, capital",
    [
        ("Shops closed early in the Iraqi capital on Monday.", "Iraqi capital", "Baghdad"),
        ("Traffic returned to Turkey's capital after the storm.", "Turkey's capital", "Ankara"),
        # Scraped text that lost its apostrophes.
        ("Traffic returned to Turkeys capital after the storm.", "Turkeys capital", "Ankara"),
    ],
)
def test_an_epithet_stands_for_the_capital(gazetteer, text: str, span: str, capital: str) -> None:
    (t,) = capital_epithets(text, [], gazetteer)
    assert text[t.start : t.end] == span and t.label == EPITHET_LABEL
    assert t.place is not None and t.place.name == capital and t.place.feature_code == "PPLC"


@pytest.mark.parametrize(
    "text",
    [
        "The Iraqi capital Baghdad was quiet.",  # the name follows: it places itself
        "The militants held their de facto Iraqi capital for years.",  # no "the" before the demonym: a group's
        "A provincial capital fell.",  # no country
        "Its capital is far from the coast.",
    ],
)
def test_no_epithet(gazetteer, text: str) -> None:
    assert capital_epithets(text, [], gazetteer) == []


def test_an_epithet_in_apposition_to_the_name_adds_nothing(gazetteer) -> None:
    text = "Ankara, the Turkish capital, announced the closure."
    assert capital_epithets(text, [Toponym(0, 6, "Ankara", "GPE")], gazetteer) == []


def test_an_event_near_the_capital_is_placed_there(pipeline) -> None:
    text = "At least eight people were killed in shelling near the Syrian capital on Monday, a monitor said."
    ev = rows_of(pipeline, text)
    assert ev[S.LOCATION].tolist() == ["Damascus"] and ev[S.FATALITIES].tolist() == [8]
    assert ev[S.TOPONYM].tolist() == ["Syrian capital"]
    assert rows_of(without(pipeline, "recognition.capital_epithet"), text)[S.LOCATION].tolist() != ["Damascus"]
