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
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from dashboard.regex_trie import grouped
from dashboard.regex_twin import lowered_twin

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
_CASE_EXTRAS_LIST = tuple(CASE_EXTRAS)

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
        return _text_of(text)


# Kept for the last texts read: the count patterns read a sentence's text six times over (deaths,
# injured, displaced), the lexicon and the dates again.
@lru_cache(maxsize=256)
def _text_of(text: str) -> Text:
    # Four substring searches in C: `CASE_EXTRAS.isdisjoint(text)` hashes every character of the
    # text (90 % of the time of this call on a sentence, more on a whole article).
    return Text(text, text.lower(), not any(c in text for c in _CASE_EXTRAS_LIST))


@dataclass(frozen=True)
class Needs:
    """Strings one of which is in every match of a pattern (lower-cased when the pattern ignores
    case); none: no such strings are known, and the pattern may match any text."""

    words: tuple[str, ...]
    folded: bool
    # Many words are looked for by one pattern of them (no `\b` before it, so `re` skips ahead to
    # the characters that may begin one): faster than a substring search per word.
    finder: re.Pattern[str] | None = None
    # The pattern without IGNORECASE, for a text's lower-cased form (see `lowered_twin`), `fronted`.
    twin: re.Pattern[str] | None = None
    # The pattern itself `fronted`, for the text as written (None: it has no front).
    front: re.Pattern[str] | None = None

    def may_match(self, text: Text) -> bool:
        if not self.words:
            return True
        if self.folded and not text.folds:
            return True
        hay = text.low if self.folded else text.raw
        if self.finder is not None:
            return self.finder.search(hay) is not None
        for w in self.words:  # a loop, not any(…): no generator made per pattern and text
            if w in hay:
                return True
        return False

    def finditer(self, pattern: re.Pattern[str], text: Text) -> Iterator[re.Match[str]]:
        """`pattern`'s matches in the text: by its twin over the lower-cased text where that finds the
        same spans (the matches' offsets are the text's, their strings lower-cased)."""
        if self.twin is not None and text.folds:
            return self.twin.finditer(text.low)
        return (self.front or pattern).finditer(text.raw)

    def search(self, pattern: re.Pattern[str], text: Text) -> re.Match[str] | None:
        """`pattern`'s first match in the text, as `finditer` finds them."""
        if self.twin is not None and text.folds:
            return self.twin.search(text.low)
        return (self.front or pattern).search(text.raw)


ANY_TEXT = Needs((), False)  # no test: the pattern runs over every text


def search(pattern: re.Pattern[str], text: str) -> re.Match[str] | None:
    """`pattern.search(text)`, not run when the text holds none of the pattern's words, and by its
    lower-case twin where it has one: the same span, but the match's strings are lower-cased, so a
    caller reads offsets from it (or only whether there is one)."""
    needs, hay = needs_of(pattern), Text.of(text)
    return needs.search(pattern, hay) if needs.may_match(hay) else None


def finditer(pattern: re.Pattern[str], text: str) -> Iterator[re.Match[str]]:
    """`pattern.finditer(text)` as `search` finds it (the same spans; strings lower-cased by a twin)."""
    needs, hay = needs_of(pattern), Text.of(text)
    return needs.finditer(pattern, hay) if needs.may_match(hay) else iter(())


