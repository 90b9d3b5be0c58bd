"""Where an event happened, read from sentences written for these tests: a village's apposition that
lost its comma (`location.dropped_comma_part`), a village finer than the town another report names
(`assemble.village_over_town`), a place that only says where a teller of the news is
(`location.source_place`), "X province" after a locative name (`recognition.province_word`), a
region across countries that names no country (resolution's trust tests), a bearing's landmark
(`location.bearing_landmark`, `location.bearing_subject`) and a day glued to a place
(`recognition.date_tail`). `rows_of` also checks each row's toponym offsets."""

from __future__ import annotations

from test_sites import rows_of, without

from dashboard import schema as S
from dashboard.geo.gazetteer import UNLISTED_CODE, UNLISTED_VILLAGE_CODE
from dashboard.geo.geocoder import GazetteerGeocoder
from dashboard.geo.resolution import geoparse
from dashboard.rules import Switches

# The apposition "part of the city of Azaz" written without its comma: the parse makes the village's
# name a modifier of "part".
NO_COMMA = (
    "Shelling killed five people on Friday in the village of Qarmesh part of the city of Azaz "
    "in the countryside of Aleppo."
)


def test_a_village_whose_apposition_lost_its_comma_is_the_site(pipeline) -> None:
    (row,) = rows_of(pipeline, NO_COMMA).to_dict("records")
    assert (row[S.LOCATION], row[S.ADMIN1], row[S.FEATURE_CODE]) == ("Qarmesh", "Aleppo", UNLISTED_VILLAGE_CODE)
    assert row[S.GEO_PRECISION] == 2  # placed at the town it is part of: honest about the coordinates
    (off,) = rows_of(without(pipeline, "location.dropped_comma_part"), NO_COMMA).to_dict("records")
    assert off[S.TOPONYM] == "Azaz"


def test_a_known_place_before_part_is_not_read_as_a_dropped_comma(pipeline) -> None:
    text = "Jets struck Azaz on Friday, killing three people, in the Aleppo part of the offensive."
    rows = rows_of(pipeline, text)
    assert "Aleppo part" not in set(rows[S.LOCATION]) and UNLISTED_VILLAGE_CODE not in set(rows[S.FEATURE_CODE])


# The lead names the town; a later sentence names the village of it the strike hit.
TOWN_THEN_VILLAGE = (
    "Air strikes killed at least 12 civilians on Monday in the city of Azaz in the countryside of Aleppo. "
    "On Monday the strikes hit the village of Qarmesh, part of the city of Azaz, where families had sheltered."
)


def test_one_events_village_is_finer_than_the_town_another_report_names(pipeline) -> None:
    (row,) = rows_of(pipeline, TOWN_THEN_VILLAGE).to_dict("records")
    assert (row[S.LOCATION], row[S.FATALITIES]) == ("Qarmesh", 12)
    (off,) = rows_of(without(pipeline, "assemble.village_over_town"), TOWN_THEN_VILLAGE).to_dict("records")
    assert off[S.TOPONYM] == "Azaz"


def test_a_lone_site_keeps_the_plain_unlisted_code(pipeline) -> None:
    text = "A car bomb exploded on Monday near the Qarmesh roundabout in Azaz, killing four people."
    codes = set(rows_of(pipeline, text)[S.FEATURE_CODE])
    assert UNLISTED_VILLAGE_CODE not in codes
    assert codes <= {UNLISTED_CODE, "PPL", "PPLA2", "PPLA3", "PPLA"}


# The toll sentence names no place: it continues the strike, not the city the medical source is in.
TELLER_BETWEEN = (
    "Rockets hit the town of Saraqib in Idlib province on Monday. "
    "Dozens were wounded, according to a medical source in Idlib city. "
    "The monitor gave a toll of seven people killed."
)


def test_a_toll_after_a_tellers_place_continues_the_event_before(pipeline) -> None:
    (row,) = rows_of(pipeline, TELLER_BETWEEN).to_dict("records")
    assert (row[S.TOPONYM], row[S.FATALITIES]) == ("Saraqib", 7)
    off = rows_of(without(pipeline, "location.source_place"), TELLER_BETWEEN)
    assert ("Idlib", 7) in set(zip(off[S.TOPONYM], off[S.FATALITIES], strict=True))


