"""Reading the map in a real (headless) browser: one marker per place and what the markers mean,
the offline basemap's geography, what each interaction costs, and the list's pages. Expected values
come from the store the app serves."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from test_dashboard import (
    FIRST_RENDER,
    MAP_GD,
    TIMEOUT,
    app_is_settled,
    click_marker,
    count,
    count_markers,
    drag_timeline,
    map_points,
    n_events,
    start_app,
    stored_events,
    wait_until,
)
from test_panels import click, tab_to
from test_reading import page_query

from dashboard import schema as S
from dashboard.app.app import create_app
from dashboard.app.figures import type_color
from dashboard.store import EventsStore

# -- markers you can read -----------------------------------------------------------------------

IDLIB_PROVINCE = (35.8596, 36.5714)


@pytest.fixture(scope="module")
def namesake_store(seed_store, tmp_path_factory) -> Path:
    """The seed events plus copies of its Idlib events placed at Idlib governorate's centroid: a city
    and its province of one name, as the gazetteer gives them."""
    events = EventsStore(seed_store).load_events()
    city = events[events["location"] == "Idlib"]
    assert len(city), "the seed article no longer has an Idlib event"
    province = city.assign(
        event_id=city["event_id"] + "-province",
        cluster_id=city["cluster_id"] + "-province",
        latitude=IDLIB_PROVINCE[0],
        longitude=IDLIB_PROVINCE[1],
        geo_precision=3,
        feature_code="ADM1",
        country_code="SY",
    )
    store = tmp_path_factory.mktemp("namesakes") / "store"
    articles = EventsStore(seed_store).load_articles()
    EventsStore(store).replace_with_chunks(
        [(S.coerce_events(pd.concat([events, province], ignore_index=True)), articles)]
    )
    return store


def marker_names(dash_duo) -> list[str]:
    return dash_duo.driver.execute_script(
        "const gd = document.querySelector(arguments[0]);"
        "return gd && gd._fullData ? gd._fullData"
        ".filter(t => t.type === 'scattergeo' && !/^(basemap|mix): /.test(String(t.name)))"
        ".flatMap(t => Array.from(t.text || []).map(String)) : [];",
        MAP_GD,
    )


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
        """,
        selector,
        background_of,
    )


def test_one_marker_per_place_a_legend_that_explains_and_places_by_keyboard(dash_duo, namesake_store):
    events = stored_events(namesake_store)
    province = events[events["geo_precision"] == 3]
    province = province[province["location"] == "Idlib"]
    start_app(dash_duo, namesake_store)

    names = wait_until(
        dash_duo,
        lambda: (n := marker_names(dash_duo)) and len(n) == events["place_key"].nunique() and n,
        "not every place has its marker",
    )
    assert len(set(names)) == len(names), f"two markers share a name: {sorted(names)}"
    assert "Idlib" in names and "Idlib (governorate)" in names
    key = dash_duo.find_element("#map-key").text
    assert "most frequent type outside" in key and "rings inside" in key and "share" in key, key
    assert "size = number of events" in key and "hollow" in key, key
    dash_duo.find_element("#size-by input[value='fatalities']").click()
    dash_duo.wait_for_contains_text("#map-key", "size = deaths", timeout=TIMEOUT)

    # The keyboard way to a place: Tab to "Go to place", Enter opens it, type, Enter.
    tab_to(dash_duo, "place-pick")
    ActionChains(dash_duo.driver).send_keys(Keys.ENTER).perform()
    dash_duo.wait_for_element("input.dash-dropdown-search", timeout=TIMEOUT)
    ActionChains(dash_duo.driver).send_keys("Idlib (gov").perform()
    wait_until(
        dash_duo,
        lambda: any(
            "Idlib (governorate)" in el.text for el in dash_duo.driver.find_elements(By.CSS_SELECTOR, "[role='option']")
        ),
        "the place list does not offer the governorate",
    )
    ActionChains(dash_duo.driver).send_keys(Keys.ENTER).perform()
    dash_duo.wait_for_contains_text(
        "#summary", f"{n_events(province)} of {n_events(events)} events · Idlib (governorate)", timeout=TIMEOUT
    )
    dash_duo.wait_for_text_to_equal("#excerpts h2", "Excerpts — Idlib (governorate)", timeout=TIMEOUT)
    wait_until(
        dash_duo,
        lambda: page_query(dash_duo).get("place") == [province["place_key"].iloc[0]],
        "the chosen place is not in the link",
    )
    assert dash_duo.get_logs() == []


