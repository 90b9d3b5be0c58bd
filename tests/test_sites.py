"""Where an event happened: listed sites (`location.coordinated_sites`) and sites the gazetteer lacks
(`location.unlisted_site`), with examples written for these tests."""

from __future__ import annotations

import dataclasses
from datetime import date

import pandas as pd

from dashboard import schema as S
from dashboard.events.assemble import group_rows, same_sides
from dashboard.geo.gazetteer import UNLISTED_CODE, UNLISTED_CODES, UNLISTED_NEAR_VILLAGE_CODE
from dashboard.ingest.article import Article
from dashboard.rules import Switches

PUBLISHED = date(2020, 3, 4)


def rows_of(pipeline, text: str) -> pd.DataFrame:
    events = pipeline.run([Article(text=text, title="t", published=PUBLISHED)]).events
    for r in events.to_dict("records"):
        assert text[r[S.TOPONYM_START] : r[S.TOPONYM_END]] == r[S.TOPONYM]
    return events[events[S.RECORD_KIND] == "event"]


def without(pipeline, *ids: str):
    return dataclasses.replace(pipeline, switches=Switches.parse(",".join(ids)))


VILLAGES = (
    "Government jets bombed the villages of Kafr Zeitoun and Umm Tineh near Saraqib in Idlib province "
    "on Monday, killing four people."
)


def test_listed_villages_the_gazetteer_lacks_are_one_event_each(pipeline) -> None:
    ev = rows_of(pipeline, VILLAGES)
    assert ev[S.LOCATION].tolist() == ["Kafr Zeitoun", "Umm Tineh"]
    # "the villages of X and Y near Z": both called villages near Z (the code of a settlement of its own).
    assert set(ev[S.FEATURE_CODE]) == {UNLISTED_NEAR_VILLAGE_CODE}
    assert set(ev[S.ADMIN1]) == {"Idlib"} and set(ev[S.GEO_PRECISION]) == {2}
    # The toll is given for both villages together: it belongs to neither.
    assert ev[S.FATALITIES].isna().all()
    assert set(ev[S.EVENT_DATE]) == {pd.Timestamp("2020-03-02")}


def test_unlisted_sites_switch_off(pipeline) -> None:
    ev = rows_of(without(pipeline, "location.unlisted_site"), VILLAGES)
    assert not set(ev[S.FEATURE_CODE]) & UNLISTED_CODES


def test_listed_known_towns_are_one_event_each(pipeline) -> None:
    text = "Rebels shelled Saraqib and Ariha on Tuesday, killing three civilians."
    ev = rows_of(pipeline, text)
    assert len(ev) == 2 and set(ev[S.ADMIN1]) == {"Idlib"}
    assert ev[S.FATALITIES].isna().all()
    # The toll stays on record as shared by the listed sites, for the article's toll.
    assert ev[S.FATALITIES_SHARED].tolist() == [3, 3]
    one = rows_of(without(pipeline, "location.coordinated_sites"), text)
    assert len(one) == 1 and one[S.FATALITIES].tolist() == [3]


def test_a_name_placed_in_a_province_is_a_site(pipeline) -> None:
    ev = rows_of(pipeline, "Two civilians were killed by rocket fire on Tell Hawash in Hama countryside.")
    assert ev[S.LOCATION].tolist() == ["Tell Hawash"]
    assert ev[S.ADMIN1].tolist() == ["Hama"] and ev[S.FATALITIES].tolist() == [2]


def test_a_name_at_a_bearing_from_a_known_town_is_a_site_beside_it(pipeline) -> None:
    text = "Two car bombs exploded near Kafr Nabudah north of Hama on Sunday, killing six."
    ev = rows_of(pipeline, text)
    assert ev[S.LOCATION].tolist() == ["Kafr Nabudah"]
    assert ev[S.ADMIN1].tolist() == ["Hama"] and ev[S.GEO_PRECISION].tolist() == [2]
    assert ev[S.FEATURE_CODE].tolist() == [UNLISTED_CODE]


def test_villages_people_fled_from_are_not_sites(pipeline) -> None:
    ev = rows_of(
        pipeline,
        "Hundreds of families fled from the villages of Kafr Zeitoun and Umm Tineh to Idlib "
        "on Monday after air strikes.",
    )
    assert not set(ev[S.FEATURE_CODE]) & UNLISTED_CODES


def test_a_neighbourhood_is_coded_at_its_town(pipeline) -> None:
    ev = rows_of(pipeline, "Shells hit the Bustan neighbourhood of Aleppo on Sunday, wounding two children.")
    assert ev[S.LOCATION].tolist() == ["Aleppo"]


