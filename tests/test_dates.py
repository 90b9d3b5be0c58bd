"""Date mentions in text (pure pattern matching) and their resolution against the publication date."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from dashboard import schema as S
from dashboard.dates import (
    DAY,
    MONTH,
    YEAR,
    best_mention,
    find_date_mentions,
    infer_published,
    is_future_context,
    resolve_mention,
)
from dashboard.events.when import sentence_date

PUBLISHED = date(2020, 3, 4)  # a Wednesday, the seed article's date


def only_mention(text: str):
    mentions = find_date_mentions(text)
    assert len(mentions) == 1, mentions
    return mentions[0]


def test_the_day_before_another_event_is_no_date_of_its_own() -> None:
    assert find_date_mentions("Jets struck the market the day before the vote.") == []


@pytest.mark.parametrize(
    "sentence, mention, expected, precision",
    [
        ("The deal was reached on Sept. 17, 2018, by Turkey and Russia.", "Sept. 17, 2018", date(2018, 9, 17), DAY),
        ("The deal was reached on 17 September 2018.", "17 September 2018", date(2018, 9, 17), DAY),
        ("It was signed 2018-09-17 in Sochi.", "2018-09-17", date(2018, 9, 17), DAY),
        ("Attacks, ongoing since April 2019, as its backer", "April 2019", date(2019, 4, 1), MONTH),
        ("It was signed in Sochi in 2018.", "in 2018", date(2018, 1, 1), YEAR),
        ("An election in Syria will be held in April this year.", "April this year", date(2020, 4, 1), MONTH),
        ("Talks resumed in April last year.", "April last year", date(2019, 4, 1), MONTH),
        ("The regime announced Wednesday that an election will be held.", "Wednesday", date(2020, 3, 4), DAY),
        ("The ministry said Monday that shelling went on.", "Monday", date(2020, 3, 2), DAY),
        ("Erdoğan will meet Putin on Thursday to discuss Idlib.", "on Thursday", date(2020, 3, 5), DAY),
        ("Officials said yesterday that the convoy was hit.", "yesterday", date(2020, 3, 3), DAY),
        ("Clashes broke out last night near Saraqib.", "last night", date(2020, 3, 3), DAY),
        ("Four had died of their wounds the previous day.", "the previous day", date(2020, 3, 3), DAY),
        ("A mortar hit the school a day earlier.", "a day earlier", date(2020, 3, 3), DAY),
        ("The army said today that it took the town.", "today", date(2020, 3, 4), DAY),
        ("Fighting intensified last month in the south.", "last month", date(2020, 2, 1), MONTH),
        ("Refugees arrived last year.", "last year", date(2019, 1, 1), YEAR),
        ("The town fell last Wednesday.", "last Wednesday", date(2020, 2, 26), DAY),
        ("Talks resume next Wednesday.", "next Wednesday", date(2020, 3, 11), DAY),
        ("Shelling resumed on March 2 near the town.", "March 2", date(2020, 3, 2), DAY),
        ("A raid on Dec. 28 killed a commander.", "Dec. 28", date(2019, 12, 28), DAY),
    ],
)
def test_find_and_resolve(sentence: str, mention: str, expected: date, precision: str) -> None:
    m = only_mention(sentence)
    assert m.text == mention
    assert sentence[m.start : m.end] == mention
    assert resolve_mention(m, PUBLISHED, future=is_future_context(sentence)) == (expected, precision)


def test_explicit_dates_need_no_publication_date() -> None:
    for text, expected in [
        ("on Sept. 17, 2018", (date(2018, 9, 17), DAY)),
        ("since April 2019", (date(2019, 4, 1), MONTH)),
        ("in 2018", (date(2018, 1, 1), YEAR)),
    ]:
        assert resolve_mention(only_mention(text), None) == expected


@pytest.mark.parametrize(
    "text", ["said Wednesday", "yesterday", "last month", "April this year", "on March 2", "in April"]
)
def test_relative_dates_without_publication_date_are_unresolved(text: str) -> None:
    assert resolve_mention(only_mention(text), None) is None


def test_weekday_past_and_future() -> None:
    wed = date(2020, 3, 4)
    past = only_mention("Kalın said Wednesday.")
    assert resolve_mention(past, wed) == (wed, DAY)
    assert resolve_mention(past, date(2020, 3, 6)) == (wed, DAY), "the Wednesday before a Friday"
    fut = only_mention("Putin will meet Erdoğan on Thursday.")
    assert resolve_mention(fut, wed, future=True) == (date(2020, 3, 5), DAY)
    assert resolve_mention(fut, wed, future=False) == (date(2020, 2, 27), DAY)


def test_month_without_year_picks_the_nearest_year() -> None:
    m = only_mention("Elections are due in June.")
    assert resolve_mention(m, PUBLISHED, future=True) == (date(2020, 6, 1), MONTH)
    assert resolve_mention(m, PUBLISHED, future=False) == (date(2019, 6, 1), MONTH)
    jan = only_mention("The vote will be held in January.")
    assert resolve_mention(jan, PUBLISHED, future=True) == (date(2021, 1, 1), MONTH)


def test_a_bare_may_after_a_preposition_is_the_month() -> None:
    m = only_mention("Rebels took the hill in May, before the truce.")
    assert resolve_mention(m, date(2020, 7, 2)) == (date(2020, 5, 1), MONTH)


def test_relative_months_cross_year_boundaries() -> None:
    assert resolve_mention(only_mention("last month"), date(2020, 1, 15)) == (date(2019, 12, 1), MONTH)
    assert resolve_mention(only_mention("next month"), date(2020, 12, 15)) == (date(2021, 1, 1), MONTH)


@pytest.mark.parametrize(
    "text",
    [
        "No dates at all here.",
        "The 36 troops and 1,200 civilians.",
        "Call 555-1234 now.",
        "He may have fled.",
        "Voters in May's constituency stayed home.",
    ],
)
def test_no_date_mentions(text: str) -> None:
    assert find_date_mentions(text) == []


def test_impossible_day_is_not_a_day() -> None:
    m = only_mention("On 30 February 2019 nothing happened.")
    assert (m.kind, m.text) == ("my", "February 2019")
    assert resolve_mention(m, None) == (date(2019, 2, 1), MONTH)


def test_mentions_are_in_text_order_and_do_not_overlap() -> None:
    text = "On Sept. 17, 2018 they met; in April 2019 attacks began; yesterday talks ended."
    ms = find_date_mentions(text)
    assert [m.text for m in ms] == ["Sept. 17, 2018", "April 2019", "yesterday"]
    for a, b in zip(ms, ms[1:], strict=False):
        assert a.end <= b.start


@pytest.mark.parametrize(
    "sentence, mention",
    [
        ("In 2018 the army killed dozens.", "In 2018"),
        ("Since 2011 the war has displaced millions.", "Since 2011"),
        ("In April, talks failed.", "In April"),
    ],
)
def test_sentence_initial_prepositions(sentence: str, mention: str) -> None:
    assert only_mention(sentence).text == mention


def test_weekday_beside_explicit_date_names_that_date() -> None:
    caption = "A Turkish military convoy drives in the east of Idlib, Syria, Friday, Feb. 28, 2020."
    d, precision, source, _future = sentence_date(caption, date(2020, 3, 10))
    assert (d, precision, source) == (date(2020, 2, 28), DAY, "sentence")


def test_best_mention_prefers_day_precision() -> None:
    ms = find_date_mentions("In 2018, on Sept. 17, 2018, and in April 2019")
    assert best_mention(ms).text == "Sept. 17, 2018"
    assert best_mention([]) is None


def test_sentence_date_falls_back_to_published() -> None:
    assert sentence_date("Clashes near Idlib.", PUBLISHED) == (PUBLISHED, DAY, "published", False)
    assert sentence_date("Putin will visit Ankara.", PUBLISHED, future=True) == (PUBLISHED, DAY, "published", True)
    assert sentence_date("Talks in Sochi in 2018.", PUBLISHED) == (date(2018, 1, 1), YEAR, "sentence", False)


def test_is_future_context() -> None:
    assert is_future_context("Erdoğan will meet Putin on Thursday.")
    assert is_future_context("Talks are scheduled for Monday.")
    assert not is_future_context("Kalın said Wednesday.")


# -- publication date -------------------------------------------------------------------------


def test_infer_published_on_seed(seed_article) -> None:
    assert seed_article.published is None
    assert infer_published(seed_article.text) == date(2020, 3, 4)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Clashes began on Feb. 28, 2020. Officials said Wednesday the town fell.", date(2020, 3, 4)),
        ("Clashes began on Feb. 28, 2020. Officials said Friday the town fell.", date(2020, 3, 6)),
        ("Clashes began on Feb. 28, 2020. Putin will visit on Wednesday.", date(2020, 2, 28)),
        ("Clashes began on Feb. 28, 2020 and on March 1, 2020.", date(2020, 3, 1)),
        ("The convoy, Friday, Feb. 28, 2020, was hit.", date(2020, 2, 28)),
        ("Fighting went on in 2018 and in 2019.", date(2019, 1, 1)),
        ("No dates at all here, only Idlib.", None),
        ("Officials said Wednesday the town fell.", None),
    ],
)
def test_infer_published(text: str, expected: date | None) -> None:
    assert infer_published(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Sat Mar 7 2020 Jets strike convoy", date(2020, 3, 7)),
        ("07-03-2020 Jets strike convoy", date(2020, 3, 7)),
        ("07.03.2020(updated 1200 07.03.2020) Get short URL", date(2020, 3, 7)),
        ("Published March 7 2020 Jets struck a convoy", date(2020, 3, 7)),
        ("Date of publication 7 March 2020 Jets struck", date(2020, 3, 7)),
        ("Last updated at Mar 72020 Jets struck", date(2020, 3, 7)),
        ("Jets struck a convoy on March 7 2020", None),
        ("Convoy hit. 07-03-2020", None),
    ],
)
def test_dateline(text, expected) -> None:
    from dashboard.datelines import dateline

    assert dateline(text) == expected


def test_the_dateline_ends_where_the_headline_begins() -> None:
    from dashboard.datelines import dateline_span

    text = "Published March 7 2020 Mortars hit a market on Friday"
    day, end = dateline_span(text)
    assert day == date(2020, 3, 7) and text[end:].startswith(" Mortars")
    assert dateline_span("Mortars hit a market on Friday") == (None, 0)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Mortars hit a school in Homs  AFP Tuesday 4 Mar 2014 Two pupils died", date(2014, 3, 4)),
        ("Convoy ambushed near Palmyra Reuters 9 Jun 2016 Gunmen fired", date(2016, 6, 9)),
        ("Convoy ambushed near Palmyra, AFP said on 9 Jun 2016", None),  # quoted, not a byline
    ],
)
def test_an_agency_byline_under_the_headline_is_the_dateline(text, expected) -> None:
    from dashboard.datelines import dateline, dateline_span

    assert dateline(text) == expected
    assert dateline_span(text, byline=False) == (None, 0)


@pytest.mark.parametrize(
    "text, expected, rest",
    [
        ("KANDAHAR, Nov 2 (Agency) - Gunmen attacked a checkpoint on Sunday", None, " (Agency) - Gunmen"),
        ("Mosul, Iraq, 2 November 2021 - A car bomb went off on Sunday", date(2021, 11, 2), " - A car"),
        ("KANDAHAR, Nov. 2, 2021 (Agency) — Gunmen attacked", date(2021, 11, 2), " (Agency) — Gunmen"),
    ],
)
def test_a_wire_datelines_day_is_the_filing_day(text: str, expected: date | None, rest: str) -> None:
    from dashboard.datelines import dateline_span

    day, end = dateline_span(text)
    assert day == expected and text[end:].startswith(rest)
    assert dateline_span(text, wire=False) == (None, 0)


@pytest.mark.parametrize(
    "text, rest",
    [
        ("KANDAHAR, Afghanistan (Agency) — Gunmen attacked", " Gunmen"),
        ("HERAT (Agency) - Gunmen attacked", " Gunmen"),
        ("KANDAHAR, Nov 2 (Agency) - Gunmen attacked", " Gunmen"),  # "Nov" is the day's month, no country
    ],
)
def test_where_a_wire_dateline_ends(text: str, rest: str) -> None:
    from dashboard.datelines import wire_dateline_end

    assert text[wire_dateline_end(text) :] == rest + " attacked"


def test_a_name_with_its_acronym_opens_no_wire_dateline() -> None:
    from dashboard.datelines import wire_dateline_end

    assert wire_dateline_end("Islamic State (IS) militants attacked a checkpoint") == 0


@pytest.mark.parametrize(
    "text",
    [
        "Kandahar, Nov 2 was the day the convoy left",  # no agency, no dash: a sentence, not a dateline
        "Gunmen attacked a checkpoint in Kandahar, Nov 2 (Agency) -",  # not where the text opens
        "KANDAHAR, Sunday (Agency) - Gunmen attacked a checkpoint",  # a weekday dates nothing here
    ],
)
def test_what_is_no_wire_dateline(text: str) -> None:
    from dashboard.datelines import dateline_span

    assert dateline_span(text) == (None, 0)


@pytest.mark.parametrize(
    "text",
    ["A mortar hit a bakery on June 3rd Street.", "Crowds filled the 15 May Square.", "the 9 October Brigade said"],
)
def test_a_day_that_names_a_street_a_square_or_a_brigade_is_no_date(text: str) -> None:
    assert find_date_mentions(text) == []


def test_a_weekday_before_a_street_word_is_still_a_date() -> None:
    assert [m.text for m in find_date_mentions("On Friday street vendors fled the shelling.")] == ["Friday"]


def test_a_weekdays_possessive_dates_its_noun_with_or_without_the_apostrophe() -> None:
    for text in ("Friday's raids hit the market.", "Fridays raids hit the market."):
        assert [m.weekday for m in find_date_mentions(text)] == [4], text
    assert find_date_mentions("The market opens on Fridays and Mondays.") == []


def _event_days(pipeline, text: str) -> list:
    """The days of the event rows the pipeline makes of `text`, published on Friday 6 March 2020."""
    from dashboard.ingest.article import Article

    ev = pipeline.run([Article(text=text, title="t", published=date(2020, 3, 6))]).events
    return ev[ev[S.RECORD_KIND] == "event"][S.EVENT_DATE].tolist()


def test_a_weekdays_possessive_dates_its_own_noun_not_the_trigger_after_it(pipeline) -> None:
    text = (
        "Thursday's funerals came after jets struck the market of Saraqib in Idlib province on Wednesday, "
        "killing nine people."
    )
    assert _event_days(pipeline, text) == [pd.Timestamp("2020-03-04")]


def test_a_weekdays_possessive_dates_the_event_when_the_sentence_gives_no_other_day(pipeline) -> None:
    text = "During Saturday's offensive 17 militants were killed near Saraqib in Idlib province."
    assert _event_days(pipeline, text) == [pd.Timestamp("2020-02-29")]


def test_a_weekdays_possessive_on_the_triggers_compound_dates_it_over_the_day_a_source_spoke(pipeline) -> None:
    # "air" is the trigger's first word; the possessive qualifies the compound's noun, "strikes".
    text = "Wednesday's air strikes on Saraqib in Idlib province killed nine people, rescuers said on Thursday."
    assert _event_days(pipeline, text) == [pd.Timestamp("2020-03-04")]
