"""The dashboard in a real (headless) browser: map, timeline, excerpts and the selection that links them.

Everything is served by the test process (Dash assets and the basemap topojson): no network is needed.
Expected counts are read from the store the app serves, so the tests follow the pipeline's output;
the places, the Moscow sentence and September 2018 → Sochi are facts of the seed article.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import NamedTuple

import pandas as pd
import pytest
from query_oracle import event_keys, with_place_key
from selenium.common.exceptions import (
    ElementClickInterceptedException,
    StaleElementReferenceException,
    TimeoutException,
)
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.actions.action_builder import ActionBuilder
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from dashboard.app.app import create_app
from dashboard.ingest.run import ingest_paths
from dashboard.store import EventsStore

TIMEOUT = 20  # seconds, for the page to answer an action
# The first render loads plotly.js (3.5 MB), the 50m basemap and the store's index, and draws
# everything: 20 s was not enough at load average ~20 (three tests timed out waiting for the first
# markers in one full run beside `conflictmap bench`; the bench's page-ready was up to 31 s then).
FIRST_RENDER = 90

IDLIB = (35.93, 36.63)
ANKARA = (39.92, 32.85)
MOSCOW = (55.75, 37.62)
SOCHI = (43.60, 39.72)

MAP_GD = "#map .js-plotly-plot"
TIMELINE_GD = "#timeline .js-plotly-plot"
MAP_POINTS = "#map .scattergeo .point"  # one SVG <path class="point"> per marker, and per type-mix ring
# JS: is this `.point` path a marker (not one of the type-mix rings drawn over a marker, type_mix.py)?
IS_MARKER_JS = (
    "(p => { const g = p.closest('.trace'); const t = g && g.__data__ && g.__data__[0]"
    " && g.__data__[0].trace; return !(t && /^mix: /.test(String(t.name))); })"
)
MAP_COUNTRIES = "#map .geo .countries path"  # drawn from /assets/topojson/world_50m.json
MAP_LAND = "#map .geo .land path"
SENTENCES = "#excerpts .excerpt .sentence"  # one <blockquote> per listed event
PLACE_MARKS = "#excerpts .sentence mark.hl-place"


class MapPoint(NamedTuple):
    lat: float
    lon: float
    key: str  # the marker's customdata: "Place|lat|lon"


# -- reading the page ---------------------------------------------------------------------------


def haversine_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    (lat1, lon1), (lat2, lon2) = (tuple(map(math.radians, p)) for p in (a, b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(h))


def near(points: list[MapPoint], where: tuple[float, float], km: float = 50) -> list[MapPoint]:
    return [p for p in points if haversine_km((p.lat, p.lon), where) <= km]


def map_points(dash_duo) -> list[MapPoint]:
    """Every marker of the rendered map figure, read from plotly's decoded `_fullData`."""
    rows = dash_duo.driver.execute_script(
        """
        const gd = document.querySelector(arguments[0]);
        if (!gd || !gd._fullData) return [];
        // Places and clusters; the basemap's scenery (provinces, town names) is no marker.
        return gd._fullData.filter(t => t.type === 'scattergeo' && !/^(basemap|mix): /.test(String(t.name)))
            .flatMap(t => {
            const lat = Array.from(t.lat || []), lon = Array.from(t.lon || []), cd = Array.from(t.customdata || []);
            return lat.map((v, i) => [v, lon[i], String(cd[i])]);
        });
        """,
        MAP_GD,
    )
    return [MapPoint(float(lat), float(lon), key) for lat, lon, key in rows]


def timeline_bars(dash_duo) -> dict[str, int]:
    """Events per bar drawn on the timeline (its stacked traces summed): {"YYYY-MM-DD" bin start: n}.

    The app bins by day, week or month depending on the span shown, so tests compare totals."""
    bars = dash_duo.driver.execute_script(
        """
        const gd = document.querySelector(arguments[0]);
        if (!gd || !gd._fullData) return [];
        return gd._fullData.filter(t => t.type === 'bar').flatMap(t => {
            const y = Array.from(t.y || []);
            return Array.from(t.x || []).map((x, i) => [String(x), Number(y[i])]);
        });
        """,
        TIMELINE_GD,
    )
    counts: dict[str, int] = {}
    for x, n in bars:
        counts[x[:10]] = counts.get(x[:10], 0) + n
    return counts


