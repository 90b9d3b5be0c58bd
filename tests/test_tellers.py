"""Conflicting reports of one event's deaths: who gives each count, and which counts are rivals."""

from __future__ import annotations

import pytest

from dashboard import schema as S
from dashboard.events.assemble import assemble
from dashboard.events.tellers import is_firm, is_part_or_superseded, sentence_of, teller
from dashboard.rules import Switches


@pytest.mark.parametrize(
    "sentence, kind",
    [
        ("Shells killed six people in the market on Friday, a monitoring group said.", "monitor"),
        ("The official news agency said three people died when the mortar hit a bakery.", "state_media"),
        ("Nine people were killed, according to doctors at the town's only clinic.", "medical"),
        # The teller nearest its verb, not the army whose shelling the monitor reports.
        ("The army shelled the village, killing four farmers, the Observatory said.", "monitor"),
        ("Eleven fighters died in the ambush, said the defence ministry.", "military"),
        ("The jets killed seven people in the village.", None),
    ],
)
def test_the_teller_is_the_source_the_sentence_attributes_the_count_to(sentence: str, kind: str | None) -> None:
    assert teller(sentence) == kind


@pytest.mark.parametrize(
    "sentence, phrase, part",
    [
        ("At least 20 villagers including nine children were killed in the raid.", "nine children were killed", True),
        ("Of those killed, seven were women.", "killed, seven were women", True),
        ("Eight fighters died in the town while four others were killed near the dam.", "Eight fighters died", True),
        ("Five children were among the dead, the medics said.", "Five children", True),
        ("An initial toll of 6 dead was raised to 9 by the evening.", "6 dead", True),
        ("State television said ten people had been killed in the blast.", "ten people had been killed", False),
    ],
)
def test_parts_breakdowns_and_superseded_tolls_are_not_rival_counts(sentence: str, phrase: str, part: bool) -> None:
    assert is_part_or_superseded(sentence, sentence.index(phrase), phrase) is part


def test_only_plain_and_at_least_counts_are_firm() -> None:
    assert is_firm("killed at least 12") and is_firm("14 people were killed")
    assert not is_firm("killed more than 12") and not is_firm("some 40 were killed")
    assert not is_firm("two dozen people were killed")


def test_the_sentence_of_a_count_is_cut_from_a_two_sentence_excerpt() -> None:
    excerpt = "Rockets hit the square. Officials said 4 people were killed there."
    sentence, at = sentence_of(excerpt, "4 people were killed")
    assert sentence == "Officials said 4 people were killed there."
    assert sentence[at:].startswith("4 people")


LEAD = "Shelling of the market killed at least 9 civilians on Monday, a monitoring group said."
STATE = "State television said 7 people had been killed in the market shelling."
PART = "State television said 4 children were among the dead."
UNTOLD = "Rescuers pulled 7 bodies out; 7 people were killed in the shelling."


def _told(row, start: int, text: str, phrase: str, value: int) -> dict:
    return row(start, fatalities=value, fatalities_text=phrase, excerpt=text)


@pytest.fixture
def row(plain_row):
    def make(start: int, **kw) -> dict:
        base = plain_row(_start=start, **kw)
        base.setdefault(S.RECORD_KIND, "event")
        base.setdefault(S.INTER1, None)
        base.setdefault(S.INTER2, None)
        base[S.EXCERPT_END] = start + len(base[S.EXCERPT])
        return base

    return make


def test_a_lower_count_from_another_teller_is_the_events_toll(row) -> None:
    rows = [
        _told(row, 0, LEAD, "killed at least 9 civilians", 9),
        _told(row, 100, STATE, "7 people had been killed", 7),
    ]
    assert assemble(rows)[0][S.FATALITIES] == 7
    # Switched off, the lead's count stands.
    assert assemble(rows, Switches.parse("assemble.lowest_report"))[0][S.FATALITIES] == 9


def test_a_part_an_unattributed_count_or_a_much_smaller_one_does_not_lower_the_toll(row) -> None:
    lead = _told(row, 0, LEAD, "killed at least 9 civilians", 9)
    part = _told(row, 100, PART, "4 children", 4)
    untold = _told(row, 200, UNTOLD, "7 people were killed", 7)
    small = _told(row, 300, "Medics said 2 people were killed near the market.", "2 people were killed", 2)
    for other in (part, untold, small):
        assert assemble([lead, other])[0][S.FATALITIES] == 9


def test_a_lead_that_names_no_teller_is_told_by_whoever_gives_its_count(row) -> None:
    # The lead names nobody; the wire agency gives the same nine; state media's seven conflicts with it.
    nine = "killed at least 9 civilians"
    lead = _told(row, 0, "A car bomb killed at least 9 civilians in the town on Monday.", nine, 9)
    wire = _told(row, 70, "The bomb killed at least 9 civilians, AFP reported.", nine, 9)
    state = _told(row, 130, STATE, "7 people had been killed", 7)
    assert assemble([lead, wire, state])[0][S.FATALITIES] == 7
    # Without a report that names who gave the lead's count, nothing conflicts with it.
    assert assemble([lead, state])[0][S.FATALITIES] == 9
