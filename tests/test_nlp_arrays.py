"""The Doc's per-token facts read without making tokens (dashboard/nlp.py) agree with the tokens."""

from __future__ import annotations

from dashboard.nlp import lower_case_words, token_starts, tokens_between

# Written for this test.
TEXT = (
    "ALEPPO, March 3 (Wire) - Shelling hit the old quarter of Tal Rifaat on Monday, and two houses burned.\n\n"
    "Residents of the town said the militia had left; the monitor counted 14 dead. Nobody else spoke."
)


def test_the_arrays_agree_with_the_tokens(nlp) -> None:
    for doc in (nlp(TEXT), nlp(""), nlp("word")):
        assert lower_case_words(doc) == frozenset(t.text for t in doc if t.is_lower)
        assert token_starts(doc) == [t.idx for t in doc]
        for sent in doc.sents:
            for a, b in ((sent.start_char, sent.end_char), (sent.start_char + 3, sent.start_char + 17), (0, 10**6)):
                assert list(tokens_between(sent, a, b)) == [t.i for t in sent if a <= t.idx < b]
