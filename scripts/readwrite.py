"""Reads while writes commit (run by hand, not in CI): the dashboard keeps answering, without an
error, while another process commits to its store.

    python scripts/readwrite.py --commits 100 --readers 4 --events 20000

It writes a synthetic store, serves it as `conflictmap serve` does (waitress, guard, kept answers,
gzip), and starts a writer process that commits `--commits` times: appends of new articles' events,
place corrections (an overlay and the override table) and, every tenth commit, a compaction. Reader
threads meanwhile ask for the views (a brush, a filter, a marker click, the page's first view) until
the writer has finished and at least `--min-requests` answers came back. An error is any answer that
is not 200 or not a Dash answer. After the last commit, the page's first view must count the store's
final number of events (no answer kept from an older generation). Prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
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
from dashboard.synth import synthetic_vocabulary, write_synthetic_store
from dashboard.synth_world import N_DAYS, START_DAY

WRITER = r"""
import sys
from pathlib import Path
from dashboard import schema as S
from dashboard.corrections import Alternative, save_correction
from dashboard.ingest.article import Article
from dashboard.store import EventsStore
from dashboard.synth import synthetic_events

root, gz, commits = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
store = EventsStore(root, lock_wait_s=30.0)
names = [str(n) for n in store.load_events(columns=[S.TOPONYM])[S.TOPONYM].value_counts().index[:commits]]
for i in range(commits):
    if i % 10 == 9:
        store.compact()
    elif i % 3 == 2:
        save_correction(store, names[i % len(names)], Alternative(name=f"Moved {i}", lat=20.0 + i / 50,
                        lon=30.0, feature_code="PPL", country_code="SY"), folder=gz)
    else:
        events, _ = synthetic_events(50, seed=100 + i)
        arts = {a: Article(text=f"commit {i} article {a}", title=a, source="writer")
                for a in events[S.ARTICLE_ID].unique()}
        events[S.ARTICLE_ID] = events[S.ARTICLE_ID].map(lambda a: arts[a].article_id)
        events[S.EVENT_ID] = [f"w{i}-{k}" for k in range(len(events))]
        store.append(events, list(arts.values()))
    print("commit", i, store.manifest()["generation"], flush=True)
