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