def test_opposite_sides_are_two_events(plain_row) -> None:
    rebels = plain_row(actor1="Rebel groups (Syria)", inter1=2, actor2="Civilians (Syria)", inter2=7)
    army = plain_row(actor1="Military Forces of Syria (2000-)", inter1=1, actor2="Civilians (Syria)", inter2=7)
    russia = plain_row(actor1="Military Forces of Russia", inter1=8)
    unknown = plain_row(actor1="Unidentified Armed Group (Syria)", inter1=3)
    assert not same_sides(rebels, army)
    assert same_sides(army, russia)  # Syrian or Russian jets: the same side, easily confused
    assert same_sides(rebels, unknown)  # no author named says nothing
    swapped = plain_row(actor1="Military Forces of Syria (2000-)", inter1=1, actor2="Rebel groups (Syria)", inter2=2)
    told_back = plain_row(actor1="Rebel groups (Syria)", inter1=2, actor2="Military Forces of Syria (2000-)", inter2=1)
    assert same_sides(swapped, told_back)
    rows = [dict(r, record_kind="event") for r in (rebels, army)]
    assert len(group_rows(rows)) == 2


def test_who_took_the_ground_decides_the_territory_sub_type() -> None:
    from dashboard.events.kinds import GOVERNMENT_REGAINS, NON_STATE_OVERTAKES, territory_by_side

    assert territory_by_side(NON_STATE_OVERTAKES, 1) == GOVERNMENT_REGAINS
    assert territory_by_side(GOVERNMENT_REGAINS, 2) == NON_STATE_OVERTAKES
    assert territory_by_side(GOVERNMENT_REGAINS, 8) == GOVERNMENT_REGAINS  # foreign forces: the verb stays
    assert territory_by_side("Armed clash", 1) == "Armed clash"


def test_an_unnamed_author_leaves_the_territory_sub_type(plain_row) -> None:
    from dashboard.events.assemble import merge_group
    from dashboard.events.kinds import GOVERNMENT_REGAINS

    row = plain_row(
        sub_event_type=GOVERNMENT_REGAINS,
        actor1="",
        inter1=None,
        inter2=None,
        record_kind="event",
        fatalities_text="",
        evidence="",
    )
    assert merge_group([row])[S.SUB_EVENT_TYPE] == GOVERNMENT_REGAINS
    rebels = dict(row, actor1="Rebel groups (Syria)", inter1=2)
    assert merge_group([rebels])[S.SUB_EVENT_TYPE] == "Non-state actor overtakes territory"


def test_a_province_that_names_its_town_is_its_container(pipeline) -> None:
    ev = rows_of(
        pipeline, "A car bomb killed nine people outside a bakery in the Idlib town of Saraqib late on Friday."
    )
    assert len(ev) == 1 and ev[S.FATALITIES].tolist() == [9]


def test_where_people_were_going_is_not_where_the_bomb_went_off(pipeline) -> None:
    ev = rows_of(
        pipeline,
        "A roadside bomb hit a bus near Saraqib on Monday. The bombing came as families waited "
        "to travel on to Hama, the province of Tartus or Latakia.",
    )
    assert ev[S.LOCATION].tolist() == ["Saraqib"]


def test_a_row_carries_the_ranked_candidates_of_the_toponym_that_places_it(pipeline) -> None:
    from dashboard.corrections import parse_alternatives

    ev = rows_of(pipeline, "Rebels shelled Saraqib and Ariha on Tuesday, killing three civilians.")
    for r in ev.to_dict("records"):
        alts = parse_alternatives(r[S.ALTERNATIVES])
        assert alts, r[S.LOCATION]
        assert (alts[0].name, alts[0].geonameid) == (r[S.LOCATION], r[S.GEONAMEID]), "best first: the place chosen"


def test_an_unlisted_site_keeps_the_candidates_the_geoparser_turned_down(pipeline) -> None:
    from dashboard.events.sites import unlisted_sites
    from dashboard.geo.toponym import Toponym, alternatives_json
    from dashboard.geo.toponyms import geoparse

    doc = pipeline.nlp(VILLAGES)
    start = VILLAGES.index("Umm Tineh")
    end = start + len("Umm Tineh")
    somewhere = pipeline.gazetteer.country("SY")
    assert somewhere is not None
    rejected = Toponym(start, end, "Umm Tineh", "GPE", alternatives=((somewhere, 0.5),))
    found = [t for t in geoparse(doc, pipeline.geocoder, pipeline.gazetteer) if (t.start, t.end) != (start, end)]
    sites = {t.text: t for t in unlisted_sites(doc, [*found, rejected])}
    assert sites["Umm Tineh"].place is not None and sites["Umm Tineh"].alternatives == ((somewhere, 0.5),)
    assert '"Syria"' in alternatives_json(sites["Umm Tineh"], pipeline.gazetteer)
    assert sites["Kafr Zeitoun"].alternatives == next(
        (t.alternatives for t in found if t.text == "Kafr Zeitoun"), ()
    ), "nothing invented for the other"


