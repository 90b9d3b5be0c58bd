"""The ingest bench's pairing: what each side is timed on (the timings themselves live in the bench)."""

from __future__ import annotations

from typing import Any

from dashboard import schema as S
from dashboard.bench import _paired_ingest
from dashboard.ingest.article import Article
from dashboard.pipeline import BatchResult


class _Recorder:
    """A pipeline whose model and run only note which side ran over how many articles."""

    batch_size = 4

    def __init__(self) -> None:
        self.calls: list[tuple[str, int]] = []
        self.nlp = self

    def pipe(self, texts: Any, batch_size: int, n_process: int) -> Any:
        self.calls.append(("spacy", len(list(texts))))
        return iter(())

    def run(self, batch: list[Article]) -> BatchResult:
        self.calls.append(("ingest", len(batch)))
        return BatchResult(S.empty_events(), [], [])


def test_each_side_runs_once_untimed_before_the_timed_pairs() -> None:
    # Bare spaCy had an untimed first run and the ingest none, so its one-off structures (built once
    # per process) fell in the first timed pair alone.
    pipeline = _Recorder()
    articles = [Article(text=f"Shells fell on the market of town number {i}.") for i in range(70)]
    pairs, warm_cpu, store_times, _ = _paired_ingest(pipeline, articles, 1, 3)
    assert pipeline.calls[:2] == [("spacy", 64), ("ingest", 64)]
    # Then the pairs, which side goes first alternating from pair to pair.
    timed = [("spacy", 70), ("ingest", 70), ("ingest", 70), ("spacy", 70), ("spacy", 70), ("ingest", 70)]
    assert pipeline.calls[2:] == timed
    assert len(pairs) == 3 and len(warm_cpu) == 2
    assert len(store_times) == 3  # the warm-up's append is not among the store's timings
