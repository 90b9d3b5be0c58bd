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

import numpy as np
from spacy.attrs import IDX, IS_ALPHA, IS_SPACE, LENGTH, SENT_START

LOWERCASE_COMPONENT = "lowercase_continuation"
_ENDS = ".!?"
_NOT_START = np.uint64(np.iinfo(np.uint64).max)  # spaCy's -1 for SENT_START, as its arrays hold it


def lowercase_continuation(doc: Any) -> Any:
    # By the Doc's arrays, read and written once: setting `Token.is_sent_start` checks the whole Doc
    # for a parse each time (0.7 CPU s over the 407 bundled articles, against 0.13 s so).
    if len(doc) < 2:
        return doc
    cols = doc.to_array([SENT_START, IS_ALPHA, IS_SPACE, IDX, LENGTH])
    start, alpha, space, idx, length = (cols[:, k] for k in range(5))
    text = doc.text
    # Words with no start set (a paragraph's is set already) after a token that is no whitespace.
    maybe = np.flatnonzero((start[1:] == 0) & (alpha[1:] == 1) & (space[:-1] == 0)) + 1
    out = start.copy()
    for i in maybe.tolist():
        if text[idx[i]].islower() and text[idx[i - 1] + length[i - 1] - 1] not in _ENDS:
            out[i] = _NOT_START
    if (out != start).any():
        doc.from_array([SENT_START], out.reshape(-1, 1))
    return doc
