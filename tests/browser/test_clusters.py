"""Map clusters in a real browser: thousands of places draw as count-labelled clusters; clicking a
cluster zooms in on its places, and zooming in splits clusters into places."""

from __future__ import annotations

from pathlib import Path

import pytest
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.actions.wheel_input import ScrollOrigin
from selenium.webdriver.support.ui import WebDriverWait
from test_dashboard import (
    FIRST_RENDER,
    MAP_GD,
    MAP_POINTS,
    TIMEOUT,
    app_is_settled,
    click_marker,
    dash_prop,
    wait_until,
)
from test_interactions import page_query

from dashboard.app.app import create_app
from dashboard.app.clusters import MAX_MARKERS
from dashboard.app.figures import CLUSTER_NAME
from dashboard.app.mapview import CLUSTER_PREFIX
from dashboard.store import EventsStore
from dashboard.synth import write_synthetic_store


@pytest.fixture(scope="module")
def busy_store(tmp_path_factory, _require_browser) -> Path:
    store = tmp_path_factory.mktemp("busy") / "store"
    write_synthetic_store(store, 20_000, seed=4)
    return store


def drawn(dash_duo) -> dict:
    """What the map draws now: cluster keys and labels, the number of place markers, the lon range."""
    return dash_duo.driver.execute_script(
        """
        const gd = document.querySelector(arguments[0]);
        // Between two renders plotly may have data but no geo layout yet: report nothing then.
        if (!gd || !gd._fullData || !gd._fullLayout || !gd._fullLayout.geo) return null;
        const out = {clusters: [], labels: [], places: 0, lonRange: gd._fullLayout.geo.lonaxis.range.slice()};
        for (const t of gd._fullData) {
            if (/^(basemap|mix): /.test(String(t.name))) continue;  // scenery and type-mix rings, not places
            const n = (t.lat || []).length;
            if (t.name === arguments[1]) {
                out.clusters = Array.from(t.customdata || []).map(String);
                out.labels = Array.from(t.text || []).map(String);
            } else { out.places += n; }
        }
        return out;
        """,
        MAP_GD,
        CLUSTER_NAME,
    )


def start(dash_duo, store: Path) -> dict:
    dash_duo.start_server(create_app(store))
    dash_duo.wait_for_element(MAP_POINTS, timeout=FIRST_RENDER)
    wait_until(dash_duo, lambda: app_is_settled(dash_duo), "the page never settled after loading")
    return wait_until(dash_duo, lambda: (d := drawn(dash_duo)) and d["clusters"] and d, "no clusters drawn")


def test_clusters_with_counts_and_a_click_zooms_in(dash_duo, busy_store):
    n = EventsStore(busy_store).manifest()["n_events"]
    before = start(dash_duo, busy_store)
    assert all(k.startswith(CLUSTER_PREFIX) for k in before["clusters"])
    assert all(label.replace(".", "").rstrip("k").isdigit() for label in before["labels"]), before["labels"]
    assert len(before["clusters"]) + before["places"] <= MAX_MARKERS

    biggest = max(
        zip(before["labels"], before["clusters"], strict=True),
        key=lambda lc: float(lc[0].rstrip("k")) * (1000 if lc[0].endswith("k") else 1),
    )[1]
    boxes = [[float(v) for v in key[len(CLUSTER_PREFIX) :].split("|")] for key in before["clusters"]]
    click_marker(dash_duo, biggest)

    after = wait_until(
        dash_duo,
        lambda: (d := drawn(dash_duo)) and d["lonRange"] != before["lonRange"] and d,
        "clicking a cluster did not move the map",
    )
    # Plotly hands the click to the marker under the pointer, which for overlapping clusters may be
    # a neighbour of the one aimed at: the map must show the box of a cluster.
    assert any(after["lonRange"] == pytest.approx(b[:2], abs=1e-3) for b in boxes), (
        f"the map shows {after['lonRange']}, no cluster's box"
    )
    assert after["lonRange"][1] - after["lonRange"][0] < before["lonRange"][1] - before["lonRange"][0]
    wait_until(
        dash_duo,
        lambda: (d := drawn(dash_duo)) and d["places"] > before["places"],
        "zooming in on a cluster did not split it into places",
    )
    # A cluster is not a place: the selection (and so the summary) stays the whole store.
    dash_duo.wait_for_text_to_equal("#summary", f"{n:,} of {n:,} events", timeout=TIMEOUT)

    # The link holds the box, and opening it shows that box again.
    query = wait_until(
        dash_duo, lambda: (q := page_query(dash_duo)) and "west" in q and q, "the permalink lacks the cluster's box"
    )
    linked = [float(query[k][0]) for k in ("west", "east")]
    assert linked == pytest.approx(after["lonRange"], abs=1e-3)
    dash_duo.driver.get(dash_duo.driver.current_url)
    wait_until(
        dash_duo,
        lambda: (d := drawn(dash_duo)) and d["lonRange"] == pytest.approx(linked, abs=1e-3),
        "the link does not open on the cluster's box",
    )
    wait_until(
        dash_duo,
        lambda: (d := drawn(dash_duo)) and d["places"] > before["places"],
        "the linked box is not clustered for its view",
    )
    assert dash_duo.get_logs() == []


