"""Sentences with resolved places → event rows: type, date, actors, fatalities, provenance."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from dashboard import schema as S
from dashboard.dates import DAY, find_date_mentions, resolve_mention
from dashboard.events.adjuncts import own_words_act
from dashboard.events.anaphora import inheritable, names_its_author, one_act, other_means, provinces_only, unnamed
from dashboard.events.assemble import assemble
from dashboard.events.claims import claimant
from dashboard.events.coordination import coordinated
from dashboard.events.dateline_place import dateline_city
from dashboard.events.event_toll import event_toll
from dashboard.events.furniture import before_wire_dateline
from dashboard.events.lexicon import (
    ACLED_TYPES,
    VIOLENT,
    Rule,
    civilian_targets,
    classify_rule,
    first_means,
    load_lexicon,
    past_support,
    type_from_neighbours,
)
from dashboard.events.mentions import mention_reason
from dashboard.events.nonsites import locates_source
from dashboard.events.numbers import displaced, fatalities, injured
from dashboard.events.rows import ArticleContext, Located, Sentence, Told, article_context, event_row
from dashboard.events.site_repeats import repeated_sites
from dashboard.events.sites import unlisted_sites
from dashboard.events.when import (
    bounds_a_span,
    clause_verb,
    dated_by_report,
    is_future_sentence,
    is_future_verb,
    sentence_date,
    sentence_mentions,
    span_bound,
    trigger_token,
)
from dashboard.events.where import (
    choose_event_location,
    distinct_places,
    event_places,
    finer_in_next,
    kept_place,
    names_another_attack,
)
from dashboard.events.who import actors
from dashboard.geo.gazetteer import Gazetteer
from dashboard.geo.toponyms import Toponym
from dashboard.ingest.article import Article
from dashboard.nlp import doc_text
from dashboard.rules import ALL_ON, Switches


def _page_furniture(sentence: str, start: int, trigger_at: int, switches: Switches) -> bool:
    """Whether the sentence's violence stands before a wire dateline (a headline or a related link's
    title the page glued to the story): its place is no context for the story's next sentence."""
    return switches.on("mention.before_dateline") and before_wire_dateline(sentence, start, trigger_at)


def extract_events(
    doc: Any, article: Article, toponyms: list[Toponym], gazetteer: Gazetteer, switches: Switches = ALL_ON
) -> list[dict]:
    """One row per event the article reports (and per mention of one), with its evidence spans."""
    if switches.on("location.unlisted_site"):
        sites = unlisted_sites(doc, toponyms, switches)
        if switches.on("location.repeated_site"):
            sites += repeated_sites(toponyms, sites)
        toponyms = sorted([*toponyms, *sites], key=lambda t: t.start)
    rows = sentence_rows(doc, article, toponyms, gazetteer, switches)
    return assemble(rows, switches, claimant(doc) if switches.on("actors.claimant") else None)


@dataclass
class _Previous:
    """The last sentence that said where its event happened, which the next sentences may continue."""

    places: list[Toponym] = field(default_factory=list)
    fit_for_violence: list[Toponym] = field(default_factory=list)  # those that could locate violence
    start: int = -1
    end: int = -1
    event_type: str = ""
    since: int = 0  # sentences read since it


def sentence_rows(
    doc: Any, article: Article, toponyms: list[Toponym], gazetteer: Gazetteer, switches: Switches = ALL_ON
) -> list[dict]:
    """One row per (sentence, place that can locate its event)."""
    rules = load_lexicon()
    ctx = article_context(doc, article, toponyms, gazetteer, switches)
    rows: list[dict] = []
    previous = _Previous()
    generic_ids: set[str] = set()
    for k, sent in enumerate(ctx.sents):
        previous.since += 1
        s = _read_sentence(sent, k, article.text, rules, switches)
        located = _locate(ctx, s, previous)
        if located is None:
            continue
        told = _tell(ctx, s)
        for t in located.places:
            row = event_row(ctx, s, located, told, t)
            if s.rule is not None and s.rule.generic:
                generic_ids.add(row[S.EVENT_ID])
            rows.append(row)
    type_from_neighbours(rows, generic_ids, article.text, switches.on("types.armed_target"))
    if switches.on("types.civilian_target"):
        civilian_targets(rows, generic_ids)
    return rows


