"""`conflictmap bench --events N`: the dashboard over a synthetic store of N events, served as
`conflictmap serve` serves it: its callbacks' answer times, the page in headless Chromium, memory."""

from __future__ import annotations

import os
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import numpy as np

from dashboard.bench_browser import page_ready_s
from dashboard.bench_http import (
    SERVER_CODE,
    change_label,
    filter_changes,
    free_port,
    get_json,
    layout_props,
    marker_count,
    post_json,
    process_rss_mb,
    render_callback,
    request_body,
    slowest,
    store_filter_changes,
    top_places,
    tree_cpu_s,
    wait_for_server,
)
from dashboard.bench_machine import machine_figures, tree_minor_faults

# The slowest requests of each interaction named in the figures (`slowest_brush`, ...).
SLOWEST = 5
MARKER = "bench-store.json"  # beside a kept synthetic store: its size, seed and writer


def synthetic_store(store: Path, n_events: int, seed: int, keep: bool, fast: bool = False) -> float:
    """Write the bench's synthetic store (as an ingest fills it: second reports, mentions), with
    `fast` column-wise (synth_fast); with `keep`, reuse the one a previous run left in `store` for
    the same size, seed and writer. Seconds taken."""
    import json

    from dashboard.synth import write_synthetic_store
    from dashboard.synth_fast import write_fast_store

    tag = {"events": n_events, "seed": seed, "reports": True, "format": 2, **({"writer": "fast"} if fast else {})}
    marker = store / MARKER
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


@dataclass
class _Served:
    """A dashboard server the bench started over its synthetic store, and what the bench asks of it."""

    base: str  # http://127.0.0.1:PORT
    proc: subprocess.Popen
    store: Path
    n_events: int
    engine: str
    requests: int
    seed: int
    pages: int
    started: float  # perf_counter when the server was started
    build_s: float  # seconds the store took to write


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
    from dashboard.bench_store import append_figures, correction_figures

    with tempfile.TemporaryDirectory() as tmp:
        store = Path(store_dir) if store_dir else Path(tmp) / "store"
        build_s = synthetic_store(store, n_events, seed, keep_store and store_dir is not None, fast_store)
        store_figures = store_figures and not keep_store
        places = top_places(store)
        port = free_port()
        log = (Path(tmp) / "server.log").open("wb")
        started = time.perf_counter()
        proc = _start_server(store, port, engine, log)
        try:
            run = _Served(
                f"http://127.0.0.1:{port}", proc, store, n_events, engine, requests, seed, pages, started, build_s
            )
            figures = _served_figures(run, places)
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


def _start_server(store: Path, port: int, engine: str, log: IO[bytes]) -> subprocess.Popen:
    """The production stack (SERVER_CODE) over `store` in a process of its own."""
    import dashboard

    root = Path(dashboard.__file__).resolve().parents[1]
    # The request log goes to a file: a pipe nobody reads would fill up and stall the server.
    return subprocess.Popen(
        [sys.executable, "-c", SERVER_CODE, str(store), str(port)],
        cwd=root,
        stdout=log,
        stderr=subprocess.STDOUT,
        env={**os.environ, "CONFLICTMAP_ENGINE": engine},
    )


def _served_figures(run: _Served, places: list[str]) -> dict:
    """The server's figures: its first answer, the three interactions' answer times, the page in
    Chromium, its CPU and memory."""
    from dashboard.app import ids
    from dashboard.bench_store import page_bytes
    from dashboard.synth import synthetic_vocabulary

    wait_for_server(run.base, run.proc)
    cb = render_callback(get_json(run.base + "/_dash-dependencies"), ids.MAP)
    props = layout_props(get_json(run.base + "/_dash-layout"))
    url = run.base + "/_dash-update-component"
    first, first_bytes, _ = post_json(url, request_body(cb, props, {}))  # waits for the store's index
    first_answer_s = time.perf_counter() - run.started
    first_answer_cpu_s = tree_cpu_s(run.proc.pid)  # the server's start-up and its first answer
    first_faults = tree_minor_faults(run.proc.pid)
    changes = filter_changes(cb, props) + store_filter_changes(cb, props, synthetic_vocabulary(), ids.FILTERS)
    interactions = _interactions(run.seed, places, changes or [{}])
    figures = _store_figures(run)
    c0, f0 = tree_cpu_s(run.proc.pid), tree_minor_faults(run.proc.pid)
    figures.update(_request_figures(url, cb, props, interactions, run.requests))
    f1 = tree_minor_faults(run.proc.pid)
    figures.update(page_bytes(run.base, first_bytes))
    figures.update(_page_figures(run.base, run.pages))
    figures["server_cpu_s_requests"] = round(tree_cpu_s(run.proc.pid) - c0, 2)
    # The memory the server touched first (its price is the machine's: bench_machine.page_touch_us).
    figures["server_minor_faults_requests"] = None if f0 is None or f1 is None else f1 - f0
    figures.update(_browser_figures(run.base, run.pages))
    rss, peak = process_rss_mb(run.proc.pid)
    figures.update(
        rss_mb=round(rss, 1),
        peak_rss_mb=round(peak, 1),
        first_render_s=round(first["rt"] / 1000, 2),
        first_answer_s=round(first_answer_s, 2),
        first_answer_cpu_s=round(first_answer_cpu_s, 2),
        first_answer_minor_faults=first_faults,
        store_build_s=round(run.build_s, 1),
        requests_each=run.requests,
        # The machine is shared: its load and the price of a fault say how much the timings can be trusted.
        **machine_figures(),
    )
    return figures


