"""`location.distance_bearing`: a distance and a bearing from a known place give a site the gazetteer
lacks its own point (examples written for these tests)."""

from __future__ import annotations

import math

from dashboard import schema as S
from dashboard.events.site_places import offset_point
from dashboard.geo.gazetteer import UNLISTED_BEARING_CODE
from tests.test_sites import rows_of, without

HOMS = (34.72405, 36.72559)  # GeoNames' point of the city of Homs


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    dlat = (a[0] - b[0]) * 111.32
    dlon = (a[1] - b[1]) * 111.32 * math.cos(math.radians(a[0]))
    return math.hypot(dlat, dlon)


def _point(ev) -> tuple[float, float]:
    return float(ev[S.LATITUDE].iloc[0]), float(ev[S.LONGITUDE].iloc[0])


def test_a_site_so_far_south_of_a_town_is_placed_there(pipeline) -> None:
    text = "Shells fell on Jub Mahlul 30 km south of Homs on Monday, killing two children."
    ev = rows_of(pipeline, text)
    assert ev[S.LOCATION].tolist() == ["Jub Mahlul"] and ev[S.FEATURE_CODE].tolist() == [UNLISTED_BEARING_CODE]
    here = _point(ev)
    assert abs(_km(here, HOMS) - 30) < 0.5 and here[0] < HOMS[0] and abs(here[1] - HOMS[1]) < 1e-4
    assert ev[S.GEO_PRECISION].tolist() == [2] and ev[S.ADMIN1].tolist() == ["Homs"]
    off = rows_of(without(pipeline, "location.distance_bearing"), text)
    assert _point(off) == HOMS


def test_miles_are_converted_and_a_conversion_in_brackets_is_skipped(pipeline) -> None:
    ev = rows_of(pipeline, "Shells fell on Jub Mahlul 12 miles (19 km) east of Homs on Monday, killing two children.")
    here = _point(ev)
    assert abs(_km(here, HOMS) - 12 * 1.609) < 0.5 and here[1] > HOMS[1]


def test_a_unit_of_time_gives_no_point(pipeline) -> None:
    ev = rows_of(pipeline, "Shells fell on Jub Mahlul two hours east of Homs on Monday, killing two children.")
    assert ev[S.FEATURE_CODE].tolist() != [UNLISTED_BEARING_CODE]
    assert _point(ev) == HOMS


def test_the_named_site_is_finer_than_a_town_only_near_the_city(pipeline) -> None:
    text = (
        "A bomb killed three workers on a bus in a town south of Homs on Monday. Witnesses said the bomb "
        "went off on Monday in Jub Mahlul 30 km south of Homs as the bus passed."
    )
    ev = rows_of(pipeline, text)
    assert ev[S.LOCATION].tolist() == ["Jub Mahlul"] and ev[S.FATALITIES].tolist() == [3]
    off = rows_of(without(pipeline, "location.distance_bearing"), text)
    assert off[S.LOCATION].tolist() == ["Homs"] and off[S.FATALITIES].tolist() == [3]


def test_the_bearing_must_be_measured_from_the_place_found(nlp) -> None:
    from dashboard.geo.gazetteer import Place
    from dashboard.geo.toponyms import Toponym

    doc = nlp("The blast hit Jub Mahlul 30 km south of Homs, officials in Hama said.")
    homs_at = doc.text.index("Homs")
    place = Place(1, 1, "Homs", *HOMS, "P", "PPL", "SY", "Homs", "", population=1)
    homs = Toponym(homs_at, homs_at + 4, "Homs", "GPE", place=place)
    hama_at = doc.text.index("Hama")
    hama = Toponym(hama_at, hama_at + 4, "Hama", "GPE", place=place)
    name = next(t for t in doc if t.text == "Mahlul")
    assert offset_point(name, homs) is not None
    assert offset_point(name, hama) is None  # "south of Homs" does not measure from Hama


def test_a_rounded_distance_from_a_place_called_a_city(pipeline) -> None:
    text = (
        "Jets bombed a bakery in the village of Jub Mahlul, roughly 12 kilometres (7 miles) west of "
        "Raqqa city, on Monday, killing four farmers."
    )
    ev = rows_of(pipeline, text)
    assert ev[S.LOCATION].tolist() == ["Jub Mahlul"] and ev[S.FEATURE_CODE].tolist() == [UNLISTED_BEARING_CODE]
    off = rows_of(without(pipeline, "location.distance_bearing"), text)
    here, there = _point(ev), _point(off)
    assert abs(_km(here, there) - 12) < 0.5 and here[1] < there[1] and abs(here[0] - there[0]) < 1e-4
