"""A site the gazetteer does not list, and the token a coordinated list of sites hangs from.

`location.unlisted_site` (an id in `dashboard.rules`): the gazetteer (GeoNames towns of 500 people or
more) lacks most villages, and the small NER model tags many of them PERSON or ORG. A capitalised name
the syntax itself calls a place is one: the head of "the village(s)/town(s) of X", a name before a site
noun ("X city", "the X area"), a name after a locative preposition that is placed in a known place ("in X
in Idlib") or at a bearing from one ("near X north of Hama"), or a name coordinated with such a name or
with a known town ("shelled Kafr Hamra and al-Mallah"). ACLED places a village it cannot find at the
nearest known place with geo_precision 2; so do we: the site keeps its own name, and takes the province
and coordinates of the known place the sentence puts it in (or, failing that, the nearest known place the
sentence or the one before names).

`coordination_key` (which token a list of sites hangs from) serves that rule and
`location.coordinated_sites` (coordination.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dashboard.events.actors import article_mentions, reporter_spans
from dashboard.events.site_names import (
    LISTED_SITE_LABEL,
    NOT_NAMES,
    PART_NOUNS,
    SITE_LABEL,
    SITE_NOUNS,
    VILLAGE_LABEL,
    before_quote,
    conj_root,
    coordination_key,
    cut_before,
    dislodged_from,
    dropped_comma_part,
    foreign_site,
    name_tokens,
    site_key,
    site_noun_of,
    split_run,
    title_case,
)
from dashboard.events.site_places import (
    abroad_speaker,
    attacked_site,
    called_village,
    offset_point,
    part_container,
    part_of_apposition,
    placed_in,
    precision,
    site_beside,
)
from dashboard.geo.gazetteer import unlisted_place
from dashboard.geo.toponyms import Toponym
from dashboard.lazy import Later
from dashboard.nlp import doc_text, token_table, tokens_between
from dashboard.rules import ALL_ON, Switches

WORDS = Path(__file__).with_name("words.toml")  # the word lists, each with why it exists

# A list after these is not where the action happened: "evacuated from X and Y", "on their way to X
# and Y", "fighting between X and Y".
AWAY_PREPS = frozenset({"from", "to", "toward", "towards", "between"})
LOCATIVE_PREPS = frozenset({"in", "near", "at", "on", "around", "outside", "into", "toward", "towards"})


def _is_name_head(tok: Any) -> bool:
    return (
        # The small tagger takes many a rare village name for a common noun; after "the village of"
        # inside a sentence, a capitalised word is a name all the same.
        # (`tok.sent` is found anew at each call: asked last.)
        (tok.pos_ == "PROPN" or tok.pos_ == "NOUN" and site_noun_of(tok) and tok.i > tok.sent.start)
        and tok.text[:1].isupper()
        and tok.lower_ not in NOT_NAMES
        and tok.ent_type_ not in ("DATE", "TIME", "CARDINAL", "ORDINAL", "MONEY", "PERCENT", "QUANTITY")
    )


def _before_site_noun(tok: Any) -> bool:
    """ "X city", "the X area": the name modifies a site noun; not when the noun names its place itself
    ("the northern Kurdish town of Y": the word before says what kind of town Y is)."""
    head = tok.head
    return (
        tok.dep_ == "compound"
        and head.lower_ in SITE_NOUNS
        and head.i == tok.i + 1
        and not any(c.dep_ == "prep" and c.lower_ == "of" for c in head.children)
    )


def _part_noun(tok: Any) -> bool:
    """ "the X neighbourhood", "the district of X": the name of a part of a town."""
    return (
        tok.dep_ == "compound"
        and tok.head.lower_ in PART_NOUNS
        or site_noun_of(tok)
        and tok.head.head.lower_ in PART_NOUNS
    )


def _away(tok: Any) -> bool:
    """Whether the list a name belongs to follows "from", "to" or "between"."""
    at = tok.doc[coordination_key(tok)]
    return at.dep_ == "pobj" and at.head.lower_ in AWAY_PREPS


def under_away(tok: Any) -> bool:
    """Whether a name stands, through lists, appositions and "of" phrases, under "to", "from" or
    "between" ("their journey to Aleppo, the province of Latakia or Damascus")."""
    for _ in range(12):
        if tok.dep_ == "prep":
            if tok.lower_ in AWAY_PREPS:
                return not dislodged_from(tok)
            if tok.lower_ != "of":
                return False
        if tok.dep_ not in ("conj", "appos", "pobj", "prep", "compound", "amod", "cc") or tok.head.i == tok.i:
            return False
        tok = tok.head
    return False


def _locative(tok: Any) -> bool:
    return tok.dep_ == "pobj" and tok.head.lower_ in LOCATIVE_PREPS


def _known_by_token(sent: Any, toponyms: Iterable[Toponym]) -> dict[int, Toponym]:
    out: dict[int, Toponym] = {}
    for t in toponyms:
        if t.place is None or not (sent.start_char <= t.start < sent.end_char):
            continue
        for i in tokens_between(sent, t.start, t.end):  # the tokens with t.start <= tok.idx < t.end
            out[i] = t
    return out


def _anchor(sent: Any, known: dict[int, Toponym], previous: Toponym | None, teller: bool = True) -> Toponym | None:
    """The finest known place of the sentence below country level, else the one before. A place the
    sentence names as a destination or an origin ("evacuated to Aleppo") is not where its sites are,
    nor, with `teller` (`location.source_place`), where the one who speaks is when that is in another
    country than the place told before ("…near X, the ministry in Moscow said" after a sentence on
    a Syrian province; "activists in X said" speak from where the news is)."""
    here = {
        i: t
        for i, t in known.items()
        if not _away(sent.doc[i]) and not (teller and abroad_speaker(sent.doc[i], t, previous))
    }
    inside = sorted({id(t): t for t in here.values()}.values(), key=lambda t: (precision(t), t.start))
    inside = [t for t in inside if precision(t) < 4]
    return inside[0] if inside else previous


@dataclass(frozen=True)
class _Reading:
    """What every sentence's sites are read against: the article's text and spans, and the switches."""

    text: str
    blocked: Iterable[tuple[int, int]]  # placed names and actors' names: no site
    reporters: Iterable[tuple[int, int]]  # a site's name stops before one (`location.site_before_reporter`)
    spelt: dict[str, str]  # the first spelling of each site's name
    turned_down: dict[tuple[int, int], Any]  # the geoparser's candidates for a name it could not place
    split: bool
    village: bool
    foreign: bool
    dropped_part: bool
    located: bool = True  # `location.located_site`
    attacked: bool = True  # `location.attacked_site`
    bearing: bool = True  # `location.distance_bearing`
    teller: bool = True  # `location.source_place`


def unlisted_sites(doc: Any, toponyms: list[Toponym], switches: Switches = ALL_ON) -> list[Toponym]:
    """Names the syntax calls places but the geoparser left out, placed at a known place near them
    (`location.unpunctuated_list`: a run of names with no commas is cut into its names, see
    `split_run`; `location.appositive_site`: a name an apposition calls a site, see `appositive_site`;
    `location.named_village`: a site the text calls a village is finer than its town;
    `location.located_site`: a name a verb of location puts near a known place, see `located_site`)."""
    appositive = switches.on("location.appositive_site")
    located = switches.on("location.located_site")
    dropped_part = switches.on("location.dropped_comma_part")
    text = doc_text(doc)
    # A name the geoparser found but could not place ("Zeitoun" of "Kafr Zeitoun") may be taken over.
    taken = [(t.start, t.end) for t in toponyms if t.place is not None]
    # The names in the whole text are looked for when a site is first checked (many articles have none);
    # its reporters once, for both (a whole article's: ~2 % of the work after the parse).
    reporters = Later(lambda: reporter_spans(text))
    reading = _Reading(
        text,
        Later(lambda: taken + [(m.start, m.end) for m in article_mentions(doc, list(reporters))]),
        reporters if switches.on("location.site_before_reporter") else [],
        {},
        # It keeps the candidates the geoparser ranked and turned down for it, which a correction offers.
        {(t.start, t.end): t.alternatives for t in toponyms},
        switches.on("location.unpunctuated_list"),
        switches.on("location.named_village"),
        switches.on("location.foreign_site"),
        dropped_part,
        located,
        switches.on("location.attacked_site"),
        switches.on("location.distance_bearing"),
        switches.on("location.source_place"),
    )
    out: list[Toponym] = []
    previous: Toponym | None = None
    for sent in doc.sents:
        known = _known_by_token(sent, toponyms)
        if title_case(sent):
            # A headline capitalises every word: "Missile Attack Northwest" is no name there.
            continue
        sites = _sentence_sites(sent, known, reading.split, appositive, dropped_part, located, reading.attacked)
        out += _placed_sites(doc, sites, known, _anchor(sent, known, previous, reading.teller), reading)
        if known:
            previous = _anchor(sent, known, None, reading.teller) or previous
    return out


def _placed_sites(
    doc: Any, sites: dict[int, Toponym | None], known: dict[int, Toponym], anchor: Toponym | None, reading: _Reading
) -> list[Toponym]:
    """The sentence's sites, each placed at the known place it is put in, else at the sentence's anchor."""
    out: list[Toponym] = []
    done: set[int] = set()
    for i, container in sorted(sites.items()):
        run = cut_before(_new_run(doc, i, _in_town(anchor), done), reading.reporters)
        # "the village of X part of Y": what is said of "part" is said of X.
        said = [(reading.dropped_part and dropped_comma_part(tok)) or tok for tok in run]
        village = reading.village and any(called_village(tok, reading.located) for tok in said)
        label = VILLAGE_LABEL if village else SITE_LABEL
        if not (reading.foreign and foreign_site(run, known, container or anchor)):
            where = container or anchor
            # "the village of X, part of Y": the text makes the village a part of the place it is put at.
            part_of = container is not None and any(part_of_apposition(tok, reading.dropped_part) for tok in run)
            at = _offset(doc[i], container, reading.bearing)
            out += _run_toponyms(
                reading.text,
                run,
                where,
                reading.split,
                reading.blocked,
                reading.spelt,
                reading.turned_down,
                label,
                part_of,
                at,
            )
    return out


def _offset(tok: Any, container: Toponym | None, bearing: bool) -> tuple[float, float] | None:
    """ "X 40 km south of Y" (`location.distance_bearing`): the point the distance and bearing from
    the place the name's own phrase puts it at give it, if any."""
    return offset_point(tok, container) if bearing and container is not None else None


