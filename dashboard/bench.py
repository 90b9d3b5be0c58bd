"""`conflictmap bench`: ingest throughput on the bundled corpus against bare spaCy, and peak memory."""

from __future__ import annotations

import base64
import os
import resource
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from dashboard.app.compress import held_answer
from dashboard.ingest.article import Article
from dashboard.ingest.readers import read_paths
from dashboard.nlp import pipe_docs, worker_count
from dashboard.paths import data_dir


def peak_rss_mb(who: int = resource.RUSAGE_SELF) -> float:
    # ru_maxrss is in kilobytes on Linux; for RUSAGE_CHILDREN it is the largest finished child.
    return resource.getrusage(who).ru_maxrss / 1024


def cpu_s() -> float:
    """CPU seconds of this process and of its finished children (spaCy's parsing processes are
    joined at the end of each `nlp.pipe`, so their time is counted once the call returns)."""
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def timed(fn: Callable[[], object]) -> tuple[float, float, object]:
    """(wall seconds, CPU seconds, result) of fn()."""
    t0, c0 = time.perf_counter(), cpu_s()
    out = fn()
    return time.perf_counter() - t0, cpu_s() - c0, out


def paired_runs(
    first: Callable[[], object], second: Callable[[], object], repeat: int
) -> list[tuple[tuple[float, float], tuple[float, float]]]:
    """`repeat` pairs of ((wall, cpu) of first, (wall, cpu) of second), alternating which runs first
    in each pair: on a shared machine a load that comes and goes then hits both sides alike, and the
    per-pair ratio cancels it where one-off timings of each side would not."""
    pairs = []
    for i in range(repeat):
        order = (0, 1) if i % 2 == 0 else (1, 0)
        got: dict[int, tuple[float, float]] = {}
        for side in order:
            wall, cpu, _ = timed((first, second)[side])
            got[side] = (wall, cpu)
        pairs.append((got[0], got[1]))
    return pairs


def run_ingest_bench(
    limit: int | None = None, dask: str | None = None, partition_size: int | None = None, repeat: int = 3
) -> dict:
    from dashboard.geo.toponyms import geoparse
    from dashboard.pipeline import build_pipeline
    from dashboard.store import EventsStore

    articles = read_paths([data_dir()]).articles
    if limit:
        articles = articles[:limit]
    n_words = sum(a.n_words for a in articles)

    t0 = time.perf_counter()
    pipeline = build_pipeline()
    load_s = time.perf_counter() - t0

    # Bare spaCy on the same texts, same model, batch size and processes: the ceiling for our pipeline.
    n_process = worker_count(len(articles), pipeline.n_process)
    # Warm-up (model pages, worker start-up code) so neither timed run pays for being first.
    list(pipe_docs(pipeline.nlp, (a.text for a in articles[:64]), 64, n_process, pipeline.batch_size))

    def bare_spacy() -> None:
        for _ in pipe_docs(pipeline.nlp, (a.text for a in articles), len(articles), n_process, pipeline.batch_size):
            pass

    results: list = []
    store_times: list[float] = []

    def full_ingest() -> None:
        # The whole ingest: pipeline and the store's append (which merges) into a fresh store.
        result = pipeline.run(articles)
        with tempfile.TemporaryDirectory() as tmp:
            t0 = time.perf_counter()
            EventsStore(Path(tmp) / "store").append(result.events, result.articles)
            store_times.append(time.perf_counter() - t0)
        results.append(result)

    pairs = paired_runs(bare_spacy, full_ingest, max(1, repeat))
    spacy_wall = [p[0][0] for p in pairs]
    ingest_wall = [p[1][0] for p in pairs]
    wall_ratios = [s / i for (s, _), (i, _) in pairs]
    cpu_ratios = [sc / ic for (_, sc), (_, ic) in pairs]
    result = results[-1]

    # Geoparsing alone, once (its share of the ingest), on docs parsed here.
    docs = list(pipe_docs(pipeline.nlp, (a.text for a in articles), len(articles), n_process, pipeline.batch_size))
    t0 = time.perf_counter()
    for doc in docs:
        geoparse(doc, pipeline.geocoder, pipeline.gazetteer)
    geo_s = time.perf_counter() - t0
    del docs

    if dask:
        from dashboard.distributed import preflight

        preflight()
    total = float(np.median(ingest_wall))
    spacy_s = float(np.median(spacy_wall))
    figures = {
        "articles": len(articles),
        "n_process": n_process,
        "words": n_words,
        "events": int(len(result.events)),
        "load_s": round(load_s, 2),
        "repeat": len(pairs),
        "ingest_s": round(total, 2),
        "ingest_cpu_s": round(float(np.median([p[1][1] for p in pairs])), 2),
        "articles_per_s": round(len(articles) / total, 2),
        "words_per_s": round(n_words / total, 1),
        "spacy_s": round(spacy_s, 2),
        "spacy_cpu_s": round(float(np.median([p[0][1] for p in pairs])), 2),
        "spacy_words_per_s": round(n_words / spacy_s, 1),
        # Median of the per-pair ratios (bare spaCy time / ingest time): 1.0 would be as fast as spaCy.
        "ratio_to_spacy": round(float(np.median(wall_ratios)), 3),
        "ingest_cpu_ratio_to_spacy": round(float(np.median(cpu_ratios)), 3),
        "ratios_wall": [round(r, 3) for r in wall_ratios],
        "ratios_cpu": [round(r, 3) for r in cpu_ratios],
        # Geoparsing runs in the main process after the parse: its share of the ingest wall time.
        "geoparse_s": round(geo_s, 2),
        "geoparse_share": round(geo_s / total, 3),
        "store_s": round(float(np.median(store_times)), 2),
        "peak_rss_mb": round(peak_rss_mb(), 1),
        "peak_rss_worker_mb": round(peak_rss_mb(resource.RUSAGE_CHILDREN), 1),
    }
    if dask:
        figures.update(run_dask_ingest_bench(articles, dask, partition_size, result.events))
    # The machine may be shared: its load says how far the timings can be trusted.
    figures["load_avg_1m"] = round(os.getloadavg()[0], 2)
    return figures


