"""Gazetteer, geopy-contract geocoders and toponym resolution in context."""

from __future__ import annotations

from pathlib import Path

import pytest
from geopy.location import Location

from dashboard.geo.gazetteer import Place, fold, haversine_km, variants
from dashboard.geo.geocoder import CachedGeocoder, GazetteerGeocoder, place_to_location
from dashboard.geo.toponyms import Toponym, candidates, geoparse, resolve
from dashboard.rules import Switches

# -- names ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, key",
    [
        ("Kalın", "kalin"),
        ("Idlib", "idlib"),
        ("IDLIB", "idlib"),
        ("  Idlib \n", "idlib"),
        ("Erdoğan", "erdogan"),
        ("Ḥalab", "halab"),
        ("Al-Raqqa", "al raqqa"),
        ("Ma'arrat al-Nu'man", "maarrat al numan"),
        ("The Hague", "hague"),
        ("St. Petersburg", "st petersburg"),
        ("Łódź", "lodz"),
        ("Düsseldorf", "dusseldorf"),
    ],
)
def test_fold(name: str, key: str) -> None:
    assert fold(name) == key


def test_variants_drop_arabic_article() -> None:
    assert variants("al raqqa") == ["al raqqa", "raqqa"]
    assert variants("idlib") == ["idlib"]


def test_haversine() -> None:
    assert haversine_km(0, 0, 0, 0) == 0
    # Idlib → Ankara is about 560 km; Moscow → Sochi about 1360 km.
    assert 500 < haversine_km(35.93, 36.63, 39.92, 32.85) < 620
    assert 1300 < haversine_km(55.75, 37.62, 43.60, 39.72) < 1420


# -- gazetteer ---------------------------------------------------------------------------------------


def test_lookup_idlib(gazetteer) -> None:
    places = gazetteer.lookup("Idlib")
    assert places
    assert {p.country_code for p in places} == {"SY"}
    codes = {p.feature_code for p in places}
    assert "ADM1" in codes and codes & {"PPL", "PPLA", "PPLC"}
    city = next(p for p in places if p.feature_class == "P")
    assert haversine_km(city.latitude, city.longitude, 35.93, 36.63) < 10
    assert city.precision == 1
    assert gazetteer.lookup("idlib") == places == gazetteer.lookup("IDLIB")


def test_lookup_folds_and_drops_article(gazetteer) -> None:
    assert {p.country_code for p in gazetteer.lookup("al-Raqqa")} >= {"SY"}
    assert "Idlib" in gazetteer and "Kalın" not in gazetteer
    assert gazetteer.lookup("Xyzzyqux") == []


@pytest.mark.parametrize(
    "name, code", [("Syria", "SY"), ("Turkey", "TR"), ("Russia", "RU"), ("Russian Federation", "RU")]
)
def test_countries(gazetteer, name: str, code: str) -> None:
    countries = [p for p in gazetteer.lookup(name) if p.feature_code == "PCLI"]
    assert [p.country_code for p in countries] == [code]
    assert countries[0].precision == 4
    assert gazetteer.country(code) == countries[0]


def test_country_names_and_demonyms(gazetteer) -> None:
    assert gazetteer.country_name("SY") == "Syria"
    assert gazetteer.country_name("ZZ") == "ZZ"
    assert gazetteer.demonym_country("Turkish") == "TR"
    assert gazetteer.demonym_country("Russian") == "RU"
    assert gazetteer.demonym_country("Syrian") == "SY"
    assert gazetteer.demonym_country("Idlib") is None


def test_admin1_place(gazetteer) -> None:
    p = gazetteer.admin1_place("SY", "Idlib")
    assert p is not None and p.feature_code == "ADM1" and p.precision == 3


def test_add_place() -> None:
    # A small gazetteer of its own: a deep copy of the shared one (255,000 places) took most of this test's time.
    from dashboard.geo.gazetteer_build import _Builder

    builder = _Builder()
    builder.add(
        ["Idlib"],
        geonameid=None,
        name="Idlib",
        latitude=35.86,
        longitude=36.57,
        feature_class="A",
        feature_code="ADM1",
        country_code="SY",
        admin1="Idlib",
        admin2="",
        population=1_500_000,
    )
    gaz = builder.finish({"SY": "Syria"}, {})
    n = len(gaz)
    added = gaz.add(
        Place(
            idx=-1,
            geonameid=None,
            name="Camp Xyzzy",
            latitude=36.0,
            longitude=36.5,
            feature_class="P",
            feature_code="PPL",
            country_code="SY",
            admin1="Idlib",
            admin2="",
            population=0,
        ),
        aliases=["Xyzzy Camp"],
    )
    assert added.idx == n and len(gaz) == n + 1
    assert gaz.lookup("camp xyzzy") == [added] == gaz.lookup("Xyzzy Camp")
    assert [p.name for p in gaz.lookup("Idlib")] == ["Idlib"], "the places before it are still found"


# -- geocoders ---------------------------------------------------------------------------------------


def test_gazetteer_geocoder_exactly_one(gazetteer) -> None:
    gc = GazetteerGeocoder(gazetteer)
    loc = gc.geocode("Idlib")
    assert isinstance(loc, Location)
    assert loc.raw["country_code"] == "SY"
    assert "geonameid" in loc.raw
    assert {"feature_code", "population", "admin1", "country", "precision"} <= set(loc.raw)
    assert "Syria" in loc.address
    assert (loc.latitude, loc.longitude) == (loc.raw["latitude"], loc.raw["longitude"])


def test_gazetteer_geocoder_all_candidates(gazetteer) -> None:
    gc = GazetteerGeocoder(gazetteer)
    locs = gc.geocode("Idlib", exactly_one=False)
    assert isinstance(locs, list) and len(locs) >= 2
    assert all(isinstance(x, Location) for x in locs)
    assert {x.raw["country_code"] for x in locs} == {"SY"}
    assert any(isinstance(x.raw["geonameid"], int) for x in locs)
    assert locs[0].raw == gc.geocode("Idlib").raw


def test_gazetteer_geocoder_moscow(gazetteer) -> None:
    gc = GazetteerGeocoder(gazetteer)
    assert gc.geocode("Moscow").raw["country_code"] == "RU", "the capital before the small US towns"
    us = gc.geocode("Moscow", exactly_one=False, country_codes=["us"])
    assert us and {x.raw["country_code"] for x in us} == {"US"}
    assert gc.geocode("Moscow", country_codes="US").raw["country_code"] == "US"
    assert gc.geocode("Xyzzyqux") is None
    assert gc.geocode("Xyzzyqux", exactly_one=False) is None