def _read_sentence(sent: Any, k: int, text: str, rules: tuple[Rule, ...], switches: Switches = ALL_ON) -> Sentence:
    # Offsets point at the words, not the whitespace around them.
    stext = doc_text(sent.doc)[sent.start_char : sent.end_char]  # sent.text, which spaCy joins anew
    s0 = sent.start_char + (len(stext) - len(stext.lstrip()))
    s1 = sent.start_char + len(stext.rstrip())
    own = text[s0:s1]  # the sentence that types and dates the event
    rule, trigger = classify_rule(own, rules)
    if switches.on("types.support_phrase"):
        rule, trigger = past_support(own, rule, trigger, rules)
    if switches.on("types.first_means"):
        rule, trigger = first_means(own, rule, trigger, rules)
    rule, trigger = own_words_act(sent, s0, own, rule, trigger, rules, switches)
    event_type, sub_type = (rule.event_type, rule.sub_event_type) if rule else ("Other", "Other")
    at = own.find(trigger) if trigger else -1
    return Sentence(sent, k, s0, s1, own, rule, trigger, event_type, sub_type, at)


def _locate(ctx: ArticleContext, s: Sentence, previous: _Previous) -> Located | None:
    """Where the sentence's event happened (None: nowhere it or its neighbours say); remembers the
    sentence in `previous` when it names a place the next sentences may continue."""
    places, split = _sites(ctx, s, event_places(s.sent, ctx.toponyms, violent=s.event_type in VIOLENT))
    from_context = False
    forward_end = -1  # where the excerpt ends when a later sentence names the place
    dateline = None
    if not places:
        inherited = _from_context(ctx, s, previous)
        dateline = _at_dateline(ctx, s) if inherited is None else None
        inherited = ([dateline], s.s1) if dateline is not None else inherited
        if inherited is None:
            return None
        (places, forward_end), from_context = inherited, True
    elif not _page_furniture(s.own, s.s0, s.trigger_at, ctx.switches) and not _tellers_places(ctx, s, places):
        # Deaths reported next are inherited only by a place that could locate violence: not
        # one of talks or of a report ("talks in Berlin" → "Russian airstrikes have killed
        # thousands" did not happen in Berlin), nor of a headline or link the page glued on.
        fit = places if s.event_type in VIOLENT else event_places(s.sent, places, violent=True)
        previous.places, previous.fit_for_violence, previous.end = places, fit, s.s1
        previous.start, previous.event_type, previous.since = s.s0, s.event_type, 0
    # An event placed from context quotes the sentence that names the place too, so the
    # excerpt shows both the place and what happened there.
    excerpt_start = previous.start if from_context and forward_end < 0 else s.s0
    if dateline is not None:  # the excerpt shows the dateline, the place's words
        excerpt_start = dateline.start
    excerpt_end = max(s.s1, forward_end)
    finer = None if from_context or s.event_type not in VIOLENT else _finer_ahead(ctx, s, places)
    if finer is not None:
        places, from_context = [finer[0]], True
        excerpt_start, excerpt_end = finer[1], max(excerpt_end, finer[2])
    return Located(places, from_context, split, excerpt_start, excerpt_end)


def _at_dateline(ctx: ArticleContext, s: Sentence) -> Toponym | None:
    """`location.dateline_city`: the dateline's town, for a typed sentence naming no place that refers
    to it ("in the city", "here"); None otherwise."""
    if s.rule is None or not ctx.switches.on("location.dateline_city"):
        return None
    return dateline_city(ctx.toponyms, doc_text(ctx.doc), s.s0, s.s1)


def _finer_ahead(ctx: ArticleContext, s: Sentence, places: list[Toponym]) -> tuple[Toponym, int, int] | None:
    """The town the next sentences give a violent report placed no finer than its country, or than a
    province where it tells of an unnamed town or of one act; with where the excerpt then starts and
    ends. None when none does."""
    text = doc_text(ctx.doc)
    if all(kept_place(t).precision >= 4 for t in places):
        # "Air strikes killed 12 people in northwest Syria." followed, in the same paragraph,
        # by "The strikes hit Saraqib…": the next sentence says where in that country.
        abroad = ctx.switches.on("location.same_country_next")
        other_day = ctx.dateline_end if ctx.switches.on("location.same_day_next") else None
        ahead = finer_in_next(ctx.sents, s.k, places, ctx.toponyms, text, _now(ctx), abroad, other_day)
        return None if ahead is None else (ahead[0], s.s0, ahead[1])
    provinces = provinces_only(places)
    if provinces and ctx.switches.on("location.unnamed_town_next") and unnamed(s.own):
        # "Jets struck a town in Aleppo province." then "The raids hit Atarib.": the town it names.
        ahead = finer_in_next(ctx.sents, s.k, places, ctx.toponyms, text, _now(ctx), within=provinces)
        return None if ahead is None else (ahead[0], s.s0, ahead[1])
    if provinces and ctx.switches.on("location.province_town_next") and one_act(s.trigger_tok()):
        return _town_of_one_act(ctx, s, places, provinces)
    return None


