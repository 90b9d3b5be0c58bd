"""`tolls.own_clause`: of the death counts of a sentence, the ones in the trigger's clause are the
event's. Examples written for the rule."""

from __future__ import annotations

import dataclasses
from datetime import date

import pandas as pd

from dashboard import schema as S
from dashboard.events.numbers import fatalities
from dashboard.ingest.article import Article
from dashboard.rules import Switches


def rows_of(pipeline, text: str, *disabled: str) -> pd.DataFrame:
    p = dataclasses.replace(pipeline, switches=Switches.parse(",".join(disabled)))
    events = p.run([Article(text=text, title="t", published=date(2019, 5, 14))]).events
    return events[events[S.RECORD_KIND] == "event"]


def test_the_count_inside_the_clause_wins_over_a_larger_one_outside() -> None:
    sentence = "Mortars hit the market, killing three people, a week after gunmen killed 45 in the town."
    inside = (0, sentence.index(", a week"))
    assert fatalities(sentence).value == 45  # the largest count, without the clause
    assert fatalities(sentence, inside).value == 3


def test_with_no_count_inside_the_clause_the_sentence_counts_stand() -> None:
    sentence = "The strike came as rescuers said 12 people were killed in the village."
    assert fatalities(sentence, (0, 10)).value == 12


def test_deaths_another_clause_tells_are_not_the_event_toll(pipeline) -> None:
    text = (
        "Army tanks shelled the town of Saraqib on Monday, killing two children, activists said, "
        "a day after opposition groups said soldiers killed 60 protesters there."
    )
    ev = rows_of(pipeline, text)
    assert ev[S.FATALITIES].tolist() == [2]
    assert rows_of(pipeline, text, "tolls.own_clause")[S.FATALITIES].tolist() == [60]