def test_zooming_the_map_reclusters_for_the_view(dash_duo, busy_store):
    before = start(dash_duo, busy_store)
    # Scroll-zoom like a user: wheel events over a cluster (the middle of the map can be empty sea
    # or desert: the bounds of eight regions centre on Arabia, where no synthetic place lies).
    # The cluster found by its data (a point whose key is a cluster's), not by its trace's place
    # among the map's traces (the town names are drawn over the markers, last).
    dx, dy = dash_duo.driver.execute_script(
        "const p = Array.from(document.querySelectorAll('#map .scattergeo .point'))"
        ".find(e => String((e.__data__ || {}).data).startsWith(arguments[0])).getBoundingClientRect(),"
        " b = arguments[1].getBoundingClientRect();"
        " return [Math.round(p.x + p.width / 2 - b.x - b.width / 2),"
        "         Math.round(p.y + p.height / 2 - b.y - b.height / 2)];",
        CLUSTER_PREFIX,
        dash_duo.find_element("#map .geo .layer.bg rect"),
    )

    def scroll() -> bool:
        # Found afresh each time: a re-render (finer basemap when zoomed in) replaces the layer.
        bg = dash_duo.find_element("#map .geo .layer.bg rect")
        ActionChains(dash_duo.driver).scroll_from_origin(ScrollOrigin.from_element(bg, dx, dy), 0, -400).perform()
        return True

    def zoom_in_once() -> dict | None:
        """One wheel step, then what the map draws once the app has answered it."""
        told = dash_prop(dash_duo, "map", "relayoutData")
        WebDriverWait(dash_duo.driver, TIMEOUT, ignored_exceptions=(StaleElementReferenceException,)).until(
            lambda _d: scroll(), "could not scroll the map"
        )
        # Plotly zooms at once but tells the app only when its zoom gesture ends, on a timer after
        # the last wheel event: until then nothing is pending and the app looks settled, so
        # "settled" alone read the map from before this step (and sent the next step into the answer
        # to this one). Wait for the step to reach the app, then for its answer.
        wait_until(
            dash_duo,
            lambda: dash_prop(dash_duo, "map", "relayoutData") != told,
            "the map did not report a wheel step to the app",
        )
        wait_until(dash_duo, lambda: app_is_settled(dash_duo), "the map never settled after a wheel step")
        d = drawn(dash_duo)
        return d if d and d["places"] > before["places"] else None

    # One step at a time, each answered before the next: blind bursts of wheel events raced the
    # re-renders on a loaded machine (an answer for an older view could land last). Zooming keeps
    # the point under the pointer, so the same offset serves every step.
    after = None
    for _ in range(8):
        if (after := zoom_in_once()) is not None:
            break
    assert after is not None, "the map did not show more single places after zooming in"
    span = after["lonRange"][1] - after["lonRange"][0]
    assert span < 0.8 * (before["lonRange"][1] - before["lonRange"][0]), (
        f"the re-rendered map does not keep the zoomed-in view ({after['lonRange']} vs {before['lonRange']})"
    )
    assert len(after["clusters"]) + after["places"] <= MAX_MARKERS
    assert dash_duo.get_logs() == []
