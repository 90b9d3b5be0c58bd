"""HTML pages read as text (dashboard/ingest/pages.py): a markup opened and never closed, and a
title with a script inside."""

from __future__ import annotations

import pytest

from dashboard.ingest import pages
from dashboard.ingest.pages import read_page, strip_tags

SAID = "Militants shelled the outskirts of Deraa overnight, residents said."
MORE = "Two houses were hit and the road to the border crossing was closed until the afternoon."
BODY = f"<p>{SAID}</p><p>{MORE}</p>"


@pytest.mark.parametrize("opener", ["<a", "</", "<?", "<!", "<!-"])
def test_an_unclosed_tail_is_dropped_not_read_piece_by_piece(monkeypatch, opener: str) -> None:
    # Python 3.11's parser read such a tail as text at `close`, a piece at a time, scanning the
    # rest of the text for each piece: quadratic. Counted here by the pieces, not timed.
    pieces = {"n": 0}
    data = pages._MainText.handle_data

    def counted(self, text: str) -> None:
        pieces["n"] += 1
        data(self, text)

    monkeypatch.setattr(pages._MainText, "handle_data", counted)
    page = read_page(f"<html><title>Deraa</title><body>{BODY}{opener * 20_000}", "x.html")
    assert page.body == f"{SAID}\n\n{MORE}"
    assert pieces["n"] < 10


def test_a_short_unclosed_tail_is_read_as_before() -> None:
    assert strip_tags("Jets struck a market. <b", "feed.xml:item 1") == "Jets struck a market. <b"


def test_a_feed_items_unclosed_markup_is_dropped_too() -> None:
    assert strip_tags("Jets struck a market. " + "&lt;a" * 10 + "<a" * 5_000, "feed.xml:item 1") == (
        "Jets struck a market. " + "<a" * 10
    )


def test_script_and_style_inside_the_title_are_not_its_text() -> None:
    page = read_page("<title>Aleppo news<script>alert(1)</script><style>b{x:y}</style></title>" + BODY, "t.html")
    assert page.title == "Aleppo news"
