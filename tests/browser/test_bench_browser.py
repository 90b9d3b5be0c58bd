"""`conflictmap bench`'s browser figures (dashboard/bench_browser.py) on the seed store: every
interaction is measured, costs the page some CPU, and sends at most two callback requests."""

from __future__ import annotations

from test_dashboard import start_app

from dashboard.app.excerpts import EXCERPT_LIMIT
from dashboard.bench_browser import interaction_figures
from dashboard.bench_http import tree_cpu_s
from dashboard.store import EventsStore


def test_interaction_figures_count_requests_and_browser_cpu(dash_duo, seed_store):
    events = EventsStore(seed_store).load_events()
    dated = events["event_date"].dropna()
    start_app(dash_duo, seed_store)
    pid = dash_duo.driver.service.process.pid
    figures = interaction_figures(
        dash_duo.driver, lambda: tree_cpu_s(pid), (f"{dated.min():%Y-%m-%d}", f"{dated.max():%Y-%m-%d}"), repeat=1
    )
    for name in ("click", "brush", "filter", "play", "list"):
        assert 1 <= figures[f"requests_{name}"] <= 2, (name, {k: v for k, v in figures.items() if "requests" in k})
        assert figures[f"browser_cpu_s_{name}"] > 0, figures
    assert 0 <= figures["listed_list"] <= EXCERPT_LIMIT, figures
    assert dash_duo.get_logs() == []
