"""Load test (run by hand, not in CI): N concurrent users against the production server stack.

    python scripts/loadtest.py --events 100000 --users 50 --seconds 60 [--workers N] [--threads N] [--no-answer-cache]
    python scripts/loadtest.py --store DIR ...    # reuse a synthetic store (written when missing)

It writes a synthetic store and starts the server as `conflictmap serve` builds it (gunicorn's worker
processes, or waitress with one; guard, kept answers, gzip, Dash), timed as a whole by the bench's
WSGI wrapper in each process, and lets each user loop
until time is up over what people do: load the page (index, layout, dependencies and the first
view), brush the timeline, change a filter, click a marker; callback requests accept gzip as a
browser does. It prints one JSON object: per kind the requests, errors, answers given from the kept
answers, p95 and median server time (request in to body out, measured in the server) and median
server CPU per request; the p95 server time over every request; the p95 round trip as the clients
saw it; the server's CPU seconds and memory (all its processes), and the load average before and
after. The clients share this one Python process and the machine's cores with the server, and loop with no pause: the
server always has work queued, so round trips are mostly the queue; server time is the figure to
hold against a target.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import numpy as np

from dashboard import bench_http as B
from dashboard.app import ids
from dashboard.app.answers import CACHE_HEADER
from dashboard.app.serve import default_threads, default_workers
from dashboard.synth import synthetic_vocabulary, write_synthetic_store
from dashboard.synth_world import N_DAYS, START_DAY

# The served stack as `conflictmap serve` builds it (guard, kept answers, gzip, Dash), timed as a
# whole: X-Server-Ms covers every layer, a kept answer's too.
SERVER_CODE = """import sys
from dashboard.app.app import create_app
from dashboard.app.serve import ServeOptions, served, serve_wsgi
from dashboard.bench_http import timed_wsgi
opts = ServeOptions(host="127.0.0.1", port=int(sys.argv[2]), workers={workers}, threads={threads},
                    no_answer_cache={no_cache})
