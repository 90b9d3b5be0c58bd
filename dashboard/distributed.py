"""Ingest on a Dask cluster, for corpora that outgrow one machine.

The client reads the articles (so reading problems are reported exactly as in a local run),
cuts them into partitions and sends each partition to a Dask worker, which runs the normal
`Pipeline` on it and sends back the event rows. The client then merges reports over the whole
batch (an event reported by articles that landed on different workers is still one event) and
the caller stores the result as a local run would.

Dask is an optional extra: nothing here imports it at module level, and `require_distributed`
turns its absence into a `DistributedError` that says how to install it.
"""

from __future__ import annotations

import logging
import math
import os
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

import pandas as pd

from dashboard import schema as S
from dashboard.errors import DistributedError
from dashboard.ingest.article import Article
from dashboard.pipeline import BatchResult, Pipeline

INSTALL_HINT = "pip install 'conflictmap[dask]'"
LOCAL = "local"
MAX_PARTITION = 200  # articles; bigger partitions only make progress coarser and retries dearer
PARTITIONS_PER_THREAD = 4  # a few partitions per worker thread, so a slow one does not leave others idle
IN_FLIGHT_PER_THREAD = 2  # partitions sent ahead per worker thread: one running, one waiting
# A worker holds ~0.55 GB after a batch (spaCy, the gazetteer, a partition; `bench --dask`); the
# rest of the budget is headroom for long articles and big partitions.
WORKER_MEMORY_BYTES = 1_500_000_000
WORKER_WAIT_S = 60.0  # how long a remote scheduler may have no worker before we give up
CONNECT_TIMEOUT_S = 30.0


def require_distributed() -> Any:
    """The `distributed` module, or a DistributedError naming the extra to install."""
    try:
        import distributed
    except ImportError as err:
        raise DistributedError(
            f"--dask needs Dask's distributed scheduler, which is not installed: {INSTALL_HINT}"
        ) from err
    return distributed


def preflight(online: str | None = None) -> None:
    """Refuse a Dask run before any work: without the extra, or with an online geocoder."""
    require_distributed()
    if online:
        # The public geocoders allow one request per second in all; each worker would keep its own limit.
        raise DistributedError(
            "--online cannot be combined with --dask: the geocoder's limit of one request "
            "per second would hold per worker process, not for the whole cluster"
        )


# -- worker side -------------------------------------------------------------------------------


@dataclass(frozen=True)
class PipelineLoader:
    """How a worker builds its pipeline. It is small and picklable, so it travels with every task;
    the pipeline itself is built once per worker process (see `worker_pipeline`)."""

    online: str | None = None
    user_agent: str = "conflictmap"

    def __call__(self) -> Pipeline:
        from dashboard.pipeline import build_pipeline

        pipeline = build_pipeline(online=self.online, user_agent=self.user_agent)
        # Dask already runs one task per worker thread: spaCy's own processes would fight over the
        # same cores, and a Dask worker (a daemon process) may not start child processes anyway.
        return replace(pipeline, n_process=1)


@dataclass
class _Loaded:
    pipeline: Pipeline
    lock: threading.Lock = field(default_factory=threading.Lock)


# Per-process cache: loading spaCy and the gazetteer takes seconds and ~0.5 GB, so a worker does it
# for its first task and reuses the result for every later one (and for workers that join late).
_LOADED: dict[Callable[[], Pipeline], _Loaded] = {}
_LOADING = threading.Lock()
LOAD_COUNT: dict[Callable[[], Pipeline], int] = {}


def worker_pipeline(loader: Callable[[], Pipeline]) -> _Loaded:
    """This process's pipeline for `loader`, built on first use."""
    with _LOADING:  # two threads of one worker must not both load the model
        loaded = _LOADED.get(loader)
        if loaded is None:
            loaded = _LOADED[loader] = _Loaded(loader())
            LOAD_COUNT[loader] = LOAD_COUNT.get(loader, 0) + 1
        return loaded


@dataclass
class PartitionResult:
    events: pd.DataFrame
    # The publication date the pipeline settled on per article (inferred for undated ones), so the
    # client stores the same article rows as a local run without sending the texts back.
    published: dict[str, tuple[date | None, bool]]
    problems: list[str] = field(default_factory=list)  # the articles the pipeline could not process


def process_partition(articles: Sequence[Article], loader: Callable[[], Pipeline]) -> PartitionResult:
    """Run on a worker: the normal pipeline over one partition."""
    loaded = worker_pipeline(loader)
    # spaCy's Language is not documented as thread-safe: a worker process with several threads
    # runs one partition at a time (start workers with --nthreads 1 to use every core).
    with loaded.lock:
        result = loaded.pipeline.run(articles)
    return PartitionResult(
        result.events, {a.article_id: (a.published, a.published_inferred) for a in result.articles}, result.problems
    )


