"""The app's pure query functions and figure builders, on small hand-made events tables."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import pytest
import query_oracle as O

from dashboard import schema as S
from dashboard.app import query as Q
from dashboard.app.figures import TYPE_COLORS, map_figure, marker_size, place_traces, type_color
from dashboard.app.timeline_figure import timeline_figure

IDLIB = dict(location="Idlib", latitude=35.930621, longitude=36.633934, country="Syria", geo_precision=1)
MOSCOW = dict(
    location="Moscow",
    latitude=55.75204,
    longitude=37.61781,
    country="Russia",
    country_code="RU",
    geo_precision=1,
    toponym="Moscow",
    excerpt="Talks were held in Moscow.",
    toponym_start=119,
    toponym_end=125,
    excerpt_start=100,
    excerpt_end=126,
    trigger="Talks",
    trigger_start=100,
    trigger_end=105,
)
SYRIA = dict(
    location="Syria",
    latitude=35.0,
    longitude=38.0,
    country="Syria",
    geo_precision=4,
    feature_code="PCLI",
    toponym="Syria",
    excerpt="Clashes across Syria.",
    toponym_start=215,
    toponym_end=220,
    excerpt_start=200,
    excerpt_end=221,
    trigger="Clashes",
    trigger_start=200,
    trigger_end=207,
)


@pytest.fixture
def events(make_events) -> pd.DataFrame:
    df = make_events(
        dict(event_id="i1", event_date="2020-03-01", fatalities=36, event_type="Explosions/Remote violence", **IDLIB),
        dict(event_id="i2", event_date="2020-03-04", fatalities=2, event_type="Battles", **IDLIB),
        dict(event_id="i3", event_date="2020-03-04", event_type="Battles", **IDLIB),
        dict(event_id="m1", event_date="2020-03-05", event_type="Diplomacy", fatalities=None, **MOSCOW),
        dict(event_id="s1", event_date="2020-02-10", event_type="Battles", **SYRIA),
        dict(event_id="u1", event_date=None, event_type="Other", **SYRIA),
    )
    return O.with_place_key(df)


def key(location: str, lat: float, lon: float) -> str:
    return f"{location}|{round(lat, 4)}|{round(lon, 4)}"


IDLIB_KEY = key("Idlib", IDLIB["latitude"], IDLIB["longitude"])
MOSCOW_KEY = key("Moscow", MOSCOW["latitude"], MOSCOW["longitude"])
SYRIA_KEY = key("Syria", 35.0, 38.0)


def test_with_place_key(events: pd.DataFrame) -> None:
    assert S.PLACE_KEY in events.columns
    assert events.set_index(S.EVENT_ID)[S.PLACE_KEY].to_dict() == {
        "i1": IDLIB_KEY,
        "i2": IDLIB_KEY,
        "i3": IDLIB_KEY,
        "m1": MOSCOW_KEY,
        "s1": SYRIA_KEY,
        "u1": SYRIA_KEY,
    }
    assert IDLIB_KEY == "Idlib|35.9306|36.6339"


def test_with_place_key_separates_namesakes(make_events) -> None:
    df = O.with_place_key(
        make_events(
            dict(event_id="a", location="Moscow", latitude=55.75, longitude=37.62),
            dict(event_id="b", location="Moscow", latitude=46.73, longitude=-117.0),
        )
    )
    assert df[S.PLACE_KEY].nunique() == 2


@pytest.mark.parametrize(
    "start, end, expected",
    [
        (None, None, ["i1", "i2", "i3", "m1", "s1", "u1"]),
        ("2020-03-01", "2020-03-04", ["i1", "i2", "i3"]),
        ("2020-03-04", None, ["i2", "i3", "m1"]),
        (None, "2020-02-29", ["s1"]),
        ("2020-03-04T15:30:00", "2020-03-04 23:59:59", ["i2", "i3"]),
        ("2021-01-01", "2021-12-31", []),
    ],
)
def test_in_range(events: pd.DataFrame, start, end, expected) -> None:
    assert O.in_range(events, start, end)[S.EVENT_ID].tolist() == expected


def test_at_place(events: pd.DataFrame) -> None:
    assert O.at_place(events, IDLIB_KEY)[S.EVENT_ID].tolist() == ["i1", "i2", "i3"]
    assert O.at_place(events, None) is events
    assert O.at_place(events, "nowhere|0|0").empty


def test_places_summary(events: pd.DataFrame) -> None:
    ps = O.places_summary(events).set_index(S.PLACE_KEY)
    assert set(ps.index) == {IDLIB_KEY, MOSCOW_KEY, SYRIA_KEY}
    idlib = ps.loc[IDLIB_KEY]
    assert idlib["n_events"] == 3
    assert idlib["fatalities"] == 38
    assert idlib["main_type"] == "Battles"
    assert idlib["first"] == pd.Timestamp("2020-03-01") and idlib["last"] == pd.Timestamp("2020-03-04")
    assert (idlib[S.LOCATION], idlib[S.COUNTRY], idlib[S.GEO_PRECISION]) == ("Idlib", "Syria", 1)
    assert ps.loc[MOSCOW_KEY, "fatalities"] == 0
    assert ps.loc[MOSCOW_KEY, "main_type"] == "Diplomacy"
    syria = ps.loc[SYRIA_KEY]
    assert syria["n_events"] == 2 and syria[S.GEO_PRECISION] == 4
    assert syria["first"] == syria["last"] == pd.Timestamp("2020-02-10")


def test_places_summary_empty(events: pd.DataFrame) -> None:
    ps = O.places_summary(events.iloc[0:0])
    assert ps.empty
    assert {S.PLACE_KEY, "n_events", "main_type", "fatalities", "first", "last"} <= set(ps.columns)


def test_timeline_counts(events: pd.DataFrame) -> None:
    tc = O.timeline_counts(events)
    got = {(r["day"].strftime("%Y-%m-%d"), r[S.EVENT_TYPE]): r["n"] for r in tc.to_dict("records")}
    assert got == {
        ("2020-02-10", "Battles"): 1,
        ("2020-03-01", "Explosions/Remote violence"): 1,
        ("2020-03-04", "Battles"): 2,
        ("2020-03-05", "Diplomacy"): 1,
    }
    assert O.timeline_counts(events[events[S.EVENT_DATE].isna()]).empty


# -- selection ----------------------------------------------------------------------------------------

CURRENT = Q.Selection("2020-01-01", "2020-12-31", IDLIB_KEY)


@pytest.mark.parametrize(
    "relayout, expected",
    [
        (
            {"xaxis.range[0]": "2020-03-01 06:30:12.5", "xaxis.range[1]": "2020-03-04 18:00:00.25"},
            Q.Selection("2020-03-01", "2020-03-04 18:00:00", IDLIB_KEY),
        ),
        ({"xaxis.range": ["2020-02-01", "2020-02-15"]}, Q.Selection("2020-02-01", "2020-02-15", IDLIB_KEY)),
        ({"xaxis.autorange": True}, Q.Selection(None, None, IDLIB_KEY)),
        ({"xaxis.autorange": True, "xaxis.showspikes": False}, Q.Selection(None, None, IDLIB_KEY)),
        ({"autosize": True}, CURRENT),
        ({"dragmode": "pan"}, CURRENT),
        ({"xaxis.range[0]": "2020-03-01"}, CURRENT),
        ({}, CURRENT),
        (None, CURRENT),
    ],
)
def test_selection_after_relayout(relayout, expected) -> None:
    assert Q.selection_after_relayout(relayout, CURRENT) == expected


def test_selection_dict_round_trip() -> None:
    assert Q.Selection.from_dict(CURRENT.to_dict()) == CURRENT
    assert Q.Selection.from_dict(None) == Q.Selection()
    assert Q.Selection.from_dict({}) == Q.Selection(None, None, None)


def test_drag_then_filter(events: pd.DataFrame) -> None:
    sel = Q.selection_after_relayout(
        {"xaxis.range[0]": "2020-03-03 12:00", "xaxis.range[1]": "2020-03-05 12:00"}, Q.Selection()
    )
    assert O.in_range(events, sel.start, sel.end)[S.EVENT_ID].tolist() == ["i2", "i3", "m1"]


# -- excerpts ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, spans, expected",
    [
        ("Clashes in Idlib.", [(11, 16, "place")], [("Clashes in ", None), ("Idlib", "place"), (".", None)]),
        (
            "Clashes in Idlib.",
            [(11, 16, "place"), (0, 7, "trigger")],
            [("Clashes", "trigger"), (" in ", None), ("Idlib", "place"), (".", None)],
        ),
        ("Idlib", [(0, 5, "place")], [("Idlib", "place")]),
        ("Clashes in Idlib.", [(8, 16, "a"), (11, 16, "b")], [("Clashes ", None), ("in Idlib", "a"), (".", None)]),
        ("Clashes in Idlib.", [(-1, 3, "x"), (5, 99, "y"), (4, 4, "z")], [("Clashes in Idlib.", None)]),
        ("Clashes in Idlib.", [], [("Clashes in Idlib.", None)]),
        ("", [], []),
    ],
)
def test_split_highlights(text, spans, expected) -> None:
    pieces = Q.split_highlights(text, spans)
    assert pieces == expected
    assert "".join(p for p, _ in pieces) == text


def test_excerpt_records(events: pd.DataFrame) -> None:
    recs = Q.excerpt_records(events)
    ids = [r[S.EVENT_ID] for r in recs]
    assert ids[0] == "m1", "newest first"
    assert set(ids[1:3]) == {"i2", "i3"}
    assert ids[3:] == ["i1", "s1", "u1"], "undated last"
    for r in recs:
        s, e = r["place_span"]
        assert r[S.EXCERPT][s:e] == r[S.TOPONYM]
        ts = r["trigger_span"]
        assert ts is not None and r[S.EXCERPT][ts[0] : ts[1]] == r[S.TRIGGER]
    moscow = next(r for r in recs if r[S.EVENT_ID] == "m1")
    assert moscow["place_span"] == (19, 25)
    assert moscow["trigger_span"] == (0, 5)
    assert Q.excerpt_records(events, limit=2) == recs[:2]
    assert Q.excerpt_records(events.iloc[0:0]) == []


def test_excerpt_records_without_trigger(make_events) -> None:
    (r,) = Q.excerpt_records(O.with_place_key(make_events(dict(trigger="", trigger_start=None, trigger_end=None))))
    assert r["trigger_span"] is None
    # A trigger another report of the event gave, outside this row's excerpt, is not highlighted.
    (r,) = Q.excerpt_records(O.with_place_key(make_events(dict(trigger_start=140, trigger_end=147))))
    assert r["trigger_span"] is None


def test_excerpt_records_highlight_the_trigger_where_the_pipeline_found_it(make_events) -> None:
    # The word occurs twice; the offsets say the second one typed the event.
    row = dict(
        excerpt="Rebels clashed before troops clashed in Idlib.",
        excerpt_start=10,
        excerpt_end=56,
        trigger_start=39,
        trigger_end=46,
        toponym_start=50,
        toponym_end=55,
    )
    (r,) = Q.excerpt_records(O.with_place_key(make_events(row)))
    assert r["trigger_span"] == (29, 36)
    assert r["place_span"] == (40, 45)


@pytest.mark.parametrize(
    "ts, precision, text",
    [
        (pd.Timestamp("2020-03-04"), "day", "2020-03-04"),
        (pd.Timestamp("2020-04-01"), "month", "April 2020"),
        (pd.Timestamp("2018-01-01"), "year", "2018"),
        (pd.NaT, "day", "undated"),
        (None, None, "undated"),
    ],
)
def test_format_date(ts, precision, text) -> None:
    assert Q.format_date(ts, precision) == text


# -- figures -----------------------------------------------------------------------------------------


def test_map_figure_one_marker_per_place(events: pd.DataFrame) -> None:
    places = O.places_summary(events)
    fig = map_figure(places)
    assert isinstance(fig, go.Figure)
    assert all(isinstance(t, go.Scattergeo) for t in place_traces(fig))
    keys = [k for t in place_traces(fig) for k in t.customdata]
    assert sorted(keys) == sorted(places[S.PLACE_KEY]) == sorted({IDLIB_KEY, MOSCOW_KEY, SYRIA_KEY})
    assert sum(len(t.lat) for t in place_traces(fig)) == 3
    by_type = {t.name: t for t in place_traces(fig)}
    assert set(by_type) == {"Battles", "Diplomacy"}
    for t in place_traces(fig):
        assert t.marker.color == type_color(t.name)
    # Each marker sits at its place.
    for t in place_traces(fig):
        for k, lat, lon in zip(t.customdata, t.lat, t.lon, strict=True):
            assert k == key(k.split("|")[0], lat, lon)


def test_town_names_are_drawn_over_the_markers_and_provinces_under_them(make_events) -> None:
    """Under the markers a town's name was hidden by its own marker; the provinces' lines stay under."""
    from dashboard.app.basemap import BASEMAP_PREFIX, TOWN_NAMES
    from dashboard.app.mapview import MapView

    events = O.with_place_key(
        make_events(dict(event_id="a", **IDLIB), dict(event_id="b", location="Saraqib", latitude=35.86, longitude=36.8))
    )
    fig = map_figure(O.places_summary(events), view=MapView(35.5, 38.5, 34.5, 37.0))
    names = [t.name for t in fig.data]
    markers = [i for i, t in enumerate(fig.data) if not str(t.name).startswith(BASEMAP_PREFIX) and t.customdata]
    assert markers and names.index(TOWN_NAMES) > max(markers), names
    assert names.index(BASEMAP_PREFIX + "provinces") < min(markers), names
    towns = fig.data[names.index(TOWN_NAMES)]
    assert towns.hoverinfo == "skip" and towns.mode == "text" and towns.customdata is None


def test_map_figure_symbols_by_precision(events: pd.DataFrame) -> None:
    fig = map_figure(O.places_summary(events))
    symbols = {k: s for t in place_traces(fig) for k, s in zip(t.customdata, t.marker.symbol, strict=True)}
    assert symbols == {IDLIB_KEY: "circle", MOSCOW_KEY: "circle", SYRIA_KEY: "circle-open"}


@pytest.mark.parametrize("precision, symbol", [(1, "circle"), (2, "circle"), (3, "circle-open"), (4, "circle-open")])
def test_map_symbol_for_each_precision(make_events, precision: int, symbol: str) -> None:
    fig = map_figure(O.places_summary(O.with_place_key(make_events(dict(geo_precision=precision)))))
    assert list(place_traces(fig)[0].marker.symbol) == [symbol]


def test_map_figure_selected_place_and_hover(events: pd.DataFrame) -> None:
    fig = map_figure(O.places_summary(events), selected=IDLIB_KEY)
    battles = next(t for t in place_traces(fig) if t.name == "Battles")
    widths = dict(zip(battles.customdata, battles.marker.line.width, strict=True))
    assert widths[IDLIB_KEY] > widths[SYRIA_KEY]
    hover = dict(zip(battles.customdata, battles.hovertext, strict=True))
    assert "Idlib" in hover[IDLIB_KEY] and "3 event(s)" in hover[IDLIB_KEY] and "38 killed" in hover[IDLIB_KEY]
    assert "2020-03-01 – 2020-03-04" in hover[IDLIB_KEY]
    assert "country/region" in hover[SYRIA_KEY]


def test_map_hover_escapes_html(make_events) -> None:
    fig = map_figure(O.places_summary(O.with_place_key(make_events(dict(location="<b>X</b> & Y")))))
    assert "<b>X</b>" not in place_traces(fig)[0].hovertext[0]
    assert "&lt;b&gt;X&lt;/b&gt; &amp; Y" in place_traces(fig)[0].hovertext[0]


def test_map_figure_with_unknown_precision(make_events) -> None:
    fig = map_figure(O.places_summary(O.with_place_key(make_events(dict(geo_precision=None)))))
    assert list(place_traces(fig)[0].marker.symbol) == ["circle-open"]


def test_map_figure_empty() -> None:
    fig = map_figure(O.places_summary(S.empty_events().assign(**{S.PLACE_KEY: pd.Series(dtype="string")})))
    assert len(fig.data) == 0


def test_marker_size_grows_with_events() -> None:
    sizes = marker_size(pd.Series([1, 4, 100])).tolist()
    assert sizes[0] == 9 and sizes[0] < sizes[1] < sizes[2] == 42
    # Relative to the largest place on the map, not to the places in this call.
    assert marker_size(pd.Series([100]), biggest=400).iloc[0] < 42


def test_timeline_figure_stacks_by_type(events: pd.DataFrame) -> None:
    counts = O.timeline_counts(events)
    fig = timeline_figure(counts)
    assert all(isinstance(t, go.Bar) for t in fig.data)
    assert [t.name for t in fig.data] == ["Battles", "Diplomacy", "Explosions/Remote violence"]
    assert fig.layout.barmode == "stack"
    assert fig.layout.xaxis.type == "date"
    assert sum(sum(t.y) for t in fig.data) == 5
    for t in fig.data:
        assert t.marker.color == TYPE_COLORS[t.name]
    assert fig.layout.xaxis.range is None


def test_timeline_figure_sets_the_range() -> None:
    fig = timeline_figure(O.timeline_counts(S.empty_events()), "2020-03-01", "2020-03-10")
    assert len(fig.data) == 0
    assert tuple(fig.layout.xaxis.range) == ("2020-03-01", "2020-03-10")
    assert fig.layout.xaxis.autorange is False
    assert timeline_figure(O.timeline_counts(S.empty_events()), "2020-03-01", None).layout.xaxis.range is None


def test_type_color_default() -> None:
    assert type_color("Battles") == TYPE_COLORS["Battles"]
    assert type_color("Something new") == TYPE_COLORS["Other"]


def test_map_figure_on_tiles_uses_a_raster_style_and_keeps_place_keys(events: pd.DataFrame) -> None:
    from dashboard.app.figures import TILE_PRESETS

    places = O.places_summary(O.with_place_key(events))
    fig = map_figure(places, tiles=TILE_PRESETS["osm"])
    assert all(isinstance(t, go.Scattermap) for t in fig.data)
    style = fig.layout.map.style
    assert style["sources"]["tiles"]["tiles"] == [TILE_PRESETS["osm"][0]]
    assert "OpenStreetMap" in style["sources"]["tiles"]["attribution"]
    # One marker per place (the type-mix rings over a marker carry its key too: they are no markers).
    keys = [k for t in place_traces(fig) for k in t.customdata]
    assert sorted(keys) == sorted(places["place_key"])
    rings = [t for t in fig.data if t.name.startswith("mix: ")]
    mixed = O.with_place_key(events).groupby("place_key")["event_type"].nunique()
    assert sorted(k for t in rings for k in t.customdata) == sorted(mixed[mixed > 1].index)  # Idlib and Syria


def test_unreachable_tiles_fall_back_to_the_offline_basemap(monkeypatch: pytest.MonkeyPatch) -> None:
    from dashboard import cli

    monkeypatch.setattr(cli, "tiles_reachable", lambda url, timeout=3.0: False)
    assert cli.resolve_tiles("osm") is None
    monkeypatch.setattr(cli, "tiles_reachable", lambda url, timeout=3.0: True)
    assert cli.resolve_tiles("osm")[0].startswith("https://tile.openstreetmap.org/")
    assert cli.resolve_tiles(None) is None


@pytest.mark.parametrize("days,unit", [(10, "day"), (92, "day"), (200, "week"), (731, "week"), (1500, "month")])
def test_time_bin_widens_with_the_span(days: int, unit: str) -> None:
    start = pd.Timestamp("2016-01-01")
    assert Q.time_bin(start, start + pd.Timedelta(days=days)) == unit


def test_timeline_counts_by_week_and_month(make_events) -> None:
    df = make_events(
        {"event_date": "2016-03-02", "event_type": "Battles"},  # a Wednesday
        {"event_date": "2016-03-06", "event_type": "Battles"},  # the Sunday of the same week
        {"event_date": "2016-03-31", "event_type": "Battles"},
    )
    weeks = O.timeline_counts(df, "week")
    assert weeks.set_index("day")["n"].to_dict() == {pd.Timestamp("2016-02-29"): 2, pd.Timestamp("2016-03-28"): 1}
    months = O.timeline_counts(df, "month")
    assert months.set_index("day")["n"].to_dict() == {pd.Timestamp("2016-03-01"): 3}


def test_robust_extent_ignores_a_few_historical_dates() -> None:
    dates = pd.Series(pd.to_datetime(["1982-02-01"] + ["2016-01-01"] * 60 + ["2017-06-30"] * 40))
    lo, hi = O.robust_extent(dates)
    assert lo == pd.Timestamp("2016-01-01") and hi == pd.Timestamp("2017-06-30")
    assert O.robust_extent(pd.Series([], dtype="datetime64[ns]")) is None


def test_next_selection() -> None:
    cur = Q.Selection("2018-09-01", "2018-09-30", None)
    click = {"points": [{"customdata": "Sochi|43.6|39.72"}]}
    assert Q.next_selection("click", None, click, cur) == Q.Selection("2018-09-01", "2018-09-30", "Sochi|43.6|39.72")
    selected = Q.Selection(None, None, "Sochi|43.6|39.72")
    assert Q.next_selection("click", None, click, selected) == Q.Selection(), "a second click deselects"
    assert Q.next_selection("reset", None, None, selected) == Q.Selection()
    dragged = Q.next_selection(
        "range", {"xaxis.range[0]": "2020-03-01 00:00", "xaxis.range[1]": "2020-03-05"}, None, selected
    )
    assert dragged == Q.Selection("2020-03-01", "2020-03-05", "Sochi|43.6|39.72")
    assert Q.next_selection("click", None, {"points": []}, cur) is None
    assert Q.next_selection(None, None, None, cur) is None


def test_report_badges_show_sources_and_conflicting_counts() -> None:
    from dashboard.app.callbacks import report_badges

    texts = report_badges(
        {S.INJURED: 30, S.DISPLACED: None, S.N_SOURCES: 3, S.FATALITIES_LOW: 12, S.FATALITIES_HIGH: 15}
    )
    assert texts == ["30 injured", "3 sources", "reports: 12–15 killed"]
    assert report_badges({S.N_SOURCES: 1, S.FATALITIES_LOW: 5, S.FATALITIES_HIGH: 5}) == []


def test_precise_only_and_size_by_deaths(make_events) -> None:
    df = O.with_place_key(
        make_events(
            dict(event_id="a", location="Idlib", latitude=35.93, longitude=36.63, geo_precision=1, fatalities=36),
            dict(event_id="b", location="Syria", latitude=35.0, longitude=38.0, geo_precision=4),
            dict(event_id="c", location="Aleppo", latitude=36.2, longitude=37.16, geo_precision=1),
            dict(event_id="d", location="Aleppo", latitude=36.2, longitude=37.16, geo_precision=1),
        )
    )
    assert O.precise_only(df, True)["location"].tolist() == ["Idlib", "Aleppo", "Aleppo"]
    assert len(O.precise_only(df, False)) == 4
    places = O.places_summary(df)
    sizes = {
        k: s
        for t in place_traces(map_figure(places, size_by="fatalities"))
        for k, s in zip(t.customdata, t.marker.size, strict=True)
    }
    assert sizes["Idlib|35.93|36.63"] == 42 and sizes["Aleppo|36.2|37.16"] == 9
    sizes = {k: s for t in place_traces(map_figure(places)) for k, s in zip(t.customdata, t.marker.size, strict=True)}
    assert sizes["Aleppo|36.2|37.16"] == 42, "by events, the place with two events is the largest"


def test_summary_counts_the_selection_against_the_whole_store(make_events) -> None:
    from dashboard.app.callbacks import summary_text

    df = make_events(dict(event_id="a"), dict(event_id="b"), dict(event_id="c"))
    sel = Q.Selection("2020-03-01", "2020-03-31", "Moscow|55.7522|37.6156")
    assert summary_text(df, df.head(1), sel) == "1 of 3 events · 2020-03-01 → 2020-03-31 · Moscow"
    assert "No events" in summary_text(df.head(0), df.head(0), Q.Selection())


def test_a_types_legend_swatch_is_a_spot_when_it_has_one(make_events) -> None:
    # Plotly draws the legend's swatch as the trace's first marker: a province first made it hollow.
    province = dict(SYRIA, location="Idlib Governorate", latitude=35.8, longitude=36.6, geo_precision=3)
    events = O.with_place_key(
        make_events(
            dict(event_id="p", event_type="Battles", **province), dict(event_id="t", event_type="Battles", **IDLIB)
        )
    )
    places = O.places_summary(events)
    for order in (places, places.iloc[::-1]):
        battles = next(t for t in place_traces(map_figure(order)) if t.name == "Battles")
        assert list(battles.marker.symbol) == ["circle", "circle-open"]
