"""Ranking rules of toponym resolution, on hand-made places (no gazetteer needed)."""

from __future__ import annotations

from collections import Counter

import pytest

from dashboard.geo.gazetteer import Place
from dashboard.geo.resolution import _gather
from dashboard.geo.toponyms import Context, Toponym, anchors_besides, rank


def place(
    idx: int, name: str, lat: float, lon: float, cc: str, code: str = "PPL", pop: int = 2000, admin1: str = ""
) -> Place:
    return Place(
        idx=idx,
        geonameid=None,
        name=name,
        latitude=lat,
        longitude=lon,
        feature_class="A" if code.startswith(("ADM", "PCL")) else "P",
        feature_code=code,
        country_code=cc,
        admin1=admin1,
        admin2="",
        population=pop,
    )


LONDON_GB = place(1, "London", 51.51, -0.13, "GB", "PPLC", 8_961_989, "England")
LONDON_OH = place(2, "London", 39.89, -83.45, "US", pop=10_060, admin1="Ohio")
LONDON_ON = place(3, "London", 42.98, -81.23, "CA", pop=422_324, admin1="Ontario")


def test_a_name_is_not_its_own_anchor() -> None:
    anchors = [("london", 51.51, -0.13), ("st thomas", 42.78, -81.19)]
    assert anchors_besides(anchors, "london") == ((42.78, -81.19),)
    assert anchors_besides(anchors, "aleppo") == ((51.51, -0.13), (42.78, -81.19))


def test_country_alone_does_not_turn_a_world_city_into_a_village() -> None:
    # A story about the United States and nothing near Ohio: "London" is still London, England.
    ctx = Context(Counter({"US": 4.0}))
    assert rank([LONDON_GB, LONDON_OH], "london", ctx)[0][0] is LONDON_GB


def test_local_evidence_still_picks_the_village() -> None:
    # With a town placed beside it, the village wins as before.
    ctx = Context(Counter({"US": 4.0}), anchors=((39.95, -83.0),))
    assert rank([LONDON_GB, LONDON_OH], "london", ctx)[0][0] is LONDON_OH


def test_a_large_namesake_is_not_overshadowed() -> None:
    # London, Ontario (422,000 people) is no village: the story's country is enough for it.
    ctx = Context(Counter({"CA": 3.0, "SY": 2.5}))
    assert rank([LONDON_GB, LONDON_ON], "london", ctx)[0][0] is LONDON_ON


def test_a_later_round_corrects_guesses_without_adding_names() -> None:
    edmonton_ca = place(10, "Edmonton", 53.55, -113.47, "CA", pop=1_010_899)
    edmonton_gb = place(11, "Edmonton", 51.62, -0.06, "GB", pop=82_000)
    enfield_us = place(12, "Enfield", 41.98, -72.59, "US", pop=45_212)
    enfield_gb = place(13, "Enfield", 51.65, -0.08, "GB", pop=156_858)
    tops = [Toponym(0, 8, "Edmonton", "GOLD"), Toponym(13, 20, "Enfield", "GOLD")]
    ranked = {0: [(edmonton_ca, 9.0), (edmonton_gb, 6.4)], 1: [(enfield_us, 8.0), (enfield_gb, 7.9)]}
    first = _gather(tops, ranked, None, Counter())
    assert first.counted == {0} and first.countries == Counter({"CA": 0.5})
    # In context both are London's; only Edmonton counted before, so only it counts now, for England.
    second = _gather(
        tops,
        {0: [(edmonton_gb, 10.5), (edmonton_ca, 9.0)], 1: [(enfield_gb, 9.0), (enfield_us, 5.0)]},
        first.counted,
        Counter(),
    )
    assert second.countries == Counter({"GB": 0.5})
    assert [k for k, _, _ in second.anchors] == ["edmonton", "enfield"], "a clear winner anchors in every round"


def test_a_name_without_candidates_goes_to_the_nearest_town_named() -> None:
    from dashboard.geo.toponyms import nearest_town

    new_orleans = place(20, "New Orleans", 29.95, -90.07, "US", pop=389_617, admin1="Louisiana")
    baton_rouge = place(22, "Baton Rouge", 30.45, -91.15, "US", pop=228_590, admin1="Louisiana")
    towns = [
        Toponym(0, 11, "New Orleans", "GOLD", place=new_orleans),
        Toponym(200, 211, "Baton Rouge", "GOLD", place=baton_rouge),
    ]
    assert nearest_town(towns, 40) is new_orleans
    assert nearest_town(towns, 180) is baton_rouge
    assert nearest_town(towns, 100) is new_orleans, "the earlier on a tie"
    assert nearest_town([], 5) is None