def _store_figures(run: _Served) -> dict[str, object]:
    from dashboard.app.data import StoreView
    from dashboard.store import EventsStore

    m = EventsStore(run.store).manifest()
    return {
        "events": run.n_events,
        "rows": int(m["n_events"]),
        "engine": StoreView(EventsStore(run.store), run.engine).engine_for(m),
    }


Change = dict[tuple[str, str], object]


Interaction = tuple[str, Callable[[int], Change], int]


def _interactions(seed: int, places: list[str], changes: list[Change]) -> list[Interaction]:
    """The three interactions timed, each the i-th request's change, and the fewest requests that
    time each: a timeline brush (a random range), a filter change (each in turn, every one of them
    at least once), a marker click (a random place of the biggest)."""
    from dashboard.app import ids
    from dashboard.synth_world import N_DAYS, START_DAY

    rng = random.Random(seed)
    sel = (ids.SELECTION, "data")

    def brush(_i: int) -> Change:
        start = START_DAY + rng.randrange(0, N_DAYS - 30)
        end = min(start + rng.randrange(7, 180), START_DAY + N_DAYS)
        iso = [str(np.datetime64(d, "D")) for d in (start, end)]
        return {sel: {"start": iso[0], "end": iso[1] + " 23:59:59", "place": None, "event": None}}

    def click(_i: int) -> Change:
        return {sel: {"start": None, "end": None, "place": rng.choice(places) if places else None, "event": None}}

    return [("brush", brush, 0), ("filter", lambda i: changes[i % len(changes)], len(changes)), ("click", click, 0)]


def _request_figures(
    url: str,
    cb: dict,
    props: dict[str, dict],
    interactions: list[Interaction],
    requests: int,
) -> dict[str, object]:
    """Per interaction (`requests` of each, or the more it asks for) the server's p95, median and
    slowest wall time, p95 CPU time and p95 round trip (ms); the biggest answer and the most markers
    drawn. Before, 30 requests cycled through 32 filter changes: the two excerpt searches, last and
    slowest, were never timed."""
    from dashboard.app import ids

    figures: dict[str, object] = {}
    biggest = 0
    markers = 0
    for name, make, fewest in interactions:
        times: dict[str, list[float]] = {"rt": [], "server": [], "cpu": []}
        labels = []
        for i in range(max(requests, fewest)):
            change = make(i)
            took, size, answer = post_json(url, request_body(cb, props, change))
            for k, v in took.items():
                times[k].append(v)
            labels.append(change_label(change, props))
            biggest = max(biggest, size)
            markers = max(markers, marker_count(answer, ids.MAP))
        figures[f"p95_ms_{name}"] = round(float(np.percentile(times["server"], 95)), 1)
        figures[f"median_ms_{name}"] = round(float(np.median(times["server"])), 1)
        figures[f"max_ms_{name}"] = round(max(times["server"]), 1)
        figures[f"timed_{name}"] = len(times["server"])
        figures[f"p95_cpu_ms_{name}"] = round(float(np.percentile(times["cpu"], 95)), 1)
        figures[f"p95_roundtrip_ms_{name}"] = round(float(np.percentile(times["rt"], 95)), 1)
        # What the p95 is made of: with 32 filter changes it lies between the second and third slowest.
        figures[f"slowest_{name}"] = slowest(labels, times["server"], SLOWEST)
    figures["max_response_bytes"] = biggest
    figures["max_markers"] = markers
    return figures


def _page_figures(base: str, pages: int) -> dict[str, object]:
    """The page loaded `pages` times in a fresh headless Chromium (or why it was not)."""
    figures: dict[str, object] = {}
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
    return figures


def _browser_figures(base: str, pages: int) -> dict[str, object]:
    """What each interaction costs the browser (bench_browser), or why it was not measured."""
    from dashboard.synth_world import N_DAYS, START_DAY

    try:
        if pages < 1:
            raise RuntimeError("interactions not measured (pages=0)")
        from dashboard.bench_browser import browser_interactions

        span = (str(np.datetime64(START_DAY, "D")), str(np.datetime64(START_DAY + N_DAYS - 1, "D")))
        return browser_interactions(base + "/", span)
    except (ImportError, OSError, RuntimeError) as err:
        return {"interactions_error": str(err)[:200]}