def marker_layers(dash_duo, key: str) -> list[dict]:
    """What draws at the place `key`: its marker, then the type-mix discs over it, in drawing order
    (trace name, colour, size), each with how many SVG paths its trace draws there."""
    return dash_duo.driver.execute_script(
        """
        const gd = document.querySelector(arguments[0]), key = arguments[1];
        const drawn = name => Array.from(document.querySelectorAll('#map .scattergeo .point')).filter(p => {
            const g = p.closest('.trace'), t = g && g.__data__ && g.__data__[0] && g.__data__[0].trace;
            return t && t.name === name && String((p.__data__ || {}).data) === key; }).length;
        const at = (v, i) => String(Array.isArray(v) ? v[i] : v);
        return gd._fullData.filter(t => t.type === 'scattergeo' && !String(t.name).startsWith('basemap: '))
            .flatMap(t => Array.from(t.customdata || []).map((k, i) => [String(k), i]).filter(([k]) => k === key)
                .map(([, i]) => ({name: String(t.name), hoverinfo: String(t.hoverinfo),
                    color: at(t.marker.color, i), size: Number(at(t.marker.size, i)),
                    hover: String((t.hovertext || [])[i] || ''), paths: drawn(t.name)})));
        """,
        MAP_GD,
        key,
    )


# An article written for the type-mix test: a clash in Idlib beside the seed article's air strike there.
CLASH = (
    "Clashes in Idlib\n\n"
    "Rebels clashed with government forces inside the city of Idlib on Wednesday, killing three fighters, "
    "a monitor said.\n"
)


@pytest.fixture(scope="module")
def mixed_store(tmp_path_factory, _require_browser) -> Path:
    """The seed article and a short one that tells a clash in Idlib: the city then has reports of two
    event types (the seed alone gives it one since agreements only referred to are mentions)."""
    from conftest import SEED_ARTICLE

    from dashboard.ingest.run import ingest_paths

    folder = tmp_path_factory.mktemp("mixed")
    (folder / "clash.txt").write_text(CLASH, encoding="utf-8")
    store = folder / "store"
    ingest_paths([SEED_ARTICLE, folder / "clash.txt"], store)
    return store


# Written for the hover test: a protest (no toll) and a killing in Idlib, two more types at the city.
UNREST = (
    "Unrest in Idlib\n\n"
    "Hundreds of protesters gathered in the centre of Idlib on Friday to demand the release of detainees, "
    "organisers said.\n\n"
    "Gunmen shot dead a shopkeeper in Idlib on Thursday, a local council said.\n"
)


@pytest.fixture(scope="module")
def busy_store(tmp_path_factory, _require_browser) -> Path:
    """mixed_store's articles and UNREST: Idlib then has reports of four event types, a toll known
    for some of its events only."""
    from conftest import SEED_ARTICLE

    from dashboard.ingest.run import ingest_paths

    folder = tmp_path_factory.mktemp("busy")
    (folder / "clash.txt").write_text(CLASH, encoding="utf-8")
    (folder / "unrest.txt").write_text(UNREST, encoding="utf-8")
    store = folder / "store"
    ingest_paths([SEED_ARTICLE, folder / "clash.txt", folder / "unrest.txt"], store)
    return store


def test_a_marker_shows_its_type_mix_as_rings_and_still_takes_the_click(dash_duo, mixed_store):
    events = stored_events(mixed_store)
    idlib = events[events["location"] == "Idlib"]
    reports = idlib["event_type"].value_counts()
    assert len(reports) >= 2, "the test's articles no longer give Idlib two event types"
    key = idlib["place_key"].iloc[0]
    start_app(dash_duo, mixed_store)

    layers = wait_until(
        dash_duo,
        lambda: (x := marker_layers(dash_duo, key)) and len(x) == len(reports) and x,
        "Idlib's marker has no ring per further type",
    )
    marker, rings = layers[0], layers[1:]
    main = marker["name"]
    assert marker["color"] == type_color(main) and reports[main] == reports.max()
    # The other types by share (ties by name), each a disc whose area is its share and the later ones'.
    others = sorted(((t, n) for t, n in reports.items() if t != main), key=lambda x: (-x[1], x[0]))
    assert [r["color"] for r in rings] == [type_color(t) for t, _ in others]
    left = 1 - reports[main] / reports.sum()
    for ring, (_t, n) in zip(rings, others, strict=True):
        assert ring["size"] == pytest.approx(marker["size"] * left**0.5, rel=1e-6)
        assert ring["name"].startswith("mix: ") and ring["hoverinfo"] == "skip"
        left -= n / reports.sum()
    assert marker["paths"] == 1 and all(r["paths"] == len(rings) for r in rings), f"not every ring is drawn: {layers}"
    shares = " · ".join(f"{t} {n / reports.sum():.0%}" for t, n in [(main, reports[main]), *others])
    assert f"reports by type: {shares}" in marker["hover"].replace("&amp;", "&").replace("<br>", " ").replace(
        "\u00a0", " "
    )
    assert "rings inside" in dash_duo.find_element("#map-key").text

    # The rings lie over the marker's middle and take no click: the pointer there selects the place.
    click_marker(dash_duo, key)
    dash_duo.wait_for_contains_text(
        "#summary", f"{n_events(idlib)} of {n_events(events)} events · Idlib", timeout=TIMEOUT
    )
    assert dash_duo.get_logs() == []


