"""The type an analyst reads from the means and the side: strikes or raids that kill are air strikes
(not violence against civilians, whoever died), labour strikes are none, and people a rebel group
detains are abducted, not arrested. Examples written for these tests."""

from __future__ import annotations

import pytest

from dashboard import schema as S
from dashboard.events.lexicon import classify
from tests.test_sites import rows_of, without


@pytest.mark.parametrize(
    "sentence",
    [
        "Coalition-led strikes killed 14 civilians near the village on Tuesday.",
        "Raids killed nine people in the market of Ariha.",
        "Overnight strikes left 20 dead in the eastern districts.",
    ],
)
def test_strikes_or_raids_that_kill_are_air_strikes(sentence: str) -> None:
    assert classify(sentence)[:2] == ("Explosions/Remote violence", "Air/drone strike")


@pytest.mark.parametrize(
    "sentence",
    [
        "A general strike left the shops of Daraa closed.",
        "Teachers went on strike in Suwayda.",
        "He began a hunger strike in jail.",
    ],
)
def test_labour_and_hunger_strikes_are_no_air_strikes(sentence: str) -> None:
    assert classify(sentence)[1] != "Air/drone strike"


def test_a_rebel_group_that_detains_people_abducts_them(pipeline) -> None:
    text = "Fighters of the Nusra Front detained two activists in Saraqib on Monday."
    row = rows_of(pipeline, text).iloc[0]
    assert (row[S.EVENT_TYPE], row[S.SUB_EVENT_TYPE]) == (
        "Violence against civilians",
        "Abduction/forced disappearance",
    )
    off = rows_of(without(pipeline, "types.detention_by_side"), text).iloc[0]
    assert off[S.SUB_EVENT_TYPE] == "Arrests"


def test_the_state_arrests(pipeline) -> None:
    row = rows_of(pipeline, "Syrian security forces arrested two activists in Hama on Monday.").iloc[0]
    assert (row[S.EVENT_TYPE], row[S.SUB_EVENT_TYPE]) == ("Strategic developments", "Arrests")
