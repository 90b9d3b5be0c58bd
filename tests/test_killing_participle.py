"""Deaths told by a participle with its count ("…, killing nine people"), by "shot dead" and
"gunned down", and victims named by their calling (a priest, teachers, pilgrims): examples written
for these tests; and `mention.future`."""

from __future__ import annotations

from dashboard import schema as S
from tests.test_sites import rows_of, without


def test_an_attack_told_by_its_deaths_participle_is_an_event(pipeline) -> None:
    ev = rows_of(pipeline, "Gunmen attacked a bus in Homs on Monday, killing nine people.")
    assert ev[S.FATALITIES].tolist() == [9]
    assert ev[S.EVENT_TYPE].tolist() == ["Violence against civilians"]
    assert ev[S.ACTOR2].tolist() == ["Civilians (Syria)"]


def test_the_killing_of_someone_is_no_count(pipeline) -> None:
    # A noun of the act condemned, with no count of its own: no event, no toll.
    ev = rows_of(pipeline, "Turkey condemned the killing of a journalist in Idlib on Monday.")
    assert ev.empty


def test_shot_dead_counts_one_victim_named_by_calling(pipeline) -> None:
    ev = rows_of(pipeline, "Gunmen shot dead a priest in Qamishli on Sunday.")
    assert ev[S.FATALITIES].tolist() == [1]
    assert ev[S.ACTOR2].tolist() == ["Civilians (Syria)"]


def test_gunned_down_counts_its_victims(pipeline) -> None:
    ev = rows_of(pipeline, "Masked men gunned down three teachers outside a school in Daraa on Sunday.")
    assert ev[S.FATALITIES].tolist() == [3]
    assert ev[S.ACTOR2].tolist() == ["Civilians (Syria)"]


FUTURE = "The rebel alliance announced on Sunday that its battle for Hama will continue."


def test_violence_told_in_the_future_is_a_mention(pipeline) -> None:
    assert rows_of(pipeline, FUTURE).empty
    off = rows_of(without(pipeline, "mention.future"), FUTURE)
    assert off[S.EVENT_TYPE].tolist() == ["Battles"]


def test_a_toll_that_will_rise_does_not_make_the_strike_a_prediction(pipeline) -> None:
    text = "Jets struck Douma on Monday, killing 12 people, and the toll will rise, medics said."
    assert rows_of(pipeline, text)[S.FATALITIES].tolist() == [12]


DENIED = "The army denied killing 40 civilians in Daraa on Monday."


def test_a_killing_denied_is_a_mention(pipeline) -> None:
    # "deny" is read from the verb's form: the parser's lemma is off.
    assert rows_of(pipeline, DENIED).empty
    off = rows_of(without(pipeline, "mention.negated"), DENIED)
    assert off[S.FATALITIES].tolist() == [40]
