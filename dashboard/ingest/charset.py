"""Bytes → str: which encoding a file's text is in, a warning naming the file when that was a
guess or bytes were replaced, and the file refused when it is no text at all.

The order is the Web's: a byte-order mark; else a charset the file declares (an HTML page's
`<meta charset>` or `<meta http-equiv="Content-Type">`, a feed's `<?xml … encoding?>`) when Python
knows it; else UTF-16 without a mark when it plainly is; else UTF-8, UTF-8 with a few broken bytes
(read as U+FFFD), or Windows-1252/Latin-1 (the Western legacy charsets). Whatever was decoded must
then look like text (`_check_text`).
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from collections import Counter

from dashboard.errors import InputError
from dashboard.ingest.files import ReadProblem, ReadWarning

# A file whose first 64 KiB hold more than 5 % control bytes (NUL included) is binary: text holds
# tabs and line ends, nothing else below 0x20. A NUL or two in a text file is no reason to lose it
# all: the readers refuse the row (or the one-article file) holding it.
_SAMPLE = 65536
MAX_CONTROL_BYTES = 0.05
# Decoded text with more than 10 % control, unassigned, private-use or broken (U+FFFD) characters
# is no text: a real article holds none but a few broken bytes (each one U+FFFD), while random bytes
# read as Latin-1 are a quarter C1 controls and random UTF-8 sequences mostly unassigned planes.
MAX_JUNK_CHARS = 0.10
# Read as Windows-1252 (no valid UTF-8, no declaration), a text of any script written with spaces
# is at least ~10 % ASCII (its spaces, digits, punctuation); random high bytes are none. Under 5 %
# is binary data, or text in a charset (GBK, Big5…) that must be declared or converted to UTF-8.
MIN_LEGACY_ASCII = 0.05

_HTML_DECLARATION = re.compile(rb"<meta\b[^>]*?\bcharset\s*=\s*[\"']?\s*([A-Za-z0-9._:-]{1,40})", re.IGNORECASE)
_XML_DECLARATION = re.compile(rb"\A\s*<\?xml\b[^>]*?\bencoding\s*=\s*[\"']([A-Za-z0-9._:-]{1,40})[\"']")
# Where a declaration is looked for: HTML's prescan reads 1,024 bytes; a page with a long <head>
# before its <meta> is still read, as lenient browsers do.
_DECLARATION_BYTES = 4096
# Printable ASCII and line ends: a charset a declaration found in ASCII can be right about reads
# them as themselves (this leaves out UTF-16/32, EBCDIC, UTF-7 and Python's escape codecs).
_ASCII_PROBE = bytes(range(0x20, 0x7F)) + b"\t\n\r"
# The Web reads these labels as Windows-1252, a superset: a page "in Latin-1" uses its quotes.
_AS_WINDOWS_1252 = {"ascii", "latin-1", "iso8859-1", "cp1252"}
_UTF8_REPLACEMENT = "\ufffd".encode()


def decode(raw: bytes, where: str, notes: list[ReadProblem] | None = None, markup: str = "") -> str:
    """The text of a file's bytes. `markup` ("html" or "xml") says which charset declaration to
    honour; what was guessed or replaced is added to `notes` as a ReadWarning naming the file."""
    if not raw.strip():
        raise InputError(where, "empty file")
    notes = [] if notes is None else notes
    text = _by_bom(raw, where, notes)
    if text is None:
        sample = raw[:_SAMPLE]
        text = _utf16_without_bom(raw) if b"\x00" in sample else None
        if text is None and _control_ratio(sample) > MAX_CONTROL_BYTES:
            raise InputError(where, "binary file (not text); expected UTF-8, UTF-16 or Latin-1 text")
    if text is None:
        text = _declared(raw, where, notes, markup)
    if text is None:
        text = _undeclared(raw, where, notes)
    _check_text(text, where)
    return text


def _by_bom(raw: bytes, where: str, notes: list[ReadProblem]) -> str | None:
    """The text of a file that starts with a byte-order mark, which wins over any declaration."""
    if raw.startswith(codecs.BOM_UTF8):
        return _utf8(raw, where, notes, sure=True)
    for bom, codec in (
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if raw.startswith(bom):
            try:
                return raw.decode(codec)
            except UnicodeDecodeError as err:
                raise InputError(
                    where,
                    f"broken {codec.upper()} text ({err.reason} at byte {err.start:,}); the file may be cut short",
                ) from err
    return None


def declared_charset(raw: bytes, markup: str) -> str | None:
    """The charset label an HTML page or an XML feed declares in its head, as written."""
    head = raw[:_DECLARATION_BYTES]
    found = None
    if markup == "html":
        found = _HTML_DECLARATION.search(head)
    if markup in ("html", "xml") and found is None:
        found = _XML_DECLARATION.search(head)
    return found[1].decode("ascii") if found else None


def codec_for(label: str) -> tuple[str | None, str]:
    """Python's codec for a declared charset label, or None and why not: a label it does not know,
    or a codec that cannot be the file's (it does not read the declaration itself as ASCII)."""
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None, "unknown to Python"
    try:
        if _ASCII_PROBE.decode(name) != _ASCII_PROBE.decode("ascii"):
            return None, "not one an ASCII declaration can be written in"
    except (LookupError, UnicodeError, ValueError):
        return None, "not a text encoding"
    return ("cp1252" if name in _AS_WINDOWS_1252 else name), ""