def timeline_range(dash_duo) -> list[str]:
    """The timeline's visible x range, as plotly's date strings."""
    return dash_duo.driver.execute_script(
        "return document.querySelector(arguments[0])._fullLayout.xaxis.range.map(String)", TIMELINE_GD
    )


def count_markers(dash_duo) -> int:
    """How many markers the map draws now (SVG paths, not counting the type-mix rings over them)."""
    return dash_duo.driver.execute_script(
        f"return Array.from(document.querySelectorAll(arguments[0])).filter({IS_MARKER_JS}).length", MAP_POINTS
    )


def count(dash_duo, selector: str) -> int:
    """How many elements match now (find_elements would first wait the implicit 2 s for a match)."""
    return dash_duo.driver.execute_script("return document.querySelectorAll(arguments[0]).length", selector)


def sentence_texts(dash_duo) -> list[str]:
    return [el.text for el in dash_duo.driver.find_elements(By.CSS_SELECTOR, SENTENCES)]


def wait_until(dash_duo, condition, message: str, timeout: float = TIMEOUT):
    """Poll `condition()` until it returns something truthy and return that; fail with `message` otherwise."""
    return WebDriverWait(dash_duo.driver, timeout).until(lambda _driver: condition(), message)


def app_is_settled(dash_duo) -> bool:
    """No Dash callback is queued or running, and the timeline has sent its post-plot resize.

    dcc.Graph resizes a graph once after its first plot, and plotly then emits relayoutData
    {"autosize": true}, an Input of the selection callback. Until that round trip is over a
    drag on the timeline can be undone by it (an app race: see the report). Reads dash-renderer's
    redux store, as dash.testing's own `redux_state_rqs` does.
    """
    return bool(
        dash_duo.driver.execute_script(
            """
        const state = window.store && window.store.getState();
        const path = state && state.paths && state.paths.strs[arguments[0]];
        if (!path) return false;
        const timeline = path.reduce((node, key) => node && node[key], state.layout);
        const relayoutData = timeline && timeline.props && timeline.props.relayoutData;
        const pending = Object.entries(state.callbacks || {})
            .filter(([name]) => name !== 'stored' && name !== 'completed').flatMap(([, list]) => list);
        return Boolean(relayoutData) && pending.length === 0
            && !document.querySelector('.dash-graph--pending, [data-dash-is-loading="true"]');
        """,
            "timeline",
        )
    )


def dash_prop(dash_duo, component_id: str, prop: str):
    """A component's property as Dash holds it (what its callbacks see), read from dash-renderer's
    redux store as `app_is_settled` does; None when the component or the property is not there."""
    return dash_duo.driver.execute_script(
        """
        const state = window.store && window.store.getState();
        const path = state && state.paths && state.paths.strs[arguments[0]];
        const node = path && path.reduce((n, key) => n && n[key], state.layout);
        const value = node && node.props ? node.props[arguments[1]] : undefined;
        return value === undefined ? null : value;
        """,
        component_id,
        prop,
    )


# -- acting on the page -------------------------------------------------------------------------


def start_app(dash_duo, store_dir: Path) -> list[MapPoint]:
    """Serve the app over `store_dir`; wait until the map has drawn its markers and the page is idle."""
    dash_duo.start_server(create_app(store_dir))
    dash_duo.wait_for_element(MAP_POINTS, timeout=FIRST_RENDER)
    wait_until(dash_duo, lambda: app_is_settled(dash_duo), "the page never settled after loading")
    return wait_until(dash_duo, lambda: map_points(dash_duo), "the map figure has no markers")


def marker_element(dash_duo, key_prefix: str):
    """The SVG path of the marker whose customdata starts with `key_prefix` (plotly binds it as `data`)."""
    return dash_duo.driver.execute_script(
        """
        return Array.from(document.querySelectorAll(arguments[0])).filter(__IS_MARKER__)
            .find(p => String((p.__data__ || {}).data).startsWith(arguments[1])) || null;
        """.replace("__IS_MARKER__", IS_MARKER_JS),
        MAP_POINTS,
        key_prefix,
    )


# What the pointer hovers now, by data: the customdata of plotly's hover point (gd._hoverdata).
HOVERED_JS = """
const gd = document.querySelector(arguments[0]);
const p = gd && (gd._hoverdata || [])[0];
return p && p.customdata !== undefined ? String(p.customdata) : null;
"""


