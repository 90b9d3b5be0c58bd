"""Actors as ACLED codes them: who acts (actor1) and who is hit (actor2), from the actor dictionary.

The dictionary (`actors.toml`) is data: canonical names, their spellings and ACLED's interaction
codes. This module finds its names in a sentence and gives each a role from the parse:

- the *agent* is the subject of a verb ("Russian jets pounded…"), the "by" phrase of a passive
  ("…were killed by regime shelling"), or the word that qualifies the attack ("Israeli air strikes",
  "regime shelling");
- the *target* is the object ("…struck ISIS positions"), the subject of a passive ("civilians were
  killed"), or the object of on/against/at ("an attack on Kurdish fighters");
- "between A and B" gives A then B.

Outlets and monitors that report the event (SOHR, SANA, "activists", a spokesman) are never actors.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field, replace
from functools import lru_cache, reduce
from pathlib import Path
from typing import Any

from dashboard.events.actor_entries import Actor, ActorEntry, Mention
from dashboard.events.actor_roles import sides
from dashboard.events.any_state import AnyState, any_state
from dashboard.events.inside_name import inside_name
from dashboard.events.named_nouns import named_with_noun
from dashboard.events.own_forces import own_forces
from dashboard.events.targets import order_targets
from dashboard.nlp import doc_text
from dashboard.regex_hits import hits, kept_hits, may_match_within
from dashboard.regex_needs import ANY_TEXT, Needs, NeedsSet, Text, fronted, lowered_twin, needs_of
from dashboard.rules import ALL_ON, Switches
from dashboard.wordlists import word_set

ACTORS_PATH = Path(__file__).with_name("actors.toml")
WORDS = Path(__file__).with_name("words.toml")  # the word lists, each with why it exists

VICTIM_INTER = 7
UNIDENTIFIED = "Unidentified Armed Group ({country})"
_HITS = "conflictmap_actor_word_hits"  # where the dictionary's words stand in the Doc's text (regex_hits)


@dataclass(frozen=True)
class Dictionary:
    patterns: tuple[tuple[re.Pattern[str], ActorEntry, bool], ...]  # (pattern, entry, bare)
    reporters: re.Pattern[str]
    state_names: dict[str, str]  # code -> name ("the United States")
    state_canonical: dict[str, str]
    units: re.Pattern[str] | None = None  # armed groups named like a unit ("Liwa X"), see actors.toml
    unit_inter: int = 2
    # The words each of `patterns` needs (regex_needs): a pattern none of whose words is in a text
    # does not run over it. Empty: every pattern runs.
    needs: tuple[Needs, ...] = ()
    reporters_needs: Needs = ANY_TEXT
    # (actor name, its other sense, its own sense): see `senses_absent`.
    senses: tuple[tuple[str, re.Pattern[str], re.Pattern[str]], ...] = ()
    # `actors.government_noun`: (pattern, entry, the words it needs: regex_needs) of a government
    # before a military noun.
    government: tuple[tuple[re.Pattern[str], ActorEntry, Needs], ...] = ()
    # `actors.any_state`: every other country's forces by its demonym or name (any_state.py).
    any_state: AnyState | None = None
    # `needs` asked all at once (one scan of a text for every pattern's words), made from them.
    needs_set: NeedsSet | None = field(default=None, init=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "needs_set", NeedsSet.of(self.needs) if self.needs else None)


def _alt(patterns: list[str]) -> str:
    return "|".join(f"(?:{p})" for p in patterns)


def spelled(patterns: list[str], spellings: list[list[str]]) -> list[str]:
    """A group's patterns with each of the dictionary's `spellings` ([written, read as] pairs of
    pattern text) read as its alternatives: one entry stands for every romanization of a name."""
    return [reduce(lambda p, pair: p.replace(pair[0], pair[1]), spellings, pattern) for pattern in patterns]


@lru_cache(maxsize=2)
def load_dictionary(path: Path = ACTORS_PATH) -> Dictionary:
    with Path(path).open("rb") as fh:
        data = tomllib.load(fh)
    nouns = _alt(data["military_nouns"])
    found: list[tuple[re.Pattern[str], ActorEntry, bool]] = []
    names: dict[str, str] = {}
    canonical: dict[str, str] = {}
    for s in data["state"]:
        code = s["code"]
        names[code] = s["name"]
        canonical[code] = s.get("canonical") or f"Military Forces of {s['name']}"
        entry = ActorEntry(canonical[code], 1, state=code)
        forms = _alt(s["names"])
        pats = [rf"(?:{forms})(?:'s|s)?(?:-led)?\s+(?:{nouns})"] + list(s.get("own", []))
        found.append((re.compile(rf"\b(?:{_alt(pats)})\b", re.I), entry, False))
        found.append((re.compile(rf"\b(?:{forms})\b", re.I), entry, True))
        if s.get("capitals"):
            found.append((re.compile(rf"\b(?:{_alt(s['capitals'])})\b", re.I), replace(entry, capital=True), True))
    for a in data["actor"]:
        entry = ActorEntry(a["name"], int(a["inter"]), generic=a.get("country") == "*", victim=bool(a.get("victim")))
        found.append((re.compile(rf"\b(?:{_alt(spelled(a['patterns'], data['spellings']))})\b", re.I), entry, False))
        if a.get("exact"):
            found.append((re.compile(rf"\b(?:{_alt([re.escape(x) for x in a['exact']])})\b"), entry, False))
    reporter = data["reporter"][0]
    mods = _alt([*reporter.get("modifiers", []), *(form for st in data["state"] for form in st["names"])])
    reporters = re.compile(rf"\b(?:(?:{mods})\s+)*(?:{_alt(reporter['patterns'])})\b", re.I)
    reporters_needs = _reporters_needs(reporters, reporter["patterns"])
    units = data.get("named_units")
    unit_pattern = _unit_pattern(units["heads"]) if units else None
    unit_inter = int(units["inter"]) if units else 2
    needs = tuple(needs_of(pat) for pat, _, _ in found)
    senses = tuple(
        (
            a["name"],
            re.compile(rf"\b(?:{a['other_sense']})\b", re.I),
            re.compile(rf"\b(?:{_alt(a['own_sense'])})\b", re.I),
        )
        for a in data["actor"]
        if a.get("other_sense")
    )
    gov = _government(data, nouns, canonical)
    unlisted = any_state(frozenset(canonical), nouns)
    patterns = (tuple(found), reporters, names, canonical, unit_pattern, unit_inter, needs, reporters_needs)
    return Dictionary(*patterns, senses, gov, unlisted)


def _unit_pattern(heads: list[str]) -> re.Pattern[str]:
    """The names of armed groups named like a fighting unit (`actors.named_units`). Case-sensitive: a
    unit's name is capitalised. It is one word ("Liwa Suqur") or ends on an Arabic article's word
    ("Faylaq al-Sham", "Liwa Fursan al-Haq"), so that a headline's capitals ("Faylaq al-Sham Fighters
    Shell Town") do not run on into the name."""
    al_word = r"(?:al|el|ad|ar|as|ash|at|az|an)-[A-Z][\w'’]*"
    cap = rf"(?:{al_word}|[A-Z][\w'’]*)"
    return re.compile(rf"\b(?:{_alt(heads)})(?:(?:\s+{cap}){{0,2}}\s+{al_word}|\s+[A-Z][\w'’]*)")