"""
SERVER = """import sys
from dashboard.app.app import create_app
from dashboard.app.serve import ServeOptions, secured, serve_wsgi
opts = ServeOptions(host="127.0.0.1", port=int(sys.argv[2]))
serve_wsgi(lambda: secured(create_app(sys.argv[1]), opts, None), opts)
"""


def ask(url: str, body: dict) -> tuple[bool, dict | None, str]:
    data = json.dumps(body).encode()
    req = urllib.request.Request(
        url, data=data, headers={"Content-Type": "application/json", "Accept-Encoding": "identity"}
    )
    try:
        with urllib.request.urlopen(req, timeout=120) as resp:  # noqa: S310 (our own loopback server)
            answer = json.loads(resp.read())
        return "response" in answer, answer, ""
    except urllib.error.HTTPError as err:
        return False, None, f"HTTP {err.code}"
    except (urllib.error.URLError, OSError, ValueError) as err:
        return False, None, f"{type(err).__name__}: {err}"


def reader(
    url: str, cb: dict, props: dict, changes: list, seed: int, stop: threading.Event, out: dict, lock: threading.Lock
) -> None:
    rng = random.Random(seed)
    sel = (ids.SELECTION, "data")
    while not stop.is_set():
        kind = rng.choice(("first", "brush", "filter", "click"))
        changed: dict = {}
        if kind == "brush":
            start = START_DAY + rng.randrange(0, N_DAYS - 30)
            iso = [str(np.datetime64(d, "D")) for d in (start, start + rng.randrange(7, 180))]
            changed = {sel: {"start": iso[0], "end": iso[1] + " 23:59:59", "place": None, "event": None}}
        elif kind == "filter":
            changed = rng.choice(changes)
        elif kind == "click":
            changed = {sel: {"start": None, "end": None, "place": rng.choice(out["places"]), "event": None}}
        ok, _, why = ask(url, B.request_body(cb, props, changed))
        with lock:
            out["requests"] += 1
            if not ok:
                out["errors"].append(why)


def shown_total(answer: dict | None) -> int | None:
    """The store's event count as the page's counts line says it ("… of N events …")."""
    text = str(((answer or {}).get("response") or {}).get(ids.COUNTS, {}).get("children", ""))
    found = re.search(r"of ([\d,]+) events", text)
    return int(found.group(1).replace(",", "")) if found else None


def run(n_events: int, commits: int, readers: int, min_requests: int) -> dict:
    from dashboard.app.engine import total_events
    from dashboard.app.event_index import build_index
    from dashboard.store import EventsStore

    with tempfile.TemporaryDirectory() as tmp:
        root, gz = Path(tmp) / "store", Path(tmp) / "gz"
        write_synthetic_store(root, n_events, 0)
        port = B.free_port()
        base = f"http://127.0.0.1:{port}"
        env = {**os.environ, "CONFLICTMAP_GAZETTEER": str(gz)}
        with (Path(tmp) / "server.log").open("wb") as log:
            server = subprocess.Popen(
                [sys.executable, "-c", SERVER, str(root), str(port)], stdout=log, stderr=subprocess.STDOUT, env=env
            )
        try:
            B.wait_for_server(base, server)
            cb = B.render_callback(B.get_json(base + "/_dash-dependencies"), ids.MAP)
            props = B.layout_props(B.get_json(base + "/_dash-layout"))
            url = base + "/_dash-update-component"
            ask(url, B.request_body(cb, props, {}))  # the index is built
            changes = B.store_filter_changes(cb, props, synthetic_vocabulary(), ids.FILTERS) or [{}]
            out: dict = {"requests": 0, "errors": [], "places": B.top_places(root, 200) or [None]}
            lock, stop = threading.Lock(), threading.Event()
            t0 = time.perf_counter()
            writer = subprocess.Popen(
                [sys.executable, "-c", WRITER, str(root), str(gz), str(commits)],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                env=env,
            )
            pool = [
                threading.Thread(target=reader, args=(url, cb, props, changes, i, stop, out, lock))
                for i in range(readers)
            ]
            for t in pool:
                t.start()
            written, werr = writer.communicate()
            while True:  # the writer is done: read on until enough answers came back
                with lock:
                    if out["requests"] >= min_requests:
                        break
                time.sleep(0.2)  # waiting for the reader threads' count, not for time
            stop.set()
            for t in pool:
                t.join()
            wall = time.perf_counter() - t0
            ok, answer, _ = ask(url, B.request_body(cb, props, {}))
            table = EventsStore(root).load_events_table()
            final = total_events(build_index(table)) if table is not None else 0
        finally:
            server.terminate()
            server.wait(timeout=30)
    done = [line for line in written.splitlines() if line.startswith("commit")]
    return {
        "events": n_events,
        "commits": len(done),
        "writer_rc": writer.returncode,
        "writer_error": werr[-500:] if writer.returncode else "",
        "readers": readers,
        "requests": out["requests"],
        "errors": len(out["errors"]),
        "error_examples": sorted(set(out["errors"]))[:5],
        "last_answer_counts_final_store": ok and shown_total(answer) == final,
        "final_events": final,
        "shown_after_last_commit": shown_total(answer),
        "wall_s": round(wall, 1),
        "load_avg_1m": round(os.getloadavg()[0], 2),
    }


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--events", type=int, default=20_000)
    p.add_argument("--commits", type=int, default=100)
    p.add_argument("--readers", type=int, default=4, help="reader threads")
    p.add_argument("--min-requests", type=int, default=300)
    args = p.parse_args()
    print(json.dumps(run(args.events, args.commits, args.readers, args.min_requests)))


if __name__ == "__main__":
    main()
