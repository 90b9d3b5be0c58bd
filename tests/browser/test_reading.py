"""The reading experience in a real (headless) browser: the phone layout, the offline mode bar,
honest empty and bad states, typed dates (the markers, the basemap, the cost of an interaction and
the list's pages: test_map_reading.py). Expected values come from the store."""

from __future__ import annotations

from urllib.parse import parse_qs, urlencode, urlparse

import pandas as pd
from selenium.webdriver.common.keys import Keys
from test_dashboard import (
    FIRST_RENDER,
    TIMEOUT,
    app_is_settled,
    count,
    drag_timeline,
    map_points,
    n_events,
    start_app,
    stored_events,
    wait_until,
)
from test_panels import click

from dashboard.app.app import create_app

PHONE = (390, 844)
NO_MATCH = "No events match — clear a filter"


def page_query(dash_duo) -> dict[str, list[str]]:
    return parse_qs(urlparse(dash_duo.driver.current_url).query)


def figure_notes(dash_duo, graph: str) -> list[str]:
    """The annotations a graph draws (the empty-state note is one)."""
    return dash_duo.driver.execute_script(
        "const gd = document.querySelector(arguments[0] + ' .js-plotly-plot');"
        "return gd && gd._fullLayout ? (gd._fullLayout.annotations || []).map(a => a.text) : [];",
        graph,
    )


def set_viewport(dash_duo, width: int, height: int) -> None:
    """The page's viewport at exactly this size (a window size would include the browser's frame)."""
    dash_duo.driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride", {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": True}
    )


def boxes(dash_duo, *selectors: str) -> dict:
    """Bounding boxes (and scroll sizes) of the first element of each selector; None when absent or hidden."""
    return dash_duo.driver.execute_script(
        """
        const out = {};
        for (const s of arguments) {
            const e = document.querySelector(s);
            const r = e && e.getBoundingClientRect();
            out[s] = r && r.width > 0 ? {left: r.left, right: r.right, top: r.top, bottom: r.bottom,
                                         width: r.width, height: r.height, scrollHeight: e.scrollHeight} : null;
        }
        out.page = {scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth};
        return out;
        """,
        *selectors,
    )


# -- the phone layout ---------------------------------------------------------------------------


def test_at_phone_size_every_panel_is_usable(dash_duo, seed_store):
    start_app(dash_duo, seed_store)
    set_viewport(dash_duo, *PHONE)
    width = PHONE[0]
    # Plotly redraws a responsive graph after the resize: wait until both graphs have the phone's
    # width and nothing is wider than the screen.
    selectors = ("#map", "#excerpts", "#excerpts .sentence", "#timeline", "#filters-toggle", "#filter-types")

    def settled() -> dict | None:
        b = boxes(dash_duo, *selectors, "#map .main-svg", "#timeline .main-svg")
        fits = b["page"]["scrollWidth"] <= width and all(
            abs(b[s]["width"] - width) < 1 for s in ("#map .main-svg", "#timeline .main-svg")
        )
        return b if fits else None

    b = wait_until(dash_duo, settled, "the graphs did not fit the phone's width (the page scrolls sideways)")
    assert b["#map"]["height"] >= 300, "the map is too small to use"
    excerpts, sentence = b["#excerpts"], b["#excerpts .sentence"]
    assert excerpts["top"] >= b["#map"]["bottom"] - 1, "the excerpts are not under the map"
    assert excerpts["width"] >= width - 1 and excerpts["left"] >= -1
    # The panel grows with its sentences (it used to collapse to 17 px and clip them).
    assert excerpts["height"] >= excerpts["scrollHeight"] - 1, f"the excerpts panel is clipped: {excerpts}"
    assert sentence["width"] >= 300 and sentence["height"] >= 20, f"the sentences are squeezed: {sentence}"
    assert b["#timeline"]["width"] >= width - 1 and b["#timeline"]["height"] >= 150

    # The filters fold into a drawer: closed, its fields are hidden; the button opens it, every field
    # then fits the screen.
    assert b["#filter-types"] is None and b["#filters-toggle"] is not None
    toggle = dash_duo.find_element("#filters-toggle")
    assert toggle.get_attribute("aria-expanded") == "false"
    toggle.click()
    wait_until(dash_duo, lambda: boxes(dash_duo, "#filter-types")["#filter-types"], "the filters drawer did not open")
    assert toggle.get_attribute("aria-expanded") == "true"
    fields = dash_duo.driver.execute_script(
        "return Array.from(document.querySelectorAll('#filters-panel .field')).map(e => {"
        " const r = e.getBoundingClientRect(); return [r.left, r.right, r.width]; })"
    )
    assert fields and all(left >= 0 and right <= width + 0.5 and w > 100 for left, right, w in fields), fields

    # The reader opens full width under the map, and is as tall as its text.
    dash_duo.driver.execute_script("document.querySelector('#excerpts .actions button.read').scrollIntoView()")
    click(dash_duo, "#excerpts .actions button.read")
    dash_duo.wait_for_element("#reader:not([hidden]) .reader-text", timeout=TIMEOUT)
    r = boxes(dash_duo, "#reader", "#reader .reader-text")
    assert r["#reader"]["width"] >= width - 1 and r["#reader"]["left"] >= -1
    assert r["#reader"]["height"] >= r["#reader"]["scrollHeight"] - 1, f"the reader is clipped: {r['#reader']}"
    assert r["#reader .reader-text"]["width"] >= 300 and r["#reader .reader-text"]["height"] >= 100
    wait_until(dash_duo, lambda: boxes(dash_duo)["page"]["scrollWidth"] <= width, "the reader is wider than the phone")
    assert dash_duo.get_logs() == []