def test_place_to_location_round_trips_through_candidates(gazetteer) -> None:
    gc = GazetteerGeocoder(gazetteer)
    places = candidates("Idlib", gc, gazetteer)
    assert places and all(isinstance(p, Place) for p in places)
    assert set(places) == set(gazetteer.lookup("Idlib"))
    loc = place_to_location(places[0], gazetteer)
    assert loc.raw["idx"] == places[0].idx


class FakeGeocoder:
    """An online geocoder stand-in with geopy's contract that counts its calls."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, bool]] = []

    def geocode(self, query: str, exactly_one: bool = True):
        self.calls.append((query, exactly_one))
        if query == "Nowhere":
            return None
        found = [
            Location(f"{query}, Syria", (35.93, 36.63), {"place_id": 1, "address": {"country_code": "sy"}}),
            Location(f"{query}, Elsewhere", (10.0, 20.0), {"place_id": 2}),
        ]
        return found if not exactly_one else found[0]


def test_cached_geocoder_serves_repeats_from_sqlite(tmp_path: Path) -> None:
    fake = FakeGeocoder()
    cache = tmp_path / "cache" / "geo.sqlite"
    cg = CachedGeocoder(fake, cache, limiter=fake.geocode)
    first = cg.geocode("Idlib")
    assert isinstance(first, Location)
    assert first.address == "Idlib, Syria" and (first.latitude, first.longitude) == (35.93, 36.63)
    assert first.raw == {"place_id": 1, "address": {"country_code": "sy"}}
    assert fake.calls == [("Idlib", False)]
    second = cg.geocode("Idlib")
    assert fake.calls == [("Idlib", False)], "served from the cache"
    assert (second.address, second.point, second.raw) == (first.address, first.point, first.raw)
    many = cg.geocode("Idlib", exactly_one=False)
    assert [x.address for x in many] == ["Idlib, Syria", "Idlib, Elsewhere"]
    assert len(fake.calls) == 1
    cg.geocode("Ankara")
    assert [q for q, _ in fake.calls] == ["Idlib", "Ankara"]
    assert cache.is_file()

    # A new instance on the same file (a later run) still asks nothing.
    fake2 = FakeGeocoder()
    again = CachedGeocoder(fake2, cache, limiter=fake2.geocode)
    assert again.geocode("Idlib").address == "Idlib, Syria"
    assert fake2.calls == []


def test_cached_geocoder_caches_misses(tmp_path: Path) -> None:
    fake = FakeGeocoder()
    cg = CachedGeocoder(fake, tmp_path / "geo.sqlite", limiter=fake.geocode)
    assert cg.geocode("Nowhere") is None
    assert cg.geocode("Nowhere", exactly_one=False) is None
    assert fake.calls == [("Nowhere", False)]


def test_cached_geocoder_online_places_become_candidates(tmp_path: Path, gazetteer) -> None:
    fake = FakeGeocoder()
    cg = CachedGeocoder(fake, tmp_path / "geo.sqlite", limiter=fake.geocode)
    places = candidates("Saraqib", cg, gazetteer)
    assert len(places) == 2
    assert places[0].name == "Saraqib" and places[0].country_code == "SY"
    assert (places[0].latitude, places[0].longitude) == (35.93, 36.63)
    assert places[0].geonameid is None


# -- toponyms in context ------------------------------------------------------------------------------


def geoparsed(nlp, gazetteer, text: str) -> list[Toponym]:
    return geoparse(nlp(text), GazetteerGeocoder(gazetteer), gazetteer)


def resolved(toponyms: list[Toponym], name: str) -> list[Toponym]:
    found = [t for t in toponyms if t.text == name]
    assert found, f"{name} not recognised in {[t.text for t in toponyms]}"
    assert all(t.place is not None for t in found)
    return found


def test_moscow_with_russia_and_turkey_is_in_russia(nlp, gazetteer) -> None:
    text = (
        "Turkey and Russia agreed on a cease-fire. President Erdoğan flew to Moscow to meet Putin, "
        "and Turkish officials said the talks went well."
    )
    tops = geoparsed(nlp, gazetteer, text)
    for t in tops:
        assert text[t.start : t.end] == t.text
    (moscow,) = resolved(tops, "Moscow")
    assert moscow.place.country_code == "RU"
    assert haversine_km(moscow.place.latitude, moscow.place.longitude, 55.75, 37.62) < 50
    assert resolved(tops, "Turkey")[0].place.country_code == "TR"
    assert resolved(tops, "Russia")[0].place.country_code == "RU"
    turkish = resolved(tops, "Turkish")[0]
    assert turkish.is_demonym and turkish.state and turkish.place.country_code == "TR"
    assert all(t.place.country_code != "US" for t in tops)


@pytest.mark.parametrize(
    "text, code, feature",
    [
        ("Protesters gathered in Tbilisi, the capital of Georgia, on Sunday.", "GE", "PCLI"),
        ("Georgia and Armenia signed a border deal in Tbilisi.", "GE", "PCLI"),
        ("A storm hit Atlanta, Georgia on Monday.", "US", "ADM1"),
        ("Voters in Atlanta and Savannah went to the polls as Georgia counted ballots.", "US", "ADM1"),
    ],
)
def test_georgia_by_its_neighbours(nlp, gazetteer, text: str, code: str, feature: str) -> None:
    (georgia,) = resolved(geoparsed(nlp, gazetteer, text), "Georgia")
    assert (georgia.place.country_code, georgia.place.feature_code) == (code, feature)


@pytest.mark.parametrize(
    "text, code",
    [
        # "Congo" alone is the Democratic Republic in most wire copy (AP's usage), and its towns say so.
        ("Fighting spread across eastern Congo as rebels neared Goma and Bukavu.", "CD"),
        ("Police fired tear gas at protesters in Brazzaville, the capital of Congo.", "CG"),
    ],
)
def test_congo_by_its_towns(nlp, gazetteer, text: str, code: str) -> None:
    (congo,) = resolved(geoparsed(nlp, gazetteer, text), "Congo")
    assert congo.place.country_code == code


@pytest.mark.parametrize(
    "name, province",
    [("North Kivu", "Nord-Kivu"), ("South Kivu", "Sud-Kivu"), ("Upper Uele", "Haut-Uélé"), ("Ituri", "Ituri")],
)
def test_english_names_of_provinces_named_in_french(gazetteer, name: str, province: str) -> None:
    # The province itself (a first-level division), not a region of the project's own list.
    found = [p for p in gazetteer.lookup(name) if p.country_code == "CD"]
    assert any(p.feature_code == "ADM1" and p.name == province for p in found)
    assert not any(p.feature_code == "RGN" for p in found)


def test_idlib_is_the_syrian_city(nlp, gazetteer) -> None:
    (idlib,) = resolved(geoparsed(nlp, gazetteer, "Regime forces shelled Idlib on Tuesday, residents said."), "Idlib")
    assert idlib.place.country_code == "SY"
    assert idlib.place.feature_class == "P"
    assert haversine_km(idlib.place.latitude, idlib.place.longitude, 35.93, 36.63) < 50
    assert idlib.alternatives[0] == (idlib.place, idlib.score)


def test_idlib_province_is_the_governorate(nlp, gazetteer) -> None:
    (idlib,) = resolved(geoparsed(nlp, gazetteer, "Fighting in Idlib province displaced thousands."), "Idlib")
    assert idlib.admin_hint
    assert (idlib.place.country_code, idlib.place.feature_code) == ("SY", "ADM1")


def test_speaker_is_not_a_place(nlp, gazetteer) -> None:
    tops = geoparsed(nlp, gazetteer, "Kalın said the talks in Ankara went well.")
    assert [t.text for t in tops] == ["Ankara"]
    assert tops[0].place.country_code == "TR"


def test_an_acronym_in_capitals_is_not_a_place_but_a_dateline_is(nlp, gazetteer) -> None:
    tops = geoparsed(nlp, gazetteer, "Official news agency SANA said a car bomb hit the coastal city of Jableh.")
    assert "SANA" not in [t.text for t in tops], "the Syrian news agency is not Sanaa, Yemen"
    (edmonton,) = resolved(geoparsed(nlp, gazetteer, "EDMONTON - Police arrested two men on Monday."), "EDMONTON")
    assert edmonton.place.country_code == "CA"


def test_resolve_given_spans_without_a_parse(gazetteer) -> None:
    text = "Talks in Moscow between Turkey and Russia."
    spans = [Toponym(text.index(n), text.index(n) + len(n), n, "GOLD") for n in ("Moscow", "Turkey", "Russia")]
    out = resolve(spans, GazetteerGeocoder(gazetteer), gazetteer)
    assert [t.place.country_code for t in out] == ["RU", "TR", "RU"]


def test_unknown_name_stays_unresolved(gazetteer) -> None:
    (t,) = resolve([Toponym(0, 8, "Xyzzyqux", "GOLD")], GazetteerGeocoder(gazetteer), gazetteer)
    assert t.place is None and not t.resolved and t.alternatives == ()


def test_fallback_geocoder_asks_online_only_for_unknown_names(gazetteer, tmp_path) -> None:
    from geopy.location import Location

    from dashboard.geo.geocoder import CachedGeocoder, FallbackGeocoder, GazetteerGeocoder

    asked: list[str] = []

    def fake_online(query: str, exactly_one: bool = True):
        asked.append(query)
        return [Location("Nowhereville, Syria", (35.5, 36.5), {"address": {"country_code": "sy"}})]

    online = CachedGeocoder(geocoder=None, cache_path=tmp_path / "c.sqlite", limiter=fake_online)
    geo = FallbackGeocoder(GazetteerGeocoder(gazetteer), online)
    assert geo.geocode("Idlib").raw["country_code"] == "SY"
    assert asked == []
    assert geo.geocode("Nowhereville Qxz").latitude == 35.5
    assert geo.geocode("Nowhereville Qxz").latitude == 35.5
    assert asked == ["Nowhereville Qxz"], "asked once, then served from the disk cache"


# -- recognition: organisations, buildings and people ---------------------------------------------------


def recognised(nlp, gazetteer, text: str) -> list[Toponym]:
    from dashboard.geo.toponyms import recognize

    return recognize(nlp(text), gazetteer)


def test_place_inside_an_organisation_name_is_recognised_but_locates_no_event(nlp, gazetteer) -> None:
    text = "Officers from the Kentucky State Police arrested him on Friday."
    tops = recognised(nlp, gazetteer, text)
    assert [(t.text, t.embedded) for t in tops] == [("Kentucky", True)]
    assert text[tops[0].start : tops[0].end] == "Kentucky"
    assert geoparsed(nlp, gazetteer, text) == [], "the pipeline reads the police as an actor, not a place"


def test_demonym_inside_an_organisation_name(nlp, gazetteer) -> None:
    (canadian,) = recognised(nlp, gazetteer, "The report was written by The Canadian Press.")
    assert (canadian.text, canadian.is_demonym, canadian.embedded) == ("Canadian", True, True)


def test_plural_demonym_names_people_not_a_place(nlp, gazetteer) -> None:
    tops = recognised(nlp, gazetteer, "Thousands of Mexicans crossed the border, while Mexican officials said nothing.")
    assert [t.text for t in tops] == ["Mexican"]


@pytest.mark.parametrize(
    "text",
    [
        "The U.N. said aid was blocked.",  # not Un, India
        "Leaders met at the White House on Monday.",  # a building, not the town in Tennessee or Casablanca
    ],
)
def test_organisations_and_buildings_that_share_a_place_name(nlp, gazetteer, text: str) -> None:
    assert recognised(nlp, gazetteer, text) == []


def with_entities(nlp, text: str, ents: list[tuple[str, str]]):
    """A parsed doc whose entities are set by hand, so a rule is tested whatever the model tags."""

    doc = nlp(text)
    spans = []
    pos = 0
    for name, label in ents:  # in text order, each found after the previous one
        start = text.index(name, pos)
        pos = start + len(name)
        span = doc.char_span(start, start + len(name), label=label)
        assert span is not None, name
        spans.append(span)
    doc.ents = spans
    return doc


def test_place_the_model_tags_as_a_person(nlp, gazetteer) -> None:
    from dashboard.geo.toponyms import recognize

    doc = with_entities(nlp, "Floods hit Tamil Nadu on Monday.", [("Tamil Nadu", "PERSON")])
    assert [t.text for t in recognize(doc, gazetteer)] == ["Tamil Nadu"]


def test_person_named_like_a_country_stays_a_person(nlp, gazetteer) -> None:
    from dashboard.geo.toponyms import recognize

    # The second "Jordan" is tagged PERSON on its own: the full name earlier says who it is.
    doc = with_entities(
        nlp, "Michael Jordan scored twice. Later, Jordan rested.", [("Michael Jordan", "PERSON"), ("Jordan", "PERSON")]
    )
    assert recognize(doc, gazetteer) == []


def test_datelines_in_capitals(gazetteer) -> None:
    from dashboard.geo.recognition import _datelines

    text = (
        "LONDON The Latest on the talks.\nCOLUMBUS, Ohio (AP) — Fans gathered.\n"
        "SAN ANTONIO (AP) — Rain.\nCHECK YOUR TICKETS NOW! One ticket won.\nNORTH — a word."
    )
    assert [t.text for t in _datelines(text, gazetteer)] == ["LONDON", "COLUMBUS", "SAN ANTONIO"]
    assert all(text[t.start : t.end] == t.text for t in _datelines(text, gazetteer))


def test_region_demonym_stands_for_the_region(nlp, gazetteer) -> None:
    tops = geoparsed(nlp, gazetteer, "European leaders met in Brussels on Monday.")
    (european,) = resolved(tops, "European")
    assert (european.place.name, european.place.feature_code) == ("Europe", "CONT")


@pytest.mark.parametrize(
    "text, name, code",
    [
        ("Ministers of the EU met.", "EU", "CONT"),  # the Union stands for Europe, not Eu in Normandy
        ("Storms over the Atlantic grew.", "Atlantic", "OCN"),  # not Atlantic, Iowa
        ("Rain fell across England.", "England", "ADM1"),  # a part of the United Kingdom, not all of it
    ],
)
def test_regions_oceans_and_home_nations(gazetteer, text: str, name: str, code: str) -> None:
    start = text.index(name)
    (t,) = resolve([Toponym(start, start + len(name), name, "GOLD")], GazetteerGeocoder(gazetteer), gazetteer)
    assert t.place is not None and t.place.feature_code == code


# -- resolution: neighbours, one sense per article, names inside names --------------------------------


def gold(text: str, *names: str) -> list[Toponym]:
    spans, pos = [], 0
    for n in names:
        start = text.index(n, pos)
        pos = start + len(n)
        spans.append(Toponym(start, pos, n, "GOLD"))
    return spans


def town(idx: int, name: str, lat: float, lon: float, admin1: str, code: str = "PPL", pop: int = 2000) -> Place:
    return Place(
        idx=idx,
        geonameid=None,
        name=name,
        latitude=lat,
        longitude=lon,
        feature_class="A" if code.startswith("ADM") else "P",
        feature_code=code,
        country_code="US",
        admin1=admin1,
        admin2="",
        population=pop,
    )


def test_small_towns_named_together_are_neighbours() -> None:
    from collections import Counter

    from dashboard.geo.toponyms import Context, co_support, rank

    paris_mo, paris_tx = town(1, "Paris", 39.48, -92.0, "Missouri"), town(2, "Paris", 33.66, -95.56, "Texas", pop=25000)
    holliday_mo, holliday_tx = (
        town(3, "Holliday", 39.49, -92.13, "Missouri"),
        town(4, "Holliday", 33.82, -98.7, "Texas"),
    )
    missouri = town(5, "Missouri", 38.25, -92.5, "Missouri", code="ADM1", pop=6_000_000)
    support = co_support(
        {"paris": [paris_tx, paris_mo], "holliday": [holliday_mo, holliday_tx], "missouri": [missouri]}
    )
    # Paris and Holliday, Missouri are 11 km apart and inside the Missouri the story names.
    assert support == {1: 2, 3: 2, 5: 2}
    ranked = rank([paris_tx, paris_mo], "paris", Context(Counter(), support=support))
    assert ranked[0][0] is paris_mo, "the neighbours outweigh a larger namesake"


def test_famous_pair_is_not_pulled_to_obscure_neighbours(gazetteer) -> None:
    text = "Flights between Paris and London were cancelled."
    tops = resolve(gold(text, "Paris", "London"), GazetteerGeocoder(gazetteer), gazetteer, text=text)
    assert [t.place.country_code for t in tops] == ["FR", "GB"]


def test_one_sense_per_article(gazetteer) -> None:
    text = "Police in London, Ontario, said the London rally was peaceful."
    tops = resolve(gold(text, "London", "Ontario", "London"), GazetteerGeocoder(gazetteer), gazetteer, text=text)
    assert [(t.place.country_code, t.place.admin1) for t in (tops[0], tops[2])] == [("CA", "Ontario")] * 2


@pytest.mark.parametrize(
    "name, inner",
    [
        ("Karak district", "Karak"),
        ("Vancouver Art Gallery", "Vancouver"),
        ("North London", "London"),
        ("University of Manitoba", "Manitoba"),
        ("Republic of Armenia", "Armenia"),
        ("Bob Wills Museum", None),
        ("Xyzzy Qux", None),
        ("Tijuana River", "Tijuana"),
        ("European Commission", "European"),
        ("Mexican Senate", "Mexico"),
        ("US Federal Reserve", "US"),
        ("Us Weekly Magazine", None),
    ],
)
def test_contained_name(gazetteer, name: str, inner: str | None) -> None:
    from dashboard.geo.toponyms import contained_name

    assert contained_name(name, gazetteer) == inner


def test_country_initials_tagged_as_an_organisation(nlp, gazetteer) -> None:
    from dashboard.geo.toponyms import recognize

    doc = with_entities(nlp, "Officials from the EU and the UN met.", [("EU", "ORG"), ("UN", "ORG")])
    assert [t.text for t in recognize(doc, gazetteer)] == ["EU"], "the UN is no country"


def test_proper_noun_without_an_entity(nlp, gazetteer) -> None:
    from dashboard.geo.toponyms import recognize

    doc = with_entities(nlp, "Talks on Ukraine resumed on Monday, the ministry said.", [])
    assert [t.text for t in recognize(doc, gazetteer)] == ["Ukraine"]


def test_common_word_in_an_organisation_name_is_not_a_place(nlp, gazetteer) -> None:
    from dashboard.geo.toponyms import recognize

    text = "The Business Centre opened downtown; the centre employs forty people."
    doc = with_entities(nlp, text, [("The Business Centre", "ORG")])
    assert recognize(doc, gazetteer) == []


def test_provinces_carry_their_geonames_ids(gazetteer) -> None:
    assert gazetteer.admin1_place("SY", "Idlib").geonameid == 169387
    (alberta,) = [p for p in gazetteer.lookup("Alberta") if p.feature_code == "ADM1"]
    assert alberta.geonameid == 5883102


# -- untrusted matches --------------------------------------------------------------------------------


def place(name: str, country: str, code: str = "PPL", pop: int = 200_000) -> Place:
    return Place(
        idx=0,
        geonameid=None,
        name=name,
        latitude=0.0,
        longitude=0.0,
        feature_class="A" if code.startswith("ADM") or code == "PCLI" else "P",
        feature_code=code,
        country_code=country,
        admin1="",
        admin2="",
        population=pop,
    )


@pytest.mark.parametrize(
    "cand, key, others, untrusted",
    [
        # Only an alternate name ties the town to the text, and the document names its country nowhere else.
        (place("Gaborone", "BW", "PPLC"), "jibrin", {"SY": 9}, True),
        (place("Curitiba", "BR", pop=1_900_000), "qurtuba", {"SY": 7}, True),
        # The same alternate name is trusted where the document names the country.
        (place("Curitiba", "BR"), "qurtuba", {"SY": 7, "BR": 1}, False),
        # Its own name (or its first words) is trusted anywhere, as are countries' many names.
        (place("Heeswijk", "NL", pop=600), "heeswijk", {"SY": 3}, False),
        (place("Clacton-on-Sea", "GB"), "clacton", {"US": 2}, False),
        (place("Ar Raqqah", "SY", "PPLA"), "raqqa", {"US": 2}, False),  # its own name, one letter apart
        (place("United States", "US", "PCLI"), "u s", {"SY": 5}, False),
        # No other country evidence: nothing contradicts the match.
        (place("Curitiba", "BR"), "qurtuba", {}, False),
        # A province's abbreviation.
        (place("British Columbia", "CA", "ADM1"), "b c", {"US": 2}, False),
        # Bare generic words need the place's own name and a country the document names.
        (place("East", "CM", "ADM1"), "east", {"SY": 4}, True),
        (place("Northern", "ZM", "ADM1"), "northern province", {"SY": 4, "ZM": 1}, True),
        (place("Oakville", "US"), "city", {"SY": 4, "US": 3}, True),
        (place("East", "CM", "ADM1"), "east", {"SY": 4, "CM": 1}, False),
        # A division by its own name and its kind, in a document whose other names point elsewhere.
        (place("Paktika", "AF", "ADM1"), "paktika province", {"FR": 1}, False),
        (place("Poltava", "UA", "ADM1"), "poltava oblast", {"RU": 2}, False),
        # The kind word does not make an alternate name the place's own, nor a town a division.
        (place("Gaborone", "BW", "PPLC"), "jibrin province", {"SY": 9}, True),
        (place("Poltava", "UA"), "poltava oblast", {"RU": 2}, True),
    ],
)
def test_untrusted_match(cand: Place, key: str, others: dict, untrusted: bool) -> None:
    from collections import Counter

    from dashboard.geo.toponyms import untrusted_match

    assert untrusted_match(cand, key, Counter(others)) is untrusted


def test_foreign_alternate_name_is_not_placed_by_its_name(gazetteer) -> None:
    # Somewhere in Syria the gazetteer does not know by this name; a foreign town bears it as a
    # translation. The story's town is a better guess than the wrong continent.
    text = "Warplanes bombed Aleppo and Homs in Syria, and the towns of Jibrin and Qurtuba."
    tops = resolve(
        gold(text, "Aleppo", "Homs", "Syria", "Jibrin", "Qurtuba"), GazetteerGeocoder(gazetteer), gazetteer, text=text
    )
    assert [t.place.country_code for t in tops] == ["SY"] * 5
    assert [t.fallback for t in tops] == [False, False, False, True, True]
    assert tops[3].place == tops[1].place and tops[3].score == 0.0, "at Homs, the town named nearest"


def test_generic_word_is_not_a_foreign_province(gazetteer) -> None:
    text = "Fighting raged in Aleppo's Northern Province and east of Homs, Syria."
    tops = resolve(
        gold(text, "Aleppo", "Northern Province", "Homs", "Syria"), GazetteerGeocoder(gazetteer), gazetteer, text=text
    )
    assert tops[1].fallback and tops[1].place.country_code == "SY", "not Sierra Leone's Northern Province"
    assert tops[2].place.country_code == "SY"


def test_only_the_capital_is_the_capital(gazetteer) -> None:
    capitals = [p for p in gazetteer.lookup("Washington") if p.feature_code == "PPLC" and p.country_code == "US"]
    # Filed under the name its first-level division bears in the province source.
    assert [p.admin1 for p in capitals] == ["District of Columbia"]


def test_geoparse_leaves_focus_guesses_unplaced_for_events(nlp, gazetteer) -> None:
    # resolve() places Jibrin at the story's town (a geoparser's best guess); geoparse(), which feeds
    # the event extractor, leaves it unplaced: a guess from the focus must not locate an event.
    text = "Warplanes bombed Aleppo and Homs in Syria, and the town of Jibrin."
    tops = {t.text: t for t in geoparsed(nlp, gazetteer, text)}
    assert tops["Aleppo"].place is not None
    assert tops["Jibrin"].fallback and tops["Jibrin"].place is None


def test_name_found_by_the_place_inside_it_matches_that_place_by_name(gazetteer) -> None:
    # "Riverdale" is an alternate name of Glendale, California (200,000 people) but the own name of
    # several Riverdales: one of those is meant, not the larger town that is merely also called so.
    text = "A rally at Riverdale Lukoil drew hundreds."
    s = text.index("Riverdale")
    (top,) = resolve([Toponym(s, s + 16, text[s : s + 16], "GOLD")], GazetteerGeocoder(gazetteer), gazetteer, text=text)
    assert top.place.name == "Riverdale"


def test_two_countries_side_by_side_are_a_list_not_a_containment(gazetteer) -> None:
    text = "His reports on entanglements in Russia, U.S. officials said, were credible. Idlib, Syria was shelled."
    tops = resolve(gold(text, "Russia", "U.S.", "Idlib", "Syria"), GazetteerGeocoder(gazetteer), gazetteer, text=text)
    assert [(t.place.country_code, t.place.feature_code) for t in tops[:2]] == [("RU", "PCLI"), ("US", "PCLI")]
    assert tops[2].place.country_code == "SY", "a town before its country is still inside it"


# -- far-away namesakes of local places ---------------------------------------------------------------


def test_a_spelling_blind_match_must_start_like_the_name(gazetteer) -> None:
    # The consonant skeleton of "Mesraba" is Musselburgh's; the two names do not even start alike.
    text = (
        "Regime shelling on the Mesraba area of Eastern Ghouta near Douma in Syria killed three, the "
        "Britain-based monitor said."
    )
    tops = resolve(
        gold(text, "Mesraba", "Douma", "Syria", "Britain"), GazetteerGeocoder(gazetteer), gazetteer, text=text
    )
    assert tops[0].place is None or tops[0].place.country_code == "SY"
    assert all(p.country_code != "GB" for p, _ in tops[0].alternatives)


def test_a_name_with_and_without_its_article_is_not_its_own_evidence(gazetteer) -> None:
    from dashboard.geo.toponyms import self_key

    assert self_key("al karima") == self_key("karima") == "karima"
    assert self_key("alma ata") == "alma ata"
    # "al-Karima" and "Karima" name one village the gazetteer lacks; their one namesake is in Sudan.
    text = "The army took al-Karima town in Hama in Syria. The victory in Karima opens the road to Homs."
    tops = resolve(
        gold(text, "al-Karima", "Hama", "Syria", "Karima", "Homs"), GazetteerGeocoder(gazetteer), gazetteer, text=text
    )
    assert all(t.place is None or t.place.country_code == "SY" for t in tops)


@pytest.mark.parametrize(
    "text, name, minor",
    [
        ("shelling reached the village of Hatla before dawn", "Hatla", True),
        ("a market in the neighborhood of Fardos", "Fardos", True),
        ("fighting near Katarko village", "Katarko", True),
        ("the Salihiah neighbourhood of Hasakeh city", "Hasakeh", False),
        ("the Aleppo neighbourhood of Salaheddin", "Aleppo", False),
        ("the District of Columbia", "Columbia", False),
    ],
)
def test_called_minor(text: str, name: str, minor: bool) -> None:
    from dashboard.geo.toponyms import called_minor

    (t,) = gold(text, name)
    assert called_minor(t, text) is minor


def test_a_village_is_not_a_town_abroad_in_a_country_never_named(gazetteer) -> None:
    # Hatla is an alternate name of Hatta, India (32,000 people); the text calls it a village in Syria.
    # The story is about several countries, so no one of them makes every foreign town suspect.
    text = (
        "Russian jets struck near the village of Hatla in Deir ez-Zor, Syria, the Russian ministry said, "
        "as Iraq and the US watched."
    )
    tops = resolve(
        gold(text, "Russian", "Hatla", "Deir ez-Zor", "Syria", "Russian", "Iraq", "US"),
        GazetteerGeocoder(gazetteer),
        gazetteer,
        text=text,
    )[1:]
    assert tops[0].place is None or tops[0].place.country_code == "SY"
    # Where the document names the country, the same village may be there.
    text = "Floods hit the village of Hatta in Madhya Pradesh, India. Rescuers reached Bhopal."
    tops = resolve(
        gold(text, "Hatta", "Madhya Pradesh", "India", "Bhopal"), GazetteerGeocoder(gazetteer), gazetteer, text=text
    )
    assert tops[0].place is not None and tops[0].place.country_code == "IN"


def test_a_town_inside_a_longer_unknown_name_is_not_placed_abroad(nlp, gazetteer) -> None:
    # "Turkmen Bari" is a Syrian village; Bari alone is the Italian city.
    text = "Jets struck positions around Akhtarin Turkmen Bari and Dabiq in the north of Syria on Friday."
    tops = geoparsed(nlp, gazetteer, text)
    assert all(t.place is None or t.place.country_code != "IT" for t in tops)


def test_offline_candidates_are_the_gazetteers_places_without_a_geopy_round_trip(gazetteer, monkeypatch) -> None:
    """The offline path hands the gazetteer's own Places to the ranker: no Location is built and taken apart."""
    import dashboard.geo.geocoder as geocoder_module

    def no_location(*args, **kwargs):
        raise AssertionError("the offline path built a geopy Location")

    monkeypatch.setattr(geocoder_module, "place_to_location", no_location)
    places = candidates("Idlib", GazetteerGeocoder(gazetteer), gazetteer)
    assert places and set(places) == set(gazetteer.lookup("Idlib"))