serve_wsgi(lambda: timed_wsgi(served(create_app(sys.argv[1]), opts, None)), opts)
"""


def post(url: str, body: bytes) -> tuple[float, float, bool]:
    """POST a callback request as a browser does (gzip accepted): (server ms, server CPU ms, kept answer)."""
    req = urllib.request.Request(
        url, data=body, headers={"Content-Type": "application/json", "Accept-Encoding": "gzip"}
    )
    with urllib.request.urlopen(req, timeout=120) as resp:  # noqa: S310 (our own loopback server)
        resp.read()
        h = resp.headers
    return float(h.get("X-Server-Ms", "nan")), float(h.get("X-Server-Cpu-Ms", "nan")), h.get(CACHE_HEADER) == "hit"


def user(
    base: str,
    cb: dict,
    props: dict,
    changes: list,
    places: list,
    seed: int,
    deadline: float,
    out: dict,
    lock: threading.Lock,
) -> None:
    rng = random.Random(seed)
    url = base + "/_dash-update-component"
    sel = (ids.SELECTION, "data")
    while time.monotonic() < deadline:
        kind = rng.choice(("page", "brush", "filter", "click"))
        t0 = time.perf_counter()
        timed: list[tuple[float, float, bool]] = []
        try:
            if kind == "page":
                for path in ("/", "/_dash-layout", "/_dash-dependencies"):
                    req = urllib.request.Request(base + path, headers={"Accept-Encoding": "gzip"})
                    with urllib.request.urlopen(req, timeout=120) as resp:  # noqa: S310 (loopback)
                        resp.read()
                        timed.append(
                            (
                                float(resp.headers.get("X-Server-Ms", "nan")),
                                float(resp.headers.get("X-Server-Cpu-Ms", "nan")),
                                False,
                            )
                        )
                # ...and the first view the page asks for (the layout's own state).
                timed.append(post(url, json.dumps(B.request_body(cb, props, {})).encode()))
            else:
                if kind == "brush":
                    start = START_DAY + rng.randrange(0, N_DAYS - 30)
                    end = min(start + rng.randrange(7, 180), START_DAY + N_DAYS)
                    iso = [str(np.datetime64(d, "D")) for d in (start, end)]
                    changed = {sel: {"start": iso[0], "end": iso[1] + " 23:59:59", "place": None, "event": None}}
                elif kind == "filter":
                    changed = rng.choice(changes)
                else:
                    changed = {sel: {"start": None, "end": None, "place": rng.choice(places), "event": None}}
                timed.append(post(url, json.dumps(B.request_body(cb, props, changed)).encode()))
            ok = True
        except (urllib.error.URLError, OSError, ValueError):
            ok = False
        rt = (time.perf_counter() - t0) * 1000
        with lock:
            rec = out.setdefault(kind, {"rt": [], "server": [], "cpu": [], "hits": 0, "errors": 0})
            rec["rt"].append(rt)
            rec["errors"] += not ok
            for server, cpu, hit in timed:
                if server == server:
                    rec["server"].append(server)
                    rec["cpu"].append(cpu)
                rec["hits"] += hit


def serve_store(
    store: Path, port: int, workers: int | None, threads: int | None, cache: bool, log: Path
) -> subprocess.Popen:
    code = SERVER_CODE.format(workers=workers, threads=threads, no_cache=not cache)
    with log.open("wb") as out:
        return subprocess.Popen(
            [sys.executable, "-c", code, str(store), str(port)], stdout=out, stderr=subprocess.STDOUT
        )


def wait_for_workers(log: Path, workers: int, proc: subprocess.Popen, timeout: float = 600) -> None:
    """With several server processes, wait until each has built its index (serve_workers logs a
    ready line per worker): the clock must not start while one worker is still loading the store."""
    if workers <= 1:
        return
    deadline = time.monotonic() + timeout
    while log.read_text(encoding="utf-8", errors="replace").count(" ready\n") < workers:
        if proc.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"the server's {workers} workers did not all start (see {log})")
        time.sleep(0.2)  # polling a starting server from a benchmark, not a test


def run(
    store: Path, users: int, seconds: float, threads: int | None, cache: bool = True, workers: int | None = None
) -> dict:
    places = B.top_places(store) or [None]
    port = B.free_port()
    base = f"http://127.0.0.1:{port}"
    proc = serve_store(store, port, workers, threads, cache, store.parent / f"server-{port}.log")
    try:
        B.wait_for_server(base, proc)
        wait_for_workers(store.parent / f"server-{port}.log", workers or default_workers(), proc)
        cb = B.render_callback(B.get_json(base + "/_dash-dependencies"), ids.MAP)
        props = B.layout_props(B.get_json(base + "/_dash-layout"))
        B.post_json(base + "/_dash-update-component", B.request_body(cb, props, {}))  # index built
        changes = (
            B.filter_changes(cb, props) + B.store_filter_changes(cb, props, synthetic_vocabulary(), ids.FILTERS)
        ) or [{}]
        out: dict = {}
        lock = threading.Lock()
        # The server's processes: with several workers, the master and its children.
        cpu0 = B.tree_cpu_s(proc.pid)
        load0 = os.getloadavg()[0]
        deadline = time.monotonic() + seconds
        pool = [
            threading.Thread(target=user, args=(base, cb, props, changes, places, i, deadline, out, lock))
            for i in range(users)
        ]
        for t in pool:
            t.start()
        for t in pool:
            t.join()
        cpu1 = B.tree_cpu_s(proc.pid)
        rss, peak = B.process_rss_mb(proc.pid)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    figures: dict = {
        "users": users,
        "seconds": seconds,
        "server_workers": workers or default_workers(),
        "server_threads": threads or default_threads(workers or default_workers()),
        "answer_cache": cache,
    }
    for kind, rec in sorted(out.items()):
        figures[f"{kind}_requests"] = len(rec["rt"])
        figures[f"{kind}_errors"] = rec["errors"]
        figures[f"{kind}_kept_answers"] = rec["hits"]
        figures[f"{kind}_p95_roundtrip_ms"] = round(float(np.percentile(rec["rt"], 95)), 1)
        if rec["server"]:
            figures[f"{kind}_p95_server_ms"] = round(float(np.percentile(rec["server"], 95)), 1)
            figures[f"{kind}_median_server_ms"] = round(float(np.median(rec["server"])), 1)
            figures[f"{kind}_median_server_cpu_ms"] = round(float(np.median(rec["cpu"])), 1)
    every = [v for rec in out.values() for v in rec["server"]]
    figures["requests"] = len(every)
    figures["errors"] = sum(rec["errors"] for rec in out.values())
    figures["p95_server_ms"] = round(float(np.percentile(every, 95)), 1) if every else None
    figures["server_cpu_s"] = round(cpu1 - cpu0, 1)
    figures.update(
        rss_mb=round(rss),
        peak_rss_mb=round(peak),
        load_avg_1m_before=round(load0, 2),
        load_avg_1m_after=round(os.getloadavg()[0], 2),
    )
    return figures


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--events", type=int, default=100_000)
    p.add_argument("--users", type=int, default=50)
    p.add_argument("--seconds", type=float, default=60)
    p.add_argument("--workers", type=int, default=None, help="server processes (default: as `conflictmap serve`)")
    p.add_argument("--threads", type=int, default=None, help="threads per server process (default: as serve)")
    p.add_argument("--no-answer-cache", action="store_true", help="serve without the kept answers (A/B)")
    p.add_argument("--store", type=Path, help="use (and keep) this synthetic store; written when missing")
    args = p.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        store = args.store or Path(tmp) / "store"
        if not (store / "manifest.json").exists():
            write_synthetic_store(store, args.events, 0)
        figures = run(
            store.resolve(),
            args.users,
            args.seconds,
            args.threads,
            cache=not args.no_answer_cache,
            workers=args.workers,
        )
    figures["events"] = args.events
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
