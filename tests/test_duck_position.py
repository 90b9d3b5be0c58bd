"""Where the selected event lies in the sentence list: DuckDB's count of the rows listed before it
(duck_position) and the index's (listing.event_position) are its place among the rows the list
reads (duck.newest_rows, newest first), over a store with overlays, undated rows and days whose rows
share a publication date (ties go by id); an event the filters or the selection leave out has none."""

from __future__ import annotations

from dataclasses import replace

import pytest
from listed_rows import filters, selections

from dashboard.app import duck as D
from dashboard.app import duck_position as DP
from dashboard.app.event_index import build_index
from dashboard.app.filters import Filters
from dashboard.app.query import Selection
from dashboard.app.table import listed_position
from dashboard.app.views import DuckViews, MemoryViews
from tests.test_duck_newest import overlaid  # noqa: F401 (the fixture)


@pytest.fixture(scope="module")
def memory(overlaid) -> MemoryViews:  # noqa: F811
    return MemoryViews(build_index(overlaid.store.load_events_table()))


def test_both_engines_place_the_event_where_the_list_lists_it(overlaid, memory) -> None:  # noqa: F811
    db, checked = overlaid, 0
    for f in filters(db):
        for sel in selections(db):
            listed = D.newest_rows(db, f, sel, 10**6)["event_id"].tolist()
            picks = sorted({0, 1, 24, 25, 26, len(listed) // 2, len(listed) - 1} & set(range(len(listed))))
            for at in picks:
                chosen = replace(sel, event=listed[at])
                assert DP.position(db, f, chosen) == at, (f, chosen)
                assert memory.position(f, chosen) == at, (f, chosen)
                checked += 1
    assert checked > 200


def test_an_event_the_list_leaves_out_has_no_position(overlaid, memory) -> None:  # noqa: F811
    db = overlaid
    rows = db.query("SELECT event_id, place_key FROM events WHERE event_date IS NULL LIMIT 1").iloc[0]
    undated = Selection(event=rows["event_id"])
    assert DP.position(db, Filters(), undated) is not None, "an undated row is listed, last"
    assert DP.position(db, Filters(), undated) == memory.position(Filters(), undated)
    for sel in (
        Selection("1990-01-01", "1990-02-01 23:59:59", event=rows["event_id"]),  # out of the window
        Selection(place="Nowhere|1.5|2.5", event=rows["event_id"]),  # at another place
        Selection(event="no such event"),
        Selection(),
    ):
        assert DP.position(db, Filters(), sel) is None, sel
        assert memory.position(Filters(), sel) is None, sel
    assert DP.position(db, Filters(text="no such words in any sentence"), undated) is None


def test_an_event_on_the_first_page_is_found_there_without_looking_it_up(overlaid, monkeypatch) -> None:  # noqa: F811
    db = overlaid
    views = DuckViews(db, 1, int(db.store.manifest()["generation"]))
    listed = D.newest_rows(db, Filters(), Selection(), 30)["event_id"].tolist()
    asked: list[Selection] = []
    monkeypatch.setattr(DP, "position", lambda _db, _f, sel: asked.append(sel) or 26)
    assert listed_position(views, Filters(), Selection(event=listed[3])) == 3
    assert not asked, "a sentence of the first page was looked up by id"
    assert listed_position(views, Filters(), Selection(event=listed[26])) == 26
    assert len(asked) == 1
