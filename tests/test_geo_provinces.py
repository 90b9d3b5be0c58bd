"""The province the text states for a name (`resolution.stated_province`) and the named areas of the
gazetteer's own table that lie inside one province (regions.tsv, code AREA). Sentences written for
these tests."""

from __future__ import annotations

from dashboard.geo.gazetteer import Place
from dashboard.geo.geocoder import GazetteerGeocoder
from dashboard.geo.structure import in_stated_province, stated_provinces
from dashboard.geo.toponyms import Toponym, geoparse
from dashboard.rules import Switches


def _place(name: str, code: str, admin1: str, cls: str = "P") -> Place:
    return Place(-1, None, name, 35.0, 36.0, cls, code, "SY", admin1, "", 1000)


def _tops(text: str, *names: str) -> list[Toponym]:
    out = []
    for n in names:
        s = text.index(n)
        out.append(Toponym(s, s + len(n), n, "GPE"))
    return out


def test_a_province_stated_after_in_is_found_for_the_name_before() -> None:
    text = "Gunmen raided Nubl in Hama province at dawn."
    cands = {"nubl": [_place("Nubl", "PPL", "Aleppo")], "hama province": [_place("Hama", "ADM1", "Hama", "A")]}
    assert stated_provinces(_tops(text, "Nubl", "Hama province"), text, cands) == {"nubl": {("SY", "hama")}}


def test_rural_and_a_possessive_country_state_the_province_too() -> None:
    text = "Jets hit Sarmin in rural Idlib and Tafas in Syria's Daraa province."
    cands = {
        "idlib": [_place("Idlib", "ADM1", "Idlib", "A"), _place("Idlib", "PPL", "Idlib")],
        "daraa": [_place("Daraa", "ADM1", "Daraa", "A")],
    }
    daraa = text.index("Daraa")
    hinted = Toponym(daraa, daraa + 5, "Daraa", "GPE", admin_hint=True)
    tops = [*_tops(text, "Sarmin", "Idlib", "Tafas", "Syria"), hinted]
    stated = stated_provinces(tops, text, cands)
    assert stated["sarmin"] == {("SY", "idlib")}
    assert stated["tafas"] == {("SY", "daraa")}


def test_a_bare_town_after_in_states_no_province() -> None:
    # "in Homs" may be the city: nothing is said about the province of the name before it.
    text = "A convoy left Talbiseh in Homs on Friday."
    cands = {"homs": [_place("Homs", "PPL", "Homs"), _place("Homs", "ADM1", "Homs", "A")]}
    assert stated_provinces(_tops(text, "Talbiseh", "Homs"), text, cands) == {}


def test_candidates_of_another_province_are_refused_and_coarser_places_kept() -> None:
    places = [_place("Nubl", "PPL", "Aleppo"), _place("Syria", "PCLI", "", "A")]
    assert [p.name for p in in_stated_province(places, {("SY", "hama")})] == ["Syria"]
    assert in_stated_province(places, None) == places


def test_a_town_of_another_province_is_not_taken_when_the_text_states_the_province(nlp, gazetteer) -> None:
    text = "Gunmen raided Nubl in Hama province at dawn. Later, residents of Nubl buried two men."
    geocoder = GazetteerGeocoder(gazetteer)
    on = [t for t in geoparse(nlp(text), geocoder, gazetteer) if t.text == "Nubl"]
    assert on and all(t.place is None for t in on)  # the Nubl of Aleppo is refused in both mentions
    off = geoparse(nlp(text), geocoder, gazetteer, switches=Switches.parse("resolution.stated_province"))
    assert any(t.text == "Nubl" and t.place is not None and t.place.admin1 == "Aleppo" for t in off)


def test_a_town_in_the_stated_province_is_still_taken(nlp, gazetteer) -> None:
    text = "Shells fell on Salqin in Idlib province on Sunday."
    (kz,) = [t for t in geoparse(nlp(text), GazetteerGeocoder(gazetteer), gazetteer) if t.text == "Salqin"]
    assert kz.place is not None and kz.place.admin1 == "Idlib"