def _declared(raw: bytes, where: str, notes: list[ReadProblem], markup: str) -> str | None:
    """The text in the charset the file declares; None when it declares none (or UTF-8, whose
    broken bytes the undeclared path handles) or one Python cannot read it by (with a warning)."""
    label = declared_charset(raw, markup)
    if label is None:
        return None
    codec, why = codec_for(label)
    if codec is None:
        notes.append(ReadWarning(where, f"declares the charset {label!r}, {why}; ignored, read as undeclared"))
        return None
    if codec in ("utf-8", "utf-8-sig"):
        return None
    if codec == "cp1252":
        return _legacy(raw)[0]
    try:
        return raw.decode(codec)
    except UnicodeDecodeError as err:
        notes.append(
            ReadWarning(
                where,
                f"not valid {label} as it declares (the first bad byte at {err.start:,}); bad bytes read as U+FFFD",
            )
        )
        return raw.decode(codec, "replace")


def _undeclared(raw: bytes, where: str, notes: list[ReadProblem]) -> str:
    """UTF-8, UTF-8 with a few broken bytes, else the Western legacy charsets, with a warning."""
    text = _utf8(raw, where, notes, sure=False)
    if text is not None:
        return text
    text, codec = _legacy(raw)
    ascii_share = len(text.encode("ascii", "ignore")) / len(text)
    if ascii_share < MIN_LEGACY_ASCII:
        raise InputError(
            where,
            f"not text: not UTF-8, and read as {codec} only {ascii_share:.0%} of it is ASCII (spaces, digits, "
            "Latin letters); binary data, or text in a charset it does not declare (save it as UTF-8)",
        )
    notes.append(
        ReadWarning(
            where,
            f"not UTF-8 (the first bad byte at {_first_bad_byte(raw):,}); read as {codec}; "
            "if that is wrong, save it as UTF-8 or declare its charset",
        )
    )
    return text


def _utf8(raw: bytes, where: str, notes: list[ReadProblem], sure: bool) -> str | None:
    """The text as UTF-8, broken bytes read as U+FFFD (with a warning), when it is UTF-8; None when
    it looks like a legacy charset instead (unless `sure`: a UTF-8 byte-order mark).

    It is UTF-8 when its valid multi-byte characters outnumber its broken sequences: a Windows-1252
    text almost never holds a valid one by chance (its accented letters are followed by ASCII, not by
    continuation bytes), and a damaged UTF-8 file holds many. A share of broken bytes alone cannot
    tell them apart: an English Windows-1252 text with three curly quotes has 0.1 % of them."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        return text.removeprefix("\ufeff")
    text = raw.decode("utf-8", "replace").removeprefix("\ufeff")
    broken = text.count("\ufffd") - raw.count(_UTF8_REPLACEMENT)
    valid = len(text) - len(text.encode("ascii", "ignore")) - broken
    if not sure and valid <= broken:
        return None
    notes.append(
        ReadWarning(
            where,
            f"not valid UTF-8: {broken:,} broken byte sequence(s), the first at byte {_first_bad_byte(raw):,}; "
            "read as UTF-8 with U+FFFD in their place",
        )
    )
    return text


def _first_bad_byte(raw: bytes) -> int:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as err:
        return err.start
    return -1


def _legacy(raw: bytes) -> tuple[str, str]:
    """Windows-1252, or Latin-1 when a byte Windows-1252 leaves undefined (0x81, 0x8D…) is there."""
    try:
        return raw.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError:
        return raw.decode("latin-1"), "Latin-1"


def _check_text(text: str, where: str) -> None:
    """Refuse decoded text that is mostly control, unassigned, private-use or broken characters."""
    sample = text[:_SAMPLE]
    if not sample:
        return
    junk = sum(n for c, n in Counter(sample).items() if _is_junk(c))
    if junk > MAX_JUNK_CHARS * len(sample):
        raise InputError(
            where,
            f"not text: {junk / len(sample):.0%} of its characters are control, unassigned, private-use "
            "or broken (U+FFFD) characters",
        )


def _is_junk(c: str) -> bool:
    if c == "\ufffd":
        return True
    category = unicodedata.category(c)
    return category in ("Cn", "Co", "Cs") or (category == "Cc" and c not in "\t\n\r\f\v")


def _utf16_without_bom(raw: bytes) -> str | None:
    """UTF-16 text saved without a byte-order mark: ASCII letters leave every other byte zero."""
    if len(raw) % 2:
        return None
    head = raw[:4096]
    for codec, zeros in (("utf-16-le", head[1::2]), ("utf-16-be", head[0::2])):
        if zeros.count(0) > 0.9 * len(zeros):
            try:
                text = raw.decode(codec)
            except UnicodeDecodeError:
                return None
            controls = sum(1 for c in text[:8192] if ord(c) < 32 and c not in "\t\n\f\r")
            return text if controls <= 0.05 * min(len(text), 8192) else None
    return None


def _control_ratio(sample: bytes) -> float:
    if not sample:
        return 0.0
    ctrl = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13))
    return ctrl / len(sample)
