"""The reading experience in a real (headless) browser: the phone layout, honest empty and bad
states, the offline mode bar, typed dates, readable markers. Expected values come from the store."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlparse

import pandas as pd
import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from test_dashboard import (
    MAP_GD,
    TIMEOUT,
    app_is_settled,
    click_marker,
    count,
    drag_timeline,
    map_points,
    start_app,
    stored_events,
    wait_until,
)
from test_panels import tab_to

from dashboard import schema as S
from dashboard.app.app import create_app
from dashboard.store import EventsStore

PHONE = (390, 844)
NO_MATCH = "No events match — clear a filter"


def page_query(dash_duo) -> dict[str, list[str]]:
    return parse_qs(urlparse(dash_duo.driver.current_url).query)


def figure_notes(dash_duo, graph: str) -> list[str]:
    """The annotations a graph draws (the empty-state note is one)."""
    return dash_duo.driver.execute_script(
        "const gd = document.querySelector(arguments[0] + ' .js-plotly-plot');"
        "return gd && gd._fullLayout ? (gd._fullLayout.annotations || []).map(a => a.text) : [];", graph)


def set_viewport(dash_duo, width: int, height: int) -> None:
    """The page's viewport at exactly this size (a window size would include the browser's frame)."""
    dash_duo.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                                    {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": True})


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
        """, *selectors)


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
            abs(b[s]["width"] - width) < 1 for s in ("#map .main-svg", "#timeline .main-svg"))
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
        " const r = e.getBoundingClientRect(); return [r.left, r.right, r.width]; })")
    assert fields and all(left >= 0 and right <= width + 0.5 and w > 100 for left, right, w in fields), fields

    # The reader opens full width under the map, and is as tall as its text.
    dash_duo.driver.execute_script("document.querySelector('#excerpts .actions button').scrollIntoView()")
    dash_duo.find_element("#excerpts .actions button").click()
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
        ".map(b => (b.getAttribute('data-title') || '') + ' ' + (b.getAttribute('href') || ''))")
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
    dash_duo.wait_for_contains_text("#counts", f"0 of {len(events)} events", timeout=TIMEOUT)

    dash_duo.find_element("#clear-filters").click()
    wait_until(dash_duo, lambda: len(map_points(dash_duo)) == events["place_key"].nunique(),
               "clearing the filters did not bring the markers back")
    wait_until(dash_duo, lambda: figure_notes(dash_duo, "#timeline") == [] and count(dash_duo, "#timeline .xtick"),
               "the timeline kept the empty note")
    assert count(dash_duo, "#excerpts .empty-state") == 0
    assert dash_duo.get_logs() == []


def test_a_link_with_unknown_values_opens_what_it_can_and_says_what_it_left_out(dash_duo, seed_store):
    events = stored_events(seed_store)
    known = events["event_type"].value_counts().index[0]
    dash_duo.start_server(create_app(seed_store))
    query = urlencode([("type", "Nonsense"), ("type", known), ("minf", "-5"), ("country", "Atlantis"),
                       ("from", "2262-04-12"), ("lon", "1e999"), ("measure", "rockets")])
    dash_duo.driver.get(f"{dash_duo.server_url}/?{query}")

    dash_duo.wait_for_contains_text("#url-note", "type=Nonsense", timeout=TIMEOUT)
    note = dash_duo.find_element("#url-note").text
    for part in ("minf=-5", "country=Atlantis", "from=2262-04-12", "measure=rockets"):
        assert part in note, note
    dash_duo.wait_for_text_to_equal("#filter-types-value", known, timeout=TIMEOUT)
    expected = events[events["event_type"] == known]
    dash_duo.wait_for_contains_text("#counts", f"{len(expected)} of {len(events)} events", timeout=TIMEOUT)
    # The link is rewritten to what is shown.
    wait_until(dash_duo, lambda: page_query(dash_duo) == {"type": [known]}, "the link still carries the dropped values")
    assert dash_duo.get_logs() == []


HOSTILE = ["?from=99999-99-99&to=now", "?minf=1e400&minc=nan&zoom=-3", "?place=%3Cimg%20src%3Dx%3E&event=%00",
           "?type=" + "A" * 3000, "?from=2020-03-05&to=2020-03-01&lat=91&scale=0", "?area=x|y|z&west=500&east=a"]