def _in_town(anchor: Toponym | None) -> bool:
    """Whether the sentence's place is a town (or finer), whose parts are no sites of their own."""
    return anchor is not None and anchor.place is not None and anchor.place.precision <= 1


def _sentence_sites(
    sent: Any,
    known: dict[int, Toponym],
    split: bool,
    appositive: bool,
    dropped_part: bool = True,
    located: bool = True,
    attacked: bool = True,
) -> dict[int, Toponym | None]:
    """The heads of the sentence's unknown names the syntax calls sites, and the known place each is
    put in (None: none named)."""
    sites: dict[int, Toponym | None] = {}  # name head → the known place it is put in
    heads = [tok for tok in _capitalised_nouns(sent) if _is_name_head(tok) and tok.i not in known]
    for tok in heads:
        part = _dropped_part_site(tok) if dropped_part else None
        if part is not None:
            sites[tok.i] = part_container(part, known, split)
            continue
        beside = site_beside(tok, known, appositive, located)
        if _called_site(tok, known, split, attacked):
            sites[tok.i] = placed_in(tok, known, split) or beside
        elif beside is not None:
            sites[tok.i] = beside
    _add_coordinated(heads, known, sites)
    return sites


def _called_site(tok: Any, known: dict[int, Toponym], split: bool, attacked: bool) -> bool:
    """Whether the syntax calls the name a site: "the village of X", "X city", "in X in Idlib", "the
    raid on X" (with `attacked`, `location.attacked_site`)."""
    if site_noun_of(tok) or _before_site_noun(tok):
        return True
    return _locative(tok) and placed_in(tok, known, split) is not None or attacked and attacked_site(tok)


