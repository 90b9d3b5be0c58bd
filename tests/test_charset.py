"""Which encoding a file is read in (dashboard/ingest/charset.py): a byte-order mark, a declared
charset, UTF-8 with a few broken bytes, the Western legacy fallback, each guess or repair named in a
warning; and bytes that are no text refused. Every text here was written for these tests."""

from __future__ import annotations

import codecs
import json
import random
from pathlib import Path

import pytest

from dashboard.ingest.readers import ReadResult, read_file

# One sentence of our own in each script, and the legacy charsets a page in it may declare.
SENTENCES = {
    "arabic": "قصفت القوات الحكومية بلدة صغيرة يوم الاثنين وقتل ثلاثة مدنيين.",
    "cyrillic": "Правительственные войска обстреляли город в понедельник, погибли трое жителей.",
    "greek": "Οι κυβερνητικές δυνάμεις βομβάρδισαν την πόλη τη Δευτέρα και σκοτώθηκαν τρεις άμαχοι.",
    "chinese": "星期一政府军炮击了这个小镇，三名平民死亡，当地居民说。",
    "chinese-traditional": "星期一政府軍炮擊了這個小鎮，三名平民死亡，當地居民說。",
}
LEGACY = [
    ("arabic", "windows-1256"),
    ("cyrillic", "windows-1251"),
    ("cyrillic", "koi8-r"),
    ("greek", "windows-1253"),
    ("greek", "iso-8859-7"),
    ("chinese", "gbk"),
    ("chinese-traditional", "big5"),
]
ENGLISH = "Government troops shelled a market town on Monday, killing three civilians, residents said."


def warnings_of(res: ReadResult) -> list[str]:
    return [str(w) for w in res.warnings]


def one(res: ReadResult):
    assert res.problems == [], [str(p) for p in res.problems]
    assert len(res.articles) == 1
    return res.articles[0]


def page(body: str, head: str) -> str:
    return f"<html><head>{head}<title>T</title></head><body><p>{body}</p><p>{ENGLISH}</p></body></html>"


# -- declared charsets --------------------------------------------------------------------------


@pytest.mark.parametrize("script, charset", LEGACY, ids=lambda x: x)
@pytest.mark.parametrize(
    "head",
    ['<meta charset="{cs}">', '<meta http-equiv="Content-Type" content="text/html; charset={cs}">'],
    ids=["meta-charset", "http-equiv"],
)
def test_a_page_in_a_declared_legacy_charset_is_read_in_it(tmp_path: Path, script, charset, head) -> None:
    sentence = SENTENCES[script]
    f = tmp_path / "page.html"
    f.write_bytes(page(sentence, head.format(cs=charset)).encode(charset))
    res = read_file(f)
    assert f"{sentence}\n\n{ENGLISH}" in one(res).text
    assert res.warnings == []


@pytest.mark.parametrize("script, charset", LEGACY, ids=lambda x: x)
def test_a_feed_in_a_declared_legacy_charset_is_read_in_it(tmp_path: Path, script, charset) -> None:
    sentence = SENTENCES[script]
    feed = (
        f'<?xml version="1.0" encoding="{charset}"?><rss><channel><item><title>{sentence[:6]}</title>'
        f"<description>{sentence} {ENGLISH}</description></item></channel></rss>"
    )
    f = tmp_path / "feed.rss"
    f.write_bytes(feed.encode(charset))
    res = read_file(f)
    a = one(res)
    assert (a.title, a.text) == (sentence[:6], f"{sentence} {ENGLISH}")
    assert res.warnings == []


def test_a_page_declared_latin1_is_read_as_windows_1252(tmp_path: Path) -> None:
    # As browsers do: a page "in ISO-8859-1" with curly quotes means Windows-1252's.
    f = tmp_path / "page.htm"
    f.write_bytes(page("“Shelling” near the café – three dead.", '<meta charset="iso-8859-1">').encode("cp1252"))
    res = read_file(f)
    assert one(res).text.startswith("“Shelling” near the café – three dead.")
    assert res.warnings == []


@pytest.mark.parametrize("label", ["klingon-8", "utf-16", "base64"])
def test_a_charset_that_cannot_be_used_is_named_and_the_page_read_as_undeclared(tmp_path: Path, label) -> None:
    f = tmp_path / "page.html"
    f.write_bytes(page(SENTENCES["greek"], f'<meta charset="{label}">').encode("utf-8"))
    res = read_file(f)
    assert one(res).text.startswith(SENTENCES["greek"])
    (warning,) = warnings_of(res)
    assert warning.startswith(f"{f}: declares the charset {label!r}") and "read as undeclared" in warning


def test_a_utf8_byte_order_mark_wins_over_a_declaration(tmp_path: Path) -> None:
    f = tmp_path / "page.html"
    f.write_bytes(codecs.BOM_UTF8 + page(SENTENCES["cyrillic"], '<meta charset="windows-1251">').encode())
    res = read_file(f)
    assert one(res).text.startswith(SENTENCES["cyrillic"])
    assert res.warnings == []


def test_a_utf16_byte_order_mark_is_honoured(tmp_path: Path) -> None:
    f = tmp_path / "a.txt"
    f.write_bytes(codecs.BOM_UTF16_BE + f"Title\n\n{SENTENCES['arabic']}".encode("utf-16-be"))
    res = read_file(f)
    assert one(res).text == SENTENCES["arabic"]
    assert res.warnings == []


# -- undeclared text ------------------------------------------------------------------------------


