"""One event row from what the sentence loop found: the article, the sentence, where its event
happened and what it tells; its columns in the schema's order."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from dashboard import schema as S
from dashboard.datelines import article_dateline, wire_dateline_end
from dashboard.events.actors import Actor, interaction, load_dictionary
from dashboard.events.lexicon import Rule
from dashboard.events.mentions import EVENT, MENTION
from dashboard.events.numbers import Count
from dashboard.events.when import trigger_token
from dashboard.events.where import kept_place
from dashboard.events.who import people_index, row_actors
from dashboard.geo.gazetteer import Gazetteer, Place
from dashboard.geo.toponym import alternatives_json
from dashboard.geo.toponyms import COMPASS_WORDS, Toponym
from dashboard.ingest.article import Article
from dashboard.rules import Switches


def event_id(article_id: str, start: int, place_key: str) -> str:
    return hashlib.sha1(f"{article_id}|{start}|{place_key}".encode()).hexdigest()[:16]


@dataclass(frozen=True)
class ArticleContext:
    """What every sentence of one article reads: its text and parse, its names, the rules' switches,
    and the date relative days count from."""

    doc: Any
    article: Article
    toponyms: list[Toponym]
    gazetteer: Gazetteer
    switches: Switches
    sents: list
    people: dict[str, str]
    published: date | None  # what relative days in the text count from
    opening: date | None  # the dateline's date
    dateline_end: int  # where the dateline ends (0: read the dates before it too)
    wire_end: int = 0  # where a wire dateline ends: its place and agency name no actor (actors.not_the_dateline)


@dataclass(frozen=True)
class Sentence:
    """One sentence as the lexicon types it: its span without the whitespace around it, its rule and
    its trigger (`at`: the trigger's offset in `own`, -1 without one)."""

    sent: Any
    k: int
    s0: int
    s1: int
    own: str
    rule: Rule | None
    trigger: str
    event_type: str
    sub_type: str
    at: int

    @property
    def trigger_at(self) -> int:
        """The trigger's offset in the article, -1 without one."""
        return self.s0 + self.at if self.at >= 0 else -1

    def trigger_tok(self) -> Any:
        """The trigger's token (see `when.trigger_token`, which counts from the sentence's start where
        `at` counts from its first word)."""
        return trigger_token(self.sent, self.s0 - self.sent.start_char + self.at if self.at >= 0 else -1)


def article_context(
    doc: Any, article: Article, toponyms: list[Toponym], gazetteer: Gazetteer, switches: Switches
) -> ArticleContext:
    """What every sentence of the article reads (its dates from its dateline, `dates.dateline`;
    where a wire dateline ends, `actors.not_the_dateline`)."""
    opening, dateline_end = article_dateline(article.text, switches)
    if not switches.on("dates.dateline_not_event"):
        dateline_end = 0
    if switches.on("actors.dictionary"):
        load_dictionary()
    wire_end = wire_dateline_end(article.text) if switches.on("actors.not_the_dateline") else 0
    published = opening or article.published
    return ArticleContext(
        doc,
        article,
        toponyms,
        gazetteer,
        switches,
        list(doc.sents),
        people_index(doc),
        published,
        opening,
        dateline_end,
        wire_end,
    )


@dataclass(frozen=True)
class Located:
    """Where a sentence's event happened and the excerpt that shows it."""

    places: list[Toponym]
    from_context: bool  # the place comes from a neighbouring sentence
    split: bool  # several listed sites share the sentence's event
    excerpt_start: int
    excerpt_end: int


@dataclass(frozen=True)
class Told:
    """What a sentence tells of its event besides the place: when, who, how many, and whether it is
    only a mention."""

    when: tuple[date | None, str, str, bool]  # (date, precision, source, is_future)
    coded: bool  # actors come from the ACLED actor dictionary
    names: list[str]
    reason: str | None
    killed: Count | None
    hurt: Count | None
    fled: Count | None


def _row_actors(
    ctx: ArticleContext, s: Sentence, told: Told, p: Place, country: str
) -> tuple[Actor | None, Actor | None]:
    if told.coded:
        trigger_at = s.s0 + s.at if s.at >= 0 else s.s0
        s0 = max(s.s0, ctx.wire_end)  # "KYIV, May 3 (Agency) - …": the capital is where the story was filed
        return row_actors(ctx.doc, s0, s.s1, trigger_at, s.event_type, p.country_code, country, ctx.switches, s.sent)
    names = told.names
    a1 = Actor(names[0], None) if names else None  # type: ignore[arg-type]
    a2 = Actor(names[1], None) if len(names) > 1 else None  # type: ignore[arg-type]
    return a1, a2


def _confidence(s: Sentence, located: Located, told: Told, t: Toponym) -> float:
    margin = t.score - (t.alternatives[1][1] if len(t.alternatives) > 1 else 0.0)
    confidence = (
        0.35
        + 0.15 * min(1.0, max(0.0, margin) / 3)
        + (0.2 if s.trigger else 0.0)
        + (0.15 if kept_place(t).precision < 4 else 0.0)
        + (0.15 if told.when[2] == "sentence" else 0.05)
        - (0.2 if located.from_context else 0.0)
    )
    return round(min(1.0, confidence), 3)


def event_row(ctx: ArticleContext, s: Sentence, located: Located, told: Told, t: Toponym) -> dict:
    """The event row of a sentence at one of its places, its columns in the schema's order."""
    p = kept_place(t)
    country = ctx.gazetteer.country_name(p.country_code) if p.country_code else ""
    a1, a2 = _row_actors(ctx, s, told, p, country)
    ev_date, precision, date_source, is_future = told.when
    at = s.at
    return {
        S.EVENT_ID: event_id(ctx.article.article_id, s.s0, f"{p.name}|{p.geonameid}"),
        S.ARTICLE_ID: ctx.article.article_id,
        S.EVENT_DATE: ev_date,
        S.DATE_PRECISION: precision,
        S.DATE_SOURCE: date_source,
        S.IS_FUTURE: is_future,
        S.EVENT_TYPE: s.event_type,
        S.SUB_EVENT_TYPE: s.sub_type,
        S.TRIGGER: s.trigger,
        S.TRIGGER_START: s.s0 + at if at >= 0 else None,
        S.TRIGGER_END: s.s0 + at + len(s.trigger) if at >= 0 else None,
        S.ACTOR1: a1.name if a1 else "",
        S.INTER1: a1.inter if a1 else None,
        S.ACTOR2: a2.name if a2 else "",
        S.INTER2: a2.inter if a2 else None,
        S.INTERACTION: interaction(a1.inter if a1 else None, a2.inter if a2 else None),
        S.RECORD_KIND: MENTION if told.reason else EVENT,
        S.MENTION_REASON: told.reason or "",
        **_place_columns(ctx, t, country),
        **_number_columns(told, located.split),
        **_source_columns(ctx, located, s, told, t),
    }


# The words before a town's name that put the event beside it, not in it: "near X", "outside X", "on
# the outskirts of X", "a village south of the city of X" (not "the south of X": a part of X).
_BEARINGS = "|".join(sorted(COMPASS_WORDS, key=lambda w: -len(w)))
_VICINITY = re.compile(
    rf"\b(?:near(?:by)?|outside|around|outskirts\s+of|vicinity\s+of|(?<!the )(?:{_BEARINGS})\s+of)"
    r"\s+(?:the\s+)?(?:[\w-]+\s+){0,3}$",
    re.I,
)


def _precision(ctx: ArticleContext, t: Toponym, p: Place) -> int:
    """The row's geo_precision: the place's, or 2 for a town the text puts the event near
    (`location.vicinity`, ACLED's code for "near a named place")."""
    if p.precision == 1 and ctx.switches.on("location.vicinity"):
        before = ctx.article.text[max(0, t.start - 48) : t.start]
        if _VICINITY.search(before.rsplit(".", 1)[-1]):
            return 2
    return p.precision


def _place_columns(ctx: ArticleContext, t: Toponym, country: str) -> dict:
    p = kept_place(t)
    return {
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
        S.GEO_PRECISION: _precision(ctx, t, p),
        S.ALTERNATIVES: alternatives_json(t, ctx.gazetteer),  # its ranked candidates, best first
    }


def _number_columns(told: Told, split: bool) -> dict:
    killed, hurt, fled = told.killed, told.hurt, told.fled
    return {
        # A toll given for several sites together belongs to none of them.
        S.FATALITIES: killed.value if killed and not split else None,
        S.FATALITIES_TEXT: killed.phrase if killed else "",
        S.FATALITIES_SHARED: killed.value if killed and split else None,
        S.INJURED: hurt.value if hurt else None,
        S.INJURED_TEXT: hurt.phrase if hurt else "",
        S.DISPLACED: fled.value if fled else None,
        S.DISPLACED_TEXT: fled.phrase if fled else "",
    }


def _source_columns(ctx: ArticleContext, located: Located, s: Sentence, told: Told, t: Toponym) -> dict:
    article = ctx.article
    return {
        S.EXCERPT: article.text[located.excerpt_start : located.excerpt_end],
        S.EXCERPT_START: located.excerpt_start,
        S.EXCERPT_END: located.excerpt_end,
        S.TITLE: article.title,
        S.SOURCE: article.source,
        S.URL: article.url,
        S.PUBLISHED: article.published,
        S.DATELINE: ctx.opening,
        S.PUBLISHED_INFERRED: article.published_inferred,
        S.CONFIDENCE: _confidence(s, located, told, t),
    }