def _government(
    data: dict, nouns: str, canonical: dict[str, str]
) -> tuple[tuple[re.Pattern[str], ActorEntry, Needs], ...]:
    """`actors.government_noun`: a government before a military noun ("government shelling", "the
    government's jets") is the forces of the state where the event happened ({state_forces}), and
    with a state's name before it that state's ("Turkish government jets"). Not a government with a
    prefix ("pro-government forces", "anti-government fighters"): those are other sides."""
    words = data.get("government_words", [])
    if not words:
        return ()
    gov = rf"(?:{_alt(words)})(?:'s)?\s+(?:{nouns})\b"
    out = []
    for s in data["state"]:
        entry = ActorEntry(canonical[s["code"]], 1, state=s["code"])
        out.append((re.compile(rf"\b(?:{_alt(s['names'])})\s+{gov}", re.I), entry))
    forces = next(a for a in data["actor"] if a["name"] == "{state_forces}")
    out.append((re.compile(rf"(?<![\w-]){gov}", re.I), ActorEntry(forces["name"], int(forces["inter"]), generic=True)))
    return tuple((pat, entry, needs_of(pat)) for pat, entry in out)


def _reporters_needs(reporters: re.Pattern[str], words: list[str]) -> Needs:
    """`reporters`' test (regex_needs), which looks for a reporter's own word where one can stand: at a
    word's start with no modifier before it, else right after a space (each modifier ends on one). Every match
    of `reporters` holds one, and its ~70 modifiers, tried at each word, cost twice as much: half the
    texts asked hold none (its plain words, "ap" among them, are in nearly every text)."""
    needs = needs_of(reporters)
    finder = fronted(lowered_twin(re.compile(rf"(?:\b|(?<=\s))(?:{_alt(words)})\b", re.I)))
    return replace(needs, finder=finder) if finder is not None and needs.folded and needs.words else needs