def test_dark_theme_highlights_meet_wcag_aa(dash_duo, seed_store):
    start_app(dash_duo, seed_store)
    dash_duo.find_element("#theme-toggle").click()
    wait_until(
        dash_duo,
        lambda: dash_duo.driver.execute_script("return document.documentElement.dataset.theme") == "dark",
        "the theme did not switch",
    )
    dash_duo.wait_for_element("#excerpts mark.hl-trigger", timeout=TIMEOUT)
    for selector, background in (
        ("#excerpts mark.hl-trigger", "#excerpts"),
        ("#excerpts mark.hl-place", "#excerpts mark.hl-place"),
        ("#excerpts .sentence", "#excerpts"),
        ("#excerpts .meta", "#excerpts"),
    ):
        wait_until(
            dash_duo,
            lambda s=selector, b=background: contrast(dash_duo, s, b) >= 4.5,
            f"{selector} is below WCAG AA (4.5:1) in the dark theme: {contrast(dash_duo, selector, background)}",
        )
    assert dash_duo.get_logs() == []


# -- a basemap with geography, offline ----------------------------------------------------------


def basemap_layers(dash_duo) -> dict:
    return dash_duo.driver.execute_script(
        "const gd = document.querySelector(arguments[0]); const out = {};"
        "for (const t of (gd && gd._fullData) || []) { if (String(t.name).startsWith('basemap: '))"
        " out[t.name.slice(9)] = {n: (t.lon || []).filter(v => v !== null).length,"
        " text: Array.from(t.text || []).map(String)}; }"
        "return out;",
        MAP_GD,
    )


def test_the_map_draws_provinces_towns_rivers_and_lakes_offline_in_both_themes(dash_duo, seed_store):
    start_app(dash_duo, seed_store)
    layers = wait_until(
        dash_duo,
        lambda: (b := basemap_layers(dash_duo)) and "provinces" in b and b,
        "no provincial boundaries on the map",
    )
    assert layers["provinces"]["n"] > 100
    towns = [t.lstrip("· ") for t in layers["towns"]["text"]]
    # The seed's events open the map from Moscow to Idlib: big towns of both ends are named.
    assert "Moscow" in towns and any(t in towns for t in ("Aleppo", "Damascus", "Gaziantep", "Adana")), towns
    # Drawn: the dashed boundary line and the names, over plotly's own coasts, rivers and lakes.
    assert count(dash_duo, "#map .scattergeo .js-line") >= 1
    assert count(dash_duo, "#map .geo .rivers path") >= 1 and count(dash_duo, "#map .geo .lakes path") >= 1
    name_fill = "return getComputedStyle(document.querySelector('#map text[style*=\"basemap-label\"]')).fill"
    light = dash_duo.driver.execute_script(name_fill)
    # No marker of the data is a basemap point: a click on the map still selects places only.
    assert count_markers(dash_duo) == len(map_points(dash_duo))

    dash_duo.find_element("#theme-toggle").click()
    wait_until(
        dash_duo,
        lambda: dash_duo.driver.execute_script(name_fill) != light,
        "the town names keep their light-theme colour in the dark theme",
    )
    assert dash_duo.get_logs() == []


# -- cheap interactions -------------------------------------------------------------------------


def requests_so_far(dash_duo) -> int:
    """Callback requests the page has sent (the browser's resource timing entries)."""
    return dash_duo.driver.execute_script(
        "return performance.getEntriesByType('resource')"
        ".filter(e => e.name.indexOf('_dash-update-component') >= 0).length"
    )


