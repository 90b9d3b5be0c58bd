"""`tolls.campaign_total`: a fight for a place told in the perfect sums its days (examples written for
these tests)."""

from __future__ import annotations

import pytest

from dashboard import schema as S
from dashboard.events.numbers import is_campaign_total
from tests.test_sites import rows_of, without


@pytest.mark.parametrize(
    "sentence",
    [
        "The battle for the town has killed more than 300 fighters, the monitor said.",
        "At least 120 fighters had been killed in the fight for Kafr Nabl, he said.",
        "Clashes on this front have left 25 soldiers dead since the offensive began.",
        "The siege of the old city has claimed 400 lives.",
    ],
)
def test_a_campaigns_toll(sentence: str) -> None:
    assert is_campaign_total(sentence)


@pytest.mark.parametrize(
    "sentence",
    [
        "Clashes in the town have left 12 dead.",  # no campaign named
        "The battle for the hill killed 12 fighters on Tuesday.",  # a day's fight, in the past
        "The offensive against the town has killed 12 fighters on Tuesday.",  # a day named
    ],
)
def test_not_a_campaigns_toll(sentence: str) -> None:
    assert not is_campaign_total(sentence)


def test_the_campaigns_toll_goes_to_no_event(pipeline) -> None:
    text = (
        "Government troops retook the town of Kafr Nabl on Tuesday, a monitor said. At least 120 fighters had "
        "been killed in the fight for Kafr Nabl, he said."
    )
    assert rows_of(pipeline, text)[S.FATALITIES].isna().all()
    off = rows_of(without(pipeline, "tolls.campaign_total"), text)
    assert 120 in set(off[S.FATALITIES].dropna())