def test_press_and_geonames_spellings_of_name_words_meet() -> None:
    # "Tal"/"Tell" and "Tall", "Ain" and "Ayn": the same Arabic word, written two ways.
    assert "tall rifat" in variants("tel rifat")
    assert "ras al ayn" in variants("ras al ain")
    assert variants("ain") == ["ain"] and variants("tell") == ["tell"]  # alone, another place's name


def test_a_namesake_known_only_by_an_alternate_name_gives_way_to_the_local_town(nlp, gazetteer) -> None:
    from dashboard.rules import Switches

    text = "Shelling hit Ras al-Ain, a Syrian town near the Turkish border, on Sunday. Syria denied it."
    gc = GazetteerGeocoder(gazetteer)
    found = {t.text: t.place for t in geoparse(nlp(text), gc, gazetteer)}
    assert found["Ras al-Ain"] is not None and found["Ras al-Ain"].country_code == "SY"
    off = {t.text: t.place for t in geoparse(nlp(text), gc, gazetteer, Switches.parse("resolution.own_name_runner_up"))}
    assert off["Ras al-Ain"] is None or off["Ras al-Ain"].country_code != "SY"


def test_a_name_cut_at_its_glued_article_is_recognised_whole(nlp, gazetteer) -> None:
    # The small model tags only "Deir" of a name written with a sun-letter article ("ez-", "esh-").
    text = "Convoys left Deir ez-Zor and Homs overnight."
    (deir,) = resolved(geoparsed(nlp, gazetteer, text), "Deir ez-Zor")
    assert (deir.place.country_code, deir.place.feature_class) == ("SY", "P")
    off = geoparse(
        nlp(text), GazetteerGeocoder(gazetteer), gazetteer, switches=Switches.parse("recognition.whole_name")
    )
    assert [t.text for t in off] == ["Homs"]


