"""File → Article readers, and the ReadProblems bad input becomes (never an exception, never a stopped batch)."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest

from dashboard.ingest.article import Article, article_id_for
from dashboard.ingest.readers import (
    ReadProblem,
    ReadResult,
    decode,
    parse_iso_date,
    read_file,
    read_paths,
)

BODY = (
    "Turkish forces clashed with regime troops near Idlib on Tuesday, officials said. "
    "The fighting killed two civilians in the town of Saraqib, residents told reporters."
)


def one_article(result: ReadResult) -> Article:
    assert result.problems == [], [str(p) for p in result.problems]
    assert len(result.articles) == 1
    return result.articles[0]


def only_problem(result: ReadResult) -> ReadProblem:
    assert result.articles == []
    assert len(result.problems) == 1, [str(p) for p in result.problems]
    return result.problems[0]


# -- plain text --------------------------------------------------------------------------------


def test_txt_title_is_first_non_empty_line(tmp_path: Path) -> None:
    f = tmp_path / "a.txt"
    f.write_text(f"\n\n   \n  Clashes near Idlib  \n\n{BODY}\n\nSecond paragraph.\n", encoding="utf-8")
    a = one_article(read_file(f))
    assert a.title == "Clashes near Idlib"
    assert a.text == f"{BODY}\n\nSecond paragraph."
    assert "Clashes near Idlib" not in a.text
    assert a.published is None and a.published_inferred is False
    assert a.source == "a.txt"
    assert a.path == str(f)
    assert a.article_id == article_id_for(a.text)


def test_txt_single_line_is_title_and_text(tmp_path: Path) -> None:
    f = tmp_path / "one.txt"
    f.write_text("Shelling in Aleppo killed three people.\n", encoding="utf-8")
    a = one_article(read_file(f))
    assert a.text == "Shelling in Aleppo killed three people."
    assert a.title == "Shelling in Aleppo killed three people."


@pytest.mark.parametrize("newline", ["\r\n", "\r"])
def test_txt_windows_and_old_mac_newlines(tmp_path: Path, newline: str) -> None:
    f = tmp_path / "crlf.txt"
    f.write_bytes(newline.join(["Title line", "", BODY, "", "End."]).encode("utf-8"))
    a = one_article(read_file(f))
    assert a.title == "Title line"
    assert "\r" not in a.text
    assert a.text == f"{BODY}\n\nEnd."


def test_txt_utf8_bom_is_dropped(tmp_path: Path) -> None:
    f = tmp_path / "bom.txt"
    f.write_bytes(b"\xef\xbb\xbf" + "Erdoğan in Moscow\n\nKalın said Wednesday.".encode())
    a = one_article(read_file(f))
    assert a.title == "Erdoğan in Moscow"
    assert a.text == "Kalın said Wednesday."


def test_txt_utf16_with_bom(tmp_path: Path) -> None:
    f = tmp_path / "u16.txt"
    f.write_bytes("Title\n\nFighting in Ḥalab.".encode("utf-16"))
    a = one_article(read_file(f))
    assert (a.title, a.text) == ("Title", "Fighting in Ḥalab.")


def test_published_option_fills_only_missing_dates(tmp_path: Path) -> None:
    txt = tmp_path / "a.txt"
    txt.write_text(f"Title\n\n{BODY}", encoding="utf-8")
    jl = tmp_path / "b.jsonl"
    jl.write_text(json.dumps({"text": "Dated text here.", "date": "2019-05-06"}) + "\n", encoding="utf-8")
    given = date(2020, 1, 2)
    a = one_article(read_file(txt, published=given))
    assert a.published == given and a.published_inferred is False
    b = one_article(read_file(jl, published=given))
    assert b.published == date(2019, 5, 6)


# -- HTML --------------------------------------------------------------------------------------

HTML = """<!doctype html>
<html><head>
<title>Site | Page title</title>
<meta property="article:published_time" content="2020-03-04T10:15:00+03:00">
<meta property="og:site_name" content="Daily Example">
<meta property="og:url" content="https://example.org/idlib">
<style>p { color: red } .secret-style { display: none }</style>
<script>var secretScript = "<p>not article text</p>"; if (a < b && c > d) {}</script>
</head>
<body>
<nav>Home News Sport</nav>
<header>Subscribe now</header>
<h1>Clashes near Idlib</h1>
<p>Turkish forces clashed with regime troops near <b>Idlib</b> on Tuesday, officials &amp; residents said.</p>
<script>document.write("injected script words")</script>
<p>The fighting killed <a href="/x">two civilians</a> in the town of Saraqib, residents told reporters later.</p>
<noscript>Enable JavaScript please</noscript>
<footer>Copyright footer text</footer>
</body></html>
"""


def test_html_main_text_title_and_date(tmp_path: Path) -> None:
    f = tmp_path / "page.html"
    f.write_text(HTML, encoding="utf-8")
    a = one_article(read_file(f))
    assert a.title == "Clashes near Idlib"
    assert a.published == date(2020, 3, 4)
    assert a.published_inferred is False
    assert a.text == (
        "Turkish forces clashed with regime troops near Idlib on Tuesday, officials & residents said.\n\n"
        "The fighting killed two civilians in the town of Saraqib, residents told reporters later."
    )
    assert a.source == "Daily Example"
    assert a.url == "https://example.org/idlib"


@pytest.mark.parametrize(
    "dropped",
    [
        "secretScript",
        "not article text",
        "injected script words",
        "color: red",
        "secret-style",
        "Home News Sport",
        "Subscribe now",
        "Enable JavaScript",
        "Copyright footer",
    ],
)
def test_html_drops_scripts_styles_and_chrome(tmp_path: Path, dropped: str) -> None:
    f = tmp_path / "page.htm"
    f.write_text(HTML, encoding="utf-8")
    assert dropped not in one_article(read_file(f)).text


def test_html_text_is_plain_text(tmp_path: Path) -> None:
    f = tmp_path / "page.html"
    f.write_text(HTML, encoding="utf-8")
    text = one_article(read_file(f)).text
    for markup in ("<", ">", "&amp;", "href", "<b>"):
        assert markup not in text


def test_html_title_falls_back_to_title_tag_and_time_element(tmp_path: Path) -> None:
    f = tmp_path / "page.html"
    f.write_text(
        "<html><head><title>The title tag</title></head><body>"
        "<time datetime='2019-09-17'>17 Sept</time>"
        f"<p>{BODY}</p></body></html>",
        encoding="utf-8",
    )
    a = one_article(read_file(f))
    assert a.title == "The title tag"
    assert a.published == date(2019, 9, 17)
    assert a.text == BODY


def test_html_og_title_wins(tmp_path: Path) -> None:
    f = tmp_path / "page.html"
    f.write_text(
        "<html><head><meta property='og:title' content='OG  title'><title>T</title></head>"
        f"<body><h1>H1</h1><p>{BODY}</p></body></html>",
        encoding="utf-8",
    )
    assert one_article(read_file(f)).title == "OG title"


def test_html_line_break_inside_paragraph_separates_words(tmp_path: Path) -> None:
    f = tmp_path / "br.html"
    f.write_text(
        "<html><body><p>Shelling hit the town of Saraqib overnight,<br>residents said on Tuesday.</p>"
        "<p>A second paragraph with enough words to count as the main text.</p></body></html>",
        encoding="utf-8",
    )
    text = one_article(read_file(f)).text
    assert re.search(r"overnight,\s+residents said", text), text


def test_html_without_paragraphs_uses_blocks(tmp_path: Path) -> None:
    f = tmp_path / "divs.html"
    f.write_text("<html><body><div>First block of text.</div><div>Second block.</div></body></html>", encoding="utf-8")
    a = one_article(read_file(f))
    assert a.text == "First block of text.\n\nSecond block."


def test_html_without_text_is_a_problem(tmp_path: Path) -> None:
    f = tmp_path / "empty.html"
    f.write_text("<html><head><script>var x = 1;</script></head><body><nav>menu</nav></body></html>", encoding="utf-8")
    p = only_problem(read_file(f))
    assert p.path == str(f)
    assert "no article text" in p.problem


# -- JSONL ---------------------------------------------------------------------------------------


def test_jsonl_columns_extra_and_malformed_line(tmp_path: Path) -> None:
    f = tmp_path / "batch.jsonl"
    lines = [
        json.dumps(
            {
                "id": 7,
                "title": " First ",
                "text": "Shelling hit Aleppo.",
                "date": "2020-01-02",
                "url": "https://e.org/1",
                "source": "Wire",
                "lang": "en",
                "tags": ["a", "b"],
                "nothing": None,
            }
        ),
        "{not json at all",
        "",
        json.dumps({"id": "x2", "title": "Second", "text": "Talks in Moscow.", "published": "2020-02-03T08:00:00Z"}),
        json.dumps(["a", "list"]),
        json.dumps({"title": "no text here"}),
        json.dumps({"text": "Third one.", "published": "2021-05-06", "date": "1999-01-01"}),
    ]
    f.write_text("\n".join(lines) + "\n", encoding="utf-8")
    res = read_file(f)
    assert [a.text for a in res.articles] == ["Shelling hit Aleppo.", "Talks in Moscow.", "Third one."]
    first, second, third = res.articles
    assert first.title == "First"
    assert first.published == date(2020, 1, 2)
    assert first.url == "https://e.org/1"
    assert first.source == "Wire"
    assert first.extra == {"id": "7", "lang": "en", "tags": '["a", "b"]'}
    assert first.path == f"{f}:1"
    assert second.published == date(2020, 2, 3)
    assert second.source == "batch.jsonl"
    assert second.extra == {"id": "x2"}
    assert third.published == date(2021, 5, 6), "published wins over date"

    problems = {p.path: p.problem for p in res.problems}
    assert set(problems) == {f"{f}:2", f"{f}:5", f"{f}:6"}
    assert "malformed JSON" in problems[f"{f}:2"]
    assert "not a JSON object" in problems[f"{f}:5"]
    assert "no 'text'" in problems[f"{f}:6"]
    for p in res.problems:
        assert str(p).startswith(f"{f}:")


def test_jsonl_source_falls_back_to_file_name_in_folder_with_colon(tmp_path: Path) -> None:
    folder = tmp_path / "feeds:2020"
    folder.mkdir()
    f = folder / "batch.jsonl"
    f.write_text(json.dumps({"text": "Talks in Moscow."}) + "\n", encoding="utf-8")
    a = one_article(read_file(f))
    assert a.source == "batch.jsonl"


# -- CSV -----------------------------------------------------------------------------------------


def test_csv_columns_extra_and_bad_rows(tmp_path: Path) -> None:
    f = tmp_path / "batch.csv"
    f.write_text(
        "id,title,text,date,url,source,lang\n"
        '1,First,"Shelling hit Aleppo, residents said.",2020-01-02,https://e.org/1,Wire,en\n'
        "2,Too many,x,2020-01-03,u,s,en,EXTRA\n"
        "3,No text,,2020-01-01,,,\n"
        "4,Fourth,Talks in Moscow.,,,,fr\n",
        encoding="utf-8",
    )
    res = read_file(f)
    assert [a.text for a in res.articles] == ["Shelling hit Aleppo, residents said.", "Talks in Moscow."]
    first, fourth = res.articles
    assert (first.title, first.published, first.url, first.source) == (
        "First",
        date(2020, 1, 2),
        "https://e.org/1",
        "Wire",
    )
    assert first.extra == {"id": "1", "lang": "en"}
    assert first.path == f"{f}:2"
    assert fourth.published is None
    assert fourth.source == "batch.csv"
    assert fourth.extra["lang"] == "fr"
    problems = {p.path: p.problem for p in res.problems}
    assert set(problems) == {f"{f}:3", f"{f}:4"}
    assert "more fields" in problems[f"{f}:3"]
    assert "no 'text'" in problems[f"{f}:4"]


def test_csv_published_column(tmp_path: Path) -> None:
    f = tmp_path / "p.csv"
    f.write_text("text,published\nClashes in Homs.,2020-03-04\n", encoding="utf-8")
    assert one_article(read_file(f)).published == date(2020, 3, 4)


def test_csv_without_text_column(tmp_path: Path) -> None:
    f = tmp_path / "notext.csv"
    f.write_text("title,body\nA,B\n", encoding="utf-8")
    p = only_problem(read_file(f))
    assert p.path == str(f)
    assert "no 'text' column" in p.problem


def test_csv_problem_names_the_physical_line(tmp_path: Path) -> None:
    # The first record's text spans two lines, so the bad record starts on line 4.
    f = tmp_path / "multi.csv"
    f.write_text('title,text\nA,"line one\nline two"\nB,x,EXTRA\nC,ok text\n', encoding="utf-8")
    res = read_file(f)
    assert [a.text for a in res.articles] == ["line one\nline two", "ok text"]
    assert [p.path for p in res.problems] == [f"{f}:4"]


# -- feeds ---------------------------------------------------------------------------------------

RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>Feed</title>
<item><title>First &amp; best</title><link>https://e.org/1</link>
<pubDate>Wed, 04 Mar 2020 10:00:00 GMT</pubDate>
<description>&lt;p&gt;Clashes in &lt;b&gt;Idlib&lt;/b&gt; today.&lt;/p&gt;</description></item>
<item><title>Second</title><link>https://e.org/2</link><pubDate>Thu, 05 Mar 2020 10:00:00 GMT</pubDate>
<description>short</description>
<content:encoded><![CDATA[<p>Talks in <i>Moscow</i> ended.</p>]]></content:encoded></item>
<item><title>Empty</title><description></description></item>
</channel></rss>
"""


