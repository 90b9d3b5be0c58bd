"""A cheap test that a regular expression cannot match a text, to skip running it.

The event rules run many patterns over every sentence (85 actor names, 23 lexicon rules) and most
find nothing, yet Python's `re` tries a pattern that begins with `\\b` at every position of the
text. Almost every such pattern holds a word that each of its matches must contain ("syrian",
"regime", "activists", one of a lexicon rule's verbs): when none of a pattern's words occurs in the
text (a substring search in C) the pattern cannot match and need not run. The test only skips work:
a pattern that may match runs as before, so what the rules find never changes.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

try:  # `re`'s own parser: private, so a Python that moves it makes every pattern run (the skip is only a saving)
    import re._constants as sre_c  # type: ignore[import-not-found,unused-ignore]
    import re._parser as sre_parse  # type: ignore[import-not-found,unused-ignore]
except ImportError:  # pragma: no cover - Python 3.11-3.13 have both
    sre_c = sre_parse = None

# The characters outside ASCII that `re` matches to an ASCII letter when it ignores case, but that
# `str.lower` does not turn into that letter ("ſ" is "s" to `re`; "İ" lowers to two characters). A
# text with one of them runs every pattern that ignores case (tests/test_regex_needs.py checks this
# list against `re` itself).
CASE_EXTRAS = frozenset("\u0130\u0131\u017f\u212a")

_ZERO_WIDTH = frozenset({sre_c.AT, sre_c.ASSERT, sre_c.ASSERT_NOT}) if sre_c is not None else frozenset()
_MAX_WORDS = 256  # a pattern's words are spelt out up to this many (a longer list: the words so far)
_FEW_WORDS = 8  # more words than this are looked for by one pattern of them
_SMALL_SET = 4  # a character class of at most this many single characters is spelt out

Item = tuple[Any, Any]  # one item of a parsed pattern: (opcode, argument)


@dataclass(frozen=True)
class Text:
    """A text as the tests read it: as written, lower-cased, and whether the lower-cased form holds
    every letter a pattern that ignores case could match."""

    raw: str
    low: str
    folds: bool

    @classmethod
    def of(cls, text: str) -> Text:
        return cls(text, text.lower(), CASE_EXTRAS.isdisjoint(text))


@dataclass(frozen=True)
class Needs:
    """Strings one of which is in every match of a pattern (lower-cased when the pattern ignores
    case); none: no such strings are known, and the pattern may match any text."""

    words: tuple[str, ...]
    folded: bool
    # Many words are looked for by one pattern of them (no `\b` before it, so `re` skips ahead to
    # the characters that may begin one): faster than a substring search per word.
    finder: re.Pattern[str] | None = None

    def may_match(self, text: Text) -> bool:
        if not self.words:
            return True
        if self.folded and not text.folds:
            return True
        hay = text.low if self.folded else text.raw
        if self.finder is not None:
            return self.finder.search(hay) is not None
        return any(w in hay for w in self.words)


ANY_TEXT = Needs((), False)  # no test: the pattern runs over every text


@lru_cache(maxsize=1024)
def needs_of(pattern: re.Pattern[str]) -> Needs:
    """The words every match of `pattern` holds one of, read from its parse (once per pattern)."""
    folded = bool(pattern.flags & re.IGNORECASE)
    if pattern.flags & re.LOCALE or sre_parse is None:
        return Needs((), folded)
    try:
        words = _needs(list(sre_parse.parse(pattern.pattern, pattern.flags).data))
    except (AttributeError, TypeError, ValueError, IndexError):
        return Needs((), folded)  # a parse of another shape than this module reads: the pattern always runs
    if not words:
        return Needs((), folded)
    if folded:
        words = {w.lower() for w in words}
    # A word that holds a shorter one adds nothing: the shorter is in every text the longer is.
    kept = sorted(w for w in words if not any(v != w and v in w for v in words))
    finder = re.compile("|".join(map(re.escape, kept))) if len(kept) > _FEW_WORDS else None
    return Needs(tuple(kept), folded, finder)


def _better(a: set[str] | None, b: set[str] | None) -> set[str] | None:
    """The better of two sets of words: words of three characters or more (shorter ones are in most
    texts), then the fewer words (each is looked for), then the longer shortest word."""

    def score(words: set[str]) -> tuple[int, int, int]:
        shortest = min(map(len, words))
        return min(shortest, 3), -len(words), shortest

    if not b or "" in b:
        return a
    if not a:
        return b
    return b if score(b) > score(a) else a


def _needs(items: list[Item]) -> set[str] | None:
    """Words one of which every match of a sequence of parsed items holds; None when unknown."""
    best: set[str] | None = None
    for k, (op, av) in enumerate(items):
        best = _better(best, _beginnings(items[k:])[0])
        if op is sre_c.SUBPATTERN and not (av[1] | av[2]):  # a group that sets no flags of its own
            best = _better(best, _needs(list(av[3].data)))
        elif op is sre_c.BRANCH:
            parts = [_needs(list(alt.data)) for alt in av[1]]
            if all(parts):
                best = _better(best, set().union(*(p for p in parts if p)))
        elif op in (sre_c.MAX_REPEAT, sre_c.MIN_REPEAT) and av[0] >= 1:
            best = _better(best, _needs(list(av[2].data)))
    return best


def _beginnings(items: Sequence[Item]) -> tuple[set[str], bool]:
    """The literal beginnings of every match of a sequence ("" among them when one may begin with
    anything), and whether they are whole matches. It stops at the first item it cannot spell out:
    each string returned begins a match, however short it is."""
    out = {""}
    for op, av in items:
        if op in _ZERO_WIDTH:  # \b, lookarounds: they consume nothing
            continue
        spelt, whole = _spelt(op, av)
        if spelt is None or len(out) * len(spelt) > _MAX_WORDS:
            return out, False
        out = {w + v for w in out for v in spelt}
        if not whole:
            return out, False
    return out, True


def _spelt(op: Any, av: Any) -> tuple[set[str] | None, bool]:
    """The strings one item may begin with (None: it cannot be spelt out), and whether they are the
    whole of what it matches."""
    if op is sre_c.LITERAL or op is sre_c.IN:
        return _characters(op, av), True
    if op is sre_c.SUBPATTERN and not (av[1] | av[2]):  # a group that sets no flags of its own
        return _beginnings(list(av[3].data))
    if op is sre_c.BRANCH:
        alts = [_beginnings(list(alt.data)) for alt in av[1]]
        return set().union(*(a for a, _ in alts)), all(whole for _, whole in alts)
    if op is sre_c.MAX_REPEAT and av[0] == 0 and av[1] == 1:  # an optional part: with or without it
        inner, whole = _beginnings(list(av[2].data))
        return inner | {""}, whole
    return None, False


def _characters(op: Any, av: Any) -> set[str] | None:
    """The ASCII characters a literal or a small character class matches; None for any other."""
    if op is sre_c.LITERAL:
        return {chr(av)} if chr(av).isascii() else None
    if len(av) <= _SMALL_SET and all(o is sre_c.LITERAL and chr(c).isascii() for o, c in av):
        return {chr(c) for _, c in av}
    return None
