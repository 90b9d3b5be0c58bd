"""`location.province_town_next` and the tellers of a count (`actors.count_nouns`): examples written
for these tests."""

from __future__ import annotations

from dashboard import schema as S
from tests.test_sites import rows_of, without

# One act told at province level, its town in the next sentence of the paragraph.
ONE_ACT = (
    "A car bomb killed seven people in Idlib province on Tuesday, a monitor said. "
    "The bomb went off near a bakery in Saraqib, the monitor added."
)


def test_one_act_at_a_province_takes_the_town_the_next_sentence_names(pipeline) -> None:
    ev = rows_of(pipeline, ONE_ACT)
    assert ev[ev[S.FATALITIES] == 7][S.TOPONYM].tolist() == ["Saraqib"]
    off = rows_of(without(pipeline, "location.province_town_next"), ONE_ACT)
    assert off[off[S.FATALITIES] == 7][S.GEO_PRECISION].tolist() == [3]


def test_a_province_wide_tally_does_not_take_the_first_town_named_after_it(pipeline) -> None:
    # Many strikes over a province: the town named next is one of their places, not theirs all.
    text = (
        "Air strikes killed 40 fighters in Idlib province on Tuesday, a monitor said. "
        "The raids also hit a bakery in Saraqib, the monitor added."
    )
    ev = rows_of(pipeline, text)
    assert ev[ev[S.FATALITIES] == 40][S.GEO_PRECISION].tolist() == [3]


def test_a_town_told_on_another_day_is_not_the_acts_place(pipeline) -> None:
    text = (
        "A car bomb killed seven people in Idlib province on Tuesday, a monitor said. "
        "On Sunday a car bomb went off near a bakery in Saraqib."
    )
    ev = rows_of(pipeline, text)
    assert ev[ev[S.FATALITIES] == 7][S.GEO_PRECISION].tolist() == [3]


def test_whoever_puts_the_toll_at_a_number_tells_of_the_attack(pipeline) -> None:
    text = (
        "A suicide bomber blew himself up at a checkpoint in Qamishli on Monday. "
        "Traffic police later put the death toll at 11 civilians."
    )
    ev = rows_of(pipeline, text)
    assert "Police" not in " ".join(ev[S.ACTOR1].dropna())
    assert ev[S.FATALITIES].tolist() == [11]


def test_whoever_takes_a_heavy_toll_is_the_attacker(pipeline) -> None:
    # Only a teller's verbs (put, give, raise…) make the subject of a toll a teller.
    ev = rows_of(pipeline, "Rebel shelling took a heavy toll on Aleppo on Monday, killing 9.")
    assert ev[S.ACTOR1].tolist() == ["Rebel groups (Syria)"]