def test_rss_feed_items(tmp_path: Path) -> None:
    f = tmp_path / "feed.rss"
    f.write_text(RSS, encoding="utf-8")
    res = read_file(f)
    assert [a.title for a in res.articles] == ["First & best", "Second"]
    first, second = res.articles
    assert first.text == "Clashes in Idlib today."
    assert first.url == "https://e.org/1"
    assert first.published == date(2020, 3, 4)
    assert first.source == "feed.rss"
    assert second.text == "Talks in Moscow ended.", "content:encoded wins over description"
    assert second.published == date(2020, 3, 5)
    assert [p.path for p in res.problems] == [f"{f}:item 3"]


def test_atom_feed(tmp_path: Path) -> None:
    f = tmp_path / "feed.atom"
    f.write_text(
        """<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>A</title>
<entry><title>Atom entry</title><link href="https://e.org/a"/><updated>2019-09-17T00:00:00Z</updated>
<summary>Talks in Sochi.</summary></entry></feed>""",
        encoding="utf-8",
    )
    a = one_article(read_file(f))
    assert (a.title, a.text, a.url, a.published) == (
        "Atom entry",
        "Talks in Sochi.",
        "https://e.org/a",
        date(2019, 9, 17),
    )


@pytest.mark.parametrize(
    "content, problem",
    [
        ("<rss><channel><item>", "malformed XML"),
        ("<rss><channel><title>no items</title></channel></rss>", "no <item> or <entry>"),
        (
            '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaa">]><rss><channel><item><title>&a;</title>'
            "</item></channel></rss>",
            "entity",
        ),
    ],
)
def test_bad_feeds(tmp_path: Path, content: str, problem: str) -> None:
    f = tmp_path / "bad.xml"
    f.write_text(content, encoding="utf-8")
    p = only_problem(read_file(f))
    assert p.path == str(f)
    assert problem in p.problem


