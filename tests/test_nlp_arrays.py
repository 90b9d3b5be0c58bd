"""The Doc's per-token facts read without making tokens (dashboard/nlp.py) agree with the tokens."""

from __future__ import annotations

from dashboard.nlp import lower_case_words, span_text, token_from, token_starts, token_table, tokens_between

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


def test_the_token_table_agrees_with_the_tokens(nlp) -> None:
    # Capitals outside ASCII and a title-case digraph too: the table reads the text as `str` does.
    for doc in (nlp(TEXT), nlp(""), nlp("  "), nlp("Ödön met ǅemal in Şanlıurfa, not ıstanbul.")):
        table = token_table(doc)
        assert table["propn"] == [t.pos_ == "PROPN" for t in doc]
        assert table["noun"] == [t.pos_ == "NOUN" for t in doc]
        assert table["no_ent"] == [t.ent_iob_ == "O" for t in doc]
        assert table["long_word"] == [t.is_alpha and len(t) > 3 for t in doc]
        assert table["upper_initial"] == [t.text[:1].isupper() for t in doc]
        assert table["space"] == [t.is_space for t in doc]
        assert token_table(doc) is table  # kept with the Doc


def test_span_text_and_token_from_agree_with_the_tokens(nlp) -> None:
    doc = nlp(TEXT)
    for span in [*doc.sents, *doc.ents, doc[2:9], doc[5:5]]:
        assert span_text(span) == span.text
        for offset in (-1, span.start_char, span.start_char + 4, span.end_char - 1, span.end_char, 10**6):
            assert token_from(span, offset) == next((t for t in span if t.idx >= offset), None)
