"""Numbers written in news text ("36", "1,200", "nearly a million", "dozens") and the counts they report."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from dashboard.dates import find_date_mentions
from dashboard.regex_needs import Text, needs_of
from dashboard.wordlists import table, word_set

WORDS = Path(__file__).with_name("words.toml")  # the word tables, each with why it exists
_UNITS: dict[str, int] = table(WORDS, "numbers.units")
_SCALES = {"hundred": 100, "thousand": 1000, "million": 1_000_000, "billion": 1_000_000_000}
_VAGUE: dict[str, int] = table(WORDS, "numbers.vague")

_WORD = "|".join(sorted(list(_UNITS) + list(_SCALES), key=len, reverse=True))
# Without "a"/"an"/"another", which alone would read any article as a count of one.
_WORD_STRICT = "|".join(
    sorted([w for w in _UNITS if w not in ("a", "an", "another")] + list(_SCALES), key=len, reverse=True)
)
NUMBER = (
    rf"(?:\d{{1,3}}(?:[,.]\d{{3}})+|\d+(?:\.\d+)?)(?:\s+(?:million|thousand|hundred))?"
    rf"|(?:(?:{_WORD})(?:[\s-]+(?:and\s+)?(?:{_WORD}))*)"
    r"|tens of thousands|hundreds of thousands|dozens|scores|hundreds|thousands|millions"
)
_QUAL = (
    r"(?:(?:at least|nearly|almost|about|around|some|more than|well over|over|up to|as many as|roughly"
    r"|approximately|no fewer than|not less than|upwards of|a total of|in all)\s+)?"
)

_WHO = (
    r"people|persons|civilians|troops|soldiers|fighters|militants|rebels|members|children|women|men|"
    r"policemen|police officers|officers|personnel|servicemen|insurgents|jihadists|guards|workers|"
    r"residents|citizens|syrians|iraqis|palestinians|afghans|kurds|villagers|protesters|demonstrators|students|combatants|gunmen|others|terrorists|martyrs|"
    r"pilots|patients|rescuers|volunteers|journalists|doctors|staff|refugees|worshippers|passengers|"
    r"operatives|recruits|militiamen|loyalists|gunmen|extremists|mercenaries|"
    r"prisoners|detainees|inmates|hostages|captives|farmers|shepherds|teenagers|infants|babies|boys|girls|"
    r"nurses|medics|paramedics|prisoner|detainee|hostage|"
    r"civilian|soldier|fighter|militant|rebel|child|woman|man|person|officer|policeman|member|"
    r"terrorist|citizen|pilot|journalist|worker|resident|boy|girl|baby|doctor|volunteer|"
    r"priests|clerics|imams|teachers|pilgrims|shoppers|mourners|guests|commanders|officials|"
    r"priest|cleric|imam|teacher|pilgrim|commander|official|nurse|nun|monk|"
    # The singulars of the plurals above that a lone victim is written with ("one protester was shot
    # dead", "a villager was killed"), as "one civilian" and "a soldier" are.
    r"protester|demonstrator|villager|student|guard|gunman|insurgent|jihadist|passenger|farmer|"
    r"shepherd|teenager|infant|medic|paramedic|rescuer|worshipper|mourner|refugee|patient|"
    r"militiaman|serviceman|combatant|extremist|recruit|operative|captive|inmate|shopper|guest"
)
# Up to two words may qualify the victims: "31 ISIL terrorists", "nine pro-regime fighters".
# A number is never such a word: in "March 3 2015 Eleven civilians were killed" the date's day is
# not a count of "2015 Eleven civilians".
PEOPLE = rf"(?:(?:(?!\d)(?!(?:{_WORD_STRICT})\b)[\w-]+ ){{0,2}}(?:{_WHO}))"


def parse_number(text: str) -> int | None:
    t = text.lower().replace("-", " ").strip()
    if t.startswith("another "):
        t = t[len("another ") :]  # "another two": the number is the words after it
    if t in _VAGUE:
        return _VAGUE[t]
    m = re.fullmatch(r"(\d{1,3}(?:[,.]\d{3})+|\d+(?:\.\d+)?)(?:\s+(million|thousand|hundred))?", t)
    if m:
        digits = m.group(1)
        value = (
            float(digits.replace(",", ""))
            if re.fullmatch(r"\d{1,3}(?:,\d{3})+", digits)
            else float(digits.replace(",", "").replace(".", ""))
            if re.fullmatch(r"\d{1,3}(?:\.\d{3})+", digits)
            else float(digits)
        )
        if m.group(2):
            value *= _SCALES[m.group(2)]
        return int(value)
    total, current = 0, 0
    seen = False
    for w in t.split():
        if w == "and":
            continue
        if w in _UNITS:
            current += _UNITS[w]
            seen = True
        elif w in _SCALES:
            current = max(current, 1) * _SCALES[w]
            if _SCALES[w] >= 1000:
                total, current = total + current, 0
            seen = True
        else:
            return None
    return total + current if seen else None


@dataclass(frozen=True)
class Count:
    value: int
    start: int  # offsets within the sentence
    end: int
    phrase: str
    vague: bool = False  # "dozens", "hundreds": an estimate, not a count


# A second group of victims joined by "and" is added to the first ("killed 50 militants and
# eight civilians", "five women and a child were killed"): the event's toll is their sum.
_AND_MORE = rf"(?:\s+and\s+{_QUAL}(?P<m>{NUMBER})\s+{PEOPLE}\b)?"
# "At least 14 villagers including three women died", "Six civilians, among them two children, were
# killed": the whole precedes its part, set off by commas or not.
_PART = (
    r"(?:,?\s+(?:including|among them|among whom|of them|of whom|mostly|most of them|some of them)"
    r"\s+[\w-]+(?:\s+[\w-]+){0,4}?,?)?"
)
# "Five civilians of one family", "four people from the same village": where the victims came from,
# between them and the verb (without it, "one family died" would read as a toll of one).
# "Twelve members of the Jaish al-Islam group", "nine fighters of Ahrar al-Sham": whose they were, up
# to five words, none a relative pronoun or a preposition ("two children of a man who was killed",
# "nine men from the north among the gunmen killed": the verb is not theirs).
_NOT_KIN = r"(?!(?:who|which|that|whom|among|in|on|at|during|with|by|after|before|near|when|while|as)\b)"
_KIN = (
    r"(?:\s+(?:of|from)\s+(?:one|a|the same|the|their|a single)\s+[\w-]+"
    rf"|\s+(?:of|from)\s+(?:the\s+)?(?:{_NOT_KIN}[\w'’-]+\s+){{0,4}}?{_NOT_KIN}[\w'’-]+)?"
)
# "killed 22 injured", "killed 9 civilians injured": the number counts the injured.
_HURT_NEXT = r"(?!\s+(?:(?!and\b)[\w-]+\s+){0,2}(?:injured|wounded|hurt)\b)"
# A year is never the count ("09-02-2016 Eight civilians killed": the eight are).
_NOT_YEAR = r"(?!(?:19|20)\d\d\b)"
_KILL_AFTER = re.compile(
    rf"\b(?:(?:killed|killing(?:\s+of)?|kills|kill|shot\s+dead|gunned\s+down|execut(?:ed|es|e|ing)|beheaded"
    rf"|assassinat(?:ed|es|e|ing)"
    rf"|beheading\s+of|crucified"
    rf"|claim(?:ed|ing|s)?\s+(?:the\s+)?lives\s+of"
    rf"|deaths?\s+of)\s+{_QUAL}{_NOT_YEAR}(?P<n>{NUMBER})\b{_HURT_NEXT}"
    rf"(?:\s+{PEOPLE}(?:{_AND_MORE}(?!\s+(?:were|was|have|has|had|died|are)\b))?)?(?:\s+dead)?"
    rf"|left\s+{_QUAL}(?P<n2>{NUMBER})(?:\s+{PEOPLE})?\s+dead)",
    re.I,
)
# "claiming two lives", "the blast claimed 14 lives".
_LIVES = re.compile(rf"\bclaim(?:ed|ing|s)?\s+{_QUAL}{_NOT_YEAR}(?P<n>{NUMBER})\s+(?:more\s+)?lives\b", re.I)
# "which resulted in 31 civilians dying", "leading to five people being killed": a count the cause's
# outcome gives (a gerund after "result in", "lead to", "cause"), as "resulted in the deaths of 31" does.
_CAUSED = re.compile(
    rf"\b(?:result(?:ed|ing|s)?\s+in|le(?:d|ads?|ading)\s+to|caus(?:ed|es|ing))\s+{_QUAL}{_NOT_YEAR}"
    rf"(?P<n>{NUMBER})\s+{PEOPLE}\s+(?:dying|being\s+killed)\b",
    re.I,
)
# Not after "killed" ("killed 3 fighters and 40 civilians died later": the 40 died apart).
_KILL_BEFORE = re.compile(
    rf"(?<!killed\s)(?<!killing\s)(?<!kills\s)\b{_QUAL}{_NOT_YEAR}(?P<n>{NUMBER})\s+(?:of\s+)?"
    rf"(?:{PEOPLE}{_KIN}{_AND_MORE}{_PART}\s+)?"
    rf"(?:(?:were|have|has|had|was|are|being)\s+)?(?:\w+ly\s+)?(?:also\s+)?(?:been\s+)?"
    rf"(?:killed|shot\s+dead|shot\s+and\s+killed|gunned\s+down|beheaded|dead|died|slain|massacred|executed|assassinated"
    rf"|martyred|lost their lives|fallen victims?)",
    re.I,
)
# "the death toll rose to 45", "Death toll from market car bomb in the port city at least 88". Up to
# 14 words between: the event the toll is of is often named at length ("the death toll from Monday's
# air strikes on the rebel-held town of X has risen to 25"); the first number after them is the toll.
_TOLL = re.compile(
    rf"\bdeath toll\s+(?:[\w'-]+\s+){{0,14}}?(?:(?:to|of|at|reached|rose to|climbed to|is|was|"
    rf"hit|hits|stood at)\s+)?{_QUAL}(?P<n>\d[\d,]*|(?:{_WORD_STRICT})(?:[\s-]+(?:{_WORD_STRICT}))*"
    rf"|dozens|scores|hundreds)\b",
    re.I,
)
_INJ = re.compile(
    rf"\b{_QUAL}(?P<n>{NUMBER})\s+(?:{PEOPLE}\s+)?(?:(?:were|have been|was|are)\s+)?"
    rf"(?:injured|wounded|hurt)|\b(?:injuring|wounding|injured|wounded)\s+{_QUAL}(?P<n2>{NUMBER})",
    re.I,
)
_DISP = re.compile(
    rf"\b{_QUAL}(?P<n>{NUMBER})(?:\s+{PEOPLE})?\s+(?:(?:have|had|were|has|was)\s+(?:been\s+)?)?"
    rf"(?:displaced|fled|uprooted|evacuated)|\bdisplac(?:ed|ing)\s+{_QUAL}(?P<n2>{NUMBER})",
    re.I,
)


# The day of a date ("on April 15", "15 April 2016", "Sept. 3rd") is no count: hidden from the count
# patterns, "the death toll of the bombing on April 15 passed 130" reads 130, not 15. The dates are
# those the date reader finds (`dashboard.dates`, months capitalised: "may" in lower case is the verb).
_DAY_KINDS = frozenset({"iso", "mdy", "dmy", "md", "dm"})  # the mentions that carry a day's number


def _hide_dates(sentence: str) -> str:
    """The sentence with each date that names a day written as letters, so offsets hold."""
    out = sentence
    for m in find_date_mentions(sentence):
        if m.kind in _DAY_KINDS:
            out = out[: m.start] + "x" * (m.end - m.start) + out[m.end :]
    return out


def _find(pattern: re.Pattern[str], sentence: str, hidden: str) -> list[Count]:
    """The counts `pattern` finds in `hidden` (the sentence with its dates hidden), phrased as written."""
    needs, hay = needs_of(pattern), Text.of(hidden)
    if not needs.may_match(hay):
        return []  # none of the words each of its counts holds ("killed", "wounded", "death toll")
    out = []
    # By the pattern's lower-case twin where it has one (the same spans; the groups lower-cased,
    # which parse_number and the vague words read lower-cased anyway): 4 times faster on the
    # toll patterns, which ignore case.
    for m in needs.finditer(pattern, hay):
        group = "n" if m.groupdict().get("n") else "n2"
        raw = m.group(group)
        if raw is None:
            continue
        value = parse_number(raw)
        # "a" alone ("killed a soldier") is one; years and huge numbers are not tolls.
        if value is None or value > 50_000_000 or (re.fullmatch(r"(?:19|20)\d\d", raw) and value > 1900):
            continue
        more = m.groupdict().get("m")
        if more and group == "n":
            extra = parse_number(more)
            value += extra or 0
        phrase = sentence[m.start() : m.end()]
        out.append(Count(value, m.start(), m.end(), phrase, raw.lower().replace("-", " ") in _VAGUE))
    return out


# A count above this is a war's toll ("the conflict has killed 500,000"), not one event's.
MAX_EVENT_DEATHS = 20_000


# A running total, not one event's toll: "over 9000 people killed across the country since the
# ceasefire talks…", "have killed 3000 civilians since they first deployed", "so far", "over the
# past two years", "from March 2011 to June 2016". Read up to the next number, which the period may
# belong to instead; "since Monday", "since dawn" count one day's events and stay.
_DAYS = "|".join(d.lower() for d in calendar.day_name)
_RUNNING_AFTER = re.compile(
    rf"^[^.;!?0-9]{{0,120}}?\b(?:since(?!\s+(?:the\s+)?(?:{_DAYS}"
    r"|morning|dawn|midnight|yesterday|last night|early|noon|the attack))"
    r"|so far|to date|this year|last year|this month"
    r"|(?:over|in|during) the (?:past|last) (?:[\w-]+\s+)?(?:years?|months?|decades?)"
    r"|from\s+(?:\w+\s+)?(?:19|20)\d\d\s+(?:to|until|through)"
    r"|between\s+(?:\w+\s+)?(?:19|20)\d\d\s+and"
    r"|throughout the (?:war|conflict|year))\b",
    re.I,
)
# "the war has killed…", "infighting that has reportedly killed thousands": a war's toll, or a
# relative clause in the perfect, which sums what a campaign has done.
_RUNNING_BEFORE = re.compile(
    r"(?:\b(?:war|conflict|uprising|revolution|crisis)\s+(?:that\s+|which\s+)?"
    r"|\b(?:that|which)\s+)(?:has|have|had)\s+(?:\w+ly\s+|so far\s+|already\s+|now\s+)?"
    r"(?:killed|claimed)\b[^.;]{0,40}$",
    re.I,
)


# "the deadliest attack since 2011" dates a comparison, not the count.
_SUPERLATIVE = re.compile(r"\b(?:\w+est|worst|first|most)\b", re.I)


def is_running_total(sentence: str, count: Count) -> bool:
    """Whether a death count is a total over a period or a war rather than one event's toll."""
    after = _RUNNING_AFTER.search(sentence[count.end :])
    if after is not None and not _SUPERLATIVE.search(after.group(0)):
        return True
    return bool(_RUNNING_BEFORE.search(sentence[: count.end]))