def requests_for(dash_duo, act, done, what: str) -> int:
    """The callback requests one user action costs: act, wait until `done()` and the page is idle."""
    before = requests_so_far(dash_duo)
    act()
    wait_until(dash_duo, lambda: done() and app_is_settled(dash_duo), f"{what}: the page did not settle")
    return requests_so_far(dash_duo) - before


def test_a_click_a_brush_and_a_filter_change_each_cost_at_most_two_requests(dash_duo, seed_and_countrywide_store):
    events = stored_events(seed_and_countrywide_store)
    start_app(dash_duo, seed_and_countrywide_store)
    dash_duo.driver.execute_script("performance.setResourceTimingBufferSize(10000)")
    moscow = events[events["place_key"].str.startswith("Moscow|")]

    n = requests_for(
        dash_duo,
        lambda: click_marker(dash_duo, "Moscow|"),
        lambda: (
            f"{n_events(moscow)} of {n_events(events)} events · Moscow" in dash_duo.find_element("#summary").text
            and "place" in page_query(dash_duo)
        ),
        "a marker click",
    )
    assert n <= 2, f"a marker click took {n} requests"

    # An excerpt's "select" changes the event alone: the list redraws, the link follows.
    first = dash_duo.driver.execute_script(
        "const b = document.querySelector('#excerpts button.pick'); return b && b.dataset.event;"
    )
    n = requests_for(
        dash_duo,
        lambda: click(dash_duo, "#excerpts button.pick"),
        lambda: page_query(dash_duo).get("event") == [first],
        "selecting an excerpt",
    )
    assert n <= 3, f"selecting an excerpt took {n} requests"  # the views, the link, the correction panel

    n = requests_for(
        dash_duo,
        lambda: drag_timeline(dash_duo, "2018-01-01", "2018-12-31 23:59:59"),
        lambda: (
            "2018-01-01 → 2018-12-31" in dash_duo.find_element("#summary").text
            and page_query(dash_duo).get("from") == ["2018-01-01"]
        ),
        "a brush",
    )
    assert n <= 2, f"a brush took {n} requests"

    towns = events[events["geo_precision"].between(1, 2)]
    n = requests_for(
        dash_duo,
        lambda: dash_duo.find_element("#precise-only input").click(),
        lambda: (
            f"of {n_events(events)} events" in dash_duo.find_element("#counts").text
            and page_query(dash_duo).get("towns") == ["1"]
        ),
        "a filter change",
    )
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
        "return Array.from(document.querySelectorAll('#excerpts button.pick')).map(b => b.dataset.event)"
    )


def test_the_sentence_list_pages_past_fifty(dash_duo, long_store):
    from dashboard.app.data import StoreView
    from dashboard.app.engine import all_rows
    from dashboard.app.excerpts import EXCERPT_LIMIT as K
    from dashboard.app.listing import newest_rows, rows_frame

    ix = StoreView(EventsStore(long_store)).index()
    newest = rows_frame(ix, newest_rows(ix, all_rows(ix), ix.n))["event_id"].tolist()
    dash_duo.start_server(create_app(long_store))
    wait_until(
        dash_duo,
        lambda: len(listed_events(dash_duo)) == K,
        f"the list does not show its first {K}",
        timeout=FIRST_RENDER,
    )
    assert set(listed_events(dash_duo)) == set(newest[:K])
    dash_duo.wait_for_contains_text(
        "#excerpts .hint", f"{ix.n} event(s), newest first; sentences 1–{K}", timeout=TIMEOUT
    )

    # "older →" twice, past the 50th sentence; each button found afresh (the list may be redrawn
    # meanwhile: the map fits its panel once drawn).
    for page in (1, 2):
        click(dash_duo, "#excerpts .pager button:last-child")
        wait_until(
            dash_duo,
            lambda p=page: set(listed_events(dash_duo)) == set(newest[p * K : (p + 1) * K]),
            f"no page {page + 1}",
        )
        dash_duo.wait_for_contains_text(
            "#excerpts .hint", f"sentences {page * K + 1}–{(page + 1) * K}", timeout=TIMEOUT
        )
        buttons = [b.text for b in dash_duo.find_elements("#excerpts .pager button")]
        assert buttons[:2] == [f"← newer {K}", f"older {K} →"], buttons
    assert 2 * K >= 50, "the last page reached lies past the 50th sentence"

    # A new list (another place) starts again at its newest sentences.
    wait_until(dash_duo, lambda: app_is_settled(dash_duo), "the page never settled")
    key = rows_frame(ix, newest_rows(ix, all_rows(ix), 1))["place_key"].iloc[0]
    click_marker(dash_duo, key)
    at = rows_frame(ix, newest_rows(ix, ix.place == ix.place_code[key], ix.n))["event_id"].tolist()
    wait_until(dash_duo, lambda: set(listed_events(dash_duo)) == set(at[:K]), "the new list did not start at page 1")
    assert dash_duo.get_logs() == []


