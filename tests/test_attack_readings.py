"""What an attack is aimed at (`location.attacked_site`) and who a later sentence says carried it out
(`location.author_continuation`), read from sentences written for these tests; `rows_of` also checks
each row's toponym offsets."""

from __future__ import annotations

from test_sites import rows_of, without

from dashboard import schema as S

# A province-level lead, then the raid's village named only as what the raid was on.
PROVINCE_THEN_RAID = (
    "An air strike killed 11 people in Idlib province on Tuesday, local medics said. "
    "The medics said most of the dead in the raid on Umm Jalal were farm workers."
)


def test_the_village_a_raid_was_on_is_its_place(pipeline) -> None:
    (row,) = rows_of(pipeline, PROVINCE_THEN_RAID).to_dict("records")
    assert (row[S.LOCATION], row[S.ADMIN1], row[S.GEO_PRECISION], row[S.FATALITIES]) == ("Umm Jalal", "Idlib", 2, 11)
    (off,) = rows_of(without(pipeline, "location.attacked_site"), PROVINCE_THEN_RAID).to_dict("records")
    assert (off[S.LOCATION], off[S.GEO_PRECISION]) == ("Idlib", 3)


def test_neighbourhoods_an_attack_was_on_are_no_sites(pipeline) -> None:
    text = (
        "Jets pounded Aleppo on Monday. Rebel shelling on Hamdaniyeh and other neighbourhoods killed four "
        "people in Aleppo on Monday."
    )
    assert "Hamdaniyeh" not in set(rows_of(pipeline, text)[S.LOCATION])


def test_a_teller_after_an_attack_is_no_site(pipeline) -> None:
    # The parse hangs the monitor's name on "on Friday"; it is who reports.
    text = (
        "Jets pounded Saraqib in Idlib province this week. Twelve more people died in the town during the "
        "shelling on Friday Siege Watch reported."
    )
    assert not any("Siege" in place for place in rows_of(pipeline, text)[S.LOCATION])


# The lead tells the strike; the next sentence says whose planes carried it out.
STRIKE_THEN_AUTHOR = (
    "An air strike on the town of Saraqib in Idlib province killed 11 civilians on Sunday, medics said. "
    "They said the raid was thought to have been conducted by Russian jets."
)


def test_the_author_a_later_sentence_gives_the_strike_is_its_author(pipeline) -> None:
    (row,) = rows_of(pipeline, STRIKE_THEN_AUTHOR).to_dict("records")
    assert (row[S.LOCATION], row[S.ACTOR1], row[S.INTER1]) == ("Saraqib", "Military Forces of Russia", 8)
    (off,) = rows_of(without(pipeline, "location.author_continuation"), STRIKE_THEN_AUTHOR).to_dict("records")
    assert off[S.ACTOR1] != "Military Forces of Russia"


def test_another_strike_with_its_author_does_not_continue_the_first(pipeline) -> None:
    # "A second strike" is no reference back: it is not the lead's strike and names no place of its own.
    text = (
        "An air strike on the town of Saraqib in Idlib province killed 11 civilians on Sunday, medics said. "
        "A second raid was conducted by Russian jets."
    )
    rows = rows_of(pipeline, text)
    assert list(rows[S.ACTOR1]) == ["Military Forces of Syria (2000-)"]


def test_an_attack_named_to_tell_when_is_not_the_means(pipeline) -> None:
    text = (
        "Hours after the regime air strike on the bakery, a car bomb killed six people in the town of Saraqib "
        "on Tuesday."
    )
    (row,) = rows_of(pipeline, text).to_dict("records")
    assert (row[S.SUB_EVENT_TYPE], row[S.FATALITIES]) == ("Remote explosive/landmine/IED", 6)
    (off,) = rows_of(without(pipeline, "types.time_reference"), text).to_dict("records")
    assert off[S.SUB_EVENT_TYPE] == "Air/drone strike"


def test_an_act_with_no_means_of_its_own_is_not_typed_by_the_earlier_attack(pipeline) -> None:
    text = (
        "Just days after a deadly chemical attack, a woman was killed and 20 others were wounded in the town "
        "of Saraqib on Tuesday."
    )
    (row,) = rows_of(pipeline, text).to_dict("records")
    assert row[S.SUB_EVENT_TYPE] != "Chemical weapon"


def test_the_author_of_an_attack_named_to_tell_when_is_not_the_acts(pipeline) -> None:
    text = "Days after a deadly regime air strike, a bomb on a bus killed a woman in the town of Saraqib on Monday."
    (row,) = rows_of(pipeline, text).to_dict("records")
    assert row[S.ACTOR1] != "Military Forces of Syria (2000-)" and row[S.SUB_EVENT_TYPE] != "Air/drone strike"
    (off,) = rows_of(without(pipeline, "actors.time_reference"), text).to_dict("records")
    assert off[S.ACTOR1] == "Military Forces of Syria (2000-)"


def test_a_time_phrase_is_read_in_a_sentence_without_commas(pipeline) -> None:
    # A text that lost its commas: the parse takes the earlier attack for the subject of "killed".
    text = "Two days after a regime chemical attack a teacher was killed on a minibus in the town of Saraqib on Monday."
    (row,) = rows_of(pipeline, text).to_dict("records")
    assert row[S.SUB_EVENT_TYPE] != "Chemical weapon" and row[S.ACTOR1] != "Military Forces of Syria (2000-)"