def _dropped_part_site(tok: Any) -> Any | None:
    """The "part" a name stands for through a dropped comma, when that word stands where a site does
    ("the village of X part of Y", "in X part of Y")."""
    part = dropped_comma_part(tok)
    return part if part is not None and (site_noun_of(part) or _locative(part)) else None


def _capitalised_nouns(sent: Any) -> Iterator[Any]:
    """The sentence's proper and common nouns with a capital, which a name's head is (`_is_name_head`):
    the other words are passed over in the Doc's table, with no Token made for them."""
    table, doc = token_table(sent.doc), sent.doc
    propn, noun, upper = table["propn"], table["noun"], table["upper_initial"]
    return (doc[i] for i in range(sent.start, sent.end) if upper[i] and (propn[i] or noun[i]))


def _add_coordinated(heads: list, known: dict[int, Toponym], sites: dict[int, Toponym | None]) -> None:
    """Names coordinated with a site or with a known town are sites too."""
    for tok in heads:
        if tok.i in sites:
            continue
        root = conj_root(tok)
        if root.i != tok.i and (root.i in sites or root.i in known and precision(known[root.i]) <= 2):
            sites[tok.i] = sites.get(root.i)
        elif root.i == tok.i and any(c.dep_ == "conj" and c.i in sites for c in tok.children):
            sites[tok.i] = next(sites[c.i] for c in tok.children if c.dep_ == "conj" and c.i in sites)


