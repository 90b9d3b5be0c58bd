"""`location.vicinity` and the bomb that kills (examples written for these tests)."""

from __future__ import annotations

import pytest

from dashboard import schema as S
from tests.test_sites import rows_of, without


@pytest.mark.parametrize(
    "text, precision",
    [
        ("A bomb killed two soldiers near Homs on Saturday.", 2),
        ("A bomb killed two soldiers on the outskirts of Homs on Saturday.", 2),
        ("A bomb killed two soldiers in a village west of the city of Homs on Saturday.", 2),
        ("A bomb killed two soldiers in Homs on Saturday.", 1),
        ("A bomb killed two soldiers in the west of Homs on Saturday.", 1),  # a part of the city
    ],
)
def test_a_town_the_event_is_near_gives_precision_2(pipeline, text: str, precision: int) -> None:
    ev = rows_of(pipeline, text)
    assert ev[S.LOCATION].tolist() == ["Homs"] and ev[S.GEO_PRECISION].tolist() == [precision]


def test_switched_off_the_town_is_exact(pipeline) -> None:
    ev = rows_of(without(pipeline, "location.vicinity"), "A bomb killed two soldiers near Homs on Saturday.")
    assert ev[S.GEO_PRECISION].tolist() == [1]


def test_a_bomb_that_kills_is_a_remote_explosive_not_a_barrel_bomb(pipeline) -> None:
    bomb = rows_of(pipeline, "A bomb killed two soldiers in Daraa city on Saturday.")
    assert bomb[S.SUB_EVENT_TYPE].tolist() == ["Remote explosive/landmine/IED"]
    barrel = rows_of(pipeline, "Barrel bombs killed two civilians in Daraa city on Saturday.")
    assert barrel[S.SUB_EVENT_TYPE].tolist() == ["Air/drone strike"]

