"""The reading experience in a real (headless) browser: the phone layout, honest empty and bad
states, the offline mode bar, typed dates, readable markers. Expected values come from the store."""

from __future__ import annotations

from test_dashboard import (
    TIMEOUT,
    count,
    start_app,
    wait_until,
)

PHONE = (390, 844)


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