UNPUNCTUATED = (
    "Regime jets in several sorties pounded the militant strongholds in Tell Hamra Abu Sawsan Abu Khreifa "
    "and al-Nasiriyah in the eastern countryside of Salamiyah in Syria on Monday, destroying their vehicles "
    "and weapons depots."
)


def test_a_list_of_villages_that_lost_its_commas_is_one_event_per_village(pipeline) -> None:
    ev = rows_of(pipeline, UNPUNCTUATED)
    assert ev[S.LOCATION].tolist() == ["Tell Hamra", "Abu Sawsan", "Abu Khreifa", "al-Nasiriyah"]
    assert set(ev[S.ADMIN1]) == {"Hama"}, "each placed at the town the sentence puts them in"
    off = rows_of(without(pipeline, "location.unpunctuated_list"), UNPUNCTUATED)
    assert len(off) == 1


def test_a_run_is_cut_only_before_a_name_opener_and_never_into_one_word_pieces(nlp) -> None:
    from dashboard.events.sites import split_run

    def pieces(words: str) -> list[str]:
        doc = nlp(words)
        return [" ".join(t.text for t in p) for p in split_run(list(doc))]

    assert pieces("Kafr Hamra Abu Zaid Tell Sukkar") == ["Kafr Hamra", "Abu Zaid", "Tell Sukkar"]
    assert pieces("Khan Sheikh Issa") == ["Khan Sheikh Issa"]
    assert pieces("Tell Abu Hamra") == ["Tell Abu Hamra"]
    assert pieces("Maskanah Deir Hafer") == ["Maskanah Deir Hafer"], "a one-word piece is never cut off"


def test_ties_go_to_the_finer_place_listed_villages_first_and_war_areas_as_towns() -> None:
    from dashboard.events.bearings import fineness
    from dashboard.events.sites import LISTED_SITE_LABEL
    from dashboard.geo.gazetteer import AREA_CODE, Place
    from dashboard.geo.toponyms import Toponym

    def top(feature_class: str, code: str, label: str = "GPE") -> Toponym:
        place = Place(0, 1, "X", 35.0, 36.0, feature_class, code, "SY", "Hama", "", 0)
        return Toponym(0, 1, "X", label, place=place)

    town, province, area = top("P", "PPL"), top("A", "ADM1"), top("L", AREA_CODE)
    listed = top("P", UNLISTED_CODE, LISTED_SITE_LABEL)
    assert (town.place.precision, province.place.precision) == (1, 3)
    assert fineness(listed) < fineness(town) == fineness(area) < fineness(province), (
        "a plain is no finer than its towns"
    )


def test_a_communitys_name_before_a_site_noun_is_not_a_site(pipeline) -> None:
    ev = rows_of(pipeline, "Jets struck a Druze village near Suwayda on Monday, killing five people.")
    assert "Druze" not in set(ev[S.LOCATION])
    assert set(ev[S.LOCATION]) == {"As-Suwayda"}, "the strike is placed at the town the sentence names"


# A village named by an apposition: the name and the place it is put at, in the apposition itself.
APPOSED = "Jets bombed Qarqoush, a village near Manbij in Aleppo province, on Sunday, killing eight people."
# A village that the text calls one, then says which town it belongs to.
PART_OF = (
    "Eight people died on Sunday when jets struck the small village of Qarqoush, part of the town of "
    "Manbij in Aleppo province."
)


def test_a_name_an_apposition_calls_a_village_near_a_town_is_a_site_beside_it(pipeline) -> None:
    ev = rows_of(pipeline, APPOSED)
    assert ev[S.LOCATION].tolist() == ["Qarqoush"]
    assert ev[S.ADMIN1].tolist() == ["Aleppo"] and ev[S.GEO_PRECISION].tolist() == [2]
    assert ev[S.FATALITIES].tolist() == [8]
    off = rows_of(without(pipeline, "location.appositive_site"), APPOSED)
    assert "Qarqoush" not in set(off[S.LOCATION])


