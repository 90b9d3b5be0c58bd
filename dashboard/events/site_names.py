"""The tokens of a site's name: the run of proper nouns a name head stands in, and the cut of a run
that lost its commas into its names (`location.unpunctuated_list`). Used by `dashboard.events.sites`."""

from __future__ import annotations

from collections.abc import Iterable
from itertools import compress
from pathlib import Path
from typing import Any

from dashboard.geo.gazetteer import fold, skeleton
from dashboard.nlp import base_form, kept_by_token, token_table
from dashboard.wordlists import word_set

WORDS = Path(__file__).with_name("words.toml")  # the word lists, each with why it exists

NOT_NAMES = word_set(WORDS, "sites.not_names") | word_set(WORDS, "sites.communities")
DISLODGE_VERBS = word_set(WORDS, "extract.dislodge_verbs")
NAME_OPENERS = word_set(WORDS, "sites.name_openers")
PART_OF_NOUNS = word_set(WORDS, "sites.part_of_nouns")
LOCATION_VERBS = word_set(WORDS, "sites.location_verbs")
VILLAGE_NOUNS = word_set(WORDS, "sites.village_nouns")
PART_NOUNS = word_set(WORDS, "sites.part_nouns")
SITE_NOUNS = word_set(WORDS, "sites.site_nouns")
SITE_LABEL = "SITE"  # the label of a toponym this module adds (a name the gazetteer lacks)
# The label of a site cut out of a run of names with no commas: one of a list of villages around the
# town the sentence puts them at, each finer than that town (a lone site such as "the Presidential
# Complex in Ankara" is coded at its town).
LISTED_SITE_LABEL = "SITE_LIST"
# The label of a site the text calls a village or a town ("the village of X", "X, a village near Y"): a
# settlement of its own, finer than the town it is put at (`location.named_village`), where a lone
# site such as a building is coded at its town.
VILLAGE_LABEL = "SITE_VILLAGE"
SITE_LABELS = frozenset({SITE_LABEL, LISTED_SITE_LABEL, VILLAGE_LABEL})


def _name_part(tok: Any) -> bool:
    return tok.pos_ == "PROPN" and tok.lower_ not in NOT_NAMES or tok.text == "-"


def dropped_comma_part(tok: Any) -> Any | None:
    """ "the village of X part of the Y district" with the apposition's comma left out: the parse makes
    the name a modifier of "part" ("X part"), so "part" stands where the name does; returns that word
    (`location.dropped_comma_part`). A known place before "part" ("the Aleppo part of the offensive")
    is no site and is not asked about."""
    head = tok.head
    if tok.dep_ == "compound" and head.i == tok.i + 1 and head.lower_ in PART_OF_NOUNS:
        return head
    return None


def site_key(name: str) -> str:
    """One key for the spellings of one name ("Kafr Zeita", "Kafr Zaita"): one site in an article."""
    return skeleton(fold(name)) or fold(name)


def name_tokens(head: Any) -> list[Any]:
    """The tokens of the proper name around `head`: the run of proper nouns it stands in ("al - Mallah",
    "Kafr Hamra", "Tell Hawash"), at most six tokens each way, without a hyphen at either end."""
    doc = head.doc
    lo = hi = head.i
    while lo > max(0, head.i - 6) and _name_part(doc[lo - 1]) and doc[lo - 1].sent == head.sent:
        lo -= 1
    while hi < min(len(doc) - 1, head.i + 6) and _name_part(doc[hi + 1]) and doc[hi + 1].sent == head.sent:
        hi += 1
    run = list(doc[lo : hi + 1])
    while run and run[0].text == "-":
        run.pop(0)
    while run and run[-1].text == "-":
        run.pop()
    return run


def cut_before(run: list[Any], spans: Iterable[tuple[int, int]]) -> list[Any]:
    """The run up to the first token inside one of `spans` (`location.site_before_reporter`): a run of
    capitals with no commas runs on into the source that follows the place ("in the village of X
    Amnesty International said"), whose name is no part of the site's."""
    for k, tok in enumerate(run):
        if any(s <= tok.idx < e for s, e in spans):
            return run[:k]
    return run