# -- the mode bar -------------------------------------------------------------------------------


def test_the_mode_bars_offer_nothing_that_needs_the_network(dash_duo, seed_store):
    start_app(dash_duo, seed_store)
    wait_until(dash_duo, lambda: count(dash_duo, "#timeline .modebar-btn") > 0, "the timeline has no mode bar")
    titles = dash_duo.driver.execute_script(
        "return Array.from(document.querySelectorAll('.modebar-btn'))"
        ".map(b => (b.getAttribute('data-title') || '') + ' ' + (b.getAttribute('href') || ''))"
    )
    assert titles and any("Box Select" in t for t in titles), titles
    words = ("cloud", "chart studio", "edit", "plotly.com", "plot.ly", "produced with")
    assert not [t for t in titles if any(w in t.lower() for w in words)], titles
    assert count(dash_duo, ".modebar a[href^='http']") == 0
    assert dash_duo.get_logs() == []


# -- empty and bad states -----------------------------------------------------------------------


def test_a_search_with_no_results_says_so_instead_of_empty_axes(dash_duo, seed_store):
    events = stored_events(seed_store)
    start_app(dash_duo, seed_store)
    box = dash_duo.find_element("#filter-text")
    box.send_keys("qqzx no such words", Keys.ENTER)

    dash_duo.wait_for_contains_text("#excerpts .empty-state", NO_MATCH, timeout=TIMEOUT)
    wait_until(dash_duo, lambda: NO_MATCH in figure_notes(dash_duo, "#map"), "the map does not say why it is empty")
    wait_until(dash_duo, lambda: NO_MATCH in figure_notes(dash_duo, "#timeline"), "the timeline does not say so")
    # No axes for nothing: plotly's default (year 2000, -1 to 5) is not drawn.
    assert count(dash_duo, "#timeline .xtick") == 0 and count(dash_duo, "#timeline .ytick") == 0
    assert count(dash_duo, "#excerpts .excerpt") == 0 and map_points(dash_duo) == []
    dash_duo.wait_for_contains_text("#counts", f"0 of {n_events(events)} events", timeout=TIMEOUT)

    dash_duo.find_element("#clear-filters").click()
    wait_until(
        dash_duo,
        lambda: len(map_points(dash_duo)) == events["place_key"].nunique(),
        "clearing the filters did not bring the markers back",
    )
    wait_until(
        dash_duo,
        lambda: figure_notes(dash_duo, "#timeline") == [] and count(dash_duo, "#timeline .xtick"),
        "the timeline kept the empty note",
    )
    assert count(dash_duo, "#excerpts .empty-state") == 0
    assert dash_duo.get_logs() == []