def test_a_name_cut_before_province_grows_over_the_word(nlp, gazetteer) -> None:
    # The model tags "Hasakeh" alone before "province where…"; the gazetteer spells "Hasakeh" only as
    # the town (Al Ḩasakah), so the name alone would be the town, not the province the text says.
    text = (
        "A roadside bomb killed two soldiers near the village of Tell Sabeen in Hasakeh province where the army "
        "holds a checkpoint."
    )
    tops = geoparsed(nlp, gazetteer, text)
    assert [(t.text, t.place.feature_code) for t in tops if t.place] == [("Hasakeh province", "ADM1")]
    off = geoparse(
        nlp(text), GazetteerGeocoder(gazetteer), gazetteer, switches=Switches.parse("recognition.province_word")
    )
    # Cut, the name is still called a province: `resolution.region_of_city` gives the town's province.
    assert [(t.text, t.place.feature_code) for t in off if t.place] == [("Hasakeh", "ADM1")]
    both = Switches.parse("recognition.province_word,resolution.region_of_city")
    off = geoparse(nlp(text), GazetteerGeocoder(gazetteer), gazetteer, switches=both)
    assert [(t.text, t.place.feature_code) for t in off if t.place] == [("Hasakeh", "PPL")]


def test_a_plural_province_word_after_a_list_makes_each_name_a_province(nlp, gazetteer) -> None:
    text = "Drought hit farms in Idlib and Homs provinces, officials said."
    tops = geoparsed(nlp, gazetteer, text)
    assert {t.text: t.place.feature_code for t in tops} == {"Idlib": "ADM1", "Homs": "ADM1"}
    off = geoparse(
        nlp(text), GazetteerGeocoder(gazetteer), gazetteer, switches=Switches.parse("resolution.listed_provinces")
    )
    assert {t.text: t.place.feature_code for t in off} == {"Idlib": "PPL", "Homs": "ADM1"}