def worker_fingerprint(loader: Callable[[], Pipeline]) -> tuple[str, ...]:
    """Run on every worker before the batch: loads the pipeline (all workers at once) and says which
    code, model and gazetteer it has, since workers that differ would give results that depend on
    which partition went where."""
    import dashboard

    pipeline = worker_pipeline(loader).pipeline
    meta = getattr(pipeline.nlp, "meta", {})
    gaz = pipeline.gazetteer
    return (
        f"conflictmap {dashboard.__version__}",
        f"model {meta.get('name', '?')} {meta.get('version', '?')}",
        f"gazetteer {len(gaz)} places, {len(getattr(gaz, 'overrides', ()))} overrides",
    )


# -- client side -------------------------------------------------------------------------------


def local_worker_count(cores: int | None = None, memory_bytes: int | None = None) -> int:
    """Worker processes for `--dask local`: one per core, as far as memory allows."""
    import psutil

    if cores is None:
        cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    memory_bytes = memory_bytes if memory_bytes is not None else psutil.virtual_memory().total
    return max(1, min(cores, memory_bytes // WORKER_MEMORY_BYTES))


@contextmanager
def connect(address: str, n_workers: int | None = None, timeout: float | None = None) -> Iterator[Any]:
    """A `distributed.Client`: on a new LocalCluster for "local", else on the scheduler at `address`.
    The cluster we start is shut down on exit; a remote one is left running."""
    distributed = require_distributed()
    if address == LOCAL:
        # Loopback only: a Dask scheduler runs whatever pickled code a client sends it. Its HTTP
        # endpoints on a free port: 8787, the default, may belong to another cluster on this machine.
        try:
            cluster = distributed.LocalCluster(
                n_workers=n_workers or local_worker_count(),
                threads_per_worker=1,
                processes=True,
                host="127.0.0.1",
                dashboard_address="127.0.0.1:0",
                silence_logs=logging.ERROR,
            )
        except (RuntimeError, OSError, TimeoutError) as err:
            # The usual cause: worker processes are spawned, so they import the caller's main module
            # again, and a script without an `if __name__ == "__main__":` guard cannot be imported.
            raise DistributedError(
                f"cannot start a local Dask cluster ({err}); a script that ingests with "
                "dask='local' must guard its entry point with "
                '`if __name__ == "__main__":`'
            ) from err
        try:
            with distributed.Client(cluster) as client:
                yield client
        finally:
            cluster.close()
        return
    try:
        client = distributed.Client(address, timeout=timeout or CONNECT_TIMEOUT_S)
    except (OSError, TimeoutError, ValueError) as err:
        raise DistributedError(f"cannot reach the Dask scheduler at {address}: {err}") from err
    with client:
        yield client


def wait_for_workers(client: Any, timeout: float = WORKER_WAIT_S) -> int:
    """Worker threads available; a scheduler without workers would otherwise hold the tasks forever."""
    try:
        client.wait_for_workers(1, timeout=timeout)
    except TimeoutError as err:
        raise DistributedError(
            f"no Dask worker joined the scheduler within {timeout:.0f} s; start some with "
            f"`dask worker {client.scheduler.address}`"
        ) from err
    return max(1, sum(client.nthreads().values()))


def check_workers(client: Any, loader: Callable[[], Pipeline]) -> dict[str, tuple[str, ...]]:
    """Load the pipeline on every worker now (all at once, before any partition is sent), and refuse
    workers that disagree on code, model or gazetteer. Returns each worker's fingerprint."""
    # One task pinned to each worker, not client.run: a task loads in the worker's thread pool,
    # client.run would block the worker's event loop (and its heartbeats) for the whole load.
    workers = list(client.nthreads())
    futures = [
        client.submit(worker_fingerprint, loader, workers=[w], allow_other_workers=False, pure=False) for w in workers
    ]
    prints = dict(zip(workers, client.gather(futures), strict=True))
    compare_fingerprints(prints)
    return prints


def compare_fingerprints(prints: dict[str, tuple[str, ...]]) -> None:
    if len(set(prints.values())) > 1:
        lines = "; ".join(f"{w}: {', '.join(p)}" for w, p in sorted(prints.items()))
        raise DistributedError(
            "the Dask workers differ (install the same conflictmap, model and gazetteer "
            f"imports on every machine): {lines}"
        )


def partition_size_for(n_articles: int, n_threads: int) -> int:
    """Default partition size: about PARTITIONS_PER_THREAD partitions per worker thread, at most MAX_PARTITION."""
    return max(1, min(MAX_PARTITION, math.ceil(n_articles / (n_threads * PARTITIONS_PER_THREAD))))


def partitions(articles: Sequence[Article], size: int) -> list[list[Article]]:
    """Consecutive slices of `size` articles (the last may be shorter), in reading order."""
    if size < 1:
        raise DistributedError(f"the partition size must be at least 1, not {size}")
    return [list(articles[i : i + size]) for i in range(0, len(articles), size)]


def merge_partitions(articles: Sequence[Article], results: Sequence[PartitionResult]) -> BatchResult:
    """The whole batch's result as `Pipeline.run` gives it: rows in article order, each article with
    the publication date its worker settled on. Reports are not merged here: the store merges them
    once, across partitions and with what it holds (EventsStore.append)."""
    frames = [r.events for r in results if len(r.events)]
    events = S.coerce_events(pd.concat(frames, ignore_index=True)) if frames else S.empty_events()
    published: dict[str, tuple[date | None, bool]] = {}
    for r in results:
        published.update(r.published)
    problems = [p for r in results for p in r.problems]
    done = []
    for a in articles:
        if a.article_id not in published and problems:
            continue  # its worker could not process it: named in `problems`, not stored
        pub, inferred = published.get(a.article_id, (a.published, a.published_inferred))
        done.append(
            a
            if (pub, inferred) == (a.published, a.published_inferred)
            else replace(a, published=pub, published_inferred=inferred)
        )
    return BatchResult(events, done, problems)


def run_partitions(
    client: Any,
    articles: Sequence[Article],
    loader: Callable[[], Pipeline],
    partition_size: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> BatchResult:
    """Process `articles` on the client's workers and merge the results. `progress(n)` is called as each
    partition of n articles comes back. (Call `check_workers` first to load the pipeline everywhere at once.)"""
    distributed = require_distributed()
    if not articles:
        return BatchResult(S.empty_events(), [])
    threads = wait_for_workers(client)
    parts = partitions(articles, partition_size or partition_size_for(len(articles), threads))
    results: list[PartitionResult | None] = [None] * len(parts)
    # A bounded number of partitions in flight, the next sent as one comes back: the texts of a
    # large corpus wait here, not in the scheduler's and workers' memory, and results are taken
    # (and freed on the workers) as they come, which is also what moves the progress.
    todo = iter(enumerate(parts))
    index: dict[str, int] = {}
    pending: dict[str, Any] = {}  # a future holds its result on a worker: dropped once taken
    done = distributed.as_completed(with_results=True)

    def send_next() -> None:
        item = next(todo, None)
        if item is not None:
            # pure=False: no need to hash every article text to name the task; each run is new work.
            future = client.submit(process_partition, item[1], loader, pure=False)
            index[future.key] = item[0]
            pending[future.key] = future
            done.add(future)

    for _ in range(IN_FLIGHT_PER_THREAD * threads):
        send_next()
    try:
        for future, result in done:
            i = index[future.key]
            results[i] = result
            del pending[future.key]
            if progress:
                progress(len(parts[i]))
            send_next()
    except (distributed.KilledWorker, distributed.CancelledError, OSError, TimeoutError) as err:
        client.cancel(list(pending.values()))
        raise DistributedError(f"the Dask run failed, nothing was stored: {type(err).__name__}: {err}") from err
    missing = [i for i, r in enumerate(results) if r is None]
    if missing:  # cannot happen unless Dask loses a future silently; never store a partial batch
        raise DistributedError(f"the Dask run returned no result for partition(s) {missing}; nothing was stored")
    return merge_partitions(articles, [r for r in results if r is not None])


def ingest_on_cluster(
    articles: Sequence[Article],
    address: str,
    partition_size: int | None = None,
    online: str | None = None,
    user_agent: str = "conflictmap",
    progress: Callable[[int], None] | None = None,
    on_parsing: Callable[[], None] | None = None,
) -> BatchResult:
    """`Pipeline.run` for the CLI, on a Dask cluster: "local" (a LocalCluster sized to this machine) or a
    scheduler address such as tcp://host:8786. `on_parsing` is called once the workers have loaded."""
    preflight(online)
    loader = PipelineLoader(online, user_agent)
    with connect(address) as client:
        wait_for_workers(client)
        check_workers(client, loader)
        if on_parsing:
            on_parsing()
        return run_partitions(client, articles, loader, partition_size, progress)