# A campaign's toll: the deaths a fight for a place, a front or a siege "has left" or "had killed" sum
# the days it lasted ("the battle for the city has killed 300", "fighters had been killed in the fight
# for the town", "the fighting on that front has left 40 dead"), as ACLED codes none of its days with
# them; a day the sentence names ("on Tuesday") makes it that day's toll. `tolls.campaign_total`.
# The nouns of a place fought for: the word lists' sites (`extract.site_nouns`, `sites.site_nouns`).
_PLACE_WORDS = "|".join(
    sorted(word_set(WORDS, "extract.site_nouns") | word_set(WORDS, "sites.site_nouns"), key=lambda w: -len(w))
)
_CAMPAIGN = re.compile(
    r"\b(?i:fight|fighting|battle|struggle|offensive|campaign)\s+for\s+(?:the\s+)?"
    rf"(?:[A-Z]|(?i:(?:\w+\s+)?(?:{_PLACE_WORDS})\b))"
    r"|\b(?i:(?:fighting|clashes|battles?)\s+on\s+(?:that|this|the)\s+front)\b"
    r"|\b(?i:the\s+(?:offensive|campaign)\s+(?:on|against)|the\s+siege\s+of)\b",
)
_PERFECT_TOLL = re.compile(
    r"\b(?:has|have|had)\s+(?:\w+ly\s+|so far\s+|now\s+)?(?:been\s+)?(?:killed|left|claimed|died)\b", re.I
)
_NAMED_DAY = re.compile(rf"\b(?:{_DAYS}|yesterday|today|overnight|last night)\b", re.I)


