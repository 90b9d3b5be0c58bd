"""Bytes → str: which encoding a file's text is in, and the file refused when it is no text at all."""

from __future__ import annotations

import codecs

from dashboard.errors import InputError


def decode(raw: bytes, where: str) -> str:
    """Bytes → str: UTF-8 (BOM or not), UTF-16/32 with BOM, UTF-16 without one when it plainly is,
    else Windows-1252/Latin-1."""
    if not raw.strip():
        raise InputError(where, "empty file")
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
    sample = raw[:65536]
    if b"\x00" in sample:
        text = _utf16_without_bom(raw)
        if text is not None:
            return text
    if b"\x00" in sample or _control_ratio(sample) > 0.05:
        raise InputError(where, "binary file (not text); expected UTF-8, UTF-16 or Latin-1 text")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp1252")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


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
