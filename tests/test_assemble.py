"""One event, one row: the rows of one article that tell the same event are joined."""

from __future__ import annotations

import json

import pytest

from dashboard import schema as S
from dashboard.events.assemble import assemble, group_rows
from dashboard.events.kinds import weapon
from dashboard.geo.gazetteer import UNLISTED_CODE
from dashboard.rules import Switches


@pytest.fixture
def row(plain_row):
    """A row of one article's sentence at `start`, as the extractor gives it."""

    def make(start: int, **kw) -> dict:
        return _row(plain_row, start, **kw)

    return make


def _row(event_row, start: int, **kw) -> dict:
    base = event_row(_start=start, **kw)
    base.setdefault(S.RECORD_KIND, "event")
    base.setdefault(S.INTER1, None)
    base.setdefault(S.INTER2, None)
    base.setdefault(S.FATALITIES_TEXT, "")
    base[S.EXCERPT_END] = start + 30
    return base


def test_headline_lead_and_body_are_one_event_with_every_span(row) -> None:
    rows = [
        row(0, date_source="published", fatalities=10),
        row(40, fatalities=11, event_date="2020-03-03"),
        row(90, event_date="2020-03-03"),
    ]
    out = assemble(rows)
    assert len(out) == 1
    assert json.loads(out[0][S.EVIDENCE]) == [[0, 30], [40, 70], [90, 120]]
    assert out[0][S.EVENT_DATE] == "2020-03-03"  # the day the text gives, not the publication's
    assert out[0][S.FATALITIES] == 10  # the lowest firm count


def test_different_days_at_one_place_are_two_events(row) -> None:
    rows = [row(0, event_date="2020-03-02"), row(40, event_date="2020-03-03")]
    assert len(assemble(rows)) == 2


def test_different_places_on_one_day_are_two_events(row) -> None:
    rows = [row(0), row(40, location="Saraqib", latitude=35.86, longitude=36.8)]
    assert len(assemble(rows)) == 2


def test_a_province_level_row_joins_the_town_in_that_province(row) -> None:
    province = row(0, location="Idlib Governorate", feature_code="ADM1", geo_precision=3, latitude=35.8, longitude=36.6)
    town = row(40, location="Saraqib", latitude=35.86, longitude=36.8)
    out = assemble([province, town])
    assert len(out) == 1
    assert out[0][S.LOCATION] == "Saraqib"
    assert len(assemble([province, town], Switches.parse("assemble.coarse_into_fine"))) == 2


def test_a_headline_at_the_town_named_like_its_province_joins_the_one_town_of_the_story(row) -> None:
    title = "Jets Strike Field Clinic in Idlib"
    headline = row(0, excerpt=f"Tuesday 3 March 2020 {title}.", title=title, date_source="published")
    town = row(60, location="Saraqib", latitude=35.86, longitude=36.8, title=title, fatalities=4)
    out = assemble([headline, town])
    assert [r[S.LOCATION] for r in out] == ["Saraqib"]
    assert json.loads(out[0][S.EVIDENCE]) == [[0, 30], [60, 90]]
    assert len(assemble([headline, town], Switches.parse("assemble.headline_province"))) == 2


def test_the_town_named_like_its_province_in_the_body_is_an_event_of_its_own(row) -> None:
    # Not the headline: "in Idlib" in the story may well be the city, struck the same day as a town.
    city = row(0, excerpt="Jets also struck a market in Idlib on Tuesday.", title="Jets Strike Field Clinic")
    town = row(60, location="Saraqib", latitude=35.86, longitude=36.8, title="Jets Strike Field Clinic")
    assert len(assemble([city, town])) == 2


def test_a_headline_at_the_province_named_town_beside_two_towns_joins_neither(row) -> None:
    title = "Shelling Hits Villages in Idlib"
    headline = row(0, excerpt=title, title=title)
    towns = [
        row(60, location="Saraqib", latitude=35.86, longitude=36.8, title=title),
        row(120, location="Binnish", latitude=35.95, longitude=36.71, title=title),
    ]
    assert len(assemble([headline, *towns])) == 3


def test_a_province_row_of_another_province_stays_apart(row) -> None:
    province = row(0, location="Hama Governorate", admin1="Hama", feature_code="ADM1", geo_precision=3)
    town = row(40, location="Saraqib", latitude=35.86, longitude=36.8)
    assert len(assemble([province, town])) == 2


