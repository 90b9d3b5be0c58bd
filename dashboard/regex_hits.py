"""A NeedsSet's answers for a piece of a text (a sentence of an article) read from one scan of the
whole text, where each piece was scanned again.

The actor dictionary's words are looked for in a whole article when its sites are checked, then in
each event sentence of it, which is a piece of that article: the same characters scanned twice.
`hits` keeps where the scan of the whole text found a word (the longest word beginning at each
position, as `NeedsSet.may_match` reads them) and `may_match_within` answers for a piece from the
words found at its positions. That answer is never narrower than the piece's own scan, so no
pattern that may match is left out: a word the piece's scan finds at a position is a beginning of
the word the whole text's scan found there (both are words the text spells from that position, and
the whole text's is the longest), and stands for every pattern that one stands for. It may be wider
only for a word that runs past the piece's end: then a pattern more runs, and finds nothing a test
of its words would not have let it find. What the patterns match never changes.
"""

from __future__ import annotations

import bisect
from typing import Any

from dashboard.regex_needs import NeedsSet, Text

# Per scan (the words of the patterns that keep case, then of those that ignore it): the positions
# of the text where a word begins, ascending, and the longest word beginning at each; then the
# lower-cased text the second scan read. Plain lists and a string: kept with a Doc.
Hits = tuple[list[int], list[str], list[int], list[str], str]


def hits(needs: NeedsSet, text: str) -> Hits:
    """Where `needs`' words stand in `text` (see the module)."""
    low = text.lower()
    found: list[tuple[list[int], list[str]]] = []
    for scan, hay in ((needs.raw, text), (needs.low, low)):
        matches = list(scan.finder.finditer(hay)) if scan is not None else []
        found.append(([m.start() for m in matches], [m.group(1) for m in matches]))
    return found[0][0], found[0][1], found[1][0], found[1][1], low


def may_match_within(needs: NeedsSet, kept: Hits, start: int, piece: Text) -> list[bool] | None:
    """For each pattern of `needs`, whether it may match `piece`, the text's characters from `start`
    on (see the module); None when the answer cannot be read from `kept`: the piece holds a letter
    `re` folds to another ("ſ", see `Text`), or the text lower-cased is not the piece lower-cased
    where the piece stands (a letter whose lower case is longer, or a Greek final sigma)."""
    raw_at, raw_words, low_at, low_words, low = kept
    end = start + len(piece.raw)
    if not piece.folds or low[start:end] != piece.low:
        return None
    out = list(needs.start[0])
    for at, words, scan in ((raw_at, raw_words, needs.raw), (low_at, low_words, needs.low)):
        if scan is None:
            continue
        for k in range(bisect.bisect_left(at, start), bisect.bisect_left(at, end)):
            for pattern in scan.by_word[words[k]]:
                out[pattern] = True
    return out


def kept_hits(doc: Any, key: str) -> Hits | None:
    """The hits kept with the Doc under `key`, if any."""
    found = doc.user_data.get(key)
    return None if found is None else (found[0], found[1], found[2], found[3], found[4])
