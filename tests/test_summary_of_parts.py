"""`assemble.summary_of_parts` and `assemble.continued_sentence`: which report is an event of its own
(examples written for these tests)."""

from __future__ import annotations

from dashboard import schema as S
from tests.test_sites import rows_of, without

PARTS = (
    "Army shelling of the Eastern Ghouta enclave killed eleven civilians on Tuesday, a monitor said. "
    "Eight civilians were killed in shelling on Douma. Three civilians died in shelling on Harasta."
)


def test_an_areas_total_told_town_by_town_is_no_event(pipeline) -> None:
    ev = rows_of(pipeline, PARTS)
    assert sorted(ev[S.LOCATION]) == ["Dūmā", "Ḩarastā"]
    assert sorted(ev[S.FATALITIES]) == [3, 8]
    off = rows_of(without(pipeline, "assemble.summary_of_parts"), PARTS)
    assert "Eastern Ghouta" in set(off[S.LOCATION])


def test_an_area_row_of_other_means_stays_an_event(pipeline) -> None:
    # A missile strike on the province is not the sum of the jets' raids on two of its villages.
    text = (
        "A missile strike in Hama province killed nine fighters on Sunday. Warplanes bombed Kafr Zita on "
        "Sunday. Warplanes struck Suran on Sunday."
    )
    ev = rows_of(pipeline, text)
    assert ev[S.GEO_PRECISION].tolist() == [3, 1, 1] and ev[S.FATALITIES].iloc[0] == 9


def test_a_toll_joins_the_event_of_the_sentence_it_continues(pipeline) -> None:
    text = (
        "On Thursday rebels launched an attack on an army base near Harasta. The fighting there has left at "
        "least 30 dead. On Sunday a child was killed in shelling on Harasta."
    )
    ev = rows_of(pipeline, text).set_index(S.EVENT_TYPE)
    assert ev.loc["Battles", S.FATALITIES] == 30
    assert ev.loc["Explosions/Remote violence", S.FATALITIES] == 1
    off = rows_of(without(pipeline, "assemble.continued_sentence"), text)
    thursday = off[off[S.EVENT_DATE] == "2020-02-27"]
    assert len(thursday) == 1 and thursday[S.FATALITIES].isna().all()
