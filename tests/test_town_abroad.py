"""`resolution.town_abroad` and a site's anchor away from who speaks (examples written for these
tests)."""

from __future__ import annotations

from collections import Counter

from dashboard import schema as S
from dashboard.geo.gazetteer import Place
from dashboard.geo.resolution import geoparse
from dashboard.geo.trust import town_abroad
from dashboard.rules import Switches
from tests.test_sites import rows_of, without

SYRIA_AND_ALLIES = Counter({"SY": 3, "RU": 3, "US": 1})


def _town(name: str, country: str, population: int) -> Place:
    return Place(1, 1, name, 30.0, 31.0, "P", "PPL", country, "01", "", population=population)


def test_a_small_town_abroad_spelt_one_letter_apart_is_not_taken() -> None:
    assert town_abroad(_town("Qasrana", "EG", 40_000), "qasrna", SYRIA_AND_ALLIES)


def test_the_exact_name_a_large_city_or_a_named_country_keep_the_reading() -> None:
    assert not town_abroad(_town("Qasrana", "EG", 40_000), "qasrana", SYRIA_AND_ALLIES)  # its own name
    assert not town_abroad(_town("Qasrana", "EG", 400_000), "qasrna", SYRIA_AND_ALLIES)  # a city
    assert not town_abroad(_town("Qasrana", "EG", 40_000), "qasrna", SYRIA_AND_ALLIES + Counter({"EG": 1}))
    assert not town_abroad(_town("Qasrana", "EG", 40_000), "qasrna", Counter())  # no country named at all


STORY = (
    "Russian jets and Russian helicopters pounded Homs on Friday as Russia, Turkey and the United States "
    "argued in Geneva and Moscow. Airstrikes also hit the towns of Rastan and Zafarana, activists said."
)


def _place_of(nlp, pipeline, text: str, name: str, off: str = "") -> Place | None:
    """The place the geoparser gives `name` in `text`, with the rules `off` switched off."""
    tops = geoparse(nlp(text), pipeline.geocoder, pipeline.gazetteer, Switches.parse(off))
    return next((t.place for t in tops if t.text == name), None)


def test_a_listed_town_of_a_story_on_syria_is_not_put_in_egypt(nlp, pipeline) -> None:
    assert _place_of(nlp, pipeline, STORY, "Zafarana") is None  # left to the sentence's town by the events
    off = _place_of(nlp, pipeline, STORY, "Zafarana", "resolution.town_abroad")
    assert off is not None and off.country_code == "EG"


SPEAKER = (
    "Government troops advanced in Deir ez-Zor province on Monday. Russian jets destroyed a depot near "
    "Khirbet Umm Tuwaynah town, the ministry in Moscow said."
)


def test_a_site_is_not_placed_where_the_speaker_is(pipeline) -> None:
    ev = rows_of(pipeline, SPEAKER)
    site = ev[ev[S.LOCATION] == "Khirbet Umm Tuwaynah"]
    assert len(site) == 1 and site[S.ADMIN1].tolist() == ["Deir ez-Zor"]
    off = rows_of(without(pipeline, "location.source_place"), SPEAKER)
    assert off[off[S.LOCATION] == "Khirbet Umm Tuwaynah"][S.COUNTRY_CODE].tolist() == ["RU"]


PERSON = (
    "Shells hit the Syrian city of Aleppo on Monday, the Syrian monitor said. A baker named Ahmad who "
    "lost a leg in the attack recalled the moment the shell landed."
)


def test_a_person_named_like_a_town_abroad_is_a_person(nlp, pipeline) -> None:
    assert _place_of(nlp, pipeline, PERSON, "Ahmad") is None
    off = _place_of(nlp, pipeline, PERSON, "Ahmad", "resolution.person_abroad")
    assert off is not None and off.country_code == "KW"


def test_a_name_tagged_a_person_after_a_verb_of_bombardment_is_a_place(nlp, pipeline) -> None:
    # The model tags the city a person's name, and the story names no country: the verb says place.
    text = "Russian forces pounded Kharkiv on Saturday, killing seven people."
    kharkiv = _place_of(nlp, pipeline, text, "Kharkiv")
    assert kharkiv is not None and kharkiv.country_code == "UA"
    assert rows_of(pipeline, text)[S.LOCATION].tolist() == ["Kharkiv"]
    # A person after a verb whose objects are people as often stays one.
    assert _place_of(nlp, pipeline, "Gunmen attacked a baker named Ahmad on Monday in Aleppo.", "Ahmad") is None