def test_unknown_street_is_placed_in_the_story_town(gazetteer) -> None:
    from dashboard.geo.geocoder import GazetteerGeocoder
    from dashboard.geo.toponyms import resolve

    text = "In New Orleans, a house on Frenchmen Street burned; New Orleans firefighters came."
    spans = [
        (text.index("New Orleans"), text.index("New Orleans") + 11),
        (text.index("Frenchmen Street"), text.index("Frenchmen Street") + 16),
        (text.rindex("New Orleans"), text.rindex("New Orleans") + 11),
    ]
    tops = resolve(
        [Toponym(s, e, text[s:e], "GOLD") for s, e in spans], GazetteerGeocoder(gazetteer), gazetteer, text=text
    )
    assert tops[1].fallback and tops[1].place == tops[0].place and tops[0].place.admin1 == "Louisiana"
    assert not tops[0].fallback


def test_every_candidate_can_be_supported_not_only_the_pool() -> None:
    from dashboard.geo.toponyms import co_support

    paris_mo = place(30, "Paris", 39.48, -92.0, "US", admin1="Missouri")
    monroe_in = place(31, "Monroe County", 39.16, -86.52, "US", code="ADM2", pop=90_000, admin1="Indiana")
    monroe_mo = place(32, "Monroe County", 39.50, -92.0, "US", code="ADM2", pop=3_000, admin1="Missouri")
    pools = {"paris": [paris_mo], "monroe county": [monroe_in]}  # the small county is crowded out
    assert 32 not in co_support(pools)
    support = co_support(pools, {"paris": [paris_mo], "monroe county": [monroe_in, monroe_mo]})
    assert support.get(32) == 1 and 31 not in support


def test_sibling_provinces_support_a_province_as_one_name() -> None:
    from dashboard.geo.toponyms import co_support

    alaska = place(40, "Alaska", 64.0, -150.0, "US", code="ADM1", pop=700_000, admin1="Alaska")
    hawaii = place(41, "Hawaii", 20.8, -156.3, "US", code="ADM1", pop=1_400_000, admin1="Hawaii")
    georgia_us = place(42, "Georgia", 32.7, -83.4, "US", code="ADM1", pop=10_000_000, admin1="Georgia")
    georgia_ge = place(43, "Georgia", 42.0, 43.5, "GE", code="PCLI", pop=3_700_000)
    support = co_support({"alaska": [alaska], "hawaii": [hawaii], "georgia": [georgia_ge, georgia_us]})
    assert support[42] == 1, "all the other states count as one supporter"
    # Alaska's only sibling is Hawaii (Georgia's likeliest sense is the country): one is not a list.
    assert 40 not in support and 43 not in support


def test_hamlet_in_a_country_the_story_never_names_is_not_trusted() -> None:
    from dashboard.geo.trust import foreign_small_place

    ash = place(50, "Ash", 51.28, 1.28, "GB", pop=2_767)
    ashford = place(51, "Ashford", 51.15, 0.87, "GB", pop=74_204)
    several = Context(Counter({"US": 9.0, "SY": 6.5, "RU": 3.0}))  # no country has half the evidence
    assert foreign_small_place(ash, several)
    assert not foreign_small_place(ashford, several), "a town, not a hamlet, needs a one-country story"
    assert foreign_small_place(ashford, Context(Counter({"SY": 6.0, "US": 1.0})))
    assert not foreign_small_place(ash, Context(Counter({"GB": 1.0, "US": 1.0}))), "its country is named"


def test_a_region_across_countries_names_no_country_a_town_is_foreign_to() -> None:
    from dashboard.geo.trust import foreign_small_place

    town = place(52, "Baramulla", 34.2, 74.34, "IN", pop=71_000)
    # A story that names only a region across countries (counted under no code) is about no country.
    assert not foreign_small_place(town, Context(Counter({"": 0.5})))
    assert foreign_small_place(town, Context(Counter({"": 0.5, "PK": 2.0}))), "a country named besides it"


def test_a_story_split_evenly_between_two_countries_is_about_neither_alone() -> None:
    # A report on a town in one country that names talks in two others (one city each): no country
    # holds more than half of the evidence, so the town is no "village abroad"; a hamlet still is.
    from dashboard.geo.trust import foreign_small_place

    town = place(52, "Maarrat Misrin", 36.01, 36.67, "SY", pop=30_000)
    hamlet = place(53, "Kafr Hamra", 36.3, 37.1, "SY", pop=4_000)
    talks = Context(Counter({"KZ": 0.5, "CH": 0.5}))
    assert not foreign_small_place(town, talks)
    assert foreign_small_place(hamlet, talks)
    assert foreign_small_place(town, Context(Counter({"KZ": 1.0, "CH": 0.5})))


def test_the_first_words_of_a_towns_own_name_match_better_than_an_alternate_name() -> None:
    upon_tyne = place(60, "Newcastle upon Tyne", 54.98, -1.61, "GB", pop=300_125, admin1="England")
    county_down = place(61, "Newcastle", 54.22, -5.89, "GB", pop=7_444, admin1="Northern Ireland")
    assert rank([county_down, upon_tyne], "newcastle", Context(Counter({"GB": 2.0})))[0][0] is upon_tyne
    # A bare alternate name (a translation) still counts for less than the town's own name.
    translated = place(62, "Neuchâtel", 47.0, 6.93, "CH", pop=33_000)
    assert rank([county_down, translated], "newcastle", Context(Counter()))[0][0] is county_down