@dataclass(frozen=True)
class NeedsSet:
    """The tests of many patterns at once (the actor dictionary's 85): `may_match` gives what each
    pattern's own `Needs.may_match` would, from one scan of the text per case where each test
    searched the text for each of its words (85 tests of up to 51 words each, per sentence).

    A scan looks at every position of the text for the longest of the words that begins there (a
    lookahead: matches may overlap); every word beginning there is a beginning of that one, so the
    words found, each with the words it begins with, are every word in the text."""

    needs: tuple[Needs, ...]
    raw: _Scan | None  # the words of the patterns that keep case, over the text as written
    low: _Scan | None  # those of the patterns that ignore it, over the lower-cased text
    # Before any scan, for a text that folds and for one that does not: a pattern without words may
    # match any text, and one that ignores case any text that does not fold.
    start: tuple[tuple[bool, ...], tuple[bool, ...]] = ((), ())

    @classmethod
    def of(cls, needs: Sequence[Needs]) -> NeedsSet:
        needs = tuple(needs)
        start = tuple(tuple(not n.words or n.folded and not folds for n in needs) for folds in (True, False))
        return cls(needs, _Scan.of(needs, folded=False), _Scan.of(needs, folded=True), (start[0], start[1]))

    def may_match(self, text: Text) -> list[bool]:
        """For each pattern, whether it may match the text (`Needs.may_match`)."""
        out = list(self.start[0] if text.folds else self.start[1])
        for scan, hay in ((self.raw, text.raw), (self.low, text.low if text.folds else None)):
            if scan is None or hay is None:
                continue
            for m in scan.finder.finditer(hay):
                for k in scan.by_word[m.group(1)]:
                    out[k] = True
        return out


@dataclass(frozen=True)
class _Scan:
    """One case's scan for a NeedsSet: its pattern, and for each word it may find the patterns (by
    position) that need that word or a word it begins with."""

    finder: re.Pattern[str]
    by_word: dict[str, tuple[int, ...]]

    @classmethod
    def of(cls, needs: tuple[Needs, ...], folded: bool) -> _Scan | None:
        mine = [(k, n) for k, n in enumerate(needs) if n.words and n.folded == folded]
        words = {w for _, n in mine for w in n.words}
        if not words:
            return None
        by_word = {
            found: tuple(k for k, n in mine if any(found.startswith(w) for w in n.words)) for found in sorted(words)
        }
        trie = _longest_first(words)
        if "" in words:
            return cls(re.compile("(?=(" + trie + "))"), by_word)
        # One character consumed, then the word looked for behind it: the same word at each position
        # as `(?=(trie))`, but `re` skips ahead to the characters a word may begin with (it tries a
        # pattern that begins with a lookahead in full at every position).
        first = "[" + "".join(re.escape(c) for c in sorted({w[0] for w in words})) + "]"
        return cls(re.compile(f"{first}(?<=(?=({trie})){first})"), by_word)


def _longest_first(words: set[str]) -> str:
    """A pattern matching any of `words` from where it starts, the longest that fits first: a trie
    whose branches try the longer words before ending at a shorter one ("syria(?:n|)")."""
    tree: dict[str, dict] = {}
    for w in words:
        node = tree
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}  # a word ends here

    def spelt(node: dict[str, dict]) -> str:
        alts = [re.escape(ch) + spelt(sub) for ch, sub in sorted(node.items()) if ch]
        if "" in node:
            alts.append("")  # tried last: a longer word through this node first
        return "" if alts == [""] else alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"

    return spelt(tree)


# The Needs of the patterns asked about, by the pattern's id: `re` hashes a compiled pattern's whole
# program at every hash (27 µs for the toll pattern of 6,000 characters), which an lru_cache keyed
# by the pattern paid at each call. The entry keeps its pattern alive, so the id stays its own.
_BY_ID: dict[int, tuple[re.Pattern[str], Needs]] = {}
_BY_ID_MAX = 4096


def needs_of(pattern: re.Pattern[str]) -> Needs:
    """The words every match of `pattern` holds one of, read from its parse (once per pattern)."""
    hit = _BY_ID.get(id(pattern))
    if hit is not None and hit[0] is pattern:
        return hit[1]
    if len(_BY_ID) >= _BY_ID_MAX:
        _BY_ID.clear()
    needs = _BY_ID[id(pattern)] = (pattern, _needs_of(pattern))
    return needs[1]