def test_a_province_named_by_its_direction_holds_the_towns_filed_under_its_other_form() -> None:
    # One source writes the direction as an adjective, the other as a noun: one province either way.
    from dashboard.geo.gazetteer_admin1 import one_admin1_name

    b = _FakeBuilder(
        ["South Ardenna", "Lintow", "North Bay", "Northern Bay", "Kellan"],
        ["ADM1", "PPL", "ADM1", "ADM1", "PPL"],
        ["XA", "XA", "XB", "XB", "XB"],
        ["South Ardenna", "Southern Ardenna", "North Bay", "Northern Bay", "Northern Bay"],
    )
    one_admin1_name(b, [])
    # Lintow's province is "South Ardenna"; Kellan's stays as filed: its country has both forms.
    assert b.cols["admin1"] == ["South Ardenna", "South Ardenna", "North Bay", "Northern Bay", "Northern Bay"]


def test_a_province_whose_name_starts_with_the_city_tables_holds_its_towns_and_that_name() -> None:
    # The city table gives the English name ("Varnek"), the province table its own language's
    # ("Varnekska"), or a transliteration shorter by a letter; two provinces it could be: neither.
    from dashboard.geo.gazetteer_admin1 import one_admin1_name

    b = _FakeBuilder(
        ["Varnekska", "Lodz", "Tarkovo", "Tarkova", "Orel", "Mirnaya", "Mirnayska", "Dubno"],
        ["ADM1", "PPL", "ADM1", "ADM1", "PPL", "ADM1", "ADM1", "PPL"],
        ["XA", "XA", "XA", "XA", "XA", "XA", "XA", "XA"],
        ["Varnekska", "Varnek", "Tarkovo", "Tarkova", "Tarkov", "Mirnaya", "Mirnayska", "Mirna"],
        [0, 5000, 0, 0, 700, 0, 0, 300],
    )
    one_admin1_name(b, [])
    assert b.cols["admin1"] == [
        "Varnekska",
        "Varnekska",
        "Tarkovo",
        "Tarkova",
        "Tarkov",
        "Mirnaya",
        "Mirnayska",
        "Mirna",
    ]
    assert b.aliases == [(0, "Varnek")]  # "the Varnek region" finds the province
    assert b.cols["population"][0] == 5000  # and it takes its towns' people