# Every Dash component of the page, counted in dash-renderer's layout (what it re-checks at each store
# update); components sit in `children` here (no other property of this page's components holds one).
DASH_COMPONENTS_JS = """
let n = 0;
const walk = v => {
    if (Array.isArray(v)) { v.forEach(walk); return; }
    if (v && typeof v === 'object' && v.type && v.namespace) {
        n += 1;
        walk((v.props || {}).children);  // as dash-renderer's crawl: a store's data holds no components
    }
};
const layout = window.store.getState().layout;
walk(layout.components || layout);  // Dash 4 keeps the tree under `components`
return n;
"""


def test_the_list_is_plain_markup_and_keeps_the_keyboard_in_place(dash_duo, long_store):
    from dashboard.app.excerpts import EXCERPT_LIMIT as K

    dash_duo.start_server(create_app(long_store))
    wait_until(
        dash_duo,
        lambda: len(listed_events(dash_duo)) == K and app_is_settled(dash_duo),
        f"the list does not show its first {K}",
        timeout=FIRST_RENDER,
    )
    # A page of sentences adds no Dash component: the page holds the same number with the list
    # full as with it empty (dash-renderer's work at each store update grows with that number).
    full = dash_duo.driver.execute_script(DASH_COMPONENTS_JS)
    drag_timeline(dash_duo, "1990-01-01", "1990-01-02")
    wait_until(dash_duo, lambda: not listed_events(dash_duo) and app_is_settled(dash_duo), "the list did not empty")
    assert dash_duo.driver.execute_script(DASH_COMPONENTS_JS) == full < 200
    dash_duo.driver.execute_script("document.getElementById('reset-selection').click()")
    wait_until(dash_duo, lambda: len(listed_events(dash_duo)) == K and app_is_settled(dash_duo), "no list again")

    # Enter on an excerpt's "select" keeps the focus on that excerpt's button, now "selected" (an
    # excerpt of the first page is on the first page of its place's list too).
    event = listed_events(dash_duo)[3]
    dash_duo.driver.execute_script(
        'document.querySelector(`#excerpts button.pick[data-event="${arguments[0]}"]`).focus()', event
    )
    ActionChains(dash_duo.driver).send_keys(Keys.ENTER).perform()
    wait_until(
        dash_duo,
        lambda: page_query(dash_duo).get("event") == [event] and app_is_settled(dash_duo),
        "Enter did not select the excerpt",
    )
    assert dash_duo.driver.execute_script(
        "const a = document.activeElement; return [a.dataset.event, a.textContent, a.getAttribute('aria-pressed')];"
    ) == [event, "selected", "true"]
    # Enter on "older →" draws the next page and leaves the focus on the pager, not at the page's start.
    dash_duo.driver.execute_script("document.getElementById('reset-selection').click()")
    wait_until(dash_duo, lambda: len(listed_events(dash_duo)) == K and app_is_settled(dash_duo), "no list again")
    dash_duo.driver.execute_script("document.querySelector('#excerpts .pager button:last-child').focus()")
    first = set(listed_events(dash_duo))
    ActionChains(dash_duo.driver).send_keys(Keys.ENTER).perform()
    wait_until(
        dash_duo,
        lambda: listed_events(dash_duo) and not first & set(listed_events(dash_duo)),
        "Enter did not turn the page",
    )
    assert dash_duo.driver.execute_script(
        "const a = document.activeElement; return a.matches('#excerpts .pager button') ? a.textContent : null;"
    ), "the focus left the pager"
    assert dash_duo.get_logs() == []


PICK_OPTIONS_JS = """
let found = null;
const walk = v => {
    if (Array.isArray(v)) { v.forEach(walk); return; }
    if (v && typeof v === 'object' && v.type && v.namespace) {
        if (v.props && v.props.id === 'place-pick') { found = v.props.options || []; return; }
        Object.values(v.props || {}).forEach(walk);
    }
};
const layout = window.store.getState().layout;
walk(layout.components || layout);  // Dash 4 keeps the tree under `components`
return found.map(o => o.label);
"""


