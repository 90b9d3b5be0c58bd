"""The store's figures for `conflictmap bench --events N`: appending a batch to the big store
against appending it to an empty one, a correction's time and memory, the page's bytes on the wire."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import numpy as np
import pandas as pd

from dashboard import schema as S
from dashboard.errors import StoreError

BATCH_ARTICLES = 100
CORRECTION_ROWS = 10_000


def article_batches(n_batches: int, seed: int) -> list[tuple[pd.DataFrame, list]]:
    """Batches of BATCH_ARTICLES synthetic articles and their events, unlike the store's (another seed)."""
    from dashboard.ingest.article import Article
    from dashboard.synth import EVENTS_PER_ARTICLE, synthetic_events

    events, articles = synthetic_events(n_batches * BATCH_ARTICLES * EVENTS_PER_ARTICLE, seed=seed + 7919)
    out = []
    ids = articles["article_id"].tolist()
    for b in range(n_batches):
        mine = articles.iloc[b * BATCH_ARTICLES : (b + 1) * BATCH_ARTICLES]
        arts = [
            Article(text=t, title=ti, source=s, article_id=a)
            for a, t, ti, s in zip(mine["article_id"], mine["text"], mine["title"], mine["source"], strict=True)
        ]
        out.append((events[events[S.ARTICLE_ID].isin(set(ids[b * BATCH_ARTICLES : (b + 1) * BATCH_ARTICLES]))], arts))
    return out


def append_figures(store_dir: Path, seed: int, repeat: int = 3) -> dict:
    """Median seconds (wall and CPU) and minor page faults (memory touched for the first time:
    bench_machine) to append a batch of 100 articles to an empty store and to the big one."""
    from dashboard.bench import cpu_s
    from dashboard.bench_machine import own_minor_faults
    from dashboard.store import EventsStore

    batches = article_batches(repeat, seed)
    # A store written before the merge's index (or by the bench's older writer) gets it first: the
    # next write would build it (dashboard/store_index.py); timed apart, so no append below pays it.
    t0 = time.perf_counter()
    built = EventsStore(store_dir).ensure_index()
    index_s = time.perf_counter() - t0 if built else 0.0
    empty: list[tuple[float, float, int]] = []
    full: list[tuple[float, float, int]] = []

    def measured(target: Path, events: pd.DataFrame, arts: list) -> tuple[float, float, int]:
        t0, c0, f0 = time.perf_counter(), cpu_s(), own_minor_faults()
        EventsStore(target).append(events, arts)
        return time.perf_counter() - t0, cpu_s() - c0, own_minor_faults() - f0

    for events, arts in batches:
        with tempfile.TemporaryDirectory() as tmp:
            empty.append(measured(Path(tmp) / "s", events, arts))
        full.append(measured(store_dir, events, arts))
    e, f = np.median(np.array(empty), axis=0), np.median(np.array(full), axis=0)
    return {
        "append_empty_s": round(float(e[0]), 3),
        "append_full_s": round(float(f[0]), 3),
        "append_ratio": round(float(f[0]) / float(e[0]), 2),
        "append_empty_cpu_s": round(float(e[1]), 3),
        "append_full_cpu_s": round(float(f[1]), 3),
        "append_empty_minor_faults": int(e[2]),
        "append_full_minor_faults": int(f[2]),
        "append_events": int(np.median([len(b[0]) for b in batches])),
        "append_index_build_s": round(index_s, 3),
    }


def correction_toponym(store_dir: Path, rows: int = CORRECTION_ROWS) -> tuple[str, int]:
    """The toponym whose number of stored rows is closest to `rows`."""
    from dashboard.store import EventsStore

    table = EventsStore(store_dir).load_events_table(columns=[S.TOPONYM])
    if table is None:
        raise StoreError(f"{store_dir}: no events to correct")
    counts = table.column(S.TOPONYM).value_counts().to_pylist()
    best = min(counts, key=lambda c: abs(c["counts"] - rows))
    return str(best["values"]), int(best["counts"])


