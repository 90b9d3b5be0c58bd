"""`actors.claimant`: the group that claims a bombing is its author (examples written for these tests)."""

from __future__ import annotations

import pytest

from dashboard import schema as S
from dashboard.events.claims import claimant
from tests.test_sites import rows_of, without


@pytest.mark.parametrize(
    "text, group",
    [
        ("A bomb went off in Jableh. Jabhat al-Nusra claimed responsibility for the attack.", "Jabhat al-Nusra"),
        (
            "A bomb went off in Jableh. The Islamic State group said one of its fighters set it off near a "
            "checkpoint of Kurdish fighters.",
            "Islamic State (ISIS)",
        ),
        # A text that lost its apostrophes.
        ("A bomb went off in Jableh. Jabhat al-Nusra said one of the groups members carried it.", "Jabhat al-Nusra"),
        ("A bomb went off in Jableh. No group has claimed the attack; officials blamed Jabhat al-Nusra.", None),
        ("A bomb went off in Jableh. The army said rebels planted it.", None),
        # The attack said to be the group's work.
        ("A bomb went off in Jableh. Jabhat al-Nusra said its fighters carried out the attack.", "Jabhat al-Nusra"),
        ("A bomb went off in Jableh. Jabhat al-Nusra said it was behind the blast.", "Jabhat al-Nusra"),
        # A suspicion names no claimant.
        ("A bomb went off in Jableh. Officials suspected Jabhat al-Nusra carried out the attack.", None),
        ("A bomb went off in Jableh. Jabhat al-Nusra denied it was behind the blast.", None),
    ],
)
def test_the_claimant(nlp, text: str, group: str | None) -> None:
    found = claimant(nlp(text))
    assert (found.name if found else None) == group


def test_a_claimed_bombing_with_no_named_author_is_the_claimants(pipeline) -> None:
    text = (
        "A car bomb exploded near the market in Azaz on Monday, killing seven people. The Islamic State group "
        "announced that one of its militants had driven the car."
    )
    bomb = rows_of(pipeline, text)
    bomb = bomb[bomb[S.SUB_EVENT_TYPE] == "Remote explosive/landmine/IED"]
    assert bomb[S.ACTOR1].tolist() == ["Islamic State (ISIS)"]
    off = rows_of(without(pipeline, "actors.claimant"), text)
    assert off[off[S.SUB_EVENT_TYPE] == "Remote explosive/landmine/IED"][S.ACTOR1].tolist() == [
        "Unidentified Armed Group (Syria)"
    ]
