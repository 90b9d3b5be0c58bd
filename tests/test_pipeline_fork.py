"""The ingest's forked workers (`pipeline_fork`): each parses its share of a batch and does the work
after the parse itself; the outcomes come back in the articles' order, a worker's death or a failed
parse is an error rather than a wait for ever, and every worker is joined when the call returns."""

from __future__ import annotations

import multiprocessing as mp
import os
from dataclasses import replace
from datetime import date

import pytest

import dashboard.pipeline
from dashboard.errors import ParseError
from dashboard.ingest.article import Article
from dashboard.pipeline_fork import run_forked
from dashboard.rules import Switches


class _Words:
    """A stand-in for the model: a text's "parse" is its list of words (no spaCy needed), followed by
    the names of the components switched off."""

    def __init__(self) -> None:
        self.off: list[str] = []

    def select_pipes(self, disable):
        self.off = list(disable)

    def pipe(self, texts, batch_size=16):
        for text in texts:
            if text == "unparsable":
                raise ValueError("the model refused this text")
            yield text.split() + self.off


def _batch(n: int) -> list[Article]:
    return [Article(text=f"article number {i}", title=str(i)) for i in range(n)]


def _count_words(doc, article):
    # Says which process did the work, so the test can see it was not this one.
    return [{"title": article.title, "words": len(doc), "pid": os.getpid()}], None


@pytest.mark.parametrize(("n", "n_process", "batch_size"), [(7, 2, 2), (7, 3, 1), (5, 2, 16), (1, 4, 3), (0, 2, 4)])
def test_outcomes_come_back_in_the_articles_order(n, n_process, batch_size):
    articles = _batch(n)
    got = list(run_forked(_Words(), _count_words, articles, n_process, batch_size))
    assert [rows[0]["title"] for rows, _ in got] == [a.title for a in articles]
    assert all(problem is None and rows[0]["words"] == 3 for rows, problem in got)
    assert os.getpid() not in {rows[0]["pid"] for rows, _ in got}
    assert mp.active_children() == []


def test_the_workers_parse_without_the_components_switched_off():
    words = _Words()
    got = list(run_forked(words, lambda doc, article: ([{"doc": doc}], None), _batch(3), 2, 1, ("cutter",)))
    assert [rows[0]["doc"] for rows, _ in got] == [["article", "number", str(i), "cutter"] for i in range(3)]
    assert words.off == []  # this process's model is left as it was


def test_a_worker_that_dies_is_an_error_not_a_wait():
    def die(doc, article):
        os._exit(3)

    with pytest.raises(ParseError, match="exit code 3"):
        list(run_forked(_Words(), die, _batch(4), 2, 1))
    assert mp.active_children() == []


def test_a_failed_parse_is_an_error_with_the_workers_traceback():
    articles = [*_batch(3), Article(text="unparsable"), *_batch(3)]
    with pytest.raises(ParseError, match="the model refused this text"):
        list(run_forked(_Words(), _count_words, articles, 2, 2))
    assert mp.active_children() == []


def test_leaving_early_ends_the_workers():
    outcomes = run_forked(_Words(), _count_words, _batch(40), 2, 1)
    next(outcomes)
    outcomes.close()
    assert mp.active_children() == []


# Made-up reports, one of which the extraction below fails on.
REPORTS = [
    "Artillery shelled the town of Rastan on Sunday, killing two men, residents said.",
    "A car bomb exploded in a market in Idlib on Monday, killing at least seven people.",
    "Clashes between rebels and army units near Daraa left four fighters dead on Tuesday.",
    "An air strike hit a bakery in Maarat al-Numan on Wednesday, wounding 15 people.",
    "Police in Homs said a roadside bomb killed a soldier on Thursday.",
    "Fighting went on near Hama.\nTags Syria Hama shelling The army said three soldiers died there on Friday.",
]


@pytest.mark.parametrize("off", ["", "mention.tag_list_cut"])
def test_the_forked_ingest_equals_the_ingest_in_one_process(pipeline, monkeypatch, off):
    articles = [Article(text=t, title=f"report {i}", published=date(2021, 3, 1)) for i, t in enumerate(REPORTS)]
    real_extract = dashboard.pipeline.extract_events

    def extract(doc, article, *rest):
        if article.title == "report 2":
            raise RuntimeError("a rule failed")
        return real_extract(doc, article, *rest)

    monkeypatch.setattr(dashboard.pipeline, "extract_events", extract)
    forked: list[int] = []

    def counted(*args):
        forked.append(1)
        return run_forked(*args)

    monkeypatch.setattr(dashboard.pipeline, "run_forked", counted)
    steps: list[int] = []
    switched = replace(pipeline, switches=Switches.parse(off))
    one = replace(switched, n_process=1).run(articles)
    two = replace(switched, n_process=2, batch_size=2).run(articles, progress=steps.append)
    assert forked == [1] and steps == [1] * len(articles)
    assert len(one.events) > 0
    assert two.events.equals(one.events)
    assert [a.article_id for a in two.articles] == [a.article_id for a in one.articles]
    assert two.problems == one.problems
    assert len(one.problems) == 1 and "a rule failed" in one.problems[0]
    assert mp.active_children() == []
