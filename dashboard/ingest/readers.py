"""Files → Articles. Each reader returns articles and the problems it met, never both silently.

Bad input never stops a batch: a file (or a row of a JSONL/CSV file) that cannot be read
becomes a ReadProblem naming the file and what is wrong with it.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from html.parser import HTMLParser
from pathlib import Path
from xml.etree import ElementTree

from dashboard.errors import InputError
from dashboard.ingest.article import Article

MAX_FILE_BYTES = 200 * 1024 * 1024
MAX_ARTICLE_CHARS = 1_000_000
SUFFIXES = (".txt", ".html", ".htm", ".jsonl", ".csv", ".xml", ".rss", ".atom")


@dataclass(frozen=True)
class ReadProblem:
    path: str
    problem: str

    def __str__(self) -> str:
        return f"{self.path}: {self.problem}"


@dataclass
class ReadResult:
    articles: list[Article]
    problems: list[ReadProblem]


def find_files(paths: Iterable[str | Path]) -> tuple[list[Path], list[ReadProblem]]:
    """Expand folders (recursively) into the files whose format we read."""
    files: list[Path] = []
    problems: list[ReadProblem] = []
    for p in map(Path, paths):
        if p.is_dir():
            files.extend(sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in SUFFIXES))
        elif p.is_file():
            files.append(p)
        else:
            problems.append(ReadProblem(str(p), "no such file or folder"))
    return files, problems


def read_paths(paths: Iterable[str | Path], published: date | None = None) -> ReadResult:
    files, problems = find_files(paths)
    articles: list[Article] = []
    for f in files:
        res = read_file(f, published=published)
        articles.extend(res.articles)
        problems.extend(res.problems)
    return ReadResult(articles, problems)


def read_file(path: str | Path, published: date | None = None) -> ReadResult:
    """Read one file of any supported format."""
    path = Path(path)
    suffix = path.suffix.lower()
    try:
        if suffix not in SUFFIXES:
            raise InputError(str(path), f"unsupported format {suffix or '(no extension)'!r}; "
                             f"expected one of {', '.join(SUFFIXES)}")
        raw = _read_bytes(path)
        text = decode(raw, str(path))
        if suffix == ".txt":
            return ReadResult([_with_published(parse_txt(text, str(path)), published)], [])
        if suffix in (".html", ".htm"):
            return ReadResult([_with_published(parse_html(text, str(path)), published)], [])
        if suffix == ".jsonl":
            return _rows(parse_jsonl(text, str(path)), published)
        if suffix == ".csv":
            return _rows(parse_csv(text, str(path)), published)
        return _rows(parse_feed(text, str(path)), published)
    except InputError as err:
        return ReadResult([], [ReadProblem(err.path, err.problem)])


def _rows(items: Iterator[Article | ReadProblem], published: date | None) -> ReadResult:
    out = ReadResult([], [])
    for item in items:
        if isinstance(item, ReadProblem):
            out.problems.append(item)
        else:
            out.articles.append(_with_published(item, published))
    return out


def _with_published(article: Article, published: date | None) -> Article:
    if published is None or article.published is not None:
        return article
    return Article(**{**article.__dict__, "published": published, "published_inferred": False})


def _read_bytes(path: Path) -> bytes:
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise InputError(str(path), f"file too large ({size / 1e6:.0f} MB > {MAX_FILE_BYTES / 1e6:.0f} MB)")
        return path.read_bytes()
    except OSError as err:
        raise InputError(str(path), f"cannot read: {err.strerror or err}") from err


def decode(raw: bytes, where: str) -> str:
    """Bytes → str: UTF-8 (BOM or not), UTF-16 with BOM, else Windows-1252/Latin-1."""
    if not raw.strip():
        raise InputError(where, "empty file")
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16")
    sample = raw[:65536]
    if b"\x00" in sample or _control_ratio(sample) > 0.05:
        raise InputError(where, "binary file (not text); expected UTF-8 or Latin-1 text")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp1252")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def _control_ratio(sample: bytes) -> float:
    if not sample:
        return 0.0
    ctrl = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13))
    return ctrl / len(sample)


def _check_text(text: str, where: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise InputError(where, "no article text")
    if len(text) > MAX_ARTICLE_CHARS:
        raise InputError(where, f"article text too long ({len(text):,} > {MAX_ARTICLE_CHARS:,} characters)")
    return text


# -- plain text -----------------------------------------------------------------------------

def parse_txt(text: str, where: str) -> Article:
    """First non-empty line is the title; the rest is the article body."""
    text = _check_text(text, where)
    lines = text.split("\n")
    i = next(i for i, line in enumerate(lines) if line.strip())
    title = lines[i].strip()
    body = "\n".join(lines[i + 1:]).strip("\n")
    if not body.strip():
        body, title = title, title[:120]
    return Article(text=body, title=title, source=Path(where).name, path=where)


# -- HTML -----------------------------------------------------------------------------------

_SKIP = {"script", "style", "noscript", "template", "nav", "header", "footer", "aside", "form",
         "iframe", "svg", "button", "select", "figure"}
_BLOCK = {"p", "div", "h1", "h2", "h3", "h4", "li", "blockquote", "br", "tr", "article", "section",
          "figcaption", "pre"}
_DATE_META = ("article:published_time", "datepublished", "date", "pubdate", "publishdate",
              "dc.date", "dc.date.issued", "og:published_time", "sailthru.date", "parsely-pub-date")


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
        a = {k.lower(): (v or "") for k, v in attrs}
        if tag in _SKIP:
            self.skip += 1
            return
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
        if tag == "p" and not self.skip:
            self.in_p += 1
        if tag == "br" and self.in_p:
            self.cur_p.append(" ")
        if tag in _BLOCK:
            self.blocks.append([])

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
        if self.in_title:
            self.title += data
        if self.skip:
            return
        if self.in_h1:
            self.h1 += data
        if self.in_p:
            self.cur_p.append(data)
        self.blocks[-1].append(data)


def parse_html(text: str, where: str) -> Article:
    """Main text (paragraphs), title and publication date of an HTML page.

    Scripts, styles and page chrome are dropped; what remains is plain text, never markup.
    """
    parser = _MainText()
    try:
        parser.feed(text)
        parser.close()
    except (ValueError, AssertionError) as err:
        raise InputError(where, f"malformed HTML: {err}") from err
    paras = [p for p in parser.p_blocks if len(p.split()) >= 3]
    if sum(len(p.split()) for p in paras) < 20:
        paras = [" ".join("".join(b).split()) for b in parser.blocks]
        paras = [p for p in paras if p]
    body = "\n\n".join(paras)
    title = " ".join((parser.meta.get("og:title") or parser.h1 or parser.title).split())
    published = None
    for key in _DATE_META:
        if key in parser.meta:
            published = parse_iso_date(parser.meta[key])
            if published:
                break
    if published is None:
        for t in parser.times:
            published = parse_iso_date(t)
            if published:
                break
    body = _check_text(body, where)
    return Article(text=body, title=title or Path(where).stem, published=published,
                   source=parser.meta.get("og:site_name", "") or Path(where).name,
                   url=parser.meta.get("og:url", ""), path=where)


def parse_iso_date(value: str | None) -> date | None:
    if value is None:
        return None
    value = str(value).strip()
    if not value:
        return None
    m = re.match(r"(\d{4})-(\d{2})-(\d{2})", value)
    if m:
        try:
            return date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            return None
    for fmt in ("%a, %d %b %Y", "%d %b %Y", "%Y/%m/%d", "%d/%m/%Y", "%B %d, %Y"):
        try:
            return datetime.strptime(value[: len(datetime(2000, 1, 1).strftime(fmt)) + 6].strip(),
                                     fmt).date()
        except ValueError:
            continue
    m = re.match(r"(?:\w{3}, )?(\d{1,2}) (\w{3}) (\d{4})", value)
    if m:
        try:
            return datetime.strptime(f"{m[1]} {m[2]} {m[3]}", "%d %b %Y").date()
        except ValueError:
            return None
    return None


# -- JSONL and CSV ----------------------------------------------------------------------------

_KNOWN = {"id", "title", "text", "date", "published", "url", "source"}


def _record_to_article(rec: dict, where: str) -> Article:
    text = rec.get("text")
    if not isinstance(text, str) or not text.strip():
        raise InputError(where, "row has no 'text'")
    text = _check_text(text, where)
    pub_raw = rec.get("published") or rec.get("date")
    published = parse_iso_date(pub_raw) if pub_raw else None
    extra = {str(k): (v if isinstance(v, str) else json.dumps(v, ensure_ascii=False))
             for k, v in rec.items() if k not in _KNOWN and v is not None}
    if rec.get("id") not in (None, ""):
        extra["id"] = str(rec["id"])
    return Article(text=text, title=str(rec.get("title") or "").strip(), published=published,
                   source=str(rec.get("source") or Path(where.rsplit(":", 1)[0]).name),
                   url=str(rec.get("url") or ""), path=where, extra=extra)


def parse_jsonl(text: str, where: str) -> Iterator[Article | ReadProblem]:
    for n, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        loc = f"{where}:{n}"
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as err:
            yield ReadProblem(loc, f"malformed JSON ({err.msg})")
            continue
        if not isinstance(rec, dict):
            yield ReadProblem(loc, "row is not a JSON object")
            continue
        try:
            yield _record_to_article(rec, loc)
        except InputError as err:
            yield ReadProblem(err.path, err.problem)


def parse_csv(text: str, where: str) -> Iterator[Article | ReadProblem]:
    csv.field_size_limit(MAX_ARTICLE_CHARS + 1)
    reader = csv.DictReader(io.StringIO(text))
    if not reader.fieldnames or "text" not in [f.strip() for f in reader.fieldnames]:
        yield ReadProblem(where, f"CSV has no 'text' column (columns: {reader.fieldnames})")
        return
    try:
        start_line = reader.line_num + 1
        for row in reader:
            loc = f"{where}:{start_line}"
            start_line = reader.line_num + 1
            if None in row:
                yield ReadProblem(loc, "row has more fields than the header")
                continue
            try:
                yield _record_to_article({(k or "").strip(): v for k, v in row.items()}, loc)
            except InputError as err:
                yield ReadProblem(err.path, err.problem)
    except csv.Error as err:
        yield ReadProblem(where, f"malformed CSV: {err}")


# -- RSS / Atom feeds -----------------------------------------------------------------------------

def _strip_tags(fragment: str) -> str:
    parser = _MainText()
    parser.feed(fragment)
    parser.close()
    return " ".join(" ".join("".join(b) for b in parser.blocks).split())


def parse_feed(text: str, where: str) -> Iterator[Article | ReadProblem]:
    if "<!ENTITY" in text[:10000]:
        yield ReadProblem(where, "XML with entity declarations refused (possible entity expansion attack)")
        return
    try:
        root = ElementTree.fromstring(text)
    except ElementTree.ParseError as err:
        yield ReadProblem(where, f"malformed XML feed: {err}")
        return

    def local(tag: str) -> str:
        return tag.rsplit("}", 1)[-1].lower()

    items = [el for el in root.iter() if local(el.tag) in ("item", "entry")]
    if not items:
        yield ReadProblem(where, "feed has no <item> or <entry>")
    for n, item in enumerate(items, start=1):
        fields: dict[str, str] = {}
        for child in item:
            name = local(child.tag)
            value = child.text or child.get("href") or ""
            fields.setdefault(name, value)
        body = (fields.get("encoded") or fields.get("content") or fields.get("description")
                or fields.get("summary") or "")
        rec = {"title": _strip_tags(fields.get("title", "")), "text": _strip_tags(body),
               "url": fields.get("link", ""), "published": fields.get("pubdate") or fields.get("published")
               or fields.get("updated") or fields.get("date"), "source": Path(where).name}
        try:
            yield _record_to_article(rec, f"{where}:item {n}")
        except InputError as err:
            yield ReadProblem(err.path, err.problem)