# -- bad input -----------------------------------------------------------------------------------


def test_latin1_file_is_decoded(tmp_path: Path) -> None:
    f = tmp_path / "latin1.txt"
    f.write_bytes("Alep café\n\nFighting near the Alep café, said Señor Núñez.".encode("latin-1"))
    a = one_article(read_file(f))
    assert a.title == "Alep café"
    assert a.text == "Fighting near the Alep café, said Señor Núñez."


def test_cp1252_punctuation_is_decoded(tmp_path: Path) -> None:
    f = tmp_path / "cp.txt"
    f.write_bytes("Title\n\n“Quoted” – Alep café".encode("cp1252"))
    assert one_article(read_file(f)).text == "“Quoted” – Alep café"


@pytest.mark.parametrize(
    "name, content, problem",
    [
        ("empty.txt", b"", "empty file"),
        ("blank.txt", b"  \n\n\t \r\n", "empty file"),
        ("binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00" * 20, "binary file"),
        ("nul.jsonl", b'{"text": "a"}\x00\x00\x00', "binary file"),
        ("controls.csv", bytes(range(1, 9)) * 40, "binary file"),
        ("doc.pdf", b"%PDF-1.4 text", "unsupported format '.pdf'"),
        ("README", b"Some text", "unsupported format '(no extension)'"),
    ],
)
def test_bad_files_are_problems(tmp_path: Path, name: str, content: bytes, problem: str) -> None:
    f = tmp_path / name
    f.write_bytes(content)
    p = only_problem(read_file(f))
    assert p.path == str(f)
    assert problem in p.problem
    assert str(p) == f"{f}: {p.problem}"


