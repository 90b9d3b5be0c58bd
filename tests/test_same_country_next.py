"""`location.same_country_next`: a country-level report looks ahead for its town only while the story
stays in its country (examples written for these tests)."""

from __future__ import annotations

from dashboard import schema as S
from tests.test_sites import rows_of, without

ABROAD = (
    "Coalition jets killed at least 14 militants in northern Syria on Sunday, officials said. "
    "The Turkish town of Kilis has been hit by rockets fired from across the border for weeks. "
    "Kurdish-led fighters have taken villages south of Manbij, the Pentagon said."
)


def test_a_town_after_the_story_moved_abroad_is_not_where_the_strikes_were(pipeline) -> None:
    ev = rows_of(pipeline, ABROAD)
    strikes = ev[ev[S.FATALITIES] == 14]
    assert strikes[S.GEO_PRECISION].tolist() == [4] and strikes[S.COUNTRY_CODE].tolist() == ["SY"]
    off = rows_of(without(pipeline, "location.same_country_next"), ABROAD)
    assert off[off[S.FATALITIES] == 14][S.LOCATION].tolist() == ["Manbij"]


def test_the_next_sentence_still_says_where_in_the_country(pipeline) -> None:
    text = "Air strikes killed 12 people in northwest Syria on Monday, a monitor said. The strikes hit Saraqib."
    ev = rows_of(pipeline, text)
    assert ev[ev[S.FATALITIES] == 12][S.LOCATION].tolist() == ["Saraqib"]