def test_a_name_a_town_bears_as_another_name_is_not_given_to_its_province() -> None:
    # The town is "Varnekov", also called "Varnek": "Varnek" alone must stay the town's.
    from dashboard.geo.gazetteer_admin1 import one_admin1_name

    b = _FakeBuilder(["Varnekska", "Varnekov"], ["ADM1", "PPL"], ["XA", "XA"], ["Varnekska", "Varnek"], [0, 9000])
    b.names.setdefault("varnek", []).append(1)
    one_admin1_name(b, [])
    assert b.cols["admin1"] == ["Varnekska", "Varnekska"] and b.aliases == []


def test_a_province_the_city_table_names_with_a_division_word_or_another_spelling_holds_its_towns() -> None:
    # "Muhafazat Delmo" is Delmo without the word for a governorate; "Noorawa" is "Nuraveh" spelled
    # otherwise (the same consonants), and its towns lie nearest Nuraveh's point. "Tessin" spells
    # no province; "Delmo" spelled "Dalma" lies by Nuraveh: not Delmo's towns, whatever the spelling.
    from dashboard.geo.gazetteer_admin1 import one_admin1_name

    b = _FakeBuilder(
        ["Nuraveh", "Delmo", "Kesh", "Abra", "Ost", "Lim", "Varo"],
        ["ADM1", "ADM1", "PPL", "PPL", "PPL", "PPL", "PPL"],
        ["XC"] * 7,
        ["Nuraveh", "Delmo", "Muhafazat Delmo", "Noorawa", "Noorawa", "Tessin", "Dalma"],
        [0, 0, 400, 900, 100, 50, 70],
        latitude=[10.0, 20.0, 20.2, 10.3, 9.8, 15.0, 10.1],
        longitude=[10.0, 20.0, 19.9, 10.2, 10.1, 15.0, 9.9],
    )
    one_admin1_name(b, [])
    assert b.cols["admin1"] == ["Nuraveh", "Delmo", "Delmo", "Nuraveh", "Nuraveh", "Tessin", "Dalma"]
    assert b.cols["population"][:2] == [1000, 400]  # each province takes its towns' people
    assert (0, "Noorawa") in b.aliases  # "Noorawa province" finds it


