"""A pattern's lower-case twin (regex_needs.lowered_twin) finds, over a folding text's lower-cased
form, exactly the spans the pattern finds over the text."""

from __future__ import annotations

import random
import re

from dashboard.regex_needs import CASE_EXTRAS, Text, _trie, needs_of
from dashboard.regex_twin import TWIN_LETTERS, lowered_twin
from tests.test_regex_needs import SENTENCES, _patterns, _variants

EVERY = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c < 0xE000)


def test_the_twin_finds_the_patterns_spans() -> None:
    rng = random.Random(11)
    texts = [v for s in SENTENCES for v in _variants(s, rng)] + ["Türkiye's army, TÜRKIYE'S ARMY", "ÇA ÑA éÉ"]
    twins = 0
    for pattern in _patterns():
        needs = needs_of(pattern)
        twins += needs.twin is not None
        for text in texts:
            hay = Text.of(text)
            assert [m.span() for m in needs.finditer(pattern, hay)] == [m.span() for m in pattern.finditer(text)]
            found, expected = needs.search(pattern, hay), pattern.search(text)
            assert (found and found.span()) == (expected and expected.span()), (pattern.pattern[:60], text)
    assert twins > 80  # the dictionary's and the lexicon's patterns have one


def test_lower_casing_a_folding_text_keeps_its_length_and_classes() -> None:
    text = "".join(c for c in EVERY if c not in CASE_EXTRAS)
    low = text.lower()
    assert len(low) == len(text)  # every character lower-cases to one character
    for cls in (r"\w", r"\s", r"\d"):
        assert [m.start() for m in re.finditer(cls, text)] == [m.start() for m in re.finditer(cls, low)], cls


def test_re_ignoring_case_matches_a_twin_letter_where_lower_casing_makes_it() -> None:
    letters = "abcdefghijklmnopqrstuvwxyz" + "".join(sorted(TWIN_LETTERS))
    by_lower: dict[str, set[str]] = {letter: set() for letter in letters}
    for c in EVERY:
        if c not in CASE_EXTRAS and c.lower() in by_lower:
            by_lower[c.lower()].add(c)
    for letter in letters:
        by_re = {m.group() for m in re.finditer(re.escape(letter), EVERY, re.I)} - CASE_EXTRAS
        assert by_re == by_lower[letter], letter


def test_no_twin_where_the_spans_could_differ() -> None:
    for source in [r"\bFoo", r"\x41b", r"[!-~]x", r"(?-i:ab)c", r"(a)\1", r"σ", r"(?>ab)"]:
        assert lowered_twin(re.compile(source, re.I)) is None, source
    assert lowered_twin(re.compile(r"\bfoo\b")) is None  # case kept: nothing to gain
    for source in [r"\b(?:al-)?nusra\b", r"[\w.]+[- ](?:run|based)", r"türkiye", r"[^a-z]\s\S\W", r"(?<!x)y"]:
        assert lowered_twin(re.compile(source, re.I)) is not None, source


def test_the_finder_of_many_words_finds_a_text_with_one() -> None:
    rng = random.Random(5)
    for _ in range(200):
        words = sorted({"".join(rng.choice("abc .") for _ in range(rng.randint(1, 4))) for _ in range(12)})
        kept = [w for w in words if not any(v != w and v in w for v in words)]
        finder = re.compile(_trie(kept))
        for _ in range(20):
            hay = "".join(rng.choice("abcd .") for _ in range(rng.randint(0, 12)))
            assert (finder.search(hay) is not None) == any(w in hay for w in kept), (kept, hay)


def test_the_count_and_mention_patterns_run_by_regex_needs_find_their_own_spans() -> None:
    from dashboard.events import furniture, mentions, numbers
    from dashboard.geo import epithets
    from dashboard.regex_needs import finditer, search

    counts = [numbers._KILL_AFTER, numbers._KILL_BEFORE, numbers._TOLL, numbers._LIVES, numbers._INJ, numbers._DISP]
    # The words of a count spell the typographic apostrophe (`[\w'’-]`), which has no case.
    assert all(needs_of(p).twin is not None for p in counts)
    others = [mentions._RUNNING, mentions._CAMPAIGN, furniture._CAPTION, furniture._FURNITURE_INSIDE]
    others += [furniture._WIRE_DATELINE, epithets._CAPITAL]
    rng = random.Random(3)
    texts = [
        "At least 12 villagers’ relatives, among them two boys, were killed as jets kept pounding the hills.",
        "Seven people from the same family died; the wounded, 40 in all, were taken away (AFP).",
        "The death toll rose to thirty-one since the start of the siege, the medics’ union said.",
        "Fighting has since spread across much of the valley | Video | Photos | Related News",
        "OMSK (Reuters) The regional capital, and the Fooian capital too, saw dozens killed.",
    ]
    texts = [v for t in texts for v in _variants(t, rng)]
    for pattern in counts + others:
        for text in texts:
            assert [m.span() for m in finditer(pattern, text)] == [m.span() for m in pattern.finditer(text)]
            found, expected = search(pattern, text), pattern.search(text)
            assert (found and found.span()) == (expected and expected.span()), (pattern.pattern[:60], text)