def is_campaign_total(sentence: str) -> bool:
    """Whether the sentence's toll is a campaign's (see `_CAMPAIGN`): a fight for a place, a front or a
    siege, told in the perfect, on no day the sentence names."""
    return bool(_CAMPAIGN.search(sentence) and _PERFECT_TOLL.search(sentence) and not _NAMED_DAY.search(sentence))


# A sentence that says nobody died gives a toll of 0, which ACLED codes, unlike silence (no toll):
# "caused material damage only", "no casualties were reported" (or "causalities", a slip common
# enough in wire copy to read as meant), "nobody was hurt".
_NO_DEATHS = re.compile(
    r"\b(?:(?:causing|caused|leaving|left|inflicting)\s+(?:only\s+)?(?:some\s+)?material damage"
    r"(?:\s+only)?|material damage only|no (?:casualties|causalities|deaths|fatalities|injuries|victims)\b"
    r"|without (?:causing )?(?:any )?(?:casualties|deaths|fatalities)"
    r"|no ?(?:one|body) (?:was|were) (?:killed|hurt|injured|wounded))",
    re.I,
)


def event_counts(sentence: str) -> list[Count]:
    """The death counts of a sentence that may be one event's: not a war's toll nor a running total."""
    return list(_event_counts(sentence))


# `fatalities` keeps its answers by sentence and clause, and a sentence is read with and without its
# clause (one in eight reads): the counts themselves are kept by sentence (a Count is frozen, so the
# tuple is shared; each caller gets its own list).
@lru_cache(maxsize=256)
def _event_counts(sentence: str) -> tuple[Count, ...]:
    hidden = _hide_dates(sentence)
    found = [c for p in (_KILL_AFTER, _KILL_BEFORE, _TOLL, _LIVES, _CAUSED) for c in _find(p, sentence, hidden)]
    return tuple(c for c in found if c.value <= MAX_EVENT_DEATHS and not is_running_total(sentence, c))


