"""`conflictmap bench`: ingest throughput on the bundled corpus against bare spaCy, and peak memory."""

from __future__ import annotations

import resource
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from dashboard.bench_machine import machine_figures
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
    from dashboard.pipeline import build_pipeline

    articles = read_paths([data_dir()]).articles
    if limit:
        articles = articles[:limit]
    n_words = sum(a.n_words for a in articles)

    t0 = time.perf_counter()
    pipeline = build_pipeline()
    load_s = time.perf_counter() - t0

    # Bare spaCy on the same texts, same model, batch size and processes: the ceiling for our pipeline.
    n_process = worker_count(len(articles), pipeline.n_process)
    pairs, warm_cpu, store_times, result = _paired_ingest(pipeline, articles, n_process, repeat)
    geo_s = _geoparse_s(pipeline, articles, n_process)

    if dask:
        from dashboard.distributed import preflight

        preflight()
    total = float(np.median([p[1][0] for p in pairs]))
    figures = {
        "articles": len(articles),
        "n_process": n_process,
        "words": n_words,
        "events": int(len(result.events)),
        "load_s": round(load_s, 2),
        **_pair_figures(pairs, len(articles), n_words),
        # CPU seconds of each side's untimed first run (see _paired_ingest), paid once per process.
        "spacy_warm_up_cpu_s": round(warm_cpu[0], 2),
        "ingest_warm_up_cpu_s": round(warm_cpu[1], 2),
        # Geoparsing alone, timed in this process on parsed Docs: its share of the ingest wall time.
        "geoparse_s": round(geo_s, 2),
        "geoparse_share": round(geo_s / total, 3),
        "store_s": round(float(np.median(store_times)), 2),
        "peak_rss_mb": round(peak_rss_mb(), 1),
        "peak_rss_worker_mb": round(peak_rss_mb(resource.RUSAGE_CHILDREN), 1),
    }
    if dask:
        figures.update(run_dask_ingest_bench(articles, dask, partition_size, result.events))
    # The machine may be shared: its load and the price of a fault say how far the timings can be trusted.
    figures.update(machine_figures())
    return figures


Pairs = list[tuple[tuple[float, float], tuple[float, float]]]


def _paired_ingest(
    pipeline: Any, articles: list[Article], n_process: int, repeat: int
) -> tuple[Pairs, tuple[float, float], list[float], Any]:
    """Bare spaCy and the whole ingest, paired (paired_runs), after one untimed run of each on the
    first 64 articles; the CPU seconds of those two runs, the store's append times and the last
    ingest's result."""
    from dashboard.store import EventsStore

    def bare_spacy(batch: list[Article]) -> None:
        for _ in pipe_docs(pipeline.nlp, (a.text for a in batch), len(batch), n_process, pipeline.batch_size):
            pass

    results: list = []
    store_times: list[float] = []

    def full_ingest(batch: list[Article]) -> None:
        # The whole ingest: pipeline and the store's append (which merges) into a fresh store.
        result = pipeline.run(batch)
        with tempfile.TemporaryDirectory() as tmp:
            t0 = time.perf_counter()
            EventsStore(Path(tmp) / "store").append(result.events, result.articles)
            store_times.append(time.perf_counter() - t0)
        results.append(result)

    # Each side runs once untimed so that neither timed run pays for being first: bare spaCy's model
    # pages and its workers' start-up code, and the ingest's too, with what the work after the parse
    # builds on first use (the actor dictionary, the lexicon, compiled patterns: ~0.3 CPU s, built
    # once per process before the parsing processes fork, Pipeline.run). Without the ingest's own
    # warm-up the first pair alone paid it, and gave a ratio ~0.1 below the others.
    warm = articles[:64]
    warm_cpu = (timed(lambda: bare_spacy(warm))[1], timed(lambda: full_ingest(warm))[1])
    store_times.clear()
    pairs = paired_runs(lambda: bare_spacy(articles), lambda: full_ingest(articles), max(1, repeat))
    return pairs, warm_cpu, store_times, results[-1]


def _geoparse_s(pipeline: Any, articles: list[Article], n_process: int) -> float:
    """Geoparsing alone, once (its share of the ingest), on docs parsed here."""
    from dashboard.geo.toponyms import geoparse

    docs = list(pipe_docs(pipeline.nlp, (a.text for a in articles), len(articles), n_process, pipeline.batch_size))
    t0 = time.perf_counter()
    for doc in docs:
        geoparse(doc, pipeline.geocoder, pipeline.gazetteer)
    return time.perf_counter() - t0


def _pair_figures(pairs: Pairs, n_articles: int, n_words: int) -> dict:
    """Medians over the pairs of the ingest's and bare spaCy's times, and their per-pair ratios."""
    spacy_wall = [p[0][0] for p in pairs]
    ingest_wall = [p[1][0] for p in pairs]
    wall_ratios = [s / i for (s, _), (i, _) in pairs]
    cpu_ratios = [sc / ic for (_, sc), (_, ic) in pairs]
    total = float(np.median(ingest_wall))
    spacy_s = float(np.median(spacy_wall))
    return {
        "repeat": len(pairs),
        "ingest_s": round(total, 2),
        "ingest_cpu_s": round(float(np.median([p[1][1] for p in pairs])), 2),
        "articles_per_s": round(n_articles / total, 2),
        "words_per_s": round(n_words / total, 1),
        "spacy_s": round(spacy_s, 2),
        "spacy_cpu_s": round(float(np.median([p[0][1] for p in pairs])), 2),
        "spacy_words_per_s": round(n_words / spacy_s, 1),
        # Median of the per-pair ratios (bare spaCy time / ingest time): 1.0 would be as fast as spaCy.
        "ratio_to_spacy": round(float(np.median(wall_ratios)), 3),
        "ingest_cpu_ratio_to_spacy": round(float(np.median(cpu_ratios)), 3),
        "ratios_wall": [round(r, 3) for r in wall_ratios],
        "ratios_cpu": [round(r, 3) for r in cpu_ratios],
    }


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
