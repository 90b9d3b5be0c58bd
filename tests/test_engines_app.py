"""The dashboard answers the same through either engine: the render callback of an app on the
in-memory index and of one on DuckDB, over a store as an ingest fills it (events told by several
articles, mentions), give the same counts line, summary, list and markers."""

from __future__ import annotations

import json
import re

import pytest

from dashboard import bench_http as B
from dashboard.app import ids
from dashboard.app.app import create_app
from dashboard.app.filters import Filters
from dashboard.store import EventsStore
from dashboard.synth import synthetic_events, synthetic_vocabulary
from dashboard.synth_reports import with_reports


@pytest.fixture(scope="module")
def clients(tmp_path_factory):
    root = tmp_path_factory.mktemp("engines") / "store"
    events, articles = synthetic_events(1500, seed=9)
    EventsStore(root).replace_with_chunks([(with_reports(events, seed=9, report_share=0.2), articles)])
    mp = pytest.MonkeyPatch()
    out = {}
    for engine in ("memory", "duckdb"):
        mp.setenv("CONFLICTMAP_ENGINE", engine)
        out[engine] = create_app(root).server.test_client()
    mp.undo()
    return out


def answer(client, change: dict) -> dict:
    deps = json.loads(client.get("/_dash-dependencies").data)
    props = B.layout_props(json.loads(client.get("/_dash-layout").data))
    cb = B.render_callback(deps, ids.MAP)
    resp = client.post("/_dash-update-component", json=B.request_body(cb, props, change))
    assert resp.status_code == 200, resp.data[:300]
    return json.loads(resp.data)["response"]


def markers(response: dict) -> list:
    """Each drawn place marker's key and hover text, in key order (the engines order places differently)."""
    out = []
    for trace in response[ids.MAP]["figure"]["data"]:
        keys, texts = trace.get("customdata"), trace.get("hovertext") or trace.get("text")
        if isinstance(keys, list) and isinstance(texts, list) and len(keys) == len(texts):
            out.extend(zip(map(str, keys), map(str, texts), strict=True))
    return sorted(out)


def listed(response: dict) -> list[str]:
    return sorted(re.findall(r'"data-event": "([^"]+)"', json.dumps(response[ids.EXCERPT_NODES], sort_keys=True)))


def test_both_engines_answer_the_same(clients) -> None:
    empty = Filters().to_dict()
    sel = (ids.SELECTION, "data")
    changes = [
        {},
        {sel: {"start": "2021-03-01", "end": "2021-06-30 23:59:59", "place": None, "event": None}},
        {(ids.FILTERS, "data"): {**empty, "event_types": [synthetic_vocabulary()["event_types"][0]]}},
        {(ids.FILTERS, "data"): {**empty, "text": "shelling"}, (ids.MEASURE, "value"): "deaths"},
        {(ids.FILTERS, "data"): {**empty, "text": "no such words anywhere"}},
    ]
    for change in changes:
        memory, duck = (answer(clients[e], change) for e in ("memory", "duckdb"))
        for out in (ids.COUNTS, ids.SUMMARY):
            assert json.dumps(memory[out], sort_keys=True) == json.dumps(duck[out], sort_keys=True), (out, change)
        # The same sentences listed (reports of one day and hour may come in another order).
        assert listed(memory) == listed(duck), change
        assert markers(memory) == markers(duck), change
        assert "events" in json.dumps(memory[ids.COUNTS])
    first = answer(clients["memory"], {})
    assert "–" in json.dumps(first[ids.COUNTS], ensure_ascii=False), "an event's reports give a range of deaths"


def test_the_basemaps_boundaries_and_towns_are_read_as_the_server_starts(tmp_path) -> None:
    """In a thread of their own from the app's creation (read after the first answer under a filter,
    they slowed the changes answered meanwhile), not by the first view that draws provinces."""
    import threading

    from dashboard.app import basemap

    basemap._admin1.cache_clear()
    basemap._towns.cache_clear()
    EventsStore(tmp_path / "s").replace_events(synthetic_events(300, seed=4)[0])
    create_app(tmp_path / "s")
    for t in threading.enumerate():
        if t.name == "conflictmap-basemap":
            t.join()
    assert basemap._admin1.cache_info().currsize == 1 and basemap._towns.cache_info().currsize == 1
