"""Wires the stages for one batch: articles → NLP → toponyms → places → events → events table."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any

import pandas as pd

from dashboard import schema as S
from dashboard.dates import infer_published
from dashboard.events.extract import extract_events
from dashboard.geo.gazetteer import Gazetteer
from dashboard.geo.geocoder import GazetteerGeocoder
from dashboard.geo.toponyms import geoparse
from dashboard.ingest.article import Article
from dashboard.nlp import components_off, keep_text, pipe_docs, worker_count
from dashboard.pipeline_fork import WARM_UP, ArticleOutcome, run_forked
from dashboard.rules import ALL_ON, Switches


@dataclass
class BatchResult:
    events: pd.DataFrame  # one row per event or mention of each article; the store merges the reports
    articles: list[Article]  # the articles processed (one that failed is left out, so a later ingest retries it)
    problems: list[str] = field(default_factory=list)  # "path: what went wrong", one per article that failed


def with_publication_date(article: Article) -> Article:
    """Infer the publication date from the text when the article has none."""
    if article.published is not None:
        return article
    inferred = infer_published(article.text)
    if inferred is None:
        return article
    return replace(article, published=inferred, published_inferred=True)


@dataclass
class Pipeline:
    nlp: Any
    gazetteer: Gazetteer
    geocoder: Any
    batch_size: int = 16
    n_process: int | None = None  # None: one process per core for large batches
    switches: Switches = ALL_ON  # rules switched off for an ablation (`--disable`)
    # Whether this process has run the work after the parse once (pipeline_fork.WARM_UP) before forking.
    _warm: bool = field(default=False, init=False, repr=False, compare=False)

    def run(self, articles: Iterable[Article], progress: Callable[[int], None] | None = None) -> BatchResult:
        articles = [with_publication_date(a) for a in articles]
        rows: list[dict] = []
        done: list[Article] = []
        problems: list[str] = []
        for article, (article_rows, problem) in zip(articles, self._outcomes(articles), strict=True):
            if problem is None:
                rows.extend(article_rows)
                done.append(article)
            else:
                problems.append(problem)
            if progress:
                progress(1)
        # Not merged here: reports of one event in several articles are merged once, by the store,
        # with the stored reports they join (EventsStore.append); cluster columns stay empty till then.
        events = S.coerce_events(pd.DataFrame(rows)) if rows else S.empty_events()
        return BatchResult(events, done, problems)

    def _outcomes(self, articles: list[Article]) -> Iterator[ArticleOutcome]:
        """Each article's rows (or problem), in order. With several processes and the offline
        geocoder, each parsing process also geoparses and extracts (pipeline_fork); an online
        geocoder keeps its one rate limit and cache in this process."""
        n_process, off = worker_count(len(articles), self.n_process), components_off(self.nlp, self.switches)
        if n_process > 1 and isinstance(self.geocoder, GazetteerGeocoder):
            if not self._warm:
                self._parsed_rows(self.nlp(WARM_UP.text), WARM_UP)
                self._warm = True
            return run_forked(self.nlp, self._parsed_rows, articles, n_process, self.batch_size, off)
        docs = pipe_docs(self.nlp, (a.text for a in articles), len(articles), self.n_process, self.batch_size, off)
        return (self._parsed_rows(doc, article) for article, doc in zip(articles, docs, strict=True))

    def _parsed_rows(self, doc: Any, article: Article) -> ArticleOutcome:
        """`article_rows` of the Doc parsed from the article's text, which it keeps as the Doc's text."""
        return self.article_rows(keep_text(doc, article.text), article)

    def article_rows(self, doc: Any, article: Article) -> ArticleOutcome:
        """One parsed article's event rows, or the problem that kept it out."""
        try:
            toponyms = geoparse(doc, self.geocoder, self.gazetteer, self.switches)
            return extract_events(doc, article, toponyms, self.gazetteer, self.switches), None
        # One article's failure, whatever it is, must not take the batch down: it is named in
        # the summary and left out of the store (so a later ingest retries it), the rest goes on.
        except Exception as err:
            return [], f"{article.path or article.article_id}: could not be processed ({type(err).__name__}: {err})"


def build_pipeline(
    nlp: Any = None,
    gazetteer: Gazetteer | None = None,
    geocoder: Any = None,
    online: str | None = None,
    user_agent: str = "conflictmap",
) -> Pipeline:
    """The default offline pipeline; pass any part to replace it (tests inject their own).

    `online` ("nominatim" or "photon") adds a rate-limited, disk-cached geopy geocoder for names
    the offline gazetteer lacks; it is never used unless asked for.
    """
    from dashboard.geo.gazetteer_cache import load_gazetteer
    from dashboard.geo.geocoder import FallbackGeocoder, online_geocoder
    from dashboard.nlp import load_nlp
    from dashboard.paths import cache_dir

    gazetteer = gazetteer or load_gazetteer()
    if geocoder is None:
        geocoder = GazetteerGeocoder(gazetteer)
        if online:
            geocoder = FallbackGeocoder(geocoder, online_geocoder(online, user_agent, cache_dir()))
    return Pipeline(nlp=nlp or load_nlp(), gazetteer=gazetteer, geocoder=geocoder)
