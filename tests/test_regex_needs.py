"""The test that lets a rule's pattern skip a text (dashboard/regex_needs.py) only ever skips texts
the pattern cannot match."""

from __future__ import annotations

import random
import re

from dashboard.events.actors import load_dictionary
from dashboard.events.lexicon import load_lexicon
from dashboard.regex_needs import ANY_TEXT, CASE_EXTRAS, NeedsSet, Text, needs_of

# Written for these tests: names, verbs and shapes the patterns below look for, and near misses.
SENTENCES = [
    "Government warplanes bombed a market in the north of the province on Tuesday, killing nine.",
    "Fighters of the Eastern Front retook two hamlets after clashes with the militia.",
    "The monitor's sources said a drone hit a car near the crossing.",
    "A roadside bomb exploded beside a patrol of the coalition, local activists reported.",
    "U.S.-backed forces and Kurdish-led fighters advanced on the dam; US officials declined to comment.",
    "Nusra and al-Nusra Front men, or Jabhat al Nusra, were named in the statement.",
    "Protesters rallied outside the ministry and police detained twelve of them.",
    "NO CAPITALS ARE SPARED: SYRIAN ARMY JETS STRUCK THE TOWN.",
    "the talks in the capital ended without a deal, the agency said",
    "",
    "x",
]

HANDMADE = [
    re.compile(r"\b(?:al-)?nusra(?: front)?\b", re.I),
    re.compile(r"\bu\.?s\.?[- ]backed\b", re.I),
    re.compile(r"[\w.]+ (?:said|reported)\b"),
    re.compile(r"\b(?:a|the)\s+(?:drone|car)\b"),
    re.compile(r"(?i:market)s?"),
    re.compile(r"\bwar(?:planes?|ships?)\b", re.I),
    re.compile(r"\d+ (?:killed|dead)"),
    re.compile(r"(?:fo+|ba[rz])+ed", re.I),
]


def _patterns() -> list[re.Pattern[str]]:
    d = load_dictionary()
    return [p for p, _, _ in d.patterns] + [d.reporters] + [r.pattern for r in load_lexicon()] + HANDMADE


def _variants(text: str, rng: random.Random) -> list[str]:
    """The text, in other cases, with a letter `re` folds to ASCII put in, and cut short."""
    swapped = "".join(c.upper() if rng.random() < 0.5 else c.lower() for c in text)
    extra = rng.choice(sorted(CASE_EXTRAS))
    at = rng.randrange(len(text) + 1)
    return [text, text.upper(), text.lower(), swapped, text[:at] + extra + text[at:], text[: len(text) // 2]]


def test_a_skipped_text_is_one_the_pattern_cannot_match() -> None:
    rng = random.Random(7)
    texts = [v for s in SENTENCES for v in _variants(s, rng)]
    for pattern in _patterns():
        needs = needs_of(pattern)
        for text in texts:
            if not needs.may_match(Text.of(text)):
                assert pattern.search(text) is None, (pattern.pattern[:80], text)


def test_the_words_of_a_pattern() -> None:
    assert "nusra" in needs_of(HANDMADE[0]).words
    assert needs_of(HANDMADE[2]).words == (" reported", " said")  # not the class it begins with
    # A word spelt part of the way (every match holds "strike") beats the many short words after it.
    assert needs_of(re.compile(r"\b(?:\w+ )?strikes? (?:on|in|against)\b", re.I)).words == ("strike",)
    assert needs_of(re.compile(r"\b(?:air ?strikes?|(?:\w+ )?raids? (?:on|in))\b", re.I)).words == ("raid", "strike")
    assert needs_of(re.compile(r"\w+")) == needs_of(re.compile(r"(?:x|\d)")) == ANY_TEXT
    assert needs_of(re.compile("DEAD")).words == ("DEAD",)  # case kept when the pattern keeps it
    assert not needs_of(re.compile("DEAD")).may_match(Text.of("dead"))
    assert needs_of(re.compile("Dead", re.I)).may_match(Text.of("DEAD"))


def test_a_letter_re_folds_to_ascii_lets_every_pattern_run() -> None:
    needs = needs_of(re.compile(r"\bstrikes\b", re.I))
    assert re.search(r"\bstrikes\b", "\u017ftrikes", re.I)  # "ſ" is an "s" to re
    assert needs.may_match(Text.of("\u017ftrikes"))
    assert not needs.may_match(Text.of("strike"))


def test_case_extras_are_the_letters_re_folds_to_ascii() -> None:
    every = "".join(chr(c) for c in range(0x80, 0x110000) if not 0xD800 <= c < 0xE000)
    ascii_class = re.compile(r"[\x20-\x7e]", re.I)
    found = {m.group() for m in ascii_class.finditer(every)}
    # Those that lower-case to the ASCII letter itself are safe too, but listed all the same.
    assert found == CASE_EXTRAS


def test_a_needs_set_answers_as_each_pattern_s_own_test() -> None:
    # Words that begin others ("war", "warplane"), share beginnings, sit inside others, keep case or
    # not, and a pattern with no words: the one scan must give each pattern's own answer.
    extra = [
        re.compile(r"\bwar\b", re.I),
        re.compile(r"\bwarplanes?\b", re.I),
        re.compile(r"\bplane\b", re.I),
        re.compile(r"\bWar Office\b"),
        re.compile(r"\w+"),
    ]
    patterns = _patterns() + extra
    needs = [needs_of(p) for p in patterns]
    together = NeedsSet.of(needs)
    rng = random.Random(11)
    words = [w for n in needs for w in n.words]
    made = [" ".join(rng.choice(words) for _ in range(rng.randrange(1, 6))) for _ in range(300)]
    texts = [v for s in [*SENTENCES, *made, "warplane", "War Office warplanes"] for v in _variants(s, rng)]
    for text in texts:
        hay = Text.of(text)
        assert together.may_match(hay) == [n.may_match(hay) for n in needs], text


def test_the_reporters_test_skips_only_texts_without_a_reporter() -> None:
    # The dictionary's test for reporters looks for a reporter's own word where one can stand (with
    # modifiers before it, joined by any space, or none): it may skip a text only when `reporters`
    # cannot match it, and it does skip one that holds only the bare letters of a short name.
    d = load_dictionary()
    assert d.reporters_needs.finder is not None and d.reporters_needs.finder != needs_of(d.reporters).finder
    rng = random.Random(5)
    made = [
        "Kurdish-run\tactivists said",
        "the pro-government\n\nsources added",
        "Syrian state media and US-based monitors",
        "turkish  official   sources",
        "aid workers told AP-linked reporters",
        "the rebels captured a happy town",
    ]
    for text in [v for s in [*SENTENCES, *made] for v in _variants(s, rng)]:
        if d.reporters.search(text):
            assert d.reporters_needs.may_match(Text.of(text)), text
    assert not d.reporters_needs.may_match(Text.of("the rebels captured a happy town"))
