"""RSS and Atom feeds → one record per <item> or <entry> (its body's text, title, link, date), in
the shape of a JSONL row; `readers.parse_feed` makes the articles of them.

XML with entity declarations is refused (billion laughs, XXE); an external DTD is never fetched.
"""

from __future__ import annotations

import html
from collections.abc import Iterator
from pathlib import Path
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
        root = ElementTree.fromstring(text)
    except ElementTree.ParseError as err:
        yield ReadProblem(where, f"malformed XML feed: {err}")
        return
    items = [el for el in root.iter() if _local(el.tag) in ("item", "entry")]
    if not items:
        yield ReadProblem(where, "feed has no <item> or <entry>")
    for n, item in enumerate(items, start=1):
        loc = f"{where}:item {n}"
        try:
            yield loc, _item_record(item, loc, Path(where).name)
        except InputError as err:
            yield ReadProblem(err.path, err.problem)
        except RecursionError:  # thousands of nested XHTML elements: this item, not the feed
            yield ReadProblem(loc, "nested too deeply to read")


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
