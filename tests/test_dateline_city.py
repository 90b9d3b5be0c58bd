"""`location.dateline_city`: "in the city", "in the capital" or "here" under a dateline, before any
other place is named, is the dateline's town. Wire copy of our own, with the rule on and off."""

from __future__ import annotations

from dashboard import schema as S
from tests.test_sites import rows_of, without


def _placed(rows) -> list[tuple[str, str]]:
    return list(zip(rows[S.SUB_EVENT_TYPE], rows[S.LOCATION], strict=True))


def test_the_city_of_a_wire_dateline_is_its_town(pipeline) -> None:
    text = "MOSUL, Iraq (Agency) - A roadside bomb went off near a bus station in the city on Monday, wounding five."
    rows = rows_of(pipeline, text)
    assert _placed(rows) == [("Remote explosive/landmine/IED", "Mosul")]
    # The excerpt shows the place's words: the dateline opens it.
    assert rows[S.EXCERPT].iloc[0].startswith("MOSUL, Iraq (Agency) -")
    assert rows_of(without(pipeline, "location.dateline_city"), text).empty, "switched off: no place, no row"


def test_the_capital_and_here_under_a_capital_s_dateline(pipeline) -> None:
    capital = "KABUL (Agency) - Gunmen stormed a hotel in the capital on Friday, killing seven guests, police said."
    here = "KABUL, Afghanistan — Gunmen stormed a hotel here on Friday, killing seven guests, police said."
    for text in (capital, here):
        assert [loc for _, loc in _placed(rows_of(pipeline, text))] == ["Kabul"], text


def test_the_capital_under_a_town_that_is_none(pipeline) -> None:
    # Mosul is no national capital: "the capital" is another place the text leaves unnamed.
    text = "MOSUL, Iraq (Agency) - Gunmen stormed a hotel in the capital on Friday, killing seven guests."
    assert rows_of(pipeline, text).empty


def test_a_dateline_abroad_is_not_where_an_unplaced_lead_happened(pipeline) -> None:
    # No description refers back: a lead naming no place is not the dateline's.
    text = "BEIRUT (Agency) - Government forces shelled rebel positions on Monday, killing 15 fighters."
    assert rows_of(pipeline, text).empty


def test_the_city_after_another_place_is_named_is_not_the_dateline_s(pipeline) -> None:
    text = (
        "BEIRUT (Agency) - Jets bombed a market in Saraqib on Monday, killing 15. "
        "Later a car bomb exploded in the city, wounding nine."
    )
    rows = rows_of(pipeline, text)
    assert "Beirut" not in set(rows[S.LOCATION])


def test_the_tellers_place_is_not_the_act_s(pipeline) -> None:
    # "Officials in the capital said", "said here": where the news is told, not where it happened.
    for text in (
        "KABUL (Agency) - Officials in the capital said on Monday that gunmen had raided a post, killing five.",
        "KABUL (Agency) - Officials said here on Monday that gunmen had raided a post, killing five.",
    ):
        assert rows_of(pipeline, text).empty, text
