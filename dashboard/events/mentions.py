"""Events or mentions: which rows report a specific occurrence at a place and time.

A sentence can name violence without reporting an event one could map and cite: a war-wide or
running total, a campaign, a threat or a call for strikes, a denial, a line of "Related" links. Such
rows stay in the table as *mentions* (`record_kind` = "mention", `mention_reason` = the rule's id)
and are neither drawn nor counted as events by default. Each rule is an id of `dashboard.rules`.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from dashboard.dates import find_date_mentions
from dashboard.events.adjuncts import AIM_BEFORE
from dashboard.events.furniture import CREDIT_NEXT, before_wire_dateline, is_boilerplate
from dashboard.events.lexicon import VIOLENT, classify
from dashboard.events.modality import asked_for, cue_governs, scheduled
from dashboard.events.when import is_future_verb
from dashboard.nlp import base_form, token_from
from dashboard.regex_needs import finditer, search
from dashboard.rules import ALL_ON, Switches
from dashboard.wordlists import word_set

# Nouns for a stop to violence: what they stop does not happen (`mention.negated`).
WORDS = Path(__file__).with_name("words.toml")  # the word lists, each with why it exists
PAUSE_NOUNS = word_set(WORDS, "mentions.pause_nouns")
PAUSE_VERB_STEMS = tuple(sorted(word_set(WORDS, "mentions.pause_verb_stems")))

EVENT, MENTION = "event", "mention"

# Spans of time over which a toll or a campaign is summed. "In the past 24 hours" is one day's report.
_RUNNING = re.compile(
    r"\b(?:since (?:the |its |it |their |they |a |an |\w+ )?(?:start|began|beginning|outbreak|war|conflict|uprising|"
    r"revolt|intervention|intervened|(?:19|20)\d\d|january|february|march|april|may|june|july|august|september|"
    r"october|november|december|last|early|late|mid)"
    # "since then": from a point the sentence before names, as "since the offensive began" does.
    r"|since then"
    r"|since (?:the|its|their|a) (?:\w+ ){0,4}(?:began|started|erupted|collapsed|broke down|was launched|took effect"
    r"|passed|adopted|signed|declared|entered into force)"
    # Deaths counted over a whole country or region: "more than 900 killed across the north".
    r"|(?:killed|died|dead|deaths) across\b"
    r"|so far(?: this| in)?|to date|(?:over|in|during|within) the (?:past|last|previous) (?:few |several |two |three |"
    r"four |five |six |ten |\d+ )?(?:days|weeks|months|years|decade|year|month|week)"
    r"|in recent (?:days|weeks|months|years)|(?:this|last) (?:year|month)(?:'s)? (?:alone|so far)"
    # "killed 300 in less than a month", "49 dead in two days of raids": a count over several days.
    r"|in (?:less than |more than |under |just |only )?(?:a|one|two|three|four|five|six|\d+) (?:weeks?|months?)"
    r"|in (?:two|three|four|five|six|seven|\d+) days of"
    r"|throughout the (?:war|conflict|year)|(?:\w+|\d+)-year(?:-old)? (?:war|conflict|civil war)"
    r"|(?:the|a|its) (?:war|conflict) (?:has |that has |which has )?(?:killed|claimed|left)"
    r"|(?:death toll|toll) (?:of|in) the (?:war|conflict)|every day|each day|daily"
    # "up to 150 strikes per day", "dozens of raids a day": a rate, not an event.
    r"|per (?:day|week|month)"
    r"|(?:strikes|raids|sorties|attacks|shells|rockets) a (?:day|week|month)(?! (?:after|before|earlier|later|ago))"
    r")\b",
    re.I,
)
# A count from a day to now is told in the perfect ("68 have been killed since Saturday"); "a truce
# in place since Monday" counts nothing.
_PERFECT = re.compile(r"\b(?:have|has|had)\b", re.I)
# People displaced told in the perfect with no day of their own: a count so far ("nearly a million have been
# displaced", "thousands have fled their homes"), where "fled on Sunday" is one flight.
_DISPLACED_SO_FAR = re.compile(r"\b(?:have|has) (?:been )?(?:displaced|uprooted|fled|forced (?:from|out of))\b", re.I)
_CAMPAIGN = re.compile(
    r"\b(?:(?:has|have|had) been (?:waging|carrying out|conducting|bombing|pounding|shelling|targeting|striking)"
    r"|(?:stepped|step|stepping) up|intensif(?:y|ied|ying)|escalat(?:ed|ing)|a spate of|"
    r"repeated (?:attacks|strikes|raids|shelling)|(?:bombing|air|aerial|military) campaign|campaign of|"
    r"common practice|routinely|regularly|frequently"
    # Ground taken over a whole campaign: "has since captured most of the province", "has seized
    # territory across large parts of the north".
    r"|(?:has|have) since (?:captured|seized|taken|retaken|recaptured)"
    r"|(?:across|most of|large parts of|much of|swathes? of) (?:the )?(?:(?:\w+ )?(?:and \w+ )?"
    r"(?:province|provinces|country|region|north|south|east|west|northeast|northwest|southeast|southwest)"
    # ... or of a country's regions: "large parts of northern and eastern Syria".
    r"|(?:north|south|east|west|central)\w*(?: and (?:north|south|east|west)\w*)? \w+))\b",
    re.I,
)
# Talks told as a run of rounds or a series ("several rounds of talks in X have failed", "a series of
# meetings between the two sides"): the story's background, not one meeting held that day ("a new
# round of talks opened on Monday" is one). Read only where it holds the trigger: a deal signed
# "after several rounds of talks" is still the event.
_TALKS_SERIES = re.compile(
    r"\b(?:rounds|series) of (?:[\w-]+ ){0,2}(?:talks|negotiations|meetings|summits|consultations)\b", re.I
)
# The trigger is what someone aims at, not what happened: "an offensive with the aim of recapturing
# the city", "an operation aimed at the liberation of Raqqa".
_PURPOSE_BEFORE = re.compile(
    r"\b(?:aim(?:ed|ing|s)? (?:at|to)|(?:the )?(?:aim|goal|purpose|intention) of|bid to|attempt(?:ing|s)? to|"
    r"seek(?:s|ing)? to|intended to|in order to)\s+(?:the\s+)?$",
    re.I,
)
# A denial by its form: the lemmatizer is off (`lemma_` is ""), and `nlp.base_form` cuts "denied" to "deni".
DENY_FORMS = ("deny", "denies", "denied", "denying")
# Footage that shows fighting ("a video released on Friday shows heavy fighting in X"): a report about
# media, whose day is the video's, not the fighting's (`mention.footage`).
_FOOTAGE_BEFORE = re.compile(
    r"\b(?:videos?|footage|images|pictures|photos|photographs)\b(?:\s+[\w,'-]+){0,8}?\s+"
    r"(?:shows?|showed|showing|depicts?|depicted|purports? to show|appears? to show|appeared to show)"
    r"\s+(?:\w+\s+){0,3}$",
    re.I,
)
FOOTAGE_WINDOW = 120  # characters before the trigger: "a video posted online by activists on Friday shows"


def _footage(sentence: str, start: int, trigger_at: int) -> bool:
    """`mention.footage`: the words before the trigger say a video or photos show it."""
    if trigger_at < start:
        return False
    return (
        _FOOTAGE_BEFORE.search(sentence[max(0, trigger_at - start - FOOTAGE_WINDOW) : trigger_at - start]) is not None
    )


_HYPOTHETICAL = re.compile(
    r"\b(?:would|could|might|should|if|unless|threat(?:en|ens|ened|ening)?|warn(?:s|ed|ing)? (?:of|that|against)|"
    r"call(?:s|ed|ing)? for|push(?:es|ed|ing)? for|approval for|approve (?:military |air )?(?:strikes|action)|"
    r"authori[sz](?:e|ation) (?:for|of)|"
    r"vow(?:s|ed)? to|risk of|fear(?:s|ed)? (?:of|that)|consider(?:s|ed|ing)? "
    r"(?:military )?(?:strikes|action)|plans? (?:to|for)|preparing (?:to|for)|in case of|"
    # An attack only weighed: "options for possible strikes", "debates whether to allow strikes".
    r"(?:possible|potential|proposed|planned) (?:[\w.-]+ )?(?:strikes?|attacks?|action|intervention)|"
    r"debat(?:e|es|ed|ing) whether)\b",
    re.I,
)
# A clause of past fact inside a hypothesis: "it would be the deadliest attack since jets killed 40 in
# X" — the modal says what the new attack would be; the "since"/"after" clause tells what happened.
_FACTUAL_CLAUSE = re.compile(r"\b(?:since|after)\b", re.I)


def _negated(sent: Any, trigger_at: int) -> bool:
    """A negation that governs the trigger's verb ("did not strike", "no strikes hit")."""
    trigger = _trigger_noun(sent, trigger_at)
    if trigger is None:
        return False
    if any(c.lower_ in ("no", "never") and c.dep_ in ("det", "neg", "advmod") for c in trigger.children):
        return True  # "no strikes hit the town"
    if _paused(trigger):
        return True  # "a halt of fighting", "a pause in air strikes": what stops does not happen
    verb = _action_verb(trigger)
    if verb is None:
        return False
    if any(c.dep_ == "neg" or c.lower_ == "never" for c in verb.children):
        return True
    return _denies(verb) or verb.dep_ in ("ccomp", "xcomp") and _denies(verb.head)


