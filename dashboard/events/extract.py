"""Sentences with resolved places → event rows: type, date, actors, fatalities, provenance."""

from __future__ import annotations

import hashlib
from typing import Any

from dashboard import schema as S
from dashboard.dates import DAY, dateline_span
from dashboard.events.actors import Actor, interaction, load_dictionary
from dashboard.events.assemble import assemble
from dashboard.events.lexicon import ACLED_TYPES, VIOLENT, classify_rule, load_lexicon, type_from_neighbours
from dashboard.events.mentions import EVENT, MENTION, before_wire_dateline, mention_reason
from dashboard.events.numbers import displaced, fatalities, injured
from dashboard.events.sites import coordinated, unlisted_sites
from dashboard.events.when import (
    clause_verb,
    is_future_sentence,
    is_future_verb,
    sentence_date,
    sentence_mentions,
    trigger_token,
)
from dashboard.events.where import _finer_in_next, _place, choose_event_location, event_places
from dashboard.events.who import actors, people_index, row_actors
from dashboard.geo.gazetteer import Gazetteer
from dashboard.geo.toponym import alternatives_json
from dashboard.geo.toponyms import Toponym
from dashboard.ingest.article import Article
from dashboard.nlp import doc_text
from dashboard.rules import ALL_ON, Switches


def _event_id(article_id: str, start: int, place_key: str) -> str:
    return hashlib.sha1(f"{article_id}|{start}|{place_key}".encode()).hexdigest()[:16]


def _page_furniture(sentence: str, start: int, trigger_at: int, switches: Switches) -> bool:
    """Whether the sentence's violence stands before a wire dateline (a headline or a related link's
    title the page glued to the story): its place is no context for the story's next sentence."""
    return switches.on("mention.before_dateline") and before_wire_dateline(sentence, start, trigger_at)


def extract_events(
    doc: Any, article: Article, toponyms: list[Toponym], gazetteer: Gazetteer, switches: Switches = ALL_ON
) -> list[dict]:
    """One row per event the article reports (and per mention of one), with its evidence spans."""
    if switches.on("location.unlisted_site"):
        split = switches.on("location.unpunctuated_list")
        toponyms = sorted([*toponyms, *unlisted_sites(doc, toponyms, split)], key=lambda t: t.start)
    rows = sentence_rows(doc, article, toponyms, gazetteer, switches)
    return assemble(rows, switches)