def senses_absent(text: str, d: Dictionary) -> frozenset[str]:
    """`actors.other_sense`: the actors an article's words name in another sense only. "The
    Coalition" of a story that names the Syrian National Coalition and no military coalition is the
    opposition's political body, not the US-led coalition; one sense per discourse."""
    return frozenset(name for name, other, own in d.senses if other.search(text) and not own.search(text))


def _article_senses_absent(doc: Any, d: Dictionary) -> frozenset[str]:
    """`senses_absent` of the document's text, asked once per event and answered once per article:
    kept in the Doc, as `nlp.token_at` keeps its offsets."""
    key = "conflictmap_senses_absent"  # event_actors always reads the one loaded dictionary
    if key not in doc.user_data:
        doc.user_data[key] = sorted(senses_absent(doc_text(doc), d))  # plain data: a Doc may be serialised
    return frozenset(doc.user_data[key])


# `actors.anti_side`: "anti-" written onto a name makes a word for a side opposed to it ("an anti-ISIS
# monitoring group", "anti-Taliban militias"): the name is then no mention of its actor; before an
# act's noun ("an anti-ISIS offensive") it says whom the act is against, and stays one. Not "pro-":
# "pro-Kurdish militias" are the Kurds' allies, as the dictionary reads them, and "pro-government
# militias" a name of its own.
_ANTI = re.compile(r"(?<![\w-])anti[-\u2010]$", re.I)
_ANTI_ACT = re.compile(rf"[\w'’]*\s+(?:{'|'.join(sorted(word_set(WORDS, 'actors.anti_side_acts')))})\b", re.I)


def _unnamed(text: str, start: int, end: int, blocked: list[tuple[int, int]], anti: bool) -> bool:
    """Whether the name at [start, end) names no actor: inside who reports (`blocked`: "the monitor's
    sources", "activists"), or with `anti` (actors.anti_side) with "anti-" written onto it, not
    before an act's noun ("anti-ISIS activists": another side)."""
    if any(rs <= start and end <= re_ for rs, re_ in blocked):
        return True
    return anti and _ANTI.search(text, max(0, start - 6), start) is not None and not _ANTI_ACT.match(text, end)


def _forces(entry: ActorEntry) -> bool:
    """Whether a generic entry is the state's forces of where the event happened ("the army")."""
    return entry.name == "{state_forces}"