def _new_run(doc: Any, i: int, in_town: bool, done: set[int]) -> list:
    """The tokens of the name headed at `i` (marked in `done`), or [] for none: a part of the town
    the sentence is in, a place left, or a name another head already gave."""
    if in_town and _part_noun(doc[i]) or _away(doc[i]):
        return []
    run = name_tokens(before_quote(doc[i]))
    if not run:
        return []
    if done & {tok.i for tok in run}:
        return []  # another head of the same name
    done |= {tok.i for tok in run}
    return run


def _run_toponyms(
    text: str,
    run: list,
    where: Toponym | None,
    split: bool,
    blocked: Iterable[tuple[int, int]],
    spelt: dict[str, str],
    turned_down: dict[tuple[int, int], Any],
    label: str,
    part_of: bool = False,
    at: tuple[float, float] | None = None,
) -> list[Toponym]:
    """The sites a run of name tokens gives (one per piece with `split`), placed at `where` (a lone
    name at `at`, the point its distance and bearing from `where` give, if any)."""
    if not run or where is None or where.place is None:
        return []
    pieces = split_run(run) if split else [run]
    return _piece_toponyms(text, pieces, where.place, blocked, spelt, turned_down, label, part_of, at)


def _piece_toponyms(
    text: str,
    pieces: list,
    place: Any,
    blocked: Iterable[tuple[int, int]],
    spelt: dict[str, str],
    turned_down: dict[tuple[int, int], Any],
    label: str,
    part_of: bool = False,
    at: tuple[float, float] | None = None,
) -> list[Toponym]:
    """A site per piece of a name not already a placed name or an actor's, placed at `place` (a
    piece of a list is LISTED_SITE_LABEL, a lone name keeps `label` and is placed at `at` if given)."""
    out: list[Toponym] = []
    for piece in pieces:
        start, end = piece[0].idx, piece[-1].idx + len(piece[-1].text)
        if any(s < end and start < e for s, e in blocked):
            continue
        name = text[start:end]
        # One village spelt two ways in one article ("Kafr Zeita", "Kafr Zaita") is one site: it
        # keeps the name it was first given.
        key = site_key(name)
        name = spelt.setdefault(key, name)
        kind = LISTED_SITE_LABEL if len(pieces) > 1 else label
        out.append(
            Toponym(
                start,
                end,
                text[start:end],
                kind,
                place=unlisted_place(
                    name,
                    place,
                    village=kind == VILLAGE_LABEL and part_of,
                    settlement=kind == VILLAGE_LABEL,
                    at=at if len(pieces) == 1 else None,
                ),
                alternatives=turned_down.get((start, end), ()),
            )
        )
    return out
