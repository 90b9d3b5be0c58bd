"""The page's smaller plotly.js: built from the installed plotly.js, holding every trace the
dashboard draws, served at Dash's plotly.js URL (and the full file whenever it cannot do)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dashboard import bench_http as B
from dashboard.app import ids
from dashboard.app import plotly_bundle as P
from dashboard.app.app import create_app
from dashboard.synth import synthetic_vocabulary, write_synthetic_store

TILES = ("https://tiles.example.org/{z}/{x}/{y}.png", "© example")


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Path:
    store = tmp_path_factory.mktemp("bundle") / "store"
    write_synthetic_store(store, 1500, seed=5, reports=True)
    return store


def plotly_js(app) -> bytes:
    resp = app.server.test_client().get("/" + P.PLOTLY_PATH)
    assert resp.status_code == 200
    return resp.data


def test_the_bundle_matches_the_installed_plotly() -> None:
    info = P.bundle_info()
    assert info is not None, f"{P.BUNDLE} missing: run python tools/build_plotly_bundle.py"
    assert info[0] == P.installed_plotlyjs_version(), (
        "the plotly package was upgraded: set its plotly.js version in tools/plotly_bundle/package.json "
        "and run python tools/build_plotly_bundle.py (until then the page loads the full plotly.min.js)"
    )
    assert info[1] == P.TRACES
    assert P.usable_bundle() == P.BUNDLE


def test_every_trace_the_dashboard_draws_is_in_the_bundle(store) -> None:
    app = create_app(store)
    client = app.server.test_client()
    cb = B.render_callback(json.loads(client.get("/_dash-dependencies").data), ids.MAP)
    props = B.layout_props(json.loads(client.get("/_dash-layout").data))
    brush = {
        (ids.SELECTION, "data"): {"start": "2022-03-01", "end": "2022-05-01 23:59:59", "place": None, "event": None}
    }
    changes = [
        {},
        brush,
        *B.filter_changes(cb, props),
        *B.store_filter_changes(cb, props, synthetic_vocabulary(), ids.FILTERS),
    ]
    drawn: set[str] = set()
    for change in changes:
        resp = client.post("/_dash-update-component", json=B.request_body(cb, props, change))
        assert resp.status_code == 200, resp.data[:300]
        for output in json.loads(resp.data)["response"].values():
            for value in output.values():
                if isinstance(value, dict) and isinstance(value.get("data"), list):
                    drawn.update(t.get("type", "scatter") for t in value["data"])
    assert {"scattergeo", "bar"} <= drawn  # the map and the timeline were drawn
    assert drawn <= set(P.TRACES), drawn - set(P.TRACES)


def test_the_app_serves_the_bundle_at_dashs_plotly_url(store) -> None:
    body = plotly_js(create_app(store))
    assert body == P.BUNDLE.read_bytes()
    assert len(body) < 2_000_000


def test_with_tiles_or_another_plotly_the_full_file_is_served(store, monkeypatch) -> None:
    full = plotly_js(create_app(store, tiles=TILES))
    assert full != P.BUNDLE.read_bytes() and b"scattermap" in full and len(full) > 3_000_000
    monkeypatch.setattr(P, "installed_plotlyjs_version", lambda: "0.0.1")
    assert P.usable_bundle() is None
    assert plotly_js(create_app(store)) == full


def test_a_file_without_the_banner_is_not_a_bundle(tmp_path) -> None:
    other = tmp_path / "plotly.min.js"
    other.write_text("/* plotly.js v4.1.1 */\nvar Plotly = {};\n", encoding="utf-8")
    assert P.bundle_info(other) is None and P.usable_bundle(other) is None
    assert P.bundle_info(tmp_path / "missing.js") is None