def test_hostile_links_never_break_the_page(dash_duo, seed_store):
    dash_duo.start_server(create_app(seed_store))
    for query in HOSTILE:
        dash_duo.driver.get("about:blank")
        dash_duo.driver.get(f"{dash_duo.server_url}/{query}")
        wait_until(dash_duo, lambda: dash_duo.find_element("#url-note").text.startswith("Left out of the link"),
                   f"no note for {query[:60]}")
        wait_until(dash_duo, lambda: app_is_settled(dash_duo), f"the page never settled on {query[:60]}")
        assert "<img" not in dash_duo.driver.execute_script("return document.getElementById('url-note').innerHTML")
        # A server error would be logged by the browser (a failed callback request).
        assert dash_duo.get_logs() == [], query[:60]


# -- time you can type --------------------------------------------------------------------------


def field(dash_duo, cid: str) -> str:
    return dash_duo.driver.execute_script(
        "const el = document.getElementById(arguments[0]); return el ? el.value : null", cid)


def field_class(dash_duo, cid: str) -> str:
    """The class of the field's box (dcc.Input puts its className on a wrapper of the <input>)."""
    return dash_duo.driver.execute_script(
        "const el = document.getElementById(arguments[0]); return (el.closest('.date') || el).className", cid)


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
    dash_duo.wait_for_contains_text("#counts", f"{len(in_2018)} of {len(events)} events", timeout=TIMEOUT)
    wait_until(dash_duo, lambda: page_query(dash_duo).get("from") == ["2018-01-01"]
               and page_query(dash_duo).get("to") == ["2018-12-31 23:59:59"], "the link lacks the typed window")
    wait_until(dash_duo, lambda: sorted(p.key for p in map_points(dash_duo)) == sorted(set(in_2018["place_key"])),
               "the map did not follow the typed window")

    # A date that is no day is refused and marked; the window stays.
    type_date(dash_duo, "date-to", "2018-02-30")
    wait_until(dash_duo, lambda: "invalid" in field_class(dash_duo, "date-to"),
               "an impossible date was not marked")
    assert page_query(dash_duo).get("to") == ["2018-12-31 23:59:59"]

    # A preset counts back from the last event.
    dash_duo.find_element("#preset-30").click()
    first = last - pd.Timedelta(days=29)
    wait_until(dash_duo, lambda: field(dash_duo, "date-from") == f"{first:%Y-%m-%d}"
               and field(dash_duo, "date-to") == f"{last:%Y-%m-%d}", "the preset did not write the fields")
    recent = events[events["event_date"].between(first, last + pd.Timedelta(hours=23, minutes=59, seconds=59))]
    dash_duo.wait_for_contains_text("#counts", f"{len(recent)} of {len(events)} events", timeout=TIMEOUT)
    assert "invalid" not in field_class(dash_duo, "date-to")

    # A drag on the timeline writes the fields.
    wait_until(dash_duo, lambda: app_is_settled(dash_duo), "the page never settled")
    drag_timeline(dash_duo, "2018-09-01", "2018-09-30")
    wait_until(dash_duo, lambda: (field(dash_duo, "date-from"), field(dash_duo, "date-to"))
               == ("2018-09-01", "2018-09-30"), "the brush did not write the fields")

    # All dates: the window goes, the fields empty.
    dash_duo.find_element("#preset-all").click()
    dash_duo.wait_for_contains_text("#counts", f"{len(events)} of {len(events)} events", timeout=TIMEOUT)
    wait_until(dash_duo, lambda: field(dash_duo, "date-from") == "" and "from" not in page_query(dash_duo),
               "'all dates' kept a window")
    assert dash_duo.get_logs() == []


def test_a_link_with_a_window_fills_the_date_fields(dash_duo, seed_store):
    dash_duo.start_server(create_app(seed_store))
    dash_duo.driver.get(f"{dash_duo.server_url}/?from=2020-03-01&to=2020-03-31+23:59:59")
    wait_until(dash_duo, lambda: (field(dash_duo, "date-from"), field(dash_duo, "date-to"))
               == ("2020-03-01", "2020-03-31"), "the link's window is not in the fields")
    assert dash_duo.get_logs() == []


