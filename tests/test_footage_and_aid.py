"""`mention.footage` (fighting a video shows is a report about media) and the troop-movement words
that an aid convoy does not match, and the destruction of an armed side's gear, which is no property
destruction: examples written for these tests."""

from __future__ import annotations

from dashboard import schema as S
from tests.test_sites import rows_of, without

FOOTAGE = "A video posted on Friday shows fierce fighting near Saraqib."


def test_fighting_a_video_shows_is_a_mention(pipeline) -> None:
    assert rows_of(pipeline, FOOTAGE).empty
    off = rows_of(without(pipeline, "mention.footage"), FOOTAGE)
    assert off[S.EVENT_TYPE].tolist() == ["Battles"]


def test_photos_of_the_damage_do_not_make_the_strike_a_mention(pipeline) -> None:
    text = "Jets struck Saraqib on Monday, killing nine, and photos showed destroyed homes."
    assert rows_of(pipeline, text)[S.FATALITIES].tolist() == [9]


def test_an_aid_convoy_is_no_troop_movement(pipeline) -> None:
    ev = rows_of(pipeline, "An aid convoy of the Red Crescent entered Madaya on Monday.")
    assert "Troop movement" not in set(ev[S.SUB_EVENT_TYPE])
    troops = rows_of(pipeline, "A military convoy entered Idlib province from Turkey on Monday.")
    assert troops[S.SUB_EVENT_TYPE].tolist() == ["Troop movement"]


def test_destroying_an_armed_sides_gear_is_no_property_destruction(pipeline) -> None:
    ev = rows_of(pipeline, "Army units destroyed four vehicles of the militants near Saraqib on Monday.")
    assert "Looting/property destruction" not in set(ev[S.SUB_EVENT_TYPE])
    church = rows_of(pipeline, "Gunmen destroyed a church in Qamishli on Monday.")
    assert church[S.SUB_EVENT_TYPE].tolist() == ["Looting/property destruction"]


def test_the_air_force_destroying_positions_is_an_air_strike(pipeline) -> None:
    ev = rows_of(pipeline, "The air force destroyed the militants' positions near Saraqib on Monday.")
    assert ev[S.SUB_EVENT_TYPE].tolist() == ["Air/drone strike"]


def test_property_destroyed_beside_a_military_word_is_still_property_destruction(pipeline) -> None:
    # The gear word must be what was destroyed, not a word of the place or of another object.
    for text in (
        "Rebels destroyed a hospital and three cars in Aleppo on Monday.",
        "Troops destroyed several homes near checkpoints in Homs on Monday.",
    ):
        assert rows_of(pipeline, text)[S.SUB_EVENT_TYPE].tolist() == ["Looting/property destruction"], text


def test_a_nun_shot_dead_is_a_civilian_killed(pipeline) -> None:
    assert rows_of(pipeline, "A sniper shot dead a nun in Qamishli on Monday.")[S.ACTOR2].tolist() == [
        "Civilians (Syria)"
    ]


def test_a_video_described_at_length_still_shows_the_fighting(pipeline) -> None:
    text = "A video posted online by local activists late on Friday shows fighting near Saraqib."
    assert rows_of(pipeline, text).empty


def test_a_car_bomb_destroyed_by_the_army_is_no_property_destruction(pipeline) -> None:
    ev = rows_of(pipeline, "Army units destroyed last night a truck packed with explosives near Saraqib.")
    assert "Looting/property destruction" not in set(ev[S.SUB_EVENT_TYPE])