def _denies(verb: Any) -> bool:
    return verb.lower_ in DENY_FORMS


def _future(sent: Any, trigger_at: int) -> bool:
    """Whether the trigger's action is told in the future ("the battle will continue", "forces will
    storm the town"): a prediction or a vow, not something that happened."""
    trigger = _trigger_noun(sent, trigger_at)
    verb = None if trigger is None else _action_verb(trigger)
    return verb is not None and is_future_verb(verb)  # the date reader's test of a future verb


def _paused(trigger: Any) -> bool:
    """Whether the trigger is what a pause noun stops ("a halt of fighting", "a lull in the
    fighting", "a pause in air strikes") or a pause verb ("halted its air strikes", "stopped
    bombing the city")."""
    prep = trigger.head
    if trigger.dep_ in ("dobj", "xcomp") and (
        base_form(prep).startswith(PAUSE_VERB_STEMS) or trigger.tag_ == "VBG" and base_form(prep) == "stop"
    ):
        return True
    return (
        trigger.dep_ in ("pobj", "pcomp")
        and prep.lower_ in ("of", "in", "to", "on")
        # The parse may hang the phrase on the verb ("enjoyed a lull in the shelling"): the noun
        # right before it counts.
        and (prep.head.lower_ in PAUSE_NOUNS or prep.i > 0 and prep.doc[prep.i - 1].lower_ in PAUSE_NOUNS)
    )


