"""Where a sentence cannot start: a spaCy component run before the parser (`load_nlp`).

The parser of the small English model splits sentences by its own guess, and now and then cuts one
before a word in lower case: "Attacks in the east" and a blank line, then "M23 rebels seized the
town …", came out as "M23" alone and a sentence "rebels seized the town …" with no subject, so the
rebels were no one's. An English sentence opens with a capital (or a digit, a quotation mark): a
word in lower case right after another word or a comma continues the sentence it is in. Only after
a full stop, a question or an exclamation mark, or at a line's start, is the parser left to choose
(scraped copy drops capitals there: "on Monday. earlier three people were killed").
Rule `sentences.lowercase_continuation`.
"""

from __future__ import annotations

from typing import Any

LOWERCASE_COMPONENT = "lowercase_continuation"
_ENDS = (".", "!", "?")


def lowercase_continuation(doc: Any) -> Any:
    for tok in doc[1:]:
        if tok.is_sent_start is not None or not tok.is_alpha or not tok.text[0].islower():
            continue  # a start set already (a paragraph's), or no word in lower case
        prev = doc[tok.i - 1]
        if not prev.is_space and not prev.text.endswith(_ENDS):
            tok.is_sent_start = False
    return doc
