"""The pipeline's work after the parse done in the parsing processes themselves.

spaCy's `nlp.pipe(n_process=...)` forks workers that parse and send every Doc back serialised
(`Doc.to_bytes` there, `Doc.from_bytes` here: ~0.15 CPU s per 100 articles), and the geoparsing and
event extraction then run in this process beside the two parsing processes, on a machine whose cores
they already fill. Here each forked worker parses its share of the batch and geoparses and extracts
its events too, and sends back only the event rows: no Doc crosses a process boundary, and the
whole ingest runs in as many processes as there are workers.

The batches are dealt round-robin to the workers, as `nlp.pipe` deals them, and read back in the
same turn, so the rows come out in the articles' order. The workers are forked: they inherit the
loaded model, gazetteer and articles, and nothing but batch results is pickled.
"""

from __future__ import annotations

import gc
import multiprocessing as mp
import traceback
from collections.abc import Callable, Iterator, Sequence
from datetime import date
from multiprocessing.connection import Connection
from typing import Any

from dashboard.errors import ParseError
from dashboard.ingest.article import Article
from dashboard.nlp import children_die_with_parent

# What one article yields: its event rows and, when it could not be processed, the problem instead.
ArticleOutcome = tuple[list[dict], str | None]
ArticleWork = Callable[[Any, Article], ArticleOutcome]

# A made-up report that runs most of the work after the parse once, before the workers are forked:
# the actor dictionary, the lexicon, the compiled patterns and the words each needs are built on first
# use (~0.3 CPU s, twice that in the first real batch), and a worker that built them would build them
# again at each ingest, since nothing it builds comes back to this process. Its last sentence, a strike
# whose day the sentence does not name, reaches the running-total rule, whose pattern's words take
# ~13 ms to read (`regex_needs.needs_of`), paid by each worker at each ingest when the warm-up did not;
# its "northern town" the thirds of the countries' spans (`geo/sides.py`, 0.06 s).
WARM_UP = Article(
    text=(
        "HAMA, Syria (Newswire) - Army artillery shelled the town of Kafr Zita on Tuesday, killing at least "
        "three civilians and wounding 9 others, a monitoring group said. Insurgents said they shot down a "
        "drone near the village of Latamna in the north of Hama province. Air strikes killed five people in the "
        "northern town of Kafr Nabl, the monitor said."
    ),
    title="Shelling near Hama",
    published=date(2019, 5, 7),
)


def run_forked(
    nlp: Any,
    work: ArticleWork,
    articles: Sequence[Article],
    n_process: int,
    batch_size: int,
    disable: tuple[str, ...] = (),
) -> Iterator[ArticleOutcome]:
    """`work(doc, article)` for each article in order, its parse and `work` done in `n_process`
    forked workers (each parses `batch_size` articles at a time, as `nlp.pipe` does, without the
    spaCy components in `disable`)."""
    children_die_with_parent()
    ctx = mp.get_context("fork")
    batches = [range(i, min(i + batch_size, len(articles))) for i in range(0, len(articles), batch_size)]
    workers: list[tuple[Any, Connection]] = []
    finished = False
    try:
        for w in range(min(n_process, len(batches))):
            receiver, sender = ctx.Pipe(duplex=False)
            proc = ctx.Process(
                target=_worker,
                args=(nlp, work, articles, batches[w::n_process], batch_size, disable, sender),
                daemon=True,
            )
            proc.start()
            sender.close()  # the child's end: once the child exits, a read here ends instead of waiting
            workers.append((proc, receiver))
        for k in range(len(batches)):
            proc, receiver = workers[k % len(workers)]
            yield from _received(proc, receiver)
        finished = True
    finally:
        for proc, receiver in workers:
            receiver.close()
            if not finished:
                proc.terminate()
            # Joined here, so their CPU time is counted (RUSAGE_CHILDREN) when the call returns.
            proc.join()


def _received(proc: Any, receiver: Connection) -> list[ArticleOutcome]:
    try:
        got = receiver.recv()
    except EOFError:
        proc.join()
        raise ParseError(f"a parsing process ended before its articles were done (exit code {proc.exitcode})") from None
    if isinstance(got, str):  # the parse itself failed: the worker's traceback
        raise ParseError(f"the parse failed in a parsing process:\n{got}")
    return got


def _worker(
    nlp: Any,
    work: ArticleWork,
    articles: Sequence[Article],
    batches: list[range],
    batch_size: int,
    disable: tuple[str, ...],
    sender: Connection,
) -> None:
    # Everything inherited from the parent (model, gazetteer, articles) stays put: the collector then
    # walks only what this worker makes, not the parent's heap, page by page, at each full collection.
    gc.freeze()
    if disable:  # this worker's own copy of the model: nothing to switch back on
        nlp.select_pipes(disable=list(disable))
    for batch in batches:
        outcomes: list[ArticleOutcome] | str
        try:
            docs = nlp.pipe((articles[i].text for i in batch), batch_size=batch_size)
            outcomes = [work(doc, articles[i]) for i, doc in zip(batch, docs, strict=True)]
        # The parse's own failure ends the batch, as it ends `nlp.pipe` (work() catches its own).
        except Exception:
            outcomes = traceback.format_exc()
        sender.send(outcomes)
        if isinstance(outcomes, str):
            break
    sender.close()