def click_marker(dash_duo, key_prefix: str) -> None:
    """Click a marker like a user. Plotly draws markers with pointer-events: none under the geo
    layer's background rect, which takes the click and picks the point under the pointer, so a
    direct element click is intercepted; then the pointer goes to the marker and the click is made
    where plotly's hover says the pointer is on that place (by its data: where small markers
    overlap, the one whose circle holds the pointer nearest its rim is picked, and the marker's
    centre can be a neighbour's), trying points of the marker from its centre out."""

    def click() -> bool:
        el = marker_element(dash_duo, key_prefix)
        if el is None:
            return False
        try:
            el.click()
            return True
        except ElementClickInterceptedException:
            pass
        box = dash_duo.driver.execute_script(
            "const r = arguments[0].getBoundingClientRect(); return [r.left, r.top, r.width, r.height];", el
        )
        x, y, r = box[0] + box[2] / 2, box[1] + box[3] / 2, min(box[2], box[3]) / 2
        spots = [(0.0, 0.0)] + [
            (f * r * math.cos(a * math.pi / 4), f * r * math.sin(a * math.pi / 4)) for f in (0.5, 0.8) for a in range(8)
        ]
        for dx, dy in spots:
            _pointer_to(dash_duo, x + dx, y + dy)
            try:
                WebDriverWait(dash_duo.driver, 1).until(
                    lambda _d: str(dash_duo.driver.execute_script(HOVERED_JS, MAP_GD)).startswith(key_prefix)
                )
            except TimeoutException:
                continue
            ActionChains(dash_duo.driver).click().perform()
            return True
        _pointer_to(dash_duo, x, y)  # no spot hovers it: click its centre, and let the caller's wait tell
        ActionChains(dash_duo.driver).click().perform()
        return True

    WebDriverWait(dash_duo.driver, TIMEOUT, ignored_exceptions=(StaleElementReferenceException,)).until(
        lambda _driver: click(), f"no marker for {key_prefix!r} among {MAP_POINTS}"
    )


def _pointer_to(dash_duo, x: float, y: float) -> None:
    """The mouse pointer to this point of the viewport."""
    actions = ActionBuilder(dash_duo.driver)
    actions.pointer_action.move_to_location(int(round(x)), int(round(y)))
    actions.perform()


def drag_timeline(dash_duo, start: str, end: str) -> None:
    """What a drag along the timeline's x axis does: plotly relayouts and emits relayoutData."""
    dash_duo.driver.execute_script(
        "return Plotly.relayout(document.querySelector(arguments[0]),"
        " {'xaxis.range[0]': arguments[1], 'xaxis.range[1]': arguments[2]});",
        TIMELINE_GD,
        start,
        end,
    )


# -- what the store says ------------------------------------------------------------------------


def stored_events(store_dir: Path) -> pd.DataFrame:
    """The stored rows the dashboard draws: events (mentions — statements, totals… — are not drawn)."""
    from dashboard.export import select_kind

    return with_place_key(select_kind(EventsStore(store_dir).load_events(), "event"))


def n_events(rows: pd.DataFrame) -> int:
    """How many events these rows report: the reports of one event (one cluster) count once."""
    return int(event_keys(rows).nunique()) if len(rows) else 0


def dated(events: pd.DataFrame) -> int:
    """How many of these events the timeline can draw (one per event, not per report)."""
    return n_events(events[events["event_date"].notna()])


def event_deaths(rows: pd.DataFrame) -> tuple[int, int]:
    """The deaths of these rows' events as the dashboard counts them: one toll per event, the lowest and
    the highest its stored reports give."""
    keys = event_keys(rows)
    deaths = pd.to_numeric(rows["fatalities"], errors="coerce")
    return int(deaths.groupby(keys).min().fillna(0).sum()), int(deaths.groupby(keys).max().fillna(0).sum())


def tolled_events(rows: pd.DataFrame) -> int:
    """How many of these rows' events have a toll: one of their reports gives one (0 included)."""
    deaths = pd.to_numeric(rows["fatalities"], errors="coerce")
    return int((deaths.groupby(event_keys(rows)).count() > 0).sum())


# -- tests --------------------------------------------------------------------------------------


