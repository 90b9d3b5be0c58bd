"""`regex_hits`: a piece of a text answered from the whole text's scan never leaves out a pattern its
own scan lets run (the actor dictionary's patterns, pieces cut anywhere, across words and letters
whose lower case moves), and is the piece's own answer when no word runs past its end."""

from __future__ import annotations

import random

from dashboard.events.actors import load_dictionary
from dashboard.regex_hits import hits, may_match_within
from dashboard.regex_needs import Text

TEXT = (
    "Syrian government forces and Russian jets struck rebel-held Idlib on Monday, activists said. "
    "The U.S.-led coalition denied it. Hezbollah fighters, Daesh militants and civilians fled; "
    "a boy and three women were killed. ΣΟΦΙΑΣ ΟΔΟΣ and the İstanbul office of HTS stayed shut. "
    "Barrel bombs hit a market in the old quarter at noon; the Syrian Observatory for Human Rights counted the dead."
)


def test_a_piece_is_answered_as_widely_as_its_own_scan() -> None:
    needs = load_dictionary().needs_set
    assert needs is not None
    kept = hits(needs, TEXT)
    rng = random.Random(7)
    cuts = [(a, b) for a in range(0, len(TEXT), 7) for b in (a + 1, a + 13, a + 60, len(TEXT))]
    cuts += [tuple(sorted(rng.sample(range(len(TEXT) + 1), 2))) for _ in range(300)]
    answered = 0
    for a, b in cuts:
        piece = Text.of(TEXT[a:b])
        got = may_match_within(needs, kept, a, piece)
        if got is None:
            assert not piece.folds or TEXT.lower()[a:b] != piece.low
            continue
        answered += 1
        own = needs.may_match(piece)
        assert all(g or not o for g, o in zip(got, own, strict=True)), (a, b)
    assert answered > 150  # the pieces before the "İ", whose lower case is two characters


def test_the_whole_text_is_its_own_answer() -> None:
    needs = load_dictionary().needs_set
    assert needs is not None
    text = TEXT.replace("İ", "I")
    assert may_match_within(needs, hits(needs, text), 0, Text.of(text)) == needs.may_match(Text.of(text))