def split_run(run: list[Any]) -> list[list[Any]]:
    """A run of name tokens with no commas, cut before each word that opens an Arabic place name:
    "Kafr Hamra Abu Zaid Tell Sukkar" → "Kafr Hamra", "Abu Zaid", "Tell Sukkar". A cut that would
    leave a one-word piece is not made ("Khan Sheikh Issa", "Tell Abu Hamra" stay whole)."""

    def words(toks: list[Any]) -> int:
        return sum(t.text != "-" for t in toks)

    pieces: list[list[Any]] = [[]]
    for k, tok in enumerate(run):
        if tok.text in NAME_OPENERS and words(pieces[-1]) >= 2 and words(run[k:]) >= 2:
            pieces.append([])
        pieces[-1].append(tok)
    return [p for p in pieces if p]


def foreign_site(run: list[Any], known: dict[int, Any], where: Any) -> bool:
    """ "the nearby Turkish town of X": the text gives the site a country that is not the one of the
    known place it would be put at (`location.foreign_site`), so it is no site of that place."""
    if not run or where is None or where.place is None:
        return False
    tok = run[-1]
    noun = tok.head.head if tok.dep_ == "pobj" and tok.head.lower_ == "of" else tok.head
    for c in noun.children:
        t = known.get(c.i)
        if t is not None and t.place is not None and t.place.precision >= 4:
            if t.place.country_code != where.place.country_code:
                return True
    return False


def dislodged_from(prep: Any) -> bool:
    """Whether a preposition is the "from" of a verb of driving a side out ("ousted the group from
    X"): its place is where the ground changed hands, not where anyone came from (roles, sites)."""
    return prep.lower_ == "from" and base_form(prep.head) in DISLODGE_VERBS


QUOTES = frozenset({'"', "“", "”", "''", "``"})  # a quotation's marks, as the tokenizer leaves them


def before_quote(tok: Any) -> Any:
    """The name a quotation closes on, when the parse hangs it from the speaker's name after the mark
    ("…in the outskirts of Tal Mahra" Suleiman said": the site is Tal Mahra, Suleiman is who speaks). A
    name never runs across a quotation mark (`location.unlisted_site`)."""
    doc = tok.doc
    if tok.i == 0 or doc[tok.i - 1].text not in QUOTES:
        return tok
    inside = [c for c in tok.lefts if c.i < tok.i - 1 and c.dep_ in ("nmod", "compound", "appos") and c.pos_ == "PROPN"]
    return inside[-1] if inside else tok


def title_case(sent: Any) -> bool:
    """Whether most words of the sentence are capitalised, as in a headline."""
    # The words (alphabetic, over three letters) and their capitals read from the Doc's table: no Token made.
    table = token_table(sent.doc)
    upper = list(compress(table["upper_initial"][sent.start : sent.end], table["long_word"][sent.start : sent.end]))
    return len(upper) >= 3 and sum(upper) >= 0.6 * len(upper)


def site_noun_of(tok: Any) -> bool:
    """ "the villages of X": X is the object of "of" after a site noun."""
    return tok.dep_ == "pobj" and tok.head.lower_ == "of" and tok.head.head.lower_ in SITE_NOUNS


def conj_root(tok: Any) -> Any:
    while tok.dep_ == "conj" and tok.head.i != tok.i:
        tok = tok.head
    return tok


@kept_by_token("coordination_keys")  # asked twice per token on average, climbing the parse each time
def coordination_key(tok: Any) -> int:
    """The token a coordinated list of sites hangs from: "X and Y", "the towns of X and Y",
    "on X and on the towns of Y and Z" all give their members one key."""
    for _ in range(12):  # a list is never deeper; the bound keeps a cyclic parse from looping
        up = _list_step(tok)
        if up is None:
            break
        tok = up
    return tok.i


def _list_step(tok: Any) -> Any:
    """The token one step up a coordinated list of sites, or None at its top."""
    if tok.dep_ == "conj" and tok.head.i != tok.i:
        return tok.head
    if tok.dep_ in ("compound", "amod") and tok.head.lower_ in SITE_NOUNS:
        if any(c.dep_ == "prep" and c.lower_ == "of" for c in tok.head.children):
            return None  # "the Damascus suburb of Jaramana": the name before is the container, not a sibling
        return tok.head
    if site_noun_of(tok):
        return tok.head.head
    if tok.dep_ == "pobj" and tok.head.dep_ == "conj" and tok.head.pos_ == "ADP":
        return _first_object(tok)
    return None


def _first_object(tok: Any) -> Any:
    """ "on X and on Y": the object of the list's first preposition (None when it has none)."""
    first = conj_root(tok.head)
    objs = [c for c in first.children if c.dep_ == "pobj"]
    return objs[0] if objs else None
