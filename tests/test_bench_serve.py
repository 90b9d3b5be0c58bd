"""`conflictmap bench --events N`: the request plumbing against a real app, and one small end-to-end run."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import numpy as np
import pytest

from dashboard import bench_http as B
from dashboard import bench_serve
from dashboard.app import ids
from dashboard.app.app import create_app
from dashboard.app.filters import Filters
from dashboard.cli_args import build_parser
from dashboard.synth import synthetic_vocabulary, write_synthetic_store


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    store = tmp_path_factory.mktemp("bench") / "store"
    write_synthetic_store(store, 2000, seed=3)
    return create_app(store).server.test_client()


def get(client, path: str):
    resp = client.get(path)
    assert resp.status_code == 200, path
    return json.loads(resp.data)


def test_parse_outputs() -> None:
    assert B.parse_outputs("..map.figure...timeline.figure..") == [
        {"id": "map", "property": "figure"},
        {"id": "timeline", "property": "figure"},
    ]
    assert B.parse_outputs("selection.data") == [{"id": "selection", "property": "data"}]


def test_render_callback_and_layout_are_found(client) -> None:
    cb = B.render_callback(get(client, "/_dash-dependencies"), ids.MAP)
    assert {"id": ids.MAP, "property": "figure"} in B.parse_outputs(cb["output"])
    props = B.layout_props(get(client, "/_dash-layout"))
    assert props[ids.SELECTION]["data"] == {"start": None, "end": None, "place": None, "event": None}
    with pytest.raises(ValueError, match="no callback"):
        B.render_callback([{"output": "a.b", "inputs": []}], ids.MAP)


def test_the_bodies_it_builds_are_answered(client) -> None:
    cb = B.render_callback(get(client, "/_dash-dependencies"), ids.MAP)
    props = B.layout_props(get(client, "/_dash-layout"))
    changes = B.filter_changes(cb, props) + B.store_filter_changes(cb, props, synthetic_vocabulary(), ids.FILTERS)
    empty = Filters().to_dict()
    assert props[ids.FILTERS]["data"] == empty
    assert {(ids.FILTERS, "data"): {**empty, "precise_only": True}} in changes
    assert {(ids.FILTERS, "data"): {**empty, "event_types": ["Battles"]}} in changes
    assert {(ids.FILTERS, "data"): {**empty, "text": "shelling"}} in changes
    assert {(ids.SIZE_BY, "value"): "fatalities"} in changes
    brush = {(ids.SELECTION, "data"): {"start": "2022-01-01", "end": "2022-02-01 23:59:59", "place": None}}
    for change in [{}, brush, *changes]:
        body = B.request_body(cb, props, change)
        assert body["changedPropIds"] == [f"{i}.{p}" for i, p in change]
        resp = client.post("/_dash-update-component", json=body)
        assert resp.status_code == 200, resp.data[:300]
        answer = json.loads(resp.data)
        assert 0 < B.marker_count(answer, ids.MAP) <= 1500
        assert "events" in json.dumps(answer["response"][ids.SUMMARY])


def test_markers_counts_lists_and_typed_arrays() -> None:
    typed = {"dtype": "f8", "bdata": base64.b64encode(np.arange(4, dtype="f8").tobytes()).decode()}
    answer = {"response": {"map": {"figure": {"data": [{"lat": [1, 2, 3]}, {"lat": typed}]}}}}
    assert B.marker_count(answer) == 7
    assert B.marker_count({"response": {}}) == 0


def test_bench_events_option_parses() -> None:
    args = build_parser().parse_args(["bench", "--events", "1000", "--requests", "5", "--json"])
    assert (args.events, args.requests, args.seed, args.json) == (1000, 5, 0, True)


def test_run_serve_bench_end_to_end(tmp_path: Path) -> None:
    """A real server process on a free loopback port over a small synthetic store (no browser here)."""
    figures = bench_serve.run_serve_bench(300, requests=2, seed=1, pages=0, store_dir=tmp_path / "store")
    for key in (
        "events",
        "p95_ms_brush",
        "p95_ms_filter",
        "p95_ms_click",
        "max_response_bytes",
        "page_ready_s",
        "rss_mb",
        "first_answer_s",
        "page_bytes",
        "append_ratio",
        "correction_s",
        "correction_rss_growth_mb",
    ):
        assert key in figures, key
    assert figures["page_bytes"] > figures["max_response_bytes"] and figures["page_files"] > 3
    assert figures["append_full_s"] > 0 and figures["append_empty_s"] > 0 and figures["append_events"] > 100
    assert figures["correction_rows"] > 0 and figures["correction_s"] >= figures["correction_save_s"] > 0
    # Memory first touched, counted beside the CPU (a write and a server's requests touch some).
    assert figures["append_full_cpu_s"] > 0 and figures["append_empty_cpu_s"] > 0
    assert figures["append_full_minor_faults"] >= 0 and figures["append_empty_minor_faults"] >= 0
    assert figures["correction_minor_faults"] > 0 and figures["correction_sys_s"] >= 0
    assert figures["server_minor_faults_requests"] > 0 and figures["first_answer_minor_faults"] > 0
    assert figures["page_touch_us"] > 0 and figures["cpus"] >= 1
    assert figures["events"] == 300
    assert figures["page_ready_s"] is None and "pages=0" in figures["page_ready_error"]
    assert figures["p95_ms_brush"] > 0 and 0 < figures["max_response_bytes"] < 1_000_000
    assert figures["rss_mb"] > 0 and figures["max_markers"] > 0
    # Every filter change timed (the excerpt searches, last, among them), whatever `requests` says.
    assert figures["timed_brush"] == figures["timed_click"] == 2 and figures["timed_filter"] >= 30
    assert figures["max_ms_filter"] >= figures["p95_ms_filter"] >= figures["median_ms_filter"] > 0
    # The slowest filter changes named: the first is the slowest request, each a change the bench made.
    named = figures["slowest_filter"]
    assert 1 <= len(named) <= bench_serve.SLOWEST and named[0][1] == figures["max_ms_filter"]
    assert [t for _, t in named] == sorted((t for _, t in named), reverse=True)
    assert all("=" in label for label, _ in named) and len({label for label, _ in named}) == len(named)


def test_change_label_names_what_differs_from_the_layout() -> None:
    props = {"filters": {"data": {"text": "", "countries": [], "min_fatalities": None}}, "size": {"value": "events"}}
    chosen = {"text": "", "countries": ["Mali"], "min_fatalities": None}
    assert B.change_label({("filters", "data"): chosen}, props) == 'filters.data={"countries": ["Mali"]}'
    assert B.change_label({("size", "value"): "fatalities"}, props) == 'size.value="fatalities"'
    sel = {"start": "2020-01-01", "end": None, "place": None, "event": None}
    assert B.change_label({("selection", "data"): sel}, props) == 'selection.data={"start": "2020-01-01"}'
    assert B.change_label({}, props) == "(the layout's state)"
    # A filter cleared is named too: what differs from the layout, not only what is set.
    props["filters"]["data"]["countries"] = ["Mali"]
    cleared = {"text": "", "countries": [], "min_fatalities": None}
    assert B.change_label({("filters", "data"): cleared}, props) == 'filters.data={"countries": []}'


def test_slowest_keeps_each_label_once_at_its_slowest() -> None:
    labels = ["a", "b", "a", "c", "d"]
    assert B.slowest(labels, [10.0, 30.0, 50.0, float("nan"), 20.0], 2) == [["a", 50.0], ["b", 30.0]]
    assert B.slowest(labels, [1.0] * 5, 10) == [["a", 1.0], ["b", 1.0], ["c", 1.0], ["d", 1.0]]
    assert B.slowest([], [], 3) == []


def test_timed_wsgi_reports_server_time(client) -> None:
    from werkzeug.test import Client

    app = client.application
    timed = Client(B.timed_wsgi(app.wsgi_app))
    resp = timed.get("/_dash-layout")
    assert resp.status_code == 200 and json.loads(resp.data)
    assert float(resp.headers["X-Server-Ms"]) > 0 and float(resp.headers["X-Server-Cpu-Ms"]) >= 0
    assert timed.post("/_dash-layout").status_code == 405, "the status passes through"


def test_a_lasso_over_clusters_narrows_the_views_to_their_events(client) -> None:
    """Through the app: the places chosen as cluster keys (what a lasso over clusters sends) give
    counts equal to those clusters' events, as their markers' hover texts say."""
    import re

    from dashboard.app.mapview import is_cluster_key

    cb = B.render_callback(get(client, "/_dash-dependencies"), ids.MAP)
    props = B.layout_props(get(client, "/_dash-layout"))

    def answer(change: dict) -> dict:
        resp = client.post("/_dash-update-component", json=B.request_body(cb, props, change))
        assert resp.status_code == 200
        return json.loads(resp.data)["response"]

    traces = answer({})[ids.MAP]["figure"]["data"]
    clusters = [t for t in traces if t.get("customdata") and is_cluster_key(t["customdata"][0])]
    assert clusters, "2,000 synthetic events draw clusters"
    keys, hovers = clusters[0]["customdata"][:2], clusters[0]["hovertext"][:2]
    events = sum(int(re.match(r"<b>([\d,]+) events", h).group(1).replace(",", "")) for h in hovers)
    chosen = answer({(ids.FILTERS, "data"): {**Filters().to_dict(), "places": keys}})
    assert chosen[ids.COUNTS]["children"].startswith(f"{events:,} of 2,000 events")
