"""A corpus of hostile and clumsy inputs for `conflictmap ingest`, and what each must give.

Every case writes one file (or special file, or link) into a folder. `stored` is how many
articles of it must end up in the store (each good article carries the case's tag in its text,
so the test finds it there); `named` says the ingest's report must name the file (a refusal or a
warning). Run as a script to write the corpus somewhere for a manual look:

    python tests/hostile.py /tmp/hostile && conflictmap ingest /tmp/hostile/in --store /tmp/hostile/store
"""

from __future__ import annotations

import codecs
import json
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from dashboard.longtext import long_article

Maker = Callable[[Path, str], None]  # (path to create, the case's tag) -> writes it


@dataclass(frozen=True)
class Case:
    name: str | bytes  # the file name; bytes for names that are not valid UTF-8
    make: Maker
    stored: int = 0  # articles of this file that must be stored
    named: bool = True  # the report must name this file
    shown: str = ""  # what of the name the report must show (default: the name)

    @property
    def tag(self) -> str:
        raw = self.name if isinstance(self.name, str) else self.name.decode("ascii", "replace")
        return "tag" + "".join(c for c in raw if c.isalnum())[:40]

    @property
    def needle(self) -> str:
        return self.shown or (self.name if isinstance(self.name, str) else "")


def story(tag: str, n: int = 0) -> str:
    """A short, plausible news text of our own that carries the tag (so it is findable, and unique)."""
    return (
        f"Rockets struck a market in the town of Saraqib in Idlib province on Tuesday, killing four "
        f"people, a local rescue group said. The attack came a day after clashes near Aleppo. "
        f"Reference {tag}x{n}."
    )


def raw(data: bytes) -> Maker:
    return lambda p, tag: p.write_bytes(data)


def text(make: Callable[[str], str], encoding: str = "utf-8") -> Maker:
    return lambda p, tag: p.write_bytes(make(tag).encode(encoding))


def txt(tag: str) -> str:
    return f"Market attack in Saraqib\n\n{story(tag)}\n"


def jsonl(*rows: object) -> Callable[[str], str]:
    """Rows as JSONL; a dict row gets the tag's story as its text unless it sets its own."""

    def make(tag: str) -> str:
        out = []
        for i, row in enumerate(rows):
            if isinstance(row, dict):
                row = {"text": story(tag, i), **row}
                out.append(json.dumps(row))
            else:
                out.append(str(row))
        return "\n".join(out) + "\n"

    return make


def csv_rows(*rows: str, header: str = "title,text,published") -> Callable[[str], str]:
    return lambda tag: "\n".join([header, *[r.replace("STORY", story(tag, i)) for i, r in enumerate(rows)]]) + "\n"


def html_page(head: str = "", body: str = "") -> Callable[[str], str]:
    return lambda tag: (
        f"<!doctype html><html><head><title>Attack</title>{head}</head><body><p>{story(tag)}</p>{body}</body></html>"
    )


def rss(*items: str, prolog: str = "") -> Callable[[str], str]:
    return lambda tag: (
        f'<?xml version="1.0"?>{prolog}<rss version="2.0"><channel><title>Feed</title>'
        + "".join(i.replace("STORY", story(tag, n)) for n, i in enumerate(items))
        + "</channel></rss>"
    )


def item(title: str = "Attack", body: str = "STORY", date: str = "Tue, 03 Mar 2020 10:00:00 GMT") -> str:
    return f"<item><title>{title}</title><description>{body}</description><pubDate>{date}</pubDate></item>"


def fifo(p: Path, tag: str) -> None:
    os.mkfifo(p)


def sparse(size: int) -> Maker:
    def make(p: Path, tag: str) -> None:
        with open(p, "wb") as fh:
            fh.truncate(size)

    return make


def link_to(target: str) -> Maker:
    """A symbolic link to a path outside the ingested folder (made by `outside` below)."""

    def make(p: Path, tag: str) -> None:
        os.symlink(p.parent.parent / "outside" / target, p)

    return make


def _utf16_odd(tag: str) -> bytes:
    return codecs.BOM_UTF16_LE + txt(tag).encode("utf-16-le") + b"\x00"


BILLION_LAUGHS = (
    '<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(f'<!ENTITY lol{i} "{("&lol%s;" % ("" if i == 1 else i - 1)) * 10}">' for i in range(1, 10))
    + "]>"
)
XXE = '<!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'

