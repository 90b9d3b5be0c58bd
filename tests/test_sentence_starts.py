"""`sentences.lowercase_continuation`: a word in lower case right after another word or a comma
continues its sentence (examples written for these tests)."""

from __future__ import annotations

import pytest

from dashboard import schema as S
from dashboard.rules import Switches
from dashboard.sentence_starts import LOWERCASE_COMPONENT, lowercase_continuation
from tests.test_sites import rows_of, without

HEADLINE = "Attacks in the east\n\nM23 rebels seized the town of Rubaya in North Kivu on Tuesday."


def starts(nlp, text: str) -> dict[str, bool | None]:
    """Each word's sentence start as the component leaves it, before any parse."""
    doc = lowercase_continuation(nlp.make_doc(text))
    return {t.text: t.is_sent_start for t in doc if t.is_alpha}


@pytest.mark.parametrize(
    "text, word, start",
    [
        ("M23 rebels seized the town.", "rebels", False),  # after a word
        ("Near Beni, fighters attacked a farm.", "fighters", False),  # after a comma
        ("It ended on Monday. later two were found.", "later", None),  # after a full stop: the parser's choice
        ("Who fired? nobody would say.", "nobody", None),
        ("Who fired\nnobody would say.", "nobody", None),  # at a line's start
        ("M23 Rebels seized the town.", "Rebels", None),  # a capital: the parser's choice
    ],
)
def test_where_a_sentence_may_not_start(nlp, text, word, start) -> None:
    assert starts(nlp, text)[word] is start


def test_a_name_cut_from_its_sentence_stays_its_subject(nlp, pipeline) -> None:
    assert [s.text.strip() for s in nlp(HEADLINE).sents] == [
        "Attacks in the east",
        "M23 rebels seized the town of Rubaya in North Kivu on Tuesday.",
    ]
    on = rows_of(pipeline, HEADLINE)
    assert on[S.ACTOR1].tolist() == ["M23"]
    # Switched off, the parser cuts "M23" from "rebels seized …", which then has no named subject.
    off = rows_of(without(pipeline, "sentences.lowercase_continuation"), HEADLINE)
    assert off[S.ACTOR1].tolist() == ["Rebel groups (Democratic Republic of the Congo)"]


def test_the_rule_off_leaves_the_component_out(nlp) -> None:
    from dashboard.nlp import components_off

    assert components_off(nlp, Switches.parse("sentences.lowercase_continuation")) == (LOWERCASE_COMPONENT,)
    assert components_off(nlp, Switches.parse("sentences")) == (LOWERCASE_COMPONENT,)
