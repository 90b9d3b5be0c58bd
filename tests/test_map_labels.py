"""The busiest places' names beside their markers (dashboard/app/map_labels.py)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import query_oracle as O

from dashboard import schema as S
from dashboard.app.basemap import basemap_traces, degrees_per_px
from dashboard.app.figures import map_spec
from dashboard.app.map_labels import BOLD_CHAR_PX, MAX_PLACE_NAMES, PLACE_NAMES, busiest_place_names
from dashboard.app.mapview import MapView

SYRIA, PX = MapView(32.7, 43.3, 31.0, 40.6), (390, 440)


def places(rows: list[tuple[str, float, float, int]]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "label": [r[0] for r in rows],
            S.LATITUDE: [r[1] for r in rows],
            S.LONGITUDE: [r[2] for r in rows],
            "n_events": [r[3] for r in rows],
        }
    )


def test_the_busiest_places_are_named_busiest_first_and_a_town_name_is_not_repeated() -> None:
    singles = places(
        [
            ("As Sukhnah", 34.89, 38.87, 90),
            ("Aleppo", 36.2, 37.16, 300),  # the basemap writes "Aleppo" here already
            ("Quiet Village", 33.2, 40.2, 1),
            ("Tadmur", 34.56, 38.28, 60),
            ("Far Away", 10.0, 10.0, 500),  # out of view
        ]
    )
    scenery = basemap_traces(SYRIA, PX)
    trace = busiest_place_names(singles, np.full(len(singles), 12.0), SYRIA, PX, scenery)
    assert trace is not None and trace["name"] == PLACE_NAMES
    assert trace["text"][:2] == ["As Sukhnah", "Tadmur"]
    assert "Aleppo" not in trace["text"] and "Far Away" not in trace["text"]
    assert trace["hoverinfo"] == "skip" and trace["showlegend"] is False and "customdata" not in trace
    # Each name starts right of its marker's rim.
    dx, _ = degrees_per_px(SYRIA.box(), PX)
    assert trace["lon"][0] > 38.87 + 6 * dx


def test_names_keep_clear_of_each_other_of_the_towns_and_of_the_edge() -> None:
    rng = np.random.default_rng(4)
    n = 60
    singles = places(
        [
            (f"Place number {i}", rng.uniform(31, 40.6), rng.uniform(32.7, 43.3), int(rng.integers(1, 200)))
            for i in range(n)
        ]
    )
    scenery = basemap_traces(SYRIA, PX)
    trace = busiest_place_names(singles, np.full(n, 10.0), SYRIA, PX, scenery)
    assert trace is not None and 1 <= len(trace["text"]) <= MAX_PLACE_NAMES
    dx, dy = degrees_per_px(SYRIA.box(), PX)
    boxes = [
        (lon, lon + (len(t) * BOLD_CHAR_PX + 4) * dx, lat - 6.5 * dy, lat + 6.5 * dy)
        for t, lon, lat in zip(trace["text"], trace["lon"], trace["lat"], strict=True)
    ]
    towns = next(t for t in scenery if t["name"].endswith("towns"))
    boxes_towns = [
        (lon, lon + (len(t) - 2) * 6.5 * dx, lat - 6.5 * dy, lat + 6.5 * dy)
        for t, lon, lat in zip(towns["text"], towns["lon"], towns["lat"], strict=True)
    ]
    for i, a in enumerate(boxes):
        assert a[1] <= SYRIA.lon1 and a[2] >= SYRIA.lat0 and a[3] <= SYRIA.lat1
        for b in boxes[i + 1 :] + boxes_towns:
            assert not (a[0] < b[1] and b[0] < a[1] and a[2] < b[3] and b[2] < a[3]), (a, b)


def test_a_name_from_an_article_is_text_on_the_map_and_the_map_carries_the_names() -> None:
    singles = places([("<b>X</b> & Y", 35.0, 38.0, 5)])
    trace = busiest_place_names(singles, np.array([9.0]), SYRIA, PX, [])
    assert trace is not None and trace["text"] == ["&lt;b&gt;X&lt;/b&gt; &amp; Y"]
    assert busiest_place_names(singles.iloc[:0], np.zeros(0), SYRIA, PX, []) is None
    assert busiest_place_names(singles, np.array([9.0]), None, PX, []) is None


def test_the_map_figure_draws_the_names_over_everything_else(make_events) -> None:
    events = make_events(
        dict(location="As Sukhnah", latitude=34.89, longitude=38.87),
        dict(location="Corner One", latitude=32.0, longitude=35.0),
        dict(location="Corner Two", latitude=37.5, longitude=42.5),
    )
    spec = map_spec(O.places_summary(O.with_place_key(events)))
    assert spec["data"][-1]["name"] == PLACE_NAMES and "As Sukhnah" in spec["data"][-1]["text"]
