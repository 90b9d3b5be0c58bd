"""`conflictmap bench`: ingest throughput on the bundled corpus against bare spaCy, and peak memory."""

from __future__ import annotations

import resource
import tempfile
import time
from pathlib import Path

from dashboard.ingest.readers import read_paths
from dashboard.nlp import pipe_docs, worker_count
from dashboard.paths import data_dir


def peak_rss_mb(who: int = resource.RUSAGE_SELF) -> float:
    # ru_maxrss is in kilobytes on Linux; for RUSAGE_CHILDREN it is the largest finished child.
    return resource.getrusage(who).ru_maxrss / 1024


def run_ingest_bench(limit: int | None = None) -> dict:
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
    t0 = time.perf_counter()
    docs = list(pipe_docs(pipeline.nlp, (a.text for a in articles), len(articles), n_process, pipeline.batch_size))
    spacy_s = time.perf_counter() - t0

    t0 = time.perf_counter()
    for doc in docs:
        geoparse(doc, pipeline.geocoder, pipeline.gazetteer)
    geo_s = time.perf_counter() - t0
    del docs

    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        result = pipeline.run(articles)
        run_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        EventsStore(Path(tmp) / "store").append(result.events, result.articles)
        store_s = time.perf_counter() - t0
    total = run_s + store_s
    return {
        "articles": len(articles),
        "n_process": n_process,
        "words": n_words,
        "events": int(len(result.events)),
        "load_s": round(load_s, 2),
        "ingest_s": round(total, 2),
        "articles_per_s": round(len(articles) / total, 2),
        "words_per_s": round(n_words / total, 1),
        "spacy_s": round(spacy_s, 2),
        "spacy_words_per_s": round(n_words / spacy_s, 1),
        "ratio_to_spacy": round((n_words / total) / (n_words / spacy_s), 3),
        # Geoparsing runs in the main process after the parse: its share of the ingest wall time.
        "geoparse_s": round(geo_s, 2),
        "geoparse_share": round(geo_s / total, 3),
        "store_s": round(store_s, 2),
        "peak_rss_mb": round(peak_rss_mb(), 1),
        "peak_rss_worker_mb": round(peak_rss_mb(resource.RUSAGE_CHILDREN), 1),
    }
