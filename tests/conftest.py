"""Shared fixtures for the unit tests (browser tests live in tests/browser with their own conftest).

spaCy and the gazetteer are slow to load, so they are loaded once per session (once per worker under
pytest-xdist). The gazetteer index is a cache in a folder of the user cache dir kept for this checkout's
test runs: it is built on first use (~20 s) and reused afterwards.
"""

from __future__ import annotations

import os
import random
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SEED_ARTICLE = REPO / "data" / "articles" / "000_8dac7f83ad45b776.txt"

# What makes a test an integration test (marked `integration`; `pytest -m "not integration"` runs the
# unit tests alone, in a fraction of the time): the real spaCy model or a pipeline built on it, or
# a whole module of subprocesses, servers, crash runs or a Dask cluster.
INTEGRATION_FIXTURES = frozenset({"nlp", "pipeline", "seed_result", "seed_events"})
INTEGRATION_MODULES = frozenset(
    {
        "test_distributed",
        "test_store_crash",
        "test_serve",
        "test_long_articles",
        "test_cli",
        "test_bench_serve",
        "test_eval_records",
        "test_hostile",
        "test_faults",
    }
)
# Single tests of otherwise-unit modules that start a Python of their own (to see what a fresh import loads).
INTEGRATION_TESTS = frozenset(
    {
        "test_pipeline_modules_never_import_the_web_app_libraries",
        "test_the_app_and_its_panels_never_import_the_pipeline",
    }
)


# A value drawn anew at each run that every pytest-xdist worker must share: a parametrize list drawn in
# each worker on its own differs between them, and xdist refuses to run tests collected differently.
RUN_SEED = "CONFLICTMAP_TEST_RUN_SEED"


def checkout_cache_dir() -> Path:
    """The gazetteer cache of this checkout's test runs (subprocesses inherit it through the environment).
    The cache keeps only the few newest index versions: checkouts of different sources on one machine
    (branches and main) sharing the user's cache would push each other's index out and rebuild it
    (~20 s of CPU per process that loads it). One folder per checkout."""
    import hashlib

    import platformdirs

    checkout = hashlib.sha1(str(REPO).encode()).hexdigest()[:12]
    return Path(platformdirs.user_cache_dir("conflictmap")) / "tests" / checkout


def pytest_configure(config: pytest.Config) -> None:
    if hasattr(config, "workerinput"):
        return  # an xdist worker: the controller set the seed and built the cache before starting it
    os.environ.setdefault(RUN_SEED, str(random.randrange(2**32)))
    os.environ.setdefault("CONFLICTMAP_CACHE", str(checkout_cache_dir()))
    if (getattr(config.option, "numprocesses", None) or 0) and not getattr(config.option, "collectonly", False):
        # Workers loading the gazetteer at once would each build it (~20 s of CPU each) on a machine
        # without the cache; the writes are atomic, so this is only time, but it is the first run's.
        from dashboard.geo.gazetteer_cache import load_gazetteer

        load_gazetteer()


# Modules whose module-scoped fixture is most of their time (a Dask cluster, an ingest of a corpus, a store
# written once): under `pytest -n 2 --dist loadgroup` one worker runs each of them whole, so the fixture is
# built once, not once per worker. The other modules' tests are shared out one by one.
ONE_WORKER_MODULES = frozenset(
    {
        "test_distributed",
        "test_hostile",
        "test_faults",
        "test_cli",
        "test_bench_serve",
        # A synthetic store drawn and written once per module: 0.4-1.4 CPU-s each, built on both
        # workers when the module's few tests were shared out.
        "test_synth_fast",
        "test_fast_paths",
        "test_index_views",
    }
)


@pytest.hookimpl(tryfirst=True)  # before xdist's worker reads the groups from the marks
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        module = item.module.__name__.rsplit(".", 1)[-1] if getattr(item, "module", None) else ""
        if module in ONE_WORKER_MODULES:
            item.add_marker(pytest.mark.xdist_group(module))
        if (
            module in INTEGRATION_MODULES
            or getattr(item, "originalname", item.name) in INTEGRATION_TESTS
            or INTEGRATION_FIXTURES & set(getattr(item, "fixturenames", ()))
        ):
            item.add_marker(pytest.mark.integration)


def pytest_collection_finish(session: pytest.Session) -> None:
    """What is alive once the tests are collected (the modules imported, dash, pandas, spaCy's code,
    the test items) lives as long as the process: frozen out of the cyclic garbage collector, its
    full collections stop walking those ~130,000 objects again and again (its time over test_duck
    and test_rollup on one process 2.9 -> 1.0 CPU-s). Nothing a test makes is frozen."""
    import gc

    gc.collect()
    gc.freeze()


