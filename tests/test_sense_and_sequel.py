"""Rules of where, who and when across clauses and sentences: a day told in the next sentence
(`location.dated_continuation`), two foreign air forces as two authors (`assemble.foreign_forces_apart`),
"the Coalition" as the opposition's political body (`actors.other_sense`), and a place that names another
attack (`location.other_event_place`). Examples written for them."""

from __future__ import annotations

import dataclasses
from datetime import date

import pandas as pd

from dashboard import schema as S
from dashboard.events.actor_groups import bloc_of
from dashboard.events.actors import load_dictionary, senses_absent
from dashboard.events.assemble import same_sides
from dashboard.ingest.article import Article
from dashboard.rules import Switches

PUBLISHED = date(2020, 3, 6)  # a Friday


def rows_of(pipeline, text: str, *disabled: str) -> pd.DataFrame:
    p = dataclasses.replace(pipeline, switches=Switches.parse(",".join(disabled)))
    events = p.run([Article(text=text, title="t", published=PUBLISHED)]).events
    return events[events[S.RECORD_KIND] == "event"]


CONVOY = (
    "Russian jets destroyed a convoy of Islamic State fighters near Mayadin, a military source said. "
    "The militants were killed in the raids on Wednesday while they fled south."
)


def test_the_next_sentence_that_gives_the_day_dates_the_located_event(pipeline) -> None:
    ev = rows_of(pipeline, CONVOY)
    assert [str(d)[:10] for d in ev[S.EVENT_DATE]] == ["2020-03-04"]
    assert ev[S.LOCATION].tolist() == ["Al Mayādīn"]
    off = rows_of(pipeline, CONVOY, "location.dated_continuation")
    assert [str(d)[:10] for d in off[S.EVENT_DATE]] == ["2020-03-06"]  # the publication day


def test_a_day_that_dates_a_statement_or_starts_a_count_dates_no_event(pipeline) -> None:
    for sequel in (
        "On Thursday the charity released a statement calling for an end to the bombing.",
        "Over 200 civilians have been killed since the truce collapsed on Monday.",
        "Air strikes between 2 and 4 March hit the town's market.",
    ):
        text = f"Government warplanes bombed Saraqib, killing six people. {sequel}"
        days = {str(d)[:10] for d in rows_of(pipeline, text)[S.EVENT_DATE]}
        assert days == {"2020-03-06"}, sequel


def test_two_foreign_air_forces_on_one_town_and_day_are_two_events(pipeline) -> None:
    text = (
        "Russian warplanes struck Raqqa on Tuesday, killing 12 militants. "
        "The US-led coalition carried out five air strikes on Raqqa on Tuesday."
    )
    ev = rows_of(pipeline, text)
    assert sorted(ev[S.ACTOR1]) == ["Coalition (US-led)", "Military Forces of Russia"]
    assert len(rows_of(pipeline, text, "assemble.foreign_forces_apart")) == 1


def test_a_member_states_jets_and_the_coalition_can_be_one_raid() -> None:
    assert bloc_of("Military Forces of France") == bloc_of("Coalition (US-led)") == "Coalition (US-led)"
    assert bloc_of("Military Forces of Russia") == "Military Forces of Russia"
    french = {S.ACTOR1: "Military Forces of France", S.INTER1: 8}
    coalition = {S.ACTOR1: "Coalition (US-led)", S.INTER1: 8}
    russian = {S.ACTOR1: "Military Forces of Russia", S.INTER1: 8}
    assert same_sides(french, coalition)
    assert not same_sides(russian, coalition)
    assert same_sides(russian, coalition, foreign_apart=False)


def test_the_coalition_of_the_syrian_opposition_is_not_the_us_led_coalition(pipeline) -> None:
    d = load_dictionary()
    opposition = "The Syrian Coalition condemned the raids. The Coalition said the regime bears the blame."
    assert senses_absent(opposition, d) == {"Coalition (US-led)"}
    both = "The National Coalition welcomed the US-led coalition's strikes."
    assert senses_absent(both, d) == frozenset()
    text = "The National Coalition said that on Monday the Coalition's fighters were shelled in Atarib, killing five."
    assert "Coalition (US-led)" not in set(rows_of(pipeline, text)[S.ACTOR2])
    assert "Coalition (US-led)" in set(rows_of(pipeline, text, "actors.other_sense")[S.ACTOR2])


def test_a_place_that_names_another_attack_gives_only_its_country(pipeline) -> None:
    text = "The Saraqib attack prompted Washington to fire missiles at an air base on Friday."
    ev = rows_of(pipeline, text)
    assert (ev[S.LOCATION].tolist(), ev[S.GEO_PRECISION].tolist()) == (["Syria"], [4])
    assert ev[S.TOPONYM].tolist() == ["Saraqib"]  # the words the country was read from
    assert rows_of(pipeline, text, "location.other_event_place")[S.LOCATION].tolist() == ["Saraqib"]
    # An attack told after "days after" is another one too.
    later = rows_of(pipeline, "Two soldiers were killed by a roadside bomb on Monday, days after the Saraqib attack.")
    assert later[S.LOCATION].tolist() == ["Syria"]
    # The sentence's own attack told twice keeps its place: "killed in Saraqib market strikes".
    own = rows_of(pipeline, "Nine people were killed in Saraqib market air strikes on Friday.")
    assert own[S.LOCATION].tolist() == ["Saraqib"]