def test_a_link_with_unknown_values_opens_what_it_can_and_says_what_it_left_out(dash_duo, seed_store):
    events = stored_events(seed_store)
    known = events["event_type"].value_counts().index[0]
    dash_duo.start_server(create_app(seed_store))
    query = urlencode(
        [
            ("type", "Nonsense"),
            ("type", known),
            ("minf", "-5"),
            ("country", "Atlantis"),
            ("from", "2262-04-12"),
            ("lon", "1e999"),
            ("measure", "rockets"),
        ]
    )
    dash_duo.driver.get(f"{dash_duo.server_url}/?{query}")

    dash_duo.wait_for_contains_text("#url-note", "type=Nonsense", timeout=FIRST_RENDER)
    note = dash_duo.find_element("#url-note").text
    for part in ("minf=-5", "country=Atlantis", "from=2262-04-12", "measure=rockets"):
        assert part in note, note
    dash_duo.wait_for_text_to_equal("#filter-types-value", known, timeout=TIMEOUT)
    expected = events[events["event_type"] == known]
    dash_duo.wait_for_contains_text("#counts", f"{n_events(expected)} of {n_events(events)} events", timeout=TIMEOUT)
    # The link is rewritten to what is shown.
    wait_until(dash_duo, lambda: page_query(dash_duo) == {"type": [known]}, "the link still carries the dropped values")
    assert dash_duo.get_logs() == []


HOSTILE = [
    "?from=99999-99-99&to=now",
    "?minf=1e400&minc=nan&zoom=-3",
    "?place=%3Cimg%20src%3Dx%3E&event=%00",
    "?type=" + "A" * 3000,
    "?from=2020-03-05&to=2020-03-01&lat=91&scale=0",
    "?area=x|y|z&west=500&east=a",
]


def test_hostile_links_never_break_the_page(dash_duo, seed_store):
    dash_duo.start_server(create_app(seed_store))
    for query in HOSTILE:
        dash_duo.driver.get("about:blank")
        dash_duo.driver.get(f"{dash_duo.server_url}/{query}")
        wait_until(
            dash_duo,
            lambda: dash_duo.find_element("#url-note").text.startswith("Left out of the link"),
            f"no note for {query[:60]}",
            timeout=FIRST_RENDER,
        )
        wait_until(dash_duo, lambda: app_is_settled(dash_duo), f"the page never settled on {query[:60]}")
        assert "<img" not in dash_duo.driver.execute_script("return document.getElementById('url-note').innerHTML")
        # A server error would be logged by the browser (a failed callback request).
        assert dash_duo.get_logs() == [], query[:60]


# -- time you can type --------------------------------------------------------------------------


def field(dash_duo, cid: str) -> str:
    return dash_duo.driver.execute_script(
        "const el = document.getElementById(arguments[0]); return el ? el.value : null", cid
    )


def field_class(dash_duo, cid: str) -> str:
    """The class of the field's box (dcc.Input puts its className on a wrapper of the <input>)."""
    return dash_duo.driver.execute_script(
        "const el = document.getElementById(arguments[0]); return (el.closest('.date') || el).className", cid
    )


def type_date(dash_duo, cid: str, value: str) -> None:
    box = dash_duo.find_element(f"#{cid}")
    box.send_keys(Keys.CONTROL, "a")
    box.send_keys(Keys.BACKSPACE)
    box.send_keys(value, Keys.ENTER)


