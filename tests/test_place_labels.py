"""What a place is called on the page when several share its name (dashboard/app/places.py)."""

from __future__ import annotations

import pandas as pd

from dashboard.app.places import place_labels


def place(name: str, lat: float, lon: float, admin1: str, country: str = "Syria", code: str = "SY", precision: int = 2):
    return dict(
        location=name,
        latitude=lat,
        longitude=lon,
        country=country,
        country_code=code,
        admin1=admin1,
        geo_precision=precision,
    )


def test_a_city_and_its_province_and_towns_of_two_countries_are_told_by_kind_and_country() -> None:
    labels = place_labels(
        pd.DataFrame(
            [
                place("Hama", 35.13, 36.75, "Hama", precision=1),
                place("Hama", 35.2, 37.2, "Hama", precision=3),
                place("Springfield", 39.8, -89.64, "Illinois", "United States", "US", 1),
                place("Springfield", 37.21, -93.29, "Missouri", "United States", "US", 1),
            ]
        )
    )
    assert labels.tolist() == ["Hama", "Hama (governorate)", "Springfield, Illinois", "Springfield, Missouri"]


def test_namesakes_of_one_province_are_told_by_the_nearest_named_town_not_by_coordinates() -> None:
    """A village the gazetteer lacks, read at a city's point and at its province's centroid: "(33.51,
    36.31)" read as a glitch; where each lies from the nearest town the basemap names does not."""
    labels = place_labels(
        pd.DataFrame(
            [
                place("Kafr Batna", 33.5131, 36.3096, "Damascus"),
                place("Kafr Batna", 33.5102, 36.2913, "Damascus"),
                place("Tell Abyad", 35.8596, 36.5714, "Idlib"),
                place("Tell Abyad", 35.9306, 36.6339, "Idlib"),
            ]
        )
    )
    assert labels.tolist() == [
        "Kafr Batna (2 km E of Damascus)",
        "Kafr Batna (at Damascus)",
        "Tell Abyad (10 km SW of Idlib)",
        "Tell Abyad (at Idlib)",
    ]
    assert not [x for x in labels if "33." in x or "35." in x]


def test_namesakes_the_nearest_town_does_not_tell_apart_keep_their_coordinates() -> None:
    close = [
        place("Ain", 35.95, 36.78, "Idlib"),
        place("Ain", 35.94, 36.78, "Idlib"),
    ]  # the same distance and way from one town
    assert place_labels(pd.DataFrame(close)).tolist() == ["Ain (35.95, 36.78)", "Ain (35.94, 36.78)"]
    closer = [place("Ain", 35.9306, 36.77, "Idlib"), place("Ain", 35.9326, 36.77, "Idlib")]
    assert place_labels(pd.DataFrame(closer)).tolist() == ["Ain (35.9306, 36.7700)", "Ain (35.9326, 36.7700)"]
