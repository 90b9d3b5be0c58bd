"""A client of a running dashboard server, for the benches and load scripts: start it timed
(`SERVER_CODE`, `timed_wsgi`), wait for it, build Dash callback requests from its layout and time
their answers, and read its processes' CPU and memory; `top_places` picks the markers a user clicks."""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from dashboard.app.compress import held_answer
from dashboard.bench_machine import tree

# The production stack `conflictmap serve` runs (waitress, guard, gzip), timed inside it.
SERVER_CODE = (
    "import sys\nfrom dashboard.app import import_dash_for_serving\nimport_dash_for_serving()\n"
    "from dashboard.app.app import create_app\n"
    "from dashboard.app.serve import ServeOptions, run\nfrom dashboard.bench_http import timed_wsgi\n"
    "def make_app():\n    app = create_app(sys.argv[1])\n"
    "    app.server.wsgi_app = timed_wsgi(app.server.wsgi_app)\n    return app\n"
    "run(make_app, ServeOptions(host='127.0.0.1', port=int(sys.argv[2])), None)\n"
)


def timed_wsgi(inner: Callable) -> Callable:
    """Wrap a WSGI app so every answer says how long the server took: `X-Server-Ms` (wall time from
    request to finished body) and `X-Server-Cpu-Ms` (CPU time of the thread that served it, which
    other processes on a shared machine do not inflate)."""

    def app(environ: dict, start_response: Callable) -> list[bytes]:
        t0, c0 = time.perf_counter(), time.thread_time()
        held, body = held_answer(inner, environ)
        headers = [
            *held["headers"],
            ("X-Server-Ms", f"{(time.perf_counter() - t0) * 1000:.3f}"),
            ("X-Server-Cpu-Ms", f"{(time.thread_time() - c0) * 1000:.3f}"),
        ]
        start_response(held["status"], headers, held["exc_info"])
        return [body]

    return app


def free_port() -> int:
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def parse_outputs(output: str) -> list[dict]:
    """Dash's multi-output string "..a.b...c.d.." → [{"id": "a", "property": "b"}, ...]."""
    parts = output[2:-2].split("...") if output.startswith("..") else [output]
    return [dict(zip(("id", "property"), p.rsplit(".", 1), strict=True)) for p in parts]


def render_callback(dependencies: list[dict], map_id: str = "map") -> dict:
    """The callback that draws the map figure, from /_dash-dependencies."""
    for cb in dependencies:
        if any(o == {"id": map_id, "property": "figure"} for o in parse_outputs(cb["output"])):
            return cb
    raise ValueError(f"no callback outputs {map_id}.figure")


def layout_props(layout: dict) -> dict[str, dict]:
    """Every component of a /_dash-layout tree by id: its props."""
    found: dict[str, dict] = {}
    stack: list = [layout]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(node)
        elif isinstance(node, dict):
            props = node.get("props")
            if isinstance(props, dict):
                if isinstance(props.get("id"), str):
                    found[props["id"]] = props
                stack.extend(v for v in props.values() if isinstance(v, dict | list))
    return found


def request_body(cb: dict, props: dict[str, dict], changed: dict[tuple[str, str], object]) -> dict:
    """A POST /_dash-update-component body for `cb`: inputs and states from the layout, then `changed`."""

    def items(deps: list[dict]) -> list[dict]:
        return [
            {
                "id": d["id"],
                "property": d["property"],
                "value": changed.get((d["id"], d["property"]), props.get(d["id"], {}).get(d["property"])),
            }
            for d in deps
        ]

    return {
        "output": cb["output"],
        "outputs": parse_outputs(cb["output"]),
        "inputs": items(cb["inputs"]),
        "state": items(cb.get("state", [])),
        "changedPropIds": [f"{i}.{p}" for i, p in changed],
    }


def change_label(changed: dict[tuple[str, str], object], props: dict[str, dict]) -> str:
    """A request's change in words, for the bench's slowest requests: each changed input as
    `id.property=value`, a dict value (the filters panel's store, the selection) by the fields it
    sets otherwise than the layout's dict does (with none in the layout, its fields that are set)."""
    out = []
    for (cid, prop), value in changed.items():
        base = props.get(cid, {}).get(prop)
        if isinstance(value, dict) and isinstance(base, dict):
            value = {k: v for k, v in value.items() if v != base.get(k)}
        elif isinstance(value, dict):
            value = {k: v for k, v in value.items() if v not in (None, [], "")}
        out.append(f"{cid}.{prop}={json.dumps(value, sort_keys=True)}")
    return " ".join(out) or "(the layout's state)"


def slowest(labels: list[str], ms: list[float], k: int) -> list[list]:
    """The `k` slowest requests as [label, ms], slowest first (a label once, at its slowest)."""
    best: dict[str, float] = {}
    for label, t in zip(labels, ms, strict=True):
        if t == t and t > best.get(label, -1.0):  # t == t: not NaN (no server time header)
            best[label] = t
    return [[label, round(t, 1)] for label, t in sorted(best.items(), key=lambda kv: -kv[1])[:k]]