def test_a_province_holding_towns_under_its_own_name_takes_no_others_by_spelling() -> None:
    # "Kelva" is filed under its province's own name; "Kalvi", spelled alike, is another division.
    from dashboard.geo.gazetteer_admin1 import one_admin1_name

    b = _FakeBuilder(
        ["Kelva", "Rusk", "Tamm"],
        ["ADM1", "PPL", "PPL"],
        ["XC"] * 3,
        ["Kelva", "Kelva", "Kalvi"],
        latitude=[5.0, 5.1, 5.2],
        longitude=[5.0, 5.1, 5.2],
    )
    one_admin1_name(b, [])
    assert b.cols["admin1"] == ["Kelva", "Kelva", "Kalvi"]


def test_a_town_in_a_province_the_city_table_spells_otherwise_is_found_there(nlp, gazetteer) -> None:
    # GeoNames' city table files Sinjar under "Ninawa", its province table names "Nineveh": the town
    # was looked for in a province holding no town, and lost.
    (town,) = resolved(
        geoparsed(nlp, gazetteer, "Rockets fell on Sinjar in Nineveh province on Tuesday, police said."), "Sinjar"
    )
    assert (town.place.country_code, town.place.admin1) == ("IQ", "Nineveh")


class _FakeBuilder:
    """The columns and aliases of the gazetteer's builder that gazetteer_admin1 reads and writes."""

    def __init__(self, names, codes, countries, admin1, population=None, latitude=None, longitude=None) -> None:
        self.cols = {
            "name": names,
            "feature_code": codes,
            "feature_class": ["A" if c.startswith("ADM") else "P" for c in codes],
            "country_code": countries,
            "admin1": admin1,
            "population": population or [0] * len(names),
            "latitude": latitude or [0.0] * len(names),
            "longitude": longitude or [0.0] * len(names),
        }
        self.aliases: list[tuple[int, str]] = []
        self.names: dict[str, list[int]] = {}
        for i, name in enumerate(names):
            self.names.setdefault(name.lower(), []).append(i)

    def alias(self, i: int, name: str) -> None:
        self.aliases.append((i, name))


