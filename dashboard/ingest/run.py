"""The ingest use case: read files, parse the new articles, store their events. The command line
(`conflictmap ingest`), the upload panel's worker process and the benchmarks all call `ingest_paths`.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlparse

from dashboard.errors import ConflictMapError
from dashboard.ingest_status import StatusFile
from dashboard.nlp import DEFAULT_MAX_CHARS

if TYPE_CHECKING:  # like the store, the readers and the pipeline are imported where an ingest runs
    from dashboard.ingest.readers import ReadResult
    from dashboard.pipeline import BatchResult


class _Progress:
    """Counts articles on stderr for long runs, one line per 5 % (no terminal tricks, so logs stay readable)."""

    def __init__(self, total: int) -> None:
        self.total, self.done, self.step = total, 0, max(25, total // 20)

    def __call__(self, n: int) -> None:
        before, self.done = self.done, self.done + n
        # A Dask partition advances by many articles at once: print when a step boundary is crossed.
        if self.total >= 50 and (self.done // self.step > before // self.step or self.done == self.total):
            print(f"  {self.done}/{self.total} articles", file=sys.stderr, flush=True)


def ingest_paths(
    paths: Sequence[str | Path],
    store_dir: Path,
    published: date | None = None,
    online: str | None = None,
    user_agent: str = "conflictmap",
    status: Path | None = None,
    dask: str | None = None,
    partition_size: int | None = None,
    max_chars: int | None = None,
    source: str | None = None,
    url: str | None = None,
) -> dict:
    """Read, process and store; returns the summary that `ingest` prints. With `status`, the
    progress is kept in that JSON file (see dashboard.ingest_status) for the dashboard to poll.
    With `dask` ("local" or a scheduler address) the articles are processed on a Dask cluster
    (dashboard.distributed); reading, merging and storing stay here."""
    progress = StatusFile(status)
    progress.update(state="reading")
    try:
        if dask:
            from dashboard.distributed import preflight

            preflight(online)  # before reading a large corpus, not after
        if url and urlparse(url).scheme not in ("http", "https"):
            raise ConflictMapError(f"--url {url!r}: not an http(s) link")
        return _ingest(
            paths,
            store_dir,
            published,
            online,
            user_agent,
            progress,
            dask,
            partition_size,
            max_chars or DEFAULT_MAX_CHARS,
            {k: v for k, v in (("source", source), ("url", url)) if v},
        )
    except ConflictMapError as err:
        progress.update(state="failed", error=str(err))
        raise


def _ingest(
    paths: Sequence[str | Path],
    store_dir: Path,
    published: date | None,
    online: str | None,
    user_agent: str,
    progress: StatusFile,
    dask: str | None = None,
    partition_size: int | None = None,
    max_chars: int = DEFAULT_MAX_CHARS,
    given: dict[str, str] | None = None,
) -> dict:
    from dashboard.corrections import finish_corrections
    from dashboard.store import EventsStore
    from dashboard.store_protocol import Store

    store: Store = EventsStore(store_dir)  # typed by what the use case needs: mypy checks EventsStore has it
    finish_corrections(store)  # the gazetteer this ingest loads must hold every committed correction
    read = _read(paths, published, given)
    fresh, already, duplicates = _new_articles(read.articles, store.article_ids())
    warnings = [str(w) for w in read.warnings]
    fresh, too_long = _within(fresh, max_chars)
    skipped = [str(p) for p in read.problems] + too_long
    progress.update(
        state="loading" if fresh else "storing",
        total=len(fresh),
        read=len(read.articles),
        already_stored=already,
        duplicates=duplicates,
        skipped=skipped,
        warnings=warnings,
    )
    added_articles = added_events = 0
    if fresh:
        result = _process(fresh, progress, dask, partition_size, online, user_agent)
        skipped = skipped + result.problems
        progress.update(state="storing", skipped=skipped)
        added_articles, added_events = store.append(result.events, result.articles)
    progress.update(state="done", articles_added=added_articles, events_added=added_events)
    return {
        "read": len(read.articles),
        "already_stored": already,
        "duplicates": duplicates,
        "skipped": skipped,
        "warnings": warnings,
        "articles_added": added_articles,
        "events_added": added_events,
        "store": str(store_dir),
    }


def _read(paths: Sequence[str | Path], published: date | None, given: dict[str, str] | None) -> ReadResult:
    """The files' articles, with what the user says of every one (--source, --url; an article's id
    is its text's, unchanged)."""
    from dashboard.ingest.readers import read_paths

    read = read_paths(paths, published=published)
    if given:
        read.articles[:] = [
            replace(a, source=given.get("source", a.source), url=given.get("url", a.url)) for a in read.articles
        ]
    return read


def _within(fresh: list, max_chars: int) -> tuple[list, list[str]]:
    """The articles short enough to process, and a message naming each of the others. One article's
    parse grows with its length (time and memory): beyond the limit it is refused by name rather
    than left to hold the batch for minutes or exhaust memory."""
    too_long = [
        f"{a.path or a.article_id}: article too long to process ({len(a.text):,} > {max_chars:,} "
        "characters; split it, or raise --max-chars)"
        for a in fresh
        if len(a.text) > max_chars
    ]
    return [a for a in fresh if len(a.text) <= max_chars], too_long


def _process(
    fresh: list, progress: StatusFile, dask: str | None, partition_size: int | None, online: str | None, user_agent: str
) -> BatchResult:
    """The events of the fresh articles, from a Dask cluster or this process; the articles done are
    counted on stderr and in the status file."""
    counter = _Progress(len(fresh))

    def step(n: int) -> None:
        counter(n)
        progress.advance(n)

    def parsing() -> None:
        progress.update(state="parsing")

    if dask:
        from dashboard.distributed import ingest_on_cluster

        return ingest_on_cluster(fresh, dask, partition_size, online, user_agent, progress=step, on_parsing=parsing)
    from dashboard.pipeline import build_pipeline

    pipeline = build_pipeline(online=online, user_agent=user_agent)
    parsing()
    return pipeline.run(fresh, progress=step)


def _new_articles(articles: Sequence, known: set[str]) -> tuple[list, int, int]:
    """The articles not in the store yet, each once (the same text in two files is one article);
    how many were in the store already, and how many repeat an earlier new one of the batch."""
    seen: set[str] = set()
    fresh = []
    already = 0
    for a in articles:
        if a.article_id in known:
            already += 1
        elif a.article_id not in seen:
            seen.add(a.article_id)
            fresh.append(a)
    return fresh, already, len(articles) - already - len(fresh)