# -- markers you can read -----------------------------------------------------------------------

IDLIB_PROVINCE = (35.8596, 36.5714)


@pytest.fixture(scope="module")
def namesake_store(seed_store, tmp_path_factory) -> Path:
    """The seed events plus copies of its Idlib events placed at Idlib governorate's centroid: a city
    and its province of one name, as the gazetteer gives them."""
    events = EventsStore(seed_store).load_events()
    city = events[events["location"] == "Idlib"]
    assert len(city), "the seed article no longer has an Idlib event"
    province = city.assign(event_id=city["event_id"] + "-province", latitude=IDLIB_PROVINCE[0],
                           longitude=IDLIB_PROVINCE[1], geo_precision=3, feature_code="ADM1", country_code="SY")
    store = tmp_path_factory.mktemp("namesakes") / "store"
    articles = EventsStore(seed_store).load_articles()
    EventsStore(store).replace_with_chunks([(S.coerce_events(pd.concat([events, province], ignore_index=True)),
                                             articles)])
    return store


def marker_names(dash_duo) -> list[str]:
    return dash_duo.driver.execute_script(
        "const gd = document.querySelector(arguments[0]);"
        "return gd && gd._fullData ? gd._fullData"
        ".filter(t => t.type === 'scattergeo' && !String(t.name).startsWith('basemap: '))"
        ".flatMap(t => Array.from(t.text || []).map(String)) : [];", MAP_GD)


def contrast(dash_duo, selector: str, background_of: str) -> float:
    """WCAG contrast ratio of an element's text colour on the background of `background_of`."""
    return dash_duo.driver.execute_script(
        """
        const rgb = c => c.match(/[\\d.]+/g).slice(0, 3).map(Number);
        const lum = c => { const v = rgb(c).map(x => x / 255).map(x => x <= 0.03928 ? x / 12.92
                                                                   : Math.pow((x + 0.055) / 1.055, 2.4));
                           return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2]; };
        const fg = getComputedStyle(document.querySelector(arguments[0])).color;
        const bg = getComputedStyle(document.querySelector(arguments[1])).backgroundColor;
        const [a, b] = [lum(fg), lum(bg)].sort((x, y) => y - x);
        return (a + 0.05) / (b + 0.05);
        """, selector, background_of)


def test_one_marker_per_place_a_legend_that_explains_and_places_by_keyboard(dash_duo, namesake_store):
    events = stored_events(namesake_store)
    province = events[events["geo_precision"] == 3]
    province = province[province["location"] == "Idlib"]
    start_app(dash_duo, namesake_store)

    names = wait_until(dash_duo, lambda: (n := marker_names(dash_duo)) and len(n) == events["place_key"].nunique()
                       and n, "not every place has its marker")
    assert len(set(names)) == len(names), f"two markers share a name: {sorted(names)}"
    assert "Idlib" in names and "Idlib (governorate)" in names
    key = dash_duo.find_element("#map-key").text
    assert "most frequent event type" in key and "size = number of events" in key and "hollow" in key, key
    dash_duo.find_element("#size-by input[value='fatalities']").click()
    dash_duo.wait_for_contains_text("#map-key", "size = deaths", timeout=TIMEOUT)

    # The keyboard way to a place: Tab to "Go to place", Enter opens it, type, Enter.
    tab_to(dash_duo, "place-pick")
    ActionChains(dash_duo.driver).send_keys(Keys.ENTER).perform()
    dash_duo.wait_for_element("input.dash-dropdown-search", timeout=TIMEOUT)
    ActionChains(dash_duo.driver).send_keys("Idlib (gov").perform()
    wait_until(dash_duo, lambda: any("Idlib (governorate)" in el.text for el in
                                     dash_duo.driver.find_elements(By.CSS_SELECTOR, "[role='option']")),
               "the place list does not offer the governorate")
    ActionChains(dash_duo.driver).send_keys(Keys.ENTER).perform()
    dash_duo.wait_for_contains_text("#summary", f"{len(province)} of {len(events)} events · Idlib (governorate)",
                                    timeout=TIMEOUT)
    dash_duo.wait_for_text_to_equal("#excerpts h2", "Excerpts — Idlib (governorate)", timeout=TIMEOUT)
    wait_until(dash_duo, lambda: page_query(dash_duo).get("place") == [province["place_key"].iloc[0]],
               "the chosen place is not in the link")
    assert dash_duo.get_logs() == []


