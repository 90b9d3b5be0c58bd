"""RSS and Atom feeds (dashboard/ingest/feeds.py): Atom's XHTML content, read like HTML content.
Every text here was written for these tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from dashboard.ingest.article import Article
from dashboard.ingest.readers import parse_feed, read_file

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Wire</title>
<entry><title type="{title_type}">{title}</title><link href="https://example.org/x"/>
<updated>2021-05-04T08:00:00Z</updated>
<{field} type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">
<p>Militants attacked a checkpoint near the <b>border crossing</b> on Sunday, killing two guards.</p>
<script>alert("no")</script><style>p {{ color: red }}</style>
<p>The army said it had sealed the road &amp; the nearby market.</p></div></{field}>
</entry></feed>"""
TEXT = (
    "Militants attacked a checkpoint near the border crossing on Sunday, killing two guards. "
    "The army said it had sealed the road & the nearby market."
)
ESCAPED = TEXT.replace("&", "&amp;")


@pytest.mark.parametrize("field", ["content", "summary"])
def test_an_atom_entry_with_xhtml_content_is_read_without_its_markup(tmp_path: Path, field: str) -> None:
    f = tmp_path / "wire.atom"
    f.write_text(ATOM.format(field=field, title_type="text", title="Checkpoint attack"), encoding="utf-8")
    res = read_file(f)
    assert res.problems == [], [str(p) for p in res.problems]
    (a,) = res.articles
    assert (a.title, a.text, a.url) == ("Checkpoint attack", TEXT, "https://example.org/x")


def test_an_xhtml_title_is_read_as_text(tmp_path: Path) -> None:
    title = '<div xmlns="http://www.w3.org/1999/xhtml">Checkpoint <em>attack</em> &lt;update&gt;</div>'
    f = tmp_path / "wire.atom"
    f.write_text(ATOM.format(field="content", title_type="xhtml", title=title), encoding="utf-8")
    (a,) = read_file(f).articles
    assert (a.title, a.text) == ("Checkpoint attack <update>", TEXT)


def test_an_entry_nested_too_deeply_is_named_and_the_next_read(tmp_path: Path) -> None:
    deep = "<div>" * 5000 + "Deep text." + "</div>" * 5000
    deep_entry = f'<entry><title>Deep</title><content type="xhtml">{deep}</content></entry>'
    feed = ATOM.format(field="content", title_type="text", title="Checkpoint attack")
    f = tmp_path / "wire.atom"
    f.write_text(feed.replace("<entry>", deep_entry + "<entry>", 1), encoding="utf-8")
    res = read_file(f)
    assert [a.text for a in res.articles] == [TEXT]
    assert [str(p) for p in res.problems] == [f"{f}:item 1: nested too deeply to read"]


def _feed_after(elements: int) -> str:
    item = f"<item><title>Late item</title><description>{ESCAPED}</description></item>"
    return f'<?xml version="1.0"?><rss><channel>{"<category/>" * elements}{item}</channel></rss>'


def test_a_feed_is_read_without_holding_its_whole_tree() -> None:
    import tracemalloc

    text = _feed_after(90_000)  # 1 MB; as one tree ~10 MB of elements
    tracemalloc.start()
    try:
        got = list(parse_feed(text, "long.rss"))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert [a.title for a in got if isinstance(a, Article)] == ["Late item"] and len(got) == 1
    assert peak < 2 * len(text), f"{peak:,} bytes at the peak"


def test_a_file_of_countless_elements_outside_any_item_is_refused_as_no_feed(tmp_path: Path) -> None:
    f = tmp_path / "many.xml"
    f.write_text(_feed_after(100_001), encoding="utf-8")
    res = read_file(f)
    assert res.articles == []
    assert [str(p) for p in res.problems] == [
        f"{f}: not a feed: over 100,000 XML elements outside any <item> or <entry>"
    ]


def test_a_feed_broken_after_good_items_gives_only_its_error(tmp_path: Path) -> None:
    f = tmp_path / "cut.rss"
    good = f"<item><title>Good</title><description>{ESCAPED}</description></item>"
    f.write_text(f"<rss><channel>{good}{good}<item><title>Cut", encoding="utf-8")
    res = read_file(f)
    assert res.articles == []
    assert [str(p) for p in res.problems] == [f"{f}: malformed XML feed: no element found: line 1, column 446"]
