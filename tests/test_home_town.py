"""`recognition.home_town`: a large town of the article's country read through a wrong NER tag
(examples written for these tests)."""

from __future__ import annotations

from dashboard import schema as S
from tests.test_sites import rows_of, without

FREED = "Syrian government forces freed Palmyra from IS fighters on Sunday after weeks of fighting, state media said."


def test_a_town_of_the_articles_country_after_a_verb_of_capture(pipeline) -> None:
    ev = rows_of(pipeline, FREED)
    assert ev[S.LOCATION].tolist() == ["Tadmur"] and ev[S.COUNTRY_CODE].tolist() == ["SY"]
    off = rows_of(without(pipeline, "recognition.home_town"), FREED)
    assert "Tadmur" not in set(off[S.LOCATION])


def test_a_person_freed_is_no_town_of_another_country(pipeline) -> None:
    # The only Palmyra the gazetteer knows outside Syria is small: a story on Australia does not make
    # the name a place.
    text = "Australian police freed Palmyra from a burning car on Sunday, officers said."
    assert "Palmyra" not in set(rows_of(pipeline, text)[S.LOCATION])
