"""The hostile corpus (tests/hostile.py) through `conflictmap ingest`: no traceback, every bad file
named with its problem, every good article of the same batch stored, the store readable."""

from __future__ import annotations

from pathlib import Path

import pytest
from hostile import CASES, build

from dashboard.cli import main
from dashboard.store import EventsStore


@pytest.fixture(autouse=True)
def _no_default_store(tmp_path_factory, monkeypatch):
    monkeypatch.setenv("CONFLICTMAP_STORE", str(tmp_path_factory.mktemp("default_store")))


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    folder, _ = build(tmp_path_factory.mktemp("hostile"))
    return folder


@pytest.fixture(scope="module")
def ingested(corpus: Path, pipeline, tmp_path_factory) -> tuple[str, EventsStore]:
    """One ingest of the whole corpus (plus /dev/zero named on the command line), run once."""
    import contextlib
    import io

    import dashboard.pipeline

    store = EventsStore(tmp_path_factory.mktemp("hostile_store") / "store")
    out = io.StringIO()
    original = dashboard.pipeline.build_pipeline
    dashboard.pipeline.build_pipeline = lambda *a, **k: pipeline
    try:
        with contextlib.redirect_stdout(out):
            code = main(["ingest", str(corpus), "/dev/zero", "--store", str(store.root)])
    finally:
        dashboard.pipeline.build_pipeline = original
    assert code == 0
    return out.getvalue(), store


def test_the_corpus_is_big_enough() -> None:
    assert len(CASES) >= 60
    assert sum(c.named for c in CASES) >= 40 and sum(c.stored for c in CASES) >= 40


@pytest.mark.parametrize("case", [c for c in CASES if c.named], ids=lambda c: c.needle or repr(c.name))
def test_every_bad_file_is_named_with_its_problem(ingested, case) -> None:
    out, _ = ingested
    lines = [line for line in out.splitlines() if line.startswith(("  skipped ", "  warning "))]
    mine = [line for line in lines if f"/{case.needle}" in line]
    assert mine, f"{case.needle!r} is not named in the report:\n{out}"
    assert all(line.split(": ", 1)[1].strip() for line in mine)


@pytest.mark.parametrize("case", [c for c in CASES if c.stored], ids=lambda c: c.needle or repr(c.name))
def test_every_good_article_is_stored(ingested, case) -> None:
    _, store = ingested
    texts = store.load_articles()["text"]
    assert int(texts.str.contains(case.tag + "x", regex=False).sum()) == case.stored


def test_nothing_is_stored_that_should_not_be(ingested) -> None:
    out, store = ingested
    articles = store.load_articles()
    assert not articles["text"].str.contains("outside the ingested folder").any()  # links not followed
    expected = sum(c.stored for c in CASES)
    tagged = articles["text"].str.contains("Reference tag", regex=False)
    assert int(tagged.sum()) == expected
    assert "/dev/zero: a character device, not a regular file" in out


def test_the_store_is_readable_and_dates_are_in_range(ingested) -> None:
    _, store = ingested
    events = store.load_events()
    assert len(events) > 0
    for col in ("event_date", "published"):
        years = events[col].dropna().dt.year
        assert years.between(1900, 2100).all()
    assert store.load_articles()["published"].dropna().dt.year.between(1900, 2100).all()


def test_one_article_that_breaks_the_pipeline_is_named_and_the_rest_stored(
    fast_pipeline, monkeypatch, tmp_path
) -> None:
    import dashboard.pipeline
    from dashboard.geo import toponyms
    from dashboard.ingest.run import ingest_paths

    def fragile(doc, *args, **kwargs):
        if "Kaboom" in doc.text:
            raise IndexError("an index the code did not expect")
        return toponyms.geoparse(doc, *args, **kwargs)

    monkeypatch.setattr(dashboard.pipeline, "geoparse", fragile)
    for name, words in (
        ("a.txt", "Shelling hit Aleppo on Monday."),
        ("b.txt", "Kaboom in Homs on Monday."),
        ("c.txt", "Clashes near Hama on Monday."),
    ):
        (tmp_path / name).write_text(f"Title\n\n{words}", encoding="utf-8")
    summary = ingest_paths([tmp_path / n for n in ("a.txt", "b.txt", "c.txt")], tmp_path / "store")
    assert summary["articles_added"] == 2
    assert summary["skipped"] == [
        f"{tmp_path / 'b.txt'}: could not be processed (IndexError: an index the code did not expect)"
    ]
    assert EventsStore(tmp_path / "store").load_articles()["text"].str.contains("Kaboom").sum() == 0
