"""RSS and Atom feeds → one record per <item> or <entry> (its body's text, title, link, date), in
the shape of a JSONL row; `readers.parse_feed` makes the articles of them.

XML with entity declarations is refused (billion laughs, XXE); an external DTD is never fetched.
"""

from __future__ import annotations

import html
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from dashboard.errors import InputError
from dashboard.ingest.files import ReadProblem
from dashboard.ingest.pages import strip_tags


def _local(tag: object) -> str:
    """An XML tag without its namespace, lower case ("{http://www.w3.org/2005/Atom}Entry" -> "entry")."""
    return tag.rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""


def feed_records(text: str, where: str) -> Iterator[tuple[str, dict[str, str | None]] | ReadProblem]:
    """(where the item is, its record) for each item of the feed, or a ReadProblem naming it."""
    # Anywhere in the file, not only its head: a long comment can push the DOCTYPE down.
    if "<!ENTITY" in text:
        yield ReadProblem(where, "XML with entity declarations refused (possible entity expansion attack)")
        return
    try:
        got = _stream_items(text, where)
    except ElementTree.ParseError as err:
        yield ReadProblem(where, f"malformed XML feed: {err}")
        return
    except InputError as err:
        yield ReadProblem(err.path, err.problem)
        return
    if not got:
        yield ReadProblem(where, "feed has no <item> or <entry>")
    yield from got


# The text is given to the XML parser this many characters at a time.
_CHUNK = 1 << 16
# A feed's channel holds a few dozen elements besides its items (title, link, image, categories).
# Beyond this many the file is no feed, and is refused before all of it is parsed: a 20 MB file of
# "<x/>" took 9 s (and ~600 MB as one tree) to be found to hold no item.
MAX_OUTSIDE_ITEMS = 100_000


def _stream_items(text: str, where: str) -> list[tuple[str, dict[str, str | None]] | ReadProblem]:
    """Each item's record (or problem), made as soon as the item ends. An element is then cut
    from the tree (an item, or anything outside one), so the tree holds no more than the item
    being read and the elements open around it. A feed that turns out malformed gives nothing but
    its error (ParseError), as before."""
    open_elements: list[ElementTree.Element] = []
    in_item = outside = 0  # items open around the element; elements ended outside any item
    is_item: dict[str, bool] = {}  # by tag, namespace and all: the same few tags recur
    out: list[tuple[str, dict[str, str | None]] | ReadProblem] = []
    for event, el in _events(text):
        item = is_item.get(el.tag)
        if item is None:
            item = is_item[el.tag] = _local(el.tag) in ("item", "entry")
        if event == "start":
            open_elements.append(el)
            in_item += item
            continue
        open_elements.pop()
        in_item -= item
        if item:
            out.append(_record_or_problem(el, f"{where}:item {len(out) + 1}", Path(where).name))
        elif not in_item:
            outside += 1
            if outside > MAX_OUTSIDE_ITEMS:
                raise InputError(
                    where, f"not a feed: over {MAX_OUTSIDE_ITEMS:,} XML elements outside any <item> or <entry>"
                )
        if open_elements and not in_item:
            open_elements[-1].remove(el)
    return out


def _events(text: str) -> Iterator[tuple[str, Any]]:
    """The parser's start and end events, the text given to it a chunk at a time."""
    parser: ElementTree.XMLPullParser = ElementTree.XMLPullParser(events=("start", "end"))
    for start in range(0, len(text), _CHUNK):
        parser.feed(text[start : start + _CHUNK])
        yield from parser.read_events()  # type: ignore[misc]
    parser.close()
    yield from parser.read_events()  # type: ignore[misc]


def _record_or_problem(
    item: ElementTree.Element, loc: str, source: str
) -> tuple[str, dict[str, str | None]] | ReadProblem:
    try:
        return loc, _item_record(item, loc, source)
    except InputError as err:
        return ReadProblem(err.path, err.problem)
    except RecursionError:  # thousands of nested XHTML elements: this item, not the feed
        return ReadProblem(loc, "nested too deeply to read")


def _value(child: ElementTree.Element) -> str:
    """A field of an item as markup or text: its text (RSS's escaped HTML, Atom's type="html" or
    "text"), the markup of the elements it holds (Atom's type="xhtml": a <div> of XHTML, whose text
    `strip_tags` then reads as it reads HTML, scripts and styles dropped), or an Atom link's href."""
    if len(child) == 0:
        return child.text or child.get("href") or ""
    for el in child.iter():
        el.tag = _local(el.tag)  # "{http://www.w3.org/1999/xhtml}script" is the HTML parser's "script"
    inner = "".join(ElementTree.tostring(el, encoding="unicode", method="html") for el in child)
    return html.escape(child.text or "", quote=False) + inner


def _item_record(item: ElementTree.Element, loc: str, source: str) -> dict[str, str | None]:
    """An RSS <item> or Atom <entry> as a JSONL record: its body's text (the first of content,
    description, summary), title, link and date."""
    fields: dict[str, str] = {}
    for child in item:
        fields.setdefault(_local(child.tag), _value(child))
    body = fields.get("encoded") or fields.get("content") or fields.get("description") or fields.get("summary") or ""
    plain = strip_tags(body, loc)
    if not plain:
        raise InputError(loc, "item has no text (once markup and scripts are removed)")
    return {
        "title": strip_tags(fields.get("title", ""), loc),
        "text": plain,
        "url": fields.get("link", ""),
        "published": fields.get("pubdate") or fields.get("published") or fields.get("updated") or fields.get("date"),
        "source": source,
    }