@pytest.fixture
def fast_pipeline(monkeypatch, pipeline):
    """What builds a pipeline in-process (the CLI's ingest, the upload worker's entry, a bench) gets the
    session's, gazetteer and all, instead of loading its own."""
    import dashboard.pipeline

    monkeypatch.setattr(dashboard.pipeline, "build_pipeline", lambda *a, **k: pipeline)
    return pipeline


@pytest.fixture(scope="session")
def seed_path() -> Path:
    assert SEED_ARTICLE.is_file(), f"seed article missing: {SEED_ARTICLE}"
    return SEED_ARTICLE


@pytest.fixture(scope="session", autouse=True)
def _one_spacy_model():
    """Every load of the spaCy model in this process (the `nlp` fixture, and the CLI's eval and ingest
    commands or a bench called in-process) gets the one loaded first: loading it is most of those
    tests' time, and nothing changes a loaded model (`load_nlp` adds its one component itself).
    Lazy, so a run of unit tests alone never loads it. Subprocesses still load their own."""
    import dashboard.nlp

    real, loaded = dashboard.nlp.load_nlp, {}

    def load_once(name: str | None = None):
        if name not in loaded:
            loaded[name] = real(name)
        return loaded[name]

    patch = pytest.MonkeyPatch()
    patch.setattr(dashboard.nlp, "load_nlp", load_once)
    yield
    patch.undo()


@pytest.fixture(scope="session")
def nlp():
    from dashboard import nlp as model

    return model.load_nlp()


@pytest.fixture(scope="session")
def gazetteer():
    from dashboard.geo.gazetteer_cache import load_gazetteer

    return load_gazetteer()


@pytest.fixture(scope="session")
def pipeline(nlp, gazetteer):
    from dashboard.pipeline import build_pipeline

    return build_pipeline(nlp=nlp, gazetteer=gazetteer)


@pytest.fixture(scope="session")
def seed_article(seed_path):
    from dashboard.ingest.readers import read_file

    result = read_file(seed_path)
    assert result.problems == []
    assert len(result.articles) == 1
    return result.articles[0]


@pytest.fixture(scope="session")
def seed_result(pipeline, seed_article):
    """The pipeline's BatchResult on the seed article."""
    return pipeline.run([seed_article])


@pytest.fixture(scope="session")
def seed_events(seed_result, tmp_path_factory):
    """The events table built from the seed article as the store holds it (its reports merged by
    the store, the only place they are merged), in the pipeline's row order (do not mutate: copy first)."""
    from dashboard import schema as S
    from dashboard.store import EventsStore

    store = EventsStore(tmp_path_factory.mktemp("seed") / "store")
    store.append(seed_result.events, seed_result.articles)
    stored = store.load_events().set_index(S.EVENT_ID).loc[seed_result.events[S.EVENT_ID]]
    return S.coerce_events(stored.reset_index())


def event_row(**overrides) -> dict:
    """One plausible events-table row; keyword arguments replace fields."""
    text_start = overrides.pop("_start", 0)
    row = {
        "event_id": "e1",
        "article_id": "a1",
        "event_date": "2020-03-04",
        "date_precision": "day",
        "date_source": "sentence",
        "is_future": False,
        "event_type": "Battles",
        "sub_event_type": "Armed clash",
        "trigger": "clashed",
        "trigger_start": text_start + 15,
        "trigger_end": text_start + 22,
        "actor1": "Military Forces of Turkey",
        "actor2": "",
        "location": "Idlib",
        "toponym": "Idlib",
        "toponym_start": text_start + 26,
        "toponym_end": text_start + 31,
        "latitude": 35.93062,
        "longitude": 36.63393,
        "geonameid": 169389,
        "feature_code": "PPL",
        "country": "Syria",
        "country_code": "SY",
        "admin1": "Idlib",
        "geo_precision": 1,
        "fatalities": None,
        "excerpt": "Turkish troops clashed in Idlib.",
        "excerpt_start": text_start,
        "excerpt_end": text_start + 32,
        "title": "Clashes",
        "source": "test.txt",
        "url": "",
        "published": "2020-03-04",
        "published_inferred": False,
        "confidence": 0.8,
    }
    row.update(overrides)
    return row


@pytest.fixture
def make_events():
    """Build a schema-typed events DataFrame from rows of overrides: make_events(dict(...), dict(...))."""
    import pandas as pd

    from dashboard import schema as S

    def make(*rows: dict):
        return S.coerce_events(pd.DataFrame([event_row(**r) for r in rows]))

    return make


@pytest.fixture
def plain_row():
    """`event_row` for tests that build rows as dicts (module-level helpers here are not importable by
    name once the browser tests' conftest is collected too)."""
    return event_row