def filter_changes(cb: dict, props: dict[str, dict]) -> list[dict[tuple[str, str], object]]:
    """One change per option of every input with options (checklists, radio items, dropdowns) that
    differs from the layout's value: what a user does in the filter and control widgets."""
    out = []
    for d in cb["inputs"]:
        p = props.get(d["id"], {})
        options = p.get("options")
        if d["property"] != "value" or not isinstance(options, list):
            continue
        values = [o.get("value") if isinstance(o, dict) else o for o in options]
        multi = isinstance(p.get("value"), list)
        for v in values:
            new = [v] if multi else v
            if new != p.get("value"):
                out.append({(d["id"], "value"): new})
    return out


def store_filter_changes(
    cb: dict, props: dict[str, dict], vocabulary: dict[str, list[str]], store_id: str = "filters"
) -> list[dict[tuple[str, str], object]]:
    """When the callback reads the filters panel as one store (Filters.to_dict()), the changes a
    user makes there: each value of each choice in `vocabulary` (field name → values), towns only,
    minimum deaths and confidence, and an excerpt search for each word in vocabulary["text"]."""
    if not any(d["id"] == store_id and d["property"] == "data" for d in cb["inputs"]):
        return []
    base = dict(props.get(store_id, {}).get("data") or {})
    tweaks: list[dict] = [{"precise_only": True}, {"min_fatalities": 1}, {"min_confidence": 0.8}]
    for name, values in vocabulary.items():
        tweaks.extend({name: v} if name == "text" else {name: [v]} for v in values)
    return [{(store_id, "data"): {**base, **t}} for t in tweaks]


def post_json(url: str, body: dict) -> tuple[dict[str, float], int, dict]:
    """POST body; (times in ms: round trip, server wall, server CPU), response bytes, decoded answer."""
    import urllib.request

    data = json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"})
    t0 = time.perf_counter()
    with urllib.request.urlopen(req, timeout=120) as resp:  # noqa: S310 (our own loopback server)
        raw = resp.read()
        headers = resp.headers
    times = {
        "rt": (time.perf_counter() - t0) * 1000,
        "server": float(headers.get("X-Server-Ms", "nan")),
        "cpu": float(headers.get("X-Server-Cpu-Ms", "nan")),
    }
    return times, len(raw), json.loads(raw)


def get_json(url: str) -> Any:  # the server's JSON, whatever its shape
    import urllib.request

    with urllib.request.urlopen(url, timeout=30) as resp:  # noqa: S310 (our own loopback server)
        return json.loads(resp.read())


def marker_count(answer: dict, map_id: str = "map") -> int:
    fig = answer.get("response", {}).get(map_id, {}).get("figure", {})
    total = 0
    for trace in fig.get("data", []):
        # Provinces and town names (scenery) and the type-mix rings over markers (type_mix.py).
        if str(trace.get("name", "")).startswith(("basemap: ", "mix: ")):
            continue
        lat = trace.get("lat")
        if isinstance(lat, dict):  # plotly's base64 typed array: {"dtype": "f8", "bdata": "..."}
            total += len(base64.b64decode(lat.get("bdata", ""))) // np.dtype(lat.get("dtype", "f8")).itemsize
        elif isinstance(lat, list):
            total += len(lat)
    return total


def wait_for_server(base: str, proc, timeout: float = 120.0) -> None:
    import urllib.error

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the dashboard server exited with code {proc.returncode}")
        try:
            get_json(base + "/_dash-layout")
            return
        except (urllib.error.URLError, OSError):
            time.sleep(0.1)  # polling a starting server from a benchmark, not a test
    raise RuntimeError(f"the dashboard server did not answer within {timeout:.0f} s")


def tree_cpu_s(pid: int) -> float:
    """CPU seconds used so far by a process and all its descendants (gone ones excepted)."""
    import psutil

    total = 0.0
    for p in tree(pid):
        try:
            t = p.cpu_times()
            total += t.user + t.system
        except psutil.Error:
            continue
    return total


def process_rss_mb(pid: int) -> tuple[float, float]:
    """Current and peak (VmHWM) resident memory of a process and its descendants (a server's
    worker processes), summed, in MB."""
    import psutil

    rss = peak = 0.0
    for p in tree(pid):
        try:
            own = p.memory_info().rss / 2**20
        except psutil.Error:
            continue
        rss += own
        peak += _peak_mb(p.pid, own)
    return rss, peak


def _peak_mb(pid: int, rss: float) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return rss


def top_places(store_dir: Path, k: int = 500) -> list[str]:
    """The keys of the k places with most events: the markers a user is likely to click."""
    from dashboard import schema as S
    from dashboard.store import EventsStore

    # Three columns, not the whole table (20 GB as Arrow at 10M events with alternatives filled).
    table = EventsStore(store_dir).load_events_table(columns=[S.LOCATION, S.LATITUDE, S.LONGITUDE])
    if table is None:
        return []
    cols = (
        table.select([S.LOCATION, S.LATITUDE, S.LONGITUDE])
        .group_by([S.LOCATION, S.LATITUDE, S.LONGITUDE])
        .aggregate([([], "count_all")])
    )
    cols = cols.sort_by([("count_all", "descending")]).slice(0, k).to_pandas()
    return list(S.place_keys(cols))
