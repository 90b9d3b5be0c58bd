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
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from dashboard.errors import InputError
from dashboard.ingest.article import Article
from dashboard.ingest.charset import decode
from dashboard.ingest.feeds import feed_records
from dashboard.ingest.files import SUFFIXES, ReadProblem, ReadWarning, find_files, read_regular, shown
from dashboard.ingest.pages import read_page

__all__ = [
    "SUFFIXES",
    "ReadProblem",
    "ReadWarning",
    "ReadResult",
    "find_files",
    "read_file",
    "read_paths",
    "decode",
    "parse_iso_date",
]

MAX_FILE_BYTES = 200 * 1024 * 1024
MAX_ARTICLE_CHARS = 1_000_000
# Publication dates outside this window are typing errors or placeholders (9999-12-31, 0001-01-01);
# they would also overflow the events table's nanosecond timestamps (1677-2262).
EARLIEST_DATE = date(1900, 1, 1)
_SURROGATES = re.compile("[\ud800-\udfff]")


@dataclass
class ReadResult:
    articles: list[Article]
    problems: list[ReadProblem]
    warnings: list[ReadProblem] = field(default_factory=list)


def latest_date() -> date:
    """The last publication date accepted: the end of next year (a feed's clock may run ahead)."""
    return date(date.today().year + 1, 12, 31)


def read_paths(paths: Iterable[str | Path], published: date | None = None) -> ReadResult:
    files, problems = find_files(paths)
    out = ReadResult([], problems)
    for f in files:
        res = read_file(f, published=published)
        out.articles.extend(res.articles)
        out.problems.extend(res.problems)
        out.warnings.extend(res.warnings)
    return out


def read_file(path: str | Path, published: date | None = None) -> ReadResult:
    """Read one file of any supported format. Never raises for what the file holds: every problem
    becomes a ReadProblem naming the file (or its row), every article that can be read is kept."""
    path = Path(path)
    where = shown(path)
    notes: list[ReadProblem] = []
    try:
        out = _rows(_items(path, where, notes), published)
    except InputError as err:
        out = ReadResult([], [ReadProblem(err.path, err.problem)])
    except RecursionError:
        out = ReadResult([], [ReadProblem(where, "nested too deeply to read")])
    out.warnings = notes + out.warnings
    if not out.articles and not out.problems:
        out.problems.append(ReadProblem(where, "no articles in the file"))
    return out


def _items(path: Path, where: str, notes: list[ReadProblem]) -> list[Article | ReadProblem]:
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise InputError(
            where, f"unsupported format {suffix or '(no extension)'!r}; expected one of {', '.join(SUFFIXES)}"
        )
    markup = "html" if suffix in (".html", ".htm") else "xml" if suffix in (".xml", ".rss", ".atom") else ""
    text = decode(read_regular(path, MAX_FILE_BYTES), where, notes, markup)
    if suffix == ".txt":
        return [parse_txt(text, where)]
    if suffix in (".html", ".htm"):
        return [parse_html(text, where, notes)]
    if suffix == ".jsonl":
        return list(parse_jsonl(text, where, notes))
    if suffix == ".csv":
        return list(parse_csv(text, where, notes))
    return list(parse_feed(text, where, notes))


def _rows(items: Iterable[Article | ReadProblem], published: date | None) -> ReadResult:
    out = ReadResult([], [])
    for item in items:
        if isinstance(item, ReadWarning):
            out.warnings.append(item)
        elif isinstance(item, ReadProblem):
            out.problems.append(item)
        else:
            out.articles.append(_with_published(item, published))
    return out


def _with_published(article: Article, published: date | None) -> Article:
    if published is None or article.published is not None:
        return article
    return Article(**{**article.__dict__, "published": published, "published_inferred": False})


# A NUL in an article's text, title, outlet or link is never the writer's: it marks a binary or
# corrupt row, or one made to slip "\x00=cmd…" past the export's formula check. Such a row (or a
# one-article file) is refused by name rather than stored with the NUL dropped, which would store a
# text nobody wrote and hide the damage; the rest of the file is read.
_NUL, _NUL_WHY = "a NUL character (U+0000)", "which no text holds (binary or corrupt data)"


def _no_nul(text: str, where: str) -> None:
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise InputError(where, f"holds {_NUL} on line {line:,}, {_NUL_WHY}; refused")


def _check_text(text: str, where: str) -> str:
    _no_nul(text, where)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    # Whitespace, zero-width and direction marks alone are no text either.
    if not any(c.isalnum() for c in text):
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
    body = "\n".join(lines[i + 1 :]).strip("\n")
    if not any(c.isalnum() for c in body):
        body, title = title, title[:120]
    return Article(text=body, title=title, source=Path(where).name, path=where)


# -- HTML -----------------------------------------------------------------------------------


def parse_html(text: str, where: str, notes: list[ReadProblem] | None = None) -> Article:
    """Main text (paragraphs), title and publication date of an HTML page (`pages.read_page`).

    Scripts, styles and page chrome are dropped; what remains is plain text, never markup.
    """
    _no_nul(text, where)  # anywhere in the page, not only in what is kept of it
    page = read_page(text, where)
    body = _check_text(page.body, where)
    notes = [] if notes is None else notes
    published = checked_date(page.dates, where, notes)
    return Article(
        text=body,
        title=page.title or Path(where).stem,
        published=published,
        source=page.site or Path(where).name,
        url=page.url,
        path=where,
    )


def parse_iso_date(value: object) -> date | None:
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
            return datetime.strptime(value[: len(datetime(2000, 1, 1).strftime(fmt)) + 6].strip(), fmt).date()
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