def test_violence_of_different_types_at_one_place_and_day_is_one_kind(row) -> None:
    rows = [
        row(0, event_type="Explosions/Remote violence", sub_event_type="Air/drone strike"),
        row(40, event_type="Battles", sub_event_type="Armed clash"),
    ]
    out = assemble(rows)
    assert len(out) == 1
    assert out[0][S.SUB_EVENT_TYPE] == "Air/drone strike"


def test_mentions_are_left_alone(row) -> None:
    rows = [row(0), row(40, record_kind="mention", mention_reason="mention.running_total")]
    out = assemble(rows)
    assert [r[S.RECORD_KIND] for r in out] == ["event", "mention"]


def test_the_author_comes_from_any_report_and_the_default_is_unidentified(row) -> None:
    named = [
        row(0, date_source="published", actor1="", inter1=None),
        row(40, actor1="Military Forces of Russia", inter1=8),
    ]
    out = assemble(named)
    assert (out[0][S.ACTOR1], out[0][S.INTER1]) == ("Military Forces of Russia", 8)
    unnamed = assemble([row(0, actor1="", inter1=None, actor2="Civilians (Syria)", inter2=7)])
    assert (unnamed[0][S.ACTOR1], unnamed[0][S.INTER1], unnamed[0][S.INTERACTION]) == (
        "Unidentified Armed Group (Syria)",
        3,
        37,
    )


def test_switched_off_nothing_is_joined(row) -> None:
    rows = [row(0), row(40)]
    assert len(group_rows(rows, Switches.parse("assemble"))) == 2


def test_an_undated_report_does_not_bridge_two_days(row) -> None:
    # Tuesday's strike, Wednesday's strike (the publication day) and an undated later toll at the
    # same town: the undated toll carries Wednesday as its date but joins one event, it does not
    # make Tuesday's and Wednesday's strikes one.
    rows = [
        row(0, event_date="2020-03-03"),
        row(40, event_date="2020-03-04"),
        row(90, event_date="2020-03-04", date_source="published", fatalities=30),
    ]
    out = assemble(rows)
    assert sorted(r[S.EVENT_DATE] for r in out) == ["2020-03-03", "2020-03-04"]


def test_an_undated_headline_does_not_join_last_weeks_event(row) -> None:
    # Published on the 8th: the undated headline's shelling is the news, not the bombing the story
    # recalls from the 4th at the same town.
    rows = [
        row(0, event_date="2020-03-08", date_source="published", fatalities=3),
        row(40, event_date="2020-03-04", fatalities=9),
    ]
    assert len(assemble(rows)) == 2
    rows = [
        row(0, event_date="2020-03-08", date_source="published", fatalities=3),
        row(40, event_date="2020-03-07", fatalities=3),
    ]
    assert len(assemble(rows)) == 1  # the day before: the same news


def _province_row(row, sub_type: str, trigger: str) -> dict:
    """A report placed only at Idlib's governorate (the row at offset 0)."""
    return row(
        0,
        location="Idlib Governorate",
        feature_code="ADM1",
        geo_precision=3,
        latitude=35.8,
        longitude=36.6,
        sub_event_type=sub_type,
        trigger=trigger,
    )


def test_rows_that_name_different_means_of_attack_are_two_attacks(row) -> None:
    # A rocket barrage reported for the province and jets striking a town in it the same day: two
    # attacks, not one told twice. A report that names no means ("killed") still joins either.
    province = _province_row(row, "Shelling/artillery/missile attack", "rockets")
    town = row(
        40, location="Saraqib", latitude=35.86, longitude=36.8, sub_event_type="Air/drone strike", trigger="warplanes"
    )
    toll = row(90, location="Saraqib", latitude=35.86, longitude=36.8, trigger="killed", fatalities=4)
    out = assemble([province, town, toll])
    assert sorted((r[S.LOCATION], r[S.TRIGGER]) for r in out) == [
        ("Idlib Governorate", "rockets"),
        ("Saraqib", "warplanes"),
    ]
    assert len(assemble([province, town, toll], Switches.parse("assemble.distinct_weapons"))) == 1


def test_an_ambush_is_no_air_strike_on_its_province(row) -> None:
    # Jets striking a village the report places only in its province, and an ambush on a patrol at a
    # town in it the same day: men on the ground with their guns are another attack.
    province = _province_row(row, "Air/drone strike", "air strikes")
    town = row(40, location="Saraqib", latitude=35.86, longitude=36.8, sub_event_type="Armed clash", trigger="ambushed")
    assert sorted(r[S.TRIGGER] for r in assemble([province, town])) == ["air strikes", "ambushed"]
    assert len(assemble([province, town], Switches.parse("assemble.distinct_weapons"))) == 1