@lru_cache(maxsize=1024)
def _needs_of(pattern: re.Pattern[str]) -> Needs:
    folded = bool(pattern.flags & re.IGNORECASE)
    # What runs is `grouped` too: the same matches, with fewer of a choice's branches tried per position.
    twin = grouped(fronted(lowered_twin(pattern)))
    front = grouped(fronted(pattern))
    front = front if front is not pattern else None
    if pattern.flags & re.LOCALE or sre_parse is None:
        return Needs((), folded, twin=twin, front=front)
    try:
        words = _needs(list(sre_parse.parse(pattern.pattern, pattern.flags).data))
    except (AttributeError, TypeError, ValueError, IndexError):
        return Needs((), folded, twin=twin, front=front)  # a parse of another shape than this module reads: always run
    if not words:
        return Needs((), folded, twin=twin, front=front)
    if folded:
        words = {w.lower() for w in words}
    # A word that holds a shorter one adds nothing: the shorter is in every text the longer is.
    kept = sorted(w for w in words if not any(v != w and v in w for v in words))
    finder = re.compile(_trie(kept)) if len(kept) > _FEW_WORDS else None
    return Needs(tuple(kept), folded, finder, twin, front)


def _trie(words: list[str]) -> str:
    """A pattern that finds any of `words` (none holding another), their shared beginnings written
    once ("a(?:rmy|ircraft)"): `re` tries an alternation's branches one by one at each position."""
    tree: dict[str, dict] = {}
    for w in words:
        node = tree
        for ch in w:
            node = node.setdefault(ch, {})

    def spelt(node: dict[str, dict]) -> str:
        alts = [re.escape(ch) + spelt(sub) for ch, sub in sorted(node.items())]
        return "" if not alts else alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"

    return spelt(tree)


def fronted(pattern: re.Pattern[str] | None) -> re.Pattern[str] | None:
    """`pattern` behind a lookahead for the characters its matches may begin with (`(?=[rs])\\b(?:rebels?|
    soldiers)`), when it begins with a test that consumes nothing (`\\b`, a lookaround) and keeps case:
    `re` skips ahead to a literal or a class a pattern begins with, but tries one that begins with `\\b`
    in full at every position; the lookahead turns most positions down at once (40 % less time for the
    actor dictionary over a whole article). It finds the same matches: each of them begins with one
    of those characters. The pattern itself when its beginnings are unknown or it ignores case."""
    if pattern is None or pattern.flags & (re.IGNORECASE | re.LOCALE) or sre_parse is None:
        return pattern
    try:
        items = list(sre_parse.parse(pattern.pattern, pattern.flags).data)
        if not items or not _consumes_nothing(*items[0]):
            return pattern  # it begins with what it consumes: `re` skips ahead by it already
        first = {w[:1] for w in _beginnings(items)[0]}
        if "" in first:
            return pattern  # a match may begin with anything, or be empty
        ahead = "(?=[" + "".join(re.escape(c) for c in sorted(first)) + "])"
        return re.compile(ahead + pattern.pattern, pattern.flags)
    except (AttributeError, TypeError, ValueError, IndexError, re.error):
        return pattern  # a parse of another shape than this module reads, or inline flags first


def _consumes_nothing(op: Any, av: Any) -> bool:
    """Whether a parsed item is a test that consumes nothing: `\\b`, a lookaround, or a group or a
    choice of them only (`(?:\\b|(?<=\\s))`)."""
    if op in _ZERO_WIDTH:
        return True
    if op is sre_c.SUBPATTERN and not (av[1] | av[2]):
        return bool(av[3].data) and all(_consumes_nothing(o, a) for o, a in av[3].data)
    if op is sre_c.BRANCH:
        return all(alt.data and all(_consumes_nothing(o, a) for o, a in alt.data) for alt in av[1])
    return False


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
        for found in _beginnings_by_length(items[k:]):
            best = _better(best, found)
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


def _beginnings_by_length(items: Sequence[Item]) -> list[set[str]]:
    """The beginnings of every match of a sequence spelt up to each of its items in turn (`strike`,
    then `strike on`, `strikes on`, …): each set is one every match holds one of, and a shorter one
    of fewer words may be the better test (`_better`)."""
    out, sets = {""}, []
    for op, av in items:
        if op in _ZERO_WIDTH:
            continue
        spelt, whole = _spelt(op, av)
        if spelt is None or len(out) * len(spelt) > _MAX_WORDS:
            break
        out = {w + v for w in out for v in spelt}
        sets.append(out)
        if not whole:
            break
    return sets


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