def _trigger_noun(sent: Any, trigger_at: int) -> Any:
    """The trigger's token, or the noun it forms with the words after it ("air strikes"); None
    without a parse or a token there."""
    if sent is None:
        return None
    trigger = token_from(sent, trigger_at)
    if trigger is None:
        return None
    while trigger.dep_ in ("compound", "amod") and trigger.head.i != trigger.i:
        trigger = trigger.head  # "air strikes": the noun the words form
    return trigger


def _a_kind(trigger: Any) -> bool:
    """Whether the trigger noun names a kind of act, not one act: "similar bombings", "such attacks"
    ("the group has carried out similar bombings in the province" compares; it tells no event). A
    sentence that names the day tells one act all the same ("a similar bombing on May 2 killed 7")."""
    return (
        trigger is not None
        and trigger.pos_ == "NOUN"
        and any(c.lower_ in ("similar", "such") for c in trigger.children)
    )


def _action_verb(trigger: Any) -> Any:
    """The verb whose action the trigger is: itself, or the verb it is the subject or object of (None
    otherwise). A negation elsewhere ("was not responsible for the bombing") denies something else."""
    if trigger.pos_ in ("VERB", "AUX"):
        return trigger
    if trigger.dep_ in ("dobj", "nsubj", "nsubjpass") and trigger.head.pos_ in ("VERB", "AUX"):
        return trigger.head
    return None


def mention_reason(
    sentence: str,
    start: int,
    event_type: str,
    sub_type: str,
    date_precision: str,
    violent: bool,
    sent: Any = None,
    trigger_at: int = -1,
    switches: Switches = ALL_ON,
    names_day: bool = False,
    credit: str = "",
) -> str | None:
    """The id of the first mention rule the sentence meets, or None for an event.

    `start` is the sentence's offset in the article; `trigger_at` the trigger's offset (-1 for none);
    `names_day` whether the sentence itself gives the event's day ("on Friday"): a sentence that names
    the day reports that day's event, even beside a running total. `credit` is the text right after the
    sentence, where a caption's "(Reuters)" stands when the sentence splitter gave it to the next one.
    """
    reason = _reason_for_any(sentence, start, event_type, sub_type, date_precision, trigger_at, switches, credit)
    if reason is None and event_type == "Displacement" and switches.on("mention.running_total") and not names_day:
        # "Nearly a million have been displaced since April": the count so far, not one flight.
        return "mention.running_total" if _RUNNING.search(sentence) or _DISPLACED_SO_FAR.search(sentence) else None
    if reason is not None:
        return reason
    if not violent:
        at = trigger_at - start
        if switches.on("mention.talks_series") and any(
            m.start() <= at < m.end() for m in finditer(_TALKS_SERIES, sentence)
        ):
            return "mention.talks_series"
        # Talks, deals, protests, moves: with `mention.every_type` what is only hoped for, denied or
        # to come is no more an event than a strike that is.
        every = switches.on("mention.every_type")
        return _other_modality(sentence, start, sent, trigger_at, switches) if every else None
    return _reason_for_violence(sentence, start, sent, trigger_at, switches, names_day)


