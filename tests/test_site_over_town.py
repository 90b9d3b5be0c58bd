"""A village the gazetteer lacks, named by one report of an event, and the town another report names
(`assemble.site_over_town`), with the readings it needs: a name that ends a quotation is not the
speaker's after it, a distance between a name and its bearing, a kind of town before "town of Y", a
count given as the outcome of an attack, and a bomb that "had gone off". Every sentence written for
these tests; `rows_of` also checks each row's toponym offsets."""

from __future__ import annotations

from test_sites import rows_of, without

from dashboard import schema as S
from dashboard.events.lexicon import classify
from dashboard.events.numbers import fatalities
from dashboard.geo.gazetteer import UNLISTED_NEAR_VILLAGE_CODE

# The lead names the town; a later report of the same raid names the village near it, its day and
# its count.
TOWN_THEN_VILLAGE = (
    "Government jets killed 14 civilians in the town of Saraqib in Idlib province on Tuesday. "
    "The monitor said the raid hit the outskirts of the village of Umm Jalal near Saraqib at dawn on "
    "Tuesday, killing 14 civilians."
)


def test_the_village_a_report_of_the_event_names_is_its_place(pipeline) -> None:
    (row,) = rows_of(pipeline, TOWN_THEN_VILLAGE).to_dict("records")
    assert (row[S.LOCATION], row[S.ADMIN1], row[S.FATALITIES]) == ("Umm Jalal", "Idlib", 14)
    assert (row[S.FEATURE_CODE], row[S.GEO_PRECISION]) == (UNLISTED_NEAR_VILLAGE_CODE, 2)
    (off,) = rows_of(without(pipeline, "assemble.site_over_town"), TOWN_THEN_VILLAGE).to_dict("records")
    assert off[S.LOCATION] == "Saraqib"


def test_a_village_whose_report_counts_other_dead_does_not_place_the_event(pipeline) -> None:
    # The village's five dead on the same day may be another raid joined to the town's: the town stays.
    text = (
        "Government jets killed 14 civilians in the town of Saraqib in Idlib province on Tuesday. "
        "Five more people died on Tuesday in a raid on the village of Umm Jalal near Saraqib."
    )
    rows = rows_of(pipeline, text)
    assert list(rows[rows[S.FATALITIES] == 14][S.LOCATION]) == ["Saraqib"]


def test_a_village_named_in_passing_does_not_place_the_event(pipeline) -> None:
    # Neither a day nor a count: fighting around the event, not a report of it.
    text = (
        "Rebels attacked the town of Saraqib in Idlib province on Tuesday, killing 14 soldiers. "
        "Clashes are going on near the village of Umm Jalal near Saraqib, the monitor said."
    )
    rows = rows_of(pipeline, text)
    killed = rows[rows[S.FATALITIES] == 14]
    assert list(killed[S.LOCATION]) == ["Saraqib"]


def test_a_name_ending_a_quotation_is_the_site_not_the_speaker_after_it(pipeline) -> None:
    # The parse hangs "Tal Mahra" from "Suleiman" across the closing mark; Suleiman only speaks.
    text = (
        "Fighting continued on Friday around the Kurdish town of Ras al-Ain in Hasakeh province. "
        '"Clashes are going on in the Kafr Hilal area and the outskirts of Tal Mahra" Suleiman told '
        "reporters by phone."
    )
    places = set(rows_of(pipeline, text)[S.LOCATION])
    assert "Suleiman" not in places and "Kafr Hilal" in places


def test_a_distance_between_a_name_and_its_bearing_makes_it_a_site(pipeline) -> None:
    text = "A roadside bomb went off on Sunday in Deir Hanoun 30 km (19 miles) north of Hama, wounding five."
    (row,) = rows_of(pipeline, text).to_dict("records")
    assert (row[S.LOCATION], row[S.ADMIN1]) == ("Deir Hanoun", "Hama")


def test_a_kind_of_town_before_town_of_is_no_site(pipeline) -> None:
    # A misspelt adjective reads like a name; the noun names its own town after "of".
    text = "Jets pounded a base of the group in the northern Syrain town of Raqqa on Sunday, killing 12 fighters."
    (row,) = rows_of(pipeline, text).to_dict("records")
    assert row[S.FEATURE_CODE] != UNLISTED_NEAR_VILLAGE_CODE and "Syrain" not in row[S.LOCATION]


def test_a_count_given_as_the_outcome_of_an_attack() -> None:
    found = fatalities("The raid hit a bakery at noon, which resulted in 31 civilians dying.")
    assert found is not None and found.value == 31
    found = fatalities("Shells fell on the market, leading to six people being killed.")
    assert found is not None and found.value == 6
    # Not a count of dead: people left dying, a cause with no count.
    assert fatalities("The raid caused panic, and people were dying in the streets.") is None


def test_a_bomb_that_had_gone_off_is_an_explosion() -> None:
    event_type, sub_type, _ = classify("Police said the bomb had gone off outside the bakery.")
    assert (event_type, sub_type) == ("Explosions/Remote violence", "Remote explosive/landmine/IED")


def test_two_sites_one_sentence_lists_stay_two_events(pipeline) -> None:
    # The village the gazetteer lacks is placed at the town it is listed with; it is that town's
    # sibling, not a vaguer report of the town's event, and the assembly keeps the two apart.
    text = (
        "In Quneitra a boy was killed and six people were hurt by mortar shells fired by gunmen on Khan "
        "Arnabeh and al-Rawda cities on Monday."
    )
    rows = rows_of(pipeline, text)
    assert sorted(rows[S.LOCATION]) == ["Khān Arnabah", "al-Rawda"]
    assert rows[S.FATALITIES].isna().all()  # one toll for both sites: it belongs to neither