def sentence_rows(
    doc: Any, article: Article, toponyms: list[Toponym], gazetteer: Gazetteer, switches: Switches = ALL_ON
) -> list[dict]:
    """One row per (sentence, place that can locate its event)."""
    rules = load_lexicon()
    rows: list[dict] = []
    opening, dateline_end = (
        dateline_span(article.text, switches.on("dates.byline")) if switches.on("dates.dateline") else (None, 0)
    )
    if not switches.on("dates.dateline_not_event"):
        dateline_end = 0
    published = opening or article.published  # what relative days in the text count from
    if switches.on("actors.dictionary"):
        load_dictionary()
    previous: list[Toponym] = []
    fit_for_violence: list[Toponym] = []  # the places of `previous` that could locate violence
    previous_end = previous_start = -1
    previous_type = ""
    since_previous = 0
    generic_ids: set[str] = set()
    sents = list(doc.sents)
    people = people_index(doc)
    for k, sent in enumerate(sents):
        from_context = False
        forward_end = -1  # where the excerpt ends when a later sentence names the place
        since_previous += 1
        # Offsets point at the words, not the whitespace around them.
        stext = sent.text
        s0 = sent.start_char + (len(stext) - len(stext.lstrip()))
        s1 = sent.start_char + len(stext.rstrip())
        own = article.text[s0:s1]  # the sentence that types and dates the event
        rule, trigger = classify_rule(own, rules)
        event_type, sub_type = (rule.event_type, rule.sub_event_type) if rule else ("Other", "Other")
        places = event_places(sent, toponyms, violent=event_type in VIOLENT)
        at = own.find(trigger) if trigger else -1  # the trigger's offset in `own`
        split = False  # several listed sites share the sentence's event
        if places and rule is not None and at >= 0:
            # A typed event happens in one place: the one its trigger is tied to in the parse (the
            # rule `eval event-location` measures); when the parse ties none, the places above.
            site = choose_event_location(sent, s0 + at, places)
            if site is not None:
                # "Shells hit X and Y": one event per site (`location.coordinated_sites`).
                listed = (
                    coordinated(sent, site, places, switches.on("location.unpunctuated_list"))
                    if switches.on("location.coordinated_sites")
                    else []
                )
                places = sorted([site, *listed], key=lambda t: t.start)
                split = bool(listed)
        if not places:
            # A sentence that names no place where its event happens continues the located
            # sentence just before it: deaths reported in general terms in the same paragraph
            # ("At least 12 people were killed, the monitor said."), or the same kind of
            # diplomacy ("Turkey is heading to Moscow for a summit." → "Erdoğan will meet Putin
            # on Thursday to discuss the Idlib crisis."). The event takes that place, with
            # lower confidence.
            same_paragraph = previous and "\n\n" not in doc_text(doc)[previous_end : sent.start_char]
            violent_toll = same_paragraph and (
                event_type in VIOLENT
                and fatalities(own) is not None
                or event_type == "Displacement"
                and displaced(own) is not None
            )
            same_talks = (
                previous and sub_type == "Meeting/summit" and previous_type == "Diplomacy" and since_previous <= 2
            )
            lead_toll = not previous and event_type in VIOLENT and fatalities(own) is not None
            inherited = fit_for_violence if event_type in VIOLENT else previous
            if (violent_toll or same_talks) and inherited:
                places, from_context = inherited[:1], True
            elif lead_toll and (ahead := _finer_in_next(sents, k, [], toponyms, doc_text(doc))) is not None:
                # The lead's toll before any place is named ("A missile slammed into a rebel-held
                # town, killing 23.") happened where the next sentences of the paragraph say.
                places, from_context, forward_end = [ahead[0]], True, ahead[1]
            else:
                continue
        elif not _page_furniture(own, s0, s0 + at if at >= 0 else -1, switches):
            # Deaths reported next are inherited only by a place that could locate violence: not
            # one of talks or of a report ("talks in Berlin" → "Russian airstrikes have killed
            # thousands" did not happen in Berlin), nor of a headline or link the page glued on.
            previous, previous_end = places, s1
            fit_for_violence = places if event_type in VIOLENT else event_places(sent, places, violent=True)
            previous_start, previous_type = s0, event_type
            since_previous = 0
        # An event placed from context quotes the sentence that names the place too, so the
        # excerpt shows both the place and what happened there.
        excerpt_start = previous_start if from_context and forward_end < 0 else s0
        excerpt_end = max(s1, forward_end)
        if not from_context and event_type in VIOLENT and all(_place(t).precision >= 4 for t in places):
            # "Air strikes killed 12 people in northwest Syria." followed, in the same paragraph,
            # by "The strikes hit Saraqib…": the next sentence says where in that country.
            finer = _finer_in_next(sents, k, places, toponyms, doc_text(doc))
            if finer is not None:
                places, from_context = [finer[0]], True
                excerpt_end = finer[1]
        excerpt = article.text[excerpt_start:excerpt_end]
        # trigger_token counts from the sentence's start, `own` from its first word.
        verb = clause_verb(trigger_token(sent, s0 - sent.start_char + at if at >= 0 else -1))
        future = is_future_verb(verb) or is_future_sentence(sent)
        ev_date, precision, date_source, is_future = sentence_date(
            own, published, future, sentence_mentions(sent, verb, dateline_end)
        )
        killed, hurt, fled = fatalities(own), injured(own), displaced(own)
        # ACLED's actor dictionary codes political violence, protests and strategic developments; the
        # parties to talks and statements are the people and governments the sentence names.
        coded = switches.on("actors.dictionary") and event_type in ACLED_TYPES
        names = [] if coded else actors(sent, toponyms, gazetteer, people)
        reason = mention_reason(
            own,
            s0,
            event_type,
            sub_type,
            precision,
            event_type in VIOLENT,
            sent,
            s0 + at if at >= 0 else -1,
            switches,
            names_day=date_source == "sentence" and precision == DAY,
            credit=article.text[s1 : s1 + 24],
        )
        for t in places:
            p = _place(t)
            country = gazetteer.country_name(p.country_code) if p.country_code else ""
            if coded:
                a1, a2 = row_actors(
                    doc, s0, s1, s0 + at if at >= 0 else s0, event_type, p.country_code, country, switches
                )
            else:
                a1 = Actor(names[0], None) if names else None  # type: ignore[arg-type]
                a2 = Actor(names[1], None) if len(names) > 1 else None  # type: ignore[arg-type]
            margin = t.score - (t.alternatives[1][1] if len(t.alternatives) > 1 else 0.0)
            confidence = (
                0.35
                + 0.15 * min(1.0, max(0.0, margin) / 3)
                + (0.2 if trigger else 0.0)
                + (0.15 if p.precision < 4 else 0.0)
                + (0.15 if date_source == "sentence" else 0.05)
                - (0.2 if from_context else 0.0)
            )
            if rule is not None and rule.generic:
                generic_ids.add(_event_id(article.article_id, s0, f"{p.name}|{p.geonameid}"))
            rows.append(
                {
                    S.EVENT_ID: _event_id(article.article_id, s0, f"{p.name}|{p.geonameid}"),
                    S.ARTICLE_ID: article.article_id,
                    S.EVENT_DATE: ev_date,
                    S.DATE_PRECISION: precision,
                    S.DATE_SOURCE: date_source,
                    S.IS_FUTURE: is_future,
                    S.EVENT_TYPE: event_type,
                    S.SUB_EVENT_TYPE: sub_type,
                    S.TRIGGER: trigger,
                    S.TRIGGER_START: s0 + at if at >= 0 else None,
                    S.TRIGGER_END: s0 + at + len(trigger) if at >= 0 else None,
                    S.ACTOR1: a1.name if a1 else "",
                    S.INTER1: a1.inter if a1 else None,
                    S.ACTOR2: a2.name if a2 else "",
                    S.INTER2: a2.inter if a2 else None,
                    S.INTERACTION: interaction(a1.inter if a1 else None, a2.inter if a2 else None),
                    S.RECORD_KIND: MENTION if reason else EVENT,
                    S.MENTION_REASON: reason or "",
                    S.LOCATION: p.name,
                    S.TOPONYM: t.text,
                    S.TOPONYM_START: t.start,
                    S.TOPONYM_END: t.end,
                    S.LATITUDE: p.latitude,
                    S.LONGITUDE: p.longitude,
                    S.GEONAMEID: p.geonameid,
                    S.FEATURE_CODE: p.feature_code,
                    S.COUNTRY: country,
                    S.COUNTRY_CODE: p.country_code,
                    S.ADMIN1: p.admin1,
                    S.GEO_PRECISION: p.precision,
                    S.ALTERNATIVES: alternatives_json(t, gazetteer),  # its ranked candidates, best first
                    # A toll given for several sites together belongs to none of them.
                    S.FATALITIES: killed.value if killed and not split else None,
                    S.FATALITIES_TEXT: killed.phrase if killed else "",
                    S.FATALITIES_SHARED: killed.value if killed and split else None,
                    S.INJURED: hurt.value if hurt else None,
                    S.INJURED_TEXT: hurt.phrase if hurt else "",
                    S.DISPLACED: fled.value if fled else None,
                    S.DISPLACED_TEXT: fled.phrase if fled else "",
                    S.EXCERPT: excerpt,
                    S.EXCERPT_START: excerpt_start,
                    S.EXCERPT_END: excerpt_end,
                    S.TITLE: article.title,
                    S.SOURCE: article.source,
                    S.URL: article.url,
                    S.PUBLISHED: article.published,
                    S.DATELINE: opening,
                    S.PUBLISHED_INFERRED: article.published_inferred,
                    S.CONFIDENCE: round(min(1.0, confidence), 3),
                }
            )
    type_from_neighbours(rows, generic_ids, article.text)
    return rows