def test_missing_file_is_a_problem(tmp_path: Path) -> None:
    f = tmp_path / "gone.txt"
    p = only_problem(read_file(f))
    assert str(f) in str(p)
    assert "cannot read" in p.problem
    assert "No such file" in p.problem


def test_decode_rejects_empty_and_binary() -> None:
    from dashboard.errors import InputError

    with pytest.raises(InputError, match="empty file"):
        decode(b"   ", "x.txt")
    with pytest.raises(InputError, match=r"^x\.bin: binary file"):
        decode(b"abc\x00def", "x.bin")
    assert decode("Alep café".encode("latin-1"), "x") == "Alep café"
    assert decode("Alep café".encode(), "x") == "Alep café"


def test_read_paths_folder_goes_on_past_bad_files(tmp_path: Path) -> None:
    folder = tmp_path / "batch"
    (folder / "sub").mkdir(parents=True)
    (folder / "a_good.txt").write_text(f"Good one\n\n{BODY}", encoding="utf-8")
    (folder / "b_empty.txt").write_bytes(b"")
    (folder / "c_binary.txt").write_bytes(b"\x00\x01\x02\x03" * 64)
    (folder / "d_latin1.txt").write_bytes("Alep café\n\nShelling near the Alep café.".encode("latin-1"))
    (folder / "sub" / "e.jsonl").write_text(json.dumps({"text": "Talks in Moscow."}) + "\n{oops\n", encoding="utf-8")
    (folder / "ignored.pdf").write_bytes(b"%PDF")
    missing = tmp_path / "nowhere"
    res = read_paths([folder, missing, folder / "ignored.pdf"])
    assert [a.title for a in res.articles] == ["Good one", "Alep café", ""]
    assert [a.text for a in res.articles][1:] == ["Shelling near the Alep café.", "Talks in Moscow."]
    by_path = {p.path: p.problem for p in res.problems}
    assert set(by_path) == {
        str(folder / "b_empty.txt"),
        str(folder / "c_binary.txt"),
        f"{folder / 'sub' / 'e.jsonl'}:2",
        str(missing),
        str(folder / "ignored.pdf"),
    }
    assert by_path[str(folder / "b_empty.txt")] == "empty file"
    assert "binary" in by_path[str(folder / "c_binary.txt")]
    assert "no such file or folder" in by_path[str(missing)]
    assert "unsupported format" in by_path[str(folder / "ignored.pdf")]