def _town_of_one_act(
    ctx: ArticleContext, s: Sentence, places: list[Toponym], provinces: set[str]
) -> tuple[Toponym, int, int] | None:
    """`location.province_town_next`: the town of the province the next sentences name, unless the
    sentence naming it tells an act of other means (another act)."""
    other_day = ctx.dateline_end if ctx.switches.on("location.same_day_next") else None
    ahead = finer_in_next(
        ctx.sents, s.k, places, ctx.toponyms, doc_text(ctx.doc), _now(ctx), other_day_after=other_day, within=provinces
    )
    if ahead is None:
        return None
    told = next((x.text for x in ctx.sents if x.start_char <= ahead[0].start < x.end_char), "")
    return None if other_means(told, s.trigger) else (ahead[0], s.s0, ahead[1])


def _tellers_places(ctx: ArticleContext, s: Sentence, places: list[Toponym]) -> bool:
    """`location.source_place`: the sentence's places only say where tellers of the news are ("…
    wounded, according to a medical source in X"); the sentences after it continue the place told
    before it, not X."""
    return ctx.switches.on("location.source_place") and all(locates_source(s.sent, t) for t in places)


def _sites(ctx: ArticleContext, s: Sentence, places: list[Toponym]) -> tuple[list[Toponym], bool]:
    """The places of a typed event, and whether several listed sites share it."""
    if not (places and s.rule is not None and s.at >= 0):
        return places, False
    # A typed event happens in one place: the one its trigger is tied to in the parse (the
    # rule `eval event-location` measures); when the parse ties none, the places above.
    site = choose_event_location(s.sent, s.s0 + s.at, places, ctx.switches)
    if site is None:
        if ctx.switches.on("location.other_event_place"):
            places = _countries_of_other_attacks(ctx, s, places)
        return places, False
    # "Shells hit X and Y": one event per site (`location.coordinated_sites`).
    listed = (
        coordinated(s.sent, site, places, ctx.switches.on("location.unpunctuated_list"))
        if ctx.switches.on("location.coordinated_sites")
        else []
    )
    return sorted([site, *listed], key=lambda t: t.start), bool(listed)


def _countries_of_other_attacks(ctx: ArticleContext, s: Sentence, places: list[Toponym]) -> list[Toponym]:
    """The places of a sentence whose parse ties none to its trigger, where a place that only names
    another attack ("the Kafr Zita strike prompted missile strikes on an air base") gives its
    country: the sentence's own event happened somewhere in it, the text does not say where."""
    trig = s.trigger_tok()
    out: list[Toponym] = []
    for t in places:
        country = ctx.gazetteer.country(kept_place(t).country_code) if names_another_attack(s.sent, t, trig) else None
        out.append(t if country is None else replace(t, place=country, alternatives=()))
    return distinct_places(out)


def _from_context(ctx: ArticleContext, s: Sentence, previous: _Previous) -> tuple[list[Toponym], int] | None:
    """The place a sentence that names none takes from its neighbours, and where the excerpt ends
    when a later sentence gives it (-1: it comes from the sentence before); None when none does.

    A sentence that names no place where its event happens continues the located sentence just
    before it: deaths reported in general terms in the same paragraph ("At least 12 people were
    killed, the monitor said."), or the same kind of diplomacy ("Turkey is heading to Moscow for a
    summit." → "Erdoğan will meet Putin on Thursday to discuss the Idlib crisis."). The event takes
    that place, with lower confidence."""
    inherited = inheritable(
        previous.fit_for_violence if s.event_type in VIOLENT else previous.places, s.own, ctx.switches
    )
    if (
        _continues_toll(ctx, s, previous)
        or _continues_talks(s, previous)
        or _dates_the_last(ctx, s, previous)
        or ctx.switches.on("location.author_continuation")
        and _right_after_violence(ctx, s, previous)
        and names_its_author(s.sent)
    ) and inherited:
        return inherited[:1], -1
    lead_toll = not previous.places and s.event_type in VIOLENT and fatalities(s.own) is not None
    ahead = finer_in_next(ctx.sents, s.k, [], ctx.toponyms, doc_text(ctx.doc), _now(ctx)) if lead_toll else None
    if ahead is not None:
        # The lead's toll before any place is named ("A missile slammed into a rebel-held
        # town, killing 23.") happened where the next sentences of the paragraph say.
        return [ahead[0]], ahead[1]
    return None


def _now(ctx: ArticleContext) -> date | None:
    """The article's day for `location.same_time_next`; None when the rule is off."""
    return ctx.published if ctx.switches.on("location.same_time_next") else None


