"""The filters mask, the permalink (state <-> query string), playback stepping and timeline spreading."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest
import query_oracle as O

from dashboard import schema as S
from dashboard.app import query as Q
from dashboard.app.filters import Filters, choice_options, filter_mask
from dashboard.app.state import (
    Playback,
    ViewState,
    apply_view,
    box_of_view,
    clean_view,
    from_query,
    playback_done,
    playback_step,
    to_query,
    view_from_relayout,
    view_of_box,
)
from dashboard.app.timeline_figure import timeline_figure


@pytest.fixture
def events(make_events) -> pd.DataFrame:
    return O.with_place_key(
        make_events(
            dict(
                event_id="a",
                event_type="Battles",
                sub_event_type="Armed clash",
                actor1="Turkey",
                actor2="Syria",
                country="Syria",
                admin1="Idlib",
                source="aa.txt",
                fatalities=36,
                confidence=0.9,
                geo_precision=1,
                excerpt="Turkish troops CLASHED in Idlib.",
            ),
            dict(
                event_id="b",
                event_type="Diplomacy",
                sub_event_type="Meeting",
                actor1="Russia",
                actor2="",
                country="Russia",
                admin1="Moscow",
                source="bb.txt",
                fatalities=None,
                confidence=0.5,
                geo_precision=1,
                location="Moscow",
                latitude=55.75,
                longitude=37.62,
                excerpt="Leaders met in Moscow.",
            ),
            dict(
                event_id="c",
                event_type="Battles",
                sub_event_type="Shelling",
                actor1="Syria",
                actor2=None,
                country="Syria",
                admin1=None,
                source="aa.txt",
                fatalities=2,
                confidence=0.7,
                geo_precision=4,
                location="Syria",
                latitude=35.0,
                longitude=38.0,
                excerpt="Shelling across Syria (50% hit).",
            ),
        )
    )


def ids_of(events: pd.DataFrame, f: Filters) -> list[str]:
    mask = filter_mask(events, f)
    assert isinstance(mask, np.ndarray) and mask.dtype == bool and len(mask) == len(events)
    return events.loc[mask, S.EVENT_ID].tolist()


@pytest.mark.parametrize(
    "f, expected",
    [
        (Filters(), ["a", "b", "c"]),
        (Filters(event_types=("Battles",)), ["a", "c"]),
        (Filters(event_types=("Battles", "Diplomacy")), ["a", "b", "c"]),
        (Filters(sub_event_types=("Shelling",)), ["c"]),
        (Filters(actors=("Syria",)), ["a", "c"]),  # actor2 of a, actor1 of c
        (Filters(actors=("Russia", "Turkey")), ["a", "b"]),
        (Filters(countries=("Russia",)), ["b"]),
        (Filters(admin1s=("Idlib",)), ["a"]),
        (Filters(sources=("aa.txt",)), ["a", "c"]),
        (Filters(min_fatalities=2), ["a", "c"]),
        (Filters(min_fatalities=3), ["a"]),
        (Filters(min_fatalities=0), ["a", "b", "c"]),
        (Filters(min_confidence=0.7), ["a", "c"]),
        (Filters(text="clashed"), ["a"]),
        (Filters(text="  moscow "), ["b"]),
        (Filters(text="(50%"), ["c"]),  # literal, not a regular expression
        (Filters(text="nowhere"), []),
        (Filters(precise_only=True), ["a", "b"]),
        (Filters(places=("Moscow|55.75|37.62",)), ["b"]),
        (Filters(event_types=("Battles",), min_fatalities=3, text="idlib"), ["a"]),
        (Filters(event_types=("Battles",), countries=("Russia",)), []),
    ],
)
def test_filter_mask(events: pd.DataFrame, f: Filters, expected: list[str]) -> None:
    assert ids_of(events, f) == expected


def test_filter_mask_on_an_empty_table() -> None:
    empty = O.with_place_key(S.empty_events())
    assert filter_mask(empty, Filters(text="x", actors=("y",), min_fatalities=1)).tolist() == []


def test_filters_dict_round_trip_and_tolerance() -> None:
    f = Filters(
        ("Battles",),
        ("Shelling",),
        ("Syria",),
        ("Syria",),
        ("Idlib",),
        ("aa.txt",),
        2,
        0.5,
        "idlib",
        ("Moscow|55.75|37.62",),
        True,
    )
    assert Filters.from_dict(f.to_dict()) == f
    assert Filters.from_dict(None) == Filters() == Filters.from_dict({})
    assert Filters.from_dict(
        {"event_types": "Battles", "min_fatalities": "x", "min_confidence": "0.25", "actors": [None, "", "A"]}
    ) == Filters(event_types=("Battles",), actors=("A",), min_confidence=0.25)
    assert Filters.from_dict({"min_fatalities": "nan"}).min_fatalities is None


def test_choice_options_most_frequent_first(events: pd.DataFrame) -> None:
    assert choice_options(events, "event_types") == ["Battles", "Diplomacy"]
    assert choice_options(events, "actors")[0] == "Syria"  # twice, once on each side
    assert "" not in choice_options(events, "actors")


# -- permalink ----------------------------------------------------------------------------------------

FULL = ViewState(
    Filters(
        ("Battles", "Explosions/Remote violence"),
        ("Shelling",),
        ("Military Forces of Turkey",),
        ("Syria",),
        ("Idlib",),
        ("aa.txt",),
        3,
        0.6,
        "killed & wounded",
        ("Idlib|35.9306|36.6339", "Sochi|43.6|39.72"),
        True,
    ),
    Q.Selection("2020-03-01", "2020-03-04 23:59:59", "Idlib|35.9306|36.6339", "ev123"),
    (("lon", 36.5), ("lat", 35.25), ("scale", 4.75)),
    "deaths",
    "fatalities",
)


def test_permalink_round_trip() -> None:
    query = to_query(FULL)
    assert query.startswith("?") and "type=Battles" in query and "q=killed+%26+wounded" in query
    assert from_query(query) == FULL
    assert from_query(query.lstrip("?")) == FULL


def test_default_state_is_an_empty_query() -> None:
    assert to_query(ViewState()) == ""
    assert from_query("") == ViewState() == from_query(None)


def test_bad_query_values_are_ignored() -> None:
    state = from_query(
        "?minf=lots&minc=&from=notadate&to=2020-13-45&measure=rockets&size=huge&lon=x&lat=1&zzz=1&type=Battles"
    )
    assert state == ViewState(filters=Filters(event_types=("Battles",)), view=(("lat", 1.0),))


def test_view_from_relayout() -> None:
    assert view_from_relayout({"autosize": True}, {}) is None
    assert view_from_relayout(None, {}) is None
    v = view_from_relayout({"geo.projection.scale": 3.5, "geo.center.lon": 30.0, "geo.center.lat": 40.0}, {"rot": 2})
    assert v == {"lon": 30.0, "lat": 40.0, "scale": 3.5, "rot": 2.0}
    assert view_from_relayout({"map.center": {"lon": 1, "lat": 2}, "map.zoom": 5}, None) == {
        "lon": 1.0,
        "lat": 2.0,
        "zoom": 5.0,
    }


def test_a_cluster_box_is_a_view_until_the_user_moves_the_map() -> None:
    box = [30.5, 40.25, 33.0, 37.75]
    view = view_of_box(box)
    assert box_of_view(view) == box
    state = ViewState(view=clean_view(view))
    assert box_of_view(from_query(to_query(state)).view_dict()) == box, "the box survives the link"
    assert view_of_box(None) is None and view_of_box([1, 2]) is None
    assert box_of_view({"west": 1, "east": 2, "south": 3}) is None, "half a box is no box"
    moved = view_from_relayout({"geo.projection.scale": 3.5, "geo.center.lon": 31.0}, view)
    assert box_of_view(moved) is None and moved["scale"] == 3.5


def test_apply_view_sets_the_geo_view_and_stops_fitting() -> None:
    fig = go.Figure(go.Scattergeo(lat=[1], lon=[2]))
    fig.update_geos(fitbounds="locations")
    apply_view(fig, {"lon": 30, "lat": 40, "scale": 3.5})
    assert fig.layout.geo.fitbounds is False
    assert (fig.layout.geo.center.lon, fig.layout.geo.center.lat, fig.layout.geo.projection.scale) == (30, 40, 3.5)
    untouched = go.Figure(go.Scattergeo(lat=[1], lon=[2]))
    untouched.update_geos(fitbounds="locations")
    assert apply_view(untouched, {}).layout.geo.fitbounds == "locations"


# -- playback -----------------------------------------------------------------------------------------

LO, HI = pd.Timestamp("2020-01-01"), pd.Timestamp("2020-03-01")


def test_playback_starts_at_the_beginning() -> None:
    assert playback_step(None, None, LO, HI, Playback(10, 5)) == ("2020-01-01", "2020-01-10 23:59:59")
    # A window already at the end starts over.
    assert playback_step("2020-02-20", "2020-03-01 23:59:59", LO, HI, Playback(10, 5))[0] == "2020-01-01"


def test_playback_steps_until_the_end() -> None:
    p = Playback(window_days=10, step_days=7)
    windows = []
    start, end = None, None
    while not playback_done(end, HI):
        start, end = playback_step(start, end, LO, HI, p)
        windows.append((start, end))
        assert len(windows) < 100, "playback never reached the end"
    assert windows[1] == ("2020-01-08", "2020-01-17 23:59:59")
    assert windows[-1] == ("2020-02-21", "2020-03-01 23:59:59"), "the last window ends at the data's end"
    days = [(pd.Timestamp(e).normalize() - pd.Timestamp(s)).days + 1 for s, e in windows]
    assert set(days) == {10}


def test_cumulative_playback_keeps_the_start() -> None:
    p = Playback(window_days=10, step_days=20, cumulative=True)
    first = playback_step(None, None, LO, HI, p)
    second = playback_step(*first, LO, HI, p)
    assert second == ("2020-01-01", "2020-01-30 23:59:59")


def test_playback_window_longer_than_the_data() -> None:
    assert playback_step(None, None, LO, HI, Playback(365, 7)) == ("2020-01-01", "2020-03-01 23:59:59")
    assert playback_done("2020-03-01 23:59:59", HI) and not playback_done(None, HI)


# -- timeline: precision and measure ------------------------------------------------------------------


def test_month_dates_are_spread_over_their_month(make_events) -> None:
    df = make_events(
        dict(event_id="m", event_date="2020-04-01", date_precision="month", event_type="Political"),
        dict(event_id="d", event_date="2020-04-01", date_precision="day", event_type="Battles"),
    )
    days = O.timeline_series(df, "day")
    spread = days[~days["precise"]]
    assert len(spread) == 30 and spread["day"].min() == pd.Timestamp("2020-04-01")
    assert spread["day"].max() == pd.Timestamp("2020-04-30")
    assert spread["n"].sum() == 1.0, "the parts of one event add up exactly to one"
    assert spread["n"].max() - spread["n"].min() < 0.002, "spread evenly"
    exact = days[days["precise"]]
    assert exact[["day", "n"]].values.tolist() == [[pd.Timestamp("2020-04-01"), 1.0]]
    months = O.timeline_series(df, "month")
    assert months.set_index("precise")["n"].to_dict() == {False: 1.0, True: 1.0}


def test_year_dates_spread_over_months_and_weeks(make_events) -> None:
    df = make_events(*[dict(event_id=f"y{i}", event_date="2018-01-01", date_precision="year") for i in range(3)])
    months = O.timeline_series(df, "month")
    assert len(months) == 12 and months["n"].sum() == 3.0
    assert months["n"].iloc[1] < months["n"].iloc[0], "February has fewer days than January"
    weeks = O.timeline_series(df, "week")
    assert weeks["n"].sum() == 3.0 and weeks["day"].dt.day_of_week.eq(0).all()


def test_deaths_measure(make_events) -> None:
    df = make_events(
        dict(event_id="a", fatalities=5),
        dict(event_id="b", fatalities=None),
        dict(event_id="c", fatalities=3, event_date="2020-03-05"),
    )
    deaths = O.timeline_series(df, "day", "deaths")
    assert deaths.set_index("day")["n"].to_dict() == {pd.Timestamp("2020-03-04"): 5.0, pd.Timestamp("2020-03-05"): 3.0}
    assert O.timeline_series(df, "day")["n"].sum() == 3


def test_timeline_figure_draws_spread_dates_hatched_and_the_background(make_events) -> None:
    df = make_events(
        dict(event_id="m", event_date="2020-04-01", date_precision="month"), dict(event_id="d", event_date="2020-04-03")
    )
    series = O.timeline_series(df, "day")
    fig = timeline_figure(series, unit="day", measure="deaths", background=Q.totals_by_bin(series))
    bars = [t for t in fig.data if isinstance(t, go.Bar)]
    assert [t.marker.pattern.shape for t in bars] == ["", "/"]
    assert bars[1].marker.opacity < bars[0].marker.opacity
    (bg,) = [t for t in fig.data if isinstance(t, go.Scatter)]
    assert bg.fill == "tozeroy" and sum(bg.y) == pytest.approx(2.0)
    # The place's bars on a scale of their own (left), over every place's totals on theirs (right).
    assert {t.yaxis for t in bars} == {"y2"} and bg.yaxis in (None, "y")
    assert fig.layout.yaxis2.title.text == "deaths" and fig.layout.yaxis2.side == "left"
    assert fig.layout.yaxis2.overlaying == "y" and fig.layout.yaxis.title.text == "all places"
    alone = timeline_figure(series, unit="day", measure="deaths")
    assert alone.layout.yaxis.title.text == "deaths" and {t.yaxis for t in alone.data} <= {None, "y"}


def test_places_from_selected() -> None:
    lasso = {
        "points": [{"customdata": "B|1|2"}, {"customdata": "A|3|4"}, {"customdata": "A|3|4"}],
        "lassoPoints": {"lon": [1], "lat": [2]},
    }
    assert Q.places_from_selected(lasso) == ["A|3|4", "B|1|2"]
    assert Q.places_from_selected({"points": [], "range": {"geo": [[0, 0], [1, 1]]}}) == []
    assert Q.places_from_selected({"points": [{"customdata": "A|3|4"}]}) is None, "a click is not an area"
    assert Q.places_from_selected(None) == []


def test_selection_counts(events: pd.DataFrame) -> None:
    assert O.selection_counts(events, 10) == "3 of 10 events · 3 places · 38 deaths · tolls known for 2 of 3 events"
    assert O.selection_counts(events.head(1).assign(fatalities=1), 3) == "1 of 3 events · 1 place · 1 death"
    assert O.selection_counts(events.head(0), 3) == "0 of 3 events · 0 places · 0 deaths"
    assert O.selection_counts(events.assign(fatalities=None), 3) == "3 of 3 events · 3 places · toll unknown"


# -- the callbacks' pure helpers ----------------------------------------------------------------------


def test_controls_and_state_are_inverse() -> None:
    from dashboard.app.url_sync import controls_from_state, state_from_controls

    assert state_from_controls(controls_from_state(FULL)) == FULL
    assert state_from_controls(controls_from_state(ViewState())) == ViewState()


def test_select_masks_apply_filters_then_time_then_place(events: pd.DataFrame) -> None:
    from dashboard.app import event_index as EI
    from dashboard.app import listing as RL
    from dashboard.app.callbacks import select_masks

    ix = EI.index_from_frame(events)

    def ids_of(mask) -> list[str]:
        return sorted(RL.rows_frame(ix, np.flatnonzero(mask))[S.EVENT_ID].tolist())

    filtered, in_time, listed = select_masks(
        ix, Filters(event_types=("Battles",)), Q.Selection("2020-03-04", "2020-03-04 23:59:59", events[S.PLACE_KEY][0])
    )
    assert ids_of(filtered) == ["a", "c"]
    assert ids_of(in_time) == ["a", "c"]
    assert ids_of(listed) == ["a"]
    everything, _, _ = select_masks(ix, Filters(), Q.Selection())
    assert everything.all()


def test_choice_lists_keep_chosen_values_the_store_lacks(events: pd.DataFrame) -> None:
    from dashboard.app import event_index as EI
    from dashboard.app.url_sync import CHOICES, choice_lists

    lists = dict(zip(CHOICES, choice_lists(EI.index_from_frame(events), Filters(event_types=("Riots",))), strict=True))
    assert lists["filter-types"] == ["Battles", "Diplomacy", "Riots"]
    assert lists["filter-sources"] == ["aa.txt", "bb.txt"]


def test_export_download_is_the_export_command_output(events: pd.DataFrame, tmp_path) -> None:
    import base64
    import io

    from dashboard.app.callbacks import export_download
    from dashboard.export import write_events

    got = export_download([events.head(2)], "csv")
    assert got["filename"] == "conflictmap_all-events.csv"
    data = base64.b64decode(got["content"]) if got.get("base64") else got["content"].encode()
    write_events(events.head(2), "csv", tmp_path / "cli.csv")
    assert data == (tmp_path / "cli.csv").read_bytes()
    assert list(pd.read_csv(io.BytesIO(data)).columns) == list(S.NAMES)


# -- what a link asks for that is dropped, and why ----------------------------------------------------


def test_parse_query_notes_every_value_it_drops() -> None:
    from dashboard.app.state import parse_query

    state, notes = parse_query("?minf=-5&minc=7&from=now&to=99999-01-01&measure=rockets&lon=400&zzz=1&type=X")
    assert state == ViewState(filters=Filters(event_types=("X",)))
    assert [n.split(":")[0] for n in notes] == [
        "zzz",
        "minf=-5",
        "minc=7",
        "from=now",
        "to=99999-01-01",
        "measure=rockets",
        "lon=400",
    ]
    state, notes = parse_query("?from=2020-03-05&to=2020-03-01")
    assert state.selection.start is None and state.selection.end is None and "ends before it starts" in notes[0]
    assert parse_query(to_query(FULL)) == (FULL, [])


@pytest.mark.parametrize(
    "query",
    [
        "?from=2262-04-12",
        "?to=1677-09-20",
        "?from=%00",
        "?place=%3Cscript%3E&lon=nan&lat=inf&scale=1e999",
        "?minf=1e400&minc=-0&zoom=-1",
        "?type=" + "A" * 5000,
        "?from=2020-03-01T00:00:00%2B05:00",
    ],
)
def test_hostile_links_parse_to_a_safe_state(query) -> None:
    from dashboard.app.state import FIRST_DATE, LAST_DATE, parse_query

    state, notes = parse_query(query)
    for date in (state.selection.start, state.selection.end):
        assert date is None or FIRST_DATE <= pd.Timestamp(date) <= LAST_DATE
    assert all(len(n) < 200 for n in notes)
    assert from_query(to_query(state)) == state


def test_values_the_store_lacks_are_dropped_with_a_note(make_events) -> None:
    from dashboard.app.event_index import index_from_frame
    from dashboard.app.permalink import known_state, note_text
    from dashboard.app.state import parse_query

    ix = index_from_frame(make_events(dict(event_id="a", event_type="Battles", country="Syria")))
    state, _ = parse_query("?type=Battles&type=Nonsense&country=Atlantis&event=nope&place=Nowhere|1|2")
    kept, notes = known_state(state, ix)
    assert kept.filters.event_types == ("Battles",) and kept.filters.countries == ()
    assert kept.selection.event is None and kept.selection.place is None
    assert len(notes) == 4 and notes[0] == "type=Nonsense: no such value in these events"
    assert note_text(notes).startswith("Left out of the link: type=Nonsense")
    assert known_state(parse_query("?type=Battles")[0], ix) == (parse_query("?type=Battles")[0], [])
