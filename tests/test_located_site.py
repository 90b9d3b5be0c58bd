"""`location.located_site`: a verb of location makes an unknown name a site (examples written for
these tests)."""

from __future__ import annotations

from dashboard import schema as S
from dashboard.events.site_places import location_verb
from tests.test_sites import rows_of, without

RELATIVE = "Jets bombed Jub al-Kalb, which is located 12 kilometres south of Manbij, on Monday, killing four civilians."


def test_a_name_a_relative_clause_locates_is_the_site_not_the_town(pipeline) -> None:
    ev = rows_of(pipeline, RELATIVE)
    assert ev[S.LOCATION].tolist() == ["Jub al-Kalb"] and ev[S.GEO_PRECISION].tolist() == [2]
    assert ev[S.ADMIN1].tolist() == ["Aleppo"] and ev[S.FATALITIES].tolist() == [4]
    off = rows_of(without(pipeline, "location.located_site"), RELATIVE)
    assert off[S.LOCATION].tolist() == ["Manbij"]


def test_the_subject_of_a_verb_of_location(nlp) -> None:
    doc = nlp("Jub al-Kalb is located 12 kilometres south of Manbij.")
    assert location_verb(doc[3]) is not None and location_verb(doc[3]).lower_ == "located"
    assert location_verb(doc[2]) is None  # "al" is no subject