def test_dark_theme_highlights_meet_wcag_aa(dash_duo, seed_store):
    start_app(dash_duo, seed_store)
    dash_duo.find_element("#theme-toggle").click()
    wait_until(dash_duo, lambda: dash_duo.driver.execute_script("return document.documentElement.dataset.theme")
               == "dark", "the theme did not switch")
    dash_duo.wait_for_element("#excerpts mark.hl-trigger", timeout=TIMEOUT)
    for selector, background in (("#excerpts mark.hl-trigger", "#excerpts"), ("#excerpts mark.hl-place",
                                                                             "#excerpts mark.hl-place"),
                                 ("#excerpts .sentence", "#excerpts"), ("#excerpts .meta", "#excerpts")):
        wait_until(dash_duo, lambda s=selector, b=background: contrast(dash_duo, s, b) >= 4.5,
                   f"{selector} is below WCAG AA (4.5:1) in the dark theme: {contrast(dash_duo, selector, background)}")
    assert dash_duo.get_logs() == []


# -- a basemap with geography, offline ----------------------------------------------------------


def basemap_layers(dash_duo) -> dict:
    return dash_duo.driver.execute_script(
        "const gd = document.querySelector(arguments[0]); const out = {};"
        "for (const t of (gd && gd._fullData) || []) { if (String(t.name).startsWith('basemap: '))"
        " out[t.name.slice(9)] = {n: (t.lon || []).filter(v => v !== null).length,"
        " text: Array.from(t.text || []).map(String)}; }"
        "return out;", MAP_GD)


def test_the_map_draws_provinces_towns_rivers_and_lakes_offline_in_both_themes(dash_duo, seed_store):
    start_app(dash_duo, seed_store)
    layers = wait_until(dash_duo, lambda: (b := basemap_layers(dash_duo)) and "provinces" in b and b,
                        "no provincial boundaries on the map")
    assert layers["provinces"]["n"] > 100
    towns = [t.lstrip("· ") for t in layers["towns"]["text"]]
    assert "Aleppo" in towns or "Damascus" in towns, towns
    # Drawn: the dashed boundary line and the names, over plotly's own coasts, rivers and lakes.
    assert count(dash_duo, "#map .scattergeo .js-line") >= 1
    assert count(dash_duo, "#map .geo .rivers path") >= 1 and count(dash_duo, "#map .geo .lakes path") >= 1
    name_fill = "return getComputedStyle(document.querySelector('#map text[style*=\"basemap-label\"]')).fill"
    light = dash_duo.driver.execute_script(name_fill)
    # No marker of the data is a basemap point: a click on the map still selects places only.
    assert count(dash_duo, "#map .scattergeo .point") == len(map_points(dash_duo))

    dash_duo.find_element("#theme-toggle").click()
    wait_until(dash_duo, lambda: dash_duo.driver.execute_script(name_fill) != light,
               "the town names keep their light-theme colour in the dark theme")
    assert dash_duo.get_logs() == []


# -- cheap interactions -------------------------------------------------------------------------


def requests_so_far(dash_duo) -> int:
    """Callback requests the page has sent (the browser's resource timing entries)."""
    return dash_duo.driver.execute_script(
        "return performance.getEntriesByType('resource')"
        ".filter(e => e.name.indexOf('_dash-update-component') >= 0).length")


def requests_for(dash_duo, act, done, what: str) -> int:
    """The callback requests one user action costs: act, wait until `done()` and the page is idle."""
    before = requests_so_far(dash_duo)
    act()
    wait_until(dash_duo, lambda: done() and app_is_settled(dash_duo), f"{what}: the page did not settle")
    return requests_so_far(dash_duo) - before


