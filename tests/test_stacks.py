"""Places at one point of the map (dashboard/app/stacks.py): one marker per point, the biggest place's
or the selected one's, whose hover counts the others and whose panel offers them."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
import query_oracle as O

from dashboard import schema as S
from dashboard.app import stacks
from dashboard.app.figures import map_figure, place_traces
from dashboard.app.map_hover import place_hover

# A district town and two villages the gazetteer knows only by that district: all three at its point.
TOWN = dict(location="Tell Qamar", latitude=36.2012, longitude=37.1612, country="Syria", geo_precision=1)
VILLAGE_A = dict(TOWN, location="Kafr Sulma, Tell Qamar", geo_precision=2)
VILLAGE_B = dict(TOWN, location="Ain Wardeh, Tell Qamar", geo_precision=2)
ELSEWHERE = dict(location="Bir Halab", latitude=35.5, longitude=36.9, country="Syria", geo_precision=1)


def reads(hover: str) -> str:
    """A hover text as it reads: its wrapped lines (map_hover.HOVER_CHARS) joined, tags dropped."""
    return re.sub(r"<[^>]+>", "", hover.replace("<br>", " ").replace("\u00a0", " "))


def key(place: dict) -> str:
    return f"{place['location']}|{round(place['latitude'], 4)}|{round(place['longitude'], 4)}"


@pytest.fixture
def places(make_events) -> pd.DataFrame:
    rows = [dict(event_id=f"t{i}", **TOWN) for i in range(4)]
    rows += [dict(event_id="a1", **VILLAGE_A)]
    rows += [dict(event_id=f"b{i}", **VILLAGE_B) for i in range(2)]
    rows += [dict(event_id="e1", **ELSEWHERE)]
    return O.places_summary(O.with_place_key(make_events(*rows)))


def drawn(fig) -> dict[str, str]:
    """Marker key → hover text, over the figure's place traces."""
    return {k: h for t in place_traces(fig) for k, h in zip(t.customdata, t.hovertext, strict=True)}


def test_places_at_one_point_draw_one_marker_the_biggest_with_the_others_counted(places) -> None:
    shown = drawn(map_figure(places))
    assert set(shown) == {key(TOWN), key(ELSEWHERE)}
    assert "+ 2 more places at this point (3 events)" in reads(shown[key(TOWN)])
    assert "more place" not in shown[key(ELSEWHERE)]


def test_the_selected_place_is_the_marker_of_its_point(places) -> None:
    shown = drawn(map_figure(places, selected=key(VILLAGE_A)))
    assert set(shown) == {key(VILLAGE_A), key(ELSEWHERE)}
    assert "+ 2 more places at this point (6 events)" in reads(shown[key(VILLAGE_A)])


def test_the_kept_marker_does_not_depend_on_the_aggregates_order(places) -> None:
    rows = np.arange(len(places))
    size = places["n_events"].to_numpy(dtype=float)
    for order in (rows, rows[::-1], np.roll(rows, 2)):
        shuffled = places.iloc[order].reset_index(drop=True)
        kept, others, events = stacks.one_per_point(shuffled, rows, size[order], None)
        keys = dict(zip(shuffled[S.PLACE_KEY].to_numpy()[kept], zip(others, events, strict=True), strict=True))
        assert keys == {key(TOWN): (2, 3), key(ELSEWHERE): (0, 0)}


def test_a_tie_in_size_is_broken_by_events_then_name(make_events) -> None:
    # Sized by deaths: two places of no toll tie; the one with more events is kept, then the first name.
    two = O.places_summary(
        O.with_place_key(
            make_events(dict(event_id="a", **VILLAGE_A), *(dict(event_id=f"b{i}", **VILLAGE_B) for i in "12"))
        )
    )
    kept, _, _ = stacks.one_per_point(two, np.arange(2), np.zeros(2), None)
    assert two[S.PLACE_KEY].to_numpy()[kept].tolist() == [key(VILLAGE_B)]
    one_each = O.places_summary(
        O.with_place_key(make_events(dict(event_id="a", **VILLAGE_A), dict(event_id="b", **VILLAGE_B)))
    )
    kept, _, _ = stacks.one_per_point(one_each, np.arange(2), np.zeros(2), None)
    assert one_each[S.PLACE_KEY].to_numpy()[kept].tolist() == [key(VILLAGE_B)]  # "Ain…" before "Kafr…"