def checked_date(values: Iterable[object], where: str, notes: list[ReadProblem]) -> date | None:
    """The first of `values` that reads as a date inside the accepted window. A date outside it
    (9999-12-31, 0001-01-01) is set aside with a warning naming it: the article is kept, undated."""
    outside = None
    for value in values:
        d = parse_iso_date(value) if value not in (None, "") else None
        if d is None:
            continue
        if EARLIEST_DATE <= d <= latest_date():
            return d
        outside = outside or d
    if outside is not None:
        notes.append(
            ReadWarning(
                where,
                f"publication date {outside.isoformat()} is outside "
                f"{EARLIEST_DATE.isoformat()}…{latest_date().isoformat()}; "
                "ignored, the article is read as undated",
            )
        )
    return None


def _clean(value: str, found: list[bool]) -> str:
    """Lone UTF-16 surrogates (a JSON `\\ud800` escape) cannot be stored as UTF-8: U+FFFD instead."""
    if _SURROGATES.search(value):
        found.append(True)
        return _SURROGATES.sub("\ufffd", value)
    return value


def _no_nul_fields(rec: dict, where: str) -> None:
    for key, value in rec.items():
        if "\x00" in str(key) or (isinstance(value, str) and "\x00" in value):
            raise InputError(where, f"row refused: its {str(key).replace(chr(0), '')!r} holds {_NUL}, {_NUL_WHY}")


def record_to_article(rec: dict, where: str, notes: list[ReadProblem] | None = None) -> Article:
    notes = [] if notes is None else notes
    _no_nul_fields(rec, where)
    text = rec.get("text")
    if not isinstance(text, str) or not text.strip():
        raise InputError(where, "row has no 'text'")
    found: list[bool] = []
    text = _check_text(_clean(text, found), where)
    published = checked_date([rec.get("published") or rec.get("date")], where, notes)
    extra = {
        _clean(str(k), found): _clean(v if isinstance(v, str) else json.dumps(v, ensure_ascii=False), found)
        for k, v in rec.items()
        if k not in _KNOWN and v is not None
    }
    if rec.get("id") not in (None, ""):
        extra["id"] = _clean(str(rec["id"]), found)
    article = Article(
        text=text,
        title=_clean(str(rec.get("title") or ""), found).strip(),
        published=published,
        source=_clean(str(rec.get("source") or Path(where.rsplit(":", 1)[0]).name), found),
        url=_clean(str(rec.get("url") or ""), found),
        path=where,
        extra=extra,
    )
    if found:
        notes.append(ReadWarning(where, "lone UTF-16 surrogate escapes (\\ud800-\\udfff) replaced by U+FFFD"))
    return article


def parse_jsonl(text: str, where: str, notes: list[ReadProblem] | None = None) -> Iterator[Article | ReadProblem]:
    # Only "\n" ends a row: U+2028, U+0085 and other Unicode line breaks are text inside a row.
    for n, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        loc = f"{where}:{n}"
        if "\x00" in line:
            yield ReadProblem(loc, f"row refused: it holds {_NUL}, {_NUL_WHY}")
            continue
        try:
            rec = json.loads(line)
            if not isinstance(rec, dict):
                yield ReadProblem(loc, "row is not a JSON object")
                continue
            yield record_to_article(rec, loc, notes)
        except InputError as err:
            yield ReadProblem(err.path, err.problem)
        except json.JSONDecodeError as err:
            yield ReadProblem(loc, f"malformed JSON ({err.msg})")
        except RecursionError:
            yield ReadProblem(loc, "JSON nested too deeply to read")
        except ValueError as err:  # e.g. an integer of more than 4,300 digits
            yield ReadProblem(loc, f"unreadable JSON value ({err})")


def parse_csv(text: str, where: str, notes: list[ReadProblem] | None = None) -> Iterator[Article | ReadProblem]:
    # Any field a file under MAX_FILE_BYTES can hold is read; a row too long for an article is then
    # refused by itself (with csv's own limit the rest of the file would be lost with it).
    csv.field_size_limit(MAX_FILE_BYTES)
    reader = csv.DictReader(io.StringIO(text))
    try:
        fieldnames = reader.fieldnames
    except csv.Error as err:
        yield ReadProblem(where, f"malformed CSV header: {err}")
        return
    if not fieldnames or "text" not in [f.strip() for f in fieldnames]:
        yield ReadProblem(where, f"CSV has no 'text' column (columns: {fieldnames})")
        return
    if text.count('"') % 2:
        yield ReadWarning(where, "odd number of quote characters: a quoted field may run on to the end of the file")
    start_line = reader.line_num + 1
    while True:
        loc = f"{where}:{start_line}"
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as err:
            yield ReadProblem(loc, f"malformed CSV row: {err}")
            start_line = reader.line_num + 1
            continue
        start_line = reader.line_num + 1
        if None in row:
            yield ReadProblem(loc, "row has more fields than the header")
            continue
        try:
            yield record_to_article({(k or "").strip(): v for k, v in row.items()}, loc, notes)
        except InputError as err:
            yield ReadProblem(err.path, err.problem)


# -- RSS / Atom feeds -----------------------------------------------------------------------------


def parse_feed(text: str, where: str, notes: list[ReadProblem] | None = None) -> Iterator[Article | ReadProblem]:
    """The articles of an RSS or Atom feed (`feeds.feed_records`), each item named by its number."""
    for got in feed_records(text, where):
        if isinstance(got, ReadProblem):
            yield got
            continue
        loc, rec = got
        try:
            yield record_to_article(rec, loc, notes)
        except InputError as err:
            yield ReadProblem(err.path, err.problem)
