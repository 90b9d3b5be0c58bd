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
        "Strikes left 20 dead in the eastern districts on Monday.",
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


@pytest.mark.parametrize(
    "sentence",
    [
        "Thousands of displaced families live in tents near the border.",
        "The fleeing militants left their weapons behind.",
        "Refugees from the north have found shelter in the city.",
    ],
)
def test_words_that_only_describe_people_tell_no_flight(sentence: str) -> None:
    assert classify(sentence)[0] != "Displacement", sentence


@pytest.mark.parametrize(
    "sentence",
    [
        "Families fled the village on Sunday.",
        "Some 3,000 people were displaced from the valley last week.",
        "Hundreds of refugees crossed into Lebanon overnight.",
    ],
)
def test_people_who_flee_are_displaced(sentence: str) -> None:
    assert classify(sentence)[:2] == ("Displacement", "Displacement"), sentence


def test_bombing_names_no_means(pipeline) -> None:
    """ "Bombing" types a bomb attack only when nothing else names the means: beside shelling, or after
    a sentence of shells falling on the town, the event is the shelling."""
    assert classify("The town saw heavy bombing and shelling by the army on Monday.")[1] == (
        "Shelling/artillery/missile attack"
    )
    assert classify("The bombing of a mosque in the old town killed nine.")[1] == "Remote explosive/landmine/IED"
    text = "Mortar shells fell on Saraqib on Monday. The bombing killed nine people, medics said."
    assert rows_of(pipeline, text)[S.SUB_EVENT_TYPE].tolist() == ["Shelling/artillery/missile attack"]


def test_aircrafts_misspelt_still_strike() -> None:
    assert classify("Coalition aircrafts targeted a depot in the village.")[1] == "Air/drone strike"


def test_a_car_bombing_is_a_bomb_and_a_bombing_is_no_killing_of_civilians(pipeline) -> None:
    # A neighbouring sentence's air strike would type a generic bombing (classify alone cannot tell).
    text = "Jets struck Azaz on Monday. A double car bombing killed 40 people in Jarablus, medics said."
    assert sorted(rows_of(pipeline, text)[S.SUB_EVENT_TYPE]) == ["Air/drone strike", "Remote explosive/landmine/IED"]
    text = "A bombing hit the council's offices in Azaz on Monday. Five civilians were killed, medics said."
    assert set(rows_of(pipeline, text)[S.SUB_EVENT_TYPE]) == {"Remote explosive/landmine/IED"}


@pytest.mark.parametrize(
    "sentence",
    ["Thousands of families fleeing militants reached the camps.", "Refugees are crossing into Turkey at night."],
)
def test_people_fleeing_armed_men_or_crossing_now_are_displaced(sentence: str) -> None:
    assert classify(sentence)[:2] == ("Displacement", "Displacement"), sentence


@pytest.mark.parametrize(
    "sentence", ["A labour strike left the factories idle.", "A nationwide strike shut the shops."]
)
def test_a_labour_or_nationwide_strike_is_no_air_strike(sentence: str) -> None:
    assert classify(sentence)[1] != "Air/drone strike"