def test_named_war_areas_lie_in_their_province_at_district_precision(gazetteer) -> None:
    for name, admin1 in (("Eastern Ghouta", "Rif Dimashq"), ("Sahl al-Ghab", "Hama"), ("Jabal al-Zawiya", "Idlib")):
        (area,) = [p for p in gazetteer.lookup(name) if p.feature_code == "AREA"]
        assert (area.country_code, area.admin1, area.precision) == ("SY", admin1, 2)
    assert gazetteer.lookup("East Ghouta")[0].name == "Eastern Ghouta"


def test_a_named_area_after_in_is_a_place(nlp, gazetteer) -> None:
    text = "Warplanes struck several towns in Eastern Ghouta on Sunday, rescuers said."
    (eg,) = [t for t in geoparse(nlp(text), GazetteerGeocoder(gazetteer), gazetteer) if t.text == "Eastern Ghouta"]
    assert eg.place is not None and eg.place.admin1 == "Rif Dimashq"


def test_rural_before_a_name_means_the_province(nlp, gazetteer) -> None:
    text = "Government shelling killed a farmer in rural Idlib on Tuesday."
    (idlib,) = [t for t in geoparse(nlp(text), GazetteerGeocoder(gazetteer), gazetteer) if t.text == "Idlib"]
    assert idlib.place is not None and idlib.place.feature_code == "ADM1"
    off = geoparse(nlp(text), GazetteerGeocoder(gazetteer), gazetteer, switches=Switches.parse("resolution.admin_of"))
    assert [t.place.feature_code for t in off if t.text == "Idlib" and t.place] == ["PPL"]


def _hama(nlp, gazetteer, text: str, switches: Switches | None = None) -> Place | None:
    tops = geoparse(nlp(text), GazetteerGeocoder(gazetteer), gazetteer, switches or Switches.parse(""))
    (hama,) = [t for t in tops if t.text == "Hama"]
    return hama.place


def test_a_name_the_text_calls_a_city_is_the_town_however_geonames_spells_it(nlp, gazetteer) -> None:
    # GeoNames names the province "Hama" and its capital "Ḩamāh": the exact-name rule misses it.
    for text in (
        "Mortars hit Hama city on Friday.",
        "Mortars hit the central city of Hama on Friday.",
        "Mortars hit the town of Hama on Friday.",  # a town is no province either
    ):
        place = _hama(nlp, gazetteer, text)
        assert place is not None and place.feature_class == "P" and place.precision == 1, text
    province = _hama(nlp, gazetteer, "Mortars hit Hama city on Friday.", Switches.parse("resolution.city_word"))
    assert province is not None and province.feature_code == "ADM1"
    # Without the word "city" the text may mean the province ("fighting on all fronts in Hama").
    bare = _hama(nlp, gazetteer, "Fighting raged on all fronts in Hama on Friday.")
    assert bare is not None and bare.feature_code == "ADM1"


def test_city_around_reads_the_word_after_or_city_of_before() -> None:
    from dashboard.geo.names import city_around

    text = "the city of Homs and Hama city, but Idlib province"
    assert city_around(text, text.index("Homs"), text.index("Homs") + 4)
    assert city_around(text, text.index("Hama"), text.index("Hama") + 4)
    assert not city_around(text, text.index("Idlib"), text.index("Idlib") + 5)


def test_city_around_reads_a_town_word_as_a_city_word() -> None:
    from dashboard.geo.names import city_around

    text = "the town of Saraqib and Binnish town, but Idlib governorate"
    assert city_around(text, text.index("Saraqib"), text.index("Saraqib") + 7)
    assert city_around(text, text.index("Binnish"), text.index("Binnish") + 7)
    assert not city_around(text, text.index("Idlib"), text.index("Idlib") + 5)