def test_typed_dates_and_presets_set_the_window_and_the_brush_writes_the_fields(dash_duo, seed_store):
    events = stored_events(seed_store)
    start_app(dash_duo, seed_store)
    last = events["event_date"].max().normalize()

    # Typed dates: the views, the counts and the link follow.
    type_date(dash_duo, "date-from", "2018-01-01")
    type_date(dash_duo, "date-to", "2018-12-31")
    in_2018 = events[events["event_date"].between("2018-01-01", "2018-12-31 23:59:59")]
    assert 0 < len(in_2018) < len(events)
    dash_duo.wait_for_contains_text("#counts", f"{n_events(in_2018)} of {n_events(events)} events", timeout=TIMEOUT)
    wait_until(
        dash_duo,
        lambda: (
            page_query(dash_duo).get("from") == ["2018-01-01"]
            and page_query(dash_duo).get("to") == ["2018-12-31 23:59:59"]
        ),
        "the link lacks the typed window",
    )
    wait_until(
        dash_duo,
        lambda: sorted(p.key for p in map_points(dash_duo)) == sorted(set(in_2018["place_key"])),
        "the map did not follow the typed window",
    )

    # A date that is no day is refused and marked; the window stays.
    type_date(dash_duo, "date-to", "2018-02-30")
    wait_until(dash_duo, lambda: "invalid" in field_class(dash_duo, "date-to"), "an impossible date was not marked")
    invalid = "return document.getElementById(arguments[0]).getAttribute('aria-invalid')"
    wait_until(dash_duo, lambda: dash_duo.driver.execute_script(invalid, "date-to") == "true", "not aria-invalid")
    assert dash_duo.driver.execute_script(invalid, "date-from") is None, "a valid field is said invalid"
    assert page_query(dash_duo).get("to") == ["2018-12-31 23:59:59"]

    # A preset counts back from the last event.
    dash_duo.find_element("#preset-30").click()
    first = last - pd.Timedelta(days=29)
    wait_until(
        dash_duo,
        lambda: (
            field(dash_duo, "date-from") == f"{first:%Y-%m-%d}" and field(dash_duo, "date-to") == f"{last:%Y-%m-%d}"
        ),
        "the preset did not write the fields",
    )
    recent = events[events["event_date"].between(first, last + pd.Timedelta(hours=23, minutes=59, seconds=59))]
    dash_duo.wait_for_contains_text("#counts", f"{n_events(recent)} of {n_events(events)} events", timeout=TIMEOUT)
    assert "invalid" not in field_class(dash_duo, "date-to")

    # A drag on the timeline writes the fields.
    wait_until(dash_duo, lambda: app_is_settled(dash_duo), "the page never settled")
    drag_timeline(dash_duo, "2018-09-01", "2018-09-30")
    wait_until(
        dash_duo,
        lambda: (field(dash_duo, "date-from"), field(dash_duo, "date-to")) == ("2018-09-01", "2018-09-30"),
        "the brush did not write the fields",
    )

    # All dates: the window goes, the fields empty.
    dash_duo.find_element("#preset-all").click()
    dash_duo.wait_for_contains_text("#counts", f"{n_events(events)} of {n_events(events)} events", timeout=TIMEOUT)
    wait_until(
        dash_duo,
        lambda: field(dash_duo, "date-from") == "" and "from" not in page_query(dash_duo),
        "'all dates' kept a window",
    )
    assert dash_duo.get_logs() == []


def test_a_link_with_a_window_fills_the_date_fields(dash_duo, seed_store):
    dash_duo.start_server(create_app(seed_store))
    dash_duo.driver.get(f"{dash_duo.server_url}/?from=2020-03-01&to=2020-03-31+23:59:59")
    wait_until(
        dash_duo,
        lambda: (field(dash_duo, "date-from"), field(dash_duo, "date-to")) == ("2020-03-01", "2020-03-31"),
        "the link's window is not in the fields",
        timeout=FIRST_RENDER,
    )
    assert dash_duo.get_logs() == []


# The tallest drawn bar of the timeline, as a share of its plot area's height (null until bars are drawn).
TALLEST_BAR_JS = """
const gd = document.querySelector('#timeline .js-plotly-plot');
if (!gd || !gd._fullLayout || !gd._fullLayout._size) return null;
const heights = Array.from(gd.querySelectorAll('.barlayer .point path')).map(p => p.getBoundingClientRect().height);
return heights.length ? Math.max(...heights) / gd._fullLayout._size.h : null;
"""


def test_a_selected_place_s_few_events_fill_the_timeline_s_height(dash_duo, seed_store):
    """A place's bars were drawn on the totals' scale: one event beside a day of many was a sliver.
    They have a scale of their own now (the left axis), over the totals (the right one)."""
    events = stored_events(seed_store)
    told = events[events["record_kind"] == "event"]
    per_place = told.groupby("place_key")["event_id"].nunique()
    per_day = told.groupby(told["event_date"].dt.normalize())["event_id"].nunique()
    quiet = per_place[per_place == 1].index[0]
    assert per_day.max() >= 2, "the seed's busiest day no longer holds more than one event"
    dash_duo.start_server(create_app(seed_store))
    dash_duo.driver.get(f"{dash_duo.server_url}/?{urlencode({'place': quiet})}")
    dash_duo.wait_for_contains_text("#summary", "1 of", timeout=FIRST_RENDER)
    wait_until(dash_duo, lambda: app_is_settled(dash_duo), "the page never settled")
    tallest = wait_until(dash_duo, lambda: dash_duo.driver.execute_script(TALLEST_BAR_JS), "no bars drawn")
    assert tallest >= 0.8, f"the place's one event is drawn {tallest:.0%} of the timeline's height"
    assert dash_duo.get_logs() == []
