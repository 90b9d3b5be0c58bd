"""Who was hit, and what that makes the event: civilians before the holder of the place
(`actors.victims_over_holder`), the second side of "between A and B" when the parse hangs it inside
A (`actors.between_sides`), and deaths of civilians told in general terms as violence against
civilians (`types.civilian_target`). Examples written for the rules."""

from __future__ import annotations

import pandas as pd
from test_sites import rows_of as site_rows
from test_sites import without

from dashboard import schema as S


def rows_of(pipeline, text: str, *disabled: str) -> pd.DataFrame:
    """The event rows of one article with the rules `disabled` off (`test_sites.rows_of`, which also
    checks each row's toponym offsets)."""
    return site_rows(without(pipeline, *disabled), text)


def test_civilians_named_as_hit_are_the_target_before_the_holder_of_the_place(pipeline) -> None:
    # actors.victims_over_holder: "rebel-held" says whose town it is; the dead are who was hit.
    text = "Government jets bombed the rebel-held town of Saraqib on Sunday, killing nine civilians."
    assert rows_of(pipeline, text)[S.ACTOR2].tolist() == ["Civilians (Syria)"]
    assert rows_of(pipeline, text, "actors.victims_over_holder")[S.ACTOR2].tolist() == ["Rebel groups (Syria)"]
    # With no civilians named, the side that holds the place is the one hit.
    bare = "Government jets bombed the rebel-held town of Saraqib on Sunday."
    assert rows_of(pipeline, bare)[S.ACTOR2].tolist() == ["Rebel groups (Syria)"]


def test_the_second_side_of_between_hung_inside_the_first_is_the_target(pipeline) -> None:
    text = (
        "Fighting spread across northern Syria. On Sunday clashes broke out between Turkish troops backed "
        "by armoured vehicles and Kurdish fighters near the town of Manbij."
    )
    clash = rows_of(pipeline, text)
    clash = clash[clash[S.SUB_EVENT_TYPE] == "Armed clash"]
    assert clash[S.ACTOR2].tolist()[-1] == "YPG"
    off = rows_of(pipeline, text, "actors.between_sides")
    assert off[off[S.SUB_EVENT_TYPE] == "Armed clash"][S.ACTOR2].tolist()[-1] == ""


def test_deaths_in_general_terms_of_civilians_are_violence_against_civilians(pipeline) -> None:
    # types.civilian_target: no weapon named, the dead are villagers: not a battle between armed sides.
    text = "Gunmen killed six villagers in the town of Saraqib on Monday."
    assert rows_of(pipeline, text)[S.SUB_EVENT_TYPE].tolist() == ["Attack"]
    assert rows_of(pipeline, text, "types.civilian_target")[S.SUB_EVENT_TYPE].tolist() == ["Armed clash"]
    # Armed men killed by armed men stay a clash.
    fighters = "Army units killed 20 militants near the town of Saraqib on Monday."
    assert rows_of(pipeline, fighters)[S.SUB_EVENT_TYPE].tolist() == ["Armed clash"]