def test_map_shows_the_seed_places_offline(dash_duo, seed_store):
    events = stored_events(seed_store)
    points = start_app(dash_duo, seed_store)

    for name, where in {"Idlib": IDLIB, "Moscow": MOSCOW, "Sochi": SOCHI}.items():
        assert near(points, where), f"no marker within 50 km of {name} {where}: {points}"
    # Kalın's words at Ankara are a statement: a mention in the table, not an event on the map.
    assert not near(points, ANKARA), f"a statement drawn as an event: {points}"
    assert not [p for p in points if p.lon < -60 and p.lat > 20], f"marker(s) in the United States: {points}"
    assert sorted(p.key for p in points) == sorted(set(events["place_key"])), "not one marker per stored place"

    # Drawn, not just in the figure: one SVG path per marker (not counting the type-mix rings over
    # some), and the basemap served from /assets.
    assert count_markers(dash_duo) == len(points)
    dash_duo.wait_for_element(MAP_COUNTRIES, timeout=TIMEOUT)
    outline = dash_duo.driver.execute_script(
        "return Array.from(document.querySelectorAll(arguments[0]))"
        ".map(p => p.getAttribute('d') || '').join('').length",
        MAP_COUNTRIES,
    )
    assert outline > 1000, "country outlines are empty: the topojson basemap did not load"
    assert count(dash_duo, MAP_LAND) > 0

    dash_duo.wait_for_text_to_equal("#summary", f"{n_events(events)} of {n_events(events)} events", timeout=TIMEOUT)
    assert sum(timeline_bars(dash_duo).values()) == dated(events)
    assert dash_duo.get_logs() == []


def test_clicking_moscow_shows_its_excerpt_and_filters_the_timeline(dash_duo, seed_store):
    events = stored_events(seed_store)
    moscow = events[events["place_key"].str.startswith("Moscow|")]
    assert len(moscow), "the pipeline no longer finds Moscow in the seed article"
    start_app(dash_duo, seed_store)
    assert sum(timeline_bars(dash_duo).values()) == dated(events) > dated(moscow) > 0

    click_marker(dash_duo, "Moscow|")

    dash_duo.wait_for_contains_text("#excerpts h2", "Moscow", timeout=TIMEOUT)
    dash_duo.wait_for_contains_text("#excerpts", "Turkey is heading to Moscow", timeout=TIMEOUT)
    assert len(sentence_texts(dash_duo)) == len(moscow)
    sentence = next(
        el
        for el in dash_duo.driver.find_elements(By.CSS_SELECTOR, SENTENCES)
        if "Turkey is heading to Moscow" in el.text
    )
    assert "Moscow" in [m.text for m in sentence.find_elements(By.CSS_SELECTOR, "mark")]
    assert {m.text for m in dash_duo.find_elements(PLACE_MARKS)} == {"Moscow"}

    wait_until(
        dash_duo,
        lambda: sum(timeline_bars(dash_duo).values()) == dated(moscow),
        f"the timeline was not filtered to Moscow's {dated(moscow)} dated event(s)",
    )
    dash_duo.wait_for_text_to_equal(
        "#summary", f"{n_events(moscow)} of {n_events(events)} events · Moscow", timeout=TIMEOUT
    )
    assert dash_duo.get_logs() == []


def test_september_2018_on_the_timeline_leaves_only_sochi(dash_duo, seed_store):
    events = stored_events(seed_store)
    september = events[events["event_date"].between("2018-09-01", "2018-09-30 23:59")]
    start_app(dash_duo, seed_store)

    drag_timeline(dash_duo, "2018-09-01", "2018-09-30 23:59")

    points = wait_until(
        dash_duo,
        lambda: pts if len(pts := map_points(dash_duo)) == 1 else None,
        "the map did not narrow to exactly one marker",
    )
    assert near(points, SOCHI), f"the one marker left is not Sochi: {points}"
    assert points[0].key.startswith("Sochi|")
    wait_until(dash_duo, lambda: count_markers(dash_duo) == 1, "the map still draws other markers")
    dash_duo.wait_for_text_to_equal(
        "#summary", f"{n_events(september)} of {n_events(events)} events · 2018-09-01 → 2018-09-30", timeout=TIMEOUT
    )
    dash_duo.wait_for_contains_text("#excerpts", "Sept. 17, 2018", timeout=TIMEOUT)
    assert len(sentence_texts(dash_duo)) == len(september)
    assert timeline_range(dash_duo)[0].startswith("2018-09-01")
    assert dash_duo.get_logs() == []


