"""The sentence list's pages reach every sentence it lists: one row per report, so an event told by
several articles is several sentences, more than the events the list's heading counts. Walking the
"older" pages from the first, on both engines, lists exactly the rows duck.newest_rows reads."""

from __future__ import annotations

import pytest
from listed_rows import filters, selections

from dashboard.app import duck as D
from dashboard.app.event_index import build_index
from dashboard.app.excerpts import EXCERPT_LIMIT, older_rows
from dashboard.app.filters import Filters
from dashboard.app.query import Selection
from dashboard.app.table import views_panel
from dashboard.app.views import DuckViews, MemoryViews
from tests.test_duck_newest import overlaid  # noqa: F401 (the fixture)


def _walk(v: DuckViews | MemoryViews, f: Filters, sel: Selection) -> tuple[list[str], list[str]]:
    """The events listed page after page, following "older" to the end, and the buttons' labels."""
    events = v.figures(f, sel)[0]
    listed: list[str] = []
    labels: list[str] = []
    page: dict | None = None
    for _ in range(200):
        panel = views_panel(v, f, sel, events, page, None, None, None)
        nodes = list(_nodes(panel))
        listed += [n["props"]["data-event"] for n in nodes if n["props"].get("data-action") == "pick"]
        older = [
            n["props"] for n in nodes if n["props"].get("data-action") == "page" and "older" in n["props"]["children"]
        ]
        labels += [p["children"] for p in older[:1]]
        if not older:
            return listed, labels
        page = {"page": int(older[0]["data-page"]), "token": older[0]["data-token"]}
    raise AssertionError("the pages never ended")


def _nodes(x: object):
    if isinstance(x, dict):
        if "props" in x:
            yield x
            yield from _nodes(x["props"].get("children"))
    elif isinstance(x, list):
        for y in x:
            yield from _nodes(y)


@pytest.fixture(scope="module")
def engines(overlaid) -> list[DuckViews | MemoryViews]:  # noqa: F811
    gen = int(overlaid.store.manifest()["generation"])
    return [DuckViews(overlaid, 1, gen), MemoryViews(build_index(overlaid.store.load_events_table()))]


def test_the_pages_list_every_sentence_of_the_list_once(overlaid, engines) -> None:  # noqa: F811
    db, beyond = overlaid, 0
    for f in filters(db)[:4]:
        for sel in selections(db):
            rows = D.newest_rows(db, f, sel, 10**6)["event_id"].tolist()
            events = engines[0].figures(f, sel)[0]
            beyond += len(rows) > events + EXCERPT_LIMIT and events % EXCERPT_LIMIT > 0
            for v in engines:
                listed, labels = _walk(v, f, sel)
                assert listed == rows, (type(v).__name__, f, sel, len(listed), len(rows), events)
                assert all(label.startswith("older") for label in labels)
    assert beyond, "some list has a page of sentences past its events' count"


def test_how_many_sentences_follow_a_page() -> None:
    asked: list[int] = []

    def more(answer: bool):
        return lambda: asked.append(1) or answer

    assert older_rows(100, 0, 25, more(True)) == 25, "75 events after it: a full page follows"
    assert older_rows(40, 0, 25, more(True)) is None, "15 events after it, perhaps more sentences"
    assert not asked, "the events' count said it"
    assert older_rows(40, 25, 25, more(True)) is None and older_rows(40, 25, 25, more(False)) == 0
    assert len(asked) == 2, "past the events' count, the one row more is read"
    assert older_rows(40, 50, 7, more(True)) == 0, "a page not full is the last"
    assert len(asked) == 2
