"""Who a speaker's pronoun is (`actors.speaker_pronoun`) and what "anti-" makes of a name
(`actors.anti_side`): sentences of our own, with each rule on and off."""

from __future__ import annotations

import pytest

from dashboard.events.actors import Actor, find_mentions
from dashboard.rules import Switches
from tests.test_actors import actors_of


@pytest.mark.parametrize(
    "sentence, trigger, country, name, actor1",
    [
        # "it" of a state's army, with a day between the speaker and its verb.
        (
            "The Iraqi army said on Sunday it had killed 12 militants near the border crossing.",
            "killed",
            "IQ",
            "Iraq",
            Actor("Military Forces of Iraq", 1),
        ),
        # "they" of a group, "that" opening the clause, no auxiliary.
        (
            "The Houthis announced that they shot down a drone over the port city.",
            "shot down",
            "YE",
            "Yemen",
            Actor("Houthis (Ansar Allah)", 2),
        ),
        # A claim of a bombing.
        (
            "The Islamic State group claimed it carried out the car bombing at the checkpoint.",
            "bombing",
            "IQ",
            "Iraq",
            Actor("Islamic State (ISIS)", 2),
        ),
    ],
)
def test_a_speaker_that_tells_its_own_act_is_its_author(nlp, sentence, trigger, country, name, actor1) -> None:
    a1, _ = actors_of(nlp, sentence, trigger, country, name)
    assert a1 == actor1
    off, _ = actors_of(nlp, sentence, trigger, country, name, Switches.parse("actors.speaker_pronoun"))
    assert off != actor1, "switched off: the pronoun names no one"


@pytest.mark.parametrize(
    "text",
    [
        # A passive: the subject is as often those the speaker tells of.
        "Medics said they were killed by artillery fire near the bakery.",
        "The ministry said it had been struck twice.",
        # A name governed by a preposition is no speaker: the coalition's clause is too long to read.
        "The coalition that has bombed IS positions across Syria for a year said it had hit a depot.",
    ],
)
def test_a_pronoun_the_rule_does_not_read_as_the_speaker(text: str) -> None:
    pronouns = [
        (text[m.start : m.end], m.entry.name) for m in find_mentions(text) if text[m.start : m.end] in ("it", "they")
    ]
    assert pronouns == []


def test_the_pronoun_is_the_nearest_speaker_s() -> None:
    text = "The army said the rebels claimed they had fired the rockets."
    pronouns = [(text[m.start : m.end], m.entry.name) for m in find_mentions(text) if text[m.start : m.end] == "they"]
    assert pronouns == [("they", "Rebel groups ({country})")]


def test_a_name_with_anti_written_onto_it_is_another_side() -> None:
    text = "An anti-Houthi militia reported that six fighters were killed in the clashes."
    assert "Houthis (Ansar Allah)" not in {m.entry.name for m in find_mentions(text)}
    off = find_mentions(text, switches=Switches.parse("actors.anti_side"))
    assert "Houthis (Ansar Allah)" in {m.entry.name for m in off}, "switched off: the name is read"


def test_anti_before_an_act_keeps_the_act_s_target() -> None:
    text = "Government troops began a new anti-Houthi offensive south of the city."
    assert "Houthis (Ansar Allah)" in {m.entry.name for m in find_mentions(text)}


def test_a_speaker_s_pronoun_is_not_the_author_of_an_act_another_clause_tells(nlp) -> None:
    # "they" (the police) detained men; the shell that hit the market is told in the "after" clause.
    sentence = "Police in the town said they had detained four men after a mortar shell hit the market."
    a1, a2 = actors_of(nlp, sentence, "shell", "IQ", "Iraq")
    assert "Police" not in f"{a1} {a2}"
    theirs, _ = actors_of(nlp, "Police in the town said they had stormed the hideout.", "stormed", "IQ", "Iraq")
    assert theirs is not None and "Police" in theirs.name, "their own act is theirs"