HOSTILE_HTML = """<!doctype html>
<html><head>
<title>Idlib report</title>
<meta property="article:published_time" content="2020-03-05T10:00:00Z">
<script>window.__pwned = 1</script>
</head><body><article>
<h1>Shelling in Idlib &lt;img src=x onerror="window.__pwned=1"&gt;</h1>
<p>Shelling in Idlib killed 3 people on Sunday, &lt;b&gt;bold&lt;/b&gt; claims said.</p>
<p>An airstrike on a market in Idlib killed 5 civilians on Tuesday, &lt;script&gt;window.__pwned = 1&lt;/script&gt;
residents said.</p>
<p>Clashes near Idlib wounded 4 fighters on Monday, &lt;img src=x onerror="window.__pwned=1"&gt; according to
activists.</p>
<script>window.__pwned = 1</script>
</article></body></html>
"""


@pytest.fixture(scope="module")
def hostile_store(tmp_path_factory, _require_browser) -> Path:
    """A store from one HTML page whose *text* is markup (entities in the source): a script tag,
    an img with onerror, a <b>; plus real script tags, which the reader drops."""
    page = tmp_path_factory.mktemp("hostile_page") / "hostile.html"
    page.write_text(HOSTILE_HTML, encoding="utf-8")
    store_dir = tmp_path_factory.mktemp("hostile_store")
    summary = ingest_paths([page], store_dir)
    assert summary["events_added"] > 0, summary
    excerpts = list(stored_events(store_dir)["excerpt"])
    assert any("<b>bold</b>" in e for e in excerpts), f"the <b>bold</b> sentence made no event: {excerpts}"
    assert any("<script>" in e for e in excerpts), excerpts
    return store_dir


def test_markup_in_article_text_is_shown_as_text(dash_duo, hostile_store):
    points = start_app(dash_duo, hostile_store)
    assert near(points, IDLIB), points

    click_marker(dash_duo, "Idlib|")

    dash_duo.wait_for_contains_text("#excerpts h2", "Idlib", timeout=TIMEOUT)
    dash_duo.wait_for_contains_text("#excerpts", "<b>bold</b>", timeout=TIMEOUT)
    text = dash_duo.find_element("#excerpts").text
    assert "<script>window.__pwned = 1</script>" in text
    assert '<img src=x onerror="window.__pwned=1">' in text
    for tag in ("b", "script", "img"):
        assert count(dash_duo, f"#excerpts {tag}") == 0, f"article text became a <{tag}> element"
    assert dash_duo.driver.execute_script("return typeof window.__pwned") == "undefined"
    assert dash_duo.get_logs() == []


def test_clear_selection_brings_back_every_marker(dash_duo, seed_store):
    events = stored_events(seed_store)
    all_keys = sorted(p.key for p in start_app(dash_duo, seed_store))
    initial_range = timeline_range(dash_duo)
    day = "2020-03-04"
    on_day = events[events["event_date"].dt.strftime("%Y-%m-%d") == day]
    assert 1 < on_day["place_key"].nunique() < len(all_keys), "the seed no longer has a day to narrow to"
    moscow_on_day = on_day[on_day["place_key"].str.startswith("Moscow|")]

    drag_timeline(dash_duo, day, f"{day} 23:59")
    wait_until(
        dash_duo,
        lambda: len(map_points(dash_duo)) == on_day["place_key"].nunique(),
        f"the {day} range did not narrow the map",
    )
    click_marker(dash_duo, "Moscow|")
    dash_duo.wait_for_text_to_equal(
        "#summary", f"{n_events(moscow_on_day)} of {n_events(events)} events · {day} → {day} · Moscow", timeout=TIMEOUT
    )

    dash_duo.find_element("#reset-selection").click()

    wait_until(
        dash_duo,
        lambda: sorted(p.key for p in map_points(dash_duo)) == all_keys,
        "Clear selection did not bring back every marker",
    )
    wait_until(
        dash_duo, lambda: count_markers(dash_duo) == len(all_keys), "not every marker is drawn after Clear selection"
    )
    dash_duo.wait_for_text_to_equal("#summary", f"{n_events(events)} of {n_events(events)} events", timeout=TIMEOUT)
    dash_duo.wait_for_text_to_equal("#excerpts h2", "Excerpts", timeout=TIMEOUT)
    assert len(sentence_texts(dash_duo)) == len(events)
    wait_until(
        dash_duo,
        lambda: timeline_range(dash_duo) == initial_range,
        f"the timeline did not go back to {initial_range} after Clear selection",
    )
    assert sum(timeline_bars(dash_duo).values()) == dated(events)
    assert dash_duo.get_logs() == []


