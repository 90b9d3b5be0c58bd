"""Load test (run by hand, not in CI): N concurrent users against the production server stack.

    python scripts/loadtest.py --events 100000 --users 50 --seconds 60

It writes a synthetic store, starts the server as `conflictmap serve` runs it (waitress, guard,
gzip; timed inside by the bench's WSGI wrapper), and lets each user loop until time is up over
what people do: load the page (index, layout, dependencies), brush the timeline, change a filter,
click a marker. It prints one JSON object: requests and errors per kind, p95 and median server
time (request in to body out, measured in the server), p95 round trip as the clients saw it, and
the server's peak memory. The clients share this one Python process, so round trips include its
own queueing; the server times are the figure to hold against a target.
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

from dashboard import bench as B
from dashboard.app import ids
from dashboard.synth import N_DAYS, START_DAY, synthetic_vocabulary, write_synthetic_store


def user(base: str, cb: dict, props: dict, changes: list, places: list, seed: int, deadline: float,
         out: dict, lock: threading.Lock) -> None:
    rng = random.Random(seed)
    url = base + "/_dash-update-component"
    sel = (ids.SELECTION, "data")
    while time.monotonic() < deadline:
        kind = rng.choice(("page", "brush", "filter", "click"))
        t0 = time.perf_counter()
        server = float("nan")
        try:
            if kind == "page":
                for path in ("/", "/_dash-layout", "/_dash-dependencies"):
                    req = urllib.request.Request(base + path, headers={"Accept-Encoding": "gzip"})
                    with urllib.request.urlopen(req, timeout=120) as resp:  # noqa: S310 (loopback)
                        resp.read()
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
                took, _, _ = B._post(url, B.request_body(cb, props, changed))
                server = took["server"]
            ok = True
        except (urllib.error.URLError, OSError, ValueError):
            ok = False
        rt = (time.perf_counter() - t0) * 1000
        with lock:
            rec = out.setdefault(kind, {"rt": [], "server": [], "errors": 0})
            rec["rt"].append(rt)
            rec["errors"] += not ok
            if server == server:
                rec["server"].append(server)


def run(n_events: int, users: int, seconds: float, threads: int | None) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        store = Path(tmp) / "store"
        write_synthetic_store(store, n_events, 0)
        places = B._top_places(store) or [None]
        port = B.free_port()
        base = f"http://127.0.0.1:{port}"
        code = B.SERVER_CODE.replace("port=int(sys.argv[2])", f"port=int(sys.argv[2]), threads={threads}")
        with (Path(tmp) / "server.log").open("wb") as log:
            proc = subprocess.Popen([sys.executable, "-c", code, str(store), str(port)], stdout=log,
                                    stderr=subprocess.STDOUT)
        try:
            B._wait_for_server(base, proc)
            cb = B.render_callback(B._get_json(base + "/_dash-dependencies"), ids.MAP)
            props = B.layout_props(B._get_json(base + "/_dash-layout"))
            B._post(base + "/_dash-update-component", B.request_body(cb, props, {}))  # index built
            changes = (B.filter_changes(cb, props) + B.store_filter_changes(cb, props, synthetic_vocabulary(),
                                                                            ids.FILTERS)) or [{}]
            out: dict = {}
            lock = threading.Lock()
            deadline = time.monotonic() + seconds
            pool = [threading.Thread(target=user, args=(base, cb, props, changes, places, i, deadline, out, lock))
                    for i in range(users)]
            for t in pool:
                t.start()
            for t in pool:
                t.join()
            rss, peak = B._rss_mb(proc.pid)
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    figures: dict = {"events": n_events, "users": users, "seconds": seconds, "server_threads": threads}
    for kind, rec in sorted(out.items()):
        figures[f"{kind}_requests"] = len(rec["rt"])
        figures[f"{kind}_errors"] = rec["errors"]
        figures[f"{kind}_p95_roundtrip_ms"] = round(float(np.percentile(rec["rt"], 95)), 1)
        if rec["server"]:
            figures[f"{kind}_p95_server_ms"] = round(float(np.percentile(rec["server"], 95)), 1)
            figures[f"{kind}_median_server_ms"] = round(float(np.median(rec["server"])), 1)
    figures["errors"] = sum(rec["errors"] for rec in out.values())
    figures.update(rss_mb=round(rss), peak_rss_mb=round(peak), load_avg_1m=round(os.getloadavg()[0], 2))
    return figures


def main() -> None:
    from dashboard.app.serve import default_threads

    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--events", type=int, default=100_000)
    p.add_argument("--users", type=int, default=50)
    p.add_argument("--seconds", type=float, default=60)
    p.add_argument("--threads", type=int, default=default_threads(), help="server threads")
    args = p.parse_args()
    print(json.dumps(run(args.events, args.users, args.seconds, args.threads)))


if __name__ == "__main__":
    main()