def test_an_apposition_may_put_the_village_at_a_bearing_from_a_town(pipeline) -> None:
    # The parse hangs "east" on "village" as an adverb, with "of Saraqib" under it.
    text = "Nine people were killed by shelling on Monday at Tell Hamra, a village east of Saraqib, an official said."
    ev = rows_of(pipeline, text)
    assert ev[S.LOCATION].tolist() == ["Tell Hamra"] and ev[S.GEO_PRECISION].tolist() == [2]
    assert ev[S.ADMIN1].tolist() == ["Idlib"]
    off = rows_of(without(pipeline, "location.appositive_site"), text)
    assert "Tell Hamra" not in set(off[S.LOCATION])


def test_a_village_of_a_town_is_finer_than_the_town(pipeline) -> None:
    ev = rows_of(pipeline, PART_OF)
    assert ev[S.LOCATION].tolist() == ["Qarqoush"] and ev[S.GEO_PRECISION].tolist() == [2]
    off = rows_of(without(pipeline, "location.named_village"), PART_OF)
    assert off[S.LOCATION].tolist() == ["Manbij"], "a lone site is coded at the town it is in"


def test_a_named_village_is_finer_than_a_town_but_a_building_is_not() -> None:
    from dashboard.events.bearings import fineness
    from dashboard.events.sites import SITE_LABEL, VILLAGE_LABEL
    from dashboard.geo.gazetteer import Place
    from dashboard.geo.toponyms import Toponym

    town = Toponym(0, 1, "X", "GPE", place=Place(0, 1, "X", 35.0, 36.0, "P", "PPL", "SY", "Hama", "", 0))
    site = Place(0, 1, "Y", 35.0, 36.0, "P", UNLISTED_CODE, "SY", "Hama", "", 0)
    village, building = Toponym(0, 1, "Y", VILLAGE_LABEL, place=site), Toponym(0, 1, "Y", SITE_LABEL, place=site)
    assert fineness(village) < fineness(town) <= fineness(building)


def test_an_attack_on_a_military_post_is_a_battle(pipeline) -> None:
    ev = rows_of(pipeline, "Gunmen attacked two army checkpoints near Saraqib in Idlib province on Sunday.")
    assert ev[S.EVENT_TYPE].tolist() == ["Battles"] and ev[S.SUB_EVENT_TYPE].tolist() == ["Armed clash"]


REPEATED = (
    "Air strikes killed 20 people in Zubaydiyah on Monday, the monitor said. "
    "The raids hit homes in the village of Zubaydiyah near Jarablus."
)


def test_a_name_the_article_calls_a_village_is_that_village_wherever_it_is_named(pipeline) -> None:
    # The lead's "in Zubaydiyah" says nothing of what it is; the body calls it a village near a town
    # (`location.repeated_site`: one sense per discourse).
    ev = rows_of(pipeline, REPEATED)
    assert ev[S.LOCATION].tolist() == ["Zubaydiyah"]
    assert ev[S.GEO_PRECISION].tolist() == [2]
    assert ev[S.ADMIN1].tolist() == ["Aleppo"]
    assert str(ev[S.EVENT_DATE].iloc[0])[:10] == "2020-03-02"  # the lead's Monday
    off = rows_of(without(pipeline, "location.repeated_site"), REPEATED)
    assert "2020-03-02" not in {str(d)[:10] for d in off[off[S.LOCATION] == "Zubaydiyah"][S.EVENT_DATE]}


def test_a_site_name_stops_before_the_reporter_that_follows_it(pipeline) -> None:
    text = (
        "Jets bombed homes near Jarablus on Monday. "
        "Families fled the nearby village of Qaryat Zubaydi Amnesty International said."
    )
    assert "Qaryat Zubaydi" in rows_of(pipeline, text)[S.LOCATION].tolist()
    off = rows_of(without(pipeline, "location.site_before_reporter"), text)
    assert "Qaryat Zubaydi" not in off[S.LOCATION].tolist()


def test_a_town_the_text_puts_in_another_country_is_no_site_of_a_syrian_town(pipeline) -> None:
    text = (
        "A car bomb killed 20 people in Qamishli on Monday. "
        "The blast shattered windows in the nearby Turkish town of Zorbayat across the border."
    )
    assert "Zorbayat" not in rows_of(pipeline, text)[S.LOCATION].tolist()
    off = rows_of(without(pipeline, "location.foreign_site"), text)
    assert "Zorbayat" in off[S.LOCATION].tolist()