def find_mentions(
    text: str,
    offset: int = 0,
    dictionary: Dictionary | None = None,
    switches: Switches = ALL_ON,
    absent: frozenset[str] = frozenset(),
    reporters: list[tuple[int, int]] | None = None,
    maybe: list[bool] | None = None,
) -> list[Mention]:
    """Actor names in `text`, longest first where they overlap, in text order (offsets + `offset`);
    none of the actors `absent` names (`senses_absent`). `reporters` (`reporter_spans(text, d)`) and
    `maybe` (which patterns may match, as `regex_hits` reads it): when the caller has them already."""
    d = dictionary or load_dictionary()
    spans, blocked = _dictionary_spans(text, d, reporters, maybe)
    spans = _kept_spans(text, d, spans + _rule_spans(text, d, switches), switches, absent)
    taken: list[tuple[int, int]] = []
    out = []
    anti = switches.on("actors.anti_side")
    for s, e, entry, bare in spans:
        if any(s < te and ts < e for ts, te in taken) or _unnamed(text, s, e, blocked, anti):
            continue
        taken.append((s, e))
        out.append(Mention(s + offset, e + offset, entry, bare))
    return _completed(sorted(out, key=lambda m: m.start), text, offset, switches)


def _rule_spans(text: str, d: Dictionary, switches: Switches) -> list[tuple[int, int, ActorEntry, bool]]:
    """The names the rules find beside the dictionary's, before the longest-first order ("government
    forces" is listed too; "Kenyan troops", where "troops" alone is the host's)."""
    spans = _government_spans(text, d) if switches.on("actors.government_noun") else []
    if switches.on("actors.any_state") and d.any_state is not None:
        spans += d.any_state.spans(text)
    return spans


def _kept_spans(
    text: str, d: Dictionary, spans: list, switches: Switches, absent: frozenset[str]
) -> list[tuple[int, int, ActorEntry, bool]]:
    """The spans that name an actor here, longest first: none of the actors `absent` names, no generic
    word inside another name (`actors.inside_name`: "Arakan Army", rebels, not the state's army), then
    the unit names (`actors.named_units`, after the dictionary's: a listed group keeps its canonical name)."""
    if absent:
        spans = [sp for sp in spans if sp[2].name not in absent]
    if switches.on("actors.inside_name"):
        spans = [sp for sp in spans if not (sp[2].generic and inside_name(text, sp[0], sp[1], _forces(sp[2])))]
    spans.sort(key=lambda s: (-(s[1] - s[0]), s[0]))
    return spans + _unit_spans(text, d) if switches.on("actors.named_units") else spans


def _completed(mentions: list[Mention], text: str, offset: int, switches: Switches) -> list[Mention]:
    """The mentions (in text order) with a generic word joined to its name (`named_with_noun`) and,
    with `actors.own_forces`, a speaker's "its/their forces" its own, with `actors.speaker_pronoun`
    the "it/they" of its reported act (own_forces)."""
    named = named_with_noun(mentions, text, offset, switches)
    own, pronouns = switches.on("actors.own_forces"), switches.on("actors.speaker_pronoun")
    return own_forces(named, text, offset, pronouns, own) if own or pronouns else named


def _dictionary_spans(
    text: str, d: Dictionary, reporters: list[tuple[int, int]] | None = None, maybe: list[bool] | None = None
) -> tuple[list[tuple[int, int, ActorEntry, bool]], list[tuple[int, int]]]:
    """The dictionary's names in `text` (start, end, entry, bare), and the spans of those who report;
    a pattern none of whose needed words is in the text is not run (regex_needs)."""
    hay = Text.of(text)
    tests = d.needs or (ANY_TEXT,) * len(d.patterns)
    if maybe is None:
        maybe = d.needs_set.may_match(hay) if d.needs_set is not None else [t.may_match(hay) for t in tests]
    spans = [
        (*m.span(), entry, bare)
        for (pat, entry, bare), needs, may in zip(d.patterns, tests, maybe, strict=True)
        if may
        for m in needs.finditer(pat, hay)
    ]
    return spans, reporter_spans(hay, d) if reporters is None else reporters


def _government_spans(text: str, d: Dictionary) -> list[tuple[int, int, ActorEntry, bool]]:
    """The spans of `Dictionary.government` in `text` (start, end, entry, bare); a pattern none of
    whose needed words is in the text is not run (regex_needs), as the dictionary's are not."""
    hay = Text.of(text)
    return [
        (*m.span(), entry, False)
        for pat, entry, needs in d.government
        if needs.may_match(hay)
        for m in needs.finditer(pat, hay)
    ]


