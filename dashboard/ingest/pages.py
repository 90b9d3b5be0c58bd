"""HTML → plain text: a page's main text, title, dates and site, and the text of a markup fragment.

Scripts, styles and page chrome are dropped; what remains is plain text, never markup. What a
reader accepts as an article (length, dates inside the window) is decided in `readers`.
"""

from __future__ import annotations

from dataclasses import dataclass
from html.parser import HTMLParser

from dashboard.errors import InputError

_SKIP = {
    "script",
    "style",
    "noscript",
    "template",
    "nav",
    "header",
    "footer",
    "aside",
    "form",
    "iframe",
    "svg",
    "button",
    "select",
    "figure",
}
_BLOCK = {"p", "div", "h1", "h2", "h3", "h4", "li", "blockquote", "br", "tr", "article", "section", "figcaption", "pre"}
_DATE_META = (
    "article:published_time",
    "datepublished",
    "date",
    "pubdate",
    "publishdate",
    "dc.date",
    "dc.date.issued",
    "og:published_time",
    "sailthru.date",
    "parsely-pub-date",
)


class _MainText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.skip = 0
        self.in_title = False
        self.title = ""
        self.h1 = ""
        self.in_h1 = False
        self.meta: dict[str, str] = {}
        self.times: list[str] = []
        self.blocks: list[list[str]] = [[]]
        self.p_blocks: list[str] = []
        self.in_p = 0
        self.cur_p: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            self.skip += 1
            return
        self._head_tag(tag, {k.lower(): (v or "") for k, v in attrs})
        if tag == "p" and not self.skip:
            self.in_p += 1
        if tag == "br" and self.in_p:
            self.cur_p.append(" ")
        if tag in _BLOCK:
            self.blocks.append([])

    def _head_tag(self, tag: str, a: dict[str, str]) -> None:
        """What the page says about itself: meta fields, <time> dates, where the title and h1 start."""
        if tag == "meta":
            key = (a.get("property") or a.get("name") or a.get("itemprop") or "").lower()
            if key and a.get("content"):
                self.meta.setdefault(key, a["content"])
        elif tag == "time" and a.get("datetime"):
            self.times.append(a["datetime"])
        elif tag == "title":
            self.in_title = True
        elif tag == "h1":
            self.in_h1 = True

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self.skip = max(0, self.skip - 1)
            return
        if tag == "title":
            self.in_title = False
        elif tag == "h1":
            self.in_h1 = False
        if tag == "p" and self.in_p:
            self.in_p -= 1
            para = " ".join("".join(self.cur_p).split())
            if para:
                self.p_blocks.append(para)
            self.cur_p = []
        if tag in _BLOCK:
            self.blocks.append([])

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in ("meta", "br", "img", "link", "input", "hr"):
            self.handle_endtag(tag)

    def handle_data(self, data: str) -> None:
        if self.skip:
            return  # a script or style inside <title> too: it is not the title's text
        if self.in_title:
            self.title += data
        if self.in_h1:
            self.h1 += data
        if self.in_p:
            self.cur_p.append(data)
        self.blocks[-1].append(data)


# What html.parser leaves unread after the whole text, at most, before `close` reads it: a tag,
# comment or declaration opened and never closed ("<a<a<a…" to the end), which `close` reads as
# text one character at a time, scanning the rest of the text at each (Python 3.11's parser:
# quadratic, 71 s for 300 kB of "<a"). A browser shows nothing of such a tail (it is inside the tag
# or the comment), so a longer one is dropped; a short one is read as before.
UNCLOSED_TAIL = 2048


def _parsed(text: str, where: str, what: str) -> _MainText:
    parser = _MainText()
    try:
        parser.feed(text)
        if len(parser.rawdata) > UNCLOSED_TAIL:
            parser.rawdata = ""
        parser.close()
    except (ValueError, AssertionError) as err:  # html.parser asserts on some broken markup ("<![x")
        raise InputError(where, f"malformed HTML{what}: {err}") from err
    return parser


@dataclass(frozen=True)
class Page:
    body: str  # paragraphs separated by blank lines (may be empty: the reader refuses it)
    title: str
    dates: list[str | None]  # publication date candidates, best first: meta fields, then <time>
    site: str
    url: str


def _paragraphs(parser: _MainText) -> list[str]:
    """The page's <p> paragraphs of three words or more; every text block when they hold fewer
    than 20 words (a page that does not use <p>)."""
    paras = [p for p in parser.p_blocks if len(p.split()) >= 3]
    if sum(len(p.split()) for p in paras) < 20:
        paras = [" ".join("".join(b).split()) for b in parser.blocks]
        paras = [p for p in paras if p]
    return paras


def read_page(text: str, where: str) -> Page:
    """Main text (paragraphs), title, date candidates, site name and URL of an HTML page."""
    parser = _parsed(text, where, "")
    title = " ".join((parser.meta.get("og:title") or parser.h1 or parser.title).split())
    return Page(
        body="\n\n".join(_paragraphs(parser)),
        title=title,
        dates=[*(parser.meta.get(k) for k in _DATE_META), *parser.times],
        site=parser.meta.get("og:site_name", ""),
        url=parser.meta.get("og:url", ""),
    )


def strip_tags(fragment: str, where: str) -> str:
    """The text of a markup fragment (a feed item's body or title), whitespace collapsed."""
    parser = _parsed(fragment, where, " in the item")
    return " ".join(" ".join("".join(b) for b in parser.blocks).split())