def _worker_rss_mb() -> float:
    import psutil

    return psutil.Process().memory_info().rss / 2**20


def run_dask_ingest_bench(
    articles: list[Article], address: str, partition_size: int | None, events: pd.DataFrame
) -> dict:
    """The same ingest through a Dask cluster (`ingest --dask`): cluster start and model loading timed
    apart (one-off costs, like load_s), then partition → workers → merge → store, end to end."""
    from dashboard import distributed as D
    from dashboard import schema as S
    from dashboard.store import EventsStore

    t0 = time.perf_counter()
    with D.connect(address) as client:
        threads = D.wait_for_workers(client)
        start_s = time.perf_counter() - t0
        loader = D.PipelineLoader()
        t0 = time.perf_counter()
        D.check_workers(client, loader)
        load_s = time.perf_counter() - t0
        size = partition_size or D.partition_size_for(len(articles), threads)
        with tempfile.TemporaryDirectory() as tmp:
            t0 = time.perf_counter()
            result = D.run_partitions(client, articles, loader, size)
            EventsStore(Path(tmp) / "store").append(result.events, result.articles)
            total = time.perf_counter() - t0
        rss = client.run(_worker_rss_mb)
    same = len(events) == len(result.events) and result.events.sort_values(S.EVENT_ID).reset_index(drop=True).equals(
        events.sort_values(S.EVENT_ID).reset_index(drop=True)
    )
    return {
        "dask": address,
        "dask_workers": len(rss),
        "dask_threads": threads,
        "dask_partitions": -(-len(articles) // size),
        "dask_start_s": round(start_s, 2),
        "dask_load_s": round(load_s, 2),
        "dask_ingest_s": round(total, 2),
        "dask_articles_per_s": round(len(articles) / total, 2),
        "dask_words_per_s": round(sum(a.n_words for a in articles) / total, 1),
        # The same events table as the single-process run above (sorted by event_id)?
        "dask_same_events": bool(same),
        "dask_worker_rss_mb": round(max(rss.values()), 1),
    }


# -- the dashboard at scale: `conflictmap bench --events N` ------------------------------------------

CHROME_ARGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--window-size=1280,800",
)
MARKERS_JS = "return document.querySelectorAll('#map .scattergeo .point, #map .scattermap').length"
# The production stack `conflictmap serve` runs (waitress, guard, gzip), timed inside it.
SERVER_CODE = (
    "import sys\nfrom dashboard.app.app import create_app\n"
    "from dashboard.app.serve import ServeOptions, run\nfrom dashboard.bench import timed_wsgi\n"
    "def make_app():\n    app = create_app(sys.argv[1])\n"
    "    app.server.wsgi_app = timed_wsgi(app.server.wsgi_app)\n    return app\n"
    "run(make_app, ServeOptions(host='127.0.0.1', port=int(sys.argv[2])), None)\n"
)
# Bytes on the wire of everything the page loaded (fresh profile: nothing cached).
PAGE_BYTES_JS = (
    "return performance.getEntriesByType('navigation').concat(performance.getEntriesByType('resource'))"
    ".reduce((s, e) => s + (e.transferSize || 0), 0)"
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


def _post(url: str, body: dict) -> tuple[dict[str, float], int, dict]:
    """POST body; (times in ms: round trip, server wall, server CPU), response bytes, decoded answer."""
    import json
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


def _get_json(url: str) -> Any:  # the server's JSON, whatever its shape
    import json
    import urllib.request

    with urllib.request.urlopen(url, timeout=30) as resp:  # noqa: S310 (our own loopback server)
        return json.loads(resp.read())


def _markers(answer: dict, map_id: str = "map") -> int:
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


def _wait_for_server(base: str, proc, timeout: float = 120.0) -> None:
    import urllib.error

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the dashboard server exited with code {proc.returncode}")
        try:
            _get_json(base + "/_dash-layout")
            return
        except (urllib.error.URLError, OSError):
            time.sleep(0.1)  # polling a starting server from a benchmark, not a test
    raise RuntimeError(f"the dashboard server did not answer within {timeout:.0f} s")


def _tree_cpu_s(pid: int) -> float:
    """CPU seconds used so far by a process and all its descendants (gone ones excepted)."""
    import psutil

    total = 0.0
    try:
        root = psutil.Process(pid)
        procs = [root, *root.children(recursive=True)]
    except psutil.Error:
        return total
    for p in procs:
        try:
            t = p.cpu_times()
            total += t.user + t.system
        except psutil.Error:
            continue
    return total


def headless_chromium(*extra_args: str) -> Any:
    """A headless Chromium with a fresh profile (Debian's `chromium` when installed), or RuntimeError."""
    import shutil

    from selenium import webdriver
    from selenium.common.exceptions import WebDriverException

    options = webdriver.ChromeOptions()
    for arg in (*CHROME_ARGS, *extra_args):
        options.add_argument(arg)
    chrome = shutil.which("chromium") or shutil.which("chromium-browser")
    if chrome:
        options.binary_location = chrome
    try:
        return webdriver.Chrome(options=options)
    except WebDriverException as err:
        raise RuntimeError(f"cannot start headless Chromium: {err.msg}") from err


def page_ready_s(url: str, timeout: float = 60.0) -> tuple[float, int, float, int]:
    """Headless Chromium, fresh profile: seconds from navigation to map markers drawn, the number of
    severe console messages, the CPU seconds the browser's processes spent meanwhile (which,
    unlike the wall time, other work on a shared machine does not inflate), and the bytes the page
    loaded over the network until then (compressed, as transferred)."""
    from selenium.webdriver.support.ui import WebDriverWait

    driver = headless_chromium()
    try:
        browser = driver.service.process.pid
        cpu0 = _tree_cpu_s(browser)
        t0 = time.perf_counter()
        driver.get(url)
        WebDriverWait(driver, timeout, poll_frequency=0.02).until(lambda d: d.execute_script(MARKERS_JS) > 0)
        ready = time.perf_counter() - t0
        cpu = _tree_cpu_s(browser) - cpu0
        severe = [e for e in driver.get_log("browser") if e.get("level") == "SEVERE"]
        return ready, len(severe), cpu, int(driver.execute_script(PAGE_BYTES_JS))
    finally:
        driver.quit()


def _rss_mb(pid: int) -> tuple[float, float]:
    """Current and peak (VmHWM) resident memory of a process and its descendants (a server's
    worker processes), summed, in MB."""
    import psutil

    rss = peak = 0.0
    try:
        root = psutil.Process(pid)
        procs = [root, *root.children(recursive=True)]
    except psutil.Error:
        return rss, peak
    for p in procs:
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


def _top_places(store_dir: Path, k: int = 500) -> list[str]:
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


def synthetic_store(store: Path, n_events: int, seed: int, keep: bool, fast: bool = False) -> float:
    """Write the bench's synthetic store (as an ingest fills it: second reports, mentions), with
    `fast` column-wise (synth_fast); with `keep`, reuse the one a previous run left in `store` for
    the same size, seed and writer. Seconds taken."""
    import json

    from dashboard.synth import write_synthetic_store
    from dashboard.synth_fast import write_fast_store

    tag = {"events": n_events, "seed": seed, "reports": True, "format": 1, **({"writer": "fast"} if fast else {})}
    marker = store / "bench-store.json"
    if keep and marker.is_file() and json.loads(marker.read_text(encoding="utf-8")) == tag:
        return 0.0
    t0 = time.perf_counter()
    marker.unlink(missing_ok=True)
    if fast:
        write_fast_store(store, n_events, seed)
    else:
        write_synthetic_store(store, n_events, seed, reports=True)
    if keep:
        marker.write_text(json.dumps(tag), encoding="utf-8")
    return time.perf_counter() - t0


def run_serve_bench(
    n_events: int,
    requests: int = 30,
    seed: int = 0,
    pages: int = 3,
    store_dir: Path | None = None,
    store_figures: bool = True,
    engine: str = "auto",
    keep_store: bool = False,
    fast_store: bool = False,
) -> dict:
    """Build a synthetic store of n_events, serve it with the query `engine`, and time the render
    callback and the page. With `keep_store` the store in `store_dir` is reused when it was built
    for the same size and seed (and the figures that write to it are left out)."""
    import random
    import subprocess
    import sys

    import dashboard
    from dashboard.app import ids
    from dashboard.bench_store import append_figures, correction_figures, page_bytes
    from dashboard.synth import N_DAYS, START_DAY, synthetic_vocabulary

    with tempfile.TemporaryDirectory() as tmp:
        store = Path(store_dir) if store_dir else Path(tmp) / "store"
        build_s = synthetic_store(store, n_events, seed, keep_store and store_dir is not None, fast_store)
        store_figures = store_figures and not keep_store
        places = _top_places(store)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        root = Path(dashboard.__file__).resolve().parents[1]
        log = (Path(tmp) / "server.log").open("wb")
        # The request log goes to a file: a pipe nobody reads would fill up and stall the server.
        started = time.perf_counter()
        proc = subprocess.Popen(
            [sys.executable, "-c", SERVER_CODE, str(store), str(port)],
            cwd=root,
            stdout=log,
            stderr=subprocess.STDOUT,
            env={**os.environ, "CONFLICTMAP_ENGINE": engine},
        )
        try:
            _wait_for_server(base, proc)
            cb = render_callback(_get_json(base + "/_dash-dependencies"), ids.MAP)
            props = layout_props(_get_json(base + "/_dash-layout"))
            url = base + "/_dash-update-component"
            first, first_bytes, _ = _post(url, request_body(cb, props, {}))  # waits for the store's index
            first_answer_s = time.perf_counter() - started
            first_answer_cpu_s = _tree_cpu_s(proc.pid)  # the server's start-up and its first answer
            rng = random.Random(seed)
            sel = (ids.SELECTION, "data")

            def brush(_i: int) -> dict:
                start = START_DAY + rng.randrange(0, N_DAYS - 30)
                end = min(start + rng.randrange(7, 180), START_DAY + N_DAYS)
                iso = [str(np.datetime64(d, "D")) for d in (start, end)]
                return {sel: {"start": iso[0], "end": iso[1] + " 23:59:59", "place": None, "event": None}}

            changes = filter_changes(cb, props) + store_filter_changes(cb, props, synthetic_vocabulary(), ids.FILTERS)
            changes = changes or [{}]

            def click(_i: int) -> dict:
                return {
                    sel: {"start": None, "end": None, "place": rng.choice(places) if places else None, "event": None}
                }

            from dashboard.app.data import StoreView
            from dashboard.store import EventsStore

            m = EventsStore(store).manifest()
            figures: dict[str, object] = {
                "events": n_events,
                "rows": int(m["n_events"]),
                "engine": StoreView(EventsStore(store), engine).engine_for(m),
            }
            c0 = _tree_cpu_s(proc.pid)
            biggest = 0
            markers = 0
            for name, make in (("brush", brush), ("filter", lambda i: changes[i % len(changes)]), ("click", click)):
                times: dict[str, list[float]] = {"rt": [], "server": [], "cpu": []}
                for i in range(requests):
                    took, size, answer = _post(url, request_body(cb, props, make(i)))
                    for k, v in took.items():
                        times[k].append(v)
                    biggest = max(biggest, size)
                    markers = max(markers, _markers(answer, ids.MAP))
                figures[f"p95_ms_{name}"] = round(float(np.percentile(times["server"], 95)), 1)
                figures[f"median_ms_{name}"] = round(float(np.median(times["server"])), 1)
                figures[f"p95_cpu_ms_{name}"] = round(float(np.percentile(times["cpu"], 95)), 1)
                figures[f"p95_roundtrip_ms_{name}"] = round(float(np.percentile(times["rt"], 95)), 1)
            figures["max_response_bytes"] = biggest
            figures["max_markers"] = markers
            figures.update(page_bytes(base, first_bytes))
            try:
                if pages < 1:
                    raise RuntimeError("page load not measured (pages=0)")
                ready = [page_ready_s(base + "/") for _ in range(pages)]
                figures["page_ready_s"] = round(max(r[0] for r in ready), 2)
                figures["page_ready_median_s"] = round(float(np.median([r[0] for r in ready])), 2)
                figures["console_errors"] = max(r[1] for r in ready)
                figures["page_cpu_s"] = round(max(r[2] for r in ready), 2)
                # What the browser received (scripts that scripts load, plotly.js among them, included).
                figures["page_bytes"] = max(r[3] for r in ready)
                figures["page_bytes_method"] = "browser"
            except (ImportError, OSError, RuntimeError) as err:
                figures["page_ready_s"] = None
                figures["page_ready_error"] = str(err)[:200]
            figures["server_cpu_s_requests"] = round(_tree_cpu_s(proc.pid) - c0, 2)
            try:
                if pages < 1:
                    raise RuntimeError("interactions not measured (pages=0)")
                from dashboard.bench_browser import browser_interactions

                span = (str(np.datetime64(START_DAY, "D")), str(np.datetime64(START_DAY + N_DAYS - 1, "D")))
                figures.update(browser_interactions(base + "/", span))
            except (ImportError, OSError, RuntimeError) as err:
                figures["interactions_error"] = str(err)[:200]
            rss, peak = _rss_mb(proc.pid)
            figures.update(
                rss_mb=round(rss, 1),
                peak_rss_mb=round(peak, 1),
                first_render_s=round(first["rt"] / 1000, 2),
                first_answer_s=round(first_answer_s, 2),
                first_answer_cpu_s=round(first_answer_cpu_s, 2),
                store_build_s=round(build_s, 1),
                requests_each=requests,
                # The machine is shared: its load says how much the timings can be trusted.
                load_avg_1m=round(os.getloadavg()[0], 2),
                cpus=os.cpu_count(),
            )
            if store_figures:
                # After the server's figures: these write to the store.
                figures.update(append_figures(store, seed))
                figures.update(correction_figures(store))
            return figures
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
            log.close()
