"""A point picked on the map as a correction's place (app/correct.py, app/place_search.py)."""

from __future__ import annotations

import pytest

from dashboard import schema as S
from dashboard.app import correct
from dashboard.app import place_search as P
from dashboard.corrections import Alternative

TOWN = Alternative(name="Saraqib", lat=35.86, lon=36.8, country_code="SY", country="Syria", admin1="Idlib")


@pytest.mark.parametrize(
    "point, value",
    [
        ({"lat": 35.8, "lon": 36.9}, "pt:35.80000,36.90000"),
        ({"lat": "35.8", "lon": "-179.5"}, "pt:35.80000,-179.50000"),
        ({"lat": 91, "lon": 0}, None),
        ({"lat": "nan", "lon": 0}, None),
        ({"lat": "inf", "lon": 0}, None),
        ({"lat": 1}, None),
        ({"lat": "x", "lon": 1}, None),
        (None, None),
        ("35,36", None),
    ],
)
def test_point_value_takes_only_real_coordinates(point, value) -> None:
    assert correct.point_value(point) == value


def test_a_picked_point_names_the_toponym_with_the_nearest_towns_country(monkeypatch) -> None:
    monkeypatch.setattr(P, "nearest_town", lambda lat, lon: (TOWN, 7.0))
    row = {S.TOPONYM: "Marat al-Numan", S.LOCATION: "somewhere else"}
    place = correct.chosen_place(row, "pt:35.64000,36.67000")
    assert place == Alternative(
        name="Marat al-Numan",
        lat=35.64,
        lon=36.67,
        feature_code="PPL",
        geo_precision=1,
        country_code="SY",
        country="Syria",
        admin1="Idlib",
    )
    assert correct.chosen_place(row, "pt:95,36") is None and correct.chosen_place(row, "pt:") is None
    label = correct.point_option(row, "pt:35.64000,36.67000")["label"]
    assert label == "picked on the map: 35.6400, 36.6700 — near Saraqib, Syria (7 km)"


def test_a_point_far_from_any_town_has_no_country(monkeypatch) -> None:
    monkeypatch.setattr(P, "nearest_town", lambda lat, lon: None)
    place = correct.chosen_place({S.TOPONYM: "the gulf"}, "pt:26.00000,52.00000")
    assert place is not None and (place.country_code, place.country, place.admin1) == ("", "", "")