# -- regressions: bugs these tests found, now fixed --


def test_a_resize_during_a_slow_drag_callback_keeps_the_dates(dash_duo, seed_store):
    start_app(dash_duo, seed_store)

    # Slow the server's answers down (a slow link or a busy server), drag, then resize the timeline
    # while the drag's answer is still on its way: plotly emits relayoutData {"autosize": true}.
    dash_duo.driver.execute_script(
        """
        const gd = document.querySelector(arguments[0]);
        const fetch0 = window.fetch;
        window.fetch = function (url) {
            const answer = fetch0.apply(this, arguments);
            return String(url).includes('_dash-update-component')
                ? answer.then(r => new Promise(done => setTimeout(() => done(r), 400))) : answer;
        };
        Plotly.relayout(gd, {'xaxis.range[0]': '2018-09-01', 'xaxis.range[1]': '2018-09-30 23:59'});
        setTimeout(() => Plotly.Plots.resize(gd), 50);
        """,
        TIMELINE_GD,
    )

    dash_duo.wait_for_contains_text("#summary", "2018-09-01 → 2018-09-30", timeout=10)
    wait_until(dash_duo, lambda: len(map_points(dash_duo)) == 1, "the map did not narrow to September 2018", 10)
    assert dash_duo.get_logs() == []


def test_a_javascript_url_from_an_article_is_not_a_link(dash_duo, tmp_path):
    page = tmp_path / "js_url.html"
    page.write_text(
        '<html><head><title>Idlib</title><meta property="og:url" content="javascript:window.__pwned=1"></head>'
        "<body><p>Shelling in Idlib killed 3 people on Monday, officials said in a statement.</p>"
        "<p>Clashes near Idlib wounded 4 fighters on Monday, according to activists in the region.</p></body></html>",
        encoding="utf-8",
    )
    assert ingest_paths([page], tmp_path / "store")["events_added"] > 0
    start_app(dash_duo, tmp_path / "store")

    dash_duo.wait_for_element("#excerpts .excerpt .cite", timeout=TIMEOUT)
    assert count(dash_duo, "#excerpts .cite a") == 0, "a javascript: URL was made a link"
    assert dash_duo.get_logs() == []


def test_towns_only_hides_country_level_places_and_size_follows_deaths(dash_duo, seed_and_countrywide_store):
    points = start_app(dash_duo, seed_and_countrywide_store)
    assert near(points, (35.0, 38.0), 5), "the store has a country-level event in Syria"

    dash_duo.find_element("#precise-only input").click()
    wait_until(
        dash_duo,
        lambda: not near(map_points(dash_duo), (35.0, 38.0), 5),
        "the country-level Syria marker is still drawn",
    )
    kept = map_points(dash_duo)
    for city in ((35.93, 36.63), (55.75, 37.62), (43.60, 39.72)):
        assert near(kept, city), f"the town near {city} was hidden too"

    def size_of(prefix: str) -> float:
        return dash_duo.driver.execute_script(
            """
            const gd = document.querySelector(arguments[0]);
            for (const t of gd._fullData) {
                const i = Array.from(t.customdata || []).findIndex(c => String(c).startsWith(arguments[1]));
                if (i >= 0) {  // a number, an Array or a typed array (plotly decodes numeric arrays to those)
                    const s = t.marker.size;
                    return (s !== null && typeof s === 'object') ? Number(s[i]) : Number(s);
                }
            }
            return null;
            """,
            MAP_GD,
            prefix,
        )

    counts = stored_events(seed_and_countrywide_store).groupby("location").size()
    assert counts["Aleppo"] > counts["Idlib"], "the test report's Aleppo no longer has more events than Idlib"
    assert size_of("Aleppo|") == 42, "by events, Aleppo (the most events) is the largest marker"
    assert size_of("Idlib|35.9") < 42, "Idlib has fewer events than Aleppo"
    dash_duo.find_element("#size-by input[value='fatalities']").click()
    wait_until(dash_duo, lambda: size_of("Aleppo|") == 9, "marker sizes did not follow deaths")
    assert size_of("Idlib|35.9") == 42, "Idlib has the only deaths of the towns drawn"
    assert dash_duo.get_logs() == []