def _other_modality(sentence: str, start: int, sent: Any, trigger_at: int, switches: Switches) -> str | None:
    """For talks, deals, protests and moves, a hypothetical cue counts only where it governs the
    trigger ("would meet", "called for talks"): a protest "calling for" reforms is held, and talks
    after which ministers said a truce "would" begin took place."""
    if trigger_at < 0 or sent is None:
        return None
    if switches.on("mention.hypothetical") and cue_governs(_HYPOTHETICAL, sentence, start, sent, trigger_at):
        return "mention.hypothetical"
    return _reason_by_parse(sent, trigger_at, switches)


def _reason_for_any(
    sentence: str,
    start: int,
    event_type: str,
    sub_type: str,
    date_precision: str,
    trigger_at: int,
    switches: Switches,
    credit: str,
) -> str | None:
    """The mention rules for any sentence: page furniture, no type, a statement, no day."""
    at = trigger_at - start if trigger_at >= start else -1
    if switches.on("mention.boilerplate") and (is_boilerplate(sentence, start, at) or CREDIT_NEXT.match(credit)):
        return "mention.boilerplate"
    if switches.on("mention.before_dateline") and before_wire_dateline(sentence, start, trigger_at):
        return "mention.before_dateline"
    if event_type == "Other" and switches.on("mention.untyped"):
        return "mention.untyped"
    if sub_type == "Statement" and switches.on("mention.statement"):
        return "mention.statement"
    if switches.on("mention.vague_date") and date_precision == "year":
        # Whatever happened only "in 2003" (a war, a protest, a deal) is background: no day to map.
        return "mention.vague_date"
    return None


def _since_day(sentence: str) -> bool:
    """A count from a day the date reader finds to now ("since Saturday", "since Sept. 19"), told in
    the perfect: a running total, not one day's toll."""
    if _PERFECT.search(sentence) is None:
        return False
    return any(sentence[: m.start].lower().split()[-1:] == ["since"] for m in find_date_mentions(sentence))


def _hypothetical(sentence: str, switches: Switches) -> bool:
    """Whether a modal, a condition or a threat frames the event. With `mention.factual_clause` not
    when every cue precedes a "since"/"after" clause that tells violence of its own: that clause is a
    past fact the hypothesis is measured against, and the row's place and day are read from it."""
    # By regex_needs (the pattern's lower-case twin, the same spans): only where the cues start is read.
    cues = [m.start() for m in finditer(_HYPOTHETICAL, sentence)]
    if not cues:
        return False
    if not switches.on("mention.factual_clause"):
        return True
    opens = [m.end() for m in _FACTUAL_CLAUSE.finditer(sentence) if m.start() > max(cues)]
    return not (opens and classify(sentence[opens[0] :])[0] in VIOLENT)


def _reason_for_violence(
    sentence: str, start: int, sent: Any, trigger_at: int, switches: Switches, names_day: bool
) -> str | None:
    """The mention rules for violence: a running total, a campaign, footage, a kind of act, a hypothesis,
    a negation, the future."""
    if switches.on("mention.running_total") and not names_day and (search(_RUNNING, sentence) or _since_day(sentence)):
        return "mention.running_total"
    if switches.on("mention.campaign") and search(_CAMPAIGN, sentence):
        return "mention.campaign"
    if switches.on("mention.footage") and _footage(sentence, start, trigger_at):
        return "mention.footage"
    if switches.on("mention.kind_of_act") and not names_day and _a_kind(_trigger_noun(sent, trigger_at)):
        return "mention.kind_of_act"
    return _modality(sentence, start, sent, trigger_at, switches)


def _modality(sentence: str, start: int, sent: Any, trigger_at: int, switches: Switches) -> str | None:
    """The rules of what is not told as done: a hypothesis or purpose, then the trigger's parse."""
    before = sentence[max(0, trigger_at - start - 40) : trigger_at - start] if trigger_at >= start else ""
    if switches.on("mention.hypothetical") and (_hypothetical(sentence, switches) or _PURPOSE_BEFORE.search(before)):
        return "mention.hypothetical"
    if switches.on("types.aim") and AIM_BEFORE.search(before):
        return "types.aim"  # "announced an operation to recapture X": no other event the sentence tells
    return _reason_by_parse(sent, trigger_at, switches) if trigger_at >= 0 else None


def _reason_by_parse(sent: Any, trigger_at: int, switches: Switches) -> str | None:
    """The mention rules the trigger's parse decides: a negation, the future, a schedule, a request."""
    if switches.on("mention.negated") and _negated(sent, trigger_at):
        return "mention.negated"
    if switches.on("mention.future") and _future(sent, trigger_at):
        return "mention.future"
    trigger = _trigger_noun(sent, trigger_at)
    if trigger is None:
        return None
    verb = _action_verb(trigger)
    if switches.on("mention.scheduled") and scheduled(trigger, verb):
        return "mention.scheduled"
    if switches.on("mention.asked_for") and asked_for(verb):
        return "mention.asked_for"
    return None