CASES: list[Case] = [
    # -- bytes and encodings (.txt) ----------------------------------------------------------
    Case("empty.txt", raw(b"")),
    Case("blank.txt", raw(b"  \n\t\n  ")),
    Case("only-bom.txt", raw(codecs.BOM_UTF8)),
    Case("only-utf16-bom.txt", raw(codecs.BOM_UTF16_LE)),
    Case("elf.txt", raw(b"\x7fELF\x02\x01\x01\x00" + bytes(range(256)) * 8)),
    Case("random.html", raw(bytes((i * 7919 + 13) % 256 for i in range(5000)))),
    Case("nul-in-text.txt", lambda p, tag: p.write_bytes(txt(tag).encode() + b"\x00" + b"tail")),
    Case("control-chars.txt", raw(b"\x01\x02\x03\x04\x05\x06 some words \x0e\x0f\x10" * 50)),
    Case("utf8.txt", text(txt), stored=1, named=False),
    Case("utf8-bom.txt", lambda p, tag: p.write_bytes(codecs.BOM_UTF8 + txt(tag).encode()), stored=1, named=False),
    Case(
        "utf16-le-bom.txt",
        lambda p, tag: p.write_bytes(codecs.BOM_UTF16_LE + txt(tag).encode("utf-16-le")),
        stored=1,
        named=False,
    ),
    Case(
        "utf16-be-bom.txt",
        lambda p, tag: p.write_bytes(codecs.BOM_UTF16_BE + txt(tag).encode("utf-16-be")),
        stored=1,
        named=False,
    ),
    Case("utf16-odd-bytes.txt", lambda p, tag: p.write_bytes(_utf16_odd(tag))),
    Case("utf16-no-bom.txt", text(txt, "utf-16-le"), stored=1, named=False),
    Case("utf32-bom.txt", lambda p, tag: p.write_bytes(txt(tag).encode("utf-32")), stored=1, named=False),
    Case(
        "latin1.txt",
        lambda p, tag: p.write_bytes(("Café attack\n\n" + story(tag)).encode("latin-1")),
        stored=1,
        named=False,
    ),
    Case(
        "cp1252.txt",
        lambda p, tag: p.write_bytes(("“Attack” – Saraqib\n\n" + story(tag)).encode("cp1252")),
        stored=1,
        named=False,
    ),
    Case(
        "cesu-surrogate.txt", lambda p, tag: p.write_bytes(b"\xed\xa0\x80 " + txt(tag).encode()), stored=1, named=False
    ),
    Case("title-only.txt", raw(b"Just a headline about Idlib\n"), named=False, stored=0),
    Case("too-long.txt", lambda p, tag: p.write_bytes(("Long\n\n" + "word " * 240_000).encode())),
    Case("over-the-limit.txt", text(lambda tag: "Long report\n\n" + long_article(150_000))),
    Case("no-spaces-long.txt", lambda p, tag: p.write_bytes(b"A\n\n" + b"x" * 1_100_000)),
    Case("zero-width.txt", raw("\u200b\u200b\u202e\u2066\n\n\u200b\u00a0".encode())),
    Case("newline\nin-name.txt", text(txt), stored=1, named=False),
    Case("sparse-huge.txt", sparse(201 * 1024 * 1024)),
    # -- JSONL ---------------------------------------------------------------------------------
    Case("good.jsonl", text(jsonl({"title": "A"}, {"title": "B"})), stored=2, named=False),
    Case("lone-surrogate-text.jsonl", text(lambda tag: '{"text": "\\ud800 ' + story(tag) + '"}\n'), stored=1),
    Case(
        "lone-surrogate-title.jsonl",
        text(lambda tag: '{"title": "x\\udc80", "text": "' + story(tag) + '"}\n'),
        stored=1,
    ),
    Case("surrogate-key.jsonl", text(lambda tag: '{"\\ud83d": 1, "text": "' + story(tag) + '"}\n'), stored=1),
    Case(
        "deep-row.jsonl",
        text(lambda tag: "[" * 200_000 + "]" * 200_000 + "\n" + json.dumps({"text": story(tag)}) + "\n"),
        stored=1,
    ),
    Case(
        "deep-extra.jsonl",
        text(lambda tag: '{"text": "' + story(tag) + '", "x": ' + "[" * 5000 + "]" * 5000 + "}\n"),
        stored=0,
    ),
    Case(
        "huge-int.jsonl",
        text(
            lambda tag: (
                '{"id": '
                + "9" * 5000
                + ', "text": "'
                + story(tag)
                + '"}\n'
                + json.dumps({"text": story(tag, 1)})
                + "\n"
            )
        ),
        stored=1,
    ),
    Case("not-object.jsonl", text(jsonl("[1, 2, 3]", "null", {"title": "ok"})), stored=1),
    Case("malformed.jsonl", text(jsonl('{"text": "unterminated', {"title": "ok"})), stored=1),
    Case("text-not-string.jsonl", text(jsonl({"text": 123}, {"text": None}, {"text": ["a"]}))),
    Case("date-9999.jsonl", text(jsonl({"published": "9999-12-31"})), stored=1),
    Case("date-0001.jsonl", text(jsonl({"date": "0001-01-01"})), stored=1),
    Case("date-1677.jsonl", text(jsonl({"published": "1677-09-22"})), stored=1),
    Case("date-2262.jsonl", text(jsonl({"published": "2262-04-12"})), stored=1),
    Case(
        "date-odd-types.jsonl",
        text(jsonl({"published": 1e308}, {"published": True}, {"published": {"$date": "2020-01-01"}})),
        stored=3,
        named=False,
    ),
    Case("crlf.jsonl", text(lambda tag: jsonl({}, {})(tag).replace("\n", "\r\n")), stored=2, named=False),
    Case(
        "line-separators.jsonl",
        text(lambda tag: json.dumps({"text": story(tag) + "\u2028next\u0085line"}, ensure_ascii=False) + "\n"),
        stored=1,
        named=False,
    ),
    Case(
        "nan.jsonl",
        text(lambda tag: '{"text": "' + story(tag) + '", "score": NaN, "x": Infinity}\n'),
        stored=1,
        named=False,
    ),
    Case("too-long-row.jsonl", text(jsonl({"text": "word " * 240_000}, {"title": "ok"})), stored=1),
    # -- CSV -----------------------------------------------------------------------------------
    Case("good.csv", text(csv_rows('A,"STORY",2020-03-03', 'B,"STORY",2020-03-04')), stored=2, named=False),
    Case(
        "huge-field.csv",
        text(csv_rows('big,"' + "x " * 700_000 + '",2020-03-03', 'A,"STORY",2020-03-03', 'B,"STORY",2020-03-04')),
        stored=2,
    ),
    Case("date-9999.csv", text(csv_rows('A,"STORY",9999-01-01')), stored=1),
    Case("date-0001.csv", text(csv_rows('A,"STORY",01/01/0001')), stored=1),
    Case("no-text-column.csv", text(csv_rows("a,b,c", header="title,body,date"))),
    Case("header-only.csv", text(csv_rows())),
    Case("ragged.csv", text(csv_rows('A,"STORY",2020-03-03,extra,cells', 'B,"STORY",2020-03-04')), stored=1),
    Case(
        "unterminated-quote.csv",
        text(lambda tag: csv_rows('A,"STORY",2020-03-03')(tag) + 'B,"never closed,2020\n'),
        stored=1,
    ),
    Case(
        "bad-bytes-row.csv", text(csv_rows('A,"STORY",2020-03-03', 'B,"x"y"z,2020', 'C,"STORY",2020-03-05')), stored=2
    ),
    Case("nul-in-a-row.csv", text(csv_rows('A,"STORY",2020-03-03', 'B,"Shells\x00 fell",2020-03-04')), stored=1),
    Case("nul-escape.jsonl", text(jsonl({"title": "\x00=1+1"}, {"title": "B"})), stored=1),
    Case("formula.csv", text(csv_rows('"=HYPERLINK(""http://x"")","STORY",2020-03-03')), stored=1, named=False),
    # -- HTML ----------------------------------------------------------------------------------
    Case(
        "good.html",
        text(html_page('<meta property="article:published_time" content="2020-03-03">')),
        stored=1,
        named=False,
    ),
    Case(
        "date-9999.html",
        text(html_page('<meta property="article:published_time" content="9999-12-31T00:00">')),
        stored=1,
    ),
    Case("date-0001.html", text(html_page(body='<time datetime="0001-01-01">long ago</time>')), stored=1),
    Case("scripts-only.html", raw(b"<html><body><script>alert(1)</script><style>p{}</style></body></html>")),
    Case(
        "deep-divs.html",
        text(lambda tag: "<div>" * 100_000 + f"<p>{story(tag)}</p>" + "</div>" * 100_000),
        stored=1,
        named=False,
    ),
    Case(
        "unclosed.html",
        text(lambda tag: f"<html><p>{story(tag)}<p><b><i><!-- never closed <![CDATA[ <!"),
        stored=1,
        named=False,
    ),
    Case(
        "xss.html",
        text(html_page('<meta property="og:title" content="<img src=x onerror=alert(1)>">')),
        stored=1,
        named=False,
    ),
    # -- feeds ---------------------------------------------------------------------------------
    Case("good.rss", text(rss(item(), item(title="Second"))), stored=2, named=False),
    Case(
        "cdata-script.rss",
        text(
            rss(
                item(body="<![CDATA[<script>alert(1)</script>]]>"),
                item(
                    title="<![CDATA[<script>x</script>Fine]]>",
                    body="<![CDATA[<p>STORY</p><script>document.cookie</script>]]>",
                ),
            )
        ),
        stored=1,
    ),
    Case(
        "cdata-unclosed-script.rss",
        text(rss(item(body="<![CDATA[STORY <script>while(1){}]]>"), item(body="<![CDATA[STORY <! x]]>"))),
        stored=2,
        named=False,
    ),
    Case("marked-section.rss", text(rss(item(body="<![CDATA[STORY <![ x]]>"), item())), stored=1),
    Case("date-9999.rss", text(rss(item(date="Fri, 31 Dec 9999 23:59:59 GMT"))), stored=1),
    Case(
        "date-0001.atom",
        text(
            lambda tag: (
                '<feed xmlns="http://www.w3.org/2005/Atom"><entry><title>T</title>'
                f"<content>{story(tag)}</content><updated>0001-01-01T00:00:00Z</updated>"
                "</entry></feed>"
            )
        ),
        stored=1,
    ),
    Case(
        "billion-laughs.xml",
        text(
            lambda tag: (
                f'<?xml version="1.0"?>{BILLION_LAUGHS}<rss><channel><item>'
                f"<title>&lol9;</title><description>{story(tag)}</description></item>"
                "</channel></rss>"
            )
        ),
    ),
    Case(
        "late-entity.xml",
        text(
            lambda tag: (
                '<?xml version="1.0"?><!--'
                + "pad " * 5000
                + "-->"
                + BILLION_LAUGHS
                + f"<rss><channel><item><description>{story(tag)} &lol9;"
                "</description></item></channel></rss>"
            )
        ),
    ),
    Case(
        "xxe.rss",
        text(
            lambda tag: (
                f'<?xml version="1.0"?>{XXE}<rss><channel><item><title>&xxe;</title>'
                f"<description>{story(tag)}</description></item></channel></rss>"
            )
        ),
    ),
    Case("no-items.rss", text(lambda tag: '<?xml version="1.0"?><rss><channel><title>x</title></channel></rss>')),
    Case("malformed.xml", raw(b"<rss><channel><item><title>broken</channel>")),
    Case("deep.xml", text(lambda tag: "<a>" * 50_000 + "</a>" * 50_000)),
    # -- the file system -----------------------------------------------------------------------
    Case("a-fifo.txt", fifo),
    Case("link-to-secret.txt", link_to("secret.txt")),
    Case("link-to-folder", link_to("folder"), shown="link-to-folder"),
    Case("dangling-link.txt", lambda p, tag: os.symlink(p.parent / "nowhere.txt", p)),
    Case(b"caf\xe9-latin1-name.txt", text(txt), stored=1, named=False, shown="-latin1-name.txt"),
    Case("x" * 200 + ".txt", text(txt), stored=1, named=False),
]


def build(root: Path) -> tuple[Path, list[Case]]:
    """Write every case into root/in (and what the links point at into root/outside); returns root/in."""
    folder, outside = root / "in", root / "outside"
    folder.mkdir(parents=True)
    (outside / "folder").mkdir(parents=True)
    secret = "Secret notes\n\nThis file lies outside the ingested folder and must never be read through a link."
    (outside / "secret.txt").write_text(secret, encoding="utf-8")
    (outside / "folder" / "inside.txt").write_text(secret + " Folder.", encoding="utf-8")
    for case in CASES:
        name = case.name if isinstance(case.name, bytes) else case.name.encode()
        case.make(Path(os.fsdecode(bytes(folder) + b"/" + name)), case.tag)
    return folder, CASES


if __name__ == "__main__":
    where, cases = build(Path(sys.argv[1]))
    print(f"{len(cases)} cases in {where}")