def reporter_spans(text: str | Text, d: Dictionary | None = None) -> list[tuple[int, int]]:
    """The spans of those who report in `text` (the dictionary's `reporters`)."""
    d = d or load_dictionary()
    hay = text if isinstance(text, Text) else Text.of(text)
    if not d.reporters_needs.may_match(hay):
        return []
    return [m.span() for m in d.reporters_needs.finditer(d.reporters, hay)]


def article_mentions(doc: Any, reporters: list[tuple[int, int]]) -> list[Mention]:
    """`find_mentions` over the Doc's whole text, whose reporters are `reporters`; where its scan
    found the dictionary's words is kept with the Doc, for the event sentences' own reads."""
    d, text = load_dictionary(), doc_text(doc)
    if d.needs_set is not None and _HITS not in doc.user_data:
        doc.user_data[_HITS] = list(hits(d.needs_set, text))
    return find_mentions(text, dictionary=d, reporters=reporters, maybe=_kept_maybe(doc, d, 0, text))


def _kept_maybe(doc: Any, d: Dictionary, start: int, piece: str) -> list[bool] | None:
    """`maybe` for `piece`, the Doc's text from `start` on, from the hits kept with it, if it can tell."""
    kept = kept_hits(doc, _HITS) if d.needs_set is not None else None
    return None if kept is None or d.needs_set is None else may_match_within(d.needs_set, kept, start, Text.of(piece))


def _unit_spans(text: str, d: Dictionary) -> list[tuple[int, int, ActorEntry, bool]]:
    """Groups named like a fighting unit ("Liwa X"), each an actor by the name the text gives."""
    if d.units is None:
        return []
    return [(*m.span(), ActorEntry(" ".join(m.group().split()), d.unit_inter), False) for m in d.units.finditer(text)]


def actor_of(entry: ActorEntry, country_code: str, country_name: str, d: Dictionary | None = None) -> Actor:
    """The canonical actor for an entry at an event in `country_code`."""
    d = d or load_dictionary()
    if entry.state:
        return Actor(entry.name, 1 if entry.state == country_code else 8)
    state_forces = d.state_canonical.get(country_code) or (
        f"Military Forces of {country_name}" if country_name else "Military Forces"
    )
    name = entry.name.format(
        country=country_name or "unknown country",
        country_name=country_name or "unknown country",
        state_forces=state_forces,
    )
    return Actor(name, entry.inter)


def interaction(inter1: int | None, inter2: int | None) -> int | None:
    """ACLED's interaction code: the two inter codes, lower first (10 for an actor alone)."""
    if inter1 is None:
        return None
    if inter2 is None:
        return inter1 * 10
    lo, hi = sorted((inter1, inter2))
    return lo * 10 + hi


def event_actors(
    doc: Any,
    start: int,
    end: int,
    trigger_at: int,
    country_code: str,
    country_name: str,
    switches: Switches = ALL_ON,
    skip: tuple[tuple[int, int], ...] = (),
) -> tuple[Actor | None, Actor | None]:
    """(actor1, actor2) of the event a sentence (doc[start:end], character offsets) reports; no name
    inside a span of `skip` (the phrase of another event that only tells when) is read."""
    d = load_dictionary()
    absent = _article_senses_absent(doc, d) if switches.on("actors.other_sense") else frozenset()
    text = doc_text(doc)[start:end]
    found = find_mentions(text, start, d, switches, absent, maybe=_kept_maybe(doc, d, start, text))
    mentions = [m for m in found if not any(a <= m.start < b for a, b in skip)]
    # Each mention's actor, made once: the sides and the order of the targets both read it.
    named = [(m, actor_of(m.entry, country_code, country_name, d)) for m in mentions]
    agents, targets, loose = sides(doc, named, trigger_at, switches)
    for pos, a in loose:  # names the parse gave no role: before the trigger they act, after it they are hit
        (agents if pos < trigger_at and not agents else targets).append(a)
    actor1 = agents[0] if agents else None
    targets = order_targets(doc, [(m, a.name) for m, a in named], targets, switches)
    actor2 = next((t for t in targets if actor1 is None or t.name != actor1.name), None)
    return actor1, actor2