# Run in a fresh process that holds the store as the server does (its query engine, first answer
# given), so the memory it reports is a server's: the correction, then the next answer's places and
# counts at the new generation (with the in-memory engine, that first rebuilds the index). Its minor
# page faults are the memory it touched first (their price is the machine's: bench_machine).
CORRECTION_CODE = r"""
import json, resource, sys, time, psutil
from pathlib import Path
from dashboard.app.data import StoreView
from dashboard.app.filters import Filters
from dashboard.app.query import Selection
from dashboard.corrections import Alternative, save_correction
from dashboard.store import EventsStore
store_dir, toponym, gz = sys.argv[1], sys.argv[2], Path(sys.argv[3])
view = StoreView(EventsStore(store_dir))
def answer():
    v = view.views()
    v.places(Filters(), Selection())
    v.figures(Filters(), Selection())
answer()
proc = psutil.Process()
before = proc.memory_info().rss
r0 = resource.getrusage(resource.RUSAGE_SELF)
t0, c0 = time.perf_counter(), time.process_time()
place = Alternative(name="Corrected place", lat=12.5, lon=40.25, feature_code="PPL", country_code="SY", country="Syria")
save_correction(view.store, toponym, place, folder=gz)
saved = time.perf_counter() - t0
answer()
took, cpu = time.perf_counter() - t0, time.process_time() - c0
r1 = resource.getrusage(resource.RUSAGE_SELF)
peak = max(int(l.split()[1]) * 1024 for l in open("/proc/self/status") if l.startswith("VmHWM"))
print(json.dumps({"correction_s": round(took, 3), "correction_save_s": round(saved, 3),
                  "correction_cpu_s": round(cpu, 3), "correction_sys_s": round(r1.ru_stime - r0.ru_stime, 3),
                  "correction_minor_faults": r1.ru_minflt - r0.ru_minflt,
                  "engine": view.engine_for(view.store.manifest()),
                  "correction_rss_growth_mb": round((proc.memory_info().rss - before) / 2**20, 1),
                  "correction_peak_mb": round(peak / 2**20, 1)}))
"""


def correction_figures(store_dir: Path) -> dict:
    toponym, n = correction_toponym(store_dir)
    with tempfile.TemporaryDirectory() as gz:
        out = subprocess.run(
            [sys.executable, "-c", CORRECTION_CODE, str(store_dir), toponym, gz],
            capture_output=True,
            text=True,
            check=True,
        )
    # The figures' line: DuckDB's progress bar (a query over two seconds, as at 10M events) writes
    # to the same stdout without a newline, so the last line can start with it.
    line = next(x for x in reversed(out.stdout.splitlines()) if '{"correction_s"' in x)
    return {**json.loads(line[line.index('{"correction_s"') :]), "correction_rows": n}


def page_bytes(base: str, first_answer_bytes: int) -> dict:
    """Bytes on the wire for a first page load: the page, every script and stylesheet it names, the
    layout and dependencies, and the first answer (as sent, compressed when the server compresses)."""

    def fetch(url: str) -> tuple[int, str]:
        req = urllib.request.Request(url, headers={"Accept-Encoding": "gzip, br"})
        with urllib.request.urlopen(req, timeout=30) as resp:  # noqa: S310 (our own loopback server)
            raw = resp.read()
            return len(raw), resp.headers.get("Content-Encoding", "")

    size, _ = fetch(base + "/")
    with urllib.request.urlopen(base + "/", timeout=30) as resp:  # noqa: S310
        html = resp.read().decode("utf-8", "replace")
    total, encoded = size, 0
    assets = re.findall(r'<script[^>]+src="([^"]+)"', html) + re.findall(r'<link[^>]+href="([^"]+\.css[^"]*)"', html)
    for src in [*assets, "/_dash-layout", "/_dash-dependencies"]:
        n, enc = fetch(src if src.startswith("http") else base + src)
        total += n
        encoded += bool(enc)
    # Scripts that scripts load (Dash's async chunks, plotly.js among them) are not in the page: the
    # browser's own count (bench.page_ready_s) replaces this one when a page load is measured.
    return {
        "page_bytes": total + first_answer_bytes,
        "page_bytes_method": "listed in the page",
        "page_files": len(assets) + 3,
        "page_files_compressed": encoded,
    }