def test_a_bombing_and_an_air_raid_at_one_place_and_day_can_be_one_attack(row) -> None:
    # "Bombing" fits jets and car bombs alike: it names no means, so it does not split the event.
    rows = [
        row(0, sub_event_type="Remote explosive/landmine/IED", trigger="bombing"),
        row(40, sub_event_type="Air/drone strike", trigger="air raid"),
    ]
    assert len(assemble(rows)) == 1
    assert weapon(rows[0]) == "" and weapon(rows[1]) == "air"
    assert weapon(row(0, trigger="mortar shells")) == "artillery"
    assert weapon(row(0, trigger="car bomb")) == "bomb"


def test_an_unattributed_attack_by_a_rare_means_takes_the_author_named_for_that_means(row) -> None:
    # One sentence blames a militia's suicide bombers for a blast at a checkpoint; a later sentence
    # reports a suicide blast in another town without naming anyone: the same hand, as a coder reads it.
    blamed = row(
        0,
        location="Tadif",
        latitude=36.35,
        longitude=37.53,
        sub_event_type="Suicide bomb",
        actor1="Islamic State (ISIS)",
        inter1=2,
    )
    unnamed = row(
        80, location="Azaz", latitude=36.59, longitude=37.05, sub_event_type="Suicide bomb", actor1="", inter1=None
    )
    out = {r[S.LOCATION]: r for r in assemble([blamed, unnamed])}
    assert (out["Azaz"][S.ACTOR1], out["Azaz"][S.INTER1]) == ("Islamic State (ISIS)", 2)
    off = {r[S.LOCATION]: r for r in assemble([blamed, unnamed], Switches.parse("actors.same_means"))}
    assert off["Azaz"][S.ACTOR1] == "Unidentified Armed Group (Syria)"


def test_a_rare_means_blamed_on_two_authors_names_neither_and_common_means_never(row) -> None:
    # Two authors named for car bombs' cousins (suicide attacks) leave the third unattributed; shelling,
    # which both sides use, never lends its author.
    rows = [
        row(
            0,
            location="Tadif",
            latitude=36.35,
            longitude=37.53,
            sub_event_type="Suicide bomb",
            actor1="Islamic State (ISIS)",
            inter1=2,
        ),
        row(
            40,
            location="Manbij",
            latitude=36.53,
            longitude=37.95,
            sub_event_type="Suicide bomb",
            actor1="Jabhat al-Nusra",
            inter1=2,
        ),
        row(
            80, location="Azaz", latitude=36.59, longitude=37.05, sub_event_type="Suicide bomb", actor1="", inter1=None
        ),
        row(
            120,
            location="Jarabulus",
            latitude=36.82,
            longitude=38.01,
            sub_event_type="Shelling/artillery/missile attack",
            actor1="Rebel groups (Syria)",
            inter1=2,
        ),
        row(
            160,
            location="Marea",
            latitude=36.48,
            longitude=37.2,
            sub_event_type="Shelling/artillery/missile attack",
            actor1="",
            inter1=None,
        ),
    ]
    out = {r[S.LOCATION]: r[S.ACTOR1] for r in assemble(rows)}
    assert out["Azaz"] == out["Marea"] == "Unidentified Armed Group (Syria)"


def test_a_named_group_in_one_report_wins_over_a_generic_word_in_another(row) -> None:
    headline = row(0, date_source="published", actor2="Unidentified Armed Group (Syria)", inter2=3)
    body = row(60, actor2="Jund al-Aqsa", inter2=2)
    body[S.FATALITIES] = None
    headline[S.FATALITIES] = 9
    out = assemble([headline, body])
    assert len(out) == 1
    assert (out[0][S.ACTOR2], out[0][S.INTER2]) == ("Jund al-Aqsa", 2)
    off = assemble([dict(headline), dict(body)], Switches.parse("actors.named_over_generic"))
    assert off[0][S.ACTOR2] == "Unidentified Armed Group (Syria)"
    rebels = row(0, date_source="published", actor1="Rebel groups (Syria)", inter1=2)
    state = row(60, actor1="Military Forces of Syria (2000-)", inter1=1)
    assert assemble([rebels, state])[0][S.ACTOR1] == "Rebel groups (Syria)", "only a named group replaces a generic one"


