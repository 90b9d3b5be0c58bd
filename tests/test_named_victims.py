"""`tolls.named_victim`: a killing told by the victim's name and no count has a toll of one per
person named. Examples written for the rule."""

from __future__ import annotations

import pytest
from test_toll_clause import rows_of

from dashboard import schema as S
from dashboard.events.named_victims import named_victims


@pytest.mark.parametrize(
    "text, toll",
    [
        ("Unknown gunmen shot dead Tunde Bakare, a ward chairman, outside his house in Ibadan on Monday.", 1),
        ("The rights lawyer Amal Idris was assassinated in Khartoum on Sunday, her colleagues said.", 1),
        ("Fighters beheaded Pierre Kabila and Joseph Mbuyi near Beni on Wednesday, residents said.", 2),
        ("Masked men gunned down Sister Agnes Otieno, a nun, near Kisumu on Friday.", 1),
    ],
)
def test_a_victim_named_is_counted(pipeline, text, toll) -> None:
    on = rows_of(pipeline, text)
    assert on[S.FATALITIES].tolist() == [toll]
    off = rows_of(pipeline, text, "tolls.named_victim")
    assert off[S.FATALITIES].isna().all()


@pytest.mark.parametrize(
    "sentence",
    [
        "Unknown gunmen shot Tunde Bakare outside his house.",  # shot, not shot dead: he may live
        "Air defences shot down a drone over the port.",  # an aircraft
        "Tunde Bakare said gunmen killed two guards.",  # the speaker, not the dead (and counted)
        "Gunmen killed Ibadan's ward chairmen.",  # no person's name
    ],
)
def test_no_named_victim(nlp, sentence) -> None:
    doc = nlp(sentence)
    verbs = [t for t in doc if t.pos_ in ("VERB", "AUX")]
    assert all(named_victims(v, 0) is None for v in verbs)


def test_the_count_spans_the_names(nlp) -> None:
    sentence = "Militants executed Omar Farouk and Khalid Nasser near Gao."
    doc = nlp(sentence)
    verb = next(t for t in doc if t.text == "executed")
    count = named_victims(verb, 0)
    assert count is not None and count.value == 2
    assert sentence[count.start : count.end] == "Omar Farouk and Khalid Nasser"