def test_province_word_after_a_name_only_a_locative_phrase_found(nlp, gazetteer) -> None:
    # The small model leaves "Hasakeh" untagged here; its locative phrase finds it, and the word after
    # it says the province is meant (the town's spelling would otherwise win).
    text = (
        "The bomber struck late Friday in the town of Qahtaniyah in Hasakeh province where an Arab sheikh "
        "was hosting guests."
    )
    doc = nlp(text)
    assert "Hasakeh" not in {e.text for e in doc.ents}
    tops = geoparse(doc, GazetteerGeocoder(gazetteer), gazetteer)
    assert ("Hasakeh province", "ADM1") in [(t.text, t.place.feature_code) for t in tops if t.place]
    off = geoparse(doc, GazetteerGeocoder(gazetteer), gazetteer, switches=Switches.parse("recognition.province_word"))
    # Cut, the name is still called a province: `resolution.region_of_city` gives the town's province.
    assert ("Hasakeh", "ADM1") in [(t.text, t.place.feature_code) for t in off if t.place]
    both = Switches.parse("recognition.province_word,resolution.region_of_city")
    off = geoparse(doc, GazetteerGeocoder(gazetteer), gazetteer, switches=both)
    assert ("Hasakeh", "PPL") in [(t.text, t.place.feature_code) for t in off if t.place]


def test_a_region_across_countries_makes_no_town_foreign(nlp, gazetteer) -> None:
    # "Kurdish" names Kurdistan, a region of four states counted under no country code: alone it is no
    # country the story's towns could be foreign to.
    text = (
        "The bomber struck late Friday in the town of Zarqan in Hasakeh province where a Kurdish sheikh was "
        "hosting guests."
    )
    tops = geoparse(nlp(text), GazetteerGeocoder(gazetteer), gazetteer)
    placed = {t.text: t.place for t in tops if t.place}
    assert placed["Hasakeh province"].feature_code == "ADM1"
    assert placed["Kurdish"].country_code == ""


def test_a_village_only_near_the_town_does_not_take_the_event(pipeline) -> None:
    # Joined to the town's report (placed at its point), but the text does not make it a part of the
    # town: the event stays at the town the lead names.
    text = (
        "Air strikes killed at least 12 civilians on Monday in the city of Azaz in the countryside of Aleppo. "
        "On Monday jets bombed the village of Qarmesh near Azaz, where families had sheltered."
    )
    (row,) = rows_of(pipeline, text).to_dict("records")
    assert (row[S.TOPONYM], row[S.FATALITIES]) == ("Azaz", 12)


def test_a_place_a_bearing_is_taken_from_loses_to_the_site_at_that_bearing(pipeline) -> None:
    text = "Clashes erupted on Monday between army units and rebel fighters in the village of Zurbaneh south of Hama."
    (row,) = rows_of(pipeline, text).to_dict("records")
    assert (row[S.LOCATION], row[S.ADMIN1]) == ("Zurbaneh", "Hama")
    (off,) = rows_of(without(pipeline, "location.bearing_landmark"), text).to_dict("records")
    assert off[S.LOCATION] != "Zurbaneh"


def test_a_town_a_bearing_is_said_of_takes_the_event_from_the_town_it_is_taken_from(pipeline) -> None:
    # Two towns of the same precision: the bearing after the first places it by the second, which is
    # only a landmark (`location.bearing_subject`); a bearing said of no place leaves the landmark.
    text = "Rockets struck a bakery in Atareb west of Aleppo on Sunday, killing nine people."
    (row,) = rows_of(pipeline, text).to_dict("records")
    assert (row[S.TOPONYM], row[S.FATALITIES]) == ("Atareb", 9)
    (off,) = rows_of(without(pipeline, "location.bearing_subject"), text).to_dict("records")
    assert off[S.TOPONYM] == "Aleppo"
    (alone,) = rows_of(pipeline, "Fighting raged west of Aleppo on Sunday, killing nine fighters.").to_dict("records")
    assert alone[S.TOPONYM] == "Aleppo"


