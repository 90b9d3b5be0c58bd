"""`actors.crowd`: a protest's or a riot's author is its crowd, as ACLED codes them."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from dashboard import schema as S
from dashboard.ingest.article import Article
from dashboard.rules import Switches


def _rows(
    pipeline, text: str, off: str = "", columns: tuple[str, ...] = (S.EVENT_TYPE, S.ACTOR1, S.INTER1, S.ACTOR2)
) -> list[tuple]:
    p = dataclasses.replace(pipeline, switches=Switches.parse(off)) if off else pipeline
    ev = p.run([Article(text=text, title="t", published=date(2021, 6, 4))]).events
    ev = ev[ev[S.RECORD_KIND] == "event"]
    return list(zip(*(ev[c].tolist() for c in columns), strict=True))


@pytest.mark.parametrize(
    "text",
    [
        "Several hundred teachers protested outside the governor's office in Homs on Thursday over unpaid wages.",
        "Farmers demonstrated in the town of Saraqib on Thursday against the new tax.",
    ],
)
def test_a_protest_is_by_its_protesters_not_against_them(pipeline, text) -> None:
    rows = _rows(pipeline, text)
    assert rows and all(r[0] == "Protests" for r in rows)
    assert [(r[1], r[2], r[3] or "") for r in rows] == [("Protesters (Syria)", 6, "")] * len(rows)
    off = _rows(pipeline, text, "actors.crowd")
    assert [r[1] for r in off] != [r[1] for r in rows], "switched off: no crowd named"


def test_a_riot_is_by_rioters(pipeline) -> None:
    rows = _rows(pipeline, "Riots broke out in the town of Saraqib on Thursday after the arrests.")
    assert [(r[0], r[1], r[2]) for r in rows] == [("Riots", "Rioters (Syria)", 5)]


def _typed(pipeline, text: str, off: str = "") -> list[tuple]:
    p = dataclasses.replace(pipeline, switches=Switches.parse(off)) if off else pipeline
    ev = p.run([Article(text=text, title="t", published=date(2021, 6, 4))]).events
    ev = ev[ev[S.RECORD_KIND] == "event"]
    return list(zip(ev[S.SUB_EVENT_TYPE], ev[S.ACTOR1], ev[S.ACTOR2], strict=True))


def test_a_protest_met_with_tear_gas_is_a_protest_with_intervention_by_its_crowd(pipeline) -> None:
    text = "Riot police fired tear gas at hundreds of students who protested in Homs on Thursday against the new fees."
    rows = _typed(pipeline, text)
    assert rows == [("Protest with intervention", "Protesters (Syria)", "Police Forces of Syria")]
    off = _typed(pipeline, text, "types.protest_intervention")
    assert off and off[0][0] == "Peaceful protest", "switched off: a peaceful protest, as before"


@pytest.mark.parametrize(
    "text",
    [
        # An earlier arrest the protest is about is no force used on it.
        "Hundreds protested in Homs on Thursday to demand the release of arrested activists.",
        "Hundreds protested peacefully in Homs on Thursday against the new fees.",
    ],
)
def test_a_protest_met_with_no_force_stays_peaceful(pipeline, text) -> None:
    assert [r[0] for r in _typed(pipeline, text)] == ["Peaceful protest"]


def test_violence_against_civilians_naming_no_target_is_against_civilians(pipeline) -> None:
    # ACLED's actor2 of every attack on civilians; the text names the place, not the people.
    text = "Gunmen raided a village near Saraqib on Thursday, residents said."
    rows = _typed(pipeline, text)
    assert [(r[0], r[2]) for r in rows] == [("Attack", "Civilians (Syria)")]
    off = _typed(pipeline, text, "actors.civilian_target")
    assert [r[2] or "" for r in off] == [""], "switched off: no target named"


def test_an_attack_on_a_village_whose_target_is_soldiers_is_a_battle(pipeline) -> None:
    text = "Militants attacked a village near Saraqib on Thursday and killed three soldiers stationed there."
    assert [(r[0], r[2]) for r in _typed(pipeline, text)] == [("Armed clash", "Military Forces of Syria (2000-)")]
    off = _typed(pipeline, text, "types.armed_target")
    assert [r[0] for r in off] == ["Attack"], "switched off: violence against civilians with soldiers its target"


def test_deaths_of_soldiers_take_no_neighbouring_attack_on_civilians(pipeline) -> None:
    # The village sentence is violence against civilians; the soldiers' deaths beside it are a fight.
    text = (
        "Militants attacked a village near Saraqib on Thursday. "
        "They killed 12 soldiers at a post there, a monitor said."
    )
    assert [(r[0], r[2]) for r in _typed(pipeline, text)] == [("Armed clash", "Military Forces of Syria (2000-)")]
    assert [r[0] for r in _typed(pipeline, text, "types.armed_target")] == ["Attack"]


@pytest.mark.parametrize(
    "text, expected",
    [
        # A state's force that kills protesters: excessive force, by the crowd, against the force.
        (
            "Riot police killed two protesters in Homs on Friday, medics said.",
            [("Excessive force against protesters", "Protesters (Syria)", "Police Forces of Syria")],
        ),
        # Anyone else who kills them attacks civilians: a crowd is no armed side.
        (
            "Gunmen killed four protesters in Homs on Friday.",
            [("Attack", "Unidentified Armed Group (Syria)", "Protesters (Syria)")],
        ),
    ],
)
def test_protesters_killed_are_excessive_force_or_an_attack_not_a_battle(pipeline, text, expected) -> None:
    assert _typed(pipeline, text) == expected
    off = _typed(pipeline, text, "types.excessive_force")
    assert off and off[0][0] != expected[0][0], "switched off: typed as before"


def test_farmers_and_shepherds_killed_are_civilians_attacked(pipeline) -> None:
    # Occupations of civilians are victims, and deaths told in general terms against them an attack.
    text = "Gunmen killed four shepherds near Saraqib on Thursday."
    assert [(r[0], r[2]) for r in _typed(pipeline, text)] == [("Attack", "Civilians (Syria)")]


def test_an_attack_on_a_town_is_a_battle_unless_its_victims_are_civilians(pipeline) -> None:
    assert [r[0] for r in _typed(pipeline, "Insurgents attacked the town of Saraqib on Thursday.")] == ["Armed clash"]
    text = "Insurgents attacked the town of Saraqib on Thursday, killing 40 villagers."
    assert [(r[0], r[2]) for r in _typed(pipeline, text)] == [("Attack", "Civilians (Syria)")]


@pytest.mark.parametrize(
    "text",
    [
        "Protesters clashed with police in Homs on Thursday over the new fees, witnesses said.",
        # Told from the force's side, with nobody dead: the crowd fought as well.
        "Police clashed with demonstrators in Homs on Thursday over the new fees, witnesses said.",
    ],
)
def test_a_crowd_that_fights_riots(pipeline, text) -> None:
    rows = _rows(pipeline, text)
    assert [(r[0], r[1], r[2], r[3]) for r in rows] == [("Riots", "Rioters (Syria)", 5, "Police Forces of Syria")]
    off = _rows(pipeline, text, "types.crowd_clash")
    assert [r[0] for r in off] != ["Riots"], "switched off: an armed clash or excessive force, as before"


def test_a_crowd_killed_in_a_clash_is_not_a_riot(pipeline) -> None:
    text = "Police clashed with protesters in Homs on Thursday, killing two of them, witnesses said."
    assert [r[0] for r in _rows(pipeline, text)] != ["Riots"]


def test_a_protests_crowd_that_stones_the_police_riots(pipeline) -> None:
    text = "Stone-throwing demonstrators attacked riot police in Homs on Thursday, witnesses said."
    rows = _rows(pipeline, text)
    assert [(r[0], r[1], r[2], r[3]) for r in rows] == [("Riots", "Rioters (Syria)", 5, "Police Forces of Syria")]
    off = _rows(pipeline, text, "types.crowd_clash")
    assert [(r[0], r[1]) for r in off] == [("Riots", "Protesters (Syria)")], "switched off: the crowd keeps its name"


SUB_TYPED = (S.SUB_EVENT_TYPE, S.ACTOR1, S.ACTOR2)


@pytest.mark.parametrize(
    ("text", "sub_type"),
    [
        # A protest told: the civilians who fought the force were demonstrating.
        (
            "Riot police clashed with shopkeepers in Homs on Thursday who were protesting against a new tax.",
            "Violent demonstration",
        ),
        # None told: a riot all the same, by a mob.
        ("Police clashed with students in Homs on Thursday after a football match, witnesses said.", "Mob violence"),
    ],
)
def test_civilians_who_clash_with_the_police_riot(pipeline, text, sub_type) -> None:
    assert _rows(pipeline, text, columns=SUB_TYPED) == [(sub_type, "Rioters (Syria)", "Police Forces of Syria")]
    off = _rows(pipeline, text, "types.civilian_clash", SUB_TYPED)
    assert [r[0] for r in off] == ["Armed clash"], "switched off: an armed clash with civilians, as before"


@pytest.mark.parametrize(
    "text",
    [
        # Against an armed group: perhaps a militia of their own, perhaps its victims; not a riot.
        "Insurgents clashed with shopkeepers in Homs on Thursday, witnesses said.",
        # With deaths: who killed whom is not what a riot's coding says.
        "Police clashed with students in Homs on Thursday, killing three of them, witnesses said.",
    ],
)
def test_civilians_in_a_clash_with_an_armed_group_or_with_deaths_do_not_riot(pipeline, text) -> None:
    rows = _rows(pipeline, text)
    assert rows and "Riots" not in [r[0] for r in rows]


def test_a_neighbourhood_stormed_is_raided_not_taken(pipeline) -> None:
    # Nobody is said to hold it after: the killings type the raid.
    text = "Gunmen stormed a neighbourhood of Homs on Thursday, killing nine residents, witnesses said."
    assert [(r[0], r[3]) for r in _rows(pipeline, text, columns=(S.SUB_EVENT_TYPE, S.ACTOR1, S.INTER1, S.ACTOR2))] == [
        ("Attack", "Civilians (Syria)")
    ]
