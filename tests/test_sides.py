"""`resolution.side_word`: "the southern city of X" ranks the namesakes on that side of their country
first (examples written for these tests)."""

from __future__ import annotations

import pytest

from dashboard.geo.gazetteer import Place
from dashboard.geo.geocoder import GazetteerGeocoder
from dashboard.geo.sides import Extent, on_side, side_before
from dashboard.geo.toponyms import geoparse
from dashboard.rules import Switches


@pytest.mark.parametrize(
    "before, side",
    [
        ("Shells hit the southern city of ", "s"),
        ("Troops entered the north-western province of ", "nw"),
        ("Rebels seized the Northeastern town of ", "ne"),
        ("Ships docked at the western port city of ", "w"),
        ("Fighting spread to southern ", ""),  # the side of the place named after, not its own
        ("Crowds gathered in the city of ", ""),
        ("Talks were held in the central city of ", ""),
    ],
)
def test_the_side_the_words_before_a_name_give(before: str, side: str) -> None:
    assert side_before(before + "Name said", len(before)) == side


def _place(lat: float, lon: float, code: str = "PPL") -> Place:
    return Place(0, None, "X", lat, lon, "P", code, "XX", "", "", 1000)


def test_a_place_on_the_side_named_or_opposite() -> None:
    extent = Extent(lat=(10.0, 20.0), lon=(30.0, 40.0))
    assert on_side(_place(5.0, 35.0), "s", extent) == 1
    assert on_side(_place(25.0, 35.0), "s", extent) == -1
    assert on_side(_place(15.0, 35.0), "s", extent) == 0  # the middle third: neither
    assert on_side(_place(25.0, 25.0), "nw", extent) == 1
    assert on_side(_place(25.0, 35.0), "nw", extent) == 0  # north, not west
    assert on_side(_place(25.0, 45.0), "nw", extent) == -1
    assert on_side(_place(5.0, 35.0, "PCLI"), "s", extent) == 0  # a country is on no side of itself
    assert on_side(_place(5.0, 35.0), "s", None) == 0


def test_the_southern_city_not_its_eastern_namesake(nlp, gazetteer) -> None:
    text = (
        "Officials in the Donetsk region said shelling went on near Kramatorsk, and that a missile also "
        "struck the southern city of Mykolaiv on Tuesday."
    )
    geocoder = GazetteerGeocoder(gazetteer)

    def admin1(switches: Switches) -> str:
        (t,) = [t for t in geoparse(nlp(text), geocoder, gazetteer, switches) if t.text == "Mykolaiv"]
        assert t.place is not None
        return t.place.admin1

    assert admin1(Switches()) == "Mykolaivska"
    assert admin1(Switches.parse("resolution.side_word")) != "Mykolaivska"
