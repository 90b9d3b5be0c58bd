"""`location.same_day_next` and `location.unnamed_town_next`: how far a report looks ahead for its
town, and when (examples written for these tests)."""

from __future__ import annotations

from dashboard import schema as S
from tests.test_sites import rows_of, without

OTHER_DAY = (
    "French jets struck an arms depot in Syria on Thursday night, the ministry said. "
    "Paris said the raid was a warning. "
    "Also on Saturday, a car bomb went off near the city of Hama, wounding nine people."
)


def test_a_town_told_on_another_day_is_not_where_the_report_happened(pipeline) -> None:
    ev = rows_of(pipeline, OTHER_DAY)
    strike = ev[ev[S.TRIGGER].str.contains("struck")]
    assert strike[S.GEO_PRECISION].tolist() == [4] and strike[S.COUNTRY_CODE].tolist() == ["SY"]
    off = rows_of(without(pipeline, "location.same_day_next"), OTHER_DAY)
    assert off[off[S.TRIGGER].str.contains("struck")][S.TOPONYM].tolist() == ["Hama"]


def test_a_next_sentence_of_the_same_day_still_says_where(pipeline) -> None:
    text = (
        "Jets killed nine fighters in Syria on Thursday, a monitor said. "
        "On Thursday the raids hit the outskirts of Saraqib."
    )
    ev = rows_of(pipeline, text)
    assert ev[ev[S.FATALITIES] == 9][S.LOCATION].tolist() == ["Saraqib"]


def test_the_dateline_does_not_date_the_report(pipeline) -> None:
    # The publication day leads the text; the report's own day is given only in the next sentence.
    text = (
        "Published 6 May 2016 Gunmen killed 11 soldiers in eastern Syria, activists said. "
        "They were shot near the town of Mayadeen on Wednesday."
    )
    ev = rows_of(pipeline, text)
    assert ev[ev[S.FATALITIES] == 11][S.LOCATION].str.contains("May").tolist() == [True]


# `location.unnamed_town_next`: "a town in X province" is the town the next sentence names there.
UNNAMED = (
    "Eight civilians were killed on Monday when jets struck a town in northern Aleppo province, rescuers said. "
    "The raids hit the market of Atarib, one rescuer said."
)


def test_an_unnamed_town_in_a_province_is_the_town_the_next_sentence_names(pipeline) -> None:
    ev = rows_of(pipeline, UNNAMED)
    assert ev[ev[S.FATALITIES] == 8][S.TOPONYM].tolist() == ["Atarib"]
    off = rows_of(without(pipeline, "location.unnamed_town_next"), UNNAMED)
    assert off[off[S.FATALITIES] == 8][S.GEO_PRECISION].tolist() == [3]


def test_the_provinces_own_name_again_is_not_the_unnamed_town(pipeline) -> None:
    text = (
        "Eight civilians were killed on Monday when jets struck a town in Idlib province, rescuers said. "
        "Jets have pounded Idlib for weeks and the raids hit Saraqib, one rescuer said."
    )
    ev = rows_of(pipeline, text)
    assert ev[ev[S.FATALITIES] == 8][S.TOPONYM].tolist() == ["Saraqib"]