ALEPPO = place(10, "Aleppo", 36.20, 37.16, "SY", "PPLA", 2_098_210, "Aleppo")
ALEPPO_GOV = place(11, "Aleppo", 36.15, 37.39, "SY", "ADM1", 2_802_348, "Aleppo")
FERDOWS_IR = place(12, "Ferdows", 34.02, 58.17, "IR", pop=20_000, admin1="South Khorasan")
FERDOUS_SY = place(13, "Al Ferdous", 36.18, 37.15, "SY", pop=0, admin1="Aleppo")
BROOKLYN = place(14, "Brooklyn", 40.65, -73.95, "US", pop=2_300_000, admin1="New York")
NEW_YORK_STATE = place(15, "New York", 43.0, -75.5, "US", "ADM1", 19_000_000, "New York")


def _parts(text: str, names: list[str], places: list[Place | None], alternatives: list[list[Place]]) -> list[Toponym]:
    from dashboard.geo.toponyms import district_pairs, keep_parts_in_their_town

    tops = []
    for name, p, alts in zip(names, places, alternatives, strict=True):
        start = text.index(name)
        tops.append(Toponym(start, start + len(name), name, "GPE", place=p, alternatives=tuple((a, 1.0) for a in alts)))
    placed, _settled = keep_parts_in_their_town(tops, district_pairs(tops, text))
    return placed


def test_a_neighbourhood_of_a_named_town_is_in_that_town() -> None:
    text = "shells fell on the Ferdous neighbourhood of east Aleppo; by night Ferdous burned again"
    tops = _parts(text, ["Ferdous", "Aleppo"], [FERDOWS_IR, ALEPPO], [[FERDOWS_IR], [ALEPPO]])
    assert tops[0].place is None, "Ferdows in Iran is not a district of Aleppo"
    # A candidate inside the town is taken, whichever name comes first.
    text = "the east Aleppo district of Ferdous"
    tops = _parts(text, ["Aleppo", "Ferdous"], [ALEPPO, FERDOWS_IR], [[ALEPPO], [FERDOWS_IR, FERDOUS_SY]])
    assert tops[1].place is FERDOUS_SY and tops[0].place is ALEPPO
    # "Aleppo's Ferdous district"; and a province as the whole.
    text = "in Aleppo's Ferdous district"
    assert _parts(text, ["Aleppo", "Ferdous"], [ALEPPO_GOV, FERDOWS_IR], [[ALEPPO_GOV], [FERDOWS_IR]])[1].place is None


def test_a_part_inside_its_whole_and_a_plain_list_are_left_alone() -> None:
    text = "The Brooklyn neighborhood of New York was calm."
    tops = _parts(text, ["Brooklyn", "New York"], [BROOKLYN, NEW_YORK_STATE], [[BROOKLYN], [NEW_YORK_STATE]])
    assert tops[0].place is BROOKLYN
    text = "Ferdous, Aleppo and Homs were shelled."
    tops = _parts(text, ["Ferdous", "Aleppo"], [FERDOWS_IR, ALEPPO], [[FERDOWS_IR], [ALEPPO]])
    assert tops[0].place is FERDOWS_IR, "no district word: not a part of the town"


def test_toponyms_are_immutable_and_resolve_hands_on_new_records(gazetteer) -> None:
    """A caller's toponyms never change under it: resolution returns new records."""
    import dataclasses

    from dashboard.geo.geocoder import GazetteerGeocoder
    from dashboard.geo.toponyms import resolve

    given = Toponym(0, 6, "Aleppo", "GPE")
    with pytest.raises(dataclasses.FrozenInstanceError):
        given.place = None  # type: ignore[misc]
    (out,) = resolve([given], GazetteerGeocoder(gazetteer), gazetteer)
    assert out.place is not None and out.place.country_code == "SY"
    assert given.place is None and given.alternatives == ()


SULAYMANIYAH_IQ = place(16, "Sulaymaniyah", 35.56, 45.43, "IQ", pop=878_146, admin1="Sulaymaniyah")


def test_a_neighbourhood_named_like_a_city_abroad_is_the_smaller_name() -> None:
    # Both names could hold districts; the smaller one is the part, and Iraq's city is not in Aleppo.
    text = "rebels shelled the Sulaymaniyah neighbourhood of the Syrian city of Aleppo at dawn"
    tops = _parts(text, ["Sulaymaniyah", "Aleppo"], [SULAYMANIYAH_IQ, ALEPPO], [[SULAYMANIYAH_IQ], [ALEPPO]])
    assert tops[0].place is None and tops[1].place is ALEPPO