def test_a_click_a_brush_and_a_filter_change_each_cost_at_most_two_requests(dash_duo, seed_store):
    events = stored_events(seed_store)
    start_app(dash_duo, seed_store)
    dash_duo.driver.execute_script("performance.setResourceTimingBufferSize(10000)")
    moscow = events[events["place_key"].str.startswith("Moscow|")]

    n = requests_for(dash_duo, lambda: click_marker(dash_duo, "Moscow|"),
                     lambda: f"{len(moscow)} of {len(events)} events · Moscow" in
                     dash_duo.find_element("#summary").text and "place" in page_query(dash_duo), "a marker click")
    assert n <= 2, f"a marker click took {n} requests"

    # An excerpt's "select" changes the event alone: the list redraws, the link follows.
    first = dash_duo.driver.execute_script(
        "const b = document.querySelector('#excerpts button.pick'); return b && b.dataset.event;")
    n = requests_for(dash_duo, lambda: dash_duo.find_element("#excerpts button.pick").click(),
                     lambda: page_query(dash_duo).get("event") == [first], "selecting an excerpt")
    assert n <= 3, f"selecting an excerpt took {n} requests"  # the views, the link, the correction panel

    n = requests_for(dash_duo, lambda: drag_timeline(dash_duo, "2018-01-01", "2018-12-31 23:59:59"),
                     lambda: "2018-01-01 → 2018-12-31" in dash_duo.find_element("#summary").text
                     and page_query(dash_duo).get("from") == ["2018-01-01"], "a brush")
    assert n <= 2, f"a brush took {n} requests"

    towns = events[events["geo_precision"].between(1, 2)]
    n = requests_for(dash_duo, lambda: dash_duo.find_element("#precise-only input").click(),
                     lambda: f"of {len(events)} events" in dash_duo.find_element("#counts").text
                     and page_query(dash_duo).get("towns") == ["1"], "a filter change")
    assert n <= 2, f"a filter change took {n} requests"
    assert len(towns) < len(events)

    assert dash_duo.get_logs() == []


# -- the sentence list pages past 50 ------------------------------------------------------------


@pytest.fixture(scope="module")
def long_store(tmp_path_factory, _require_browser) -> Path:
    from dashboard.synth import write_synthetic_store

    store = tmp_path_factory.mktemp("long") / "store"
    write_synthetic_store(store, 180, seed=3)
    return store


def listed_events(dash_duo) -> list[str]:
    return dash_duo.driver.execute_script(
        "return Array.from(document.querySelectorAll('#excerpts button.pick')).map(b => b.dataset.event)")


def test_the_sentence_list_pages_past_fifty(dash_duo, long_store):
    from dashboard.app.data import StoreView
    from dashboard.app.engine import all_rows, newest_rows, rows_frame

    ix = StoreView(EventsStore(long_store)).index()
    newest = rows_frame(ix, newest_rows(ix, all_rows(ix), ix.n))["event_id"].tolist()
    dash_duo.start_server(create_app(long_store))
    wait_until(dash_duo, lambda: len(listed_events(dash_duo)) == 50, "the list does not show its first 50")
    assert set(listed_events(dash_duo)) == set(newest[:50])
    dash_duo.wait_for_contains_text("#excerpts .hint", f"{ix.n} event(s), newest first; showing 1–50", timeout=TIMEOUT)

    dash_duo.find_element("#excerpts .pager button").click()  # "older 50 →"
    wait_until(dash_duo, lambda: set(listed_events(dash_duo)) == set(newest[50:100]), "no second page")
    dash_duo.wait_for_contains_text("#excerpts .hint", "showing 51–100", timeout=TIMEOUT)
    buttons = [b.text for b in dash_duo.find_elements("#excerpts .pager button")]
    assert buttons[:2] == ["← newer 50", "older 50 →"], buttons

    # A new list (another place) starts again at its newest sentences.
    wait_until(dash_duo, lambda: app_is_settled(dash_duo), "the page never settled")
    key = rows_frame(ix, newest_rows(ix, all_rows(ix), 1))["place_key"].iloc[0]
    click_marker(dash_duo, key)
    at = rows_frame(ix, newest_rows(ix, ix.place == ix.place_code[key], ix.n))["event_id"].tolist()
    wait_until(dash_duo, lambda: set(listed_events(dash_duo)) == set(at[:50]), "the new list did not start at page 1")
    assert dash_duo.get_logs() == []