def _same_paragraph(ctx: ArticleContext, s: Sentence, previous: _Previous) -> bool:
    return bool(previous.places) and "\n\n" not in doc_text(ctx.doc)[previous.end : s.sent.start_char]


def _right_after_violence(ctx: ArticleContext, s: Sentence, previous: _Previous) -> bool:
    """Violence told in the sentence right after a located act of violence, in its paragraph."""
    violent = s.event_type in VIOLENT and previous.event_type in VIOLENT
    return violent and previous.since <= 1 and _same_paragraph(ctx, s, previous)


def _dates_the_last(ctx: ArticleContext, s: Sentence, previous: _Previous) -> bool:
    """`location.dated_continuation`: violence told right after a located act of violence, in its
    paragraph, naming no place of its own but a day, tells when that act happened ("Jets pounded a
    convoy outside Deir ez-Zor. The fighters were killed by the raids on 3 June while fleeing
    south."): it takes that place, and the day joins the event (`assemble.undated_repeat`)."""
    if not (ctx.switches.on("location.dated_continuation") and _right_after_violence(ctx, s, previous)):
        return False
    # One day, not a span ("between 2 and 9 May") nor a list of days: those sum several acts.
    stext = doc_text(ctx.doc)[s.sent.start_char : s.sent.end_char]
    mentions = find_date_mentions(stext)
    resolved = resolve_mention(mentions[0], ctx.published) if len(mentions) == 1 else None
    if resolved is None or resolved[1] != DAY or bounds_a_span(stext[: mentions[0].start]):
        return False
    # The day dates the act itself, not a statement about it ("on Friday the agency called for an
    # end to the bombing") nor what the toll is counted from ("killed since the truce collapsed on 19
    # May").
    trig = s.trigger_tok()
    return clause_verb(trigger_token(s.sent, mentions[0].start)).i == clause_verb(trig).i


def _continues_toll(ctx: ArticleContext, s: Sentence, previous: _Previous) -> bool:
    """A toll of the dead or the displaced in the same paragraph as the located sentence before."""
    return bool(
        _same_paragraph(ctx, s, previous)
        and (
            s.event_type in VIOLENT
            and fatalities(s.own) is not None
            or s.event_type == "Displacement"
            and displaced(s.own) is not None
        )
    )


def _continues_talks(s: Sentence, previous: _Previous) -> bool:
    """A meeting told at most two sentences after diplomacy was located."""
    return bool(
        previous.places
        and s.sub_type == "Meeting/summit"
        and previous.event_type == "Diplomacy"
        and previous.since <= 2
    )


def _tell(ctx: ArticleContext, s: Sentence) -> Told:
    """When, who, how many, and whether the sentence only mentions its event."""
    trig = s.trigger_tok()
    verb = clause_verb(trig)
    future = is_future_verb(verb) or is_future_sentence(s.sent)
    mentions = sentence_mentions(s.sent, verb, ctx.dateline_end, trig)
    when = sentence_date(s.own, ctx.published, future, mentions)
    if when[2] == "sentence" and ctx.switches.on("dates.report_day") and dated_by_report(s.sent, mentions, verb):
        when = (when[0], when[1], "report", when[3])
    _date, precision, date_source, _future = when
    killed, hurt, fled = event_toll(ctx, s, verb), injured(s.own), displaced(s.own)
    # ACLED's actor dictionary codes political violence, protests and strategic developments; the
    # parties to talks and statements are the people and governments the sentence names.
    coded = ctx.switches.on("actors.dictionary") and s.event_type in ACLED_TYPES
    names = [] if coded else actors(s.sent, ctx.toponyms, ctx.gazetteer, ctx.people, ctx.switches, ctx.wire_end)
    names_day = date_source == "sentence" and precision == DAY and not span_bound(s.sent, mentions)
    return Told(when, coded, names, _mention(ctx, s, precision, names_day), killed, hurt, fled)


def _mention(ctx: ArticleContext, s: Sentence, precision: str, names_day: bool) -> str | None:
    """The id of the mention rule the sentence meets, or None for an event."""
    reason = mention_reason(
        s.own,
        s.s0,
        s.event_type,
        s.sub_type,
        precision,
        s.event_type in VIOLENT,
        s.sent,
        s.trigger_at,
        ctx.switches,
        names_day=names_day,
        credit=ctx.article.text[s.s1 : s.s1 + 24],
    )
    if reason is None and s.rule is not None and s.rule.named_only and ctx.switches.on("mention.named_agreement"):
        # "Idlib is one of the zones under the deal", "the truce appeared to hold": an agreement
        # referred to is background; one signed, reached or declared is the event.
        reason = "mention.named_agreement"
    return reason