def test_oversized_article_is_a_problem(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import dashboard.ingest.readers as readers

    monkeypatch.setattr(readers, "MAX_ARTICLE_CHARS", 50)
    f = tmp_path / "long.txt"
    f.write_text("Title\n\n" + "word " * 40, encoding="utf-8")
    p = only_problem(read_file(f))
    assert p.path == str(f) and "too long" in p.problem


def test_oversized_file_is_a_problem(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import dashboard.ingest.readers as readers

    monkeypatch.setattr(readers, "MAX_FILE_BYTES", 10)
    f = tmp_path / "big.txt"
    f.write_text("Title\n\nMore than ten bytes of text.", encoding="utf-8")
    p = only_problem(read_file(f))
    assert p.path == str(f) and "too large" in p.problem


# -- dates in metadata -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value, expected",
    [
        ("2020-03-04", date(2020, 3, 4)),
        ("2020-03-04T10:00:00Z", date(2020, 3, 4)),
        ("Wed, 04 Mar 2020 10:00:00 GMT", date(2020, 3, 4)),
        ("4 Mar 2020", date(2020, 3, 4)),
        ("2020/03/04", date(2020, 3, 4)),
        ("March 4, 2020", date(2020, 3, 4)),
        ("2020-02-30", None),
        ("not a date", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_iso_date(value: str | None, expected: date | None) -> None:
    assert parse_iso_date(value) == expected


def test_article_id_ignores_whitespace_and_format() -> None:
    assert article_id_for("Clashes  in\nIdlib.") == article_id_for("Clashes in Idlib.")
    assert article_id_for("Clashes in Idlib.") != article_id_for("Clashes in Homs.")
    assert Article(text="Clashes in Idlib.").article_id == article_id_for("Clashes in Idlib.")
    assert Article(text="x", article_id="given").article_id == "given"
    assert Article(text="one two  three").n_words == 3


def test_jsonl_rows_split_on_newline_only(tmp_path: Path) -> None:
    f = tmp_path / "a.jsonl"
    text = f"{BODY}\u2028Second line\u0085third\u2029fourth."
    f.write_text(
        json.dumps({"text": text}, ensure_ascii=False) + "\r\n" + json.dumps({"text": BODY + " B"}) + "\n",
        encoding="utf-8",
    )
    res = read_file(f)
    assert [a.text for a in res.articles] == [text, BODY + " B"] and res.problems == []