def test_a_town_in_a_province_named_by_its_direction_is_found_there(nlp, gazetteer) -> None:
    (town,) = resolved(
        geoparsed(nlp, gazetteer, "Gunmen killed two traders in Kadugli in South Kordofan on Friday."), "Kadugli"
    )
    assert town.place.feature_code == "PPL" and town.place.admin1 == "South Kordofan"


def test_a_bare_capital_with_another_article_is_still_the_city(nlp, gazetteer) -> None:
    # The province is spelled "Al-Raqqah", the city "Ar Raqqah": without "province" the city is meant.
    (raqqa,) = resolved(geoparsed(nlp, gazetteer, "Sirens sounded in Raqqa on Friday night."), "Raqqa")
    assert raqqa.place.feature_class == "P"
    (prov,) = resolved(geoparsed(nlp, gazetteer, "Sirens sounded across Raqqa province on Friday."), "Raqqa")
    assert prov.place.feature_code == "ADM1"


def test_towns_are_filed_under_the_name_their_province_bears(gazetteer) -> None:
    # The city source spells some provinces otherwise than the province source ("Rif-dimashq",
    # "Ar-Raqqah"); each town carries its province's own name, and the province its towns' people.
    provinces = {
        gazetteer.cols["name"][i]
        for i in range(len(gazetteer))
        if gazetteer.cols["country_code"][i] == "SY" and gazetteer.cols["feature_code"][i] == "ADM1"
    }
    towns = {
        gazetteer.cols["admin1"][i]
        for i in range(len(gazetteer))
        if gazetteer.cols["country_code"][i] == "SY"
        and gazetteer.cols["feature_class"][i] == "P"
        and gazetteer.cols["admin1"][i]
    }
    assert towns <= provinces
    raqqa = gazetteer.admin1_place("SY", "Al-Raqqah")
    assert raqqa is not None and raqqa.population > 100_000


def test_the_cache_keeps_a_few_other_index_versions(tmp_path: Path) -> None:
    # Two installs sharing one cache must not delete each other's index on every start.
    import os

    from dashboard.geo.gazetteer_cache import KEEP_VERSIONS, _write_pickle

    for k in range(5):
        old = tmp_path / f"gazetteer-old{k}.pickle"
        old.write_bytes(b"x")
        os.utime(old, (1_000_000 + k, 1_000_000 + k))
    _write_pickle({"an": "index"}, tmp_path / "gazetteer-new.pickle", "gazetteer-*.pickle")  # type: ignore[arg-type]
    left = sorted(p.name for p in tmp_path.glob("gazetteer-*.pickle"))
    assert len(left) == KEEP_VERSIONS
    assert left == ["gazetteer-new.pickle", "gazetteer-old3.pickle", "gazetteer-old4.pickle"]


def test_a_compass_adjective_of_two_directions_is_no_place_name() -> None:
    from dashboard.geo.names import is_generic_name

    assert is_generic_name("northwestern") and is_generic_name("southeastern province")
    assert not is_generic_name("northwestern general clinic")


def test_a_name_ending_in_sea_is_the_water_unless_a_division_word_follows(nlp, gazetteer) -> None:
    # Sudan's and Egypt's "Red Sea" provinces bear the sea's name and outweigh it by their people.
    text = "A tanker was struck by a drone in the Red Sea on Sunday."
    (sea,) = resolved(geoparsed(nlp, gazetteer, text), "Red Sea")
    assert sea.place.feature_code == "SEA"
    off = geoparse(nlp(text), GazetteerGeocoder(gazetteer), gazetteer, Switches.parse("resolution.water_first"))
    assert [t.place.feature_code for t in off if t.text == "Red Sea"] == ["ADM1"]
    (state,) = resolved(geoparsed(nlp, gazetteer, "Floods cut roads in Red Sea state on Sunday."), "Red Sea")
    assert state.place.feature_code == "ADM1"


def test_a_region_named_after_its_centre_is_the_province_a_small_towns_is_the_town(nlp, gazetteer) -> None:
    # No province is called "Odesa" (GeoNames: "Odeska"); the city holds two fifths of its people.
    text = "Drones hit a fuel depot in the Odesa region overnight."
    (region,) = resolved(geoparsed(nlp, gazetteer, text), "Odesa")
    assert (region.place.feature_code, region.place.name) == ("ADM1", "Odeska")
    off = geoparse(nlp(text), GazetteerGeocoder(gazetteer), gazetteer, Switches.parse("resolution.region_of_city"))
    assert [t.place.feature_class for t in off if t.text == "Odesa"] == ["P"]
    (town,) = resolved(geoparsed(nlp, gazetteer, "Shells fell across the Bakhmut region overnight."), "Bakhmut")
    assert town.place.feature_class == "P"
    # A city's district is a quarter of the city, not its province.
    (city,) = resolved(geoparsed(nlp, gazetteer, "A car bomb exploded in an Odesa district on Monday."), "Odesa")
    assert city.place.feature_class == "P"


def test_the_people_a_story_names_point_to_their_country(nlp, gazetteer) -> None:
    # "Palestinians" names people, no place, yet says the story is about Palestine: Jenin is the West
    # Bank town (GeoNames' "Janīn"), not the Polish village that bears "Jenin" as its own name.
    text = "Soldiers entered Jenin at dawn and detained two Palestinians, witnesses said."
    (town,) = resolved(geoparsed(nlp, gazetteer, text), "Jenin")
    assert town.place.country_code == "PS"
    off = geoparse(nlp(text), GazetteerGeocoder(gazetteer), gazetteer, Switches.parse("resolution.people_countries"))
    assert [t.place.country_code for t in off if t.text == "Jenin" and t.place] != ["PS"]
    assert "Palestinians" not in [t.text for t in geoparsed(nlp, gazetteer, text)]
