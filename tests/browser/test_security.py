"""The page works under the server's own stack: the strict Content-Security-Policy (no inline
script but Dash's own, by hash; no eval), gzip and the Host check, with no console error."""

from __future__ import annotations

from test_dashboard import FIRST_RENDER, click_marker

from dashboard.app.access import Access
from dashboard.app.app import create_app
from dashboard.app.serve import ServeOptions, secured

TIMEOUT = 30


def test_the_page_works_under_the_csp_with_no_console_errors(dash_duo, seed_store):
    app = create_app(seed_store, access=Access(token="a token of twelve or more"))
    app.server.wsgi_app = secured(app, ServeOptions(host="127.0.0.1"), None)
    dash_duo.start_server(app)
    dash_duo.wait_for_element("#map .scattergeo .point", timeout=FIRST_RENDER)
    dash_duo.wait_for_element("#timeline .js-plotly-plot .bars", timeout=FIRST_RENDER)
    # A click on a marker (callbacks and clientside code) still works.
    click_marker(dash_duo, "Idlib")
    dash_duo.wait_for_element("#excerpts .excerpt", timeout=TIMEOUT)
    assert dash_duo.find_element("a.sign-in").get_attribute("href").endswith("/login")
    assert dash_duo.driver.execute_script("return performance.getEntriesByType('navigation')[0].transferSize") > 0
    assert dash_duo.get_logs() == []
