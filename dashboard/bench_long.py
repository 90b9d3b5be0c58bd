"""`conflictmap bench --long`: one long article through `ingest`, timed, in a fresh process per size.

Each size runs in its own process so its peak memory is that article's alone (plus the loaded
model and gazetteer, measured before it and reported as `base_rss_mb`). Two shapes: `news`, a long
report (dashboard/longtext.py), and `list`, a comma-separated list of place names, the worst shape
found for the geoparser (every token a name, one long sentence). Sizes above `--max-chars` measure
the refusal instead.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SIZES = (25_000, 100_000, 1_000_000)
SHAPES = ("news", "list")


def article_text(shape: str, chars: int) -> str:
    from dashboard.longtext import CITIES, TOWNS, long_article

    if shape == "news":
        return long_article(chars)
    names = CITIES + TOWNS
    return ", ".join(names[i % len(names)] for i in range(chars // 6))[:chars]


def measure_one(shape: str, chars: int) -> dict:
    """In this process: load the pipeline, then ingest one article of `chars` characters."""
    import dashboard.pipeline
    from dashboard.ingest.article import Article
    from dashboard.ingest.run import ingest_paths

    pipeline = dashboard.pipeline.build_pipeline()
    pipeline.run([Article(text="Shelling hit Aleppo on Monday.", title="warm-up")])
    base_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    dashboard.pipeline.build_pipeline = lambda *a, **k: pipeline
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"{shape}-{chars}.txt"
        path.write_text("Long report\n\n" + article_text(shape, chars), encoding="utf-8")
        t0, c0 = time.perf_counter(), time.process_time()
        summary = ingest_paths([path], Path(tmp) / "store")
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    return {
        "chars": chars,
        "shape": shape,
        "s": round(wall, 2),
        "cpu_s": round(cpu, 2),
        "rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "base_rss_mb": round(base_rss),
        "events": summary["events_added"],
        "refused": "; ".join(summary["skipped"])[-120:],
    }


def run_long_bench(sizes: tuple[int, ...] = SIZES, shapes: tuple[str, ...] = SHAPES) -> dict:
    """Figures per (shape, size), each from a fresh process, one after another."""
    figures: dict[str, object] = {}
    for shape in shapes:
        for chars in sizes:
            out = subprocess.run(
                [sys.executable, "-m", "dashboard.bench_long", shape, str(chars)],
                capture_output=True,
                text=True,
                check=False,
            )
            if out.returncode:
                figures[f"{shape}_{chars}_error"] = (out.stderr.strip().splitlines() or ["no output"])[-1]
                continue
            one = json.loads(out.stdout.strip().splitlines()[-1])
            key = f"{shape}_{chars}"
            for k in ("s", "cpu_s", "rss_mb", "base_rss_mb", "events"):
                figures[f"{key}_{k}"] = one[k]
            if one["refused"]:
                figures[f"{key}_refused"] = one["refused"]
    figures["load_avg_1m"] = round(os.getloadavg()[0], 2)
    return figures


if __name__ == "__main__":
    print(json.dumps(measure_one(sys.argv[1], int(sys.argv[2]))))