def test_a_bearing_is_said_only_of_a_place_near_its_landmark(nlp, gazetteer) -> None:
    # "X west of Y" with X resolved to a namesake hundreds of kilometres from Y: not the X the text
    # means, so the bearing does not move the event there (BEARING_KM).
    from dataclasses import replace

    from dashboard.events.bearings import BEARING_KM, bearing_follows, bearing_landmark

    doc = nlp("Rockets struck a bakery in Atareb west of Aleppo on Sunday, killing nine people.")
    sent = next(iter(doc.sents))
    tops = {t.text: t for t in geoparse(doc, GazetteerGeocoder(gazetteer), gazetteer) if t.place}
    town, landmark = tops["Atareb"], tops["Aleppo"]
    assert bearing_landmark(sent, landmark) and not bearing_landmark(sent, town)
    assert bearing_follows(sent, town, landmark) and not bearing_follows(sent, landmark, town)
    assert town.place is not None
    far = replace(town, place=replace(town.place, latitude=town.place.latitude + 3.0))  # ~330 km north
    assert BEARING_KM < 330 and not bearing_follows(sent, far, landmark)


def test_a_day_glued_to_a_place_without_a_comma_is_cut_off(nlp, gazetteer) -> None:
    # The model tags "Hama Sunday" as one FAC here.
    doc = nlp("Mortars hit regime-held southern Hama Sunday a monitor said.")
    tops = geoparse(doc, GazetteerGeocoder(gazetteer), gazetteer)
    assert [t.text for t in tops if t.place] == ["Hama"]
    assert (
        geoparse(doc, GazetteerGeocoder(gazetteer), gazetteer, switches=Switches.parse("recognition.date_tail")) == []
    )


def test_a_capital_the_parse_makes_a_gerunds_subject_is_the_prepositions_object(pipeline) -> None:
    # "on [Aleppo killing four]": the parser's reading would make the city an actor (a state's capital
    # as the subject of an active verb), and the attack would have no site.
    ev = rows_of(pipeline, "Rebels fired rockets on Damascus killing four civilians.")
    assert ev[S.LOCATION].tolist() == ["Damascus"] and ev[S.FATALITIES].tolist() == [4]
    # The same capital as a real subject still acts.
    assert rows_of(pipeline, "Damascus accused the rebels of firing rockets.").empty


def test_an_attack_on_a_military_base_is_a_battle(pipeline) -> None:
    ev = rows_of(pipeline, "Gunmen launched an attack on an army base near Saraqib on Monday.")
    assert ev[S.SUB_EVENT_TYPE].tolist() == ["Armed clash"] and ev[S.LOCATION].tolist() == ["Saraqib"]


def test_the_place_a_side_was_driven_from_is_where_ground_changed_hands(pipeline) -> None:
    ev = rows_of(pipeline, "Government troops ousted the Islamic State group from Qamishli on Monday.")
    assert ev[S.LOCATION].tolist() == ["Al Qāmishlī"]
    assert ev[S.SUB_EVENT_TYPE].tolist() == ["Government regains territory"]
    assert ev[S.ACTOR2].tolist() == ["Islamic State (ISIS)"]
    # Where people fled from is still no site.
    assert rows_of(pipeline, "Families fled from Qamishli on Monday after days of shelling.").empty


def test_a_province_named_after_its_town_says_where_the_town_is(pipeline) -> None:
    # The parse hangs ", in Idlib province," on the verb, fewer arcs from the trigger than the town.
    text = "Gunmen killed seven people at a cafe in the town of Saraqib, in Idlib province, on Saturday."
    (row,) = rows_of(pipeline, text).to_dict("records")
    assert (row[S.LOCATION], row[S.ADMIN1]) == ("Saraqib", "Idlib")
    (off,) = rows_of(without(pipeline, "location.container_after"), text).to_dict("records")
    assert off[S.GEO_PRECISION] == 3, "switched off: the province, as before"