def test_the_place_list_takes_its_options_when_opened_not_at_every_answer(dash_duo, long_store):
    dash_duo.start_server(create_app(long_store))
    wait_until(dash_duo, lambda: listed_events(dash_duo) and app_is_settled(dash_duo), "no list", timeout=FIRST_RENDER)
    drag_timeline(dash_duo, "2021-01-01", "2021-06-30 23:59:59")
    wait_until(
        dash_duo,
        lambda: "2021-01-01 → 2021-06-30" in dash_duo.find_element("#summary").text and app_is_settled(dash_duo),
        "the brush did not apply",
    )
    assert dash_duo.driver.execute_script(PICK_OPTIONS_JS) == [], "the answers re-rendered the place list"
    # Opened, it offers the places the map shows for the current window (busiest first).
    shown = dash_duo.driver.execute_script(
        "const gd = document.querySelector('#map .js-plotly-plot');"
        "return gd._fullData.filter(t => !/^(basemap|mix): /.test(String(t.name)))"
        ".flatMap(t => Array.from(t.customdata || [])).filter(c => typeof c === 'string' && !c.startsWith('cluster|'))"
        ".length"
    )
    click(dash_duo, "#place-pick")
    wait_until(dash_duo, lambda: len(dash_duo.driver.execute_script(PICK_OPTIONS_JS)) > 0, "no options when opened")
    wait_until(dash_duo, lambda: dash_duo.driver.find_elements(By.CSS_SELECTOR, "[role='option']"), "no options shown")
    labels = dash_duo.driver.execute_script(PICK_OPTIONS_JS)
    assert shown and len(labels) >= min(shown, 1)
    counts = [int(label.rsplit(" — ", 1)[1].split()[0].replace(",", "")) for label in labels]
    assert counts == sorted(counts, reverse=True)
    assert dash_duo.get_logs() == []


# Hover one place's marker (plotly's own hover, as a pointer over it draws it) and return the label's box
# against the screen's width: {none} where plotly draws no label (a marker out of view), {done} past the last.
HOVER_BOX_JS = """
const gd = document.querySelector(arguments[0]);
const traces = gd._fullData.map((t, i) => [t, i]).filter(([t]) => !/^(basemap|mix): /.test(String(t.name)));
let n = arguments[1];
for (const [t, i] of traces) {
    const len = (t.hovertext || []).length;
    if (n < len) {
        Plotly.Fx.unhover(gd);
        Plotly.Fx.hover(gd, [{curveNumber: i, pointNumber: n}], 'geo');
        const label = gd.querySelector('.hoverlayer .hovertext');
        if (!label) return {none: true};
        const r = label.getBoundingClientRect();
        return {left: r.left, right: r.right, width: innerWidth, text: label.textContent};
    }
    n -= len;
}
return {done: true};
"""


def test_at_phone_size_every_place_s_hover_label_lies_within_the_screen(dash_duo, busy_store):
    """Plotly sets a hover label beside its point and never wraps it: a place of two types, or with
    a toll known for some of its events, drew a label wider than a phone and cut at both edges."""
    from test_page_fit import PHONE, set_viewport

    start_app(dash_duo, busy_store)
    set_viewport(dash_duo, *PHONE)
    narrow = (
        "const gd = document.querySelector(arguments[0]);"
        "return innerWidth <= arguments[1] && gd._fullLayout.width <= arguments[1];"
    )
    wait_until(
        dash_duo,
        lambda: dash_duo.driver.execute_script(narrow, MAP_GD, PHONE[0]) and app_is_settled(dash_duo),
        "the map is not drawn at phone size",
    )
    labels = []
    for k in range(60):
        box = dash_duo.driver.execute_script(HOVER_BOX_JS, MAP_GD, k)
        if box.get("done"):
            break
        if box.get("none"):
            continue
        assert box["left"] >= 0 and box["right"] <= box["width"], f"label cut by the screen's edge: {box}"
        labels.append(box["text"])
    assert len(set(labels)) >= 3, f"only {len(set(labels))} places hovered: {labels}"
    assert any("Idlib" in t and "Protests" in t for t in labels), "the place of four types was not hovered"
    assert dash_duo.get_logs() == []
