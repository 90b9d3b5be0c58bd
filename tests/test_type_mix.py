"""A place's type mix: the aggregate's `type_mix` and the rings the map draws from it."""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd
import pytest
import query_oracle as O

from dashboard import schema as S
from dashboard.app import engine as E
from dashboard.app import event_index as EI
from dashboard.app.figures import map_spec, place_traces, type_color
from dashboard.app.type_mix import MIX_PREFIX, REST_COLOR, mix_strings, mix_words, parse_mix

HAMA = dict(location="Hama", latitude=35.13, longitude=36.75, country="Syria", geo_precision=1)
HOMS = dict(location="Homs", latitude=34.73, longitude=36.71, country="Syria", geo_precision=1)
TYPES = ["Battles", "Protests", "Riots", "Diplomacy", "Political", "Displacement"]


def reads(hover: str) -> str:
    """A hover text as it reads: its wrapped lines (map_hover.HOVER_CHARS) joined, tags dropped."""
    return re.sub(r"<[^>]+>", "", hover.replace("<br>", " ").replace("\u00a0", " "))


@pytest.fixture
def mixed(make_events) -> pd.DataFrame:
    """Hama: 3 battles, 1 protest; Homs: 2 battles and one event of each of five other types (two past
    the coloured four)."""
    rows = [
        dict(event_id=f"h{i}", event_date="2021-05-0" + str(i + 1), event_type=t, **HAMA)
        for i, t in enumerate(["Battles", "Protests", "Battles", "Battles"])
    ]
    rows += [
        dict(event_id=f"o{i}", event_date="2021-05-01", event_type=t, **HOMS) for i, t in enumerate(["Battles", *TYPES])
    ]
    return O.with_place_key(make_events(*rows))


def test_mix_strings_most_frequent_first_ties_by_name() -> None:
    counts = np.array([[1, 3, 0], [2, 2, 2], [0, 0, 0]])
    assert mix_strings(counts, ["Riots", "Battles", "Protests"]) == [
        "Battles:3|Riots:1",
        "Battles:2|Protests:2|Riots:2",
        None,
    ]
    assert parse_mix("Battles:3|Riots:1") == [("Battles", 3), ("Riots", 1)]
    assert parse_mix("nonsense") == [] and parse_mix(None) == []
    assert mix_words("Battles:3|Protests:1", "Battles") == "Battles 75% · Protests 25%"
    assert mix_words("Battles:3", "Battles") == ""


def test_every_engine_gives_the_same_mix(mixed: pd.DataFrame) -> None:
    want = O.places_summary(mixed).set_index(S.PLACE_KEY)["type_mix"].to_dict()
    ix = EI.index_from_frame(mixed)
    got = E.places_aggregate(ix, np.ones(ix.n, bool)).set_index(S.PLACE_KEY)["type_mix"].to_dict()
    assert got == want
    hama = next(k for k in want if k.startswith("Hama"))
    assert want[hama] == "Battles:3|Protests:1"


def test_a_mixed_place_gets_rings_whose_areas_are_the_shares(mixed: pd.DataFrame) -> None:
    places = O.places_summary(mixed)
    spec = map_spec(places)
    rings = [t for t in spec["data"] if str(t.get("name", "")).startswith(MIX_PREFIX)]
    markers = [
        t
        for t in spec["data"]
        if t.get("type") == "scattergeo" and not str(t.get("name", "")).startswith(("basemap: ", MIX_PREFIX))
    ]
    assert {t["name"] for t in markers} == {"Battles"}  # both places' main type
    assert len(rings) == 1 and rings[0]["hoverinfo"] == "skip" and rings[0]["showlegend"] is False
    size = dict(
        zip(
            (k for t in markers for k in t["customdata"]),
            (float(s) for t in markers for s in t["marker"]["size"]),
            strict=True,
        )
    )

    def discs(place: str) -> list[tuple[str, float]]:
        """(colour, diameter) of a place's discs, in drawing order."""
        m = rings[0]["marker"]
        return [(c, s) for k, c, s in zip(rings[0]["customdata"], m["color"], m["size"], strict=True) if k == place]

    hama = next(k for k in size if k.startswith("Hama"))
    # The protests' disc covers a quarter of the marker's area: its diameter is half the marker's.
    assert discs(hama) == [(type_color("Protests"), pytest.approx(size[hama] * math.sqrt(0.25)))]
    # Homs: three coloured rings (ties by name), then a grey core for the last two types (2/7 of the area).
    homs = next(k for k in size if k.startswith("Homs"))
    assert discs(homs) == [
        (type_color(t), pytest.approx(size[homs] * math.sqrt(n / 7)))
        for t, n in (("Diplomacy", 5), ("Displacement", 4), ("Political", 3))
    ] + [(REST_COLOR, pytest.approx(size[homs] * math.sqrt(2 / 7)))]
    # The rings are no markers of their own: one marker per place.
    assert sorted(k for t in place_traces_of(spec) for k in t["customdata"]) == sorted(size)
    assert "reports by type: Battles 75% · Protests 25%" in " ".join(map(reads, markers[0]["hovertext"]))


def place_traces_of(spec: dict) -> list:
    import plotly.graph_objects as go

    return [t.to_plotly_json() for t in place_traces(go.Figure(spec, _validate=False))]


def test_a_place_of_one_type_has_no_rings(mixed: pd.DataFrame) -> None:
    places = O.places_summary(mixed[mixed[S.LOCATION] == "Hama"].query("event_type == 'Battles'"))
    assert not [t for t in map_spec(places)["data"] if str(t.get("name", "")).startswith(MIX_PREFIX)]


def test_rings_go_to_the_biggest_markers_first_within_a_budget(mixed: pd.DataFrame, monkeypatch) -> None:
    from dashboard.app import type_mix

    places = O.places_summary(mixed)
    sizes = np.array([30.0 if k.startswith("Homs") else 12.0 for k in places[S.PLACE_KEY]])
    hollow = np.zeros(len(places), bool)
    monkeypatch.setattr(type_mix, "MAX_RING_POINTS", 2)
    layers = type_mix.ring_layers(places, sizes, hollow, type_color)
    assert [lv["key"] for lv in layers] == [[k] for k in places[S.PLACE_KEY] if k.startswith("Homs")] * 2
    assert [len(t["customdata"]) for t in type_mix.ring_traces(layers, "scattergeo")] == [2]
    # Under MIN_DISC_PX a disc is no colour one can read: Hama's protest disc (half of 6 px) is left out.
    monkeypatch.setattr(type_mix, "MAX_RING_POINTS", 600)
    small = type_mix.ring_layers(places, np.array([6.0] * len(places)), hollow, type_color)
    assert not any(k.startswith("Hama") for lv in small for k in lv["key"])
