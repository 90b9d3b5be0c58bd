"""`mention.tag_list_cut`: a page's tag list glued between two story sentences is a sentence of its own
(examples written for these tests)."""

from __future__ import annotations

import pytest

from dashboard import schema as S
from tests.test_sites import rows_of, without


def sentences(nlp, text: str) -> list[str]:
    return [s.text.strip() for s in nlp(text).sents]


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "Jets hit a bakery in the town on Friday. Tags Syria Homs Rebels airstrikes The strikes killed "
            "four people queuing for bread.",
            [
                "Jets hit a bakery in the town on Friday.",
                "Tags Syria Homs Rebels airstrikes",
                "The strikes killed four people queuing for bread.",
            ],
        ),
        (
            "A car bomb went off near the market. Tags bombing Afrin YPG At least nine people died in the blast.",
            [
                "A car bomb went off near the market.",
                "Tags bombing Afrin YPG",
                "At least nine people died in the blast.",
            ],
        ),
        (
            # "IS" in capitals is a tag, not an opener; "Three" opens the story.
            "Tags Raqqa IS coalition Three coalition raids hit a bridge on Sunday.",
            ["Tags Raqqa IS coalition", "Three coalition raids hit a bridge on Sunday."],
        ),
    ],
)
def test_a_tag_list_is_a_sentence_of_its_own(nlp, text: str, expected: list[str]) -> None:
    assert sentences(nlp, text) == expected


def test_a_story_that_opens_without_an_opener_is_cut_only_from_the_sentence_before(nlp) -> None:
    # No determiner, numeral or preposition in capitals before the story's verb: where the tags end
    # is not known, so the story keeps them rather than lose its subject.
    got = sentences(
        nlp, "The road was closed on Monday. Tags Idlib Turkey Syrian troops shelled a checkpoint near the road."
    )
    assert got[0] == "The road was closed on Monday."
    assert got[1].startswith("Tags Idlib Turkey") and got[1].endswith("near the road.")


def test_the_word_inside_a_sentence_is_left_alone(nlp) -> None:
    text = "Price Tags of bread rose in the city after the siege began."
    assert sentences(nlp, text) == [text]


def test_tags_do_not_give_the_story_its_victims(pipeline) -> None:
    text = (
        "Residents fled the district of Saraqib in Idlib province on Friday. Tags Syria Idlib Rebels Raids At least "
        "twelve civilians were killed in aerial bombardment of Saraqib on Saturday, a monitoring group said."
    )
    ev = rows_of(pipeline, text)
    strike = ev[ev[S.FATALITIES] == 12]
    assert len(strike) == 1 and strike[S.ACTOR2].tolist() == ["Civilians (Syria)"]
    off = rows_of(without(pipeline, "mention.tag_list_cut"), text)
    # Switched off, the tag "Rebels" in the glued sentence is read as whom the raids hit.
    assert off[off[S.FATALITIES] == 12][S.ACTOR2].tolist() == ["Rebel groups (Syria)"]


def test_every_caller_leaves_the_component_out_when_the_rule_is_off(nlp) -> None:
    # The pipeline and the eval commands ask one function which components `--disable` turns off.
    from dashboard.nlp import FURNITURE_COMPONENT, components_off
    from dashboard.rules import Switches

    assert components_off(nlp, Switches()) == ()
    assert components_off(nlp, Switches.parse("mention.tag_list_cut")) == (FURNITURE_COMPONENT,)
    assert components_off(nlp, Switches.parse("mention")) == (FURNITURE_COMPONENT,)  # the whole family
