"""A pattern `grouped` (regex_trie.grouped: a choice's branches brought together by their first
character) finds exactly the matches, groups included, that the pattern finds; a pattern with nothing
to group, or one that ignores case, is left as it is."""

from __future__ import annotations

import random
import re

from dashboard.dates import _PATTERNS as DATE_PATTERNS
from dashboard.events import mentions, numbers
from dashboard.regex_needs import needs_of
from dashboard.regex_trie import grouped
from tests.test_regex_front import assert_same_matches, random_texts
from tests.test_regex_needs import SENTENCES, _patterns, _variants

# Branches that share first characters or may begin with one another's, in every order.
_BRANCHES = [r"ab", r"a", r"abc", r"b", r"ba", r"(?:a|c)b", r"a?c", r"[ab]c", r"c", r"cab", r"", r"\w", r"(?=a)b"]
_BRANCHES += [r"a+", r"b*a"]
_AROUND = ["", r"\b", r"(?!c)", r"\s", r"(?<=b)", r"(x)?", r"c"]


def _rule_patterns() -> list[re.Pattern[str]]:
    """What the rules run through regex_needs (each pattern's twin or front), and the date patterns."""
    own = [getattr(m, name) for m in (numbers, mentions) for name in sorted(vars(m))]
    patterns = [p for p in _patterns() + own if isinstance(p, re.Pattern)]
    ran = [needs_of(p).twin or needs_of(p).front or p for p in patterns]
    return ran + [needs_of(p).front or p for _, p in DATE_PATTERNS]


def _texts(patterns: list[re.Pattern[str]], rng: random.Random) -> list[str]:
    """Texts made of the patterns' own words (so that they match), numbers and dates, in several cases."""
    words = sorted({w.strip() for p in patterns for w in needs_of(p).words if w.strip()})
    glue = ["", " ", ", ", " and ", " of the ", "-", " 12 ", " three ", " on 4 May 2019 ", "'s ", ". "]
    made = ["".join(rng.choice(words) + rng.choice(glue) for _ in range(rng.randint(1, 9))) for _ in range(300)]
    return [v for s in SENTENCES + made for v in _variants(s, rng)]


def test_the_rules_patterns_grouped_find_the_same_matches() -> None:
    rng = random.Random(11)
    patterns = _rule_patterns()
    texts = _texts(patterns, rng)
    changed = 0
    for pattern in patterns:
        regrouped = grouped(pattern)
        changed += regrouped is not pattern
        assert_same_matches(regrouped, pattern, texts + [t.lower() for t in texts])
    assert changed > 60  # the actor dictionary's, the lexicon's and the counts' choices of words


def test_random_choices_grouped_find_the_same_matches() -> None:
    rng = random.Random(5)
    changed = 0
    for _ in range(800):
        branches = [rng.choice(_BRANCHES) for _ in range(rng.randint(2, 6))]
        inner = "|".join(f"(?:{b})" if rng.random() < 0.3 else b for b in branches)
        group = "(?P<g>" if rng.random() < 0.3 else "(?:"
        try:
            after = rng.choice(["", "+", "?"]) + rng.choice(_AROUND)
            pattern = re.compile(rng.choice(_AROUND) + group + inner + ")" + after)
        except re.error:
            continue  # "(?=a)b+"-like pieces `re` refuses to repeat
        regrouped = grouped(pattern)
        changed += regrouped is not pattern
        assert_same_matches(regrouped, pattern, random_texts(rng, "abcx -", 25, 12))
    assert changed > 150


def test_grouping_writes_each_first_character_once_and_keeps_the_order_that_decides() -> None:
    pattern = re.compile(r"\b(?:civilians?|people|children|cars)\b")
    regrouped = grouped(pattern)
    assert regrouped is not pattern and regrouped.pattern == pattern.pattern  # the written pattern is kept
    assert regrouped.search("two children").group() == "children"
    # "ab" cannot move above "(?:a|b)c", which may begin with its letter: "abc" is still found as "ab".
    assert grouped(re.compile(r"a|(?:a|b)c|ab")).findall("abc") == re.findall(r"a|(?:a|b)c|ab", "abc")
    for source, flags in [
        (r"\b(?:syria|saudi)\b", re.I),  # ignoring case: a letter stands for two (its twin is grouped)
        (r"\b(?:rebels|soldiers)\b", 0),  # no two branches begin alike
        (r"\w+", 0),
    ]:
        pattern = re.compile(source, flags)
        assert grouped(pattern) is pattern, source
    assert grouped(None) is None
