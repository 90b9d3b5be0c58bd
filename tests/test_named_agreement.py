"""`mention.named_agreement`: an agreement a sentence only refers to is background; one it says was
made (signed, reached, brokered, declared, in either voice) is an event (examples written for these
tests)."""

from __future__ import annotations

import pytest

from dashboard import schema as S
from tests.test_sites import rows_of, without

REFERRED = [
    "The truce appeared to be holding across most of Homs province on Saturday.",
    "Rebels in Daraa are not party to the southern de-escalation agreement.",
    "Thousands left the two villages in Idlib province on Friday under a deal between the warring sides.",
]
MADE = [
    "Russia and Turkey signed an agreement on the Idlib zone in Sochi on Monday.",
    "The army declared a 72-hour ceasefire in Aleppo on Wednesday.",
    "Under the accord that was reached in Astana on Thursday, Homs becomes a safe zone.",
]


@pytest.mark.parametrize("text", REFERRED)
def test_an_agreement_only_referred_to_is_a_mention(pipeline, text: str) -> None:
    assert rows_of(pipeline, text).query(f"{S.SUB_EVENT_TYPE} == 'Agreement'").empty
    off = rows_of(without(pipeline, "mention.named_agreement"), text)
    assert (off[S.SUB_EVENT_TYPE] == "Agreement").any(), "the switch is what makes it a mention"


@pytest.mark.parametrize("text", MADE)
def test_an_agreement_made_in_the_sentence_is_an_event(pipeline, text: str) -> None:
    assert (rows_of(pipeline, text)[S.SUB_EVENT_TYPE] == "Agreement").any()