def test_words_for_many_dead_are_kept_as_text_with_no_number(row) -> None:
    rows = [row(0, fatalities=24, fatalities_text="dozens of people were killed")]
    (out,) = assemble(rows)
    assert out[S.FATALITIES] is None and out[S.FATALITIES_TEXT] == "dozens of people were killed"
    (kept,) = assemble(rows, Switches.parse("assemble.vague_toll"))
    assert kept[S.FATALITIES] == 24


def test_a_count_in_any_report_beats_words_for_many(row) -> None:
    rows = [
        row(0, fatalities=24, fatalities_text="dozens were killed"),
        row(40, fatalities=17, fatalities_text="killed 17 people"),
    ]
    assert assemble(rows)[0][S.FATALITIES] == 17


def test_a_row_dated_by_its_reports_day_takes_the_day_the_text_gives_its_event(row) -> None:
    lead = row(0, event_date="2020-03-04", date_source="report", fatalities=9)
    out = assemble([lead, row(60, event_date="2020-03-03")])
    assert len(out) == 1 and out[0][S.EVENT_DATE] == "2020-03-03" and out[0][S.FATALITIES] == 9
    assert len(assemble([lead, row(60, event_date="2020-03-03")], Switches.parse("dates.report_day"))) == 2
    # Another toll is another event; so is a day three days before the report, or one after it.
    for other in (
        row(60, event_date="2020-03-03", fatalities=4),
        row(60, event_date="2020-03-01"),
        row(60, event_date="2020-03-05"),
    ):
        assert len(assemble([lead, other])) == 2


def test_an_armed_group_read_as_an_air_strikes_author_becomes_its_target(row) -> None:
    # "Jets pounded the militia-held hamlet": a parse that makes the militia the author is wrong, as
    # rebels and militias fly no combat aircraft; the air force the article names struck it.
    named = row(0, sub_event_type="Air/drone strike", trigger="jets", actor1="Military Forces of Russia", inter1=8)
    misread = row(
        80,
        location="Saraqib",
        latitude=35.86,
        longitude=36.8,
        sub_event_type="Air/drone strike",
        trigger="jets pounded",
        actor1="Islamic State (ISIS)",
        inter1=2,
        actor2="",
    )
    out = {r[S.LOCATION]: r for r in assemble([named, misread])}
    assert (out["Saraqib"][S.ACTOR1], out["Saraqib"][S.ACTOR2]) == ("Military Forces of Russia", "Islamic State (ISIS)")
    off = {r[S.LOCATION]: r for r in assemble([named, misread], Switches.parse("actors.no_ground_flyers"))}
    assert off["Saraqib"][S.ACTOR1] == "Islamic State (ISIS)"


def test_a_group_keeps_an_air_strike_when_it_flew_a_drone_or_a_report_tells_another_means(row) -> None:
    drone = row(0, sub_event_type="Air/drone strike", trigger="drone attack", actor1="Islamic State (ISIS)", inter1=2)
    assert assemble([drone])[0][S.ACTOR1] == "Islamic State (ISIS)"
    # A report that tells the group's own bombing, joined with one that tells a raid: the group may be
    # the author of the row's event after all.
    bombing = row(
        40, sub_event_type="Remote explosive/landmine/IED", trigger="bombing", actor1="Rebel groups (Syria)", inter1=2
    )
    raid = row(80, sub_event_type="Air/drone strike", trigger="air raid", actor1="", inter1=None)
    merged = assemble([bombing, raid])
    assert len(merged) == 1 and merged[0][S.ACTOR1] == "Rebel groups (Syria)"


def test_no_chain_of_joins_makes_two_days_one_event(row) -> None:
    # Monday's shelling of a town, Tuesday's of a village the gazetteer lacks (placed at that town), and
    # an undated toll at the town: the toll joins Monday's report by one rule and is the coarse report
    # of Tuesday's by another, but the two days stay two events (`assemble.one_day`).
    town = {"location": "Saraqib", "latitude": 35.86, "longitude": 36.8}
    village = {**town, "location": "Tell Hamra", "feature_code": UNLISTED_CODE, "geo_precision": 2}
    rows = [
        row(0, event_date="2020-03-02", **town),
        row(40, event_date="2020-03-03", **village),
        row(90, date_source="published", fatalities=7, **town),
    ]
    out = assemble(rows)
    assert sorted(str(r[S.EVENT_DATE])[:10] for r in out) == ["2020-03-02", "2020-03-03"]
    assert len(assemble(rows, Switches.parse("assemble.one_day"))) == 1