# The counts are read from a sentence up to three times (whether it continues a toll, whether a lead's
# toll waits for its place, the event's own numbers): each is a function of its arguments alone, and a
# Count is frozen, so the answers are kept for the last sentences read.
@lru_cache(maxsize=256)
def fatalities(sentence: str, clause: tuple[int, int] | None = None) -> Count | None:
    """The largest death count reported in the sentence ("killed 36 troops", "death toll rose to 70"),
    leaving out running totals ("killed 4,000 civilians since it intervened", `is_running_total`);
    0 when the sentence says nobody died and gives no count. With `clause` (a range of offsets in the
    sentence: the event's own clause), the counts inside it, when there are any: the others are
    deaths the sentence tells of another event ("shelled the city, killing four, a day after troops
    killed 80 there")."""
    found = event_counts(sentence)
    if clause is not None:
        found = [c for c in found if clause[0] <= c.start < clause[1]] or found
    # A count beats an estimate in the same sentence ("killed dozens ... at least 58 civilians").
    found = [c for c in found if not c.vague] or found
    if not found and (none := _NO_DEATHS.search(sentence)) is not None:
        return Count(0, none.start(), none.end(), none.group(0))
    return max(found, key=lambda c: c.value) if found else None


@lru_cache(maxsize=256)
def injured(sentence: str) -> Count | None:
    found = _find(_INJ, sentence, _hide_dates(sentence))
    return max(found, key=lambda c: c.value) if found else None


@lru_cache(maxsize=256)
def displaced(sentence: str) -> Count | None:
    found = _find(_DISP, sentence, _hide_dates(sentence))
    return max(found, key=lambda c: c.value) if found else None


def is_estimate(phrase: str) -> bool:
    """Whether a toll phrase gives no number, only a word for many ("dozens", "scores", "hundreds")."""
    return not any(ch.isdigit() for ch in phrase) and bool(
        re.search(r"\b(?:dozens|scores|hundreds|thousands|tens)\b", phrase, re.I)
    )