@pytest.mark.parametrize("script", sorted(SENTENCES))
@pytest.mark.parametrize("suffix", [".txt", ".html", ".jsonl", ".csv"])
def test_non_latin_utf8_is_read_without_a_warning(tmp_path: Path, script, suffix) -> None:
    sentence = SENTENCES[script]
    content = {
        ".txt": f"Title\n\n{sentence}",
        ".html": page(sentence, ""),
        ".jsonl": json.dumps({"title": "T", "text": sentence}, ensure_ascii=False) + "\n",
        ".csv": f'title,text\nT,"{sentence}"\n',
    }[suffix]
    f = tmp_path / f"a{suffix}"
    f.write_bytes(content.encode("utf-8"))
    res = read_file(f)
    assert sentence in one(res).text
    assert res.warnings == []


def test_utf8_with_a_few_broken_bytes_keeps_its_characters_and_is_named(tmp_path: Path) -> None:
    head = "Clashes near the river — “heavy”\n\nThe monitor’s report said "
    f = tmp_path / "damaged.txt"
    f.write_bytes(head.encode() + b"\xff\xfe" + " Zoë fled.".encode())
    res = read_file(f)
    a = one(res)
    assert a.title == "Clashes near the river — “heavy”"
    assert a.text == "The monitor’s report said \ufffd\ufffd Zoë fled."
    (warning,) = warnings_of(res)
    offset = len(head.encode())
    assert warning == (
        f"{f}: not valid UTF-8: 2 broken byte sequence(s), the first at byte {offset:,}; "
        "read as UTF-8 with U+FFFD in their place"
    )


def test_a_long_windows_1252_text_with_a_few_quotes_is_read_as_windows_1252(tmp_path: Path) -> None:
    # 0.1 % of its bytes are not UTF-8, none of them a valid UTF-8 character: it is Windows-1252.
    body = (ENGLISH + " ") * 40 + "The mayor called it “a massacre”."
    f = tmp_path / "legacy.txt"
    f.write_bytes(f"Title\n\n{body}".encode("cp1252"))
    res = read_file(f)
    assert one(res).text == body
    (warning,) = warnings_of(res)
    first = len(f"Title\n\n{body}".split("“")[0].encode())
    assert warning == (
        f"{f}: not UTF-8 (the first bad byte at {first:,}); read as Windows-1252; "
        "if that is wrong, save it as UTF-8 or declare its charset"
    )


def test_undeclared_legacy_cyrillic_is_stored_with_a_warning_naming_the_encoding(tmp_path: Path) -> None:
    f = tmp_path / "ru.txt"
    f.write_bytes(f"Title\n\n{SENTENCES['cyrillic']}".encode("cp1251"))
    res = read_file(f)
    one(res)
    (warning,) = warnings_of(res)
    assert warning.startswith(f"{f}: not UTF-8 (the first bad byte at 7); read as Windows-1252")


# -- bytes that are no text ------------------------------------------------------------------------


def _high_bytes(n: int, seed: int, leave_out: bytes = b"") -> bytes:
    rng = random.Random(seed)
    choices = [b for b in range(0x80, 0x100) if b not in leave_out]
    return bytes(rng.choice(choices) for _ in range(n))


@pytest.mark.parametrize("suffix", [".txt", ".html", ".jsonl", ".csv", ".xml"])
def test_random_high_bytes_are_refused_as_not_text(tmp_path: Path, suffix) -> None:
    # 4 KiB above 0x7F: no NUL, no C0 control, so no "binary file"; read as Latin-1 it is a quarter
    # C1 controls and not a single space.
    f = tmp_path / f"junk{suffix}"
    f.write_bytes(_high_bytes(4096, seed=29))
    res = read_file(f)
    assert res.articles == []
    (problem,) = [str(p) for p in res.problems]
    assert problem.startswith(f"{f}: not text: ")


def test_random_high_bytes_windows_1252_reads_in_full_are_refused_as_not_text(tmp_path: Path) -> None:
    # Without the five bytes Windows-1252 leaves undefined, every byte is a letter or a symbol there.
    f = tmp_path / "junk.txt"
    f.write_bytes(_high_bytes(4096, seed=30, leave_out=b"\x81\x8d\x8f\x90\x9d"))
    res = read_file(f)
    assert res.articles == []
    (problem,) = [str(p) for p in res.problems]
    assert problem.startswith(f"{f}: not text: not UTF-8, and read as Windows-1252 only 0% of it is ASCII")


@pytest.mark.parametrize(
    "first, last", [(0xE000, 0xF8FF), (0xF0000, 0xFFFFD), (0x80, 0x9F), (0x40000, 0x4FFFF)], ids=hex
)
def test_valid_utf8_of_characters_no_text_holds_is_refused(tmp_path: Path, first, last) -> None:
    # Private use, C1 controls, an unassigned plane: valid UTF-8, but no text.
    rng = random.Random(first)
    f = tmp_path / "junk.txt"
    f.write_text("Title\n\n" + "".join(chr(rng.randint(first, last)) for _ in range(2000)), encoding="utf-8")
    res = read_file(f)
    assert res.articles == []
    (problem,) = [str(p) for p in res.problems]
    assert problem.startswith(f"{f}: not text: ") and "control, unassigned, private-use" in problem


def test_a_text_with_a_few_odd_characters_is_still_read(tmp_path: Path) -> None:
    odd = "\ue000\x85\ufffd"  # a private-use mark, a C1 NEL, a replacement character: 3 in ~200
    f = tmp_path / "a.txt"
    f.write_text(f"Title\n\n{ENGLISH} {odd} {SENTENCES['greek']}", encoding="utf-8")
    assert odd in one(read_file(f)).text
