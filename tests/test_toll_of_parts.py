"""`assemble.toll_of_parts`: a total the article splits into parts goes to none of the events
(examples written for these tests)."""

from __future__ import annotations

from dashboard import schema as S
from tests.test_sites import rows_of, without


def _tolls(frame) -> dict[str, int]:
    tolled = frame[frame[S.FATALITIES].notna()]
    return dict(zip(tolled[S.LOCATION].astype(str), tolled[S.FATALITIES].astype(int), strict=True))


def test_a_headline_total_over_two_towns_goes_to_neither(pipeline) -> None:
    # A headline without its comma ("in Harasta, Douma"), as feeds often strip it: the toll is put on one
    # of the towns; the body's two counts add up to it.
    text = (
        "Nine civilians killed in rocket attacks in Harasta Douma. "
        "On Tuesday five civilians were killed when rockets hit a market in Douma. "
        "On Tuesday rockets fired by militants killed four civilians in Harasta."
    )
    on = _tolls(rows_of(pipeline, text))
    assert on == {"Dūmā": 5, "Ḩarastā": 4}
    off = _tolls(rows_of(without(pipeline, "assemble.toll_of_parts"), text))
    assert off["Dūmā"] == 9


def test_a_total_whose_breakdown_is_in_one_sentence(pipeline) -> None:
    text = (
        "Air strikes killed at least 11 civilians in and around Douma on Tuesday, a monitor said. "
        "Seven civilians were killed in a market in Douma while four others were killed in a farm near the town."
    )
    assert _tolls(rows_of(pipeline, text))["Dūmā"] == 7
    assert _tolls(rows_of(without(pipeline, "assemble.toll_of_parts"), text))["Dūmā"] == 11


def test_two_means_in_the_total_s_sentence_share_it(pipeline) -> None:
    text = (
        "At least 12 civilians were killed by a regime barrel bomb and rebel rocket fire in Aleppo on Tuesday, "
        "a monitor said. The remaining three were killed by rebel rocket fire on a western district."
    )
    ev = rows_of(pipeline, text).set_index(S.SUB_EVENT_TYPE)
    assert ev.loc["Air/drone strike", S.FATALITIES] == 9
    assert ev.loc["Shelling/artillery/missile attack", S.FATALITIES] == 3
    off = rows_of(without(pipeline, "assemble.toll_of_parts"), text).set_index(S.SUB_EVENT_TYPE)
    assert off.loc["Air/drone strike", S.FATALITIES] == 12


def test_a_later_toll_that_is_no_sum_of_parts_stays_a_report(pipeline) -> None:
    # Seven and four make eleven, not ten: the lead's ten is not shown to be their sum.
    text = (
        "Ten civilians killed in rocket attacks in Harasta Douma. "
        "On Tuesday seven civilians were killed when rockets hit a market in Douma. "
        "On Tuesday rockets fired by militants killed four civilians in Harasta."
    )
    assert _tolls(rows_of(pipeline, text))["Dūmā"] == 10


def test_parts_in_two_districts_of_one_city_keep_the_total(pipeline) -> None:
    text = (
        "Air strikes killed 13 civilians in Aleppo on Tuesday, a monitor said. Eight civilians were killed in "
        "the Sukkari district of Aleppo and five others died in the Shaar district."
    )
    assert _tolls(rows_of(pipeline, text))["Aleppo"] == 13


def test_an_updated_toll_is_no_breakdown(pipeline) -> None:
    text = (
        "Air strikes killed 13 civilians in Douma on Tuesday, a monitor said. The monitor raised its earlier "
        "toll of 10 after three more civilians died of their wounds near the town."
    )
    assert _tolls(rows_of(pipeline, text))["Dūmā"] == 13
