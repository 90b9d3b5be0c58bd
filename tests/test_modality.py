"""What is not told as done, for events of every type: `mention.scheduled`, `mention.asked_for` and
`mention.every_type`, and the meeting words that name no meeting. Examples written for these tests."""

from __future__ import annotations

import pytest

from dashboard import schema as S
from tests.test_sites import rows_of, without


@pytest.mark.parametrize(
    "text, rule",
    [
        ("A summit of Gulf leaders is set to open in Doha, its hosts said.", "mention.scheduled"),
        ("Talks between the two delegations are due to begin in Vienna.", "mention.scheduled"),
        ("Ministers prepared for the upcoming talks in Amman.", "mention.scheduled"),
        ("Envoys named the venue of a meeting to be held in Muscat.", "mention.scheduled"),
        ("The mediator urged the government to allow observers to visit the camps near Hama.", "mention.asked_for"),
        ("The opposition called on the envoy to hold talks in Riyadh.", "mention.asked_for"),
        ("The council will hold its general meeting in Istanbul.", "mention.every_type"),
    ],
)
def test_talks_only_planned_or_asked_for_are_mentions(pipeline, text: str, rule: str) -> None:
    assert rows_of(pipeline, text).empty, text
    off = rows_of(without(pipeline, rule), text)
    assert off[S.EVENT_TYPE].tolist() == ["Diplomacy"], f"{rule} off: the row is drawn again"


@pytest.mark.parametrize(
    "text",
    [
        "The foreign ministers of Jordan and Egypt met in Amman on Tuesday to discuss the crossings.",
        "Negotiators signed a truce in Geneva on Friday after four days of talks.",
        "The envoy visited Homs on Sunday and met the governor.",
        "After long talks in Vienna on Sunday the two ministers said a truce would begin soon.",
        "Delegates ended a round of talks in Astana on Monday, to resume them next month.",
    ],
)
def test_talks_held_stay_events(pipeline, text: str) -> None:
    assert rows_of(pipeline, text)[S.EVENT_TYPE].tolist() == ["Diplomacy"], text


def test_violence_only_asked_for_is_a_mention_and_an_attempt_is_an_event(pipeline) -> None:
    asked = "The commander urged his men to launch an assault on the base near Saraqib."
    assert rows_of(pipeline, asked).empty
    assert rows_of(without(pipeline, "mention.asked_for"), asked)[S.EVENT_TYPE].tolist() == ["Battles"]
    tried = "Rebels tried to launch an assault on the base near Saraqib on Monday."
    assert rows_of(pipeline, tried)[S.EVENT_TYPE].tolist() == ["Battles"]


def test_a_news_conference_and_a_crackdown_met_are_no_meetings(pipeline) -> None:
    assert rows_of(pipeline, "Speaking at a news conference in Cairo on Monday, the minister thanked Egypt.").empty
    # No protest word: the passive "met" is the sentence's only trigger, so only its rule keeps it out.
    assert (
        "Diplomacy"
        not in rows_of(pipeline, "The crowd in Baniyas was met with live fire on Friday.")[S.EVENT_TYPE].tolist()
    )


def test_a_protest_calling_for_reform_is_held_and_one_only_called_for_is_not(pipeline) -> None:
    held = "Hundreds joined a demonstration in Suwayda on Friday calling for the release of detainees."
    assert rows_of(pipeline, held)[S.EVENT_TYPE].tolist() == ["Protests"]
    asked = "Activists called for a demonstration in Suwayda on Friday."
    assert rows_of(pipeline, asked).empty
    assert rows_of(without(pipeline, "mention.every_type"), asked)[S.EVENT_TYPE].tolist() == ["Protests"]


def test_a_battle_an_infinitive_qualifies_is_not_scheduled(pipeline) -> None:
    text = "A fierce battle to defend the town of Saraqib raged on Monday."
    assert rows_of(pipeline, text)[S.EVENT_TYPE].tolist() == ["Battles"]


def test_meeting_a_need_is_no_meeting(pipeline) -> None:
    # Not negated ("did not meet" would be a mention by `mention.negated` whatever "meet" names).
    assert rows_of(pipeline, "The aid that reached Madaya on Monday met the town's needs.").empty


@pytest.mark.parametrize(
    "text, kind",
    [
        ("Government troops pushed on to retake the town of Morek on Monday.", "Battles"),
        ("The next wave of air strikes hit Raqqa on Monday, killing 12.", "Explosions/Remote violence"),
        ("The army launched a long-expected offensive near Morek on Monday.", "Battles"),
        ("The planned talks took place in Geneva on Monday.", "Diplomacy"),
        ("The deal allowed 3,000 people to be evacuated from Daraya on Monday.", "Displacement"),
    ],
)
def test_what_was_planned_pushed_for_or_allowed_and_then_happened_stays_an_event(
    pipeline, text: str, kind: str
) -> None:
    assert rows_of(pipeline, text)[S.EVENT_TYPE].tolist() == [kind], text


@pytest.mark.parametrize(
    "text, rule",
    [
        ("Turkey invited the two sides to hold talks in Ankara.", "mention.asked_for"),
        ("Talks in Geneva seem poised to resume.", "mention.scheduled"),
    ],
)
def test_a_past_invitation_and_a_complement_of_being_poised_are_not_done(pipeline, text: str, rule: str) -> None:
    assert rows_of(pipeline, text).empty, text
    assert rows_of(without(pipeline, rule), text)[S.EVENT_TYPE].tolist() == ["Diplomacy"]
