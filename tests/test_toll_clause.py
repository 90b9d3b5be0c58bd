"""`tolls.own_clause`: of the death counts of a sentence, the ones in the trigger's clause are the
event's. Examples written for the rule."""

from __future__ import annotations

import pandas as pd
from test_sites import rows_of as site_rows
from test_sites import without

from dashboard import schema as S
from dashboard.events.numbers import fatalities


def rows_of(pipeline, text: str, *disabled: str) -> pd.DataFrame:
    """The event rows of one article with the rules `disabled` off (`test_sites.rows_of`, which also
    checks each row's toponym offsets)."""
    return site_rows(without(pipeline, *disabled), text)


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
