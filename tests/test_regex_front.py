"""A pattern `fronted` (regex_needs.fronted: behind a lookahead for the characters its matches may
begin with) finds exactly the matches the pattern finds, and a pattern whose beginnings are unknown
is left as it is."""

from __future__ import annotations

import random
import re

from dashboard.dates import _PATTERNS as DATE_PATTERNS
from dashboard.events.actors import load_dictionary
from dashboard.regex_needs import fronted, needs_of
from tests.test_regex_needs import SENTENCES, _patterns, _variants

# Pieces of patterns that begin with a test that consumes nothing, as the rules' patterns do.
_OPENERS = [r"\b", r"(?<!\w)", r"(?<=\s)", r"(?:\b|(?<=-))", r"(?!ab)", r"\B", r"(?=\w)"]
_PIECES = [r"ab?", r"(?:ba|c)", r"a(?:b|)", r"c+", r"(?:a |b-)?", r"[ab]", r"(?:c|a)*b", r"\s*a", r"."]
_CLOSERS = ["", r"\b", r"(?!c)", r"\s", r"(?<=b)"]


def _match_list(pattern: re.Pattern[str], text: str) -> list[tuple]:
    return [(m.span(), m.groups(), m.groupdict()) for m in pattern.finditer(text)]


def random_texts(rng: random.Random, letters: str, count: int, longest: int) -> list[str]:
    return ["".join(rng.choice(letters) for _ in range(rng.randint(0, longest))) for _ in range(count)]


def assert_same_matches(made: re.Pattern[str], pattern: re.Pattern[str], texts: list[str]) -> None:
    """`made` (from `pattern`) finds exactly `pattern`'s matches, groups included, in each text."""
    for text in texts:
        assert _match_list(made, text) == _match_list(pattern, text), (pattern.pattern, text)


def test_a_fronted_pattern_finds_the_same_matches() -> None:
    rng = random.Random(3)
    texts = [v for s in SENTENCES for v in _variants(s, rng)] + ["On 3 March 2019, and Tuesday, June 4, the 12th."]
    patterns = [needs_of(p).twin or p for p in _patterns()] + [p for _, p in DATE_PATTERNS]
    fronts = 0
    for pattern in patterns:
        front = fronted(pattern)
        fronts += front is not pattern
        for text in texts:
            for hay in (text, text.lower()):
                assert _match_list(front, hay) == _match_list(pattern, hay), (pattern.pattern[:60], hay)
    assert fronts > 80  # the actor dictionary's twins and the month patterns have a front


def test_random_patterns_fronted_find_the_same_matches() -> None:
    rng = random.Random(8)
    fronts = 0
    for _ in range(600):
        parts = [rng.choice(_OPENERS)] + [rng.choice(_PIECES) for _ in range(rng.randint(1, 3))]
        pattern = re.compile("".join(parts) + rng.choice(_CLOSERS))
        front = fronted(pattern)
        fronts += front is not pattern
        assert_same_matches(front, pattern, random_texts(rng, "abc -\n", 20, 14))
    assert fronts > 150


def test_no_front_where_a_match_may_begin_anywhere_or_re_skips_ahead_already() -> None:
    for source, flags in [
        (r"\b\w+", 0),  # a class it cannot spell out
        (r"\b(?:a)?", 0),  # an empty match
        (r"\bsyria\b", re.I),  # ignoring case: its twin gets the front
        (r"syria\b", 0),  # a literal first: `re` skips ahead by it
        (r"\b(?:ab|.c)", 0),
    ]:
        pattern = re.compile(source, flags)
        assert fronted(pattern) is pattern, source
    assert fronted(re.compile(r"\b(?:rebels?|soldiers)\b")).pattern == r"(?=[rs])\b(?:rebels?|soldiers)\b"
    assert fronted(None) is None


def test_the_dictionary_twins_are_fronted() -> None:
    d = load_dictionary()
    twins = [n.twin for n in d.needs if n.twin is not None]
    assert twins and all(t.pattern.startswith("(?=[") for t in twins)