def test_neighbours_are_the_other_places_of_the_point_busiest_first(places) -> None:
    labelled = places.assign(label=places[S.LOCATION])
    assert stacks.neighbours(labelled, key(TOWN))[S.PLACE_KEY].tolist() == [key(VILLAGE_B), key(VILLAGE_A)]
    assert stacks.neighbours(labelled, key(VILLAGE_A))[S.PLACE_KEY].tolist() == [key(TOWN), key(VILLAGE_B)]
    assert stacks.neighbours(labelled, key(ELSEWHERE)).empty
    assert stacks.neighbours(labelled, "Nowhere|1.0|2.0").empty
    assert stacks.neighbours(labelled, None).empty


def test_the_panels_note_offers_each_neighbour_as_a_button(places) -> None:
    labelled = places.assign(label=places[S.LOCATION])
    note = stacks.neighbours_note(stacks.neighbours(labelled, key(TOWN)))
    assert note is not None and note["props"]["role"] == "note"
    buttons = [c for c in note["props"]["children"] if isinstance(c, dict) and c["type"] == "Button"]
    assert [b["props"]["data-place"] for b in buttons] == [key(VILLAGE_B), key(VILLAGE_A)]
    assert all(b["props"]["data-action"] == "place" for b in buttons)
    assert buttons[0]["props"]["children"] == "Ain Wardeh, Tell Qamar · 2"
    assert "2 places" in note["props"]["children"][0]
    assert stacks.neighbours_note(stacks.neighbours(labelled, key(ELSEWHERE))) is None
    assert stacks.neighbours_note(None) is None


def test_a_long_list_of_neighbours_names_the_busiest_and_counts_the_rest(places) -> None:
    labelled = places.assign(label=places[S.LOCATION])
    note = stacks.neighbours_note(stacks.neighbours(labelled, key(TOWN)), limit=1)
    assert note is not None
    children = note["props"]["children"]
    assert sum(isinstance(c, dict) and c["type"] == "Button" for c in children) == 1
    assert children[-1]["props"]["children"] == " and 1 more (Go to place)"


def test_the_note_goes_after_the_panels_heading() -> None:
    note = {"type": "P", "props": {}}
    panel = [{"type": "Nav", "props": {}}, {"type": "H2", "props": {}}, {"type": "Article", "props": {}}]
    assert [n["type"] for n in stacks.with_stack_note(panel, note)] == ["Nav", "H2", "P", "Article"]
    assert stacks.with_stack_note(panel, None) == panel
    assert stacks.with_stack_note([{"type": "P", "props": {}}], note) == [{"type": "P", "props": {}}]


def test_a_hover_without_a_country_shows_no_empty_brackets(make_events) -> None:
    places = O.places_summary(O.with_place_key(make_events(dict(TOWN, country=""))))
    assert "<b>Tell Qamar</b><br>" in place_hover(places)[0]


def test_places_without_coordinates_share_no_point() -> None:
    places = pd.DataFrame(
        {
            S.PLACE_KEY: ["Nowhere Hill|nan|nan", "Unknown Vale|nan|nan"],
            S.LOCATION: ["Nowhere Hill", "Unknown Vale"],
            S.LATITUDE: [np.nan, np.nan],
            S.LONGITUDE: [np.nan, np.nan],
            "n_events": [2, 1],
        }
    )
    assert stacks.neighbours(places, "Nowhere Hill|nan|nan").empty
